"""registry_core: registries of named callables that installed codebases extend.

``import registry_core`` is cheap: it imports no plugin code, scans no
metadata, and imports neither ``importlib.metadata`` nor ``packaging``. The
discovery functions, ``validate`` and ``config_schema``, the config files'
functions and ``__version__`` load on first use.
"""

from __future__ import annotations

from registry_core import (
    _hook,
    _importref_resolve,  # noqa: F401 - makes ImportRef keys resolve
    _scope,
)
from registry_core._importref import ImportRef
from registry_core._scope import current_scope, default_scope, init_default_scope
from registry_core.build import build_from_cfg
from registry_core.errors import (
    ConfigError,
    DuplicateRegistrationError,
    IncompatiblePluginError,
    NotRegisteredError,
    PluginLoadError,
    PluginMismatchError,
    RegistryError,
    ScopeConflictError,
    ScopeNotFoundError,
)
from registry_core.registry import Registry
from registry_core.roots import (
    DATA_SAMPLERS,
    DATASETS,
    EVALUATOR,
    FUNCTIONS,
    HOOKS,
    INFERENCERS,
    LOG_PROCESSORS,
    LOOPS,
    METRICS,
    MODEL_WRAPPERS,
    MODELS,
    OPTIM_WRAPPER_CONSTRUCTORS,
    OPTIM_WRAPPERS,
    OPTIMIZERS,
    PARAM_SCHEDULERS,
    RUNNER_CONSTRUCTORS,
    RUNNERS,
    STRATEGIES,
    TASK_UTILS,
    TRANSFORMS,
    VISBACKENDS,
    VISUALIZERS,
    WEIGHT_INITIALIZERS,
)


class _Services:
    """What the tree asks of the layers above it (``_hook.Services``).

    Each method imports the layer that answers on first use only: discovery for
    the real loader, ``_help`` for the errors of a miss, validation for
    ``Registry.validate``. The tree imports none of them.
    """

    __slots__ = ()

    def loader(self) -> Loader:
        from registry_core.discovery import loader

        return loader()

    def not_registered(self, registry: Registry[Any], key: str) -> NotRegisteredError:
        from registry_core._help import not_registered

        return not_registered(registry, key)

    def scope_not_found(self, scope: str, registry: Registry[Any]) -> ScopeNotFoundError:
        from registry_core._help import scope_not_found

        return scope_not_found(scope, registry)

    def validate(
        self, cfg: Any, registry: Registry[Any], default_args: Mapping[str, Any] | None
    ) -> Any:
        from registry_core.validation import validate

        return validate(cfg, registry, default_args=default_args)


# Installed here, after the imports above (which create roots only, and ask
# no service), before anything can look a key up.
_hook.set_services(_Services())

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from registry_core._hook_types import Loader
    from registry_core._scope import ScopeSync
    from registry_core.config import Config, dump_config, load_config
    from registry_core.discovery import (
        ScopeInfo,
        available_scopes,
        load_all,
        load_scope,
        refresh,
    )
    from registry_core.utils import count_registered_modules, traverse_registry_tree
    from registry_core.validation import config_schema, validate

    __version__: str

__all__ = [
    "DATASETS",
    "DATA_SAMPLERS",
    "EVALUATOR",
    "FUNCTIONS",
    "HOOKS",
    "INFERENCERS",
    "LOG_PROCESSORS",
    "LOOPS",
    "METRICS",
    "MODELS",
    "MODEL_WRAPPERS",
    "OPTIMIZERS",
    "OPTIM_WRAPPERS",
    "OPTIM_WRAPPER_CONSTRUCTORS",
    "PARAM_SCHEDULERS",
    "RUNNERS",
    "RUNNER_CONSTRUCTORS",
    "STRATEGIES",
    "TASK_UTILS",
    "TRANSFORMS",
    "VISBACKENDS",
    "VISUALIZERS",
    "WEIGHT_INITIALIZERS",
    "Config",
    "ConfigError",
    "DuplicateRegistrationError",
    "ImportRef",
    "IncompatiblePluginError",
    "NotRegisteredError",
    "PluginLoadError",
    "PluginMismatchError",
    "Registry",
    "RegistryError",
    "ScopeConflictError",
    "ScopeInfo",
    "ScopeNotFoundError",
    "__version__",
    "available_scopes",
    "build_from_cfg",
    "config_schema",
    "count_registered_modules",
    "current_scope",
    "default_scope",
    "dump_config",
    "init_default_scope",
    "load_all",
    "load_config",
    "load_scope",
    "refresh",
    "traverse_registry_tree",
    "validate",
]

#: Names that load on first use (PEP 562), and the module each comes from.
_LAZY = {
    "ScopeInfo": "registry_core.discovery",
    "available_scopes": "registry_core.discovery",
    "load_all": "registry_core.discovery",
    "load_scope": "registry_core.discovery",
    "refresh": "registry_core.discovery",
    "config_schema": "registry_core.validation",
    "validate": "registry_core.validation",
    "count_registered_modules": "registry_core.utils",
    "traverse_registry_tree": "registry_core.utils",
    "Config": "registry_core.config",
    "dump_config": "registry_core.config",
    "load_config": "registry_core.config",
}


class _FirstScopeSync:
    """Follows the default scope until discovery has scanned.

    The first default scope set scans (as a lookup under it would), and the
    scan installs what really follows it: the MMEngine bridge's sync when a
    codebase built on MMEngine is installed, else nothing.
    """

    __slots__ = ()

    def enter(self, scope: str) -> Callable[[], None] | None:
        real = _scanned_sync()
        return None if real is None else real.enter(scope)

    def init(self, scope: str | None) -> None:
        if scope is None:  # nothing can have been set yet
            return
        real = _scanned_sync()
        if real is not None:
            real.init(scope)


def _scanned_sync() -> ScopeSync | None:
    from registry_core.discovery import ensure_scanned

    ensure_scanned()
    real = _scope.scope_sync()
    if isinstance(real, _FirstScopeSync):  # a scan that installed nothing (a reset loader)
        _scope.set_scope_sync(None)
        return None
    return real


_scope.set_scope_sync(_FirstScopeSync())


def __getattr__(name: str) -> object:
    # PEP 562: discovery, validation, the config files and the installed version
    # load on first use only.
    module = _LAZY.get(name)
    if module is not None:
        import importlib

        value: object = getattr(importlib.import_module(module), name)
    elif name == "__version__":
        from registry_core.discovery._compat import running_version

        value = running_version()
    else:
        raise AttributeError(f"module 'registry_core' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
