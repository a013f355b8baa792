"""Views for MMEngine registries made after their scope loaded.

A codebase may make an MMEngine registry in a module imported after its
scope loaded: ``Registry('model', parent=MODELS, scope='extra')`` in
``mmtoy.extra``. MMEngine adds it to its parent's children, which a viewed
registry holds as a :class:`~registry_core.bridge._live.LiveChildren`: that
notes the parent (nothing more: MMEngine's constructor has not finished).
The next lookup that misses a scope, and the next listing
(``available_scopes``, ``load_all``, ``tree``, ``list``, ``show``,
``check``), asks :func:`attach_late`, which puts a view of each new registry
(and of the registries under it) under its parent's view, as a load would
have. A hit never asks: it costs nothing.

Not viewed, as at a load: a registry of a scope that discovery knows but has
not loaded (its own load views it), of a blocked scope or of one another
distribution owns (refused), one under an MMEngine registry that has no view,
and a parentless registry made later (nothing notices it; a codebase's
parentless registries of its ``registry`` module are viewed when it loads).
"""

from __future__ import annotations

from registry_core._node import origin
from registry_core.bridge._attach import add_view, engine_snapshot, view_of
from registry_core.bridge._live import grown
from registry_core.discovery._units import LOADED
from registry_core.errors import RegistryError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.bridge._view import MMEngineView

__all__ = ["attach_late"]


def attach_late(loader: Any) -> bool:
    """View the MMEngine registries made under viewed ones since; True if any was.

    The caller holds the loader's lock.
    """
    made = False
    for mm_parent in grown():
        parent = view_of(mm_parent)
        if parent is None:  # taken out of the tree since (a failed load, undone)
            continue
        queue = [(child, parent) for child in list(mm_parent.children.values())]
        for node, up in queue:  # breadth-first: a view's parent is made first
            view = view_of(node)
            if view is None:
                view = _view(node, up, loader)
                if view is None:
                    continue
                made = True
            queue.extend((child, view) for child in list(node.children.values()))
    return made


def _view(mm: Any, parent: MMEngineView, loader: Any) -> MMEngineView | None:
    """A view of ``mm`` under ``parent``, or None where a load would make none."""
    from registry_core.bridge._view import MMEngineView

    unit = loader.plugin(mm.scope)
    if unit is not None and unit.status != LOADED:
        return None  # its scope's own load views it (or it is blocked, or broken)
    owner = unit.record.module if unit is not None else origin(parent)
    try:
        view = MMEngineView(mm, parent, owner, engine_snapshot)
    except RegistryError:
        return None  # refused by the loader: a scope another distribution owns
    add_view(mm, view)
    return view
