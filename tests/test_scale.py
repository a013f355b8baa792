"""Scale: 500 installed plugin distributions, discovered and all loaded.

The distributions are written to the temporary site folder in one go, then
discovery scans once. ``benchmarks/bench_scale.py`` measures the same set-up
(time of the scan and of ``load_all``, and the memory ``registry_core`` holds).
"""

from __future__ import annotations

import sys

import registry_core
from registry_core import MODELS
from registry_core._fakedist import distribution_tree
from registry_core.testing import PluginSite

N = 500

REGISTRY = """\
import registry_core
from registry_core import Registry

MODELS = Registry("model", parent=registry_core.MODELS)


@MODELS.register_module()
class NetA:
    def __init__(self, depth=0):
        self.depth = depth
"""


def test_500_plugins_are_discovered_and_all_load(plugin_site: PluginSite) -> None:
    tree: dict[str, object] = {}
    for i in range(N):
        tree.update(
            distribution_tree(
                f"scale-plugin-{i}",
                f"1.{i}",
                scopes={f"scale{i}": f"scale{i}.registry"},
                modules={f"scale{i}/__init__.py": "", f"scale{i}/registry.py": REGISTRY},
            )
        )
    plugin_site.add(tree)

    table = registry_core.available_scopes()
    ours = {scope: info for scope, info in table.items() if scope.startswith("scale")}
    assert len(ours) == N
    assert {info.status for info in ours.values()} == {"discovered"}
    assert ours["scale7"].distribution == "scale-plugin-7" and ours["scale7"].version == "1.7"
    assert not any(f"scale{i}" in sys.modules for i in range(N))

    table = registry_core.load_all()
    assert {table[scope].status for scope in ours} == {"loaded"}
    assert all(f"scale{i}.registry" in sys.modules for i in range(N))
    assert set(MODELS.children) >= set(ours)
    for i in range(N):
        net = MODELS.build({"type": f"scale{i}.NetA", "depth": i})
        assert net.depth == i and type(net).__module__ == f"scale{i}.registry"
    # siblings reach each other through the shared root, breadth-first
    assert MODELS.children["scale0"].get(f"scale{N - 1}.NetA") is not None
