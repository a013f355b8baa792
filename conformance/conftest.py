"""The OpenMMLab step's tests run only in its own environment (``openmmlab/run.py``)."""

from __future__ import annotations

import os

collect_ignore = [] if os.environ.get("REGISTRY_CORE_OPENMMLAB_STEP") else ["openmmlab"]
