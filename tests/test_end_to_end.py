"""The seed scenario on real installs: ``pip install`` into a fresh virtualenv.

The framework and both demo plugins from ``plugins/`` are installed by pip into
a new virtual environment; the scenario then runs in that environment's
interpreter, from a folder outside the repository, so nothing is importable
but what pip installed. The process imports only ``registry_core``.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import textwrap
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with registry-core, toydet and toycls installed by pip."""
    env_dir = tmp_path_factory.mktemp("e2e") / "venv"
    # (shown with -s or on failure: this fixture takes a while)
    print(f"\n[test_end_to_end] creating a virtualenv in {env_dir}", flush=True)
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    print("[test_end_to_end] pip install registry-core, toydet and toycls into it", flush=True)
    pip = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(REPO),
            str(REPO / "plugins" / "toydet"),
            str(REPO / "plugins" / "toycls"),
        ],
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, f"pip install failed:\n{pip.stderr[-3000:]}"
    print("[test_end_to_end] installed; running the scenarios", flush=True)
    return python


def run(python: Path, code: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "REGISTRY_CORE"))}
    out = subprocess.run(
        [str(python), "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_seed_scenario(installed: Path, tmp_path: Path) -> None:
    stdout = run(
        installed,
        """
        import json, sys
        import registry_core
        before = {s: i.status for s, i in registry_core.available_scopes().items()}
        imported_before = sorted(m for m in sys.modules if m.startswith("toy"))
        net = registry_core.MODELS.build(dict(type="toydet.NetA"))
        detector = registry_core.MODELS.build(dict(
            type="toydet.Detector", backbone=dict(type="toycls.ResNetTiny", depth=18)))
        print(json.dumps({
            "before": before,
            "imported_before": imported_before,
            "net": type(net).__module__ + "." + type(net).__qualname__,
            "backbone": type(detector.backbone).__module__,
            "after": {s: i.status for s, i in registry_core.available_scopes().items()},
            "children": sorted(registry_core.MODELS.children),
            "version": registry_core.__version__,
            "dists": sorted(i.distribution for i in registry_core.available_scopes().values()),
        }))
        """,
        tmp_path,
    )
    result = json.loads(stdout)
    assert result["before"] == {"toycls": "discovered", "toydet": "discovered"}
    assert result["imported_before"] == []
    assert result["net"] == "toydet.models.NetA"
    assert result["backbone"] == "toycls.models"
    assert result["after"] == {"toycls": "loaded", "toydet": "loaded"}
    assert result["children"] == ["toycls", "toydet"]
    from registry_core._version import VERSION

    assert result["version"] == VERSION
    assert result["dists"] == ["toycls", "toydet"]


def test_demo_script(installed: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run(
        [str(installed), str(REPO / "plugins" / "demo.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "plugin modules imported so far: none" in out.stdout
    assert "-> ConfigError, 3 issues, nothing built:" in out.stdout
    for line in [
        "[wrong-type] backbone.depth: expected int, got str '18' for toycls.ResNetTiny "
        "(toycls/models.py:",
        "[unknown-type] neck: unknown type 'TinyFNP': it is not in the toydet::model registry "
        "(nor in another root); did you mean 'TinyFPN'?",
        "[unexpected-argument] num_clases: unexpected argument 'num_clases' for "
        "toydet.Detector (toydet/models.py:",
        "-> a report: no errors, 1 warning:",
        "[missing-argument] neck.in_channels: warning: missing argument 'in_channels' for "
        "toydet.TinyFPN (toydet/models.py:",
    ]:
        assert line in out.stdout, line
    assert "-> Detector(backbone=ResNetTiny(depth=18, out_channels=128)" in out.stdout
    assert "`-- toydet: Detector, NetA, TinyFPN" in out.stdout
    # the demo draws the children in the order `registry-core tree` does
    tree = subprocess.run(
        [str(installed.parent / "registry-core"), "tree", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    (models,) = [r for r in json.loads(tree.stdout)["roots"] if r["registry"] == "MODELS"]
    drawn = [line.split()[1].rstrip(":") for line in out.stdout.splitlines() if "-- toy" in line]
    assert drawn[: len(models["children"])] == [c["scope"] for c in models["children"]]


def test_spawn_worker_receives_a_discovered_registry(installed: Path, tmp_path: Path) -> None:
    script = tmp_path / "spawn_demo.py"
    script.write_text(
        textwrap.dedent(
            """
            import multiprocessing as mp
            import registry_core

            def build_in_worker(args):
                registry, cfg = args
                import sys
                return repr(registry.build(cfg)), "toydet.registry" in sys.modules

            if __name__ == "__main__":
                registry_core.MODELS.get("toydet.NetA")
                child = registry_core.MODELS.children["toydet"]
                cfg = dict(type="Detector", backbone=dict(type="toycls.ResNetTiny"))
                with mp.get_context("spawn").Pool(2) as pool:
                    results = pool.map(build_in_worker, [(child, cfg)] * 2)
                print(repr(child.build(cfg)))
                for text, loaded in results:
                    print(text, loaded)
            """
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    out = subprocess.run(
        [str(installed), str(script)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    parent, *workers = out.stdout.splitlines()
    assert workers == [f"{parent} True"] * 2


def test_import_adds_little_to_startup(installed: Path, tmp_path: Path) -> None:
    """Not a timing test: the modules ``import registry_core`` brings in, counted."""
    stdout = run(
        installed,
        """
        import sys
        before = set(sys.modules)
        import registry_core
        print(sorted(set(sys.modules) - before))
        """,
        tmp_path,
    )
    added = ast.literal_eval(stdout)
    ours = [m for m in added if m.startswith("registry_core")]
    others = sorted(set(added) - set(ours))
    # only tiny standard-library modules besides our own: no typing, re, threading
    assert set(others) <= {"__future__", "_contextvars", "contextvars", "_weakref", "types"}, others
