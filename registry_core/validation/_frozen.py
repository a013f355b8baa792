"""``Frozen``: the base of the small immutable value classes of ``validate``.

What ``@dataclass(frozen=True, slots=True)`` gives, without importing
``dataclasses`` (which imports ``inspect``, ``ast``, ``dis`` and ``tokenize``:
about 10 ms of a fresh ``registry-core validate``). A subclass names its
fields in ``__match_args__``, in order, uses them as its ``__slots__`` and
``_fields``, and sets them in its ``__init__`` with ``_init``. It gets a
``repr`` naming every field (but those in ``_hidden``), equality and a hash
over the fields, immutability, pickling, and ``_replace(**changes)`` (also
as ``__replace__``, for ``copy.replace``).

>>> class Point(Frozen):
...     __match_args__ = ("x", "y")
...     __slots__ = _fields = __match_args__
...     def __init__(self, x: int, y: int = 0) -> None:
...         self._init(x, y)
>>> p = Point(1)
>>> p, p == Point(1, 0), p._replace(y=2)
(Point(x=1, y=0), True, Point(x=1, y=2))
>>> p.x = 3
Traceback (most recent call last):
...
AttributeError: cannot assign to Point.x: Point objects are immutable
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar

    Self = TypeVar("Self", bound="Frozen")

__all__ = ["Frozen"]

_set = object.__setattr__


class Frozen:
    """An immutable object whose fields are its ``__slots__``, compared by value."""

    __slots__ = ()

    #: Every field, in order (a subclass's ``__slots__``).
    _fields: ClassVar[tuple[str, ...]] = ()
    #: Fields left out of the ``repr``.
    _hidden: ClassVar[frozenset[str]] = frozenset()

    def _init(self, *values: Any) -> None:
        """Set every field, in the order of ``_fields`` (for ``__init__``)."""
        for name, value in zip(self._fields, values, strict=True):
            _set(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def _replace(self: Self, **changes: Any) -> Self:
        """A copy with the fields named in ``changes`` set to their values.

        Raises:
            TypeError: some key of ``changes`` is not a field.
        """
        values = dict(zip(self._fields, self._values(), strict=True))
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
        if other.__class__ is not self.__class__ or not isinstance(other, Frozen):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._values())
