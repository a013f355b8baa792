"""The names side of a registry: its own names, its locations, registering.

``Names`` sits between ``Node`` (the tree side, ``_node.py``) and ``Registry``
(lookup, building and scopes, ``registry.py``): a registry's own dictionary of
names, the modules imported on its first lookup or listing (``locations``) and
whether they are imported, and the one writer of all three, registration.
Every write clears the tree's caches (``_node.changed``) and then tells the
loader (``_tree.loader``), which records what a loading plugin registered.

Other modules read or change this state only through the functions at the end.
"""

from __future__ import annotations

from types import MappingProxyType

from registry_core import _keys, _tree
from registry_core._messages import summary, where
from registry_core._node import Node, changed
from registry_core._tree import LOCK
from registry_core.errors import DuplicateRegistrationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from typing import Any, TypeVar, overload

    C = TypeVar("C", bound=Callable[..., Any])

__all__ = [
    "Names",
    "locations_done",
    "names_state",
    "own_names",
    "restore_name",
    "restore_names",
    "set_locations_done",
    "share_names",
]


class Names(Node):
    """A node's own names and locations, and registration (see the module docstring).

    Never made alone: every ``Names`` is a ``Registry``.
    """

    __slots__ = ("_locations", "_locations_done", "_module_dict", "_module_view")

    def _init_names(self, locations: Sequence[str]) -> None:
        """Start with no names (``Registry.__init__`` does, after placing the node)."""
        self._module_dict: dict[str, Any] = {}
        self._module_view = MappingProxyType(self._module_dict)
        self._locations = tuple(locations)
        # Whether the locations are imported: read on every uncached lookup,
        # written only here (the loader calls set_locations_done).
        self._locations_done = not self._locations

    @property
    def locations(self) -> tuple[str, ...]:
        """The modules imported on first lookup or listing."""
        return self._locations

    def _ensure_locations(self) -> None:
        if not self._locations_done:
            _tree.loader.load_locations(self)  # type: ignore[arg-type]  # a Names is a Registry

    # -- registration -------------------------------------------------------

    if TYPE_CHECKING:

        @overload
        def register_module(
            self, name: str | Sequence[str] | None = None, force: bool = False, module: None = None
        ) -> Callable[[C], C]: ...

        @overload
        def register_module(
            self, name: str | Sequence[str] | None = None, force: bool = False, *, module: C
        ) -> C: ...

        @overload
        def register_module(
            self, name: str | Sequence[str] | None, force: bool, module: C
        ) -> C: ...

        @overload
        def register_module(self, name: C) -> C: ...

    def register_module(
        self,
        name: str | Sequence[str] | Callable[..., Any] | None = None,
        force: bool = False,
        module: Any = None,
    ) -> Any:
        """Register a callable, as a decorator or as a call.

        ``@R.register_module()`` and ``@R.register_module`` (without the
        parentheses, as other registries allow) are the same: both register
        the object under its ``__name__``.

        Args:
            name: ``None`` (use the object's ``__name__``), a name, or a list
                of names (aliases; registered all together or not at all).
            force: replace an object already registered under a name.
            module: the object to register; omitted when used as decorator.

        Returns:
            The object itself (call form), or a decorator returning it.

        Raises:
            TypeError: bad ``name``, non-bool ``force``, non-callable object.
            ValueError: an empty name or one containing ``'.'``.
            DuplicateRegistrationError: a name is taken by another object.

        Examples:
            >>> from registry_core import Registry
            >>> R = Registry('demo', scope='demo')
            >>> @R.register_module(name=['Conv', 'Conv2d'])
            ... class Conv: ...
            >>> R.get('Conv2d') is Conv
            True
            >>> R.register_module(module=len) is len
            True
        """
        if not isinstance(force, bool):
            raise TypeError(f"force must be a bool, got {type(force).__name__}: {summary(force)}")
        if module is None and callable(name) and not isinstance(name, (str, list, tuple)):
            self._register(name, None, force)  # ``@R.register_module``, no parentheses
            return name
        names = _keys.check_names(name)
        if module is not None:
            self._register(module, names, force)
            return module

        def register(obj: C) -> C:
            self._register(obj, names, force)
            return obj

        return register

    def _register(self, obj: Any, names: tuple[str, ...] | None, force: bool) -> None:
        if not callable(obj):
            raise TypeError(
                f"only callables can be registered (classes, functions, partials, callable "
                f"instances), got {type(obj).__name__}: {summary(obj)}"
            )
        if names is None:
            names = (_keys.default_name(obj),)
        with LOCK:
            if not force:
                for n in names:
                    existing = self._module_dict.get(n)
                    if existing is not None and existing is not obj:
                        old, new = _keys.describe(existing), _keys.describe(obj)
                        raise DuplicateRegistrationError(
                            f"{n!r} is already registered in the {where(self)} registry "
                            f"by {old}; refusing {new}. Register it under another name, "
                            f"or pass force=True to replace it",
                            name=n,
                            registry=self._name,
                            scope=self._scope,
                            existing=old,
                            new=new,
                        )
            previous = [(n, self._module_dict.get(n)) for n in names]
            for n in names:
                self._module_dict[n] = obj
            changed(self)
        for n, before in previous:
            if before is not obj:
                _tree.loader.changed(self, n, before)  # type: ignore[arg-type]  # as above

    def _restore_name(self, name: str, obj: Any, previous: Any) -> None:
        """Undo registering ``obj`` under ``name``, if it is still there."""
        with LOCK:
            if self._module_dict.get(name) is obj:
                if previous is None:
                    del self._module_dict[name]
                else:
                    self._module_dict[name] = previous
                changed(self)

    # -- listing ------------------------------------------------------------

    def __len__(self) -> int:
        self._ensure_locations()
        return len(self._module_dict)

    def __iter__(self) -> Iterator[str]:
        self._ensure_locations()
        return iter(sorted(self._module_dict))


# -- what other modules need of a registry (its owner is this module) ----------


def own_names(registry: Names) -> Mapping[str, Any]:
    """A read-only view of ``registry``'s own names as they are (imports no locations)."""
    return registry._module_view


def locations_done(registry: Names) -> bool:
    """Whether ``registry``'s locations are imported (or it has none)."""
    return registry._locations_done


def set_locations_done(registry: Names, done: bool) -> None:
    """Record whether ``registry``'s locations are imported: the one writer of that
    state (the loader after importing them, a test's snapshot putting it back)."""
    registry._locations_done = done


def restore_name(registry: Names, name: str, obj: Any, previous: Any) -> None:
    """Undo registering ``obj`` under ``name`` (a failed load), if it is still there."""
    registry._restore_name(name, obj, previous)


def share_names(registry: Names, names: dict[str, Any]) -> None:
    """Make ``names`` (a live mapping another library also holds) ``registry``'s own
    names: the MMEngine bridge's views share MMEngine's registry dictionary."""
    registry._module_dict = names
    registry._module_view = MappingProxyType(names)


def names_state(registry: Names) -> tuple[dict[str, Any], bool]:
    """A copy of ``registry``'s names and whether its locations are imported, for
    :func:`restore_names` (tests' snapshots)."""
    return dict(registry._module_dict), registry._locations_done


def restore_names(registry: Names, state: tuple[dict[str, Any], bool]) -> None:
    """Put back what :func:`names_state` copied. ``LOCK`` held; the caller
    invalidates the caches."""
    names, done = state
    registry._module_dict.clear()
    registry._module_dict.update(names)
    registry._locations_done = done
