"""What ``registry_core`` writes about user values and exceptions in error messages.

**Summaries.** An error about a bad config must not become a second problem:
a config 10,000 levels deep, a list of 20 million items or a value whose
``__repr__`` raises would make a plain ``repr()`` recurse, take seconds or
raise. :func:`summary` shows built-in containers only a few levels and items
deep, and values of other types by their type name alone, so it is cheap
whatever it is given.

>>> summary({"type": "ResNet", "depth": 50})
"{'depth': 50, 'type': 'ResNet'}"
>>> summary(list(range(1000)))
'[0, 1, 2, 3, 4, 5, ...]'
>>> class Opaque: ...
>>> summary(Opaque())
'<Opaque object>'

**Notes** (PEP 678). A constructor's exception reaches the caller as the same
object, with a note naming the registry, scope and type it was built from
(:func:`build_note`); an import of a ``locations`` module that fails gets a
note naming the registry.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core._node import Node
    from registry_core.registry import Registry

__all__ = ["add_note", "build_note", "summary", "where"]

_PLAIN = (str, bytes, int, float, complex, bool, type(None), list, tuple, dict, set, frozenset)
_SUMMARY: Any = None


def _summarizer() -> Any:
    """The ``reprlib.Repr`` of :func:`summary`, made on first use (error path only)."""
    global _SUMMARY
    if _SUMMARY is None:
        import reprlib

        class Summary(reprlib.Repr):
            def repr_instance(self, obj: object, level: int) -> str:
                # Never call a user type's __repr__: it may raise, recurse or be huge.
                return f"<{type(obj).__qualname__} object>"

        short = Summary()
        short.maxlevel = 3
        short.maxdict = short.maxlist = short.maxtuple = short.maxset = 6
        short.maxfrozenset = short.maxdeque = short.maxarray = 6
        short.maxstring = short.maxother = 60
        short.maxlong = 40
        _SUMMARY = short
    return _SUMMARY


def summary(value: object, limit: int = 120) -> str:
    """A short description of ``value``: at most ``limit`` characters, never raises."""
    short = _summarizer()
    try:
        if isinstance(value, type):
            text = f"<class {value.__module__}.{value.__qualname__}>"
        elif type(value) in _PLAIN:
            text = short.repr(value)
        elif isinstance(value, dict):  # a subclass, such as a loaded Config
            text = short.repr_dict(value, short.maxlevel)
        elif isinstance(value, (list, tuple)):
            text = short.repr_list(list(value[:7]), short.maxlevel)
        elif callable(value):
            text = _callable(value)
        else:
            text = f"<{type(value).__qualname__} object>"
    except Exception:  # a hostile __qualname__, say
        text = "<object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _callable(value: object) -> str:
    name = getattr(value, "__qualname__", None)
    if isinstance(name, str):
        module = getattr(value, "__module__", None)
        return f"<{module}.{name}>" if isinstance(module, str) else f"<{name}>"
    return f"<{type(value).__qualname__} object>"


def add_note(exc: BaseException, note: str) -> None:
    """PEP 678 ``add_note``, also on Python 3.10 (where it sets ``__notes__``)."""
    add = getattr(exc, "add_note", None)
    if add is not None:
        add(note)
        return
    notes = getattr(exc, "__notes__", None)
    try:
        if isinstance(notes, list):
            notes.append(note)
        else:
            exc.__notes__ = [note]  # type: ignore[attr-defined, unused-ignore]  # 3.10 only
    except AttributeError:  # an exception type with __slots__ and no __dict__
        pass


def build_note(registry: Registry[Any], obj_type: Any) -> str:
    """The note added to an exception raised while building ``obj_type``."""
    what = obj_type if isinstance(obj_type, str) else getattr(obj_type, "__qualname__", obj_type)
    return (
        f"while building type {what!r} from the {where(registry)} registry "
        f"(scope {registry.scope!r})"
    )


def where(registry: Node) -> str:
    """How messages name a registry: ``scope::name``, e.g. ``'toydet::model'``."""
    return f"{registry.scope}::{registry.name}"
