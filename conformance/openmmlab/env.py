"""The OpenMMLab test environment: real MMEngine, MMCV, MMPretrain and CPU torch.

``prepare()`` makes a virtual environment (cached under the conformance cache
folder, ``$REGISTRY_CORE_CONFORMANCE_CACHE`` or
``~/.cache/registry_core-conformance``, and reused while its pins are the
same) holding:

- ``mmengine-lite`` 0.10.7 (MMEngine without the GUI OpenCV) with its
  dependencies;
- ``mmcv-lite`` 2.1.0 and ``mmpretrain`` 1.2.0, both ``--no-deps``: MMCV has
  no binary wheel (``mmcv-lite`` holds its pure-Python parts), its declared
  dependencies would pull the full ``mmengine`` and GUI OpenCV, and
  MMPretrain requires ``mmcv``, which ``mmcv-lite`` provides as a module but
  not as a distribution; so the runtime dependencies they import are
  installed by name (``RUNTIME``);
- ``torch`` 2.13.0 (the CPU build pip finds) and ``torchvision`` 0.28.0, made
  importable by ``torchvision_shim`` (see there), installed as a ``.pth``.

Then, at every run, ``registry_core`` from the checkout, editable with its
``[test]`` extras (no build isolation: the environment has setuptools), so
that the cached environment always tests the checkout it is run from.
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
SHIM_PTH = "registry_core_torchvision_shim.pth"


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


def prepare(cache: Path | None = None) -> Path:
    """Make (or reuse) the environment; install the checkout into it; return its python."""
    cache = cache or cache_folder()
    pins = "\n".join([*PINS, *NO_DEPS, *RUNTIME, (HERE / "torchvision_shim.py").read_text()])
    tag = hashlib.sha256(pins.encode()).hexdigest()[:12]
    version = sysconfig.get_python_version()
    venv = cache / f"venv-openmmlab-py{version}-{tag}"
    python = venv / "bin" / "python"
    if not (venv / ".complete").exists():
        if venv.exists():
            shutil.rmtree(venv)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        _pip(python, "install", *PINS, *RUNTIME, "setuptools")
        _pip(python, "install", "--no-deps", *NO_DEPS)
        site = _site_packages(python)
        shutil.copy(HERE / "torchvision_shim.py", site / "registry_core_torchvision_shim.py")
        (site / SHIM_PTH).write_text("import registry_core_torchvision_shim\n")
        (venv / ".complete").write_text("\n".join([*PINS, *NO_DEPS, *RUNTIME]) + "\n")
    _pip(python, "install", "--no-build-isolation", "-e", f"{ROOT}[test]")
    return python
