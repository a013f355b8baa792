"""The protocols of the tree's hooks (``_hook``), for the type checker only.

Nothing imports this module at run time (it imports ``typing``, ~11 ms):
``_hook`` and the modules that implement the hooks import it under
``TYPE_CHECKING``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

TYPE_CHECKING = False
if TYPE_CHECKING:
    from registry_core.errors import NotRegisteredError, ScopeNotFoundError
    from registry_core.registry import Registry

__all__ = ["Loader", "Services"]


class Loader(Protocol):
    """What the registry tree asks of loading; see ``registry_core._hook``."""

    def infer_scope(self, origin: str, child: bool) -> str:
        """The scope of a registry created by module ``origin`` without ``scope=``."""

    def check_attach(self, child: Registry[Any]) -> None:
        """Raise if ``child`` may not attach to its parent."""

    def changed(self, registry: Registry[Any], name: str | None, previous: Any) -> None:
        """``registry`` got ``name`` (``None``: it was attached); ``previous`` was there."""

    def settle(self, scope: str, present: bool) -> int:
        """Make ``scope`` ready to use; return :data:`NOT_A_PLUGIN`, :data:`READY`
        or :data:`PARTIAL`. ``present``: the asking tree already has the scope."""

    def load_locations(self, registry: Registry[Any]) -> None:
        """Import the ``locations`` of ``registry`` unless done; raise their error."""


class Services(Protocol):
    """What the tree asks of the layers above it, on first need only."""

    def loader(self) -> Loader:
        """The real loader (importing discovery, which installs it)."""

    def not_registered(self, registry: Registry[Any], key: str) -> NotRegisteredError:
        """The error for a miss of ``key`` from ``registry``, with its help."""

    def scope_not_found(self, scope: str, registry: Registry[Any]) -> ScopeNotFoundError:
        """The error for a scope that no registry and no installed plugin has."""

    def validate(
        self, cfg: Any, registry: Registry[Any], default_args: Mapping[str, Any] | None
    ) -> Any:
        """``registry_core.validate(cfg, registry, default_args=...)``."""
