"""Merging a file's values over its bases, as MMEngine merges them; and copying values.

``merge`` is MMEngine's ``Config._merge_a_into_b``: the file's mappings merge
into the bases' key by key, recursively; a mapping with ``_delete_`` set
replaces the base value instead (the marker is dropped where it replaced
something, and kept where there was nothing to replace, as in MMEngine); any
other value, lists included, replaces the base value.

``copy_tree`` copies a value apart (two names bound to one dict become two
dicts, as MMEngine's ``deepcopy`` of each value makes them), counting what it
makes so that shared values cannot expand past the item limit.
"""

from __future__ import annotations

from registry_core.config._configdict import ConfigDict
from registry_core.config._limits import MAX_ITEMS, expanded_weight

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

__all__ = ["DELETE_KEY", "add_scope", "as_configdict", "copy_tree", "merge", "to_plain"]

DELETE_KEY: Final = "_delete_"


class TooLarge(Exception):  # noqa: N818 - internal, never seen by users
    """``copy_tree`` would make more than ``MAX_ITEMS`` values."""


def merge(
    child: dict[Any, Any],
    base: dict[Any, Any],
    conflict: Callable[[tuple[Any, ...], Any], Exception],
    _path: tuple[Any, ...] = (),
) -> dict[Any, Any]:
    """``child`` merged over ``base``, into a new plain ``dict``.

    ``child`` must be a fresh copy: its ``_delete_`` markers are popped.
    ``base`` is not changed; the values of it that ``child`` does not touch
    are in the result as they are.

    Args:
        child: the file's own values.
        base: the merged values of its bases.
        conflict: makes the error to raise when ``child`` has a mapping at a
            path where ``base`` has something else (path, base value).

    >>> merge({"a": {"x": 2}, "l": [3]}, {"a": {"x": 1, "y": 1}, "l": [1, 2]}, None)
    {'a': {'x': 2, 'y': 1}, 'l': [3]}
    >>> merge({"a": {"_delete_": True, "x": 2}}, {"a": {"x": 1, "y": 1}}, None)
    {'a': {'x': 2}}
    >>> merge({"b": {"_delete_": True}}, {}, None)
    {'b': {'_delete_': True}}
    """
    out = dict(base)
    for key, value in child.items():
        if isinstance(value, dict):
            if key in out and not value.pop(DELETE_KEY, False):
                below = out[key]
                if not isinstance(below, dict):
                    raise conflict((*_path, key), below)
                out[key] = merge(value, below, conflict, (*_path, key))
            else:
                out[key] = value
        else:
            out[key] = value
    return out


#: The types ``copy_tree`` copies (any other value is kept as it is).
_NESTED: Final = frozenset({dict, ConfigDict, list, tuple, set})


class _Counter:
    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = MAX_ITEMS


def copy_tree(value: Any, *, shared: bool = False) -> Any:
    """A copy of ``value`` with no dict, list or tuple shared; ``ConfigDict``s become dicts.

    Args:
        value: what to copy.
        shared: ``value`` may hold one container in several places (a
            ``.py`` file's names, YAML aliases): once a container is met twice,
            the expanded size is worked out with shared parts counted once
            each, so that a value built by doubling is refused at once
            instead of copied for long.

    Raises:
        TooLarge: the copy would hold more than ``MAX_ITEMS`` values (a value
            built from shared parts, as ``a = [a, a]`` in a loop, expands).
        RecursionError: it is nested deeper than Python's recursion limit.
    """
    if shared:
        try:
            return _copy_once(value, _Counter(), set())
        except _Shared:
            if expanded_weight(value, 2 * MAX_ITEMS) > 2 * MAX_ITEMS:
                raise TooLarge from None
    return _copy(value, _Counter())


class _Shared(Exception):  # noqa: N818 - internal
    """``_copy_once`` met a container a second time."""


def _copy_once(value: Any, counter: _Counter, seen: set[int]) -> Any:
    """``_copy``, raising ``_Shared`` on meeting any container twice."""
    t = type(value)
    if t is dict or t is ConfigDict or t is list or t is tuple:
        key = id(value)
        if key in seen:
            raise _Shared
        seen.add(key)
        counter.left -= len(value)
        if counter.left < 0:
            raise TooLarge
        # values that hold nothing are kept as they are, without a call each
        if t is list or t is tuple:
            items = [_copy_once(v, counter, seen) if type(v) in _NESTED else v for v in value]
            return items if t is list else tuple(items)
        return {
            k: _copy_once(v, counter, seen) if type(v) in _NESTED else v
            for k, v in dict.items(value)
        }
    if t is set:
        return set(value)
    return value


def _copy(value: Any, counter: _Counter) -> Any:
    t = type(value)
    if t is dict or t is ConfigDict:
        counter.left -= len(value)
        if counter.left < 0:
            raise TooLarge
        return {k: _copy(v, counter) for k, v in dict.items(value)}
    if t is list or t is tuple:
        counter.left -= len(value)
        if counter.left < 0:
            raise TooLarge
        items = [_copy(v, counter) for v in value]
        return items if t is list else tuple(items)
    if t is set:
        counter.left -= len(value)
        if counter.left < 0:
            raise TooLarge
        return set(value)
    return value


def to_plain(value: Any) -> Any:
    """``value`` with every ``ConfigDict`` inside it made a plain ``dict`` (a new tree)."""
    t = type(value)
    if t is dict or t is ConfigDict:
        return {k: to_plain(v) for k, v in dict.items(value)}
    if t is list:
        return [to_plain(v) for v in value]
    if t is tuple:
        return tuple([to_plain(v) for v in value])
    return value


def as_configdict(value: Any) -> Any:
    """A copy of ``value`` with every plain ``dict`` a ``ConfigDict``, as MMEngine reads bases."""
    t = type(value)
    if t is dict:
        out = ConfigDict()
        for k, v in value.items():
            dict.__setitem__(out, k, as_configdict(v))
        return out
    if t is list:
        return [as_configdict(v) for v in value]
    if t is tuple:
        return tuple([as_configdict(v) for v in value])
    return value


def add_scope(value: Any, scope: str, _open: bool = True) -> None:
    """Set ``_scope_`` in the outermost mappings with a ``type`` (as MMEngine does for
    ``scope::path`` bases), unless they set one already.

    >>> cfg = {"model": {"type": "Net", "head": {"type": "Head"}}, "n": [{"type": "A"}]}
    >>> add_scope(cfg, "det"); cfg["model"]["_scope_"], "_scope_" in cfg["model"]["head"]
    ('det', False)
    >>> cfg["n"][0]["_scope_"]
    'det'
    """
    if isinstance(value, dict):
        if _open and "type" in value:
            _open = False
            if value.get("_scope_") is None:
                dict.__setitem__(value, "_scope_", scope)
        for item in dict.values(value):
            add_scope(item, scope, _open)
    elif isinstance(value, (list, tuple)):
        for item in value:
            add_scope(item, scope, _open)
