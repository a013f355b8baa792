"""``Value``: the one base of the library's immutable value objects.

Scan results and plugin states (discovery), issues and plans (validate), the
answers of ``introspect``: each is a ``Value``. What ``@dataclass(frozen=True,
slots=True)`` gives, without importing ``dataclasses`` (which imports
``inspect``, ``ast``, ``dis`` and ``tokenize``: about 10 ms of a fresh
command). A subclass names its fields once, in order, as its ``__slots__``
(they become ``_fields`` and ``__match_args__``), and annotates them for the
type checker. It gets:

- a constructor taking the fields by position or keyword (or its own
  ``__init__``, which sets them with ``_init(*values)`` or
  ``_assign(locals())``);
- a ``repr`` naming every field (but those in ``_hidden``);
- equality and a hash over the fields (or those in ``_compared``);
- immutability, pickling, and ``_replace(**changes)`` (also as
  ``__replace__``, for ``copy.replace``).

>>> class Point(Value):
...     __slots__ = ("x", "y")
>>> p = Point(1, y=0)
>>> p, p == Point(1, 0), p._replace(y=2), Point.__match_args__
(Point(x=1, y=0), True, Point(x=1, y=2), ('x', 'y'))
>>> p.x = 3
Traceback (most recent call last):
...
AttributeError: cannot assign to Point.x: Point objects are immutable
>>> Point(1)
Traceback (most recent call last):
...
TypeError: Point() misses field y
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, ClassVar, TypeVar

    Self = TypeVar("Self", bound="Value")

__all__ = ["Value"]

_set = object.__setattr__


class Value:
    """An immutable object whose fields are its ``__slots__``, compared by value."""

    __slots__ = ()

    #: Every field, in order (a subclass's ``__slots__``).
    _fields: ClassVar[tuple[str, ...]] = ()
    #: Fields left out of the ``repr``.
    _hidden: ClassVar[frozenset[str]] = frozenset()
    #: The fields equality and the hash compare (``None``: all of them).
    _compared: ClassVar[tuple[str, ...] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("__slots__")
        if own and "_fields" not in cls.__dict__:
            cls._fields = (own,) if isinstance(own, str) else tuple(own)
            type.__setattr__(cls, "__match_args__", cls._fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__}() takes {len(fields)} fields, got {len(args)}")
        values = dict(zip(fields[: len(args)], args, strict=True))
        for name, value in kwargs.items():
            if name in values or name not in fields:
                why = "twice" if name in values else "an unknown field"
                raise TypeError(f"{type(self).__name__}() got {name!r} {why}")
            values[name] = value
        self._assign(values)

    def _init(self, *values: Any) -> None:
        """Set every field, in the order of ``_fields`` (for an ``__init__``)."""
        for name, value in zip(self._fields, values, strict=True):
            _set(self, name, value)

    def _assign(self, values: Mapping[str, Any]) -> None:
        """Set every field from ``values`` by name (an ``__init__``'s ``locals()``)."""
        for name in self._fields:
            if name not in values:
                raise TypeError(f"{type(self).__name__}() misses field {name}")
            _set(self, name, values[name])

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def _key(self) -> tuple[Any, ...]:
        compared = self._compared
        if compared is None:
            return self._values()
        return tuple(getattr(self, name) for name in compared)

    def _asdict(self) -> dict[str, Any]:
        """The fields by name, in order (for a ``to_json``)."""
        return {name: getattr(self, name) for name in self._fields}

    def _replace(self: Self, **changes: Any) -> Self:
        """A copy with the fields named in ``changes`` set to their values.

        Raises:
            TypeError: some key of ``changes`` is not a field.
        """
        values = self._asdict()
        unknown = sorted(set(changes) - set(values))
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(unknown)}")
        values.update(changes)
        return type(self)(**values)

    __replace__ = _replace

    def __setattr__(self, name: str, value: object) -> None:
        kind = type(self).__name__
        raise AttributeError(f"cannot assign to {kind}.{name}: {kind} objects are immutable")

    def __delattr__(self, name: str) -> None:
        kind = type(self).__name__
        raise AttributeError(f"cannot delete {kind}.{name}: {kind} objects are immutable")

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in self._fields if name not in self._hidden
        )
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not isinstance(other, Value):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._values())
