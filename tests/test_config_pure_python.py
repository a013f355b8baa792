"""MMEngine's pure-Python configs (issue 18): ``with read_base():`` bases, imports as ``ImportRef``.

Each test writes real config files and loads them; the expected values are
what MMEngine 0.10.7's ``Config.fromfile(path).to_dict()`` gives for the same
files (checked on the real corpus by ``conformance/test_pure_python_configs.py``).
On main before issue 18 every one of these files was refused (scenario 1 of
the issue: "it refuses at the read_base import"), and ``trusted=True`` failed
with ``KeyError: "'__name__' not in globals"`` (scenario 3).
"""

from __future__ import annotations

import os
import pickle
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from registry_core import ConfigError, ImportRef, load_config

RESNET_BASE = """
from mmpretrain.models import (CrossEntropyLoss, GlobalAveragePooling,
                               ImageClassifier, LinearClsHead, ResNet)

model = dict(
    type=ImageClassifier,
    backbone=dict(type=ResNet, depth=18, out_indices=(3, )),
    neck=dict(type=GlobalAveragePooling),
    head=dict(type=LinearClsHead, num_classes=1000,
              loss=dict(type=CrossEntropyLoss, loss_weight=1.0)),
)
"""

RUNTIME_BASE = """
from mmengine.hooks import CheckpointHook, LoggerHook

default_hooks = dict(logger=dict(type=LoggerHook, interval=100),
                     checkpoint=dict(type=CheckpointHook, interval=1))
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
"""


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    write(
        tmp_path,
        {
            "configs/_base_/models/resnet18.py": RESNET_BASE,
            "configs/_base_/default_runtime.py": RUNTIME_BASE,
            "configs/resnet/resnet50.py": """
                from mmengine.config import read_base
                from mmengine.optim import CosineAnnealingLR

                with read_base():
                    from .._base_.models.resnet18 import *
                    from .._base_.default_runtime import *

                model.update(backbone=dict(depth=50), head=dict(in_channels=2048))
                param_scheduler = dict(type=CosineAnnealingLR, by_epoch=True)
                """,
        },
    )
    return tmp_path / "configs"


EXPECTED_RESNET50 = {
    "model": {
        "type": "mmpretrain.models.ImageClassifier",
        "backbone": {"type": "mmpretrain.models.ResNet", "depth": 50, "out_indices": (3,)},
        "neck": {"type": "mmpretrain.models.GlobalAveragePooling"},
        "head": {
            "type": "mmpretrain.models.LinearClsHead",
            "num_classes": 1000,
            "loss": {"type": "mmpretrain.models.CrossEntropyLoss", "loss_weight": 1.0},
            "in_channels": 2048,
        },
    },
    "default_hooks": {
        "logger": {"type": "mmengine.hooks.LoggerHook", "interval": 100},
        "checkpoint": {"type": "mmengine.hooks.CheckpointHook", "interval": 1},
    },
    "vis_backends": [{"type": "LocalVisBackend"}],
    "visualizer": {"type": "Visualizer", "vis_backends": [{"type": "LocalVisBackend"}]},
    "param_scheduler": {"type": "mmengine.optim.CosineAnnealingLR", "by_epoch": True},
}


@pytest.mark.parametrize("trusted", [False, True])
def test_read_base_star_imports_and_update_merge(corpus: Path, trusted: bool) -> None:
    # scenario 1 (safe) and 3 (trusted=True: relative imports without a package)
    cfg = load_config(corpus / "resnet/resnet50.py", trusted=trusted)
    assert cfg == EXPECTED_RESNET50
    assert list(cfg) == list(EXPECTED_RESNET50)  # the bases' names first, as in MMEngine
    assert type(cfg["model"]["type"]) is ImportRef
    assert type(cfg["visualizer"]["type"]) is str  # a string stays a string
    # the imported names (ResNet, CosineAnnealingLR, read_base, the bases' imports) are left out
    assert "ResNet" not in cfg and "read_base" not in cfg and "LoggerHook" not in cfg


def test_named_imports_relative_levels_and_nested_read_base(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a/_base_/inner.py": "x = dict(v=1, w=[1, 2])\ny = 2\n",
            "a/_base_/outer.py": """
                from mmengine.config import read_base
                with read_base():
                    from .inner import *
                x.update(v=3)
                z = x.v + y
                """,
            "a/b/c/cfg.py": """
                from mmengine.config import read_base
                with read_base():
                    from ..._base_.outer import x as renamed, z
                result = dict(renamed=renamed, z=z)
                """,
        },
    )
    for trusted in (False, True):
        cfg = load_config(tmp_path / "a/b/c/cfg.py", trusted=trusted)
        expected = {"renamed": {"v": 3, "w": [1, 2]}, "z": 5}
        assert cfg == {**expected, "result": expected}


def test_attribute_reads_and_import_forms(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "cfg.py": """
                import torch.nn as nn
                import mmdet.models
                from torch import optim
                from mmengine.dataset import DefaultSampler as Sampler
                norm = dict(type=nn.BatchNorm2d)
                act = optim.lr_scheduler.StepLR
                det = mmdet.models.RetinaNet
                sampler = dict(type=Sampler, shuffle=True)
                """,
        },
    )
    expected = {
        "norm": {"type": "torch.nn.BatchNorm2d"},
        "act": "torch.optim.lr_scheduler.StepLR",
        "det": "mmdet.models.RetinaNet",
        "sampler": {"type": "mmengine.dataset.DefaultSampler", "shuffle": True},
    }
    for trusted in (False, True):
        cfg = load_config(tmp_path / "cfg.py", trusted=trusted)
        assert cfg == expected
        assert all(type(v) is ImportRef for v in (cfg["act"], cfg["det"], cfg["norm"]["type"]))


def test_nothing_is_imported_and_no_code_runs(tmp_path: Path) -> None:
    marker = tmp_path / "IMPORTED"
    write(
        tmp_path,
        {
            "site/sideeffect/__init__.py": f"open({str(marker)!r}, 'w').close()\nclass Net: ...\n",
            "site/sideeffect/sub.py": f"open({str(marker)!r}, 'w').close()\n",
            "cfg.py": """
                import sideeffect.sub
                from sideeffect import Net
                model = dict(type=Net, sub=sideeffect.sub.Thing)
                """,
        },
    )
    sys.path.insert(0, str(tmp_path / "site"))
    try:
        for trusted in (False, True):
            cfg = load_config(tmp_path / "cfg.py", trusted=trusted)
            assert cfg == {"model": {"type": "sideeffect.Net", "sub": "sideeffect.sub.Thing"}}
            assert not marker.exists()
            assert "sideeffect" not in sys.modules
    finally:
        sys.path.remove(str(tmp_path / "site"))


def test_merge_with_delete_as_mmengine(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.py": "model = dict(head=dict(a=1, b=2), neck=dict(c=3))\n",
            "cfg.py": """
                from mmengine.config import read_base
                with read_base():
                    from .base import *
                model.merge(dict(head=dict(_delete_=True, z=9), neck=dict(d=4)))
                """,
        },
    )
    assert load_config(tmp_path / "cfg.py") == {
        "model": {"head": {"z": 9}, "neck": {"c": 3, "d": 4}}
    }


def refused(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value


def test_base_reads_fail_as_in_mmengine_naming_the_line(tmp_path: Path) -> None:
    # the corpus's two files that MMEngine cannot load either: NameError for _base_
    write(
        tmp_path,
        {
            "base.py": "pipeline = [dict(scale=1)]\n",
            "cfg.py": """
                from mmengine.config import read_base
                with read_base():
                    from .base import *
                _base_['pipeline'][0]['scale'] = 192
                """,
        },
    )
    error = refused(tmp_path / "cfg.py")
    assert error.line == 5 and "line 5" in str(error)
    assert "_base_" in str(error) and "not defined" in str(error)
    assert "trusted=True" not in str(error)  # executing would fail the same way


@pytest.mark.parametrize(
    ("body", "line", "construct", "trusted_helps"),
    [
        ("from mmpretrain.models import *\n", 4, "from mmpretrain.models import *", False),
        ("from mmpretrain.models import ResNet\nx = ResNet(depth=1)\n", 5, "a call of", False),
        ("with open('x') as f:\n    pass\n", 4, "a with statement", False),
        ("import os, sys\n", 4, "several modules in one statement", False),
        ("import os.path\nx = os.path.join('a', 'b')\n", 5, "os", True),
        ("def f():\n    return 1\nx = f()\n", 4, "a function definition", True),
    ],
)
def test_constructs_outside_the_subset_name_construct_and_line(
    tmp_path: Path, body: str, line: int, construct: str, trusted_helps: bool
) -> None:
    # scenario 3 of the issue: the construct and its line; --trusted only where it can help
    write(tmp_path, {"base.py": "a = 1\n"})
    head = "from mmengine.config import read_base\nwith read_base():\n    from .base import *\n"
    (tmp_path / "cfg.py").write_text(head + body)
    error = refused(tmp_path / "cfg.py")
    message = str(error)
    assert error.line == line, message
    assert f"line {line}" in message and construct in message
    assert ("trusted=True" in message) is trusted_helps, message
    assert ("--trusted" in message) is trusted_helps, message


READ_BASE = "from mmengine.config import read_base\nwith read_base():\n"


def test_missing_base_cycle_and_mixing_with_base_lists(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "missing.py": "from mmengine.config import read_base\nwith read_base():\n"
            "    from .nowhere import *\n",
            "a.py": READ_BASE + "    from .b import *\n",
            "b.py": READ_BASE + "    from .a import *\n",
            "old.py": "_base_ = ['./a.py']\n",
            "named.py": "from mmengine.config import read_base\nwith read_base():\n"
            "    from .c import nothing\n",
            "c.py": "something = 1\n",
        },
    )
    error = refused(tmp_path / "missing.py")
    assert "nowhere" in str(error) and error.line == 3
    assert "cycle" in str(refused(tmp_path / "a.py"))
    assert "pure-Python" in str(refused(tmp_path / "old.py"))
    assert "does not set 'nothing'" in str(refused(tmp_path / "named.py"))


def test_hostile_sharing_in_a_pure_python_config_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "cfg.py": "import torch\nx = [1]\nfor i in range(64):\n    x = [x, x]\n",
            "dicts.py": "import torch\nx = dict(a=1)\n"
            "for i in range(64):\n    x = dict(a=x, b=x)\n",
            "child.py": "from mmengine.config import read_base\nwith read_base():\n"
            "    from .dicts import *\n",
        },
    )
    # in a thread, so that a regression (copying 2**64 items) fails instead of hanging
    with ThreadPoolExecutor(1) as pool:
        for name in ("cfg.py", "child.py", "dicts.py"):  # child.py: the base imported only
            error = pool.submit(refused, tmp_path / name).result(timeout=60)
            assert "10,000,000" in str(error), name


def test_import_ref_is_a_str_that_extends_by_attributes() -> None:
    ref = ImportRef("torch.nn")
    assert isinstance(ref, str) and ref == "torch.nn" and hash(ref) == hash("torch.nn")
    assert ref.BatchNorm2d == ImportRef("torch.nn.BatchNorm2d")
    assert type(ref.BatchNorm2d) is ImportRef
    with pytest.raises(AttributeError):
        ref._private  # noqa: B018, SLF001 - the attribute a private name is refused
    copied = pickle.loads(pickle.dumps(ref))
    assert type(copied) is ImportRef and copied == ref
    assert repr(ref) == "ImportRef('torch.nn')"


def test_dump_writes_import_refs_back_as_imports(corpus: Path, tmp_path: Path) -> None:
    from registry_core import dump_config

    cfg = load_config(corpus / "resnet/resnet50.py")
    dump_config(cfg, tmp_path / "out.py")
    text = (tmp_path / "out.py").read_text()
    assert "from mmpretrain.models import ImageClassifier\n" in text
    assert "type=ImageClassifier" in text
    back = load_config(tmp_path / "out.py")
    assert back == cfg and type(back["model"]["type"]) is ImportRef
    dump_config(cfg, tmp_path / "out.json")
    assert '"type": "mmpretrain.models.ImageClassifier"' in (tmp_path / "out.json").read_text()
    assert load_config(tmp_path / "out.json")["model"]["type"] == cfg["model"]["type"]
    # a top-level key that an import's name would hide: the import takes another name
    clash = {"ResNet": 1, "model": {"type": ImportRef("mmpretrain.models.ResNet")}}
    dump_config(clash, tmp_path / "clash.py")
    assert load_config(tmp_path / "clash.py") == clash


def test_source_of_names_the_file_that_set_a_path(corpus: Path) -> None:
    cfg = load_config(corpus / "resnet/resnet50.py")
    here, base = str(corpus / "resnet/resnet50.py"), str(corpus / "_base_/models/resnet18.py")
    assert cfg.source_of("param_scheduler") == here
    assert cfg.source_of("model.backbone.depth") == here  # model.update(backbone=dict(depth=50))
    assert cfg.source_of("model.backbone.out_indices") == base
    assert cfg.source_of("model.neck") == base
    assert cfg.source_of("visualizer") == str(corpus / "_base_/default_runtime.py")


def test_what_one_config_changes_in_its_bases_no_other_load_sees(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.py": "model = dict(a=dict(x=1))\nother = dict(y=[1])\nfine = dict(f=1)\n",
            "c1.py": READ_BASE + "    from .base import model as m, other as o\n"
            "m.update(a=dict(x=2))\no['y'].append(2)\n",
            "c2.py": READ_BASE + "    from .base import *\nalias = model\nalias.update(b=3)\n",
            "c3.py": READ_BASE + "    from .base import *\n",
            # '\ufb01ne' (the ligature fi) is the name 'fine' for Python's parser
            "c4.py": READ_BASE + "    from .base import *\n\ufb01ne.update(z=1)\n",
        },
    )
    for path in tmp_path.iterdir():  # older than two seconds: kept by the cache
        os.utime(path, (time.time() - 60, time.time() - 60))
    for _ in range(2):  # the second time, every file comes from the cache
        assert load_config(tmp_path / "c1.py") == {"m": {"a": {"x": 2}}, "o": {"y": [1, 2]}}
        c2 = load_config(tmp_path / "c2.py")
        assert c2["model"] == {"a": {"x": 1}, "b": 3} and c2["alias"] == c2["model"]
        assert load_config(tmp_path / "c4.py")["fine"] == {"f": 1, "z": 1}
        c3 = load_config(tmp_path / "c3.py")
        assert c3 == {"model": {"a": {"x": 1}}, "other": {"y": [1]}, "fine": {"f": 1}}
        c3["model"]["a"]["x"] = 99  # the caller's copy
        assert load_config(tmp_path / "base.py")["model"] == {"a": {"x": 1}}


def test_trusted_code_that_raises_is_a_config_error_naming_file_and_line(tmp_path: Path) -> None:
    # both trusted paths (old-style and pure-Python) execute through one function
    (tmp_path / "base.py").write_text("x = 1\n")
    (tmp_path / "new.py").write_text(
        "from mmengine.config import read_base\n"
        "with read_base():\n"
        "    from .base import *\n"
        "y = [][3]\n"
    )
    (tmp_path / "old.py").write_text("a = 1\nb = 1 / 0\n")
    for name, line, cause in (("new.py", 4, IndexError), ("old.py", 2, ZeroDivisionError)):
        with pytest.raises(ConfigError) as caught:
            load_config(tmp_path / name, trusted=True)
        assert f"{tmp_path / name}, line {line}: executing the config (trusted=True)" in str(
            caught.value
        )
        assert isinstance(caught.value.__cause__, cause)


def test_bases_in_an_installed_package_on_a_path_entry_written_with_dots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``from pkg.configs.x import *`` finds the base inside the installed package; its own
    relative bases resolve from there, also when the path entry is written with ``..``
    (relative bases are found by taking parent folders when the path is normal, issue 18
    speed, and as ``os.path.normpath`` reads it otherwise)."""
    write(
        tmp_path,
        {
            "site/cfgpkg/__init__.py": "",
            "site/cfgpkg/configs/_base_/models/net.py": "model = dict(type='Net', depth=18)\n",
            "site/cfgpkg/configs/net/net50.py": READ_BASE
            + "    from .._base_.models.net import *\nmodel.update(depth=50)\n",
            "mine.py": READ_BASE + "    from cfgpkg.configs.net.net50 import *\n",
        },
    )
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path / "elsewhere" / ".." / "site"))
    sys.modules.pop("cfgpkg", None)
    cfg = load_config(tmp_path / "mine.py")
    assert cfg == {"model": {"type": "Net", "depth": 50}}
    base = cfg.source_of("model.type")
    assert base is not None and os.path.samefile(
        base, tmp_path / "site/cfgpkg/configs/_base_/models/net.py"
    )
    assert str(cfg.source_of("model.depth")).endswith(os.path.join("net", "net50.py"))
