"""``registry_core.introspect``: the data behind ``registry-core``, in process.

Fake plugins are installed with our own ``plugin_site`` fixture; other
registries are made in the test. Whatever else is installed in the running
environment (toydet, toycls, ...) may show up too, so every assertion looks
only at the scopes the test made. The tree the tests build under ``MODELS``::

    MODELS [registry_core]: RootNet
      |-- fakedet (from plugin fakedet 1.5): NetA, make_head/Head, net18, scale, length
      |     `-- fakedet_sub (name 'detector'): Sub
      `-- local (attached by this test, no plugin): LocalNet
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import textwrap

import pytest

import registry_core
from registry_core import (
    DATASETS,
    MODELS,
    TRANSFORMS,
    NotRegisteredError,
    PluginLoadError,
    Registry,
    ScopeNotFoundError,
    introspect,
)
from registry_core.introspect._common import _kind
from registry_core.roots import ROOTS
from registry_core.testing import PluginSite

FAKEDET = textwrap.dedent(
    '''
    import functools

    import registry_core
    from registry_core import Registry

    MODELS = Registry("model", parent=registry_core.MODELS)
    SUB = Registry("detector", parent=MODELS, scope="fakedet_sub")
    TRANSFORMS = Registry("transform", parent=registry_core.TRANSFORMS)


    @MODELS.register_module()
    class NetA:
        """A stand-in backbone.

        More text.
        """

        def __init__(self, depth: int = 50) -> "None":
            self.depth = depth


    def traced(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)
        return wrapper


    @MODELS.register_module(name=["make_head", "Head"])
    @traced
    def make_head(channels, classes=10):
        """Build a head."""
        return (channels, classes)


    MODELS.register_module(name="net18", module=functools.partial(NetA, depth=18))


    class Scaler:
        """Doubles its input."""

        def __call__(self, x):
            return 2 * x


    MODELS.register_module(name="scale", module=Scaler())
    MODELS.register_module(name="length", module=len)


    @SUB.register_module()
    @TRANSFORMS.register_module()
    class Sub:
        pass
    '''
)


def install_fakedet(site: PluginSite, source: str = FAKEDET) -> None:
    site.add_distribution(
        "fakedet",
        "1.5",
        scopes={"fakedet": "fakedet.registry"},
        modules={"fakedet/__init__.py": "", "fakedet/registry.py": source},
    )


@pytest.fixture
def tree(plugin_site: PluginSite) -> PluginSite:
    """The tree of the module docstring."""
    install_fakedet(plugin_site)
    MODELS.register_module(name="RootNet", module=type("RootNet", (), {}))
    local = Registry("model", parent=MODELS, scope="local")
    local.register_module(name="LocalNet", module=type("LocalNet", (), {}))
    return plugin_site


def mine(entries: list[introspect.Entry], *scopes: str) -> list[tuple[str, str]]:
    return [(e.registry, e.key) for e in entries if e.scope in scopes]


# -- find_root ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["MODELS", "models", "model", "Model", "MODEL"])
def test_find_root_by_attribute_or_name(name: str) -> None:
    assert introspect.find_root(name) == ("MODELS", MODELS)


def test_find_root_unknown() -> None:
    with pytest.raises(ValueError, match=r"unknown registry 'transfrom'\. Did you mean: "):
        introspect.find_root("transfrom")
    with pytest.raises(ValueError, match=r"The root registries are: MODELS \(model\), DATASETS"):
        introspect.find_root("nothing")
    with pytest.raises(TypeError):
        introspect.find_root(3)  # type: ignore[arg-type]


# -- scope_tree ----------------------------------------------------------------------


def test_scope_tree(tree: PluginSite) -> None:
    result = introspect.scope_tree()
    assert [root.registry for root in result.roots] == list(ROOTS)
    models = result.roots[0]
    assert (models.name, models.scope, models.distribution, models.status) == (
        "model",
        "registry_core",
        "registry-core",
        None,
    )
    assert models.version == registry_core.__version__
    assert models.names == 1  # RootNet
    children = {child.scope: child for child in models.children}
    assert list(children) == sorted(children)
    fakedet = children["fakedet"]
    assert (fakedet.registry, fakedet.distribution, fakedet.version, fakedet.status) == (
        "MODELS",
        "fakedet",
        "1.5",
        "loaded",
    )
    assert fakedet.names == 6  # aliases count
    (sub,) = fakedet.children
    assert (sub.name, sub.scope, sub.names, sub.distribution) == (
        "detector",
        "fakedet_sub",
        1,
        None,
    )
    local = children["local"]
    assert (local.names, local.distribution, local.version, local.status) == (1, None, None, None)
    assert [n.scope for n in models.walk()][:1] == ["registry_core"]
    assert {"fakedet", "fakedet_sub", "local"} <= {n.scope for n in models.walk()}
    (transforms,) = [r for r in result.roots if r.registry == "TRANSFORMS"]
    assert "fakedet" in {c.scope for c in transforms.children}
    assert result.autoload is True and result.version == registry_core.__version__
    info = {p.scope: p for p in result.plugins}["fakedet"]
    assert (info.status, info.distribution) == ("loaded", "fakedet")


def test_scope_tree_json_is_plain(tree: PluginSite) -> None:
    data = introspect.scope_tree().to_json()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == ["schema", "version", "autoload", "roots", "plugins", "diagnostics"]
    assert data["schema"] == introspect.SCHEMA == 1
    assert list(data["roots"][0]) == [
        "registry",
        "name",
        "scope",
        "names",
        "distribution",
        "version",
        "status",
        "error",
        "children",
    ]


def test_scope_tree_shows_plugins_that_did_not_load(plugin_site: PluginSite) -> None:
    install_fakedet(plugin_site, source="raise RuntimeError('boom')\n")
    result = introspect.scope_tree()
    assert "fakedet" not in {c.scope for root in result.roots for c in root.children}
    info = {p.scope: p for p in result.plugins}["fakedet"]
    assert info.status == "failed" and "boom" in (info.error or "")


def test_scope_tree_reports_failing_locations() -> None:
    Registry("model", parent=MODELS, scope="lazy_local", locations=["no_such_mod_x"])
    result = introspect.scope_tree()
    (node,) = [c for c in result.roots[0].children if c.scope == "lazy_local"]
    assert node.names is None
    assert node.error == (
        "importing 'no_such_mod_x', a location of the lazy_local::model registry, raised "
        "ModuleNotFoundError: No module named 'no_such_mod_x'. Its names cannot be listed or "
        f"looked up; fix module {__name__!r}, which created the registry"
    )


def test_scope_tree_without_discovery(
    plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fakedet(plugin_site)
    monkeypatch.setenv("REGISTRY_CORE_DISABLE_AUTOLOAD", "1")
    registry_core.refresh()
    result = introspect.scope_tree()
    assert (result.autoload, result.plugins) == (False, ())


# -- list_entries ----------------------------------------------------------------------


def test_list_entries_one_per_object(tree: PluginSite) -> None:
    entries = [e for e in introspect.list_entries("MODELS") if e.scope == "fakedet"]
    assert [(e.key, e.name, e.aliases, e.kind) for e in entries] == [
        ("fakedet.NetA", "NetA", (), "class"),
        ("fakedet.length", "length", (), "function"),
        ("fakedet.make_head", "make_head", ("Head",), "function"),
        ("fakedet.net18", "net18", (), "partial"),
        ("fakedet.scale", "scale", (), "callable"),
    ]
    assert [e.qualname for e in entries] == [
        "fakedet.registry.NetA",
        "builtins.len",
        "fakedet.registry.make_head",
        "functools.partial(fakedet.registry.NetA, depth=18)",
        "fakedet.registry.Scaler",
    ]
    assert {e.registry for e in entries} == {"MODELS"}


def test_list_entries_order_and_keys(tree: PluginSite) -> None:
    entries = introspect.list_entries()
    assert mine(entries, "registry_core", "fakedet_sub", "local") == [
        ("MODELS", "RootNet"),  # the root's own names come first,
        ("MODELS", "fakedet.fakedet_sub.Sub"),  # then each child's, by key
        ("MODELS", "local.LocalNet"),
    ]
    # every key finds, from its root, the object listed
    for entry in entries:
        if entry.scope in ("fakedet", "fakedet_sub", "local", "registry_core"):
            (hit,) = introspect.describe(entry.key, entry.registry).hits
            assert (hit.qualname, hit.kind, hit.name) == (entry.qualname, entry.kind, entry.name)


def test_list_entries_by_scope(tree: PluginSite) -> None:
    assert mine(introspect.list_entries(scope="fakedet", pattern="Sub"), "fakedet") == [
        ("TRANSFORMS", "fakedet.Sub")
    ]
    roots_own = introspect.list_entries("model", scope="registry_core")
    assert [e.key for e in roots_own] == ["RootNet"]
    assert introspect.list_entries("dataset", scope="fakedet") == []


def test_list_entries_pattern(tree: PluginSite) -> None:
    def keys(pattern: str) -> list[str]:
        entries = introspect.list_entries("MODELS", pattern=pattern)
        return [e.key for e in entries if e.scope == "fakedet"]

    assert keys("head") == ["fakedet.make_head"]  # an alias matches, in any case
    assert keys("*NET*") == ["fakedet.NetA", "fakedet.net18"]
    assert keys("fakedet.n*") == ["fakedet.NetA", "fakedet.net18"]  # the key matches too
    assert keys("nothing") == []


def test_list_entries_of_a_registry_object(tree: PluginSite) -> None:
    registry_core.load_scope("fakedet")
    child = MODELS.children["fakedet"]
    entries = introspect.list_entries(child)
    assert [(e.registry, e.key) for e in entries][:2] == [
        ("MODELS", "NetA"),
        ("MODELS", "length"),
    ]
    assert ("MODELS", "fakedet_sub.Sub") in [(e.registry, e.key) for e in entries]
    free = Registry("thing", scope="free_root")
    free.register_module(name="T", module=dict)
    assert [(e.registry, e.key) for e in introspect.list_entries(free)] == [("thing", "T")]


def test_list_entries_bad_arguments(tree: PluginSite) -> None:
    with pytest.raises(ValueError, match="unknown registry 'nope'"):
        introspect.list_entries("nope")
    with pytest.raises(ScopeNotFoundError, match="Did you mean: 'fakedet'") as info:
        introspect.list_entries(scope="fakdet")
    assert info.value.scope == "fakdet" and "fakedet" in info.value.known


def test_list_entries_skips_registries_whose_locations_fail() -> None:
    Registry("model", parent=MODELS, scope="lazy_local", locations=["no_such_mod_y"])
    assert introspect.list_entries(scope="lazy_local") == []


# -- describe ---------------------------------------------------------------------------


def test_describe_a_class(tree: PluginSite) -> None:
    resolution = introspect.describe("fakedet.NetA")
    assert (resolution.key, resolution.registry, resolution.found) == ("fakedet.NetA", None, True)
    (hit,) = resolution.hits
    assert hit == introspect.Description(
        key="fakedet.NetA",
        registry="MODELS",
        scope="fakedet",
        name="NetA",
        aliases=(),
        kind="class",
        qualname="fakedet.registry.NetA",
        signature="(depth: int = 50)",  # no '-> None': calling a class gives an instance
        doc="A stand-in backbone.",
        file=str(tree.path / "fakedet" / "registry.py"),
        line=12,
        distribution="fakedet",
        version="1.5",
    )
    assert resolution.misses == ()


def test_describe_an_alias_of_a_wrapped_function(tree: PluginSite) -> None:
    (hit,) = introspect.describe("fakedet.Head", registry="model").hits
    assert (hit.name, hit.aliases, hit.kind, hit.doc) == (
        "Head",
        ("make_head",),
        "function",
        "Build a head.",
    )
    assert hit.signature == "(channels, classes=10)"  # through functools.wraps
    assert hit.line == 30  # the function itself (from its first decorator), not the wrapper


def test_describe_partials_instances_builtins(tree: PluginSite) -> None:
    partial, instance, builtin = (
        introspect.describe(f"fakedet.{name}", "MODELS").hits[0]
        for name in ("net18", "scale", "length")
    )
    assert (partial.kind, partial.signature, partial.doc, partial.line) == (
        "partial",
        "(*, depth: int = 18)",
        "A stand-in backbone.",
        12,
    )
    assert (instance.kind, instance.qualname, instance.doc, instance.line) == (
        "callable",
        "fakedet.registry.Scaler",
        "Doubles its input.",
        40,
    )
    assert (builtin.kind, builtin.file, builtin.line) == ("function", None, None)
    assert builtin.doc == "Return the number of items in a container."


def test_describe_resolves_like_a_lookup(tree: PluginSite) -> None:
    # an unscoped name in a child: found in the ancestor that holds it
    (hit,) = introspect.describe("fakedet.RootNet", "MODELS").hits
    assert (hit.scope, hit.distribution, hit.name) == ("registry_core", "registry-core", "RootNet")
    # a multi-level key, and a scope with no plugin behind it
    (sub,) = introspect.describe("fakedet.fakedet_sub.Sub", "MODELS").hits
    assert (sub.scope, sub.distribution, sub.version) == ("fakedet_sub", None, None)
    # one key, two roots
    assert [h.registry for h in introspect.describe("fakedet.Sub").hits] == ["TRANSFORMS"]
    assert [h.registry for h in introspect.describe("fakedet_sub.Sub").hits] == ["MODELS"]


def test_describe_a_key_in_several_roots() -> None:
    for root in (MODELS, DATASETS):
        Registry(root.name, parent=root, scope="twice").register_module(name="X", module=dict)
    resolution = introspect.describe("twice.X")
    assert [h.registry for h in resolution.hits] == ["MODELS", "DATASETS"]
    assert resolution.misses == ()


def test_describe_a_miss(tree: PluginSite) -> None:
    resolution = introspect.describe("fakedet.NetB")
    assert (resolution.found, resolution.hits) == (False, ())
    assert [m.registry for m in resolution.misses] == list(ROOTS)
    models = resolution.misses[0]
    assert isinstance(models.error, NotRegisteredError)
    # keys that work from where the user asked, not bare names
    assert models.error.suggestions == ("fakedet.NetA", "fakedet.net18")
    assert models.helpful
    with pytest.raises(NotRegisteredError) as miss:
        MODELS["fakedet.NetB"]
    assert str(models.error) == str(miss.value)
    assert not resolution.misses[-1].helpful  # FUNCTIONS has nothing close
    assert resolution.to_json()["misses"][0] == {
        "registry": "MODELS",
        "type": "NotRegisteredError",
        "message": str(models.error),
        "suggestions": ["fakedet.NetA", "fakedet.net18"],
        "found_in": [],
    }


def test_describe_a_miss_names_the_scopes_holding_the_name(tree: PluginSite) -> None:
    (miss,) = introspect.describe("Sub", registry="MODELS").misses
    assert isinstance(miss.error, NotRegisteredError)
    assert miss.error.found_in == ("fakedet_sub",)


def test_describe_a_key_of_a_broken_plugin(plugin_site: PluginSite) -> None:
    install_fakedet(plugin_site, source="raise RuntimeError('boom')\n")
    (miss,) = introspect.describe("fakedet.NetA", registry="MODELS").misses
    assert isinstance(miss.error, PluginLoadError) and miss.helpful
    assert miss.to_json()["type"] == "PluginLoadError"


def test_describe_bad_arguments() -> None:
    with pytest.raises(TypeError, match="a key must be a str"):
        introspect.describe(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown registry"):
        introspect.describe("X", registry="nope")


def test_describe_json_is_plain(tree: PluginSite) -> None:
    data = introspect.describe("fakedet.Head").to_json()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == ["schema", "key", "registry", "found", "hits", "misses"]
    assert data["hits"][0]["aliases"] == ["make_head"]


# -- check ----------------------------------------------------------------------------


def ours(report: introspect.Report, *scopes: str) -> list[introspect.Problem]:
    return [p for p in report.problems if p.scope in scopes]


def test_check_healthy(tree: PluginSite) -> None:
    report = introspect.check()
    assert ours(report, "fakedet", "fakedet_sub", "local") == []
    assert {p.scope: p.status for p in report.plugins}["fakedet"] == "loaded"


def test_check_failed_points_at_the_plugins_own_line(plugin_site: PluginSite) -> None:
    """The error is raised inside registry_core; the location is the plugin's line."""
    source = (
        "import registry_core\n\nregistry_core.MODELS.register_module(name='a.b', module=len)\n"
    )
    install_fakedet(plugin_site, source=source)
    report = introspect.check()
    (problem,) = ours(report, "fakedet")
    assert (problem.kind, problem.severity, problem.distribution, problem.version) == (
        "failed",
        "error",
        "fakedet",
        "1.5",
    )
    assert problem.summary == "plugin 'fakedet' (fakedet 1.5) failed to import"
    assert problem.cause is not None and problem.cause.startswith("ValueError: invalid name 'a.b'")
    assert problem.location == f"{plugin_site.path / 'fakedet' / 'registry.py'}:3"
    assert problem.message.startswith("importing plugin scope 'fakedet' failed")
    assert not report.ok


def test_check_syntax_error_location(plugin_site: PluginSite) -> None:
    install_fakedet(plugin_site, source="x = 1\ndef broken(:\n")
    (problem,) = ours(introspect.check(), "fakedet")
    assert problem.location == f"{plugin_site.path / 'fakedet' / 'registry.py'}:2"
    assert problem.cause is not None and problem.cause.startswith("SyntaxError: ")


def test_check_incompatible(plugin_site: PluginSite) -> None:
    plugin_site.add_distribution(
        "olddet",
        "0.9",
        scopes={"olddet": "olddet.registry"},
        requires=["registry-core<0.0.1; python_version >= '3'"],
        modules={"olddet/__init__.py": "", "olddet/registry.py": ""},
    )
    (problem,) = ours(introspect.check(), "olddet")
    version = registry_core.__version__
    assert (problem.kind, problem.location) == ("incompatible", None)
    assert problem.cause == (
        f"requires registry-core<0.0.1; python_version >= '3', running registry-core {version}"
    )
    assert (
        problem.summary
        == f"plugin 'olddet' (olddet 0.9) is incompatible with registry-core {version}"
    )


def test_check_conflict(plugin_site: PluginSite) -> None:
    for name in ("clash_a", "clash_b"):
        plugin_site.add_distribution(
            name,
            scopes={"clash": f"{name}.registry"},
            modules={f"{name}/__init__.py": "", f"{name}/registry.py": ""},
        )
    (problem,) = ours(introspect.check(), "clash")
    assert problem.kind == "conflict"
    assert problem.summary == "scope 'clash' is advertised by 2 distributions"
    assert problem.cause == (
        f"advertised by clash_a 1.0 ({plugin_site.path / 'clash_a-1.0.dist-info'}), "
        f"clash_b 1.0 ({plugin_site.path / 'clash_b-1.0.dist-info'})"
    )
    assert problem.action == "keep one of them: pip uninstall clash_a, or pip uninstall clash_b"


def test_check_blocked_is_a_note(plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fakedet(plugin_site)
    monkeypatch.setenv("REGISTRY_CORE_BLOCK", "fakedet")
    registry_core.refresh()
    report = introspect.check()
    (problem,) = ours(report, "fakedet")
    assert (problem.kind, problem.severity) == ("blocked", "note")
    assert problem.cause == "REGISTRY_CORE_BLOCK='fakedet'"
    assert problem.action == "remove 'fakedet' from REGISTRY_CORE_BLOCK to use it"
    assert report.problems[-1] is problem  # notes come last


def test_check_failing_locations(plugin_site: PluginSite) -> None:
    source = (
        "import registry_core\n"
        "MODELS = registry_core.Registry('model', parent=registry_core.MODELS,\n"
        "                                locations=['fakedet.models'])\n"
    )
    install_fakedet(plugin_site, source=source)
    plugin_site.add({"fakedet": {"models.py": "import os\n\nraise OSError('disk on fire')\n"}})
    (problem,) = ours(introspect.check(), "fakedet")
    assert (problem.kind, problem.severity, problem.cause) == (
        "locations",
        "error",
        "OSError: disk on fire",
    )
    assert problem.location == f"{plugin_site.path / 'fakedet' / 'models.py'}:3"
    assert problem.summary == (
        "plugin 'fakedet' (fakedet 1.5) cannot import the modules that register its model names"
    )


def test_check_diagnostics_and_json(plugin_site: PluginSite) -> None:
    plugin_site.add(
        {
            "nover-1.0.dist-info": {
                "METADATA": "Metadata-Version: 2.1\nName: nover\n",
                "entry_points.txt": "[registry_core.scopes]\nnover = nover.registry\n",
            }
        }
    )
    report = introspect.check()
    (diagnostic,) = [d for d in report.diagnostics if d.distribution == "nover"]
    data = report.to_json()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == [
        "schema",
        "ok",
        "version",
        "autoload",
        "plugins",
        "problems",
        "diagnostics",
    ]
    assert {"path": diagnostic.path, "distribution": "nover", "message": diagnostic.message} in (
        data["diagnostics"]
    )


def test_results_are_frozen(tree: PluginSite) -> None:
    (hit,) = introspect.describe("fakedet.NetA").hits
    with pytest.raises(AttributeError):
        hit.name = "other"  # type: ignore[misc]
    assert hit == introspect.describe("fakedet.NetA").hits[0]
    assert "NetA" in repr(hit)


# -- import cost ------------------------------------------------------------------------


def test_import_registry_core_imports_no_introspection() -> None:
    code = (
        "import sys\n"
        "import registry_core\n"
        "print(sorted(m for m in ('registry_core.introspect', 'registry_core.cli', "
        "'argparse', 'inspect', 'dataclasses') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out == "[]\n"


def test_kinds_are_documented() -> None:
    assert introspect.KINDS == ("class", "function", "partial", "callable")
    assert _kind(functools.partial(len)) == "partial"
    assert _kind(TRANSFORMS.register_module) == "function"
