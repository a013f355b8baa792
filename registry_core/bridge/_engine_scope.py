"""MMEngine's default scope, kept in step with registry_core's.

MMEngine has one default scope per process: the ``DefaultScope`` instance
created last (the last entry of the class's instance table). Code inside a
codebase's constructors builds through MMEngine's registries, which resolve
names from the registry of that scope, so a build through a view, and every
``default_scope``, ``init_default_scope`` and ``_scope_`` naming a bridged
scope, set it too, for the same extent.

MMEngine's own way to set it for a block, ``overwrite_default_scope``,
deep-copies the table and sleeps (about 60 µs a call here): too slow for a
build. So an entry of our own is added at the end of the table and taken out
by its key afterwards, which is what a block of ``overwrite_default_scope``
amounts to; another entry added meanwhile (MMEngine's own, or another
thread's) is left alone.

MMEngine's default scope is global to the process; registry_core's is per
thread and per asyncio task. Two threads that build under different bridged
scopes at the same time therefore see, inside MMEngine, whichever was set
last (see docs/openmmlab.md).
"""

from __future__ import annotations

from importlib import import_module
from itertools import count

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["SYNC", "EngineScope", "engine_scope"]

_INIT_KEY = "registry_core-init_default_scope"


class EngineScope:
    """Adds and removes entries of MMEngine's ``DefaultScope`` table."""

    __slots__ = ("_instances", "_keys", "_type")

    def __init__(self) -> None:
        self._type: Any = import_module("mmengine.registry").DefaultScope
        self._instances: dict[str, Any] = {}  # scope -> its DefaultScope, made once
        self._keys = count()

    def _instance(self, scope: str) -> Any:
        instance = self._instances.get(scope)
        if instance is None:
            # Made without get_instance, which would also make it current.
            instance = self._instances[scope] = self._type(f"registry_core-{scope}", scope)
        return instance

    def push(self, scope: str) -> str | None:
        """Make ``scope`` MMEngine's default; return the key to :meth:`pop` (None: it was)."""
        # DefaultScope's instance table: its last entry is the default scope
        # (see the module docstring for why not overwrite_default_scope).
        table = self._type._instance_dict
        if table and table[next(reversed(table))].scope_name == scope:
            return None
        key = f"registry_core-{scope}-{next(self._keys)}"
        table[key] = self._instance(scope)
        return key

    def pop(self, key: str) -> None:
        """Take the entry :meth:`push` added out again (wherever it is in the table now)."""
        self._type._instance_dict.pop(key, None)

    def set_for_context(self, scope: str | None) -> None:
        """``init_default_scope``: ``scope`` stays MMEngine's default until set again."""
        table = self._type._instance_dict
        table.pop(_INIT_KEY, None)
        if scope is not None:
            table[_INIT_KEY] = self._instance(scope)


_ENGINE: EngineScope | None = None


def engine_scope() -> EngineScope:
    """The process's ``EngineScope`` (imports MMEngine's registry package)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = EngineScope()
    return _ENGINE


class _Sync:
    """What ``registry_core._scope`` calls when a default scope is set."""

    __slots__ = ()

    def enter(self, scope: str) -> Callable[[], None] | None:
        engine = _engine_for(scope)
        if engine is None:
            return None
        key = engine.push(scope)
        if key is None:
            return None
        return lambda: engine.pop(key)

    def init(self, scope: str | None) -> None:
        engine = _engine_for(scope) if scope is not None else _ENGINE
        if engine is not None:
            engine.set_for_context(scope)
        elif _ENGINE is not None:  # a scope MMEngine does not know: clear ours
            _ENGINE.set_for_context(None)


def _engine_for(scope: str) -> EngineScope | None:
    """MMEngine's default scope, if ``scope`` is a bridged one and MMEngine can load.

    MMEngine itself is loaded here (the bridged scope ``mmengine``) when it is
    not yet: a codebase loaded later inside the block then builds under the
    right scope. If it cannot load, nothing is set, and the lookups that need
    the scope raise why.
    """
    from registry_core import _hook
    from registry_core.discovery._records import ENTRY_POINT
    from registry_core.discovery._units import LOADED
    from registry_core.errors import RegistryError

    plugins: Any = _hook.services.loader()  # (discovery's; it imports this module)
    unit = plugins.plugin(scope)
    if unit is None or unit.record.source == ENTRY_POINT:
        return None
    if _ENGINE is not None:
        return _ENGINE
    engine_unit = plugins.plugin("mmengine")
    if engine_unit is None:
        return None
    if engine_unit.status != LOADED:
        try:
            plugins.load("mmengine")
        except RegistryError:
            return None  # kept in its status; a lookup under the scope raises it
    return engine_scope()


SYNC = _Sync()
