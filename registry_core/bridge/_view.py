"""A view: a ``Registry`` whose own names are an MMEngine registry's.

A view sits in registry_core's tree where its MMEngine registry sits in
MMEngine's (``registry_core`` root, then ``mmengine``, then the codebase),
so resolution needs nothing special: a view is a registry whose own-names
mapping is the MMEngine registry's dictionary (``_live``), whose
``locations`` are imported by MMEngine's ``import_from_location``, and whose
``build`` calls MMEngine's build function with MMEngine's default scope set to
the view's scope (``_engine_scope``), so that builds nested in the codebase's
constructors resolve as under MMEngine's Runner.
"""

from __future__ import annotations

from importlib import import_module

from registry_core._messages import add_note, build_note
from registry_core._names import share_names
from registry_core.bridge._engine_scope import engine_scope
from registry_core.bridge._live import LiveChildren, LiveNames
from registry_core.registry import Registry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["MMEngineView", "build_through_mmengine"]


class MMEngineView(Registry):  # type: ignore[type-arg]
    """The view of one MMEngine registry, attached under ``parent`` (or a root).

    Args:
        mm: the MMEngine registry.
        parent: the view (or registry_core root) where ``mm``'s parent sits,
            or ``None`` to make a root.
        origin: the module that made ``mm`` (``PKG.registry``): the owner of
            the view's scope, as for a registry a plugin creates.
    """

    __slots__ = ("_mm", "_mm_origin", "_snapshot")

    def __init__(
        self,
        mm: Any,
        parent: Registry[Any] | None,
        origin: str,
        snapshot: Callable[[], Any],
    ) -> None:
        self._mm = mm
        self._mm_origin = origin
        # what MMEngine's registries hold now, with a restore(): handed over by
        # _attach, which owns the views (no import back to it)
        self._snapshot = snapshot
        # MMEngine has no public way to read a registry's locations or whether
        # they are imported (the package's per-file SLF001 ignore is for this).
        imported = bool(mm._imported)
        locations = () if imported else tuple(mm._locations) or _fallback(mm)
        super().__init__(
            mm.name,
            build_func=build_through_mmengine,
            parent=parent,
            scope=mm.scope,
            locations=locations,
        )
        # The dictionary MMEngine reads and writes (its public ``module_dict``
        # returns it too); made a LiveNames once, so that MMEngine's writes
        # invalidate our caches (see _live).
        names = mm._module_dict
        if not isinstance(names, LiveNames):
            names = LiveNames(names)
            mm._module_dict = names
        names.watch(self)
        share_names(self, names)
        # MMEngine's ``children`` property returns this very dict, and its
        # ``_add_child`` adds to it: a child made later is noted (_live, _late).
        if not isinstance(mm._children, LiveChildren):
            mm._children = LiveChildren(mm._children, mm)

    def _place(
        self, name: str, scope: str, parent: Registry[Any] | None, origin: str, home: str | None
    ) -> None:
        # The view belongs to the codebase that made the MMEngine registry,
        # not to the bridge module that creates it; no module import creates
        # it (a view under a shipped root pickles through that root).
        super()._place(name, scope, parent, self._mm_origin, None)

    @property
    def mmengine_registry(self) -> Any:
        """The MMEngine registry this view shows."""
        return self._mm

    def _import_location(self, location: str) -> None:
        """Import the locations as MMEngine does, all at once (and only once).

        If that fails, what it registered in MMEngine's registries is taken
        back (the loader forgets the modules it imported), so that the next
        need imports them again from a clean slate, not into names MMEngine
        would refuse as taken.
        """
        before = self._snapshot()
        try:
            self._mm.import_from_location()
        except BaseException:
            before.restore()
            raise

    def __repr__(self) -> str:
        return "<MMEngine view " + super().__repr__()[1:]


def _fallback(mm: Any) -> tuple[str, ...]:
    """MMEngine's import for a registry without locations: ``{scope}.utils`` for its codebases."""
    packages = import_module("mmengine.config.utils").MODULE2PACKAGE
    return (f"{mm.scope}.utils",) if mm.scope in packages else ()


def build_through_mmengine(cfg: Any, *args: Any, registry: Registry[Any], **kwargs: Any) -> Any:
    """A view's build function: MMEngine's own, under the view's scope.

    MMEngine's default scope is the view's scope for the call (and restored
    after, also when the build raises). A plain ``dict`` config whose type is
    already in the view's lookup cache, for MMEngine's ``build_from_cfg`` (or
    its model builder, which builds a dict the same way), is built here as
    MMEngine would build it, without MMEngine's per-call overhead.
    """
    mm = registry.mmengine_registry  # type: ignore[attr-defined]
    engine = engine_scope()
    key = engine.push(registry.scope)
    try:
        if not args and not kwargs and type(cfg) is dict and "_scope_" not in cfg:
            plain = mm.build_func in _plain_builders()
            obj_cls = _plain_type(registry, cfg.get("type")) if plain else None
            if obj_cls is not None:
                params = cfg.copy()
                obj_type = params.pop("type")
                try:
                    return obj_cls(**params)
                except Exception as exc:
                    add_note(exc, build_note(registry, obj_type))
                    raise
        try:
            return mm.build_func(cfg, *args, **kwargs, registry=mm)
        except Exception as exc:
            add_note(exc, build_note(registry, cfg.get("type") if hasattr(cfg, "get") else cfg))
            raise
    finally:
        if key is not None:
            engine.pop(key)


def _plain_type(registry: Registry[Any], obj_type: Any) -> Any:
    """The object of an unscoped str type that MMEngine builds with a plain call, or None.

    Looked up as MMEngine looks it up (own names, then the ancestors'), through
    the tree's cache; anything else is left to MMEngine's build function.
    """
    if type(obj_type) is not str or "." in obj_type:
        return None
    obj = registry.get(obj_type)
    if obj is None or (isinstance(obj, type) and issubclass(obj, _manager_mixin())):
        return None  # MMEngine builds a ManagerMixin by get_instance
    return obj


_PLAIN: tuple[Any, ...] = ()
_MANAGER: Any = None


def _plain_builders() -> tuple[Any, ...]:
    global _PLAIN
    if not _PLAIN:
        builders = import_module("mmengine.registry.build_functions")
        _PLAIN = (builders.build_from_cfg, builders.build_model_from_cfg)
    return _PLAIN


def _manager_mixin() -> Any:
    global _MANAGER
    if _MANAGER is None:
        _MANAGER = import_module("mmengine.utils").ManagerMixin
    return _MANAGER
