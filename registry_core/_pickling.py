"""Pickling registries by reference.

A registry pickles as the module that created its root, the root's name, the
scopes leading from the root to it, and its own name. Unpickling imports that
module, finds the root it created, and walks down the scopes, asking discovery
for any scope the tree lacks, so a worker started with ``spawn`` gets the same
node of its own tree, with the plugin discovered there.
"""

from __future__ import annotations

import pickle

from registry_core import registry as _registry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["reduce_registry", "restore_registry"]


def reduce_registry(registry: Registry[Any]) -> tuple[Any, ...]:
    """``__reduce__`` of a registry: how to find it again in another process."""
    root = registry.root
    origin, name = root._origin, root.name
    found = _registry._ROOTS.get((origin, name))
    if found is None or found() is not root:
        raise pickle.PicklingError(
            f"cannot pickle the {registry._where()} registry: its root {name!r} "
            f"(created in {origin!r}) is not the root that module's name refers to; "
            "only registries under a root created once at module level pickle by reference"
        )
    path: list[str] = []
    node: Registry[Any] = registry
    while node.parent is not None:
        path.append(node.scope)
        node = node.parent
    return (restore_registry, (origin, name, tuple(reversed(path)), registry.name))


def restore_registry(
    module: str, root_name: str, path: tuple[str, ...], name: str
) -> Registry[Any]:
    """Find the registry ``reduce_registry`` described, in this process."""
    import importlib

    where = f"registry {name!r} under root {root_name!r} of module {module!r}, scopes {path}"
    try:
        importlib.import_module(module)
    except Exception as exc:
        raise pickle.UnpicklingError(
            f"cannot unpickle {where}: importing {module!r} failed"
        ) from exc
    found = _registry._ROOTS.get((module, root_name))
    node = found() if found is not None else None
    if node is None:
        raise pickle.UnpicklingError(
            f"cannot unpickle {where}: importing {module!r} created no root named {root_name!r}"
        )
    for scope in path:
        child = node.children.get(scope)
        if child is None or scope in _registry.LOADING:  # absent, or still being made
            try:
                _registry._discover(scope)
            except Exception as exc:
                raise pickle.UnpicklingError(
                    f"cannot unpickle {where}: loading scope {scope!r} failed"
                ) from exc
            child = node.children.get(scope)
        if child is None:
            raise pickle.UnpicklingError(
                f"cannot unpickle {where}: no child of scope {scope!r} under the "
                f"{node._where()} registry in this process, and no installed plugin provides it"
            )
        node = child
    if node.name != name:
        raise pickle.UnpicklingError(
            f"cannot unpickle {where}: the node found is named {node.name!r}"
        )
    return node
