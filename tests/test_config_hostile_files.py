"""Hostile config files and bases: every failure is a ConfigError, found quickly (issue 16).

Real files on disk, loaded by ``load_config`` or the ``registry-core``
command; where process state matters (what is imported, how long a load
takes), in a fresh interpreter with a timeout, so a regression fails instead
of hanging the suite. Scenario numbers are those of the issue.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from registry_core import ConfigError, load_config
from tests._children import run_python
from tests.test_cli_config import console_script

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from registry_core.testing import PluginSite


# -- 4. a scope:: base is found from metadata and files, importing nothing ------------


def test_4_an_unknown_scope_imports_nothing(tmp_path: Path) -> None:
    # In a venv made by ``python -m venv`` on 3.10-3.11, setuptools' distutils-precedence.pth
    # installs a finder that imports about 230 modules when anything looks ``distutils`` up.
    (tmp_path / "warm.py").write_text("_base_ = 'nosuchscope::x.py'\n")
    (tmp_path / "cfg.py").write_text("_base_ = 'distutils::x.py'\n")
    code = f"""
    import json, sys
    from registry_core import ConfigError, load_config
    try:
        load_config({str(tmp_path / "warm.py")!r})
    except ConfigError:
        pass
    before = set(sys.modules)
    try:
        load_config({str(tmp_path / "cfg.py")!r})
        error = None
    except ConfigError as exc:
        error = str(exc)
    print(json.dumps({{"error": error, "imported": sorted(set(sys.modules) - before)}}))
    """
    run = run_python(code, timeout=60)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["imported"] == [], result["imported"]
    assert "'distutils::x.py'" in result["error"]  # no such config, whichever distutils


def test_4_a_scope_base_in_an_editable_install_is_found_from_its_finder_file(
    plugin_site: PluginSite, tmp_path: Path
) -> None:
    # setuptools' editable installs map top-level packages to folders in a finder module
    # (written as below); the folder is read from that file, and nothing is imported.
    project = tmp_path / "checkout" / "editdet"
    (project / "configs" / "_base_").mkdir(parents=True)
    (project / "__init__.py").write_text("raise RuntimeError('the codebase was imported')\n")
    (project / "configs" / "_base_" / "model.py").write_text("model = dict(type='Net')\n")
    (plugin_site.path / "__editable___editdet_1_0_finder.py").write_text(
        "import sys\n"
        f"MAPPING: dict[str, str] = {{'editdet': {str(project)!r}}}\n"
        "NAMESPACES: dict[str, list[str]] = {}\n"
        "raise RuntimeError('the finder was imported')\n"
    )
    child = tmp_path / "child.py"
    child.write_text("_base_ = 'editdet::_base_/model.py'\n")
    modules = set(sys.modules)
    assert load_config(child) == {"model": {"type": "Net", "_scope_": "editdet"}}
    assert not any(m.startswith(("editdet", "__editable__")) for m in set(sys.modules) - modules)


# -- 5. each base is read once per load_config --------------------------------------


def _lattice(folder: Path, levels: int) -> Path:
    """``levels`` diamonds stacked: t{k} has the bases l{k} and r{k}, both based on t{k-1}."""
    (folder / "t0.py").write_text("# the bottom of the lattice: no keys\n")
    for k in range(1, levels + 1):
        for side in "lr":
            (folder / f"{side}{k}.py").write_text(f"_base_ = 't{k - 1}.py'\n")
        (folder / f"t{k}.py").write_text(f"_base_ = ['l{k}.py', 'r{k}.py']\n")
    top = folder / "top.py"
    top.write_text(f"_base_ = 't{levels}.py'\nx = 1\n")
    return top


def test_5_a_lattice_of_bases_dated_in_the_future_loads_at_once(tmp_path: Path) -> None:
    # 22 diamonds, 66 files, dated an hour ahead (as tar and unzip restore them), so that
    # the on-disk cache keeps none: read once per path through the lattice, 2**22 times.
    top = _lattice(tmp_path, 22)
    ahead = time.time() + 3600
    for file in tmp_path.iterdir():
        os.utime(file, (ahead, ahead))
    code = f"""
    import json, time
    from registry_core import load_config
    start = time.perf_counter()
    cfg = load_config({str(top)!r})
    print(json.dumps({{"cfg": dict(cfg), "seconds": time.perf_counter() - start}}))
    """
    run = run_python(code, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["cfg"] == {"x": 1}
    assert result["seconds"] < 5, result


def test_5_two_bases_setting_one_key_through_a_shared_base_is_still_an_error(
    tmp_path: Path,
) -> None:
    (tmp_path / "bottom.py").write_text("a = 1\n")
    for side in "lr":
        (tmp_path / f"{side}.py").write_text("_base_ = 'bottom.py'\n")
    (tmp_path / "top.py").write_text("_base_ = ['l.py', 'r.py']\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "top.py")
    message = str(info.value)
    assert str(tmp_path / "l.py") in message and str(tmp_path / "r.py") in message
    assert "'a'" in message


# -- 6. deep data is a ConfigError, at any depth -------------------------------------


def _deep(fmt: str, depth: int) -> str:
    nested = "[" * depth + "]" * depth
    if fmt == "json":
        return '{"a": ' + nested + "}"
    if fmt == "toml":
        return "a = " + nested + "\n"
    return "a: " + nested + "\n"


@pytest.mark.parametrize("fmt", ["json", "toml", "yaml"])
@pytest.mark.parametrize("depth", [300, 495, 700, 990, 1100, 3000, 100_000])
def test_6_deep_data_loads_or_is_a_config_error(tmp_path: Path, fmt: str, depth: int) -> None:
    path = tmp_path / f"deep.{fmt}"
    path.write_text(_deep(fmt, depth))
    error: ConfigError | None = None
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        error = exc
    if error is not None:
        assert error.file == str(path)
        assert "nested too deeply" in str(error) or "nesting" in str(error), str(error)
    else:
        value = cfg["a"]
        for _ in range(depth - 1):
            value = value[0]
        assert value == []


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_6_deep_data_in_a_base_is_a_config_error_naming_it(tmp_path: Path, fmt: str) -> None:
    base = tmp_path / f"base.{fmt}"
    base.write_text(_deep(fmt, 100_000))
    child = tmp_path / "child.py"
    child.write_text(f"_base_ = 'base.{fmt}'\nx = 1\n")
    with pytest.raises(ConfigError) as info:
        load_config(child)
    assert str(base) in str(info.value)
    assert "nested too deeply" in str(info.value)


def _validate(folder: Path, *args: str) -> tuple[int, str, str]:
    drop = ("PYTHON", "REGISTRY_CORE_")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    done = subprocess.run(
        [console_script(), "validate", *args],
        cwd=folder,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


def test_6_validate_of_deep_json_exits_2_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text(_deep("json", 100_000))
    code, out, err = _validate(tmp_path, "deep.json")
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and "RecursionError" not in err
    assert "deep.json" in err and "nested too deeply" in err


def test_6_validate_json_of_deep_json_prints_json(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text(_deep("json", 100_000))
    code, out, err = _validate(tmp_path, "deep.json", "--json")
    assert code == 2, (code, out, err)
    assert "Traceback" not in err
    report = json.loads(out)
    assert report["ok"] is False and report["config"] == "deep.json"
    assert "nested too deeply" in report["error"] and "deep.json" in report["error"]


# -- 9. a cycle through a symlink is a cycle ---------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_9_a_base_cycle_through_a_symlink_is_reported_as_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(".")
    (tmp_path / "a.py").write_text("_base_ = 'link/a.py'\nx = 1\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "a.py")
    message = str(info.value)
    assert "cycle" in message, message
    assert f"{tmp_path / 'a.py'} -> {tmp_path / 'link' / 'a.py'}" in message
    assert "does not exist" not in message


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_9_one_file_reached_by_two_names_without_a_cycle_loads(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(".")
    (tmp_path / "base.py").write_text("b = 2\n")
    (tmp_path / "a.py").write_text("_base_ = 'link/base.py'\nx = 1\n")
    assert load_config(tmp_path / "a.py") == {"b": 2, "x": 1}
