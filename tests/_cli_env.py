"""The isolated environment the command-line tests run ``registry-core`` in.

See ``tests/test_cli.py`` for what it isolates and why; the ``deps`` and
``env`` fixtures (``tests/conftest.py``) hand it to tests.
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

WIDTH = 80


class Env:
    """A fake site of installed distributions and a way to run the command on it.

    The site is ``<tmp>/site-packages``; commands run with ``<tmp>`` as the
    working directory.
    """

    def __init__(self, root: Path, deps: Path) -> None:
        self.root = root
        self.site = root / "site-packages"
        self.site.mkdir(parents=True)
        self.deps = deps

    def add(
        self,
        name: str,
        *,
        scopes: Mapping[str, str] | None = None,
        modules: Mapping[str, str] | None = None,
        version: str = "1.0",
        requires: Sequence[str] = (),
    ) -> None:
        """Install a fake distribution; module sources are dedented."""
        sources = {path: textwrap.dedent(text) for path, text in (modules or {}).items()}
        write_tree(
            self.site,
            distribution_tree(name, version, scopes=scopes, requires=requires, modules=sources),
        )

    def run(
        self, *args: str, env: Mapping[str, str] | None = None, code: int | None = 0
    ) -> subprocess.CompletedProcess[str]:
        """Run ``registry-core ARGS``; check its exit status and, for text, the width."""
        environ = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "REGISTRY_CORE_")) and k not in ("COLUMNS", "LINES")
        }
        environ.update(
            PYTHONPATH=os.pathsep.join([str(self.deps), str(self.site)]),
            PYTHONDONTWRITEBYTECODE="1",
            REGISTRY_CORE_CACHE_DIR="",
        )
        environ.update(env or {})
        done = subprocess.run(
            [sys.executable, "-S", "-m", "registry_core", *args],
            cwd=self.root,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if code is not None:
            assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
        if "--json" not in args and args[:1] != ("schema",):  # schema prints JSON
            assert_fits(done.stdout + done.stderr)
        return done

    def json(self, *args: str, **kwargs: Any) -> dict[str, Any]:
        """Run with ``--json`` and parse stdout."""
        data: dict[str, Any] = json.loads(self.run(*args, "--json", **kwargs).stdout)
        assert data["schema"] == 1
        return data


def assert_fits(text: str) -> None:
    """Every line fits ``WIDTH`` columns, but for a word longer than a line (a file
    path), which is never broken: it sits alone after the line's indent or label."""
    too_wide = [line for line in text.splitlines() if len(line) > WIDTH and not _one_long(line)]
    assert not too_wide, too_wide


def _one_long(line: str) -> bool:
    words = line.split()
    longest = max(words, key=len)
    return len(longest) > WIDTH // 2 and len(line) - len(longest) <= WIDTH // 4
