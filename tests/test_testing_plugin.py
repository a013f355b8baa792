"""Our pytest plugin (``registry_core.testing``), run as plugin authors run it.

Each test writes a plugin author's test file into a fresh ``pytester``
folder, with no ``conftest.py``, and runs pytest on it: the fixtures can only
come from the ``pytest11`` entry point that installing ``registry-core``
registers. The inner runs are in-process (fast) except one, which runs in a
subprocess to show that nothing of this process is needed.

``registry_core.discovery`` is imported here up front: after an in-process
run, ``pytester`` drops the modules that run imported, and a discovery module
imported again would hold a second discovery state beside the one the
package already uses.
"""

from __future__ import annotations

import sys
import textwrap

import pytest

import registry_core
import registry_core.discovery  # imported up front: see the docstring
from registry_core import testing

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

pytest_plugins = ["pytester"]

#: The test file of a plugin author: a codebase ``mydet`` with one model.
AUTHOR_TESTS = '''
import sys

import pytest

import registry_core
from registry_core import MODELS, PluginLoadError

SOURCE = """
import registry_core
from registry_core import Registry

MODELS = Registry("model", parent=registry_core.MODELS)

@MODELS.register_module()
class NetA:
    def __init__(self, depth=50):
        self.depth = depth
"""


def install_mydet(plugin_site, source=SOURCE, version="1.0"):
    plugin_site.add_distribution(
        "mydet",
        version,
        scopes={"mydet": "mydet.registry"},
        requires=["registry-core>=0.1"],
        modules={"mydet/__init__.py": "", "mydet/registry.py": source},
    )


def test_entry_point_and_registrations(plugin_site):
    install_mydet(plugin_site)
    info = registry_core.available_scopes()["mydet"]
    assert (info.distribution, info.version, info.status) == ("mydet", "1.0", "discovered")
    assert MODELS.build(dict(type="mydet.NetA", depth=18)).depth == 18
    assert registry_core.available_scopes()["mydet"].status == "loaded"
    assert sorted(MODELS.children["mydet"]) == ["NetA"]


def test_an_import_error_is_reported(plugin_site):
    install_mydet(plugin_site, source="raise RuntimeError('boom')")
    with pytest.raises(PluginLoadError, match="boom"):
        MODELS.get("mydet.NetA")
    assert registry_core.available_scopes()["mydet"].status == "failed"


def test_registry_state_alone(registry_state):
    registry_core.Registry("model", parent=MODELS, scope="scratch")
    registry_core.init_default_scope("scratch")
    assert "scratch" in MODELS.children
'''


def write_author_tests(pytester: pytest.Pytester, body: str = AUTHOR_TESTS) -> None:
    pytester.makepyfile(test_mydet=textwrap.dedent(body))
    assert not list(pytester.path.rglob("conftest.py"))


def test_fixtures_come_from_the_entry_point_in_a_fresh_process(pytester: pytest.Pytester) -> None:
    write_author_tests(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    listed = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider")
    listed.stdout.fnmatch_lines(["*fixtures defined from registry_core.testing*"])
    listed.stdout.fnmatch_lines(["plugin_site -- *registry_core?testing.py:*"])
    listed.stdout.fnmatch_lines(["registry_state -- *registry_core?testing.py:*"])


def test_the_plugin_is_declared_for_pytest() -> None:
    from importlib.metadata import entry_points

    (entry,) = [ep for ep in entry_points(group="pytest11") if ep.name == "registry_core"]
    assert entry.value == "registry_core.testing"


def test_author_tests_pass_in_process(pytester: pytest.Pytester) -> None:
    write_author_tests(pytester)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)


def test_no_state_leaks_between_tests(pytester: pytest.Pytester) -> None:
    """The second test sees nothing of the first, which also fails on purpose."""
    write_author_tests(
        pytester,
        AUTHOR_TESTS
        + """

NAMESPACE = {"nsplug/registry.py": SOURCE.replace("NetA", "NetNS")}  # no __init__.py


def test_first_changes_everything(plugin_site, monkeypatch):
    install_mydet(plugin_site)
    plugin_site.add_distribution("nsplug", scopes={"nsplug": "nsplug.registry"},
                                 modules=NAMESPACE)
    assert MODELS.get("mydet.NetA") is not None
    assert MODELS.get("nsplug.NetNS") is not None
    MODELS.register_module(name="Leaky", module=dict)
    registry_core.init_default_scope("mydet")
    monkeypatch.setenv("REGISTRY_CORE_BLOCK", "mydet")
    registry_core.refresh()
    sys.modules["__site__"] = str(plugin_site.path)
    assert "nsplug" in sys.modules and "mydet.registry" in sys.modules
    raise AssertionError("fails on purpose: the state is restored anyway")


def test_second_sees_a_clean_state(registry_state):
    site = sys.modules.pop("__site__")
    assert "mydet" not in MODELS.children and "nsplug" not in MODELS.children
    assert MODELS.get("Leaky") is None
    assert registry_core.current_scope() is None
    scopes = registry_core.available_scopes()
    assert "mydet" not in scopes and "nsplug" not in scopes
    assert MODELS.get("mydet.NetA") is None
    assert site not in sys.path and site not in sys.path_importer_cache
    leftovers = [
        name for name, module in sys.modules.items()
        if name.split(".")[0] in ("mydet", "nsplug")
        or (getattr(module, "__file__", None) or "").startswith(site)
    ]
    assert leftovers == []
""",
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(["*fails on purpose*"])


def test_the_same_scope_in_two_tests(pytester: pytest.Pytester) -> None:
    """A scope installed by one test can be installed again, differently, by the next."""
    write_author_tests(
        pytester,
        AUTHOR_TESTS
        + """

def test_version_one(plugin_site):
    install_mydet(plugin_site, version="1.0")
    assert MODELS.build(dict(type="mydet.NetA")).depth == 50


def test_version_two(plugin_site):
    install_mydet(plugin_site, source=SOURCE.replace("depth=50", "depth=2"), version="2.0")
    assert registry_core.available_scopes()["mydet"].version == "2.0"
    assert MODELS.build(dict(type="mydet.NetA")).depth == 2
""",
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=5)


def test_compatibility_cache_stays_in_the_test_folder(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REGISTRY_CORE_CACHE_DIR", raising=False)
    write_author_tests(
        pytester,
        AUTHOR_TESTS
        + """

import os


def test_cache_dir(plugin_site, tmp_path):
    assert os.environ["REGISTRY_CORE_CACHE_DIR"].startswith(str(tmp_path))
    install_mydet(plugin_site)
    MODELS.get("mydet.NetA")
    assert os.listdir(os.environ["REGISTRY_CORE_CACHE_DIR"])


def test_cache_dir_is_unset_again():
    assert "REGISTRY_CORE_CACHE_DIR" not in os.environ
""",
    )
    pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(passed=5)


# -- the plugin used directly, in this suite ------------------------------------------


def test_plugin_site_writes_and_rescans(plugin_site: testing.PluginSite, tmp_path: Path) -> None:
    assert plugin_site.path == tmp_path / "site-packages"
    assert sys.path[0] == str(plugin_site.path)
    assert repr(plugin_site) == f"PluginSite({str(plugin_site.path)!r})"
    plugin_site.add_distribution(
        "Site_Demo",
        "0.2",
        scopes={"site_demo": "site_demo"},
        modules={"site_demo/__init__.py": "VALUE = 1\n"},
        metadata_extra=["Requires-Python: >=3.10"],
    )
    info = registry_core.available_scopes()["site_demo"]
    assert (info.distribution, info.version, info.path) == (
        "Site_Demo",
        "0.2",
        str(plugin_site.path / "Site_Demo-0.2.dist-info"),
    )
    assert (
        "Requires-Python: >=3.10\n"
        in (plugin_site.path / "Site_Demo-0.2.dist-info" / "METADATA").read_text()
    )


def test_helpers_are_public() -> None:
    from registry_core import _fakedist

    assert testing.distribution_tree is _fakedist.distribution_tree
    assert testing.write_tree is _fakedist.write_tree
    assert {"distribution_tree", "write_tree", "plugin_site", "registry_state"} <= set(
        testing.__all__
    )


def test_an_installed_plugin_loads_afresh_in_every_test(
    pytester: pytest.Pytester, plugin_site: testing.PluginSite
) -> None:
    """A plugin installed for the whole run (here: by the outer test) works in each test.

    Each test's ``registry_state`` takes away the children the plugin attached,
    so it must also take away the plugin's modules, or the next test would find
    them imported and the plugin would attach nothing.
    """
    plugin_site.add_distribution(
        "instdet",
        scopes={"instdet": "instdet.registry"},
        modules={
            "instdet/__init__.py": "",
            "instdet/registry.py": (
                "import registry_core\n"
                "MODELS = registry_core.Registry('model', parent=registry_core.MODELS,\n"
                "                                locations=['instdet.models'])\n"
            ),
            "instdet/models.py": (
                "from instdet.registry import MODELS\n\n"
                "@MODELS.register_module()\nclass NetA:\n    pass\n"
            ),
        },
    )
    pytester.makepyfile(
        test_installed="""
        import sys
        import pytest
        import registry_core

        @pytest.mark.parametrize("run", [1, 2, 3])
        def test_build(registry_state, run):
            assert registry_core.available_scopes()["instdet"].status == "discovered"
            assert "instdet.registry" not in sys.modules
            net = registry_core.MODELS.build({"type": "instdet.NetA"})
            assert type(net).__module__ == "instdet.models"
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)


def test_restore_forgets_the_modules_of_plugins_loaded_since(
    plugin_site: testing.PluginSite,
) -> None:
    from registry_core import _isolation

    plugin_site.add_distribution(
        "againdet",
        scopes={"againdet": "againdet.registry"},
        modules={
            "againdet/__init__.py": "",
            "againdet/registry.py": (
                "import registry_core\n"
                "MODELS = registry_core.Registry('model', parent=registry_core.MODELS)\n"
                "MODELS.register_module(name='Net', module=dict)\n"
            ),
        },
    )
    import json  # imported already: never forgotten

    saved = _isolation.snapshot()
    assert registry_core.MODELS.get("againdet.Net") is dict
    assert "againdet.registry" in sys.modules
    saved.restore()
    assert "againdet" not in sys.modules and "againdet.registry" not in sys.modules
    assert "json" in sys.modules and json is sys.modules["json"]
    assert "registry_core.discovery" in sys.modules
    assert registry_core.MODELS.get("againdet.Net") is dict  # imported again


def test_the_examples_in_the_docs_pass(
    pytester: pytest.Pytester, plugin_site: testing.PluginSite
) -> None:
    """docs/testing-plugins.md shows test code as plain blocks (the doctest namespace has
    no fixtures); run them here as a plugin author's suite, so that they cannot rot."""
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "testing-plugins.md").read_text()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if ">>>" not in b]
    conftest, installed, with_site = blocks
    assert "registry_state" in conftest and "plugin_site" in with_site
    # the suite's own package, "installed" for the whole run by this (outer) test
    plugin_site.add_distribution(
        "mydet",
        scopes={"mydet": "mydet.registry"},
        modules={
            "mydet/__init__.py": "",
            "mydet/registry.py": (
                "import registry_core\n"
                "MODELS = registry_core.Registry('model', parent=registry_core.MODELS)\n\n"
                "@MODELS.register_module()\n"
                "class NetA:\n"
                "    def __init__(self, depth=50):\n"
                "        self.depth = depth\n"
            ),
        },
    )
    pytester.makeconftest(conftest)
    pytester.makepyfile(test_installed=installed, test_with_site=with_site)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=5)
