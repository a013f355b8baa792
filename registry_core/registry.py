"""The registry tree: registration, scoped lookup and the scope switch.

A lookup runs in three small steps: split the key once (``'a.b.Name'`` ->
scopes ``a``, ``b`` and the name), find the node of each scope
(``Registry._find_scope``: breadth-first through the tree, after asking the
loader to make the scope ready), and look the name up from the last node
upwards (``Registry._lookup_name``). Hits are cached per registry; a change to
a tree (a registration, a child attached or taken off) clears the caches of
that tree, and of every tree when the set of scopes changes, so a cached
answer is always the answer a fresh lookup would give.

Nothing here imports plugin code, scans metadata, logs or knows about threads
that import plugins: that is the loader's business (``_hook``), asked only
when a scope, a child or a registration could concern a plugin.
"""

from __future__ import annotations

import sys
from _thread import RLock
from _weakref import ref
from types import MappingProxyType

from registry_core import _hook, _keys
from registry_core._notes import add_note, build_note
from registry_core._reprs import summary
from registry_core._scope import CURRENT, ScopeSwitch
from registry_core.errors import (
    DuplicateRegistrationError,
    NotRegisteredError,
    ScopeConflictError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from typing import Any, Generic, TypeVar, overload

    from registry_core._hook import Loader

    T = TypeVar("T")
    D = TypeVar("D")
    C = TypeVar("C", bound=Callable[..., Any])
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


__all__ = ["Registry", "known_scopes", "live_roots", "set_loader"]

_current_scope = CURRENT.get
_READY, _PARTIAL = _hook.READY, _hook.PARTIAL

#: Guards every change to every tree, and the validity of the lookup caches.
#: Never held while importing or while calling the loader.
LOCK = RLock()

#: id -> weak reference of every live root (two roots may share a module and
#: a name, so nothing else identifies them).
_ROOTS: dict[int, Callable[[], Registry[Any] | None]] = {}

#: The loader the tree asks (see ``_hook``); ``set_loader`` replaces it.
_loader: Loader = _hook.LAZY

#: Cached lookups per registry stop growing past this many keys.
_CACHE_LIMIT = 4096

_MAIN_MODULES = frozenset({"__main__", "__mp_main__"})


class Registry(_Generic[T]):
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

    __slots__ = (
        "__weakref__",
        "_build_func",
        "_cache",
        "_cached",
        "_children",
        "_children_view",
        "_generation",
        "_home",
        "_locations",
        "_locations_done",
        "_module_dict",
        "_module_view",
        "_name",
        "_node_cache",
        "_origin",
        "_parent",
        "_plain_builder",
        "_root",
        "_scope",
    )

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
        origin, home = _creating_modules()
        if scope is None:
            scope = _loader.infer_scope(origin, parent is not None)

        self._name = name
        self._scope = scope
        self._origin = origin  # the module whose code created it
        self._home = home  # the module whose import created it (pickling)
        self._parent = parent
        self._root: Registry[Any] = self if parent is None else parent._root
        self._module_dict: dict[str, T] = {}
        self._module_view = MappingProxyType(self._module_dict)
        self._children: dict[str, Registry[Any]] = {}
        self._children_view = MappingProxyType(self._children)
        self._locations = tuple(locations)
        # Whether the locations are imported: read here on every uncached
        # lookup, written only by the loader.
        self._locations_done = not self._locations
        self._cache: dict[str, T] = {}
        self._node_cache: dict[str, Registry[Any]] = {}
        # Only meaningful on a root: the tree's change counter and the nodes
        # whose caches hold entries.
        self._generation = 0
        self._cached: set[Registry[Any]] = set()
        if build_func is None:
            build_func = parent._build_func if parent is not None else _default_build_func()
        self._build_func: BuildFunc = build_func
        self._plain_builder = build_func in PLAIN_DICT_BUILDERS

        if parent is None:
            with LOCK:
                _ROOTS[id(self)] = ref(self, _root_collected(id(self)))
            return
        _loader.check_attach(self)  # may refuse; the first child also triggers the scan
        with LOCK:
            previous = parent._attach(self)
        _loader.changed(self, None, previous)

    # -- attributes ---------------------------------------------------------

    @property
    def name(self) -> str:
        """What the registry holds, e.g. ``'model'``."""
        return self._name

    @property
    def scope(self) -> str:
        """The codebase that owns this registry, e.g. ``'toydet'``."""
        return self._scope

    @property
    def parent(self) -> Registry[Any] | None:
        """The registry this one is attached to, or ``None`` for a root."""
        return self._parent

    @property
    def root(self) -> Registry[Any]:
        """The root of this registry's tree (itself for a root)."""
        return self._root

    @property
    def children(self) -> Mapping[str, Registry[Any]]:
        """Read-only mapping scope -> child registry. Imports nothing."""
        return self._children_view

    @property
    def module_dict(self) -> Mapping[str, T]:
        """Read-only mapping name -> registered object (own names only)."""
        self._ensure_locations()
        return self._module_view

    @property
    def build_func(self) -> BuildFunc:
        """The function :meth:`build` calls."""
        return self._build_func

    @property
    def locations(self) -> tuple[str, ...]:
        """The modules imported on first lookup or listing."""
        return self._locations

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
                            f"{n!r} is already registered in the {self._where()} registry "
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
            self._root._changed()
        for n, before in previous:
            if before is not obj:
                _loader.changed(self, n, before)

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

    # -- the tree -----------------------------------------------------------

    def _attach(self, child: Registry[Any]) -> Registry[Any] | None:
        """Attach ``child``; return the child it replaces. ``LOCK`` held."""
        scope = child._scope
        existing = self._children.get(scope)
        if existing is not None and existing._origin != child._origin:
            raise ScopeConflictError(
                f"scope {scope!r} already has a child of the {self._where()} registry, "
                f"created by module {existing._origin!r}; module {child._origin!r} "
                f"cannot attach another. Give one of them a different scope",
                scope=scope,
                claimants=(existing._origin, child._origin),
            )
        # The same module creating it again (a reload) replaces it.
        self._children[scope] = child
        _changed_everywhere()  # the set of scopes changed: every tree's fallbacks may
        return existing

    def _restore_child(self, scope: str, child: Registry[Any], previous: Any) -> None:
        """Undo attaching ``child`` under ``scope``, if it is still there."""
        with LOCK:
            if self._children.get(scope) is child:
                if previous is None:
                    del self._children[scope]
                else:
                    self._children[scope] = previous
                _changed_everywhere()

    def _restore_name(self, name: str, obj: Any, previous: Any) -> None:
        """Undo registering ``obj`` under ``name``, if it is still there."""
        with LOCK:
            if self._module_dict.get(name) is obj:
                if previous is None:
                    del self._module_dict[name]
                else:
                    self._module_dict[name] = previous
                self._root._changed()

    def _changed(self) -> None:
        """Invalidate the lookup caches of this root's tree; ``LOCK`` held."""
        self._generation += 1
        for node in self._cached:
            node._cache.clear()
            node._node_cache.clear()
        self._cached.clear()

    def _walk(self) -> Iterator[Registry[Any]]:
        """This registry and its descendants, breadth-first."""
        queue = [self]
        for node in queue:
            yield node
            queue.extend(node._children.values())

    def _search(self, scope: str) -> Registry[Any] | None:
        """The node of ``scope``: this subtree first, then the root's tree."""
        for node in self._walk():
            if node._scope == scope:
                return node
        if self._root is not self:
            for node in self._root._walk():
                if node._scope == scope:
                    return node
        return None

    def _find_scope(self, scope: str) -> tuple[Registry[Any] | None, bool]:
        """The node of ``scope`` in this tree after the loader made the scope
        ready, and whether that answer is final (worth caching)."""
        node = self._search(scope)
        state = _loader.settle(scope, node is not None)
        if state:  # a plugin's scope: its load may have changed the tree
            node = self._search(scope)
        return node, state != _PARTIAL

    def _registry_for_scope(self, scope: str, strict: bool) -> Registry[Any]:
        """The registry of ``scope`` in this tree, else this registry.

        With ``strict``, a scope that no live registry and no discovered
        plugin knows raises ``ScopeNotFoundError``.
        """
        node = self._node_cache.get(scope)
        if node is not None:
            return node
        generation = self._root._generation
        found, final = self._find_scope(scope)
        if found is None:
            if scope not in known_scopes():
                if strict:
                    from registry_core._help import scope_not_found

                    raise scope_not_found(scope, self)
                return self  # not remembered: a strict switch must still raise
            found = self
        if final:
            self._store(self._node_cache, scope, found, generation)
        return found

    def _store(self, cache: dict[str, Any], key: str, value: Any, generation: int) -> None:
        root = self._root
        if len(cache) < _CACHE_LIMIT:
            with LOCK:
                if root._generation == generation:
                    cache[key] = value
                    root._cached.add(self)

    def _ensure_locations(self) -> None:
        if not self._locations_done:
            _loader.load_locations(self)

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
        generation = self._root._generation
        obj, final = self._lookup(key)
        if obj is not None and final:
            self._store(self._cache, key, obj, generation)
        return obj  # type: ignore[no-any-return]

    def _lookup(self, key: str) -> tuple[Any, bool]:
        """``(object or None, final)``: the key split once, each scope found once.

        A loop, not recursion: a config may hold a key of thousands of levels,
        and each (registry, scope) pair is searched at most once however often
        it repeats (``'det.det.det...'``), so the cost stays linear in the key.
        """
        if "." not in key:
            return self._lookup_name(key) if key else (None, True)
        parts = key.split(".")
        if "" in parts:  # an empty segment: '.a', 'a.', 'a..b'
            return None, True
        node: Registry[Any] = self
        final = True
        seen: dict[tuple[int, str], Registry[Any]] = {}
        for scope in parts[:-1]:
            found = seen.get((id(node), scope))
            if found is None:
                found, ok = node._find_scope(scope)
                final = final and ok
                if found is None:
                    return None, final
                seen[(id(node), scope)] = found
            node = found
        obj, ok = node._lookup_name(parts[-1])
        return obj, final and ok

    def _lookup_name(self, name: str) -> tuple[Any, bool]:
        """``(object or None, final)`` for an unscoped name, from here upwards."""
        node: Registry[Any] | None = self
        final = True
        while node is not None:
            if not node._locations_done:
                _loader.load_locations(node)
                final = final and node._locations_done  # partial in a cycle of imports
            obj = node._module_dict.get(name)
            if obj is not None:
                return obj, final
            node = node._parent
        return None, final

    def _not_registered(self, key: str) -> NotRegisteredError:
        """The error for a miss of ``key``, with its help (error path only)."""
        from registry_core._help import not_registered

        return not_registered(self, key)

    # -- listing ------------------------------------------------------------

    def __len__(self) -> int:
        self._ensure_locations()
        return len(self._module_dict)

    def __iter__(self) -> Iterator[str]:
        self._ensure_locations()
        return iter(sorted(self._module_dict))

    def items(self) -> list[tuple[str, T]]:
        """``(name, object)`` pairs of this registry's own names, sorted."""
        self._ensure_locations()
        return sorted(self._module_dict.items(), key=_first)

    # -- scopes and building ------------------------------------------------

    def switch_scope_and_registry(self, scope: str | None) -> ScopeSwitch[Registry[Any]]:
        """Context manager: make ``scope`` the default scope in the block.

        Yields the registry of ``scope`` in this tree (loading it through
        discovery if needed), or this registry when the tree has no such
        child. ``None`` yields this registry and changes nothing.

        Raises:
            ScopeNotFoundError: neither any registry nor discovery knows
                ``scope`` (deliberately unlike MMEngine, which only warns).
        """
        if scope is None:
            return ScopeSwitch(None, self)
        if not isinstance(scope, str):
            raise TypeError(f"a scope must be a str or None, got {type(scope).__name__}")
        return ScopeSwitch(scope, self._registry_for_scope(scope, strict=True))

    def build(self, cfg: Mapping[str, Any] | Any, *args: Any, **kwargs: Any) -> Any:
        """Build an object from a config: ``build_func(cfg, *args, **kwargs, registry=self)``.

        Examples:
            >>> from registry_core import Registry
            >>> R = Registry('demo', scope='demo')
            >>> _ = R.register_module(name='pair', module=lambda a, b: (a, b))
            >>> R.build(dict(type='pair', a=1), default_args=dict(b=2))
            (1, 2)
        """
        if args or kwargs:
            return self._build_func(cfg, *args, **kwargs, registry=self)
        if self._plain_builder and type(cfg) is dict and "_scope_" not in cfg:
            # build_from_cfg's common case, inline to save a call on the hot
            # path: a dict config whose type is a name already in the lookup
            # cache of the registry of the default scope (or of this one).
            # Only final answers are cached, so a hit never sees a plugin
            # half-imported; anything else goes through build_func below.
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

    def _where(self) -> str:
        return f"{self._scope}::{self._name}"

    def __repr__(self) -> str:
        children = ", ".join(sorted(self._children))
        count = len(self._module_dict)
        return (
            f"<Registry {self._where()} with {count} name{'s' if count != 1 else ''}"
            + (f", children: {children}" if children else "")
            + ">"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        from registry_core._pickling import reduce_registry

        return reduce_registry(self)

    def validate(self, cfg: Any, default_args: Mapping[str, Any] | None = None) -> Any:
        """``registry_core.validate(cfg, self, default_args=...)``: check, build nothing."""
        from registry_core.validation import validate

        return validate(cfg, self, default_args=default_args)


def _first(item: tuple[str, Any]) -> str:
    return item[0]


def _check_key(key: object) -> None:
    if not isinstance(key, str):
        raise TypeError(f"registry keys are str, got {type(key).__name__}: {summary(key)}")


def _creating_modules() -> tuple[str, str | None]:
    """The module whose code creates a registry, and the module whose import does.

    The first skips ``Registry.__init__`` and the ``__init__`` of subclasses,
    so that a subclass defined in one package and instantiated in another
    reports the latter (its scope is inferred from it). The second is the
    innermost module body running (a helper called at import time creates a
    root for the module being imported), or ``None`` when no module is being
    imported (a function called from a script's body): what a pickled root is
    found again by.
    """
    frame = sys._getframe(2)
    while frame.f_back is not None and frame.f_code.co_name == "__init__":
        local_self = frame.f_locals.get("self")
        if not isinstance(local_self, Registry):
            break
        frame = frame.f_back
    origin = _module_name(frame.f_globals.get("__name__"))
    home: str | None = None
    body: Any = frame
    while body is not None:
        if body.f_code.co_name == "<module>":
            home = _module_name(body.f_globals.get("__name__"))
            # A script's body runs once, not on import: only what it creates
            # itself is created again where it runs again (``__mp_main__``).
            if home == "__main__" and body is not frame:
                home = None
            break
        body = body.f_back
    return origin, home


def _module_name(name: object) -> str:
    if not isinstance(name, str) or name in _MAIN_MODULES:
        return "__main__"
    return name


def live_roots() -> list[Registry[Any]]:
    """Every root registry still alive in this process, oldest first."""
    roots = (found() for found in list(_ROOTS.values()))
    return [root for root in roots if root is not None]


def known_scopes() -> set[str]:
    """The scopes of every registry in a live tree (slow path only)."""
    with LOCK:
        return {node._scope for root in live_roots() for node in root._walk()}


def _root_collected(key: int) -> Callable[[Any], None]:
    def forget(gone: Any) -> None:
        with LOCK:
            if _ROOTS.get(key) is gone:  # ids are reused: only our own entry
                del _ROOTS[key]
            _changed_everywhere()  # its scopes are no longer known anywhere

    return forget


def _changed_everywhere() -> None:
    """Invalidate every tree's caches: the set of known scopes changed."""
    with LOCK:
        for root in live_roots():
            root._changed()


def set_loader(loader: Loader) -> None:
    """Install the loader the tree asks (``_hook``); ``registry_core.discovery`` does."""
    global _loader
    _loader = loader


#: Build functions that build a plain ``dict`` config exactly as
#: ``build_from_cfg`` does; ``build.py`` and ``torch.py`` add theirs. For them,
#: ``Registry.build`` runs the common case inline.
PLAIN_DICT_BUILDERS: set[BuildFunc] = set()


def _default_build_func() -> BuildFunc:
    from registry_core.build import build_from_cfg

    return build_from_cfg
