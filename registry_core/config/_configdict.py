"""``ConfigDict``: the mapping that values read through ``_base_`` are.

A ``.py`` config reads its bases as MMEngine's ``ConfigDict``: keys as
attributes (``_base_.model.backbone.depth``), attribute writes and deletes,
and an ``update`` that merges mappings key by key instead of replacing them.
This class behaves the same way, so that the configs written for MMEngine
evaluate to the same values. It only lives while a file is evaluated: a loaded
``Config`` holds plain ``dict`` values.

>>> d = ConfigDict(model=dict(backbone=dict(depth=50, frozen=1)))
>>> d.model.backbone.depth
50
>>> d.model.update(dict(backbone=dict(depth=101)))
>>> d.model.backbone
{'depth': 101, 'frozen': 1}
>>> d.model.head = dict(num_classes=3)
>>> type(d.model.head).__name__, d.model.head.num_classes
('ConfigDict', 3)
"""

from __future__ import annotations

from collections import OrderedDict

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["ConfigDict"]

_MISSING: Any = object()
#: Types ``_hook`` keeps as they are, checked first.
_PLAIN: Any = frozenset({str, int, float, bool, type(None)})


class ConfigDict(dict):  # type: ignore[type-arg]
    """A ``dict`` whose keys read and write as attributes, as MMEngine's ``ConfigDict``.

    Plain ``dict`` values stored in it (also inside lists and tuples) become
    ``ConfigDict``s, so that attribute access reaches them too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not kwargs and len(args) == 1 and type(args[0]) is dict:  # most: ConfigDict(d)
            dict.update(self, args[0])  # then only the values ``_hook`` changes replaced
            for key, value in dict.items(self):
                if type(value) not in _PLAIN and isinstance(value, (dict, list, tuple)):
                    dict.__setitem__(self, key, self._hook(value))
            return
        super().__init__()
        for arg in args:
            if not arg:
                continue
            if isinstance(arg, dict):
                for key, value in dict.items(arg):
                    self[key] = value
            elif isinstance(arg, tuple) and not isinstance(arg[0], tuple):
                self[arg[0]] = arg[1]
            else:
                for key, value in arg:
                    self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    @classmethod
    def _hook(cls, item: Any) -> Any:
        t = type(item)
        if t is dict or t is OrderedDict:
            return cls(item)
        if t is list:
            return [e if type(e) in _PLAIN else cls._hook(e) for e in item]
        if t is tuple:
            return tuple([e if type(e) in _PLAIN else cls._hook(e) for e in item])
        if isinstance(item, (list, tuple)):
            return t(cls._hook(element) for element in item)
        return item

    def __missing__(self, key: Any) -> Any:
        raise KeyError(key)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"'{type(self).__name__}' object has no attribute '{name}'"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(type(self), name):
            raise AttributeError(f"'{type(self).__name__}' object attribute '{name}' is read-only")
        self[name] = value

    def __delattr__(self, name: str) -> None:
        del self[name]

    def __setitem__(self, key: Any, value: Any) -> None:
        dict.__setitem__(self, key, value if type(value) in _PLAIN else self._hook(value))

    def copy(self) -> ConfigDict:
        """A shallow copy (lists are rebuilt, as MMEngine's ``ConfigDict.copy`` does)."""
        other = type(self)()
        for key, value in dict.items(self):
            other[key] = value
        return other

    __copy__ = copy

    def __deepcopy__(self, memo: dict[int, Any]) -> ConfigDict:
        copied: ConfigDict = _deep_copy(self, memo)
        return copied

    def get(self, key: Any, default: Any = None) -> Any:
        """``self[key]``, or ``default`` when the key is missing."""
        return dict.get(self, key, default)

    def pop(self, key: Any, default: Any = None) -> Any:
        """Remove ``key`` and return its value, or ``default`` (``None``, as in MMEngine)."""
        return dict.pop(self, key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Merge mappings into this one: a mapping over a mapping merges key by key."""
        if len(args) > 1:
            raise TypeError("update only accept one positional argument")
        if args:
            other = dict(dict.items(args[0]))
            other.update(kwargs)
        else:
            other = kwargs
        hook = self._hook
        for key, value in other.items():
            if type(value) in _PLAIN:
                dict.__setitem__(self, key, value)
                continue
            mine = dict.get(self, key, _MISSING)
            if mine is _MISSING or not isinstance(mine, dict) or not isinstance(value, dict):
                dict.__setitem__(self, key, hook(value))
            else:
                mine.update(value)

    def merge(self, other: dict[Any, Any]) -> None:
        """Merge ``other`` into a copy of this mapping, as MMEngine's ``ConfigDict.merge``.

        Mappings merge key by key; a mapping of ``other`` holding
        ``_delete_=True`` replaces this one's instead; anything else replaces.
        Both sides are deep-copied first.

        >>> d = ConfigDict(a=dict(x=1, y=2), b=1)
        >>> d.merge(dict(a=dict(_delete_=True, z=3)))
        >>> d
        {'a': {'z': 3}, 'b': 1}
        """
        memo: dict[int, Any] = {}
        merged = _merge_into(_deep_copy(other, memo), _deep_copy(self, memo))
        dict.clear(self)
        for key, value in merged.items():
            self[key] = value

    def items(self) -> list[tuple[Any, Any]]:  # type: ignore[override]
        """The items, as a list (as MMEngine's ``ConfigDict.items``)."""
        return list(dict.items(self))

    def values(self) -> list[Any]:  # type: ignore[override]
        """The values, as a list (as MMEngine's ``ConfigDict.values``)."""
        return list(dict.values(self))


def _deep_copy(value: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(value, memo)``, with mappings and lists copied here (faster) and
    strings (``ImportRef`` too) kept: the same copy, a container met twice copied once."""
    t = type(value)
    if t in _PLAIN or isinstance(value, str):
        return value
    found = memo.get(id(value))
    if found is not None:
        return found
    if t is dict or t is ConfigDict:
        out = dict.__new__(t)
        memo[id(value)] = out
        for key, item in dict.items(value):
            dict.__setitem__(out, key, item if type(item) in _PLAIN else _deep_copy(item, memo))
        return out
    if t is list:
        items: list[Any] = []
        memo[id(value)] = items
        items.extend([v if type(v) in _PLAIN else _deep_copy(v, memo) for v in value])
        return items
    import copy as _copy  # (tuples, sets and the rest, as the standard library copies them)

    return _copy.deepcopy(value, memo)


def _merge_into(a: Any, b: Any) -> Any:
    """``a`` merged over ``b`` as MMEngine's ``ConfigDict.merge`` does (both are copies)."""
    if not isinstance(a, dict):
        return b if a is _MISSING else a
    if not isinstance(b, dict):
        a.pop("_delete_", None)
        return a
    if a.pop("_delete_", False):
        b.clear()
    keys = [*b.keys(), *a.keys()]
    return {
        key: _merge_into(a.get(key, _MISSING), b.get(key, _MISSING))
        for key in keys
        if key != "_delete_"
    }
