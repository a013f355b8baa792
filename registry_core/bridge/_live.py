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


class LiveNames(dict):  # type: ignore[type-arg]
    """A ``dict`` that invalidates its view's lookup caches whenever it changes.

    Reads are plain ``dict`` reads (MMEngine's lookups stay as fast); only
    the writing methods are overridden.
    """

    __slots__ = ("_view",)

    def __init__(self, names: dict[str, Any]) -> None:
        super().__init__(names)
        self._view: Callable[[], Registry[Any] | None] = _nobody

    def __reduce__(self) -> tuple[Any, ...]:
        # A copy or a pickle (of an MMEngine registry, say) is a plain dict:
        # only the registry's own dictionary tells the view.
        return (dict, (dict(self),))

    def watch(self, view: Registry[Any]) -> None:
        """Tell ``view``'s tree of every change from now on."""
        self._view = ref(view)

    def _changed(self) -> None:
        view = self._view()
        if view is not None:
            with LOCK:
                changed(view)  # the tree's own cache invalidation

    def __setitem__(self, name: str, obj: Any) -> None:
        super().__setitem__(name, obj)
        self._changed()

    def __delitem__(self, name: str) -> None:
        super().__delitem__(name)
        self._changed()

    def pop(self, name: str, *default: Any) -> Any:
        value = super().pop(name, *default)
        self._changed()
        return value

    def popitem(self) -> tuple[str, Any]:
        item = super().popitem()
        self._changed()
        return item

    def setdefault(self, name: str, default: Any = None) -> Any:
        value = super().setdefault(name, default)
        self._changed()
        return value

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def clear(self) -> None:
        super().clear()
        self._changed()

    def __ior__(self, other: Any) -> LiveNames:  # type: ignore[misc]
        super().__ior__(other)
        self._changed()
        return self


#: id -> an MMEngine registry that got a child since its view was made (or
#: since ``grown`` was last asked); written by its ``LiveChildren`` only.
_GROWN: dict[int, Any] = {}


class LiveChildren(dict):  # type: ignore[type-arg]
    """An MMEngine registry's children, which note that it got a new one.

    Reads are plain ``dict`` reads; only the methods that add are overridden
    (a child taken out, by a failed load's undo, needs no view).
    """

    __slots__ = ("_owner",)

    def __init__(self, children: dict[str, Any], owner: Any) -> None:
        super().__init__(children)
        self._owner = owner

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))  # a copy is a plain dict, as for LiveNames

    def _grew(self) -> None:
        _GROWN[id(self._owner)] = self._owner

    def __setitem__(self, scope: str, child: Any) -> None:
        super().__setitem__(scope, child)
        self._grew()

    def setdefault(self, scope: str, default: Any = None) -> Any:
        value = super().setdefault(scope, default)
        self._grew()
        return value

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._grew()

    def __ior__(self, other: Any) -> LiveChildren:  # type: ignore[misc]
        super().__ior__(other)
        self._grew()
        return self


def grown() -> list[Any]:
    """Take the MMEngine registries that got children since the last call."""
    taken = []
    while _GROWN:
        try:
            taken.append(_GROWN.popitem()[1])
        except KeyError:  # another thread took the last one
            break
    return taken
