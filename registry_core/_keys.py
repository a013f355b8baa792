"""Pure helpers for names and keys: validation, naming objects, close matches.

A key is ``'Name'`` (unscoped) or ``'scope.rest'`` (scoped; ``rest`` is again
a key, so ``'a.b.Name'`` is a two-level key). Names never contain a dot.

>>> split_key('toydet.NetA')
('toydet', 'NetA')
>>> split_key('hound.little_hound.Dachshund')
('hound', 'little_hound.Dachshund')
>>> split_key('NetA')
(None, 'NetA')
"""

from __future__ import annotations

from registry_core._messages import summary

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


def split_key(key: str) -> tuple[str | None, str]:
    """Split off the first scope of ``key``; ``(None, key)`` when unscoped."""
    scope, dot, rest = key.partition(".")
    if not dot:
        return None, key
    return scope, rest


def check_name(name: object) -> str:
    """Return ``name`` if it is a valid registered name, else raise.

    >>> check_name('ResNet')
    'ResNet'
    >>> check_name('a.b')
    Traceback (most recent call last):
    ...
    ValueError: invalid name 'a.b': a registered name must not contain '.', ...
    """
    if not isinstance(name, str):
        raise TypeError(
            f"a registered name must be a str, got {type(name).__name__}: {summary(name)}"
        )
    if not name:
        raise ValueError("invalid name '': a registered name must not be empty")
    if "." in name:
        last = name.rsplit(".", 1)[-1]
        raise ValueError(
            f"invalid name {name!r}: a registered name must not contain '.', which separates "
            f"scopes in keys (register {last!r} and look it up as {name!r})"
        )
    return name


def check_names(name: object) -> tuple[str, ...] | None:
    """Validate the ``name`` argument of ``register_module``.

    ``None`` stays ``None`` (the object's ``__name__`` is used later); a str
    becomes a 1-tuple; a sequence of str becomes a tuple without repeats.
    """
    if name is None:
        return None
    if isinstance(name, str):
        return (check_name(name),)
    if isinstance(name, (list, tuple)):
        if not name:
            raise ValueError("name must not be an empty sequence: give at least one name")
        return tuple(dict.fromkeys(check_name(n) for n in name))
    raise TypeError(
        "name must be None, a str or a list/tuple of str, got "
        f"{type(name).__name__}: {summary(name)}"
    )


def default_name(obj: object) -> str:
    """The name an object registers under when no name is given: its ``__name__``."""
    name = getattr(obj, "__name__", None)
    if not isinstance(name, str):
        raise TypeError(
            f"cannot infer a name for {summary(obj)} (a {type(obj).__name__} has no __name__): "
            "pass name='...' to register_module"
        )
    if name == "<lambda>":
        raise ValueError("a lambda has no usable name: pass name='...' to register_module")
    return check_name(name)


def describe(obj: object) -> str:
    """``module.qualname`` of an object, for messages; its repr when it has none."""
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if isinstance(module, str) and isinstance(qualname, str):
        return f"{module}.{qualname}"
    if isinstance(qualname, str):
        return qualname
    return repr(obj)[:120]


def close_matches(word: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Names close to ``word``: case-insensitive equals first, then by similarity.

    >>> close_matches('resnet', ['ResNet', 'ResNeXt', 'VGG'])
    ['ResNet', 'ResNeXt']
    >>> close_matches('depth', ['width', 'depth', 'dpeth'])
    ['dpeth']
    """
    pool = sorted(set(candidates) - {word})  # never the word itself
    if not pool:
        return []
    folded = word.casefold()
    same_case_free = [c for c in pool if c.casefold() == folded and c != word]
    by_case = {c.casefold(): c for c in pool}
    # difflib's similarity of two strings is at most 2 * min(lengths) / (sum of
    # lengths) (its real_quick_ratio, computed alike): candidates below the
    # cutoff by that bound alone can never match, and when none is left
    # difflib (~1.5 ms to import, with heapq) is not needed.
    size = len(folded)
    hopeful = [c for c in by_case if _length_bound(size, len(c)) >= _CUTOFF]
    similar: list[str] = []
    if hopeful:
        import difflib  # only on the error path

        close = difflib.get_close_matches(folded, hopeful, n=limit, cutoff=_CUTOFF)
        similar = [by_case[m] for m in close]
    return list(dict.fromkeys(same_case_free + similar))[:limit]


#: How similar (difflib's ratio) a name must be to be suggested: above 0.6, the ratio
#: of two five-letter words sharing three letters ('depth' is no match for 'width').
_CUTOFF = 0.65


def _length_bound(a: int, b: int) -> float:
    """The most similar two strings of lengths ``a`` and ``b`` can be."""
    return 2.0 * min(a, b) / (a + b) if a + b else 1.0
