"""Fixtures shared by the command-line tests (``test_cli.py``, ``test_cli_hostile.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import registry_core
from tests._cli_env import Env


@pytest.fixture(scope="session")
def deps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding copies of ``registry_core`` and ``packaging``, nothing else."""
    import packaging

    folder = tmp_path_factory.mktemp("deps")
    ignore = shutil.ignore_patterns("__pycache__")
    for module in (registry_core, packaging):
        assert module.__file__ is not None
        source = Path(module.__file__).parent
        shutil.copytree(source, folder / source.name, ignore=ignore)
    return folder


@pytest.fixture
def env(tmp_path: Path, deps: Path) -> Env:
    return Env(tmp_path, deps)
