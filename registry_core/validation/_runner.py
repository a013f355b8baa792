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
config, the functions the Runner hands it to. A small reader follows each function's
body: the names bound to parts of the section (``x = cfg.pop('dataset')``, ``for h in
hooks``, ``cfg.copy()``), and what happens to them (``R.build(x, default_args=dict(a=...))``,
``x.setdefault('type', 'T')``, ``x['k'] = ...``, ``Cls(**x, a=...)``, ``x.pop('k')``).

>>> rules = runner_rules()  # doctest: +SKIP
>>> rules["train_dataloader"].children["sampler"].registry  # doctest: +SKIP
'DATA_SAMPLERS'
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from collections.abc import Iterator
    from typing import Any, Final

__all__ = [
    "EACH",
    "ENTRIES",
    "FIRST",
    "Rule",
    "built_by_parent",
    "layer_builder_keys",
    "mmengine_folder",
    "runner_rules",
]

#: A child key meaning "each item": the items of a list, the values of a mapping
#: without ``type``, or the value itself when it is a node.
EACH: Final = "*"
#: A given argument meaning "the target's first parameter" (the Runner fills an
#: optimizer's first parameter, whatever its name: ``params``, ``model_params``).
FIRST: Final = "<first>"

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

#: Calls that return their argument's value unchanged, for the reader.
_COPIES: Final = frozenset({"deepcopy", "copy"})


class Rule:
    """What the Runner does with the config value at one place.

    Attributes:
        registry: the root it builds the value in (an attribute name of
            ``registry_core.roots``: ``'MODELS'``), or ``None``.
        given: the arguments it passes itself (:data:`FIRST`: the first parameter).
        default_types: the types it builds when the value has no ``type``.
        consumed: keys it takes out of the value before building it.
        children: rules of keys inside the value (:data:`EACH`: each item).
        build_key: the Runner builds the value in ``registry`` only when it has
            this key (``metrics`` for an evaluator); otherwise it passes the value
            whole to the class ``whole`` (``Evaluator(value)``).
        whole: see ``build_key``.
    """

    __slots__ = ("build_key", "children", "consumed", "default_types", "given", "registry", "whole")

    def __init__(self) -> None:
        self.registry: str | None = None
        self.build_key: str | None = None
        self.whole: str | None = None
        self.given: set[str] = set()
        self.default_types: list[str] = []
        self.consumed: set[str] = set()
        self.children: dict[str, Rule] = {}

    def child(self, key: str) -> Rule:
        found = self.children.get(key)
        if found is None:
            found = self.children[key] = Rule()
        return found

    def __repr__(self) -> str:
        return (
            f"Rule(registry={self.registry!r}, given={sorted(self.given)}, "
            f"default_types={self.default_types}, consumed={sorted(self.consumed)}, "
            f"build_key={self.build_key!r}, whole={self.whole!r}, "
            f"children={self.children!r})"
        )


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
        reader = _Reader(rule)
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
                _Reader(rule).read(node, "cfg")
                keys |= rule.consumed - {"type"}
    found = frozenset(keys)
    _LAYER_KEYS[files[0]] = (stamp, found)
    return found


_BUILT: dict[tuple[int, str], Rule | None] = {}


def built_by_parent(parent: Any, parts: tuple[Any, ...]) -> frozenset[str] | None:
    """The arguments ``parent``'s constructor passes when it builds the nested node at
    ``parts`` (its parameter, then keys and indices inside) with a registry's
    ``build``; ``None`` when its source does not show it building the node so (it
    hands it to other code, or the source cannot be read).

    Read from ``parent.__init__``'s source with the reader of the Runner's sections:
    ``self.head = MODELS.build(head)`` passes nothing; ``MODELS.build(cfg,
    default_args=dict(in_channels=c))`` passes ``in_channels``.
    """
    if not parts or not isinstance(parts[0], str) or not isinstance(parent, type):
        return None
    given: set[str] = set()
    for cls in parent.__mro__:  # the class that builds it may be a base class
        init = cls.__dict__.get("__init__")
        if init is None:
            continue
        key = (id(init), parts[0])
        if key not in _BUILT:
            _BUILT[key] = _read_init(init, parts[0])
        rule = _BUILT[key]
        for part in parts[1:]:
            if rule is None:
                break
            rule = rule.children.get(EACH if isinstance(part, int) else str(part))
        if rule is None:
            continue
        if FIRST in rule.given:
            return None  # updated with keys that cannot be read
        given |= rule.given
        if rule.registry is not None:
            return frozenset(given)
    return None


def _read_init(init: Any, parameter: str) -> Rule | None:
    import ast
    import inspect
    import textwrap

    try:
        source = textwrap.dedent(inspect.getsource(init))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError, ValueError):
        return None
    function = tree.body[0] if tree.body else None
    if not isinstance(function, ast.FunctionDef):
        return None
    rule = Rule()
    _Reader(rule).read(function, parameter)
    return rule


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


class _Reader:
    """Follows one function's body, binding names to places inside the section."""

    def __init__(self, rule: Rule) -> None:
        self.root = rule
        #: name (``x`` or ``self.x``) -> the path from the section to the value it holds
        self.names: dict[str, tuple[str, ...]] = {}
        #: name -> the keyword names of a ``dict(...)`` it holds (for ``default_args``)
        self.dicts: dict[str, set[str]] = {}

    # The reader is shared between the functions of one section (``__init__`` then
    # ``__call__``), so that ``self.x`` bound in one is known in the next.
    def read(self, function: ast.FunctionDef, parameter: str) -> None:
        """Follow ``function``, whose ``parameter`` holds the section (``''``: the
        section is reached through names an earlier function bound)."""
        if parameter:
            self.names[parameter] = ()
        for statement in function.body:
            self._statement(statement)

    def _rule(self, path: tuple[str, ...]) -> Rule:
        rule = self.root
        for key in path:
            rule = rule.child(key)
        return rule

    def _statement(self, node: ast.stmt) -> None:
        import ast

        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None:
                self._expression(node.value)
                for target in targets:
                    self._bind(target, node.value)
        elif isinstance(node, ast.For):
            self._expression(node.iter)
            path = self._path(node.iter)
            if path is not None and isinstance(node.target, ast.Name):
                self.names[node.target.id] = (*path, EACH)
        elif isinstance(node, (ast.Expr, ast.Return)) and node.value is not None:
            self._expression(node.value)
        elif isinstance(node, ast.If):
            self._branches(node)
            return
        for inner in _inner(node):
            self._statement(inner)

    def _branches(self, node: ast.If) -> None:
        """``if 'k' in x: ... else: ...``: what the body builds needs ``k``; a class
        the other branch calls with ``x`` itself (``Evaluator(x)``) takes ``x`` whole."""
        import ast

        test = node.test
        key = path = None
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In):
            key = _constant(test.left)
            path = self._path(test.comparators[0])
        if key is None or path is None or key == "type":
            for inner in [*node.body, *node.orelse]:
                self._statement(inner)
            return
        rule = self._rule(path)
        registry = rule.registry
        for inner in node.body:
            self._statement(inner)
        if rule.registry is not None and rule.registry != registry:
            rule.build_key = key
        for inner in node.orelse:
            self._statement(inner)
            for call in _calls_in(inner):
                if (
                    isinstance(call.func, ast.Name)
                    and len(call.args) == 1
                    and self._path(call.args[0]) == path
                ):
                    rule.whole = call.func.id

    def _bind(self, target: ast.expr, value: ast.expr) -> None:
        import ast

        name = _name(target)
        if name is not None:
            path = self._path(value)
            if path is not None:
                self.names[name] = path
            elif isinstance(value, ast.Call) and _name(value.func) == "dict" and not value.args:
                self.dicts[name] = {k.arg for k in value.keywords if k.arg is not None}
            return
        if isinstance(target, ast.Subscript):
            holder = _name(target.value)
            key = _constant(target.slice)
            if holder in self.dicts and key is not None:
                self.dicts[holder].add(key)
                return
            path = self._path(target.value)
            if path is not None and key != "type":
                self._rule(path).given.add(key if key is not None else FIRST)

    def _path(self, node: ast.expr) -> tuple[str, ...] | None:
        """The place inside the section that ``node`` evaluates to, if it is one."""
        import ast

        name = _name(node)
        if name is not None:
            return self.names.get(name)
        if isinstance(node, ast.Subscript):
            base = self._path(node.value)
            key = _constant(node.slice)
            return None if base is None or key is None else (*base, key)
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        method = func.attr if isinstance(func, ast.Attribute) else _name(func)
        if method in _COPIES:
            if isinstance(func, ast.Attribute) and not node.args:  # x.copy()
                return self._path(func.value)
            return self._path(node.args[0]) if node.args else None  # copy.deepcopy(x)
        if method in ("pop", "get") and isinstance(func, ast.Attribute) and node.args:
            base = self._path(func.value)
            key = _constant(node.args[0])
            if base is None or key is None:
                return None
            if method == "pop":
                self._rule(base).consumed.add(key)
            return (*base, key)
        return None

    def _expression(self, node: ast.expr) -> None:
        """Record what each call inside ``node`` does to a place of the section."""
        import ast

        for call in _calls(node):
            func = call.func
            if isinstance(func, ast.Attribute):
                if func.attr == "build" and call.args:
                    path = self._path(call.args[0])
                    if path is not None:
                        rule = self._rule(path)
                        rule.registry = _name(func.value)
                        rule.given |= self._default_args(call)
                elif func.attr == "get" and call.args and _name(func.value) is not None:
                    self._registry_get(func, call.args[0])
                elif func.attr == "setdefault" and len(call.args) == 2:
                    self._setdefault(func.value, call.args[0], call.args[1])
                elif func.attr == "update":
                    self._update(func.value, call)
                elif func.attr == "pop" and call.args:
                    self._path(call)  # records the consumed key
            elif isinstance(func, ast.Name) and func.id[:1].isupper():
                self._direct(func.id, call)

    def _default_args(self, call: ast.Call) -> set[str]:
        import ast

        for keyword in call.keywords:
            if keyword.arg != "default_args":
                continue
            value = keyword.value
            if isinstance(value, ast.Call) and _name(value.func) == "dict":
                names = {k.arg for k in value.keywords if k.arg is not None}
                if value.args or any(k.arg is None for k in value.keywords):
                    names.add(FIRST)  # keys that cannot be read: it may pass anything
                return names
            if isinstance(value, ast.Dict):  # {"in_channels": ...}
                keys = [_constant(k) if k is not None else None for k in value.keys]
                return {k for k in keys if k is not None} | ({FIRST} if None in keys else set())
            name = _name(value)
            if name is not None and name in self.dicts:
                return set(self.dicts[name])
            return {FIRST}  # default_args it cannot read: it may pass anything
        return set()

    def _registry_get(self, func: ast.Attribute, argument: ast.expr) -> None:
        """``R.get(x.pop('type'))``: ``x`` names a type of ``R`` (a function the
        Runner then calls with ``x``'s other keys, like ``collate_fn``)."""

        registry = _name(func.value)
        if not (registry and registry.isupper()):
            return
        path = self._path(argument)
        if path and path[-1] == "type":
            rule = self._rule(path[:-1])
            rule.consumed.discard("type")
            rule.registry = registry
            rule.given.add(FIRST)  # called later with the batch

    def _setdefault(self, holder: ast.expr, key_node: ast.expr, value: ast.expr) -> None:
        path = self._path(holder)
        key = _constant(key_node)
        if path is None or key is None:
            return
        rule = self._rule(path)
        if key == "type":
            default = _constant(value)
            if default is not None and default not in rule.default_types:
                rule.default_types.append(default)
        else:
            rule.given.add(key)

    def _update(self, holder: ast.expr, call: ast.Call) -> None:
        """``x.update(k=...)`` or ``x.update(dict(k=...))``: ``k`` is given; an update
        with anything else may give any key, so nothing is known to be missing."""
        import ast

        path = self._path(holder)
        if path is None:
            return
        rule = self._rule(path)
        names = {k.arg for k in call.keywords if k.arg is not None}
        for argument in call.args:
            if isinstance(argument, ast.Call) and _name(argument.func) == "dict":
                names |= {k.arg for k in argument.keywords if k.arg is not None}
            else:
                names.add(FIRST)  # unknown keys: treat as passing anything
        if any(k.arg is None for k in call.keywords):
            names.add(FIRST)
        rule.given |= names - {"type"}

    def _direct(self, cls: str, call: ast.Call) -> None:
        """``Cls(**x, a=...)`` or ``Cls(x)``: ``x`` builds ``Cls`` when it has no type."""

        for keyword in call.keywords:
            if keyword.arg is None:  # **x
                path = self._path(keyword.value)
                if path is not None:
                    rule = self._rule(path)
                    if cls not in rule.default_types:
                        rule.default_types.append(cls)
                    rule.given |= {k.arg for k in call.keywords if k.arg is not None}


def _inner(node: ast.stmt) -> Iterator[ast.stmt]:
    """The statements nested in ``node`` (``for``, ``while``, ``with``, ``try``)."""
    import ast

    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return
    for field in ("body", "orelse", "finalbody"):
        for child in getattr(node, field, ()):
            if isinstance(child, ast.stmt):
                yield child
    for handler in getattr(node, "handlers", ()):
        yield from handler.body


def _calls_in(node: ast.stmt) -> Iterator[ast.Call]:
    import ast

    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            yield child


def _calls(node: ast.expr) -> Iterator[ast.Call]:
    import ast

    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            yield child


def _name(node: ast.expr) -> str | None:
    """``x`` for a name, ``self.x`` for an attribute of a name, else ``None``."""
    import ast

    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _constant(node: ast.expr) -> Any:
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None
