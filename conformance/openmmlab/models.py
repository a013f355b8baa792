"""Build an MMPretrain config's model with MMEngine and with registry_core; compare them.

``compare(path)`` loads the config with MMEngine's ``Config.fromfile`` and
builds ``cfg.model`` twice from the same seed: with MMEngine's ``MODELS``
under the config's ``default_scope`` (``DefaultScope.overwrite_default_scope``,
what MMEngine's Runner arranges), and with ``registry_core.MODELS`` under
``registry_core.default_scope`` of the same scope. The two must be equal
(``state_dict`` keys, shapes and values), or, where MMEngine cannot build the
model on this machine (a constructor that downloads a checkpoint, a C++
operator MMCV-lite lacks), registry_core must fail with the same exception type.
A config MMEngine cannot load at all is reported as such.

The sample in ``test_models.py`` covers MMPretrain's families; the whole
corpus is ``REGISTRY_CORE_ALL_MODELS=1 python conformance/openmmlab/run.py
conformance/openmmlab/test_models.py`` (every config of MMPretrain 1.2.0's
``.mim/configs``: about 15 minutes here, and more than 24 GB of memory in one
process for the EVA-g models; given test ids, it runs those only, so the corpus
can be split over several processes; ``-s`` prints each outcome).
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import mmpretrain
import torch
from mmengine.config import Config
from mmengine.registry import MODELS as ENGINE_MODELS
from mmengine.registry import DefaultScope

import registry_core

CONFIGS = Path(mmpretrain.__file__).parent / ".mim" / "configs"

#: One config per family (ResNet, MobileNet v2/v3, ViT, DeiT, Swin, ConvNeXt,
#: EfficientNet, RegNet, ShuffleNet, RepVGG, MAE, MoCo, ...), small variants.
SAMPLE = [
    "resnet/resnet18_8xb32_in1k.py",
    "resnet/resnet50_8xb32_in1k.py",
    "mobilenet_v2/mobilenet-v2_8xb32_in1k.py",
    "mobilenet_v3/mobilenet-v3-small_8xb128_in1k.py",
    "vision_transformer/vit-base-p16_64xb64_in1k.py",
    "deit/deit-tiny_4xb256_in1k.py",
    "swin_transformer/swin-tiny_16xb64_in1k.py",
    "convnext/convnext-tiny_32xb128_in1k.py",
    "efficientnet/efficientnet-b0_8xb32_in1k.py",
    "regnet/regnetx-400mf_8xb128_in1k.py",
    "shufflenet_v2/shufflenet-v2-1x_16xb64_in1k.py",
    "repvgg/repvgg-A0_8xb32_in1k.py",
    "mae/mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py",
    "mocov2/mocov2_resnet50_8xb32-coslr-200e_in1k.py",
]


def all_configs() -> list[str]:
    """Every model config of the wheel (not ``_base_``), relative to ``CONFIGS``."""
    return sorted(
        str(p.relative_to(CONFIGS))
        for p in CONFIGS.rglob("*.py")
        if "_base_" not in p.parts and "__pycache__" not in p.parts
    )


def _build(build: Any) -> Any:
    torch.manual_seed(0)
    # Warnings are not failures here: torch warns some of them once per process
    # (so the first of the two builds would fail and the second not).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return build()
        except Exception as exc:  # compared below: both must fail alike
            return exc


def compare(relative: str) -> str:
    """Build both ways; raise AssertionError on a difference; say what was compared.

    A config MMEngine cannot load at all (it names a module not installed here,
    or a base key it lacks) has no model to compare: that is said, not compared.
    """
    try:
        cfg = Config.fromfile(str(CONFIGS / relative))
    except Exception as exc:
        return f"MMEngine cannot load the config: {type(exc).__name__}: {exc}"
    if "model" not in cfg:  # a helper file beside the configs (resnest/_randaug_policies.py)
        return "no model in the file"
    scope = cfg.get("default_scope", "mmpretrain")
    model = cfg["model"]

    def theirs() -> Any:
        with DefaultScope.overwrite_default_scope(scope):
            return ENGINE_MODELS.build(copy.deepcopy(model))

    def ours() -> Any:
        with registry_core.default_scope(scope):
            return registry_core.MODELS.build(copy.deepcopy(model))

    expected, got = _build(theirs), _build(ours)
    if isinstance(expected, Exception):
        assert type(got) is type(expected), (relative, expected, got)
        return f"both fail: {type(expected).__name__}"
    assert not isinstance(got, Exception), (relative, got)
    assert type(got) is type(expected)
    mine, reference = got.state_dict(), expected.state_dict()
    assert list(mine) == list(reference), relative
    for key, value in reference.items():
        assert mine[key].shape == value.shape, (relative, key)
        assert torch.equal(mine[key], value), (relative, key)
    return f"{type(got).__name__}: {len(reference)} tensors equal"
