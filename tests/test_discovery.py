"""Discovery against real installed metadata in a temporary ``sys.path`` entry.

Each test writes dist-info folders and module sources with the ``plugin_site``
fixture (our own pytest plugin), so discovery reads real files through its real
scanner; nothing in ``importlib.metadata`` is mocked. The autouse isolation
fixture undoes every scan, load and registration after each test, and the site
fixture removes the fake modules from ``sys.modules``.
"""

from __future__ import annotations

import importlib
import os
import pickle
import sys
import textwrap

import pytest

import registry_core
from registry_core import (
    DATASETS,
    MODELS,
    IncompatiblePluginError,
    NotRegisteredError,
    PluginLoadError,
    Registry,
    ScopeConflictError,
    ScopeNotFoundError,
)
from registry_core._node import origin
from registry_core.testing import PluginSite


def registry_source(body: str = "", *, parent: str = "MODELS") -> str:
    """A plugin registry module: a child of ``parent`` that registers ``NetA``."""
    return textwrap.dedent(
        f"""
        import registry_core
        from registry_core import Registry

        {parent} = Registry("model", parent=registry_core.{parent})

        @{parent}.register_module()
        class NetA:
            def __init__(self, depth=0):
                self.depth = depth
        """
    ) + textwrap.dedent(body)


def add_plugin(
    site: PluginSite,
    package: str,
    *,
    scope: str | None = None,
    source: str | None = None,
    version: str = "1.0",
    requires: tuple[str, ...] = (),
    distribution: str | None = None,
) -> None:
    site.add_distribution(
        distribution or package,
        version,
        scopes={scope or package: f"{package}.registry"},
        requires=requires,
        modules={
            f"{package}/__init__.py": "",
            f"{package}/registry.py": registry_source() if source is None else source,
        },
    )


def test_discovered_but_not_imported_until_needed(plugin_site: PluginSite) -> None:
    add_plugin(plugin_site, "lazydet")
    info = registry_core.available_scopes()["lazydet"]
    assert (info.scope, info.module, info.distribution, info.version, info.status) == (
        "lazydet",
        "lazydet.registry",
        "lazydet",
        "1.0",
        "discovered",
    )
    assert info.error is None
    assert "lazydet" not in sys.modules
    assert "lazydet" not in MODELS.children  # children imports nothing

    net = MODELS.build({"type": "lazydet.NetA", "depth": 3})
    assert net.depth == 3
    assert type(net).__module__ == "lazydet.registry"
    assert registry_core.available_scopes()["lazydet"].status == "loaded"
    assert MODELS.children["lazydet"].scope == "lazydet"


def test_every_way_of_needing_a_scope_loads_it(plugin_site: PluginSite) -> None:
    for name in ("need_get", "need_scope_key", "need_default", "need_switch"):
        add_plugin(plugin_site, name)
    assert MODELS.get("need_get.NetA") is not None
    assert MODELS.build({"type": "NetA", "_scope_": "need_scope_key"}).depth == 0
    with registry_core.default_scope("need_default"):
        assert type(MODELS.build({"type": "NetA"})).__module__ == "need_default.registry"
    with MODELS.switch_scope_and_registry("need_switch") as reg:
        assert reg.scope == "need_switch"


def test_scope_from_entry_point_name(plugin_site: PluginSite) -> None:
    """Registries created while discovery imports a plugin infer the entry-point name."""
    add_plugin(plugin_site, "fancy_impl", scope="fancy")
    assert MODELS.get("fancy.NetA") is not None
    assert origin(MODELS.children["fancy"]) == "fancy_impl.registry"
    # outside discovery's import, the package name is the scope as usual
    assert Registry("m", scope=None).scope == "tests"


def test_load_scope_and_load_all(plugin_site: PluginSite) -> None:
    add_plugin(plugin_site, "loadme")
    add_plugin(plugin_site, "loadtoo")
    info = registry_core.load_scope("loadme")
    assert info.status == "loaded"
    assert "loadme.registry" in sys.modules and "loadtoo" not in sys.modules
    table = registry_core.load_all()
    assert {s: i.status for s, i in table.items() if s.startswith("load")} == {
        "loadme": "loaded",
        "loadtoo": "loaded",
    }
    with pytest.raises(ScopeNotFoundError, match="'nothere' is unknown"):
        registry_core.load_scope("nothere")


def test_unknown_scope_is_a_miss(plugin_site: PluginSite) -> None:
    assert MODELS.get("never_installed.NetA") is None
    with pytest.raises(NotRegisteredError):
        MODELS["never_installed.NetA"]


def test_a_plugin_without_a_child_here_is_a_miss(plugin_site: PluginSite) -> None:
    add_plugin(plugin_site, "onlymodels")
    assert DATASETS.get("onlymodels.NetA") is None
    assert registry_core.available_scopes()["onlymodels"].status == "loaded"
    assert MODELS.get("onlymodels.NetA") is not None


FAILING = registry_source("raise RuntimeError('plugin is broken')\n")


def test_failing_plugin(plugin_site: PluginSite) -> None:
    add_plugin(plugin_site, "brokendet", source=FAILING)
    add_plugin(plugin_site, "healthydet")
    with pytest.raises(PluginLoadError) as info:
        MODELS.get("brokendet.NetA")
    error = info.value
    assert isinstance(error.__cause__, RuntimeError)
    assert str(error.__cause__) == "plugin is broken"
    assert (error.scope, error.module, error.distribution) == (
        "brokendet",
        "brokendet.registry",
        "brokendet",
    )
    assert "RuntimeError: plugin is broken" in str(error)
    # raised again, from every entry point, never turned into a miss
    with pytest.raises(PluginLoadError):
        _ = "brokendet.NetA" in MODELS
    with pytest.raises(PluginLoadError):
        MODELS.build({"type": "brokendet.NetA"})
    with pytest.raises(PluginLoadError):
        registry_core.load_scope("brokendet")
    # the half-made child was taken out again
    assert "brokendet" not in MODELS.children
    # other scopes keep working, load_all reports and raises nothing
    assert MODELS.get("healthydet.NetA") is not None
    table = registry_core.load_all()
    assert table["brokendet"].status == "failed"
    assert "plugin is broken" in (table["brokendet"].error or "")
    assert table["healthydet"].status == "loaded"


def test_errors_are_fresh_objects_with_the_same_cause(plugin_site: PluginSite) -> None:
    add_plugin(plugin_site, "twicebroken", source=FAILING)
    errors = []
    for _ in range(2):
        with pytest.raises(PluginLoadError) as info:
            MODELS.get("twicebroken.NetA")
        errors.append(info.value)
    assert errors[0] is not errors[1]
    assert errors[0].__cause__ is errors[1].__cause__


def test_system_exit_in_a_plugin_is_contained(plugin_site: PluginSite) -> None:
    add_plugin(plugin_site, "exitdet", source=registry_source("raise SystemExit(3)\n"))
    with pytest.raises(PluginLoadError) as info:
        MODELS.get("exitdet.NetA")
    assert isinstance(info.value.__cause__, SystemExit)


def test_keyboard_interrupt_propagates_and_can_retry(plugin_site: PluginSite) -> None:
    source = registry_source(
        "import os\nif os.environ.get('INTERRUPT_PLUGIN'):\n    raise KeyboardInterrupt\n"
    )
    add_plugin(plugin_site, "ctrlc", source=source)
    os.environ["INTERRUPT_PLUGIN"] = "1"
    try:
        with pytest.raises(KeyboardInterrupt):
            MODELS.get("ctrlc.NetA")
    finally:
        del os.environ["INTERRUPT_PLUGIN"]
    assert registry_core.available_scopes()["ctrlc"].status == "discovered"
    assert MODELS.get("ctrlc.NetA") is not None


@pytest.mark.parametrize(
    "requirement",
    [
        "registry-core>=99",
        "registry_core<0.1",
        "Registry.Core==0.0.1",
        "registry-core>=99; python_version >= '3'",
    ],
)
def test_incompatible_plugin_is_not_imported(plugin_site: PluginSite, requirement: str) -> None:
    add_plugin(plugin_site, "olddet", requires=(requirement,), version="2.3")
    with pytest.raises(IncompatiblePluginError) as info:
        MODELS.get("olddet.NetA")
    error = info.value
    assert isinstance(error, PluginLoadError)
    assert "olddet" not in sys.modules
    running = registry_core.__version__
    assert (error.distribution, error.version, error.requirement, error.running) == (
        "olddet",
        "2.3",
        requirement,
        running,
    )
    message = str(error)
    for part in ("olddet 2.3", requirement, f"registry-core {running}"):
        assert part in message
    assert registry_core.available_scopes()["olddet"].status == "incompatible"


@pytest.mark.parametrize(
    "requirement",
    [
        "registry-core>=0.1",
        "registry-core>=99; extra == 'dev'",
        "registry-core>=99; python_version < '3'",
        "other-package>=99",
        "registry-core-extras>=99",
    ],
)
def test_compatible_requirements(plugin_site: PluginSite, requirement: str) -> None:
    add_plugin(plugin_site, "newdet", requires=(requirement,))
    assert MODELS.get("newdet.NetA") is not None


def test_conflicting_distributions(plugin_site: PluginSite) -> None:
    add_plugin(plugin_site, "claim_a", scope="contested")
    add_plugin(plugin_site, "claim_b", scope="contested")
    with pytest.raises(ScopeConflictError) as info:
        MODELS.get("contested.NetA")
    assert info.value.claimants == ("claim_a", "claim_b")
    assert "claim_a 1.0" in str(info.value) and "claim_b 1.0" in str(info.value)
    assert "claim_a" not in sys.modules and "claim_b" not in sys.modules
    info_ = registry_core.available_scopes()["contested"]
    assert info_.status == "conflict"
    assert info_.claimants == ("claim_a", "claim_b")
    assert registry_core.load_all()["contested"].status == "conflict"


def test_one_distribution_seen_twice_is_one_plugin(
    plugin_site: PluginSite, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from registry_core._fakedist import distribution_tree, write_tree

    add_plugin(plugin_site, "twicedet")
    # the same folder listed again, a symlink to it, and an older copy elsewhere
    link = tmp_path / "link-to-site"
    link.symlink_to(plugin_site.path, target_is_directory=True)
    other = tmp_path / "other-site"
    write_tree(
        other, distribution_tree("TwiceDet", "0.5", scopes={"twicedet": "twicedet.registry"})
    )
    monkeypatch.setattr(sys, "path", [*sys.path, str(plugin_site.path), str(link), str(other)])
    table = registry_core.refresh()
    assert table["twicedet"].status == "discovered"
    assert table["twicedet"].version == "1.0"  # the first on sys.path wins
    assert MODELS.get("twicedet.NetA") is not None


def test_blocked_scopes(plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch) -> None:
    add_plugin(plugin_site, "blockeddet")
    add_plugin(plugin_site, "alsoblocked")
    add_plugin(plugin_site, "notblocked")
    monkeypatch.setenv("REGISTRY_CORE_BLOCK", " blockeddet ,alsoblocked,, ")
    table = registry_core.refresh()
    assert table["blockeddet"].status == "blocked"
    assert table["alsoblocked"].status == "blocked"
    with pytest.raises(PluginLoadError, match="REGISTRY_CORE_BLOCK") as info:
        MODELS.get("blockeddet.NetA")
    assert info.value.__cause__ is None
    registry_core.load_all()
    assert "blockeddet" not in sys.modules and "alsoblocked" not in sys.modules
    assert MODELS.get("notblocked.NetA") is not None
    monkeypatch.delenv("REGISTRY_CORE_BLOCK")
    registry_core.refresh()
    assert MODELS.get("blockeddet.NetA") is not None


def test_disable_autoload(plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch) -> None:
    add_plugin(plugin_site, "offdet")
    monkeypatch.setenv("REGISTRY_CORE_DISABLE_AUTOLOAD", "1")
    assert registry_core.refresh() == {}
    assert MODELS.get("offdet.NetA") is None
    with pytest.raises(ScopeNotFoundError, match="REGISTRY_CORE_DISABLE_AUTOLOAD"):
        registry_core.load_scope("offdet")
    assert "offdet" not in sys.modules


def test_refresh_finds_what_a_changed_path_entry_does_not_show(plugin_site: PluginSite) -> None:
    """A file rewritten inside an existing metadata folder changes no sys.path entry."""
    plugin_site.add_distribution(
        "latedet",
        modules={"latedet/__init__.py": "", "latedet/registry.py": registry_source()},
    )
    os.utime(plugin_site.path, (1_000_000_000, 1_000_000_000))  # settled long ago
    registry_core.refresh()
    assert MODELS.get("latedet.NetA") is None
    # an editable install rewriting its entry points in place: the site folder keeps its time
    (plugin_site.path / "latedet-1.0.dist-info" / "entry_points.txt").write_text(
        "[registry_core.scopes]\nlatedet = latedet.registry\n"
    )
    assert "latedet" not in registry_core.available_scopes()
    assert MODELS.get("latedet.NetA") is None
    registry_core.refresh()
    assert MODELS.get("latedet.NetA") is not None


def test_broken_metadata_never_breaks_the_host(plugin_site: PluginSite) -> None:
    plugin_site.add(
        {
            "badini-1.0.dist-info": {
                "METADATA": "Metadata-Version: 2.1\nName: badini\nVersion: 1.0\n",
                "entry_points.txt": "[registry_core.scopes\nbadini = badini.registry\n",
            },
            "badvalue-1.0.dist-info": {
                "METADATA": "Metadata-Version: 2.1\nName: badvalue\nVersion: 1.0\n",
                "entry_points.txt": "[registry_core.scopes]\nbadvalue = badvalue/registry\n",
            },
            "nometa-1.0.dist-info": {
                "entry_points.txt": "[registry_core.scopes]\nnometa = nometa.registry\n",
            },
            "badline-1.0.dist-info": {
                "METADATA": "Metadata-Version: 2.1\nName: badline\nVersion: 1.0\n",
                "entry_points.txt": "[console_scripts]\nbadline\n"
                "[registry_core.scopes]\n; hand-edited\nbadline = badline.registry\n",
            },
            "emptyleftover-1.0.dist-info": {},
        }
    )
    add_plugin(plugin_site, "emptyleftover")
    add_plugin(plugin_site, "gooddet")
    plugin_site.add({"badline": {"__init__.py": "", "registry.py": registry_source()}})
    table = registry_core.available_scopes()
    assert {"gooddet", "emptyleftover", "badline"} <= set(table)
    for name in ("badini", "badvalue", "nometa"):
        assert name not in table
    paths = {os.path.basename(d.path) for d in table.diagnostics}
    assert {
        "badini-1.0.dist-info",
        "badvalue-1.0.dist-info",
        "nometa-1.0.dist-info",
        "badline-1.0.dist-info",
    } <= paths
    assert MODELS.get("gooddet.NetA") is not None
    assert MODELS.get("emptyleftover.NetA") is not None
    assert MODELS.get("badline.NetA") is not None


def add_valued_plugin(site: PluginSite, package: str, value: str, body: str = "") -> None:
    site.add_distribution(
        package,
        scopes={package: value},
        modules={
            f"{package}/__init__.py": "",
            f"{package}/registry.py": registry_source(body),
        },
    )


@pytest.mark.parametrize(
    "value",
    ["{p}.registry:setup", "{p}.registry:Holder.setup [torch]", "{p}.registry [torch, cuda]"],
)
def test_an_entry_point_may_name_an_attribute_and_extras(
    plugin_site: PluginSite, value: str
) -> None:
    body = "def setup():\n    pass\nclass Holder:\n    setup = setup\n"
    add_valued_plugin(plugin_site, "attrdet", value.format(p="attrdet"), body)
    info = registry_core.available_scopes()["attrdet"]
    assert info.module == "attrdet.registry"
    assert MODELS.get("attrdet.NetA") is not None
    assert registry_core.available_scopes()["attrdet"].status == "loaded"


def test_an_entry_point_attribute_that_is_missing_fails_the_scope(plugin_site: PluginSite) -> None:
    add_valued_plugin(
        plugin_site, "missdet", "missdet.registry:Holder.setup", "class Holder: ...\n"
    )
    add_plugin(plugin_site, "gooddet")
    with pytest.raises(PluginLoadError) as info:
        MODELS.get("missdet.NetA")
    error = info.value
    assert isinstance(error.__cause__, AttributeError)
    assert str(error).startswith(
        "plugin scope 'missdet': module 'missdet.registry' of distribution missdet 1.0 was "
        "imported, but it has no attribute 'Holder.setup', which its entry point missdet = "
        "missdet.registry:Holder.setup names (AttributeError: "
    )
    assert "Fix the entry point or reinstall missdet" in str(error)
    assert "missdet" not in MODELS.children  # what its import attached is taken out again
    assert registry_core.available_scopes()["missdet"].status == "failed"
    with pytest.raises(PluginLoadError):
        MODELS.build({"type": "missdet.NetA"})
    assert MODELS.get("gooddet.NetA") is not None


def test_a_plugin_installed_after_the_first_scan_is_found(plugin_site: PluginSite) -> None:
    from registry_core._fakedist import distribution_tree, write_tree

    assert "latedet" not in registry_core.available_scopes()  # scanned; latedet is not there
    for name in ("latedet", "laterdet"):
        # written as pip writes it, without the fixture's rescan and without refresh()
        write_tree(
            plugin_site.path,
            distribution_tree(
                name,
                scopes={name: f"{name}.registry"},
                modules={f"{name}/__init__.py": "", f"{name}/registry.py": registry_source()},
            ),
        )
    importlib.invalidate_caches()
    assert MODELS.get("latedet.NetA") is not None
    assert registry_core.load_scope("laterdet").status == "loaded"


def test_an_unchanged_path_costs_no_rescan(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """In a child whose every sys.path entry is old: misses never rescan, a change does."""
    site = tmp_path / "site"
    site.mkdir()
    package = os.path.dirname(os.path.dirname(registry_core.__file__))
    code = textwrap.dedent(
        """\
        import os, sys, time
        import registry_core
        from registry_core.discovery import _loader as _state
        from registry_core._fakedist import distribution_tree, write_tree
        calls = []
        real = _state.scan
        _state.scan = lambda paths: calls.append(1) or real(paths)
        for _ in range(3):
            assert registry_core.MODELS.get("nowhere.NetA") is None
        print(len(calls))
        write_tree(sys.argv[1], distribution_tree("latedet", scopes={"latedet": "x.registry"}))
        os.utime(sys.argv[1], (1e9 + 1, 1e9 + 1))
        time.sleep(0.2)  # a settled path is looked at again at most every 0.1 s
        assert registry_core.MODELS.get("nowhere.NetA") is None  # the path changed: one rescan
        assert registry_core.MODELS.get("nowhere.NetA") is None
        print(len(calls), sorted(registry_core.available_scopes()))
        """
    )
    import subprocess

    copy = tmp_path / "pkg"
    import shutil

    shutil.copytree(os.path.join(package, "registry_core"), copy / "registry_core")
    for folder in (tmp_path, copy, site):  # nothing on the child's path changed lately
        os.utime(folder, (1e9, 1e9))
    done = subprocess.run(
        [sys.executable, "-S", "-c", code, str(site)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": os.pathsep.join([str(copy), str(site)]), "REGISTRY_CORE_CACHE_DIR": ""},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["1", "2 ['latedet']"]


def test_attaching_under_a_scope_another_distribution_owns(plugin_site: PluginSite) -> None:
    add_plugin(plugin_site, "ownerdet")
    squatter = registry_source().replace(
        'Registry("model", parent=registry_core.MODELS)',
        'Registry("model", parent=registry_core.MODELS, scope="ownerdet")',
    )
    add_plugin(plugin_site, "squatter", source=squatter)
    with pytest.raises(PluginLoadError) as info:
        registry_core.load_scope("squatter")
    assert isinstance(info.value.__cause__, ScopeConflictError)
    assert "belongs to distribution ownerdet 1.0" in str(info.value.__cause__)
    assert MODELS.get("ownerdet.NetA") is not None
    assert origin(MODELS.children["ownerdet"]) == "ownerdet.registry"


def test_plugins_whose_imports_need_each_other(plugin_site: PluginSite) -> None:
    """One thread: ping's import needs pong, whose import needs ping; no deadlock."""
    ping = registry_source(
        "PONG = registry_core.MODELS.get('pong.NetA')\n"
        "@MODELS.register_module()\nclass Ping: pass\n"
    )
    pong = registry_source(
        "PING_NET = registry_core.MODELS.get('ping.NetA')\n"
        "PING = registry_core.MODELS.get('ping.Ping')\n"
    )
    add_plugin(plugin_site, "ping", source=ping)
    add_plugin(plugin_site, "pong", source=pong)
    assert MODELS.get("ping.Ping") is not None
    pong_module = sys.modules["pong.registry"]
    # ping's child and NetA existed when pong asked; Ping did not yet
    assert pong_module.PING_NET is sys.modules["ping.registry"].NetA
    assert pong_module.PING is None
    assert sys.modules["ping.registry"].PONG is pong_module.NetA
    table = registry_core.available_scopes()
    assert (table["ping"].status, table["pong"].status) == ("loaded", "loaded")


def test_discovered_child_pickles_by_reference(plugin_site: PluginSite) -> None:
    add_plugin(plugin_site, "pickledet")
    MODELS.get("pickledet.NetA")
    child = MODELS.children["pickledet"]
    assert pickle.loads(pickle.dumps(child)) is child
    assert pickle.loads(pickle.dumps(MODELS)) is MODELS


def test_unpickling_discovers_the_plugin_in_a_fresh_process(plugin_site: PluginSite) -> None:
    import subprocess

    add_plugin(plugin_site, "freshdet")
    MODELS.get("freshdet.NetA")
    payload = pickle.dumps((MODELS.children["freshdet"], {"type": "NetA", "depth": 7}))
    code = (
        "import pickle, sys\n"
        "registry, cfg = pickle.loads(sys.stdin.buffer.read())\n"
        "print(registry.scope, 'freshdet' in sys.modules, registry.build(cfg).depth)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = subprocess.run(
        [sys.executable, "-c", code], input=payload, capture_output=True, env=env, check=True
    )
    assert out.stdout.decode().split() == ["freshdet", "True", "7"]


def test_unpickling_a_missing_plugin_says_why(plugin_site: PluginSite) -> None:
    import subprocess

    add_plugin(plugin_site, "gonedet")
    MODELS.get("gonedet.NetA")
    payload = pickle.dumps(MODELS.children["gonedet"])
    code = (
        "import pickle, sys\n"
        "try:\n"
        "    pickle.loads(sys.stdin.buffer.read())\n"
        "except pickle.UnpicklingError as e:\n"
        "    print('UnpicklingError:', e)\n"
    )
    paths = [p for p in sys.path if p and p != str(plugin_site.path)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    out = subprocess.run(
        [sys.executable, "-c", code], input=payload, capture_output=True, env=env, check=True
    )
    assert "UnpicklingError: cannot unpickle" in out.stdout.decode()
    assert "no installed plugin provides it" in out.stdout.decode()


def test_registries_outside_a_module_level_root_do_not_pickle() -> None:
    def make() -> Registry:
        return Registry("m", scope="local_root")

    first = make()
    make()  # a second root with the same module and name: the first is unreachable
    with pytest.raises(pickle.PicklingError, match="pickle by reference"):
        pickle.dumps(first)


def test_compatibility_verdicts_are_memoised_on_disk(plugin_site: PluginSite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A second process decides from the cache, without importing packaging."""
    import subprocess

    add_plugin(plugin_site, "memodet", requires=("registry-core>=0.1",))
    add_plugin(plugin_site, "memoold", requires=("registry-core>=99",))
    code = (
        "import sys, registry_core\n"
        "ok = registry_core.MODELS.get('memodet.NetA') is not None\n"
        "try:\n"
        "    registry_core.MODELS.get('memoold.NetA'); old = 'loaded'\n"
        "except registry_core.IncompatiblePluginError as e:\n"
        "    old = e.requirement\n"
        "print(ok, old, 'packaging' in sys.modules)\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "REGISTRY_CORE_CACHE_DIR": str(tmp_path / "cache"),
    }

    def run() -> list[str]:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        return out.stdout.split()

    assert run() == ["True", "registry-core>=99", "True"]
    assert run() == ["True", "registry-core>=99", "False"]
    (tmp_path / "cache" / "compat-v1.txt").write_text("garbage\tline\n\x00\n")
    assert run() == ["True", "registry-core>=99", "True"]  # a broken cache is only slower
    env["REGISTRY_CORE_CACHE_DIR"] = ""
    assert run() == ["True", "registry-core>=99", "True"]  # off


def test_a_path_modified_just_now_is_not_rescanned_on_every_miss(plugin_site: PluginSite) -> None:
    """Within two seconds of a write a path entry counts as changed when looked at;
    a loop of misses still looks (and rescans) at most every 0.1 s."""
    import time

    from registry_core.discovery import _loader

    plugin_site.add_distribution("freshdet", scopes={"freshdet": "freshdet.registry"})
    calls: list[int] = []
    real = _loader.scan
    _loader.scan = lambda paths: calls.append(1) or real(paths)  # type: ignore[assignment]
    try:
        start = time.monotonic()
        for _ in range(500):
            assert MODELS.get("nowhere_at_all.NetA") is None
        elapsed = time.monotonic() - start
    finally:
        _loader.scan = real  # type: ignore[assignment]
    assert len(calls) <= 2 + elapsed / 0.1
