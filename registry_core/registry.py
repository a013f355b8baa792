"""The registry tree: ``Registry``, its lookup, scopes and building.

A lookup is one walk, ``_resolve.resolve``: split the key once, find the node
of each scope (breadth-first through the tree, after asking the loader to
make the scope ready), and look the name up from the last node upwards; its
``Trace`` is what the miss message, ``show`` and validate read too. Hits are
cached per registry; a change to a tree (a registration, a
child attached or taken off) clears the caches of that tree, and of every
tree when the set of scopes changes, so a cached answer is always the answer
a fresh lookup would give.

Nothing here imports plugin code, scans metadata, logs or knows about threads
that import plugins: that is the loader's business (``_hook``), asked only
when a scope, a child or a registration could concern a plugin. The help of a
miss and ``validate`` are asked of the services (``_hook.services``), never
imported. What concerns every tree at once (the lock, the live roots, the
loader) is in ``_tree``. A registry is three layers, one module each: the
tree side (``_node.Node``: place, children, caches), the names side
(``_names.Names``: own names, locations, registration, the one writer of
both) and this one (see docs/architecture.md).
"""

from __future__ import annotations

from registry_core import _hook, _keys, _resolve, _tree
from registry_core._messages import add_note, build_note, summary, where
from registry_core._names import Names
from registry_core._node import attach
from registry_core._scope import CURRENT, ScopeSwitch
from registry_core._tree import LOCK, known_scopes, live_roots, set_loader
from registry_core.build import PLAIN_DICT_BUILDERS, build_from_cfg
from registry_core.errors import NotRegisteredError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any, Generic, TypeVar, overload

    T = TypeVar("T")
    D = TypeVar("D")
    BuildFunc = Callable[..., Any]

    class _Generic(Generic[T]):
        pass

else:
    # ``typing`` costs ~11 ms to import; at run time the subscription
    # ``Registry[X]`` only needs to return something usable.
    T = "T"

    class _Generic:
        __slots__ = ()

        def __class_getitem__(cls, item):
            from types import GenericAlias

            return GenericAlias(cls, item)


__all__ = [
    "LOCK",
    "PLAIN_DICT_BUILDERS",
    "Registry",
    "known_scopes",
    "live_roots",
    "set_loader",
]

_current_scope = CURRENT.get


class Registry(Names, _Generic[T]):
    """A mapping from names to callables, and a node in a tree of scopes.

    Args:
        name: what the registry holds, e.g. ``'model'``. Children use the
            same name as their parent by convention.
        build_func: the function ``build`` calls; defaults to the parent's,
            then to :func:`registry_core.build_from_cfg`.
        parent: the registry to attach to, making this one a child.
        scope: the codebase that owns the registry. ``None`` infers the
            top-level package of the module that creates it (for a plugin's
            package, the scope its entry point advertises).
        locations: modules imported once, on the first lookup or listing,
            so that their ``register_module`` calls have run.

    Examples:
        >>> from registry_core import Registry
        >>> CONVERTERS = Registry('converter', scope='demo')
        >>> @CONVERTERS.register_module()
        ... class Converter1:
        ...     def __init__(self, a, b):
        ...         self.a, self.b = a, b
        >>> CONVERTERS.build(dict(type='Converter1', a=1, b=2)).b
        2
    """

    if TYPE_CHECKING:
        _cache: dict[str, T]  # (a Node's lookup cache, holding what this registry holds)

    __slots__ = ("_build_func", "_plain_builder")

    def __init__(
        self: Registry[Any],
        name: str,
        build_func: BuildFunc | None = None,
        parent: Registry[Any] | None = None,
        scope: str | None = None,
        locations: Sequence[str] = (),
    ) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"a registry name must be a non-empty str, got {summary(name)}")
        if build_func is not None and not callable(build_func):
            raise TypeError(f"build_func must be callable or None, got {summary(build_func)}")
        if parent is not None and not isinstance(parent, Registry):
            raise TypeError(
                f"parent must be a Registry or None, got {type(parent).__name__}: {summary(parent)}"
            )
        if scope is not None:
            if not isinstance(scope, str):
                raise TypeError(
                    f"scope must be a str or None, got {type(scope).__name__}: {summary(scope)}"
                )
            if not scope or "." in scope:
                raise ValueError(
                    f"invalid scope {scope!r}: a scope is a non-empty name without '.'"
                )
        if isinstance(locations, str) or not all(isinstance(loc, str) for loc in locations):
            raise TypeError(
                "locations must be a sequence of module names, e.g. ['toydet.models'], "
                f"got {summary(locations)}"
            )
        origin, home = _tree.creating_modules(Registry)
        if scope is None:
            scope = _tree.loader.infer_scope(origin, parent is not None)

        self._place(name, scope, parent, origin, home)
        self._init_names(locations)
        if build_func is None:
            build_func = parent._build_func if parent is not None else build_from_cfg
        self._build_func: BuildFunc = build_func
        self._plain_builder = build_func in PLAIN_DICT_BUILDERS

        if parent is None:
            with LOCK:
                _tree.remember_root(self)
            return
        _tree.loader.check_attach(self)  # may refuse; the first child also triggers the scan
        with LOCK:
            previous = attach(parent, self)
        _tree.loader.changed(self, None, previous)

    # -- attributes ---------------------------------------------------------

    @property
    def module_dict(self) -> Mapping[str, T]:
        """Read-only mapping name -> registered object (own names only)."""
        self._ensure_locations()
        return self._module_view

    @property
    def build_func(self) -> BuildFunc:
        """The function :meth:`build` calls."""
        return self._build_func

    # -- keys -------------------------------------------------------------

    @staticmethod
    def split_scope_key(key: str) -> tuple[str | None, str]:
        """Split off the first scope of ``key``, as MMEngine's ``Registry.split_scope_key``.

        Examples:
            >>> from registry_core import Registry
            >>> Registry.split_scope_key('mmdet.ResNet')
            ('mmdet', 'ResNet')
            >>> Registry.split_scope_key('a.b.C')
            ('a', 'b.C')
            >>> Registry.split_scope_key('ResNet')
            (None, 'ResNet')
        """
        _check_key(key)
        return _keys.split_key(key)

    # -- lookup -------------------------------------------------------------

    if TYPE_CHECKING:

        @overload
        def get(self, key: str) -> T | None: ...

        @overload
        def get(self, key: str, default: D) -> T | D: ...

    def get(self, key: str, default: Any = None) -> Any:
        """The object registered under ``key``, or ``default``.

        ``'Name'`` is looked up in this registry, then in each ancestor;
        ``'scope.Name'`` in the registry of that scope (found breadth-first
        in this tree, loaded through discovery if the tree lacks it).

        Raises:
            TypeError: ``key`` is not a str.
            PluginLoadError, ScopeConflictError: the key's scope belongs to a
                discovered plugin that cannot be loaded.
        """
        try:
            return self._cache[key]
        except KeyError:
            pass
        except TypeError:  # unhashable
            _check_key(key)
        obj = self._resolve(key)
        return default if obj is None else obj

    def __getitem__(self, key: str) -> T:
        try:
            return self._cache[key]
        except (KeyError, TypeError):
            pass
        obj = self._resolve(key)
        if obj is None:
            raise self._not_registered(key)
        return obj

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[call-overload]

    def _resolve(self, key: str) -> T | None:
        _check_key(key)
        stamp = self._stamp()
        obj, final = _resolve.lookup(self, key)
        if obj is not None and final:
            self._store(self._cache, key, obj, stamp)
        return obj  # type: ignore[no-any-return]

    def _not_registered(self, key: str) -> NotRegisteredError:
        """The error for a miss of ``key``, with its help (error path only)."""
        return _hook.services.not_registered(self, key)

    # -- listing ------------------------------------------------------------

    def items(self) -> list[tuple[str, T]]:
        """``(name, object)`` pairs of this registry's own names, sorted."""
        self._ensure_locations()
        return sorted(self._module_dict.items(), key=_first)

    # -- scopes and building ------------------------------------------------

    def switch_scope_and_registry(self, scope: str | None) -> ScopeSwitch[Registry[Any]]:
        """Context manager: make ``scope`` the default scope in the block.

        Yields the registry of ``scope`` in this tree (loading it through
        discovery if needed), or this registry when the tree has no such
        child. ``None`` changes nothing and yields the registry of the
        current default scope in this tree (this registry when there is no
        default scope, or the tree has no such child), as MMEngine does:
        build functions ported from MMEngine rely on it.

        Raises:
            ScopeNotFoundError: neither any registry nor discovery knows
                ``scope`` (deliberately unlike MMEngine, which only warns).
        """
        if scope is None:
            current = _current_scope()
            found = (
                self
                if current is None
                else _resolve.registry_for_scope(self, current, strict=False)
            )
            return ScopeSwitch(None, found)
        if not isinstance(scope, str):
            raise TypeError(f"a scope must be a str or None, got {type(scope).__name__}")
        return ScopeSwitch(scope, _resolve.registry_for_scope(self, scope, strict=True))

    def build(self, cfg: Mapping[str, Any] | Any, *args: Any, **kwargs: Any) -> Any:
        """Build an object from a config: ``build_func(cfg, *args, **kwargs, registry=self)``.

        Examples:
            >>> from registry_core import Registry
            >>> R = Registry('demo', scope='demo')
            >>> _ = R.register_module(name='pair', module=lambda a, b: (a, b))
            >>> R.build(dict(type='pair', a=1), default_args=dict(b=2))
            (1, 2)
        """
        if args or kwargs or not self._plain_builder or type(cfg) is not dict or "_scope_" in cfg:
            return self._build_func(cfg, *args, **kwargs, registry=self)
        # The one fast path (``build_from_cfg`` has none): a dict config whose
        # type is a name already in the lookup cache of the registry of the
        # default scope (or of this one). Only final answers are cached, so a
        # hit never sees a plugin half-imported; anything else goes through
        # build_func, which builds it as build_from_cfg does.
        current = _current_scope()
        node = self if current is None else self._node_cache.get(current)
        if node is not None:
            kwargs = cfg.copy()
            try:
                obj_type = kwargs.pop("type")
                obj_cls: Any = node._cache[obj_type]
            except (KeyError, TypeError):
                pass  # (the constructor runs outside this handler: no chained KeyError)
            else:
                try:
                    return obj_cls(**kwargs)
                except Exception as exc:
                    add_note(exc, build_note(node, obj_type))
                    raise
        return self._build_func(cfg, registry=self)

    # -- presentation and pickling -----------------------------------------

    def __repr__(self) -> str:
        children = ", ".join(sorted(self._children))
        count = len(self._module_dict)
        return (
            f"<Registry {where(self)} with {count} name{'s' if count != 1 else ''}"
            + (f", children: {children}" if children else "")
            + ">"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        from registry_core._pickling import reduce_registry

        return reduce_registry(self)

    def validate(self, cfg: Any, default_args: Mapping[str, Any] | None = None) -> Any:
        """``registry_core.validate(cfg, self, default_args=...)``: check, build nothing."""
        return _hook.services.validate(cfg, self, default_args)


def _first(item: tuple[str, Any]) -> str:
    return item[0]


def _check_key(key: object) -> None:
    if not isinstance(key, str):
        raise TypeError(f"registry keys are str, got {type(key).__name__}: {summary(key)}")
