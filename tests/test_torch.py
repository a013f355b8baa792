"""``registry_core.torch.build_model_from_cfg`` and the root ``MODELS``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from registry_core import MODELS, Registry
from registry_core.torch import build_model_from_cfg


def test_models_builds_a_dict_without_importing_torch() -> None:
    code = (
        "import sys\n"
        "sys.modules['torch'] = None  # makes 'import torch' fail, as if absent\n"
        "from registry_core import MODELS, Registry\n"
        "child = Registry('model', parent=MODELS, scope='notorch')\n"
        "@child.register_module()\n"
        "class Net:\n"
        "    def __init__(self, depth): self.depth = depth\n"
        "net = MODELS.build(dict(type='notorch.Net', depth=3))\n"
        "print(type(net).__name__, net.depth)\n"
        "try:\n"
        "    MODELS.build([dict(type='notorch.Net', depth=1)])\n"
        "except ImportError as e:\n"
        "    print('ImportError', 'registry-core[torch]' in ''.join(e.__notes__))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["Net 3", "ImportError True"]


def test_models_uses_the_torch_builder() -> None:
    assert MODELS.build_func is build_model_from_cfg
    child = Registry("model", parent=MODELS, scope="torch_child")
    assert child.build_func is build_model_from_cfg


class TestWithTorch:
    torch = pytest.importorskip(
        "torch", reason="torch is not installed: .ci/run installs the CPU build (torch==2.13.0)"
    )

    def test_list_builds_sequential(self) -> None:
        nn = self.torch.nn
        child = Registry("model", parent=MODELS, scope="torch_seq")
        child.register_module(module=nn.Linear)
        child.register_module(module=nn.ReLU)
        model = MODELS.build(
            [
                dict(type="torch_seq.Linear", in_features=4, out_features=3),
                dict(type="torch_seq.ReLU"),
                dict(type="torch_seq.Linear", in_features=3, out_features=2),
            ]
        )
        assert isinstance(model, nn.Sequential)
        assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear"]
        assert model(self.torch.zeros(5, 4)).shape == (5, 2)

    def test_default_args_reach_every_item(self) -> None:
        nn = self.torch.nn
        reg = Registry("model", scope="torch_defaults", build_func=build_model_from_cfg)
        reg.register_module(module=nn.Linear)
        model = reg.build(
            [dict(type="Linear"), dict(type="Linear")],
            default_args=dict(in_features=2, out_features=2),
        )
        assert [m.in_features for m in model] == [2, 2]

    def test_dict_still_builds_one_module(self) -> None:
        nn = self.torch.nn
        reg = Registry("model", scope="torch_dict", build_func=build_model_from_cfg)
        reg.register_module(module=nn.Linear)
        assert isinstance(reg.build(dict(type="Linear", in_features=1, out_features=1)), nn.Linear)
