"""``registry-core validate`` and ``registry-core schema``, run as the installed console script.

The command is the ``registry-core`` script that installing the package put
next to the interpreter, run in a fresh process per call. Its plugins are fake
installed distributions in a temporary site folder on ``PYTHONPATH`` (the
``mydet`` codebase of ``test_validate``); ``PYTHON*`` and ``REGISTRY_CORE_*``
variables of the calling environment are dropped. Text output (all but
``--json`` and ``schema``, which print JSON) must fit 80 columns.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from registry_core.testing import distribution_tree, write_tree
from tests._cli_env import assert_fits
from tests.test_validate import MYDET_DATA, MYDET_MODELS, MYDET_REGISTRY

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def console_script() -> str:
    """The ``registry-core`` script installed beside this interpreter."""
    folder = Path(sys.executable).parent
    for name in ("registry-core", "registry-core.exe"):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which("registry-core")
    assert found, "registry-core is not installed: pip install -e '.[test]'"
    return found


class Project:
    """A working directory with config files, and a site folder with ``mydet``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.site = root / "site-packages"
        self.site.mkdir()
        write_tree(
            self.site,
            distribution_tree(
                "mydet",
                "1.0",
                scopes={"mydet": "mydet.registry"},
                modules={
                    "mydet/__init__.py": "",
                    "mydet/registry.py": MYDET_REGISTRY,
                    "mydet/models.py": MYDET_MODELS,
                    "mydet/data.py": MYDET_DATA,
                },
            ),
        )

    def write(self, name: str, cfg: Any) -> str:
        (self.root / name).write_text(json.dumps(cfg), encoding="utf-8")
        return name

    def run(self, *args: str, code: int) -> subprocess.CompletedProcess[str]:
        environ = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "REGISTRY_CORE_")) and k not in ("COLUMNS", "LINES")
        }
        environ.update(
            PYTHONPATH=str(self.site), PYTHONDONTWRITEBYTECODE="1", REGISTRY_CORE_CACHE_DIR=""
        )
        done = subprocess.run(
            [console_script(), *args],
            cwd=self.root,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
        if "--json" not in args and args[:1] != ("schema",):  # schema prints JSON
            assert_fits(done.stdout + done.stderr)
        return done


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


GOOD = dict(type="mydet.Detector", backbone=dict(type="ResNet", depth=50))
BAD = dict(
    type="mydet.Detector",
    backbone=dict(type="ResNet", depth="fifty", num_stagse=4),
    neck=dict(type="FPNN"),
    head=dict(type="RetinaHead"),
)


def test_a_valid_config_exits_0(project: Project) -> None:
    name = project.write("good.json", GOOD)
    done = project.run("validate", name, code=0)
    assert (done.stdout, done.stderr) == ("good.json: valid\n", "")
    done = project.run("validate", name, "--registry", "model", "--trusted", code=0)
    assert done.stdout == "good.json: valid\n"


def test_warnings_are_printed_and_exit_0(project: Project) -> None:
    name = project.write("warn.json", dict(type="mydet.Detector", backbone=dict(type="ResNet")))
    done = project.run("validate", name, code=0)
    assert done.stdout.splitlines()[0].startswith(
        "warning: backbone.depth: missing argument 'depth' for mydet.ResNet"
    )
    assert done.stdout.splitlines()[-1] == "warn.json: valid (1 warning)"


def test_errors_exit_1_with_every_issue(project: Project) -> None:
    name = project.write("bad.json", BAD)
    done = project.run("validate", name, code=1)
    text = " ".join(line.strip() for line in done.stdout.splitlines())
    assert text.startswith("error: backbone.depth: expected int, got str 'fifty' for mydet.ResNet")
    for part in (
        "error: backbone.num_stagse: unexpected argument 'num_stagse'",
        "; did you mean 'num_stages'?",
        "warning: head.num_classes: missing argument 'num_classes' for mydet.RetinaHead",
        "error: neck: unknown type 'FPNN'",
    ):
        assert part in text
    assert done.stdout.splitlines()[-1] == "bad.json: invalid (3 errors, 1 warning)"
    assert done.stderr == ""


def test_json_output(project: Project) -> None:
    name = project.write("bad.json", BAD)
    data = json.loads(
        project.run("validate", name, "--json", "--registry", "MODELS", code=1).stdout
    )
    assert {k: v for k, v in data.items() if k != "issues"} == {
        "schema": 1,
        "config": "bad.json",
        "registry": "MODELS",
        "ok": False,
        "errors": 3,
        "warnings": 1,
    }
    first = data["issues"][0]
    assert sorted(first) == sorted(
        [
            "path",
            "code",
            "severity",
            "message",
            "registry",
            "type",
            "target",
            "file",
            "line",
            "suggestions",
            "source",
            "error",
        ]
    )
    assert (first["path"], first["code"], first["severity"]) == (
        "backbone.depth",
        "wrong-type",
        "error",
    )
    assert first["registry"] == "mydet::model" and first["target"] == "mydet.models.ResNet"
    assert first["file"].endswith(os.path.join("mydet", "models.py")) and first["line"] > 0
    assert [i["path"] for i in data["issues"]] == [
        "backbone.depth",
        "backbone.num_stagse",
        "head.num_classes",
        "neck",
    ]
    assert data["issues"][1]["suggestions"] == ["num_stages"]
    good = json.loads(
        project.run("validate", project.write("g.json", GOOD), "--json", code=0).stdout
    )
    assert (good["ok"], good["errors"], good["warnings"], good["issues"]) == (True, 0, 0, [])


def test_a_plugin_error_names_the_exception(project: Project) -> None:
    write_tree(project.site, {"mydet": {"models.py": "raise RuntimeError('no GPU here')"}})
    data = json.loads(
        project.run("validate", project.write("g.json", GOOD), "--json", code=1).stdout
    )
    (issue,) = data["issues"]
    assert issue["code"] == "plugin-error"
    assert issue["error"] == "RuntimeError: no GPU here"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cfg.ini", "[model]\n", "unsupported"),
        ("cfg.py", "import os\nmodel = dict()\n", "--trusted"),
        ("cfg.py", "model = dict(\n", "line"),
        ("cfg.yaml", "model: !!python/object/apply:os.system [echo hi]\n", "cfg.yaml"),
        ("cfg.toml", "model = \n", "cfg.toml"),
        ("cfg.json", '{"type": ', "line 1"),
        ("cfg.json", "3", "cfg.json"),
        ("with_base.py", "_base_ = './nowhere.py'\n", "nowhere.py"),
    ],
)
def test_a_file_that_cannot_be_loaded_exits_2(
    project: Project, name: str, content: str, message: str
) -> None:
    (project.root / name).write_text(content, encoding="utf-8")
    done = project.run("validate", name, code=2)
    assert done.stdout == ""
    assert message in " ".join(line.strip() for line in done.stderr.splitlines())
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("good.py", "type = 'mydet.Detector'\nbackbone = dict(type='ResNet', depth=50)\n"),
        ("good.toml", "type = 'mydet.Detector'\n[backbone]\ntype = 'ResNet'\ndepth = 50\n"),
        ("good.yaml", "type: mydet.Detector\nbackbone:\n  type: ResNet\n  depth: 50\n"),
    ],
)
def test_every_config_format_validates(project: Project, name: str, text: str) -> None:
    (project.root / name).write_text(text, encoding="utf-8")
    assert project.run("validate", name, code=0).stdout == f"{name}: valid\n"


def test_an_issue_set_by_a_base_file_names_that_file(project: Project) -> None:
    (project.root / "base.py").write_text(
        "model = dict(type='mydet.Detector', backbone=dict(type='ResNet', depth='fifty'))\n"
    )
    (project.root / "child.py").write_text(
        "_base_ = './base.py'\nmodel = dict(backbone=dict(num_stagse=4))\n"
    )
    done = project.run("validate", "child.py", code=1)
    text = " ".join(done.stdout.split())
    assert "model.backbone.depth: expected int, got str 'fifty'" in text
    assert "(set in base.py)" in text
    issues = json.loads(project.run("validate", "child.py", "--json", code=1).stdout)["issues"]
    sources = {issue["path"]: os.path.basename(issue["source"]) for issue in issues}
    assert sources["model.backbone.depth"] == "base.py"
    assert sources["model.backbone.num_stagse"] == "child.py"


def test_usage_errors_exit_2(project: Project) -> None:
    missing = project.run("validate", "missing.json", code=2).stderr
    assert "missing.json: no such config file" in " ".join(missing.split())
    project.write("good.json", GOOD)
    done = project.run("validate", "good.json", "--registry", "modle", code=2)
    assert "unknown registry 'modle'" in done.stderr
    assert "the following arguments are required: CONFIG" in project.run("validate", code=2).stderr
    assert "unknown registry" in project.run("schema", "nosuch", code=2).stderr


def test_schema(project: Project) -> None:
    done = project.run("schema", "model", code=0)
    schema = json.loads(done.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    check = jsonschema.Draft202012Validator(schema)
    assert check.is_valid(GOOD)
    assert check.is_valid(BAD)  # its mistakes are all in nested nodes, checked loosely
    assert not check.is_valid(dict(type="mydet.ResNet", depth="fifty"))
    assert not check.is_valid(dict(type="mydet.ResNet", depth=50, depht=50))
    assert "mydet.ResNet" in schema["properties"]["type"]["enum"]
    everything = json.loads(project.run("schema", code=0).stdout)
    assert "mydet.CocoDataset" in everything["properties"]["type"]["enum"]
    # issue 19 item 7: the output is always JSON, so there is no --json to accept
    assert "unrecognized arguments: --json" in project.run("schema", "--json", code=2).stderr


# -- issue 19 item 6: many files in one process; --strict; item 7: the help ---------------


def test_many_files_and_globs_in_one_run(project: Project) -> None:
    project.write("a.json", GOOD)
    project.write("b.json", BAD)
    (project.root / "sub" / "deep").mkdir(parents=True)
    warn = dict(type="mydet.Detector", backbone=dict(type="ResNet"))
    (project.root / "sub" / "deep" / "c.json").write_text(json.dumps(warn), encoding="utf-8")
    (project.root / "sub" / "broken.json").write_text("{", encoding="utf-8")
    done = project.run("validate", "a.json", "sub/**/*.json", "b.json", code=2)
    lines = done.stdout.splitlines()
    # a file with issues gets its block; a clean one is only counted; then the summary
    assert "b.json: invalid (3 errors, 1 warning)" in lines
    assert "sub/deep/c.json: valid (1 warning)" in lines
    assert "a.json: valid" not in lines
    assert lines[-1] == (
        "4 configs: 2 valid, 1 invalid, 1 could not be loaded (3 errors, 2 warnings)"
    )
    assert "sub/broken.json" in done.stderr  # and it is why the status is 2
    assert "\r" not in done.stderr  # no progress line off a terminal
    project.run("validate", "a.json", "b.json", code=1)
    project.run("validate", "a.json", "sub/deep/*.json", code=0)
    as_json = json.loads(project.run("validate", "a.json", "b.json", "--json", code=1).stdout)
    assert [c["config"] for c in as_json["configs"]] == ["a.json", "b.json"]
    assert as_json["summary"] == dict(
        configs=2, valid=1, invalid=1, unloadable=0, errors=3, warnings=1
    )
    assert "no file matches 'nothing/*.json'" in " ".join(
        project.run("validate", "nothing/*.json", code=2).stderr.split()
    )


def test_strict_makes_warnings_fail(project: Project) -> None:
    name = project.write("warn.json", dict(type="mydet.Detector", backbone=dict(type="ResNet")))
    project.run("validate", name, code=0)
    done = project.run("validate", name, "--strict", code=1)
    assert done.stdout.splitlines()[-1] == "warn.json: valid (1 warning)"
    project.run("validate", project.write("good.json", GOOD), "--strict", code=0)


def test_no_command_prints_the_help_and_where_the_guides_are(project: Project) -> None:
    done = project.run(code=2)
    assert "validate" in done.stderr and "schema" in done.stderr  # the commands
    # (installed from a wheel, the guides' folder is the installed copy:
    # tests/test_packaging.py; from this checkout, its docs/)
    line = next(x for x in done.stderr.splitlines() if x.startswith("Documentation: "))
    assert (Path(line.removeprefix("Documentation: ")) / "cli.md").is_file()
    assert "Documentation: " in project.run("validate", "--help", code=0).stdout
