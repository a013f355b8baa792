"""The mistakes plugin authors make are caught where they are made, and explained.

Real projects, each with a ``pyproject.toml`` and a package, are built and
installed by pip into a fresh virtual environment next to ``registry-core``
itself; then the real ``registry-core`` console script and the environment's
interpreter run from a folder outside any project (as a user) or from inside
a plugin's own source tree (as its author). The mistakes:

==============  ====================================================================
``forgetful``   creates its registry without ``parent=`` (a root, not a child)
``wrongmod``    its entry point names a module that creates no registry
``otherscope``  creates its child with an explicit ``scope=`` other than its entry point
``nolocs``      its registry has no ``locations``, so its classes are never registered
``typoed``      its entry point names a module that does not exist (a typo)
==============  ====================================================================

and two healthy plugins, ``mycodebase`` (holding ``TinyNet``) and ``lazyone``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

REGISTRY = """\
import registry_core
MODELS = registry_core.Registry("model", parent=registry_core.MODELS{extra})
"""
NET = """\
from {package}.registry import MODELS


@MODELS.register_module()
class {name}:
    def __init__(self, depth: int = 1) -> None:
        self.depth = depth
"""

PLUGINS: dict[str, dict[str, object]] = {
    "forgetful": {
        "entry": "forgetful.registry",
        "files": {
            "registry.py": "import registry_core\nMODELS = registry_core.Registry('model')\n"
            "@MODELS.register_module()\nclass NetA:\n    pass\n",
        },
    },
    "wrongmod": {
        "entry": "wrongmod",
        "files": {"registry.py": REGISTRY.format(extra="") + "MODELS.register_module(module=dict)"},
    },
    "otherscope": {
        "entry": "otherscope.registry",
        "files": {"registry.py": REGISTRY.format(extra=", scope='other_scope'")},
    },
    "nolocs": {
        "entry": "nolocs.registry",
        "files": {
            "registry.py": REGISTRY.format(extra=""),
            "models.py": NET.format(package="nolocs", name="NetA"),
        },
    },
    "typoed": {
        "entry": "typoed.registy",
        "files": {"registry.py": REGISTRY.format(extra="")},
    },
    "mycodebase": {
        "entry": "mycodebase.registry",
        "files": {
            "registry.py": REGISTRY.format(extra=", locations=['mycodebase.models']"),
            "models.py": NET.format(package="mycodebase", name="TinyNet"),
        },
    },
    "lazyone": {
        "entry": "lazyone.registry",
        "files": {
            "registry.py": REGISTRY.format(extra=", locations=['lazyone.models']"),
            "models.py": NET.format(package="lazyone", name="Lazy"),
        },
    },
}


def write_project(folder: Path, name: str, entry: str, files: dict[str, str]) -> Path:
    project = folder / name
    (project / name).mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [build-system]
            requires = ["setuptools>=64"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "{name}"
            version = "1.0"
            dependencies = ["registry-core"]

            [project.entry-points."registry_core.scopes"]
            {name} = "{entry}"
            """
        )
    )
    (project / name / "__init__.py").write_text("")
    for file, source in files.items():
        (project / name / file).write_text(source)
    return project


class Installed:
    """The environment: its interpreter, console script and the plugins' sources."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin = root / "venv" / "bin"
        self.sources = root / "sources"
        self.outside = root / "elsewhere"

    def check(self, cwd: Path | None = None, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "registry-core"), "check", *args],
            cwd=cwd or self.outside,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )

    def python(self, code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "python"), "-c", textwrap.dedent(code)],
            cwd=self.outside,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "REGISTRY_CORE_"))}
    env["REGISTRY_CORE_CACHE_DIR"] = ""
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    env = Installed(tmp_path_factory.mktemp("authors"))
    env.outside.mkdir()
    projects = [
        write_project(env.sources, name, str(spec["entry"]), spec["files"])  # type: ignore[arg-type]
        for name, spec in PLUGINS.items()
    ]
    print(f"\n[test_author_mistakes] creating a virtualenv in {env.root / 'venv'}", flush=True)
    venv.EnvBuilder(with_pip=True).create(env.root / "venv")
    print(
        f"[test_author_mistakes] pip install registry-core and {len(projects)} plugins",
        flush=True,
    )
    pip = subprocess.run(
        [
            *(str(env.bin / "python"), "-m", "pip", "install", "--quiet"),
            *("--disable-pip-version-check", str(REPO), *map(str, projects)),
        ],
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, f"pip install failed:\n{pip.stderr[-3000:]}"
    return env


def report(env: Installed, cwd: Path | None = None) -> dict[str, dict[str, object]]:
    done = env.check(cwd, "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    return {p["scope"]: p for p in json.loads(done.stdout)["problems"]}


# -- 1. loads, but attaches nothing under its scope ----------------------------------------


def test_check_reports_a_plugin_that_attached_no_registry_of_its_scope(
    installed: Installed,
) -> None:
    problems = report(installed)
    forgetful, wrongmod = problems["forgetful"], problems["wrongmod"]
    for problem, module in ((forgetful, "forgetful.registry"), (wrongmod, "wrongmod")):
        assert (problem["kind"], problem["severity"]) == ("empty", "error")
        assert f"'{module}'" in problem["message"]
        assert "attached no registry of scope" in problem["summary"]
    assert "created a root registry" in forgetful["message"]
    assert "parent=registry_core.MODELS" in forgetful["message"]
    assert "created no registry at all" in wrongmod["message"]
    assert "entry point" in wrongmod["message"]
    # an explicit scope= other than the entry point's name: refused at load, naming both
    other = problems["otherscope"]
    assert other["kind"] == "failed"
    assert "'otherscope'" in other["message"] and "'other_scope'" in other["message"]


def test_a_lookup_says_the_plugin_loaded_but_attached_nothing(installed: Installed) -> None:
    done = installed.python(
        """
        import registry_core
        try:
            registry_core.MODELS["forgetful.NetA"]
        except registry_core.NotRegisteredError as error:
            print(error)
        """
    )
    assert done.returncode == 0, done.stderr
    message = done.stdout
    assert "plugin scope 'forgetful' (module 'forgetful.registry'" in message
    assert "loaded, but attached no registry of scope 'forgetful'" in message
    assert "created a root registry forgetful::model" in message


# -- 2. a registry without locations -----------------------------------------------------------


def test_check_warns_about_a_plugin_whose_registries_hold_no_names(installed: Installed) -> None:
    problem = report(installed)["nolocs"]
    assert (problem["kind"], problem["severity"]) == ("no-names", "warning")
    assert "locations=['nolocs.models']" in problem["action"]
    text = installed.check().stdout
    assert "warning: plugin 'nolocs' (nolocs 1.0) loaded, but its registries hold no" in text


def test_a_miss_in_an_empty_registry_says_how_locations_fix_it(installed: Installed) -> None:
    done = installed.python(
        """
        import registry_core
        try:
            registry_core.MODELS["nolocs.NetA"]
        except registry_core.NotRegisteredError as error:
            print(error)
        """
    )
    assert done.returncode == 0, done.stderr
    assert "The nolocs::model registry holds no names at all" in done.stdout
    assert "locations=['nolocs.models']" in done.stdout


# -- 3. a scoped miss names the registry searched, with keys that work --------------------------


def test_a_scoped_miss_names_the_registry_searched_and_keys_that_work(
    installed: Installed,
) -> None:
    done = installed.python(
        """
        import json, registry_core
        errors = []
        for key in ("mycodebase.TinyNt", "TinyNt"):
            try:
                registry_core.MODELS[key]
            except registry_core.NotRegisteredError as error:
                errors.append({"message": str(error), "suggestions": list(error.suggestions),
                               "registry": f"{error.scope}::{error.registry}"})
        print(json.dumps(errors))
        """
    )
    assert done.returncode == 0, done.stderr
    scoped, unscoped = json.loads(done.stdout)
    assert scoped["message"].startswith("mycodebase.TinyNt is not in the mycodebase::model")
    assert scoped["registry"] == "mycodebase::model"
    assert scoped["suggestions"] == ["mycodebase.TinyNet"]
    # discovered plugins that are not loaded are named, not imported
    assert "Not searched: plugin scopes" in unscoped["message"]
    assert "lazyone" in unscoped["message"]


# -- 5. a default scope nothing knows --------------------------------------------------------------


def test_an_unknown_default_scope_is_named_in_the_miss_it_causes(installed: Installed) -> None:
    done = installed.python(
        """
        import registry_core
        registry_core.init_default_scope("mycodebas")  # a typo: does not raise by itself
        try:
            registry_core.MODELS.build({"type": "TinyNet"})
        except registry_core.NotRegisteredError as error:
            print(error)
        """
    )
    assert done.returncode == 0, done.stderr
    assert "The default scope is 'mycodebas', which no registry" in done.stdout
    assert "Did you mean: 'mycodebase'?" in done.stdout


# -- 6. check points at the author's file, with advice that fits ---------------------------------


def test_check_points_a_user_at_the_entry_point_of_a_typo(installed: Installed) -> None:
    problem = report(installed)["typoed"]
    assert problem["kind"] == "failed"
    location = str(problem["location"])
    assert "importlib" not in location
    assert location.endswith("entry_points.txt:2")
    assert "names a module that does not exist" in str(problem["cause"])
    action = str(problem["action"])
    assert "will not fix it: report it to the authors of typoed" in action
    assert "--force-reinstall" not in action
    # a path is printed whole, never broken across lines, however long
    assert f"\n  at:    {location}\n" in installed.check().stdout


def test_check_in_the_plugins_own_tree_speaks_to_its_author(installed: Installed) -> None:
    tree = installed.sources / "typoed"
    problem = report(installed, cwd=tree)["typoed"]
    assert problem["location"] == str(tree / "pyproject.toml") + ":11"
    action = str(problem["action"])
    assert "fix the entry point in your pyproject.toml" in action
    assert "pip install -e ." in action
    assert "report" not in action
    text = installed.check(tree).stdout
    assert "\n  at:    pyproject.toml:11\n" in text  # relative to where the author is


# -- 8. MMEngine's roots, under MMEngine's names ------------------------------------------


def test_every_root_mmengine_ships_is_here_under_its_name(tmp_path: Path) -> None:
    import ast
    import zipfile

    download = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"),
            *("-d", str(tmp_path), "mmengine-lite==0.10.7"),
        ],
        capture_output=True,
        text=True,
    )
    if download.returncode != 0 and "No matching distribution" not in download.stderr:
        pytest.skip(f"the package index cannot be reached: {download.stderr[-300:]}")
    assert download.returncode == 0, download.stderr
    (wheel,) = tmp_path.glob("mmengine_lite-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("mmengine/registry/root.py").decode()
    theirs = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            call = node.value
            if getattr(call.func, "id", None) == "Registry":
                (target,) = node.targets
                first = call.args[0]
                assert isinstance(target, ast.Name) and isinstance(first, ast.Constant)
                theirs[target.id] = first.value
    from registry_core.roots import ROOTS

    assert len(theirs) == 23
    assert {label: root.name for label, root in ROOTS.items()} == theirs
