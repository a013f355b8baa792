"""How MMEngine's Runner builds each section of a whole config, read from its source.

``validate`` checks a whole OpenMMLab config as the Runner builds it: the model in
``MODELS``, a dataloader's ``dataset`` in ``DATASETS`` and its ``sampler`` in
``DATA_SAMPLERS``, an optimizer with its ``params`` passed by the Runner, and so on.
Which registry, which arguments the Runner passes itself, which type it uses when the
config gives none and which keys it takes out before building are not listed here: they
are read from the installed MMEngine's source files (``runner/runner.py``,
``optim/optimizer/default_constructor.py``, ...), parsed with :mod:`ast` and never
imported, so that they follow the MMEngine that will build the config.

What is written here is only where to read: :data:`ENTRIES` names, for each section of a
config, the functions the Runner hands it to. The reader (``_reader``) follows each function's
body: the names bound to parts of the section (``x = cfg.pop('dataset')``, ``for h in
hooks``, ``cfg.copy()``), and what happens to them (``R.build(x, default_args=dict(a=...))``,
``x.setdefault('type', 'T')``, ``x['k'] = ...``, ``Cls(**x, a=...)``, ``x.pop('k')``).

With MMEngine installed, ``runner_rules()["train_dataloader"].children["sampler"].registry``
is ``'DATA_SAMPLERS'`` (the OpenMMLab step's tests read the rules of the real MMEngine).
"""

from __future__ import annotations

import os

from registry_core.validation._reader import EACH, FIRST, Reader, Rule, read_parameters

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from typing import Final

__all__ = [
    "EACH",
    "ENTRIES",
    "FIRST",
    "Rule",
    "layer_builder_keys",
    "mmengine_folder",
    "runner_defaults",
    "runner_rules",
]

#: Section (a dotted place in the config, ``*`` for each item) -> the functions the
#: Runner hands it to: ``(file under the mmengine package, qualified name, parameter)``.
ENTRIES: Final[dict[str, tuple[tuple[str, str, str], ...]]] = {
    "model": (("runner/runner.py", "Runner.build_model", "model"),),
    "train_dataloader": (("runner/runner.py", "Runner.build_dataloader", "dataloader"),),
    "val_dataloader": (("runner/runner.py", "Runner.build_dataloader", "dataloader"),),
    "test_dataloader": (("runner/runner.py", "Runner.build_dataloader", "dataloader"),),
    "optim_wrapper": (
        ("optim/optimizer/builder.py", "build_optim_wrapper", "cfg"),
        (
            "optim/optimizer/default_constructor.py",
            "DefaultOptimWrapperConstructor.__init__",
            "optim_wrapper_cfg",
        ),
        ("optim/optimizer/default_constructor.py", "DefaultOptimWrapperConstructor.__call__", ""),
    ),
    "param_scheduler": (("runner/runner.py", "Runner._build_param_scheduler", "scheduler"),),
    "val_evaluator": (("runner/runner.py", "Runner.build_evaluator", "evaluator"),),
    "test_evaluator": (("runner/runner.py", "Runner.build_evaluator", "evaluator"),),
    "val_evaluator.metrics": (("evaluator/evaluator.py", "Evaluator.__init__", "metrics"),),
    "test_evaluator.metrics": (("evaluator/evaluator.py", "Evaluator.__init__", "metrics"),),
    "train_cfg": (("runner/runner.py", "Runner.build_train_loop", "loop"),),
    "val_cfg": (("runner/runner.py", "Runner.build_val_loop", "loop"),),
    "test_cfg": (("runner/runner.py", "Runner.build_test_loop", "loop"),),
    "log_processor": (("runner/runner.py", "Runner.build_log_processor", "log_processor"),),
    "visualizer": (("runner/runner.py", "Runner.build_visualizer", "visualizer"),),
    "visualizer.vis_backends": (
        ("visualization/visualizer.py", "Visualizer.__init__", "vis_backends"),
    ),
    "default_hooks.*": (("runner/runner.py", "Runner.register_hook", "hook"),),
    "custom_hooks.*": (("runner/runner.py", "Runner.register_hook", "hook"),),
    "model_wrapper_cfg": (("runner/runner.py", "Runner.wrap_model", "model_wrapper_cfg"),),
}


def mmengine_folder() -> str | None:
    """The installed ``mmengine`` package's folder, found without importing it."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("mmengine")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        if os.path.isfile(os.path.join(folder, "runner", "runner.py")):
            return str(folder)
    return None


_CACHED: dict[str, tuple[tuple[float, ...], dict[str, Rule]]] = {}


def runner_rules(folder: str | None = None) -> dict[str, Rule] | None:
    """The rules of every top-level section, read from MMEngine's source in ``folder``
    (the installed one by default); ``None`` when there is no MMEngine to read.

    Read once per state of the files (their modification times).
    """
    folder = folder if folder is not None else mmengine_folder()
    if folder is None:
        return None
    files = sorted({entry[0] for entries in ENTRIES.values() for entry in entries})
    try:
        stamp = tuple(os.stat(os.path.join(folder, name)).st_mtime for name in files)
    except OSError:
        return None
    cached = _CACHED.get(folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    trees = {name: _parse(os.path.join(folder, name)) for name in files}
    rules: dict[str, Rule] = {}
    for place, entries in ENTRIES.items():
        parts = place.split(".")
        rule = rules.get(parts[0]) or rules.setdefault(parts[0], Rule())
        for part in parts[1:]:
            rule = rule.child(part)
        reader = Reader(rule)
        for name, qualname, parameter in entries:
            function = _function(trees[name], qualname)
            if function is not None:
                reader.read(function, parameter)
    _CACHED[folder] = (stamp, rules)
    return rules


_LAYER_KEYS: dict[str, tuple[tuple[float, ...], frozenset[str]]] = {}


def layer_builder_keys() -> frozenset[str]:
    """Keys that MMCV's layer builders (``build_norm_layer`` and its siblings in
    ``mmcv/cnn/bricks``) take out of a nested node before building it
    (``requires_grad`` of a ``norm_cfg``), read from the installed MMCV's source;
    empty without MMCV. Codebases hand such nodes to these builders, so these keys
    are no unexpected argument of a nested node."""
    import glob
    import importlib.util

    try:
        spec = importlib.util.find_spec("mmcv")
    except (ImportError, ValueError):
        return frozenset()
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    files = sorted(
        path
        for folder in folders
        for path in glob.glob(os.path.join(folder, "cnn", "bricks", "*.py"))
    )
    if not files:
        return frozenset()
    try:
        stamp = tuple(os.stat(path).st_mtime for path in files)
    except OSError:
        return frozenset()
    cached = _LAYER_KEYS.get(files[0])
    if cached is not None and cached[0] == stamp:
        return cached[1]
    import ast

    keys: set[str] = set()
    for path in files:
        try:
            tree = _parse(path)
        except (OSError, SyntaxError, ValueError):
            continue
        for node in tree.body:
            if (
                isinstance(node, ast.FunctionDef)
                and node.name.startswith("build_")
                and node.args.args
                and node.args.args[0].arg == "cfg"
            ):
                rule = Rule()
                Reader(rule).read(node, "cfg")
                keys |= rule.consumed - {"type"}
    found = frozenset(keys)
    _LAYER_KEYS[files[0]] = (stamp, found)
    return found


def runner_defaults(folder: str | None = None) -> dict[str, tuple[tuple[str, str], ...]]:
    """Section -> ``(key, top-level key)`` pairs: the keys the Runner sets in a section from
    another top-level key of the config when the section has none, read from
    ``Runner.__init__`` (``model.setdefault('data_preprocessor', data_preprocessor)``);
    empty without MMEngine. The Runner's parameters are the config's top-level keys."""
    folder = folder if folder is not None else mmengine_folder()
    if folder is None:
        return {}
    path = os.path.join(folder, "runner", "runner.py")
    try:
        stamp = os.stat(path).st_mtime
    except OSError:
        return {}
    cached = _DEFAULTS.get(folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    function = _function(_parse(path), "Runner.__init__")
    found: dict[str, list[tuple[str, str]]] = {}
    if function is not None:
        for name, rule in read_parameters(function).children.items():
            for holder, key, absent in rule.placed:
                if absent and len(holder) == 1:
                    found.setdefault(holder[0], []).append((key, name))
    defaults = {section: tuple(pairs) for section, pairs in found.items()}
    _DEFAULTS[folder] = (stamp, defaults)
    return defaults


_DEFAULTS: dict[str, tuple[float, dict[str, tuple[tuple[str, str], ...]]]] = {}


def _parse(path: str) -> ast.Module:
    import ast

    with open(path, encoding="utf-8") as file:
        return ast.parse(file.read(), path)


def _function(tree: ast.Module, qualname: str) -> ast.FunctionDef | None:
    import ast

    body: list[ast.stmt] = tree.body
    *owners, name = qualname.split(".")
    for owner in owners:
        cls = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == owner), None)
        if cls is None:
            return None
        body = cls.body
    return next((n for n in body if isinstance(n, ast.FunctionDef) and n.name == name), None)
