"""The registry tree: registration, scoped lookup and the scope switch.

A lookup runs in three small steps: split the key (``_keys.split_key``), find
the node that owns the scope (``Registry._find_scope``, breadth-first through
the tree, asking discovery only when the tree has no such node), and look the
name up from that node upwards (``Registry._lookup_name``). Hits are cached per
registry; any change to a tree (a registration, a child attached) clears the
caches of that tree, so a cached answer is always the answer a fresh lookup
would give.

Nothing here imports plugin code, scans metadata or logs. The one call into
discovery is ``_discover``, made only when the tree has no node for a scope.
"""

from __future__ import annotations

import sys
from _thread import RLock
from _weakref import ref
from types import MappingProxyType

from registry_core import _keys
from registry_core._scope import CURRENT
from registry_core.errors import (
    DuplicateRegistrationError,
    NotRegisteredError,
    ScopeConflictError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from types import TracebackType
    from typing import Any, Generic, TypeVar, overload

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


__all__ = ["Registry"]

_current_scope = CURRENT.get

#: Guards every change to every tree, and the validity of the lookup caches.
#: Never held while importing.
LOCK = RLock()

#: Scope of every registry ever created, so that a scope switch can tell a
#: scope nobody has from one that merely has no node under a given root.
_KNOWN_SCOPES: set[str] = set()

#: (creating module, name) -> weak reference to a root, for unpickling.
_ROOTS: dict[tuple[str, str], Callable[[], Registry[Any] | None]] = {}

#: While discovery imports a plugin: top-level package -> entry-point name,
#: the scope that registries created by that package infer.
SCOPE_OVERRIDES: dict[str, str] = {}

#: Scopes whose plugin module discovery is importing right now -> the ident of
#: the importing thread. A lookup that finds such a scope's half-made node asks
#: discovery, which makes any other thread wait for the import to finish.
LOADING: dict[str, int] = {}

#: Set by discovery once it has scanned: raises ``ScopeConflictError`` when a
#: module attaches a child under a scope that another distribution advertises.
OWNER_CHECK: Callable[[str, str], None] | None = None

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
            top-level package of the module that creates it.
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
            raise TypeError(f"a registry name must be a non-empty str, got {name!r:.80}")
        if build_func is not None and not callable(build_func):
            raise TypeError(f"build_func must be callable or None, got {build_func!r:.80}")
        if parent is not None and not isinstance(parent, Registry):
            raise TypeError(
                f"parent must be a Registry or None, got {type(parent).__name__}: {parent!r:.80}"
            )
        if scope is not None:
            if not isinstance(scope, str):
                raise TypeError(
                    f"scope must be a str or None, got {type(scope).__name__}: {scope!r:.80}"
                )
            if not scope or "." in scope:
                raise ValueError(
                    f"invalid scope {scope!r}: a scope is a non-empty name without '.'"
                )
        if isinstance(locations, str) or not all(isinstance(loc, str) for loc in locations):
            raise TypeError(
                "locations must be a sequence of module names, e.g. ['toydet.models'], "
                f"got {locations!r:.80}"
            )
        origin = _creating_module()
        if scope is None:
            scope = _infer_scope(origin)

        self._name = name
        self._scope = scope
        self._origin = origin
        self._parent = parent
        self._root: Registry[Any] = self if parent is None else parent._root
        self._module_dict: dict[str, T] = {}
        self._module_view = MappingProxyType(self._module_dict)
        self._children: dict[str, Registry[Any]] = {}
        self._children_view = MappingProxyType(self._children)
        self._locations = tuple(locations)
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

        if parent is not None and OWNER_CHECK is None:
            _scan_once()  # before attaching: a scope an installed plugin owns is refused
        with LOCK:
            _KNOWN_SCOPES.add(scope)
            if parent is None:
                _remember_root(self)
            else:
                parent._add_child(self)

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

    def register_module(
        self,
        name: str | Sequence[str] | None = None,
        force: bool = False,
        module: Any = None,
    ) -> Any:
        """Register a callable, as a decorator or as a call.

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
            raise TypeError(f"force must be a bool, got {type(force).__name__}: {force!r:.80}")
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
                f"instances), got {type(obj).__name__}: {obj!r:.80}"
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
            for n in names:
                self._module_dict[n] = obj
            self._root._changed()

    # -- the tree -----------------------------------------------------------

    def _add_child(self, child: Registry[Any]) -> None:
        """Attach ``child``; called with ``LOCK`` held."""
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
        if OWNER_CHECK is not None:
            OWNER_CHECK(scope, child._origin)
        # The same module creating it again (a reload) replaces it.
        self._children[scope] = child
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

    def _find_scope(self, scope: str) -> Registry[Any] | None:
        """The node of ``scope`` in this tree, loading it through discovery."""
        node = self._search(scope)
        if (node is None or scope in LOADING) and _discover(scope):
            node = self._search(scope)
        return node

    def _registry_for_scope(self, scope: str, strict: bool) -> Registry[Any]:
        """The registry of ``scope`` in this tree, else this registry.

        With ``strict``, a scope that no tree and no discovered plugin knows
        raises ``ScopeNotFoundError``.
        """
        node = self._node_cache.get(scope)
        if node is not None and not (LOADING and scope in LOADING):
            return node
        generation = self._root._generation
        node = self._find_scope(scope)
        if node is None:
            if scope not in _KNOWN_SCOPES:
                if strict:
                    from registry_core._help import scope_not_found

                    raise scope_not_found(scope, self)
                return self  # not remembered: a strict switch must still raise
            node = self
        self._store(self._node_cache, scope, node, generation)
        return node

    def _store(self, cache: dict[str, Any], key: str, value: Any, generation: int) -> None:
        root = self._root
        if len(cache) < _CACHE_LIMIT:
            with LOCK:
                if root._generation == generation:
                    cache[key] = value
                    root._cached.add(self)

    def _ensure_locations(self) -> None:
        if self._locations_done:
            return
        import importlib

        for location in self._locations:
            try:
                importlib.import_module(location)
            except BaseException as exc:
                _add_note(
                    exc,
                    f"while importing {location!r}, listed in the locations of the "
                    f"{self._where()} registry (created by {self._origin!r})",
                )
                raise
        self._locations_done = True

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
        obj: T | None = self._lookup(key)
        if obj is not None:
            self._store(self._cache, key, obj, generation)
        return obj

    def _lookup(self, key: str) -> Any:
        # A loop, not recursion: a config may hold a key of thousands of levels.
        node: Registry[Any] = self
        while True:
            scope, rest = _keys.split_key(key)
            if scope is None:
                return node._lookup_name(key) if key else None
            if not scope or not rest:
                return None
            found = node._find_scope(scope)
            if found is None:
                return None
            node, key = found, rest

    def _lookup_name(self, name: str) -> Any:
        node: Registry[Any] | None = self
        while node is not None:
            if not node._locations_done:
                node._ensure_locations()
            obj = node._module_dict.get(name)
            if obj is not None:
                return obj
            node = node._parent
        return None

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

    def switch_scope_and_registry(self, scope: str | None) -> _ScopeSwitch:
        """Context manager: make ``scope`` the default scope in the block.

        Yields the registry of ``scope`` in this tree (loading it through
        discovery if needed), or this registry when the tree has no such
        child. ``None`` yields this registry and changes nothing.

        Raises:
            ScopeNotFoundError: neither any registry nor discovery knows
                ``scope`` (deliberately unlike MMEngine, which only warns).
        """
        if scope is None:
            return _ScopeSwitch(None, self)
        if not isinstance(scope, str):
            raise TypeError(f"a scope must be a str or None, got {type(scope).__name__}")
        return _ScopeSwitch(scope, self._registry_for_scope(scope, strict=True))

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
            # A cache hit is a registered object even while a plugin is being
            # imported; anything else goes through build_func below, which
            # waits for such imports.
            current = _current_scope()
            node = self if current is None else self._node_cache.get(current)
            if node is not None:
                kwargs = cfg.copy()
                try:
                    obj_type = kwargs.pop("type")
                    obj_cls: Any = node._cache[obj_type]
                except (KeyError, TypeError):
                    pass
                else:
                    try:
                        return obj_cls(**kwargs)
                    except Exception as exc:
                        _add_note(exc, build_note(node, obj_type))
                        raise
        return self._build_func(cfg, registry=self)

    # -- presentation and pickling -----------------------------------------

    def _where(self) -> str:
        return f"{self._scope}::{self._name}"

    def __repr__(self) -> str:
        children = ", ".join(sorted(self._children))
        return (
            f"<Registry {self._where()} with {len(self._module_dict)} names"
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


class _ScopeSwitch:
    """What ``switch_scope_and_registry`` returns: sets and restores the scope."""

    __slots__ = ("_registry", "_scope", "_token")

    def __init__(self, scope: str | None, registry: Registry[Any]) -> None:
        self._scope = scope
        self._registry = registry
        self._token: Any = None

    def __enter__(self) -> Registry[Any]:
        if self._scope is not None:
            self._token = CURRENT.set(self._scope)
        return self._registry

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._token is not None:
            CURRENT.reset(self._token)
            self._token = None


def _first(item: tuple[str, Any]) -> str:
    return item[0]


def _check_key(key: object) -> None:
    if not isinstance(key, str):
        raise TypeError(f"registry keys are str, got {type(key).__name__}: {key!r:.80}")


def _creating_module() -> str:
    """The module whose code is creating a registry.

    Skips ``Registry.__init__`` and the ``__init__`` of subclasses, so that a
    subclass defined in one package and instantiated in another reports the
    latter.
    """
    frame = sys._getframe(2)
    while frame.f_back is not None and frame.f_code.co_name == "__init__":
        local_self = frame.f_locals.get("self")
        if not isinstance(local_self, Registry):
            break
        frame = frame.f_back
    module = frame.f_globals.get("__name__")
    if not isinstance(module, str) or module in _MAIN_MODULES:
        return "__main__"
    return module


def _infer_scope(module: str) -> str:
    top = module.partition(".")[0]
    return SCOPE_OVERRIDES.get(top, top)


def live_roots() -> list[Registry[Any]]:
    """Every root registry still alive in this process."""
    roots = (found() for found in _ROOTS.values())
    return [root for root in roots if root is not None]


def _remember_root(root: Registry[Any]) -> None:
    for key in [k for k, r in _ROOTS.items() if r() is None]:
        del _ROOTS[key]
    _ROOTS[(root._origin, root._name)] = ref(root)


#: Build functions that build a plain ``dict`` config exactly as
#: ``build_from_cfg`` does; ``build.py`` and ``torch.py`` add theirs. For them,
#: ``Registry.build`` runs the common case inline.
PLAIN_DICT_BUILDERS: set[BuildFunc] = set()


def _default_build_func() -> BuildFunc:
    from registry_core.build import build_from_cfg

    return build_from_cfg


def build_note(registry: Registry[Any], obj_type: Any) -> str:
    """The note added to an exception raised while building ``obj_type``."""
    what = obj_type if isinstance(obj_type, str) else getattr(obj_type, "__qualname__", obj_type)
    return (
        f"while building type {what!r} from the {registry._scope}::{registry._name} registry "
        f"(scope {registry._scope!r})"
    )


_discovery_ensure: Callable[[str], bool] | None = None


def _discover(scope: str) -> bool:
    """Ask discovery to load ``scope``: True if it knew and loaded it.

    Raises the scope's error when discovery knows it but cannot load it.
    """
    global _discovery_ensure
    if _discovery_ensure is None:
        from registry_core.discovery import ensure_scope

        _discovery_ensure = ensure_scope
    return _discovery_ensure(scope)


def _scan_once() -> None:
    """Scan the installed plugins now, if not done yet; this installs ``OWNER_CHECK``."""
    from registry_core.discovery import ensure_scanned

    ensure_scanned()


def _add_note(exc: BaseException, note: str) -> None:
    """PEP 678 ``add_note``, also on Python 3.10 (where it sets ``__notes__``)."""
    add_note = getattr(exc, "add_note", None)
    if add_note is not None:
        add_note(note)
        return
    notes = getattr(exc, "__notes__", None)
    try:
        if isinstance(notes, list):
            notes.append(note)
        else:
            exc.__notes__ = [note]  # type: ignore[attr-defined, unused-ignore]  # 3.10 only
    except AttributeError:  # an exception type with __slots__ and no __dict__
        pass
