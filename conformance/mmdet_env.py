"""MMDetection's configs and a Python with MMEngine, in a cache folder reused between runs.

``prepare()`` downloads the MMDetection 3.3.0 wheel and the MMEngine wheel
(``pip download --no-deps``), unpacks the configs the MMDetection wheel ships
(``mmdet/.mim/configs``) and makes a virtual environment with ``mmengine-lite``
installed (MMDetection itself is not installed). Everything lives under
``$REGISTRY_CORE_CONFORMANCE_CACHE`` (default ``~/.cache/registry_core-conformance``)
and is reused by the next run. The conformance test and ``benchmarks/bench_config.py``
both use it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

MMDET = "3.3.0"
MMENGINE = "0.10.7"

#: What pip prints when it cannot reach the package index.
_UNREACHABLE = re.compile(
    r"NewConnectionError|Failed to establish a new connection|Temporary failure in name "
    r"resolution|Name or service not known|Network is unreachable|ConnectTimeout|ReadTimeout|"
    r"Max retries exceeded|ProxyError|Connection refused|No route to host"
)


class IndexUnreachableError(RuntimeError):
    """The package index cannot be reached, so nothing can be downloaded."""


class Environment:
    """What ``prepare`` made.

    Attributes:
        configs: the folder ``mmdet/.mim/configs`` of the MMDetection wheel.
        python: the interpreter of the environment where MMEngine is installed.
        cache: the cache folder.
    """

    def __init__(self, configs: Path, python: Path, cache: Path) -> None:
        self.configs = configs
        self.python = python
        self.cache = cache

    def config_files(self) -> list[Path]:
        """Every config file the wheel ships (``.py``, ``.json``, ``.yaml``, ``.yml``), sorted."""
        suffixes = (".py", ".json", ".yaml", ".yml")
        return sorted(p for p in self.configs.rglob("*") if p.suffix in suffixes and p.is_file())


def cache_folder() -> Path:
    """``$REGISTRY_CORE_CONFORMANCE_CACHE``, or ``~/.cache/registry_core-conformance``."""
    folder = os.environ.get("REGISTRY_CORE_CONFORMANCE_CACHE")
    return Path(folder) if folder else Path.home() / ".cache" / "registry_core-conformance"


def _pip(*args: str, cwd: Path | None = None, python: str = sys.executable) -> None:
    command = [
        python,
        "-m",
        "pip",
        *args,
        "--disable-pip-version-check",
        "--retries",
        "2",
        "--timeout",
        "30",
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    if done.returncode:
        output = done.stdout + done.stderr
        if _UNREACHABLE.search(output):
            raise IndexUnreachableError(f"the package index cannot be reached: {' '.join(args)}")
        raise RuntimeError(f"{' '.join(command)} failed:\n{output}")


def _wheel(wheels: Path, requirement: str, prefix: str) -> Path:
    found = sorted(wheels.glob(f"{prefix}-*.whl"))
    if not found:
        _pip("download", "--no-deps", "--only-binary", ":all:", requirement, "-d", str(wheels))
        found = sorted(wheels.glob(f"{prefix}-*.whl"))
    return found[-1]


def prepare(cache: Path | None = None) -> Environment:
    """Download and unpack what the conformance test needs, or reuse what is cached.

    Raises:
        IndexUnreachableError: something is missing from the cache and the index
            cannot be reached.
    """
    cache = cache or cache_folder()
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    mmdet_wheel = _wheel(wheels, f"mmdet=={MMDET}", f"mmdet-{MMDET}")
    mmengine_wheel = _wheel(wheels, f"mmengine-lite=={MMENGINE}", f"mmengine_lite-{MMENGINE}")

    unpacked = cache / f"mmdet-{MMDET}"
    configs = unpacked / "mmdet" / ".mim" / "configs"
    if not (unpacked / ".complete").exists():
        with zipfile.ZipFile(mmdet_wheel) as wheel:
            members = [n for n in wheel.namelist() if n.startswith("mmdet/.mim/configs/")]
            wheel.extractall(unpacked, members)
        (unpacked / ".complete").write_text("")

    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    venv = cache / f"venv-mmengine-{MMENGINE}-py{version}"
    python = venv / "bin" / "python"
    if not (venv / ".complete").exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        # mmengine-lite imports packaging without declaring it
        _pip("install", "--quiet", str(mmengine_wheel), "packaging", python=str(python))
        (venv / ".complete").write_text("")
    return Environment(configs, python, cache)
