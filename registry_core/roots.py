"""The root registries that codebases attach their children to.

Each root has the scope ``registry_core``. ``MODELS`` builds with
``build_model_from_cfg`` (a list of configs becomes ``nn.Sequential``).
"""

from __future__ import annotations

from registry_core.registry import Registry
from registry_core.torch import build_model_from_cfg

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "DATASETS",
    "FUNCTIONS",
    "HOOKS",
    "METRICS",
    "MODELS",
    "OPTIMIZERS",
    "TRANSFORMS",
]

#: Networks and their parts.
MODELS: Registry[Any] = Registry("model", build_func=build_model_from_cfg, scope="registry_core")
#: Datasets.
DATASETS: Registry[Any] = Registry("dataset", scope="registry_core")
#: Data transforms and pipelines.
TRANSFORMS: Registry[Any] = Registry("transform", scope="registry_core")
#: Training hooks.
HOOKS: Registry[Any] = Registry("hook", scope="registry_core")
#: Optimizers.
OPTIMIZERS: Registry[Any] = Registry("optimizer", scope="registry_core")
#: Evaluation metrics.
METRICS: Registry[Any] = Registry("metric", scope="registry_core")
#: Plain functions.
FUNCTIONS: Registry[Any] = Registry("function", scope="registry_core")

#: The roots by attribute name, for the command line and introspection.
ROOTS: dict[str, Registry[Any]] = {
    "MODELS": MODELS,
    "DATASETS": DATASETS,
    "TRANSFORMS": TRANSFORMS,
    "HOOKS": HOOKS,
    "OPTIMIZERS": OPTIMIZERS,
    "METRICS": METRICS,
    "FUNCTIONS": FUNCTIONS,
}
