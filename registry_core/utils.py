"""MMEngine's registry utilities, for code that uses them: counting what is registered.

``traverse_registry_tree`` and ``count_registered_modules`` return the same
shapes as ``mmengine.registry.utils`` (a list of per-registry dicts, and a
dict with ``scan_date`` and ``registries``), so scripts and dashboards built
on them keep working. Unlike MMEngine, they print nothing unless asked
(``verbose=True`` prints one line per registry, no logging set-up needed), and
``count_registered_modules`` finds what to count through discovery: it loads
every installed plugin instead of importing a fixed list of packages.

>>> from registry_core import Registry, traverse_registry_tree
>>> ROOT = Registry('thing', scope='utils_demo')
>>> CHILD = Registry('thing', parent=ROOT, scope='utils_child')
>>> _ = CHILD.register_module(name='Len', module=len)
>>> [(info['scope'], info['num_modules']) for info in traverse_registry_tree(CHILD, verbose=False)]
[('utils_demo', 0), ('utils_child', 1)]
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["count_registered_modules", "traverse_registry_tree"]


def traverse_registry_tree(registry: Registry[Any], verbose: bool = True) -> list[dict[str, Any]]:
    """What is registered in the whole tree of ``registry`` (from its root), node by node.

    Args:
        registry: any registry of the tree.
        verbose: print a line per registry.

    Returns:
        One dict per registry, depth first from the root: ``num_modules``,
        ``scope``, and for each folder of the modules defining the objects
        (``toydet/models`` for ``toydet.models.resnet``), the names they are
        registered under (MMEngine's shape).
    """
    found: list[dict[str, Any]] = []
    pending = [registry.root]
    while pending:
        node = pending.pop()
        names = dict(node.module_dict)
        info: dict[str, Any] = {"num_modules": len(names), "scope": node.scope}
        for name, obj in names.items():
            module = getattr(obj, "__module__", None) or ""
            folder = "/".join(module.split(".")[:-1]) if isinstance(module, str) else ""
            info.setdefault(folder, []).append(name)
        if verbose:
            print(f"Find {len(names)} modules in {node.scope}'s '{node.name}' registry")
        found.append(info)
        pending.extend(reversed(list(node.children.values())))
    return found


def count_registered_modules(save_path: str | None = None, verbose: bool = True) -> dict[str, Any]:
    """What every root registry holds, after loading every installed plugin.

    Args:
        save_path: a folder; when given, the result is also written there as
            ``modules_statistic_results.json``.
        verbose: print a line per registry, and where the file went.

    Returns:
        ``{'scan_date': 'YYYY-mm-dd HH:MM:SS', 'registries': {ROOT: [...]}}``
        with :func:`traverse_registry_tree` of each root, by attribute name.
    """
    import datetime
    import json
    import os

    from registry_core.discovery import load_all
    from registry_core.roots import ROOTS

    load_all()
    scan = {
        "scan_date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        "registries": {
            label: traverse_registry_tree(root, verbose) for label, root in ROOTS.items()
        },
    }
    if save_path is not None:
        path = os.path.join(save_path, "modules_statistic_results.json")
        with open(path, "w", encoding="utf-8") as file:
            json.dump(scan, file, indent=2)
        if verbose:
            print(f"Result has been saved to {path}")
    return scan
