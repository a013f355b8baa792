"""What the conformance tests share: MMEngine's environment; and the OpenMMLab step's
tests run only in its own environment (``openmmlab/run.py``)."""

from __future__ import annotations

import os

import mmdet_env
import pytest

collect_ignore = [] if os.environ.get("REGISTRY_CORE_OPENMMLAB_STEP") else ["openmmlab"]


@pytest.fixture(scope="module")
def environment() -> mmdet_env.Environment:
    """MMEngine in a cached environment of its own, with MMDetection's wheel (``mmdet_env``)."""
    try:
        return mmdet_env.prepare()
    except mmdet_env.IndexUnreachableError as exc:
        pytest.skip(f"the MMEngine conformance needs PyPI, which cannot be reached: {exc}")
