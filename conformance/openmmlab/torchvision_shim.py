"""Test-environment shim: lets PyPI's ``torchvision`` import next to a CPU-only ``torch``.

Why: ``torchvision==0.28.0`` from PyPI is linked against CUDA ``torch``. With
the CPU build of ``torch==2.13.0`` its compiled ``_C`` extension fails to
load, and ``import torchvision`` then dies registering a fake kernel for
``torchvision::nms`` ("operator torchvision::nms does not exist"). MMPretrain
imports ``torchvision`` at import time, so without this nothing of it loads.

What: before ``torchvision`` is first imported, define the schemas of the two
operators it registers kernels for (``torchvision::nms`` and
``torchvision::qnms``) with ``torch.library``. Its pure-Python parts then
import and work; its C++ operators stay unavailable, and building MMPretrain's
models does not need them.

How: the OpenMMLab test environment (``env.py``) installs a ``.pth`` file that
imports this module at start-up; it only adds a finder to ``sys.meta_path``,
so an interpreter that never imports ``torchvision`` pays nothing (``torch``
is imported only when ``torchvision`` is). This lives in the test harness,
never in the library.
"""

from __future__ import annotations

import sys


class _DefineTorchvisionOps:
    """A meta-path finder that finds nothing, and defines the schemas on the way."""

    done = False

    @classmethod
    def find_spec(cls, name: str, path: object = None, target: object = None) -> None:
        if name == "torchvision" and not cls.done:
            cls.done = True
            import torch

            library = torch.library.Library("torchvision", "DEF")
            library.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
            library.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
            _KEEP.append(library)  # a Library deregisters its definitions when collected
        return None


_KEEP: list[object] = []

if not any(f is _DefineTorchvisionOps for f in sys.meta_path):
    sys.meta_path.insert(0, _DefineTorchvisionOps)
