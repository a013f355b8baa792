"""A plugin's scope never depends on who imported it first, and cannot be taken.

- With the entry point ``det = detpkg.registry``, the child's scope is ``det``
  whether discovery imports the module, user code imports it itself, or a
  ``spawn`` worker imports ``detpkg.models`` while unpickling a built object.
- An explicit ``scope=`` that differs from the entry point's name is reported
  at load (and by ``registry-core check``) as an error naming both names.
- Reserved scopes (``__main__``, ``__mp_main__``) cannot be advertised;
  scripts keep their ``__main__`` scope.
- ``registry_state`` isolates every root, also two that share a module and a
  name; module-level roots pickle by reference.
- A registry that was garbage-collected stops making its scope known.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
import textwrap

import pytest

import registry_core
from registry_core import MODELS, PluginLoadError, Registry, ScopeNotFoundError, _isolation
from registry_core.testing import PluginSite
from tests._children import json_of, plugin, run_python, write_site

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

DETPKG = plugin(
    "detpkg",
    {
        "registry.py": """
            import registry_core
            MODELS = registry_core.Registry("model", parent=registry_core.MODELS)
        """,
        "models.py": """
            from detpkg.registry import MODELS

            @MODELS.register_module()
            class NetA:
                def __init__(self, depth=1):
                    self.depth = depth
        """,
        "__init__.py": "from detpkg import models  # noqa: F401\n",
    },
    scopes={"det": "detpkg.registry"},
)

WHO_FIRST = """
    import json
    import registry_core
    {first}
    net = registry_core.MODELS.get("det.NetA")
    print(json.dumps({{
        "children": sorted(registry_core.MODELS.children),
        "found": None if net is None else net.__module__,
        "status": registry_core.available_scopes()["det"].status,
    }}))
"""


@pytest.mark.parametrize(
    "first",
    [
        "pass",  # discovery imports the module
        "import detpkg.registry",  # the user imports it first
        "import detpkg.models",  # or another module of the package
        "import detpkg",
    ],
)
def test_the_scope_does_not_depend_on_who_imported_first(tmp_path: Path, first: str) -> None:
    site = write_site(tmp_path, DETPKG)
    report = json_of(run_python(WHO_FIRST.format(first=first), site))
    assert report == {"children": ["det"], "found": "detpkg.models", "status": "loaded"}


SPAWN = """
    import json, multiprocessing, pickle
    import registry_core

    def build_in_worker(blob):
        net = pickle.loads(blob)  # imports detpkg.models in a fresh interpreter
        found = registry_core.MODELS.get("det.NetA")
        return {
            "children": sorted(registry_core.MODELS.children),
            "same": found is type(net),
            "status": registry_core.available_scopes()["det"].status,
        }

    if __name__ == "__main__":
        net = registry_core.MODELS.build({"type": "det.NetA", "depth": 3})
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            print(json.dumps(pool.apply(build_in_worker, (pickle.dumps(net),))))
"""


def test_a_spawn_worker_unpickling_a_built_object_attaches_the_right_scope(
    tmp_path: Path,
) -> None:
    site = write_site(tmp_path / "site", DETPKG)
    script = tmp_path / "spawner.py"
    script.write_text(textwrap.dedent(SPAWN))
    run = subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path[1:]])},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json_of(run) == {"children": ["det"], "same": True, "status": "loaded"}


def test_an_explicit_scope_other_than_the_entry_point_is_an_error_naming_both(
    plugin_site: PluginSite,
) -> None:
    plugin_site.add_distribution(
        "mismatch",
        scopes={"mis": "mismatch.registry"},
        modules={
            "mismatch/__init__.py": "",
            "mismatch/registry.py": textwrap.dedent(
                """
                import registry_core
                MODELS = registry_core.Registry(
                    "model", parent=registry_core.MODELS, scope="mismatch"
                )

                @MODELS.register_module()
                class NetA:
                    pass
                """
            ),
        },
    )
    with pytest.raises(PluginLoadError) as info:
        MODELS.get("mis.NetA")
    message = str(info.value)
    assert "'mis'" in message and "'mismatch'" in message and "mismatch.registry" in message
    # the foreign scope did not stay attached: no process resolves it by accident
    assert "mismatch" not in MODELS.children and "mis" not in MODELS.children
    assert MODELS.get("mismatch.NetA") is None
    from registry_core import introspect

    report = introspect.check()
    problem = next(p for p in report.problems if p.scope == "mis")
    assert problem.severity == "error" and "'mismatch'" in problem.message


# -- reserved scopes ----------------------------------------------------------------------

SCRIPT_SCOPE = """
    import json
    import registry_core
    CHILD = registry_core.Registry("model", parent=registry_core.MODELS)

    @CHILD.register_module()
    class Local:
        pass

    table = registry_core.available_scopes()
    print(json.dumps({
        "scope": CHILD.scope,
        "found": registry_core.MODELS.get("__main__.Local") is Local,
        "advertised": sorted(table),
        "diagnostics": [d.message for d in table.diagnostics],
    }))
"""


def test_reserved_scopes_cannot_be_advertised_and_scripts_keep_theirs(tmp_path: Path) -> None:
    squatter = plugin(
        "squatter",
        {"registry.py": "raise AssertionError('never imported')\n"},
        scopes={"__main__": "squatter.registry", "__mp_main__": "squatter.registry"},
    )
    report = json_of(run_python(SCRIPT_SCOPE, write_site(tmp_path, squatter)))
    assert report["scope"] == "__main__" and report["found"] is True
    assert "__main__" not in report["advertised"] and "__mp_main__" not in report["advertised"]
    assert sum("reserved" in m for m in report["diagnostics"]) == 2


# -- isolation and pickling ---------------------------------------------------------------


def test_registry_state_isolates_two_roots_sharing_a_module_and_a_name() -> None:
    first = Registry("things", scope="iso_one")
    second = Registry("things", scope="iso_two")
    saved = _isolation.snapshot()
    first.register_module(name="A", module=len)
    second.register_module(name="B", module=len)
    Registry("things", parent=first, scope="iso_child")
    saved.restore()
    assert (len(first), len(second), dict(first.children)) == (0, 0, {})


def test_module_level_roots_pickle_by_reference(tmp_path: Path) -> None:
    (tmp_path / "rootfactory.py").write_text(
        "import registry_core\n"
        "def make(name):\n"
        "    return registry_core.Registry(name, scope='made')\n"
    )
    (tmp_path / "rootmod.py").write_text(
        "import registry_core, rootfactory\n"
        "THINGS = registry_core.Registry('things', scope='rootmod')\n"
        "MADE = rootfactory.make('made_things')  # a root made by a helper at import time\n"
        "CHILD = registry_core.Registry('things', parent=THINGS, scope='rootkid')\n"
    )
    code = """
        import pickle, json, rootmod
        roots = (rootmod.THINGS, rootmod.MADE, rootmod.CHILD)
        print(json.dumps([pickle.dumps(r).hex() for r in roots]))
    """
    blobs = json_of(run_python(code, tmp_path))
    for i in range(3):  # each alone, in a process that has not imported rootmod
        check = f"""
            import pickle, json
            got = pickle.loads(bytes.fromhex({blobs[i]!r}))
            import rootmod
            print(json.dumps(got is (rootmod.THINGS, rootmod.MADE, rootmod.CHILD)[{i}]))
        """
        assert json_of(run_python(check, tmp_path)) is True


def test_two_roots_of_one_name_in_one_module_refuse_to_pickle() -> None:
    one, two = Registry("twin", scope="twin_a"), Registry("twin", scope="twin_b")
    for root in (one, two):
        with pytest.raises(pickle.PicklingError, match="twin"):
            pickle.dumps(root)


def test_a_garbage_collected_registry_stops_making_its_scope_known() -> None:
    ghost = Registry("thing", scope="ghost")
    with MODELS.switch_scope_and_registry("ghost") as found:
        assert found is MODELS  # known (a registry has it), but not in this tree
    del ghost, found
    gc.collect()
    with pytest.raises(ScopeNotFoundError, match="ghost"):
        MODELS.switch_scope_and_registry("ghost")
    with pytest.raises(ScopeNotFoundError, match="ghost"):
        MODELS.build({"type": "Anything", "_scope_": "ghost"})


# -- the scope context -----------------------------------------------------------------------


def test_one_scope_context_entered_twice_nested_restores_each_level() -> None:
    ctx = registry_core.default_scope("outer_ctx")
    with ctx:
        with registry_core.default_scope("middle"):
            with ctx:
                assert registry_core.current_scope() == "outer_ctx"
            assert registry_core.current_scope() == "middle"
        assert registry_core.current_scope() == "outer_ctx"
    assert registry_core.current_scope() is None


def test_one_scope_switch_entered_twice_nested_restores_each_level() -> None:
    child = Registry("model", parent=MODELS, scope="switch_twice")
    switch = MODELS.switch_scope_and_registry("switch_twice")
    with switch as first:
        with registry_core.default_scope("elsewhere"):
            with switch as second:
                assert registry_core.current_scope() == "switch_twice"
            assert registry_core.current_scope() == "elsewhere"
        assert registry_core.current_scope() == "switch_twice"
    assert registry_core.current_scope() is None
    assert first is second is child


def test_scope_errors_say_discovery_is_off(
    plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_CORE_DISABLE_AUTOLOAD", "1")
    registry_core.refresh()
    with pytest.raises(ScopeNotFoundError, match="REGISTRY_CORE_DISABLE_AUTOLOAD"):
        MODELS.switch_scope_and_registry("offscope")
    with pytest.raises(registry_core.NotRegisteredError, match="REGISTRY_CORE_DISABLE_AUTOLOAD"):
        MODELS["offscope.NetA"]
    with pytest.raises(ScopeNotFoundError, match="REGISTRY_CORE_DISABLE_AUTOLOAD"):
        registry_core.load_scope("offscope")
