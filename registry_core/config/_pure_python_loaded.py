"""A pure-Python config once loaded (``Loaded``), and the cache of them.

``Loaded`` keeps a file's names as its evaluation left them (never handed out), with
the names its imports bound and its cache ``Entry`` (no values: what the file
depends on, and its ``SourceNode``). An importing file takes a copy of the names
(``take``: mappings as ``ConfigDict``, as MMEngine's bases are); ``config`` gives
the config (a copy, less the imported names, modules and functions). The first
use checks that copying apart expands no value past the item limit (a value built
by doubling a shared container), so no copy can exhaust the machine.

``cached`` returns a file's ``Loaded`` while none of its files changed; ``put`` keeps
one (the oldest dropped past 512); ``clear`` forgets them all.
"""

from __future__ import annotations

import types

from registry_core.config._configdict import ConfigDict
from registry_core.config._failures import EvalFailure
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

    from registry_core.config import _cache

__all__ = ["Loaded", "cached", "clear", "put", "skeleton_of"]

#: Names MMEngine leaves out of the config besides the imported ones.
_DROPPED: Final = frozenset({"LazyObject"})
#: Values that are not config data: modules and functions (trusted=True), and what
#: the safe evaluation binds for the standard library's imports.
_NOT_DATA: Final = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType)
#: What ``_fresh`` and ``_plain`` copy (any other value is kept as it is, without a call).
_NESTED: Final = frozenset({dict, ConfigDict, list, tuple})


class Loaded:
    """One pure-Python file, loaded: all its names, which its imports bound, its source.

    ``names`` holds the values as evaluated (never handed out): data, ``ImportRef``
    and the markers of ``read_base`` and ``copy``; ``take`` gives a fresh copy as
    its importers see it (mappings as ``ConfigDict``), ``config`` one of the
    config (``load`` checked that no value expands past the item limit once its
    shared parts are copied apart). ``entry`` (no values) says what the file
    depends on, and its source.
    """

    __slots__ = ("apart", "checked", "entry", "imported", "names")

    def __init__(
        self,
        names: dict[str, Any],
        entry: _cache.Entry,
        imported: frozenset[str],
        apart: tuple[Any, ...] = (),
    ) -> None:
        self.names = names
        self.entry = entry
        self.imported = imported
        self.checked = False  # whether copying apart was seen not to expand a value
        # values of bases, as their files hold them, that the file's code cannot
        # reach: their bases' ``take`` checked them apart (held until ``config``)
        self.apart = apart

    def take(self, mentioned: frozenset[str] | None = None) -> dict[str, Any]:
        """The names, each a fresh copy; or, given the names an importer's code
        ``mentioned``, copies of those only: the importer's safe evaluation
        cannot reach the others, which are copied when its config is made."""
        if not self.checked:
            _check_apart(self.entry.source.file, self.names)
            self.checked = True
        if mentioned is None:
            return {k: _fresh(v) for k, v in self.names.items()}
        return {k: _fresh(v) if k in mentioned else v for k, v in self.names.items()}

    def config(self) -> dict[str, Any]:
        """The config: the names less the imported ones, modules and functions (a fresh copy)."""
        from registry_core.config._markers import is_marker
        from registry_core.config._pure_python_eval import ReadBase, RealImport

        not_data = (*_NOT_DATA, ReadBase, RealImport)
        from registry_core.config._merge import TooLarge, copy_tree

        out: dict[str, Any] = {}
        apart = {id(v) for v in self.apart}
        for key, value in self.names.items():
            if key in self.imported or key in _DROPPED:
                continue
            if is_marker(value) or isinstance(value, not_data):
                continue
            if self.checked or id(value) in apart:
                out[key] = _plain(value)
                continue
            try:  # the first use: one pass copies, and refuses what copying apart expands
                out[key] = copy_tree(value, shared=True)
            except (TooLarge, RecursionError, EvalFailure):
                raise _too_large(self.entry.source.file, key) from None
        self.checked = True
        self.apart = ()
        return out


def _too_large(path: str, key: str) -> ConfigError:
    return ConfigError(
        f"{path}: the value of {key!r} holds more than 10,000,000 items once its shared "
        "parts are copied apart, holds itself, or is nested too deeply; a config "
        "cannot be that large",
        file=path,
    )


def skeleton_of(values: dict[Any, Any], memo: dict[int, Any]) -> dict[Any, Any]:
    """``skeleton(values)``, a mapping met twice described once (so shared parts cannot expand)."""
    out: dict[Any, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            known = memo.get(id(value))
            if known is None:
                memo[id(value)] = known = {}
                known.update(skeleton_of(value, memo))
            out[key] = known
        else:
            out[key] = None
    return out


def _check_apart(path: str, names: dict[str, Any]) -> None:
    """Refuse a value that copying apart would expand past the item limit (``copy_tree``)."""
    from registry_core.config._limits import MAX_ITEMS, expanded_weight

    for key, value in names.items():
        try:
            if _shares(value, set()) and expanded_weight(value, 2 * MAX_ITEMS) > MAX_ITEMS:
                raise _too_large(path, key)
        except (RecursionError, EvalFailure):
            raise _too_large(path, key) from None


def _shares(value: Any, seen: set[int]) -> bool:
    """Whether a container is met twice in ``value`` (so that copies expand it)."""
    stack = [value]
    while stack:
        item = stack.pop()
        t = type(item)
        if t is dict or t is ConfigDict:
            if id(item) in seen:
                return True
            seen.add(id(item))
            stack.extend(dict.values(item))
        elif t is list or t is tuple:
            if id(item) in seen:
                return True
            seen.add(id(item))
            stack.extend(item)
    return False


def _fresh(value: Any) -> Any:
    """A copy of ``value`` with every mapping a new ``ConfigDict``, as an importer sees it."""
    t = type(value)
    if t is dict or t is ConfigDict:
        out = dict.__new__(ConfigDict)
        dict.update(out, {k: _fresh(v) if type(v) in _NESTED else v for k, v in dict.items(value)})
        return out
    if t is list:
        return [_fresh(v) if type(v) in _NESTED else v for v in value]
    if t is tuple:
        return tuple([_fresh(v) if type(v) in _NESTED else v for v in value])
    return value


def _plain(value: Any) -> Any:
    """A copy of ``value`` (checked: nothing expands): new dicts, lists and tuples."""
    t = type(value)
    if t is dict or t is ConfigDict:
        return {k: _plain(v) if type(v) in _NESTED else v for k, v in dict.items(value)}
    if t is list:
        return [_plain(v) if type(v) in _NESTED else v for v in value]
    if t is tuple:
        return tuple([_plain(v) if type(v) in _NESTED else v for v in value])
    return value


#: (path, trusted) -> the file loaded as a pure-Python config (its names, for importers),
#: the oldest dropped past ``_SIZE``; each use checks that its files are unchanged.
_LOADED: Final[dict[tuple[str, bool], Loaded]] = {}
_SIZE: Final = 512


def clear() -> None:
    """Forget the pure-Python files loaded (``_cache.clear`` forgets the others)."""
    _LOADED.clear()


def cached(path: str, trusted: bool) -> Loaded | None:
    """The pure-Python file ``path`` as loaded before, while its files are unchanged."""
    known = _LOADED.get((path, trusted))
    return known if known is not None and known.entry.valid() else None


def put(key: tuple[str, bool], loaded: Loaded) -> None:
    """Keep ``loaded`` for ``key`` (path, trusted), if its files may be cached."""
    if loaded.entry.cacheable:
        _LOADED.pop(key, None)
        _LOADED[key] = loaded
        while len(_LOADED) > _SIZE:
            del _LOADED[next(iter(_LOADED))]
