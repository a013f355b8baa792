"""What the built wheel ships, installed for real into a fresh virtual environment.

The project is copied (sources, docs and the files ``pyproject.toml`` names) and built
with pip, as a release would be; the wheel is installed into a new venv with pip and
the installed ``registry-core`` command is run there.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=300, check=False, cwd=cwd
    )


def test_the_wheel_ships_py_typed_and_the_guides_the_help_points_to(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "CHANGELOG.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "docs", source / "docs")
    shutil.copytree(
        REPO / "registry_core",
        source / "registry_core",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    wheels = tmp_path / "wheels"
    built = _run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
        "-w", wheels, source,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("registry_core-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "registry_core/py.typed" in names
    guides = sorted(n.rpartition("/")[2] for n in names if "/share/doc/registry-core/" in n)
    assert guides == sorted(
        ["README.md", "CHANGELOG.md", *(p.name for p in (REPO / "docs").glob("*.md"))]
    )

    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    installed = _run(
        sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
        "--no-index", wheel,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr

    # No command: the help, ending with where this installation's guides are.
    done = _run(python, "-m", "registry_core", cwd=tmp_path)  # (not the checkout's cwd)
    assert done.returncode == 2
    line = next(x for x in done.stderr.splitlines() if x.startswith("Documentation: "))
    docs = Path(line.removeprefix("Documentation: "))
    assert docs.resolve().is_relative_to(env.resolve())  # the installed copy, not the checkout
    assert (docs / "cli.md").read_text(encoding="utf-8") == (REPO / "docs" / "cli.md").read_text(
        encoding="utf-8"
    )
