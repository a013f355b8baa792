"""What docs/migrating-from-mmengine.md says of MMEngine's own builders (issue 17 item 4)."""

from __future__ import annotations

import pytest
from mmengine.registry.build_functions import (
    build_optimizer_from_cfg,
    build_runner_from_cfg,
    build_scheduler_from_cfg,
)

import registry_core
from registry_core import Registry


@pytest.mark.parametrize(
    "builder", [build_runner_from_cfg, build_optimizer_from_cfg, build_scheduler_from_cfg]
)
def test_mmengines_builders_cannot_be_a_build_func(builder: object) -> None:
    """They refuse any registry but an MMEngine Registry (the guide used to advise them)."""
    registry = Registry("thing", build_func=builder, scope="migrating_guide")  # type: ignore[arg-type]
    registry.register_module(name="Thing", module=dict)
    with pytest.raises((AssertionError, TypeError), match=r"mmengine\.Registry"):
        registry.build(dict(type="Thing"))


def test_a_bridged_codebase_keeps_them() -> None:
    """Through the bridge, MMEngine's registries build with their own build functions."""
    registry_core.RUNNERS.get("mmpretrain.Runner")  # loads MMEngine's and MMPretrain's
    view = registry_core.RUNNERS.children["mmengine"]
    assert view.mmengine_registry.build_func is build_runner_from_cfg  # type: ignore[attr-defined]
    optimizers = registry_core.OPTIMIZERS.children["mmengine"]
    assert optimizers.mmengine_registry.build_func is build_optimizer_from_cfg  # type: ignore[attr-defined]
