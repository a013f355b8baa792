"""The hooks of the registry tree: what it asks of the layers above it.

The tree (``registry.py``, ``_node``, ``_resolve``, ``_tree``) never imports
discovery, validation, the help of a miss or the package root. It is handed
two things instead: a :class:`Loader` (below; ``_tree.loader``) and the
:class:`Services` the package root installs here (``set_services``, with
its ``_Services``): the real loader, the error of a miss with its
help, the error of an unknown scope, and ``Registry.validate``.

The loader
----------

The tree (``registry.py``) knows nothing of plugins, entry points, threads that
import them or what a failed import must undo. Whenever one of those could
matter it asks the loader it was handed, through the five methods of
:class:`Loader`, and only then:

- ``infer_scope``: the scope of a registry created without ``scope=``;
- ``check_attach``: may this child attach (a scope another distribution owns,
  a blocked scope, ...)? Raises to refuse;
- ``changed``: a registration or an attached child, so that the load in
  progress in this thread can take it back if it fails;
- ``settle``: make a scope's plugin loaded before it is used (import it, or
  wait for the thread importing it);
- ``load_locations``: import a registry's ``locations``, once.

Until something needs loading, the installed loader is :data:`LAZY`: it
answers what it can without importing anything, and otherwise asks the
services for the real one (importing ``registry_core.discovery``, which
replaces it). ``import registry_core`` therefore imports no loader, scans
nothing.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    # (in a module of their own, which only the type checker imports: they are
    # never loaded at ``import registry_core``)
    from registry_core._hook_types import Loader, Services
    from registry_core.registry import Registry

__all__ = ["LAZY", "NOT_A_PLUGIN", "PARTIAL", "READY", "services", "set_services"]

#: ``settle`` answers: no installed plugin has the scope (nothing to load);
NOT_A_PLUGIN = 0
#: its plugin is loaded (or failed, and the error was raised);
READY = 1
#: its plugin is being loaded by code this thread is part of (a cycle of imports,
#: as Python's circular imports): use what is there, but remember nothing.
PARTIAL = 2


class _Lazy:
    """The loader before discovery is imported: answers what needs no import."""

    __slots__ = ()

    def infer_scope(self, origin: str, child: bool) -> str:
        if not child:  # no plugin can be loading: nothing has imported the loader
            return origin.partition(".")[0]
        return _real().infer_scope(origin, child)

    def check_attach(self, child: Registry[Any]) -> None:
        _real().check_attach(child)

    def changed(self, registry: Registry[Any], name: str | None, previous: Any) -> None:
        pass  # no load can be in progress

    def settle(self, scope: str, present: bool) -> int:
        return _real().settle(scope, present)

    def load_locations(self, registry: Registry[Any]) -> None:
        _real().load_locations(registry)


def _real() -> Loader:
    return services.loader()


#: The loader in use until ``registry_core.discovery`` installs its own.
LAZY = _Lazy()


class _NotInstalled:
    """The services before the package root installs them (it does so first)."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(
            f"registry_core's services are not installed (asked for {name!r}): import "
            "registry_core, whose package root installs them"
        )


#: What the tree asks of the layers above it; ``set_services`` replaces it.
services: Services = _NotInstalled()


def set_services(new: Services) -> None:
    """Install the services the tree asks; the package root does, once."""
    global services
    services = new
