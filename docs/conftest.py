"""``openmmlab.md`` runs in the OpenMMLab test step only (``conformance/openmmlab/run.py``)."""

from __future__ import annotations

import os

collect_ignore = [] if os.environ.get("REGISTRY_CORE_OPENMMLAB_STEP") else ["openmmlab.md"]
