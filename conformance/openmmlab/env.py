"""The OpenMMLab test environment: real MMEngine, MMCV, MMPretrain and CPU torch.

Two layers, so that the slow one is made once per machine and the checkout
under test is the only ``registry_core`` in sight:

1. **The third-party layer**, cached under the conformance cache folder
   (``$REGISTRY_CORE_CONFORMANCE_CACHE`` or ``~/.cache/registry_core-conformance``)
   and reused while its pins are the same; never holds ``registry_core``:

   - ``mmengine-lite`` 0.10.7 (MMEngine without the GUI OpenCV) with its
     dependencies;
   - ``mmcv-lite`` 2.1.0 and ``mmpretrain`` 1.2.0, both ``--no-deps``: MMCV
     has no binary wheel (``mmcv-lite`` holds its pure-Python parts), its
     declared dependencies would pull the full ``mmengine`` and GUI OpenCV,
     and MMPretrain requires ``mmcv``, which ``mmcv-lite`` provides as a module
     but not as a distribution; so the runtime dependencies they import are
     installed by name (``RUNTIME``);
   - ``torch`` 2.13.0 (the CPU build pip finds) and ``torchvision`` 0.28.0,
     made importable by ``torchvision_shim`` (see there), installed as a
     ``.pth``;
   - the ``[test]`` extras of ``pyproject.toml`` (pytest, ...).

2. **``.venv-openmmlab``** in the checkout: a virtual environment that sees the
   first layer (a ``.pth`` adds it as a site folder, its ``.pth`` files
   included) and has the checkout installed editable, at every run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

PINS = ["mmengine-lite==0.10.7", "torch==2.13.0", "torchvision==0.28.0"]
NO_DEPS = ["mmcv-lite==2.1.0", "mmpretrain==1.2.0"]
#: What mmcv-lite and mmpretrain import, installed without their declared dependencies.
RUNTIME = [
    *("addict", "yapf", "Pillow", "pyyaml", "packaging", "numpy", "opencv-python-headless"),
    *("einops", "importlib-metadata", "mat4py", "modelindex", "rich"),
]
SHIM = "registry_core_torchvision_shim"


def cache_folder() -> Path:
    """``$REGISTRY_CORE_CONFORMANCE_CACHE``, or ``~/.cache/registry_core-conformance``."""
    folder = os.environ.get("REGISTRY_CORE_CONFORMANCE_CACHE")
    return Path(folder) if folder else Path.home() / ".cache" / "registry_core-conformance"


def _pip(python: Path, *args: str) -> None:
    command = [str(python), "-m", "pip", *args, "--quiet", "--disable-pip-version-check"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def _site_packages(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def _test_extras() -> list[str]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"]]


def third_party(cache: Path | None = None) -> Path:
    """The cached first layer (made if missing); its site-packages folder."""
    cache = cache or cache_folder()
    wanted = [*PINS, *NO_DEPS, *RUNTIME, *_test_extras()]
    shim = (HERE / "torchvision_shim.py").read_text()
    tag = hashlib.sha256("\n".join([*wanted, shim]).encode()).hexdigest()[:12]
    venv = cache / f"openmmlab-py{sysconfig.get_python_version()}-{tag}"
    python = venv / "bin" / "python"
    if not (venv / ".complete").exists():
        if venv.exists():
            shutil.rmtree(venv)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        _pip(python, "install", *PINS, *RUNTIME, *_test_extras(), "setuptools")
        _pip(python, "install", "--no-deps", *NO_DEPS)
        site = _site_packages(python)
        shutil.copy(HERE / "torchvision_shim.py", site / f"{SHIM}.py")
        (site / f"{SHIM}.pth").write_text(f"import {SHIM}\n")
        (venv / ".complete").write_text("\n".join(wanted) + "\n")
    return _site_packages(python)


def prepare(cache: Path | None = None) -> Path:
    """Make (or reuse) both layers; install the checkout; return the interpreter to use."""
    deps = third_party(cache)
    venv = ROOT / ".venv-openmmlab"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = _site_packages(python)
    line = f"import site; site.addsitedir({str(deps)!r})\n"
    (site / "openmmlab-third-party.pth").write_text(line)
    _pip(python, "install", "--no-deps", "--no-build-isolation", "-e", str(ROOT))
    return python
