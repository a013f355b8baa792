"""Snapshot and restore every piece of global state, for tests.

Global state in ``registry_core`` is explicit and lives in three places: the
registry trees (names and children of every node under every live root, and
the table of live roots), the loader (``registry_core.discovery.loader()``:
the scan and every plugin's outcome), and the default-scope ``ContextVar``.
``snapshot()`` copies them all; ``Snapshot.restore()`` puts them back, so a
test's registrations, attached children and discovery scans are gone after it.

The modules of plugins that the test loaded leave ``sys.modules`` too: the
children they attached are gone, so the next test that needs such a plugin
must import it again rather than find it already imported (and attach
nothing). Those are the modules imported during the test whose top-level
package is that of a discovered plugin's entry point, or of the code that
created a registry attached during the test. Other modules stay; the pytest
plugin's site fixture removes the ones it provided. Codebases built on
MMEngine stay too: MMEngine's tree keeps their registries, so the bridge
attaches new views on the next need instead.
"""

from __future__ import annotations

from registry_core import _tree as _registry
from registry_core._names import names_state, restore_names
from registry_core._node import changed, children_state, origin, restore_children, walk
from registry_core._scope import CURRENT, init_default_scope

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["Snapshot", "snapshot"]


class Snapshot:
    """Global state at one moment; ``restore()`` returns to it."""

    __slots__ = ("_loader", "_modules", "_nodes", "_roots", "_scope")

    def __init__(self) -> None:
        with _registry.LOCK:
            self._nodes: list[tuple[Registry[Any], Any, dict[str, Any]]] = [
                (node, names_state(node), children_state(node))
                for root in _registry.live_roots()
                for node in walk(root)
            ]
            self._roots = _registry.roots_state()
        self._scope = CURRENT.get()
        self._loader = _loader_copy()
        self._modules = frozenset(_modules())

    def restore(self) -> None:
        """Put every registry, the roots and the loader back as they were."""
        _forget_plugin_modules(self._modules, {id(node) for node, *_ in self._nodes})
        with _registry.LOCK:
            for node, names, children in self._nodes:
                restore_names(node, names)
                restore_children(node, children)
            _registry.restore_roots(self._roots)
            for root in {id(node.root): node.root for node, *_ in self._nodes}.values():
                changed(root)  # every tree whose names or children were put back
            _registry.changed_everywhere()
        init_default_scope(self._scope)
        if self._loader is not None or "registry_core.discovery" in _modules():
            from registry_core import discovery

            discovery.install(self._loader)


def snapshot() -> Snapshot:
    """Copy the global state of ``registry_core`` now."""
    return Snapshot()


def _modules() -> dict[str, Any]:
    import sys

    return sys.modules


#: Never forgotten: our own modules (a second copy of one would hold a second
#: copy of the global state), and the scripts a registry may be created in.
_KEEP = frozenset({"registry_core", "__main__", "__mp_main__"})


def _forget_plugin_modules(before: frozenset[str], old_nodes: set[int]) -> None:
    """Drop the plugin modules imported since ``before`` from ``sys.modules``.

    Plugin packages are those of the entry points discovery knows, and those
    of the modules that created (or are listed in the ``locations`` of) a
    registry that is not among ``old_nodes``.
    """
    packages: set[str] = set()
    with _registry.LOCK:
        for root in _registry.live_roots():
            for node in walk(root):
                if id(node) not in old_nodes:
                    packages.add(origin(node).partition(".")[0])
                    packages.update(loc.partition(".")[0] for loc in node.locations)
    discovery = _modules().get("registry_core.discovery")
    if discovery is not None:
        units = discovery.loader().plugins()
        packages.update(unit.record.module.partition(".")[0] for unit in units)
        # Codebases built on MMEngine stay imported: MMEngine keeps the registries
        # they made (it refuses a second child of a scope), and the bridge attaches
        # its views again on the next need.
        packages -= {u.package for u in units if u.record.source != "entry-point"}
    packages -= _KEEP
    if not packages:
        return
    modules = _modules()
    for name in [n for n in modules if n not in before]:
        if name.partition(".")[0] in packages:
            modules.pop(name, None)


def _loader_copy() -> Any:
    """A copy of the loader, without importing discovery if it is not.

    A copy, because the test goes on using (and changing) the live object.
    """
    discovery = _modules().get("registry_core.discovery")
    return None if discovery is None else discovery.loader().copy()
