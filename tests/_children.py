"""Fresh interpreters for the tests where process state matters.

``write_site`` writes installed distributions (``registry_core.testing``'s
``distribution_tree``) into a folder; ``run_python`` runs a script in a new
interpreter that has that folder first on ``sys.path`` and fails loudly (with
every thread's traceback) instead of hanging.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from registry_core.testing import distribution_tree, write_tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path
    from typing import Any

#: Put first in every child script: a hang dumps every thread and exits 3.
PRELUDE = "import faulthandler, sys\nfaulthandler.dump_traceback_later({timeout}, exit=True)\n"


def plugin(
    name: str,
    modules: Mapping[str, str],
    *,
    scopes: Mapping[str, str] | None = None,
    requires: Sequence[str] = (),
    version: str = "1.0",
) -> dict[str, Any]:
    """One distribution whose package ``name`` holds ``modules`` (file name -> source).

    ``scopes`` default to ``{name: name + '.registry'}``.
    """
    return distribution_tree(
        name,
        version,
        scopes=scopes if scopes is not None else {name: f"{name}.registry"},
        requires=requires,
        modules={
            f"{name}/__init__.py": "",
            **{f"{name}/{file}": textwrap.dedent(source) for file, source in modules.items()},
        },
    )


def write_site(folder: Path, *distributions: Mapping[str, Any]) -> Path:
    """Write ``distributions`` (trees of :func:`plugin`) under ``folder``."""
    for tree in distributions:
        write_tree(folder, tree)
    return folder


def run_python(
    code: str,
    site: Path | None = None,
    *,
    timeout: float = 60,
    env: Mapping[str, str] | None = None,
    flags: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with ``site`` first on ``sys.path``.

    ``flags`` go to the interpreter, e.g. ``["-S"]``: no ``site`` module, so
    that not even ``importlib`` is imported at start-up (our ``sys.path`` is
    passed on through ``PYTHONPATH``).
    """
    paths = ([str(site)] if site is not None else []) + [p for p in sys.path if p]
    child_env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), **(env or {})}
    script = PRELUDE.format(timeout=max(1, int(timeout) - 5)) + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, *flags, "-c", script],
        env=child_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def json_of(run: subprocess.CompletedProcess[str]) -> Any:
    """The JSON the child printed last, or an assertion error showing its output."""
    assert run.returncode == 0, f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    return json.loads(run.stdout.strip().splitlines()[-1])
