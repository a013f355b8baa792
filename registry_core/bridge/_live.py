"""The names and children of a bridged MMEngine registry, as its view sees them.

A view's own names *are* its MMEngine registry's dictionary: nothing is
copied, a name MMEngine registers later is seen at once, and a name
registered through the view lands in MMEngine. What registry_core adds is
that every change to that dictionary, made by MMEngine or anyone, tells the
view's tree, whose lookup caches would otherwise keep a replaced object
(``force=True``) or miss a nearer name that now hides an ancestor's.

A viewed MMEngine registry's children are a :class:`LiveChildren`: a child
added to it (an MMEngine registry made with it as ``parent`` by a module
imported after the scope loaded) is noted here, and gets its view at the next
lookup that misses a scope or the next listing (``_late``). Nothing is done
when MMEngine adds it: its constructor has not finished then.
"""

from __future__ import annotations

from _weakref import ref

from registry_core._node import changed
from registry_core._tree import LOCK

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["LiveChildren", "LiveNames", "grown"]


def _nobody() -> None:
    return None


class _Watched(dict):  # type: ignore[type-arg]
    """A ``dict`` that calls :meth:`_wrote` after each method that adds or replaces
    an entry. Reads are plain ``dict`` reads (MMEngine's lookups stay as fast).
    A copy or a pickle (of an MMEngine registry, say) is a plain dict: only the
    registry's own dictionary is watched."""

    __slots__ = ()

    def _wrote(self) -> None:
        raise NotImplementedError

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._wrote()

    def setdefault(self, key: str, default: Any = None) -> Any:
        value = super().setdefault(key, default)
        self._wrote()
        return value

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._wrote()

    def __ior__(self, other: Any) -> _Watched:  # type: ignore[misc]
        super().__ior__(other)
        self._wrote()
        return self


class LiveNames(_Watched):
    """A ``dict`` that invalidates its view's lookup caches whenever it changes:
    the methods that take entries out tell the view too."""

    __slots__ = ("_view",)

    def __init__(self, names: dict[str, Any]) -> None:
        super().__init__(names)
        self._view: Callable[[], Registry[Any] | None] = _nobody

    def watch(self, view: Registry[Any]) -> None:
        """Tell ``view``'s tree of every change from now on."""
        self._view = ref(view)

    def _wrote(self) -> None:
        view = self._view()
        if view is not None:
            with LOCK:
                changed(view)  # the tree's own cache invalidation

    def __delitem__(self, name: str) -> None:
        super().__delitem__(name)
        self._wrote()

    def pop(self, name: str, *default: Any) -> Any:
        value = super().pop(name, *default)
        self._wrote()
        return value

    def popitem(self) -> tuple[str, Any]:
        item = super().popitem()
        self._wrote()
        return item

    def clear(self) -> None:
        super().clear()
        self._wrote()


#: id -> an MMEngine registry that got a child since its view was made (or
#: since ``grown`` was last asked); written by its ``LiveChildren`` only.
_GROWN: dict[int, Any] = {}


class LiveChildren(_Watched):
    """An MMEngine registry's children, which note that it got a new one.

    Only the methods that add tell (a child taken out, by a failed load's
    undo, needs no view).
    """

    __slots__ = ("_owner",)

    def __init__(self, children: dict[str, Any], owner: Any) -> None:
        super().__init__(children)
        self._owner = owner

    def _wrote(self) -> None:
        _GROWN[id(self._owner)] = self._owner


def grown() -> list[Any]:
    """Take the MMEngine registries that got children since the last call."""
    taken = []
    while _GROWN:
        try:
            taken.append(_GROWN.popitem()[1])
        except KeyError:  # another thread took the last one
            break
    return taken
