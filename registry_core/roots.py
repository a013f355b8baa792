"""The root registries that codebases attach their children to.

Every root MMEngine ships, under the same attribute and registry names, so
that code written for ``mmengine.registry`` finds its roots here; each has the
scope ``registry_core``. ``MODELS`` builds with ``build_model_from_cfg`` (a
list of configs becomes ``nn.Sequential``); every other root builds with
``build_from_cfg`` (MMEngine's runner, optimizer and scheduler builders are
MMEngine's own business: give those roots' children a ``build_func`` if you
need them).
"""

from __future__ import annotations

from registry_core.registry import Registry
from registry_core.torch import build_model_from_cfg

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "DATASETS",
    "DATA_SAMPLERS",
    "EVALUATOR",
    "FUNCTIONS",
    "HOOKS",
    "INFERENCERS",
    "LOG_PROCESSORS",
    "LOOPS",
    "METRICS",
    "MODELS",
    "MODEL_WRAPPERS",
    "OPTIMIZERS",
    "OPTIM_WRAPPERS",
    "OPTIM_WRAPPER_CONSTRUCTORS",
    "PARAM_SCHEDULERS",
    "RUNNERS",
    "RUNNER_CONSTRUCTORS",
    "STRATEGIES",
    "TASK_UTILS",
    "TRANSFORMS",
    "VISBACKENDS",
    "VISUALIZERS",
    "WEIGHT_INITIALIZERS",
]

_SCOPE = "registry_core"

#: Networks and their parts.
MODELS: Registry[Any] = Registry("model", build_func=build_model_from_cfg, scope=_SCOPE)
#: Datasets.
DATASETS: Registry[Any] = Registry("dataset", scope=_SCOPE)
#: Data transforms and pipelines.
TRANSFORMS: Registry[Any] = Registry("transform", scope=_SCOPE)
#: Training hooks.
HOOKS: Registry[Any] = Registry("hook", scope=_SCOPE)
#: Optimizers.
OPTIMIZERS: Registry[Any] = Registry("optimizer", scope=_SCOPE)
#: Evaluation metrics.
METRICS: Registry[Any] = Registry("metric", scope=_SCOPE)
#: Plain functions.
FUNCTIONS: Registry[Any] = Registry("function", scope=_SCOPE)

# The rest of MMEngine's roots, in the order of mmengine/registry/root.py.
#: Runners.
RUNNERS: Registry[Any] = Registry("runner", scope=_SCOPE)
#: Runner constructors.
RUNNER_CONSTRUCTORS: Registry[Any] = Registry("runner constructor", scope=_SCOPE)
#: Training, validation and test loops.
LOOPS: Registry[Any] = Registry("loop", scope=_SCOPE)
#: Distributed training strategies.
STRATEGIES: Registry[Any] = Registry("strategy", scope=_SCOPE)
#: Data samplers.
DATA_SAMPLERS: Registry[Any] = Registry("data sampler", scope=_SCOPE)
#: Model wrappers (distributed data parallel and the like).
MODEL_WRAPPERS: Registry[Any] = Registry("model_wrapper", scope=_SCOPE)
#: Weight initialisers.
WEIGHT_INITIALIZERS: Registry[Any] = Registry("weight initializer", scope=_SCOPE)
#: Optimizer wrappers.
OPTIM_WRAPPERS: Registry[Any] = Registry("optim_wrapper", scope=_SCOPE)
#: Optimizer wrapper constructors.
OPTIM_WRAPPER_CONSTRUCTORS: Registry[Any] = Registry("optimizer wrapper constructor", scope=_SCOPE)
#: Parameter schedulers.
PARAM_SCHEDULERS: Registry[Any] = Registry("parameter scheduler", scope=_SCOPE)
#: Evaluators.
EVALUATOR: Registry[Any] = Registry("evaluator", scope=_SCOPE)
#: Task-specific utilities (anchor generators, box coders, ...).
TASK_UTILS: Registry[Any] = Registry("task util", scope=_SCOPE)
#: Visualisers.
VISUALIZERS: Registry[Any] = Registry("visualizer", scope=_SCOPE)
#: Visualisation back-ends.
VISBACKENDS: Registry[Any] = Registry("vis_backend", scope=_SCOPE)
#: Log processors.
LOG_PROCESSORS: Registry[Any] = Registry("log_processor", scope=_SCOPE)
#: Inferencers.
INFERENCERS: Registry[Any] = Registry("inferencer", scope=_SCOPE)

#: The roots by attribute name, for the command line and introspection: the
#: seven most used first, then MMEngine's order.
ROOTS: dict[str, Registry[Any]] = {
    "MODELS": MODELS,
    "DATASETS": DATASETS,
    "TRANSFORMS": TRANSFORMS,
    "HOOKS": HOOKS,
    "OPTIMIZERS": OPTIMIZERS,
    "METRICS": METRICS,
    "FUNCTIONS": FUNCTIONS,
    "RUNNERS": RUNNERS,
    "RUNNER_CONSTRUCTORS": RUNNER_CONSTRUCTORS,
    "LOOPS": LOOPS,
    "STRATEGIES": STRATEGIES,
    "DATA_SAMPLERS": DATA_SAMPLERS,
    "MODEL_WRAPPERS": MODEL_WRAPPERS,
    "WEIGHT_INITIALIZERS": WEIGHT_INITIALIZERS,
    "OPTIM_WRAPPERS": OPTIM_WRAPPERS,
    "OPTIM_WRAPPER_CONSTRUCTORS": OPTIM_WRAPPER_CONSTRUCTORS,
    "PARAM_SCHEDULERS": PARAM_SCHEDULERS,
    "EVALUATOR": EVALUATOR,
    "TASK_UTILS": TASK_UTILS,
    "VISUALIZERS": VISUALIZERS,
    "VISBACKENDS": VISBACKENDS,
    "LOG_PROCESSORS": LOG_PROCESSORS,
    "INFERENCERS": INFERENCERS,
}


def list_root(label: str, root: Registry[Any]) -> str:
    """Add a root made at run time to ``ROOTS`` (the MMEngine bridge's roots).

    Returns the label it is listed under: ``label``, or ``'{scope}.{label}'``
    when another root has that label already.
    """
    if ROOTS.get(label, root) is not root:
        label = f"{root.scope}.{label}"
    ROOTS[label] = root
    return label


def unlist_root(label: str, root: Registry[Any]) -> None:
    """Take a root :func:`list_root` added out of ``ROOTS`` again (a failed load)."""
    if ROOTS.get(label) is root:
        del ROOTS[label]
