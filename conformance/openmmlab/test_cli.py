"""``registry-core tree``, ``list``, ``show`` and ``check`` on the real MMPretrain (issue 17, 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CLI = Path(sys.executable).parent / "registry-core"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_tree_shows_mmpretrain_at_mmengines_place() -> None:
    done = cli("tree")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    models = lines.index(next(line for line in lines if line.startswith("MODELS (model)")))
    assert lines[models + 1].startswith("`-- mmengine ")
    assert "mmengine-lite 0.10.7  loaded" in lines[models + 1]
    assert lines[models + 2].split()[:2] == ["`--", "mmpretrain"]
    assert "mmpretrain 1.2.0      loaded" in lines[models + 2]
    # matched by identity: MMPretrain's optimizer_wrapper under MMEngine's optim_wrapper
    assert any("mmpretrain (optimizer_wrapper)" in line for line in lines)
    # parentless registries are roots of their own
    assert any(line.startswith("BATCH_AUGMENTS (batch augment)") for line in lines)


def test_list_shows_mmpretrains_names() -> None:
    done = cli("list", "MODELS", "--scope", "mmpretrain", "--json")
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)["entries"]
    qualnames = {entry["name"]: entry["qualname"] for entry in entries}
    assert qualnames["ResNet"] == "mmpretrain.models.backbones.resnet.ResNet"
    assert qualnames["ImageClassifier"] == "mmpretrain.models.classifiers.image.ImageClassifier"
    assert len(entries) > 150
    assert {entry["scope"] for entry in entries} == {"mmpretrain"}


def test_show_says_where_mmpretrain_sgd_really_lives() -> None:
    """MMEngine registers SGD in its own scope: mmpretrain.SGD resolves through it."""
    done = cli("show", "mmpretrain.SGD", "--json")
    assert done.returncode == 0, done.stderr
    hit = json.loads(done.stdout)["hits"][0]
    assert (hit["registry"], hit["scope"], hit["qualname"]) == (
        "OPTIMIZERS",
        "mmengine",
        "torch.optim.sgd.SGD",
    )
    assert (hit["distribution"], hit["version"]) == ("mmengine-lite", "0.10.7")


def test_check_passes() -> None:
    done = cli("check", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    plugins = {p["scope"]: p["status"] for p in report["plugins"]}
    assert plugins == {"mmengine": "loaded", "mmpretrain": "loaded"}
    assert {p["source"] for p in report["plugins"]} == {"mmengine"}
    assert report["ok"] is True
