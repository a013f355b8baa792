"""A pure-Python config once loaded (``Loaded``), and the cache of them.

``Loaded`` keeps a file's names as its evaluation left them (never handed out), with
the names its imports bound and its cache ``Entry`` (no values: what the file
depends on, and its ``SourceNode``). Its importers see the names as MMEngine's
importers do (mappings as ``ConfigDict``, no container in two places): ``share``
gives them one such copy, made once, that every importer shares (copy-on-write:
the importer's code is refused to change it, see ``PurePythonEvaluator.frozen``,
and the names its code changes in place are fresh copies); ``take`` gives fresh
copies of all of them (a file executed with ``trusted=True``). ``config`` gives
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
from registry_core.config._limits import MAX_ITEMS
from registry_core.config._markers import is_marker
from registry_core.config._merge import TooLarge, copy_tree
from registry_core.config._pure_python_eval import ReadBase, RealImport
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    from registry_core.config import _cache

__all__ = ["Loaded", "cached", "clear", "put"]

#: Names MMEngine leaves out of the config besides the imported ones.
_DROPPED: Final = frozenset({"LazyObject"})
#: Values that are not config data: modules and functions (trusted=True), and what
#: the safe evaluation binds for the standard library's imports.
_NOT_DATA: Final = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType)
#: Values left out of the config (with the markers of ``copy``).
_NOT_CONFIG: Final = (*_NOT_DATA, ReadBase, RealImport)
#: Types of config data (``config`` looks no further at their values).
_DATA: Final = frozenset({dict, ConfigDict, list, tuple, str, int, float, bool, type(None)})
#: What ``_fresh`` and ``_plain`` copy (any other value is kept as it is, without a call).
_NESTED: Final = frozenset({dict, ConfigDict, list, tuple, set})


class Loaded:
    """One pure-Python file, loaded: all its names, which its imports bound, its source.

    ``names`` holds the values as evaluated (never handed out): data, ``ImportRef``
    and the markers of ``read_base`` and ``copy``; ``share`` and ``take`` give
    them as its importers see them (mappings as ``ConfigDict``), ``config`` a
    copy of the config (``load`` checked that no value expands past the item
    limit once its shared parts are copied apart). ``entry`` (no values) says
    what the file depends on, and its source.
    """

    __slots__ = ("apart", "checked", "entry", "imported", "names", "view")

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
        # values of its bases' views that the file's names hold as they are (checked
        # apart when the view was made): copied without the check (until ``config``)
        self.apart = apart
        # the names as importers see them, and the containers in them: made once
        self.view: tuple[dict[str, Any], frozenset[int]] | None = None

    def share(
        self, changed: dict[str, list[tuple[Any, ...]]]
    ) -> tuple[dict[str, Any], frozenset[int]]:
        """The names for an importer whose code changes the values of ``changed`` in
        place, at the paths given (``()``: anywhere): the mappings along those paths
        fresh copies, and the values at their ends, the rest shared by every importer;
        and the identities of the shared containers, which no importer may change."""
        view = self.view
        if view is None:
            self._check()
            containers: set[int] = set()
            made = self._copies(lambda v: _fresh_noted(v, containers), self.names)
            self.view = view = (made, frozenset(containers))
        names, frozen = view
        if not changed.keys().isdisjoint(names):
            mine = {k: (names[k], changed[k]) for k in changed.keys() & names.keys()}
            names = {**names, **self._copies(_fresh_along, mine)}
        return names, frozen

    def take(self) -> dict[str, Any]:
        """The names, each a fresh copy (for a file whose code runs: it may change any)."""
        self._check()
        return self._copies(_fresh, self.names)

    def _copies(self, copy: Callable[[Any], Any], values: dict[str, Any]) -> dict[str, Any]:
        """``copy`` of each value, refusing one nested too deeply to copy."""
        out: dict[str, Any] = {}
        for key, value in values.items():
            try:
                out[key] = copy(value)
            except RecursionError:
                raise _too_large(self.entry.source.file, key) from None
        return out

    def _check(self) -> None:
        if not self.checked:
            _check_apart(self.entry.source.file, self.names)
            self.checked = True

    def config(self) -> dict[str, Any]:
        """The config: the names less the imported ones, modules and functions (a fresh copy)."""
        out: dict[str, Any] = {}
        checked = self.checked
        apart = set(map(id, self.apart)) if not checked else set()
        skipped = self.imported | _DROPPED
        for key, value in self.names.items():
            if key in skipped:
                continue
            t = type(value)
            if t not in _NESTED:  # nothing to copy: kept, unless it is not config data
                if t in _DATA or not (is_marker(value) or isinstance(value, _NOT_CONFIG)):
                    out[key] = value
                continue
            try:
                if checked or id(value) in apart:
                    out[key] = _plain(value)
                    continue
                try:  # the first use: one pass copies, and refuses what copying apart expands
                    out[key] = _plain_once(value, set())
                except _Repeated:  # a container met twice: copied, its expansion checked
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


def _check_apart(path: str, names: dict[str, Any]) -> None:
    """Refuse a value that copying apart would expand past the item limit (``copy_tree``)."""
    from registry_core.config._limits import expanded_weight

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
    """A copy of ``value`` with every mapping a new ``ConfigDict``, as an importer sees it.

    (Each container is copied whole, then the containers in it replaced by their
    copies: faster than building it item by item.)
    """
    t = type(value)
    if t is dict or t is ConfigDict:
        out = dict.__new__(ConfigDict)
        dict.update(out, value)
        for k, v in dict.items(out):
            if type(v) in _NESTED:
                dict.__setitem__(out, k, _fresh(v))
        return out
    if t is list:
        items = list(value)
        for i, v in enumerate(items):
            if type(v) in _NESTED:
                items[i] = _fresh(v)
        return items
    if t is tuple:
        return tuple([_fresh(v) if type(v) in _NESTED else v for v in value])
    if t is set:
        return set(value)
    return value


def _fresh_along(value_and_paths: tuple[Any, list[tuple[Any, ...]]]) -> Any:
    """A value of a view changed at the paths given: the mappings along them copied,
    the values at their ends ``_fresh`` copies, all else shared (the view's)."""
    value, paths = value_and_paths
    if type(value) is not ConfigDict or () in paths:  # (a view's mappings are ConfigDicts)
        return _fresh(value)
    out = dict.__new__(ConfigDict)
    dict.update(out, value)
    below: dict[Any, list[tuple[Any, ...]]] = {}
    for path in paths:
        below.setdefault(path[0], []).append(path[1:])
    for key, rest in below.items():
        if dict.__contains__(out, key):
            dict.__setitem__(out, key, _fresh_along((dict.__getitem__(out, key), rest)))
    return out


def _fresh_noted(value: Any, containers: set[int]) -> Any:
    """``_fresh(value)``, adding the identity of every dict, list and set it makes to
    ``containers``."""
    t = type(value)
    if t is dict or t is ConfigDict:
        out = dict.__new__(ConfigDict)
        containers.add(id(out))
        dict.update(out, value)
        for k, v in dict.items(out):
            if type(v) in _NESTED:
                dict.__setitem__(out, k, _fresh_noted(v, containers))
        return out
    if t is list:
        items = list(value)
        containers.add(id(items))
        for i, v in enumerate(items):
            if type(v) in _NESTED:
                items[i] = _fresh_noted(v, containers)
        return items
    if t is tuple:
        return tuple([_fresh_noted(v, containers) if type(v) in _NESTED else v for v in value])
    if t is set:
        made = set(value)
        containers.add(id(made))
        return made
    return value


class _Repeated(Exception):  # noqa: N818 - internal
    """``_plain_once`` met a container a second time."""


def _plain_once(value: Any, seen: set[int]) -> Any:
    """``_plain(value)``, raising ``_Repeated`` on meeting a container a second time
    (``seen``: the identities met). Without one, the copy is as large as ``value``,
    which the evaluation made within its budget: only a repeat can expand it."""
    t = type(value)
    if t not in _NESTED:
        return value
    if t is set:
        return set(value)
    key = id(value)
    if key in seen:
        raise _Repeated
    seen.add(key)
    if t is list:
        items = list(value)
        for i, v in enumerate(items):
            if type(v) in _NESTED:
                items[i] = _plain_once(v, seen)
        return items
    if t is tuple:
        return tuple([_plain_once(v, seen) if type(v) in _NESTED else v for v in value])
    out = dict(value)  # a dict or a ConfigDict
    for k, v in out.items():
        if type(v) in _NESTED:
            out[k] = _plain_once(v, seen)
    return out


def _plain(value: Any) -> Any:
    """A copy of ``value`` (checked: nothing expands): new dicts, lists, tuples and sets."""
    t = type(value)
    if t is dict or t is ConfigDict:
        out = dict(value)
        for k, v in out.items():
            if type(v) in _NESTED:
                out[k] = _plain(v)
        return out
    if t is list:
        items = list(value)
        for i, v in enumerate(items):
            if type(v) in _NESTED:
                items[i] = _plain(v)
        return items
    if t is tuple:
        return tuple([_plain(v) if type(v) in _NESTED else v for v in value])
    if t is set:
        return set(value)
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
