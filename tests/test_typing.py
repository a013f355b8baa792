"""Users' type checkers: the documented patterns pass ``mypy --strict``."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import registry_core

SNIPPET = """
import registry_core
from registry_core import Registry

MODELS = Registry("model", parent=registry_core.MODELS, locations=["mydet.models"])
INTS: Registry[type[int]] = Registry("ints", scope="typed")

@MODELS.register_module()
class NetA:
    pass

reveal_type(MODELS)
reveal_type(INTS.get("x"))
reveal_type(INTS.get("x", 0))
reveal_type(INTS["x"])
reveal_type(MODELS.register_module(module=NetA))
reveal_type(MODELS.register_module()(NetA))
"""


def test_plugin_pattern_type_checks(tmp_path: Path) -> None:
    pytest.importorskip("mypy", reason="mypy comes with the 'test' extra")
    snippet = tmp_path / "mydet_registry.py"
    snippet.write_text(textwrap.dedent(SNIPPET))
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(snippet)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        # an editable install is an import hook mypy cannot follow: point it at the source
        env={**os.environ, "MYPYPATH": str(Path(registry_core.__file__).parent.parent)},
    )
    revealed = [
        line.split("Revealed type is ", 1)[1]
        for line in out.stdout.splitlines()
        if "Revealed type is" in line
    ]
    assert revealed == [
        '"registry_core.registry.Registry[Any]"',
        '"type[int] | None"',
        '"type[int] | int"',
        '"type[int]"',
        '"def () -> mydet_registry.NetA"',
        '"def () -> mydet_registry.NetA"',
    ], out.stdout
    assert "error" not in out.stdout.replace("no issues", ""), out.stdout
