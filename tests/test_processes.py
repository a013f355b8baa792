"""Processes: workers build from pickled registries and configs, as the parent does.

- ``spawn``: a fresh interpreter per worker. A registry pickles by reference;
  unpickling it in the worker discovers and imports the plugin there, and a
  config naming another plugin's type discovers that one too. The objects the
  workers build equal the parent's.
- ``fork`` after discovery: workers inherit the loaded plugins and the
  discovery state, build the same objects, and can still load a plugin the
  parent never needed.

The fake site folder is first on ``sys.path`` (which ``spawn`` passes on to
its workers) and on ``PYTHONPATH`` while a test runs.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import textwrap
from concurrent.futures import ProcessPoolExecutor

import pytest

import registry_core
from registry_core import MODELS, Registry
from registry_core.testing import PluginSite

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CONTAINER = textwrap.dedent(
    """
    import registry_core
    from registry_core import Registry

    MODELS = Registry("model", parent=registry_core.MODELS)


    @MODELS.register_module()
    class Pair:
        def __init__(self, left, right, scale=1):
            # the parts are configs; either may name another plugin's type
            self.left = MODELS.build(left)
            self.right = MODELS.build(right)
            self.scale = scale

        def __eq__(self, other):
            return type(other) is type(self) and vars(other) == vars(self)
    """
)
LEAF = textwrap.dedent(
    """
    import registry_core
    from registry_core import Registry

    MODELS = Registry("model", parent=registry_core.MODELS)


    @MODELS.register_module()
    class Leaf:
        def __init__(self, size=1):
            self.size = size

        def __eq__(self, other):
            return type(other) is type(self) and vars(other) == vars(self)
    """
)


@pytest.fixture
def site(plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch) -> PluginSite:
    for package, source in (("procpair", CONTAINER), ("procleaf", LEAF), ("proclate", LEAF)):
        plugin_site.add_distribution(
            package,
            scopes={package: f"{package}.registry"},
            modules={f"{package}/__init__.py": "", f"{package}/registry.py": source},
        )
    path = os.pathsep.join(p for p in [str(plugin_site.path), os.environ.get("PYTHONPATH")] if p)
    monkeypatch.setenv("PYTHONPATH", path)
    return plugin_site


CONFIGS: list[dict[str, Any]] = [
    {
        "type": "Pair",
        "left": {"type": "procleaf.Leaf", "size": 2},
        "right": {
            "type": "Pair",
            "left": {"type": "procleaf.Leaf"},
            "right": {"type": "procleaf.Leaf", "size": 5},
        },
    },
    {"type": "procleaf.Leaf", "size": 7},
    {"type": "Leaf", "_scope_": "procleaf", "size": 3},
]


def build_in_worker(registry: Registry, cfg: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Runs in a worker: build, and say what this process had to discover."""
    built = registry.build(cfg)
    table = registry_core.available_scopes()
    return built, {
        "pid": os.getpid(),
        "registry": (registry.scope, registry.name, registry.parent is MODELS),
        "status": {s: table[s].status for s in ("procpair", "procleaf", "proclate")},
    }


def load_late_in_worker(key: str) -> tuple[str, str]:
    """Runs in a worker: a plugin the parent never loaded."""
    cls = MODELS.get(key)
    return cls.__module__, registry_core.available_scopes()["proclate"].status


def parent_results() -> tuple[Registry, list[Any]]:
    """The ``procpair`` child (discovered here if need be) and what the parent builds."""
    assert MODELS.get("procpair.Pair") is not None
    pair = MODELS.children["procpair"]
    return pair, [pair.build(cfg) for cfg in CONFIGS]


def test_spawn_workers_discover_the_plugins_and_build_the_same(site: PluginSite) -> None:
    pair, expected = parent_results()
    assert pickle.loads(pickle.dumps(pair)) is pair
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        results = list(pool.map(build_in_worker, [pair] * len(CONFIGS), CONFIGS))
        late = pool.submit(load_late_in_worker, "proclate.Leaf").result()
    for (built, report), want in zip(results, expected, strict=True):
        # the parent unpickles the objects by reference to the classes it loaded
        assert built == want
        assert report["pid"] != os.getpid()
        assert report["registry"] == ("procpair", "model", True)
        # the worker discovered both plugins itself: one to unpickle the
        # registry, one because a config names it; nothing else
        assert report["status"] == {
            "procpair": "loaded",
            "procleaf": "loaded",
            "proclate": "discovered",
        }
    assert late == ("proclate.registry", "loaded")
    assert registry_core.available_scopes()["proclate"].status == "discovered"


def test_spawn_workers_unpickle_the_root_and_configs(site: PluginSite) -> None:
    cfg = {"type": "procpair.Pair", "left": {"type": "procleaf.Leaf"}, "right": CONFIGS[1]}
    expected = MODELS.build(cfg)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        built, report = pool.submit(build_in_worker, MODELS, cfg).result()
    assert built == expected
    assert report["registry"] == ("registry_core", "model", False)


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform"
)
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_fork_after_discovery(site: PluginSite) -> None:
    pair, expected = parent_results()
    assert registry_core.available_scopes()["procleaf"].status == "loaded"
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        results = list(pool.map(build_in_worker, [pair] * len(CONFIGS), CONFIGS))
        late = pool.submit(load_late_in_worker, "proclate.Leaf").result()
    for (built, report), want in zip(results, expected, strict=True):
        assert built == want
        assert report["pid"] != os.getpid()
        assert report["status"]["procleaf"] == "loaded"
    assert late == ("proclate.registry", "loaded")
    assert "proclate" not in MODELS.children  # loading in a child changed nothing here
