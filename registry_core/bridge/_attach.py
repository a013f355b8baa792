"""Attaching a bridged scope: import its ``registry`` module, put views in the tree.

The views of a scope are made at MMEngine's places: a view of an MMEngine
root of scope ``mmengine`` goes under the registry_core root of the same
name (or becomes a root when there is none); any other registry of the scope
goes under the view of its parent, matched by identity, not by name
(MMPretrain's ``optimizer_wrapper`` is a child of MMEngine's
``optim_wrapper``); a parentless one (MMPretrain's ``BATCH_AUGMENTS``)
becomes a root. A parent of another bridged scope is loaded first.

A load is a transaction (the loader undoes the views it attached and the
modules it imported); MMEngine's side is undone here: the children an import
added to MMEngine's existing registries and the names it registered in them,
so that the next attempt imports the codebase again from a clean slate
(MMEngine refuses a second child of one scope).
"""

from __future__ import annotations

import importlib

from registry_core.discovery._records import MMENGINE
from registry_core.registry import live_roots
from registry_core.roots import list_root, unlist_root

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

    from registry_core.bridge._view import MMEngineView
    from registry_core.discovery._records import EntryPointRecord
    from registry_core.registry import Registry

__all__ = ["add_view", "attach_scope", "engine_snapshot", "view_of"]

#: id of an MMEngine registry -> (that registry, its view): the one owner of
#: the views (root views live as long as this holds them).
_VIEWS: dict[int, tuple[Any, MMEngineView]] = {}
#: id of an MMEngine registry shown by a root view -> its label in
#: ``registry_core.roots.ROOTS``, and the view.
_LISTED: dict[int, tuple[str, MMEngineView]] = {}


def view_of(mm: Any) -> MMEngineView | None:
    """The view of an MMEngine registry, if it is in the tree.

    A view taken out of the tree (a failed load rolled back, a test's state
    restored) does not count: the next load makes a new one.
    """
    held = _VIEWS.get(id(mm))
    if held is None or held[0] is not mm:
        return None
    view = held[1]
    node: Registry[Any] = view
    while node.parent is not None:
        if node.parent.children.get(node.scope) is not node:
            return None
        node = node.parent
    return view if any(root is node for root in live_roots()) else None


def add_view(mm: Any, view: MMEngineView) -> None:
    """Hold ``view`` as the view of ``mm`` (one made after its scope loaded: ``_late``)."""
    _VIEWS[id(mm)] = (mm, view)


def attach_scope(record: EntryPointRecord, loader: Any) -> ModuleType:
    """Import ``record.module`` and attach views of every MMEngine registry of its scope.

    Raises whatever the import raises (the loader turns it into the scope's
    ``PluginLoadError``), after undoing MMEngine's side of it.
    """
    scope = record.scope
    if scope != MMENGINE:
        loader.load(MMENGINE)  # its views are the parents; raises its error
    engine = importlib.import_module("mmengine.registry")
    before = _Snapshot(_engine_roots(engine))
    made: list[MMEngineView] = []
    try:
        module = importlib.import_module(record.module)
        roots = _engine_roots(engine) + _parentless(module, engine.Registry, scope)
        labels = {id(obj): attr for attr, obj in reversed(vars(module).items())}
        _attach_views(scope, roots, record.module, loader, made)
        for view in made:
            if view.parent is None:  # listed with the shipped roots, for tree and list
                _list(view, labels.get(id(view.mmengine_registry), view.name.upper()))
    except BaseException:
        for view in made:
            _VIEWS.pop(id(view.mmengine_registry), None)
            _unlist(view.mmengine_registry)
        before.restore()
        raise
    return module


def _list(view: MMEngineView, label: str) -> None:
    _unlist(view.mmengine_registry)  # a view made before, taken out of the tree since
    _LISTED[id(view.mmengine_registry)] = (list_root(label, view), view)


def _unlist(mm: Any) -> None:
    label, view = _LISTED.pop(id(mm), ("", None))
    if view is not None:
        unlist_root(label, view)


def engine_snapshot() -> _Snapshot:
    """The children and names of every MMEngine registry the bridge can reach now."""
    return _Snapshot(_engine_roots(importlib.import_module("mmengine.registry")))


def _engine_roots(engine: ModuleType) -> list[Any]:
    """MMEngine's roots: its registry package's parentless registries, and root views."""
    kind = engine.Registry
    found = {id(r): r for r in vars(engine).values() if isinstance(r, kind) and r.parent is None}
    for mm, _ in list(_VIEWS.values()):
        if mm.parent is None:
            found.setdefault(id(mm), mm)
    return list(found.values())


def _parentless(module: ModuleType, kind: Any, scope: str) -> list[Any]:
    return [
        r
        for r in vars(module).values()
        if isinstance(r, kind) and r.parent is None and r.scope == scope
    ]


def _attach_views(
    scope: str, roots: list[Any], origin: str, loader: Any, made: list[MMEngineView]
) -> None:
    from registry_core import roots as shipped
    from registry_core.bridge._view import MMEngineView
    from registry_core.registry import Registry

    ours = {
        r.name: r for r in vars(shipped).values() if isinstance(r, Registry) and r.parent is None
    }
    for node in _walk(roots):
        if node.scope != scope or view_of(node) is not None:
            continue
        mm_parent = node.parent
        parent: Registry[Any] | None
        if mm_parent is None:
            parent = ours.get(node.name) if scope == MMENGINE else None
        else:
            parent = view_of(mm_parent)
            if parent is None and mm_parent.scope != scope:
                parent = _load_parent(mm_parent, loader)
            if parent is None:
                continue  # under a registry no installed codebase owns: not bridged
        view = MMEngineView(node, parent, origin, engine_snapshot)
        _VIEWS[id(node)] = (node, view)
        made.append(view)


def _load_parent(mm_parent: Any, loader: Any) -> Registry[Any] | None:
    """The view of a parent of another scope, after loading that scope if it is bridged."""
    unit = loader.plugin(mm_parent.scope)
    if unit is None or unit.record.source != MMENGINE:
        return None
    loader.load(mm_parent.scope)
    return view_of(mm_parent)


def _walk(roots: list[Any]) -> list[Any]:
    """Every MMEngine registry under ``roots``, breadth-first (parents first)."""
    queue = list(roots)
    seen = {id(r) for r in queue}
    for node in queue:
        for child in list(node.children.values()):
            if id(child) not in seen:
                seen.add(id(child))
                queue.append(child)
    return queue


class _Snapshot:
    """The children and names of MMEngine's registries, to put back after a failed import."""

    __slots__ = ("_saved",)

    def __init__(self, roots: list[Any]) -> None:
        self._saved = [(node, dict(node.children), dict(node.module_dict)) for node in _walk(roots)]

    def restore(self) -> None:
        for node, children, names in self._saved:
            now = node.children
            if now != children:
                now.clear()
                now.update(children)
            current = node.module_dict
            for name in [n for n in current if n not in names]:
                del current[name]
            for name, obj in names.items():
                if current.get(name) is not obj:
                    current[name] = obj
