"""The services the registry tree is handed (``_hook.Services``), installed by the
package root.

Each method imports the layer that answers it on first use only: discovery for
the loader, ``_help`` for the error of a miss, validation for
``Registry.validate``. The tree itself imports none of them.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from registry_core._hook import Loader
    from registry_core.errors import NotRegisteredError, ScopeNotFoundError
    from registry_core.registry import Registry

__all__ = ["SERVICES"]


class _Services:
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


SERVICES = _Services()
