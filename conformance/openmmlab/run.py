"""The OpenMMLab test step: make the environment (``env.py``), run its tests there.

Usage: ``python conformance/openmmlab/run.py [PYTEST ARGS...]`` from any
Python (CI uses the main ``.venv``); without test paths among the arguments,
it runs them all. It prints how long the environment took
(cold: created; warm: reused) and exits with pytest's status. The tests are
``conformance/openmmlab/test_*.py`` and the examples of ``docs/openmmlab.md``;
the main test run never collects them (``conformance/conftest.py``,
``pyproject.toml``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import env  # the harness beside this file


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    python = env.prepare()
    print(f"OpenMMLab environment ready in {time.perf_counter() - started:.1f} s: {python}")
    variables = dict(os.environ, REGISTRY_CORE_OPENMMLAB_STEP="1")
    command = [
        str(python),
        "-m",
        "pytest",
        # the main run's options, but MMCV warns at import (it is mmcv-lite)
        "-o",
        "addopts=--doctest-glob=*.md -p no:cacheprovider",
        "-o",
        "filterwarnings=error\nignore::UserWarning:mmcv.*\nignore::DeprecationWarning\n"
        "ignore::FutureWarning",
        "--rootdir",
        str(env.ROOT),
        *argv,
    ]
    if any(not arg.startswith("-") for arg in argv):  # paths given: those
        return subprocess.run(command, cwd=env.ROOT, env=variables).returncode
    # The tests, then the docs page in a process of its own (it shows what a
    # fresh process sees: nothing of MMPretrain imported before its first use).
    status = 0
    for target in (env.HERE, env.ROOT / "docs" / "openmmlab.md"):
        done = subprocess.run([*command, str(target)], cwd=env.ROOT, env=variables)
        status = status or done.returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
