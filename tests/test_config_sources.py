"""``Config.source_of``: which file set a config path, after inheritance."""

from __future__ import annotations

import copy
import pickle
import textwrap

import pytest

from registry_core import Config, load_config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

#   runtime.yaml      model.py
#          \           /     \
#           \   schedule.json  |
#            \      |          |
#             `- base.py ------'      (base.py: _base_ = [model.py, runtime.yaml])
#                   |
#               child.py              (child.py: _base_ = [base.py, schedule.json])
FILES = {
    "model.py": """
        model = dict(type='Net', backbone=dict(depth=50, norm=dict(type='BN')),
                     head=dict(loss=dict(w=1)))
        pipeline = [dict(type='Load'), dict(type='Flip', p=0.5)]
        """,
    "runtime.yaml": "hooks: {log: {interval: 50}}\nheads: {'a.b': {x: 1}}\n",
    "base.py": """
        _base_ = ['model.py', 'runtime.yaml']
        model = dict(backbone=dict(depth=101))
        """,
    "schedule.json": '{"optim": {"lr": 0.1}}',
    "child.py": """
        _base_ = ['base.py', 'schedule.json']
        model = dict(head=dict(loss=dict(w=2)))
        _base_.hooks.log.interval = 10
        optim = dict(_delete_=True, lr=0.02)
        """,
}


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    for name, text in FILES.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return load_config(tmp_path / "child.py")


@pytest.mark.parametrize(
    ("path", "file"),
    [
        ("", "child.py"),
        ("model", "child.py"),  # the child merged into it last
        ("model.type", "model.py"),
        ("model.backbone", "base.py"),
        ("model.backbone.depth", "base.py"),
        ("model.backbone.norm", "model.py"),
        ("model.backbone.norm.type", "model.py"),
        ("model.head.loss.w", "child.py"),
        ("pipeline", "model.py"),
        ("pipeline[1]", "model.py"),  # inside a list: the file that set the list
        ("pipeline[1].p", "model.py"),
        ("hooks.log.interval", "child.py"),  # changed through _base_
        ("hooks", "child.py"),
        ('heads["a.b"].x', "runtime.yaml"),
        ("optim", "child.py"),
        ("optim.lr", "child.py"),
    ],
)
def test_source_of(cfg: Config, tmp_path: Path, path: str, file: str) -> None:
    assert cfg.source_of(path) == str(tmp_path / file)


@pytest.mark.parametrize(
    "path", ["nope", "model.nope", "pipeline[5]", "pipeline[0].nope", "model.type.x"]
)
def test_paths_the_config_does_not_have(cfg: Config, path: str) -> None:
    assert cfg.source_of(path) is None


def test_bad_path_syntax(cfg: Config) -> None:
    with pytest.raises(ValueError, match="invalid config path"):
        cfg.source_of("model..type")


def test_a_cached_base_keeps_its_sources(cfg: Config, tmp_path: Path) -> None:
    # base.py is loaded again (from the cache, if its files are old enough)
    again = load_config(tmp_path / "base.py")
    assert again.source_of("model.backbone.depth") == str(tmp_path / "base.py")
    assert again.source_of("model.type") == str(tmp_path / "model.py")


def test_sources_survive_pickling_and_copying(cfg: Config, tmp_path: Path) -> None:
    for twin in (pickle.loads(pickle.dumps(cfg)), copy.deepcopy(cfg), copy.copy(cfg)):
        assert isinstance(twin, Config) and twin == cfg
        assert twin.filename == cfg.filename
        assert twin.source_of("model.type") == str(tmp_path / "model.py")


def test_a_config_made_from_a_mapping() -> None:
    cfg = Config({"a": {"b": 1}}, filename="/x/cfg.py")
    assert cfg.source_of("a.b") == "/x/cfg.py" and cfg.source_of("c") is None
    assert Config().filename is None and Config({"a": 1}).source_of("a") is None
