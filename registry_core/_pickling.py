"""Pickling registries by reference.

A registry pickles as the module whose import created its root, the root's
name, the scopes leading from the root to it, and its own name. Unpickling
imports that module, finds the one root of that name it created, and walks
down the scopes, asking the loader for any scope the tree lacks, so a worker
started with ``spawn`` gets the same node of its own tree, with the plugin
discovered there. A root that no module import created, or that shares its
module and name with another live root, cannot be found again that way: it
refuses to pickle, saying why.
"""

from __future__ import annotations

import pickle

from registry_core import _hook, _node
from registry_core import _tree as _registry
from registry_core._messages import where

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["reduce_registry", "restore_registry"]


def reduce_registry(registry: Registry[Any]) -> tuple[Any, ...]:
    """``__reduce__`` of a registry: how to find it again in another process."""
    root = registry.root
    home, name = _node.home(root), root.name
    if home is None:
        raise pickle.PicklingError(
            f"cannot pickle the {where(registry)} registry: its root {name!r} was not "
            "created while a module was being imported, so no process can create it "
            "again by importing one; only a root created once, at module level, can pickle "
            "by reference"
        )
    twins = _roots_of(home, name)
    if twins != [root]:
        raise pickle.PicklingError(
            f"cannot pickle the {where(registry)} registry: module {home!r} created "
            f"{len(twins)} live roots named {name!r}, so the name does not say which one; "
            "only a root created once, at module level, can pickle by reference: give "
            "each root its own name"
        )
    path: list[str] = []
    node: Registry[Any] = registry
    while node.parent is not None:
        path.append(node.scope)
        node = node.parent
    return (restore_registry, (home, name, tuple(reversed(path)), registry.name))


def restore_registry(
    module: str, root_name: str, path: tuple[str, ...], name: str
) -> Registry[Any]:
    """Find the registry ``reduce_registry`` described, in this process."""
    import importlib

    what = f"registry {name!r} under root {root_name!r} of module {module!r}, scopes {path}"
    try:
        importlib.import_module(module)
    except Exception as exc:
        raise pickle.UnpicklingError(
            f"cannot unpickle {what}: importing {module!r} failed"
        ) from exc
    roots = _roots_of(module, root_name)
    if len(roots) != 1:
        raise pickle.UnpicklingError(
            f"cannot unpickle {what}: importing {module!r} created "
            f"{'no root' if not roots else f'{len(roots)} roots'} named {root_name!r}"
        )
    node = roots[0]
    for scope in path:
        child = node.children.get(scope)
        try:
            state = _registry.loader.settle(scope, child is not None)
        except Exception as exc:
            raise pickle.UnpicklingError(
                f"cannot unpickle {what}: loading scope {scope!r} failed"
            ) from exc
        if state != _hook.NOT_A_PLUGIN:
            child = node.children.get(scope)
        if child is None:
            raise pickle.UnpicklingError(
                f"cannot unpickle {what}: no child of scope {scope!r} under the "
                f"{where(node)} registry in this process, and no installed plugin provides it"
            )
        node = child
    if node.name != name:
        raise pickle.UnpicklingError(
            f"cannot unpickle {what}: the node found is named {node.name!r}"
        )
    return node


def _roots_of(module: str, name: str) -> list[Registry[Any]]:
    return [r for r in _registry.live_roots() if _node.home(r) == module and r.name == name]
