"""The ``registry-core`` command, run for real in fresh processes.

Isolation: every command runs as ``python -S -m registry_core ...``. ``-S``
keeps ``site`` from adding site-packages, so nothing installed in the running
environment is visible (toydet and toycls may or may not be installed where
the suite runs). ``PYTHONPATH`` then holds exactly two folders: a copy of the
``registry_core`` package and of ``packaging`` (its one dependency), made
once per session, and the test's own fake site, written with
``registry_core.testing.distribution_tree``. ``PYTHON*`` and
``REGISTRY_CORE_*`` variables of the calling environment are dropped, and the
compatibility cache is turned off. Each command is a fresh process, so no
state is shared between runs or with the test process.

Every human-readable output is checked to fit 80 columns (``run`` does it).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

import registry_core
from registry_core._version import VERSION
from registry_core.testing import write_tree
from tests._cli_env import Env

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "cli.md"


# -- fake plugins -----------------------------------------------------------------

ALPHA_REGISTRY = """\
    import functools
    import registry_core
    from registry_core import Registry

    MODELS = Registry("model", parent=registry_core.MODELS)
    TRANSFORMS = Registry("transform", parent=registry_core.TRANSFORMS)


    @MODELS.register_module()
    class NetA:
        '''A stand-in backbone.

        More text.
        '''

        def __init__(self, depth: int = 50) -> None:
            self.depth = depth


    @MODELS.register_module(name=["make_head", "Head"])
    def make_head(channels, classes=10):
        '''Build a head.'''
        return (channels, classes)


    MODELS.register_module(name="net_a18", module=functools.partial(NetA, depth=18))


    class Scaler:
        def __call__(self, x):
            return 2 * x


    MODELS.register_module(name="scale", module=Scaler())
    MODELS.register_module(name="length", module=len)


    @TRANSFORMS.register_module()
    @MODELS.register_module()
    class Shared:
        pass
    """

#: A plugin whose registry lists a module imported on first lookup.
BETA_REGISTRY = """\
    import registry_core
    from registry_core import Registry

    MODELS = Registry("model", parent=registry_core.MODELS, locations=["beta.models"])
    """

BETA_MODELS = """\
    from beta.registry import MODELS


    @MODELS.register_module()
    class NetB:
        pass
    """

#: The exception message is long, to check that it is wrapped.
BROKEN_REGISTRY = """\
    import registry_core

    raise RuntimeError("boom: " + "the-plugin-cannot-start-because-" * 6 + "end")
    """


def healthy(env: Env) -> None:
    env.add(
        "alpha",
        version="2.1",
        scopes={"alpha": "alpha.registry"},
        modules={"alpha/__init__.py": "", "alpha/registry.py": ALPHA_REGISTRY},
        requires=["registry-core>=0.1"],
    )
    env.add(
        "beta-plugin",
        scopes={"beta": "beta.registry"},
        modules={
            "beta/__init__.py": "",
            "beta/registry.py": BETA_REGISTRY,
            "beta/models.py": BETA_MODELS,
        },
    )


def add_failing(env: Env) -> None:
    env.add(
        "broken",
        scopes={"broken": "broken.registry"},
        modules={"broken/__init__.py": "", "broken/registry.py": BROKEN_REGISTRY},
    )


def add_incompatible(env: Env) -> None:
    env.add(
        "future",
        version="3.0",
        scopes={"future": "future.registry"},
        modules={"future/__init__.py": "", "future/registry.py": "raise SystemExit(3)\n"},
        requires=["registry-core>=99"],
    )


def add_conflict(env: Env) -> None:
    for name in ("twin-a", "twin-b"):
        package = name.replace("-", "_")
        env.add(
            name,
            scopes={"twin": f"{package}.registry"},
            modules={f"{package}/__init__.py": "", f"{package}/registry.py": ""},
        )


def add_locations_failure(env: Env) -> None:
    env.add(
        "lazybad",
        scopes={"lazybad": "lazybad.registry"},
        modules={
            "lazybad/__init__.py": "",
            "lazybad/registry.py": BETA_REGISTRY.replace("beta", "lazybad"),
            "lazybad/models.py": "import not_installed_anywhere\n",
        },
    )


def add_bad_metadata(env: Env) -> None:
    write_tree(
        env.site,
        {
            "nover-1.0.dist-info": {
                "METADATA": "Metadata-Version: 2.1\nName: nover\n",
                "entry_points.txt": "[registry_core.scopes]\nnover = nover.registry\n",
            }
        },
    )


# -- tree ---------------------------------------------------------------------------


def test_tree_healthy(env: Env) -> None:
    healthy(env)
    out = env.run("tree").stdout.splitlines()

    assert out[0] == f"registry-core {VERSION}"
    assert out[1].split() == ["MODELS", "(model)", "0", "names"]
    assert out[2].split() == ["|--", "alpha", "7", "names", "alpha", "2.1", "loaded"]
    assert out[3].split() == ["`--", "beta", "1", "name", "beta-plugin", "1.0", "loaded"]
    assert out[4].split() == ["DATASETS", "(dataset)", "0", "names"]
    assert out[5].split() == ["TRANSFORMS", "(transform)", "0", "names"]
    assert out[6].split() == ["`--", "alpha", "1", "name", "alpha", "2.1", "loaded"]
    assert [line.split()[0] for line in out[7:11]] == [
        "HOOKS",
        "OPTIMIZERS",
        "METRICS",
        "FUNCTIONS",
    ]
    # MMEngine's other roots hold nothing here: one line names them
    assert out[11].startswith("(16 more roots, empty: RUNNERS, RUNNER_CONSTRUCTORS, LOOPS,")
    assert out[14] == " VISUALIZERS, VISBACKENDS, LOG_PROCESSORS, INFERENCERS)"
    assert out[15:] == [
        "",
        "plugins (2 discovered)",
        "|-- alpha  alpha 2.1        loaded",
        "`-- beta   beta-plugin 1.0  loaded",
    ]


def test_tree_json_healthy(env: Env) -> None:
    healthy(env)
    data = env.json("tree")

    assert data["version"] == VERSION and data["autoload"] is True
    assert [root["registry"] for root in data["roots"]] == list(registry_core.roots.ROOTS)
    models = data["roots"][0]
    assert {k: v for k, v in models.items() if k != "children"} == {
        "registry": "MODELS",
        "name": "model",
        "scope": "registry_core",
        "names": 0,
        "distribution": "registry-core",
        "version": VERSION,
        "status": None,
        "error": None,
    }
    assert models["children"][1] == {
        "registry": "MODELS",
        "name": "model",
        "scope": "beta",
        "names": 1,
        "distribution": "beta-plugin",
        "version": "1.0",
        "status": "loaded",
        "error": None,
        "children": [],
    }
    assert [p["scope"] for p in data["plugins"]] == ["alpha", "beta"]
    assert data["plugins"][0] == {
        "scope": "alpha",
        "module": "alpha.registry",
        "distribution": "alpha",
        "version": "2.1",
        "status": "loaded",
        "error": None,
        "path": str(env.site / "alpha-2.1.dist-info"),
        "claimants": [],
        "source": "entry-point",
    }
    assert data["diagnostics"] == []


def test_tree_shows_plugins_that_are_absent_from_the_roots(env: Env) -> None:
    healthy(env)
    add_failing(env)
    add_incompatible(env)
    add_conflict(env)
    add_locations_failure(env)
    add_bad_metadata(env)
    out = env.run("tree", env={"REGISTRY_CORE_BLOCK": "beta"}).stdout

    roots = out[: out.index("plugins (")]
    assert "-- beta" not in roots  # blocked: never imported, so no child
    assert "-- broken" not in roots
    plugins = out[out.index("plugins (") :].splitlines()
    assert plugins[0] == "plugins (6 discovered)"
    rows = {line.split()[1]: line.split()[-1] for line in plugins if line[:4] in ("|-- ", "`-- ")}
    assert rows == {
        "alpha": "loaded",
        "beta": "blocked",
        "broken": "failed",
        "future": "incompatible",
        "lazybad": "loaded",
        "twin": "conflict",
    }
    assert "`-- twin     twin-a + twin-b  conflict" in plugins
    # errors are printed under their plugin, wrapped
    assert "|     importing plugin scope 'broken' failed: module 'broken.registry' of" in plugins
    assert "REGISTRY_CORE_BLOCK='beta'" in out
    # a plugin that loaded but whose locations fail: '?' names and the reason
    lazy = next(line for line in out.splitlines() if "-- lazybad " in line)
    assert lazy.split()[2:4] == ["?", "names"]
    assert "importing 'lazybad.models', a location of the lazybad::model registry" in " ".join(
        out.split()
    )
    assert out.endswith(
        "\n1 metadata problem: discovery skipped it; run `registry-core check` for details\n"
    )


def test_tree_with_autoload_disabled(env: Env) -> None:
    healthy(env)
    out = env.run("tree", env={"REGISTRY_CORE_DISABLE_AUTOLOAD": "1"}).stdout
    assert "-- alpha" not in out
    assert out.endswith("plugins: none; discovery is off (REGISTRY_CORE_DISABLE_AUTOLOAD is set)\n")
    assert env.json("tree", env={"REGISTRY_CORE_DISABLE_AUTOLOAD": "1"})["autoload"] is False


# -- list --------------------------------------------------------------------------


def test_list_all(env: Env) -> None:
    healthy(env)
    out = env.run("list").stdout.splitlines()
    assert out == [
        "MODELS (model): 7 entries",
        "  alpha.NetA       class",
        "  alpha.Shared     class",
        "  alpha.length     function",
        "  alpha.make_head  function  aliases: Head",
        "  alpha.net_a18    partial",
        "  alpha.scale      callable",
        "  beta.NetB        class",
        "TRANSFORMS (transform): 1 entry",
        "  alpha.Shared  class",
    ]


@pytest.mark.parametrize("registry", ["MODELS", "model", "Models", "MODEL"])
def test_list_registry_by_attribute_or_name_in_any_case(env: Env, registry: str) -> None:
    healthy(env)
    data = env.json("list", registry, "--scope", "alpha", "--pattern", "*head*")
    assert data == {
        "schema": 1,
        "registry": "MODELS",
        "scope": "alpha",
        "pattern": "*head*",
        "entries": [
            {
                "registry": "MODELS",
                "key": "alpha.make_head",
                "scope": "alpha",
                "name": "make_head",
                "aliases": ["Head"],
                "kind": "function",
                "qualname": "alpha.registry.make_head",
            }
        ],
    }


def test_list_scope_across_roots(env: Env) -> None:
    healthy(env)
    data = env.json("list", "--scope", "alpha", "--pattern", "Shared")
    assert data["registry"] is None
    assert [(e["registry"], e["key"]) for e in data["entries"]] == [
        ("MODELS", "alpha.Shared"),
        ("TRANSFORMS", "alpha.Shared"),
    ]
    # the pattern also matches keys
    keys = [e["key"] for e in env.json("list", "--pattern", "beta.*")["entries"]]
    assert keys == ["beta.NetB"]


def test_list_empty_results(env: Env) -> None:
    healthy(env)
    assert env.run("list", "hooks").stdout == "HOOKS (hook): 0 entries\n"
    assert env.run("list", "--pattern", "nothing*").stdout == (
        "no names registered matching 'nothing*'\n"
    )


def test_list_scope_of_a_plugin_that_did_not_load(env: Env) -> None:
    add_failing(env)
    done = env.run("list", "--scope", "broken")
    assert done.stdout == "no names registered in scope 'broken'\n"
    assert done.stderr.startswith("note: scope 'broken' is failed, so it has no names;")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "nosuch"], "registry-core list: error: unknown registry 'nosuch'."),
        (["list", "Modelz"], "Did you mean: 'MODELS'? The root registries are: MODELS"),
        (["list", "--scope", "alpah"], "scope 'alpah' is unknown: "),
        (["show", "X", "--registry", "nosuch"], "registry-core show: error: unknown registry"),
        (["bogus"], "invalid choice: 'bogus'"),
        ([], "the following arguments are required: COMMAND"),
        (["show"], "the following arguments are required: KEY"),
        (["tree", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_exit_2(env: Env, args: list[str], message: str) -> None:
    healthy(env)
    done = env.run(*args, code=2)
    assert done.stdout == ""
    assert done.stderr.startswith("usage: registry-core")
    assert message in " ".join(done.stderr.split())


def test_unknown_scope_suggests_a_known_one(env: Env) -> None:
    healthy(env)
    done = env.run("list", "--scope", "alpah", "--json", code=2)
    assert "Did you mean: 'alpha'?" in " ".join(done.stderr.split())


def test_help_and_version(env: Env) -> None:
    assert "tree" in env.run("--help").stdout
    for verb in ("tree", "list", "show", "check"):
        assert "--json" in env.run(verb, "--help").stdout
    assert env.run("--version").stdout == f"registry-core {VERSION}\n"


# -- show -------------------------------------------------------------------------


def test_show_a_class(env: Env) -> None:
    healthy(env)
    out = env.run("show", "alpha.NetA").stdout
    assert out.splitlines() == [
        "alpha.NetA in MODELS",
        "  object:     alpha.registry.NetA",
        "  kind:       class",
        "  signature:  (depth: int = 50)",
        "  doc:        A stand-in backbone.",
        "  file:       " + os.path.join("site-packages", "alpha", "registry.py") + ":9",
        "  scope:      alpha (alpha 2.1)",
    ]


def test_show_json_of_an_alias(env: Env) -> None:
    healthy(env)
    data = env.json("show", "alpha.Head", "--registry", "model")
    assert data == {
        "schema": 1,
        "key": "alpha.Head",
        "registry": "MODELS",
        "found": True,
        "hits": [
            {
                "key": "alpha.Head",
                "registry": "MODELS",
                "scope": "alpha",
                "name": "Head",
                "aliases": ["make_head"],
                "kind": "function",
                "qualname": "alpha.registry.make_head",
                "signature": "(channels, classes=10)",
                "doc": "Build a head.",
                "file": str(env.site / "alpha" / "registry.py"),
                "line": 20,
                "distribution": "alpha",
                "version": "2.1",
            }
        ],
        "misses": [],
    }


def test_show_partials_instances_and_builtins(env: Env) -> None:
    healthy(env)
    partial, instance, builtin = (
        env.json("show", key)["hits"][0] for key in ("alpha.net_a18", "alpha.scale", "alpha.length")
    )
    assert partial["kind"] == "partial"
    assert partial["qualname"] == "functools.partial(alpha.registry.NetA, depth=18)"
    assert partial["signature"] == "(*, depth: int = 18)"
    assert (partial["doc"], partial["line"]) == ("A stand-in backbone.", 9)
    assert (instance["kind"], instance["qualname"]) == ("callable", "alpha.registry.Scaler")
    assert (instance["doc"], instance["line"]) == (None, 29)
    assert (builtin["kind"], builtin["qualname"], builtin["file"], builtin["line"]) == (
        "function",
        "builtins.len",
        None,
        None,
    )


def test_show_reports_every_root_that_resolves_the_key(env: Env) -> None:
    healthy(env)
    data = env.json("show", "alpha.Shared")
    assert [hit["registry"] for hit in data["hits"]] == ["MODELS", "TRANSFORMS"]
    out = env.run("show", "alpha.Shared").stdout
    assert "alpha.Shared in MODELS\n" in out and "\n\nalpha.Shared in TRANSFORMS\n" in out


def test_show_a_registry_no_plugin_provides(env: Env) -> None:
    env.add(
        "gamma",
        scopes={"gamma": "gamma.registry"},
        modules={
            "gamma/__init__.py": "",
            "gamma/registry.py": """\
                import registry_core
                from registry_core import Registry

                MODELS = Registry("model", parent=registry_core.MODELS)
                INNER = Registry("detector", parent=MODELS, scope="gamma_inner")
                INNER.register_module(name="Inner", module=dict)
                """,
        },
    )
    out = env.run("show", "gamma.gamma_inner.Inner").stdout
    assert "  scope:      gamma_inner\n" in out
    tree = env.run("tree").stdout
    assert "`-- gamma_inner (detector)    1 name   -\n" in tree


def test_show_lazy_location(env: Env) -> None:
    healthy(env)
    hit = env.json("show", "beta.NetB")["hits"][0]
    assert (hit["qualname"], hit["distribution"], hit["version"]) == (
        "beta.models.NetB",
        "beta-plugin",
        "1.0",
    )


def test_show_miss_with_close_match(env: Env) -> None:
    healthy(env)
    done = env.run("show", "alpha.NetB", code=1)
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: 'alpha.NetB' resolves in none of the 23 root registries",
        # the registry searched, and a key that works from where the user asked
        "  MODELS: alpha.NetB is not in the alpha::model registry. Did you mean:",
        "    'alpha.NetA'? 'NetB' is registered in scope: beta (as 'beta.NetB')",
    ]


def test_show_miss_names_the_scopes_that_have_it(env: Env) -> None:
    """The help of NotRegisteredError, also for names registered by a location."""
    healthy(env)
    done = env.run("show", "NetB", "--registry", "MODELS", code=1)
    assert " ".join(done.stderr.split()) == (
        "error: NetB is not in the registry_core::model registry. "
        "'NetB' is registered in scope: beta (as 'beta.NetB')"
    )
    data = env.json("show", "NetB", "--registry", "MODELS", code=1)
    assert data["found"] is False and data["hits"] == []
    assert data["misses"] == [
        {
            "registry": "MODELS",
            "type": "NotRegisteredError",
            "message": "NetB is not in the registry_core::model registry. "
            "'NetB' is registered in scope: beta (as 'beta.NetB')",
            "suggestions": [],
            "found_in": ["beta"],
        }
    ]


def test_show_miss_without_any_help(env: Env) -> None:
    healthy(env)
    data = env.json("show", "Nothing", code=1)
    assert [m["registry"] for m in data["misses"]] == list(registry_core.roots.ROOTS)
    err = env.run("show", "Nothing", code=1).stderr
    assert err.splitlines()[-1] == "  MODELS: Nothing is not in the registry_core::model registry"


def test_show_key_of_a_broken_plugin(env: Env) -> None:
    add_failing(env)
    done = env.run("show", "broken.Net", "--registry", "MODELS", code=1)
    assert done.stderr.startswith("error: importing plugin scope 'broken' failed: module")
    (miss,) = env.json("show", "broken.Net", "--registry", "MODELS", code=1)["misses"]
    assert miss["type"] == "PluginLoadError"
    assert (miss["suggestions"], miss["found_in"]) == ([], [])


# -- check -------------------------------------------------------------------------


def test_check_healthy(env: Env) -> None:
    healthy(env)
    assert env.run("check").stdout.splitlines() == [
        f"registry-core {VERSION}",
        "plugins (2 discovered)",
        "  alpha  alpha 2.1        loaded",
        "  beta   beta-plugin 1.0  loaded",
        "",
        "check passed: 2 of 2 plugins loaded, no problems",
    ]
    data = env.json("check")
    assert (data["ok"], data["problems"], data["diagnostics"]) == (True, [], [])
    assert [p["status"] for p in data["plugins"]] == ["loaded", "loaded"]


def test_check_with_nothing_installed(env: Env) -> None:
    assert env.run("check").stdout.splitlines()[1:] == [
        "plugins: none discovered",
        "",
        "check passed: 0 of 0 plugins loaded, no problems",
    ]


def test_check_failed_plugin(env: Env) -> None:
    healthy(env)
    add_failing(env)
    out = env.run("check", code=1).stdout
    assert "\nerror: plugin 'broken' (broken 1.0) failed to import\n" in out
    # a word longer than a line is never broken: it gets a line of its own
    long_word = "the-plugin-cannot-start-because-" * 6 + "end"
    assert f"  cause: RuntimeError: boom:\n         {long_word}\n" in out
    assert f"  at:    {os.path.join('site-packages', 'broken', 'registry.py')}:3\n" in out
    # its own code raised: a user upgrades, reinstalls or reports (no author tree here)
    assert "  fix:   upgrade or reinstall broken (pip install --upgrade broken), report" in out
    assert out.endswith("check failed: 2 of 3 plugins loaded; 1 error (1 failed)\n")
    (problem,) = env.json("check", code=1)["problems"]
    assert problem == {
        "scope": "broken",
        "distribution": "broken",
        "version": "1.0",
        "kind": "failed",
        "severity": "error",
        "summary": "plugin 'broken' (broken 1.0) failed to import",
        "message": problem["message"],
        "cause": "RuntimeError: boom: " + "the-plugin-cannot-start-because-" * 6 + "end",
        "location": str(env.site / "broken" / "registry.py") + ":3",
        "action": "upgrade or reinstall broken (pip install --upgrade broken), report the "
        "error to its authors if it persists, or block it with REGISTRY_CORE_BLOCK=broken",
    }
    assert problem["message"].startswith("importing plugin scope 'broken' failed")


def test_check_incompatible_plugin(env: Env) -> None:
    add_incompatible(env)
    out = env.run("check", code=1).stdout
    assert (
        f"error: plugin 'future' (future 3.0) is incompatible with registry-core {VERSION}" in out
    )
    (problem,) = env.json("check", code=1)["problems"]
    assert problem["kind"] == "incompatible"
    assert problem["cause"] == f"requires registry-core>=99, running registry-core {VERSION}"
    assert problem["location"] is None
    assert problem["action"] == (
        "install a registry-core that satisfies 'registry-core>=99', or a release of future "
        f"that supports registry-core {VERSION} (pip install --upgrade future)"
    )


def test_check_conflicting_plugins(env: Env) -> None:
    add_conflict(env)
    out = env.run("check", code=1).stdout
    assert "error: scope 'twin' is advertised by 2 distributions\n" in out
    assert "  fix:   keep one of them: pip uninstall twin-a, or pip uninstall twin-b\n" in out
    (problem,) = env.json("check", code=1)["problems"]
    assert problem["kind"] == "conflict"
    assert problem["cause"] == "advertised by " + ", ".join(
        f"{name} 1.0 ({env.site / (name.replace('-', '_') + '-1.0.dist-info')})"
        for name in ("twin-a", "twin-b")
    )


def test_check_locations_failure_is_an_error(env: Env) -> None:
    add_locations_failure(env)
    out = env.run("check", code=1).stdout
    assert "error: plugin 'lazybad' (lazybad 1.0) cannot import the modules that" in out
    assert "  cause: ModuleNotFoundError: No module named 'not_installed_anywhere'\n" in out
    (problem,) = env.json("check", code=1)["problems"]
    assert problem["kind"] == "locations"
    assert problem["location"] == str(env.site / "lazybad" / "models.py") + ":1"


def test_check_blocked_alone_passes_but_is_shown(env: Env) -> None:
    healthy(env)
    done = env.run("check", env={"REGISTRY_CORE_BLOCK": " beta , other"})
    assert "\nnote: plugin 'beta' (beta-plugin 1.0) is blocked\n" in done.stdout
    assert "  fix:   remove 'beta' from REGISTRY_CORE_BLOCK to use it\n" in done.stdout
    assert done.stdout.endswith("check passed: 1 of 2 plugins loaded; 1 note\n")
    data = env.json("check", env={"REGISTRY_CORE_BLOCK": "beta"})
    assert data["ok"] is True
    assert [(p["kind"], p["severity"]) for p in data["problems"]] == [("blocked", "note")]


def test_check_metadata_diagnostics_are_warnings(env: Env) -> None:
    healthy(env)
    add_bad_metadata(env)
    out = env.run("check").stdout
    assert (
        f"warning: discovery skipped {os.path.join('site-packages', 'nover-1.0.dist-info')}" in out
    )
    assert "no Version field, so the distribution is ignored." in " ".join(out.split())
    assert out.endswith("check passed: 2 of 2 plugins loaded; 1 warning\n")
    (diagnostic,) = env.json("check")["diagnostics"]
    assert diagnostic["path"] == str(env.site / "nover-1.0.dist-info")
    assert diagnostic["distribution"] == "nover"
    assert diagnostic["message"] == (
        f"{env.site / 'nover-1.0.dist-info' / 'METADATA'} has no Version field, so the "
        "distribution is ignored. Reinstall it: pip install --force-reinstall nover"
    )


def test_check_everything_at_once(env: Env) -> None:
    healthy(env)
    add_failing(env)
    add_incompatible(env)
    add_conflict(env)
    add_locations_failure(env)
    add_bad_metadata(env)
    done = env.run("check", env={"REGISTRY_CORE_BLOCK": "beta"}, code=1)
    assert done.stdout.endswith(
        "check failed: 2 of 6 plugins loaded; 4 errors (1 failed, 1 with failing\n"
        "  locations, 1 incompatible, 1 conflicting), 1 note, 1 warning\n"
    )
    data = env.json("check", env={"REGISTRY_CORE_BLOCK": "beta"}, code=1)
    assert data["ok"] is False
    assert [(p["scope"], p["kind"], p["severity"]) for p in data["problems"]] == [
        ("broken", "failed", "error"),
        ("future", "incompatible", "error"),
        ("lazybad", "locations", "error"),
        ("twin", "conflict", "error"),
        ("beta", "blocked", "note"),
    ]
    assert {p["scope"]: p["status"] for p in data["plugins"]} == {
        "alpha": "loaded",
        "beta": "blocked",
        "broken": "failed",
        "future": "incompatible",
        "lazybad": "loaded",
        "twin": "conflict",
    }


# -- the entry points ----------------------------------------------------------------


def test_main_returns_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    from registry_core.cli import main

    assert main(["bogus"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"registry-core {registry_core.__version__}\n"
    assert main(["list", "nosuch"]) == 2
    assert main(["show", "surely.not.registered", "--registry", "HOOKS"]) == 1


def test_console_script_is_declared() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'registry-core = "registry_core.cli:main"' in text


# -- docs/cli.md is real output ---------------------------------------------------------

#: ``docs/cli.md`` shows console sessions as fenced blocks starting ``$ registry-core``
#: (optionally after ``VAR=value`` settings). An HTML comment ``<!-- env: broken -->``
#: right before a block adds two broken plugins to the demo environment.
BLOCK = re.compile(
    r"(?:<!-- env: (?P<env>\w+) -->\n)?```console\n\$ (?P<command>[^\n]*)\n(?P<output>.*?)```",
    re.S,
)
#: Absolute paths in JSON output are shown under this made-up working directory.
DOCS_CWD = "/home/you/project"
REGEN = "REGISTRY_CORE_REGEN_DOCS"


def _pyproject_field(path: Path, field: str) -> str:
    match = re.search(rf"^{field} = (.*)$", path.read_text(encoding="utf-8"), re.M)
    assert match, (path, field)
    return match.group(1)


def demo_env(root: Path, deps: Path, *, broken: bool) -> Env:
    """The two demo plugins from ``plugins/`` (and optionally two broken ones), and the
    demo's config files in ``configs/``."""
    env = Env(root, deps)
    shutil.copytree(REPO / "plugins" / "configs", root / "configs")
    for name in ("toydet", "toycls"):
        project = REPO / "plugins" / name
        version = json.loads(_pyproject_field(project / "pyproject.toml", "version"))
        requires = json.loads(_pyproject_field(project / "pyproject.toml", "dependencies"))
        env.add(name, version=version, scopes={name: f"{name}.registry"}, requires=requires)
        shutil.copytree(project / name, env.site / name, ignore=shutil.ignore_patterns("__py*"))
    if broken:
        env.add(
            "toyseg",
            version="0.3.0",
            scopes={"toyseg": "toyseg.registry"},
            requires=["registry-core>=1.0"],
            modules={"toyseg/__init__.py": "", "toyseg/registry.py": ""},
        )
        env.add(
            "toyaug",
            version="0.2.0",
            scopes={"toyaug": "toyaug.registry"},
            modules={
                "toyaug/__init__.py": "",
                "toyaug/registry.py": '"""toyaug\'s registries."""\n\nimport albumentations\n',
            },
        )
    return env


def _expected_output(env: Env, command: str) -> str:
    words = shlex.split(command)
    settings = {}
    while words and "=" in words[0]:
        key, _, value = words.pop(0).partition("=")
        settings[key] = value
    assert words[0] == "registry-core", command
    done = env.run(*words[1:], env=settings, code=None)
    text = done.stdout + done.stderr
    root = str(env.root)
    for form in (json.dumps(root)[1:-1], root):
        text = text.replace(form, DOCS_CWD)
    return text


def test_docs_show_real_output(tmp_path: Path, deps: Path) -> None:
    """Every ``$ registry-core`` block of docs/cli.md is what the command prints.

    After changing the output, regenerate the blocks with
    ``REGISTRY_CORE_REGEN_DOCS=1 python -m pytest tests/test_cli.py -k docs``.
    """
    text = DOCS.read_text(encoding="utf-8")
    envs = {
        "demo": demo_env(tmp_path / "demo", deps, broken=False),
        "broken": demo_env(tmp_path / "broken", deps, broken=True),
    }
    blocks = list(BLOCK.finditer(text))
    assert len(blocks) >= 8
    commands = {m.group("command").split()[1] for m in blocks if "registry-core" in m.group(0)}
    assert {"tree", "list", "show", "check", "validate", "schema"} <= {c for c in commands}

    def expected(match: re.Match[str]) -> str:
        env = envs[match.group("env") or "demo"]
        return _expected_output(env, match.group("command"))

    if os.environ.get(REGEN):
        regenerated = BLOCK.sub(
            lambda m: m.group(0)[: m.start("output") - m.start()] + expected(m) + "```", text
        )
        DOCS.write_text(regenerated, encoding="utf-8")
        pytest.skip(f"{DOCS} regenerated")
    for match in blocks:
        assert match.group("output") == expected(match), (
            f"the output of `{match.group('command')}` in {DOCS} is stale; regenerate with "
            f"{REGEN}=1 python -m pytest tests/test_cli.py -k docs"
        )


def test_check_names_a_loaded_plugin_with_an_error_and_counts_in_words(env: Env) -> None:
    """Issue 19 item 7: check said "1 error (1 without a registry of their scope)" and
    listed the plugin as `loaded` next to its error."""
    env.add("hollow", scopes={"hollow": "hollow.registry"}, modules={"hollow/registry.py": ""})
    done = env.run("check", code=1)
    lines = done.stdout.splitlines()
    assert any("hollow" in line and "loaded, with an error (below)" in line for line in lines)
    assert lines[-1].endswith("1 error (1 without a registry of its scope)")
