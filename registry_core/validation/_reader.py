"""A small reader of Python functions: what a function does with the config it is handed.

Given the parameter that holds a config (or a section of one), :class:`Reader` follows the
function's body and records, in a :class:`Rule` per place inside that config, what happens
there: the names bound to parts of it (``x = cfg.pop('dataset')``, ``for h in hooks``,
``cfg.copy()``, ``self.x = ...``), the registry that builds a place
(``R.build(x, default_args=dict(a=...))``), the type used when it has none
(``x.setdefault('type', 'T')``, ``Cls(**x)``), the arguments passed with it
(``default_args``, ``x['k'] = ...``, ``x.setdefault('k', ...)``, ``x.update(k=...)``) and
the keys taken out first (``x.pop('k')``), and where it hands a place on: to a class
(``Cls(x)``, ``Cls(a=x)``, ``Cls(**x)``) or into another place as an entry
(``d.setdefault('k', x)``, ``d['k'] = x``, ``d.update(k=x)``). It reads syntax only: nothing
is imported or run.
``_runner`` uses it on MMEngine's Runner, on MMCV's layer builders and on the constructors of
the classes a config names.
"""

from __future__ import annotations

from registry_core.validation._rule import EACH, FIRST, Rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from collections.abc import Callable, Iterator
    from typing import Any, Final

__all__ = ["EACH", "FIRST", "Reader", "Rule", "constant", "name_of", "read_parameters"]

#: Calls that return their argument's value unchanged, for the reader.
_COPIES: Final = frozenset({"deepcopy", "copy"})


class Reader:
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
            key = constant(test.left)
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
            for call in _calls(inner):
                if (
                    isinstance(call.func, ast.Name)
                    and len(call.args) == 1
                    and self._path(call.args[0]) == path
                ):
                    rule.whole = call.func.id

    def _bind(self, target: ast.expr, value: ast.expr) -> None:
        import ast

        name = name_of(target)
        if name is not None:
            path = self._path(value)
            if path is not None:
                self.names[name] = path
            elif isinstance(value, ast.Call) and name_of(value.func) == "dict" and not value.args:
                self.dicts[name] = {k.arg for k in value.keywords if k.arg is not None}
            elif _or_empty(value, self.names.get(name), self._path):  # x = x or {}
                self._rule(self.names[name]).fresh = True
            elif (
                isinstance(value, (ast.List, ast.Tuple))
                and len(value.elts) == 1
                and name in self.names
                and self._path(value.elts[0]) == self.names[name]
            ):  # x = [x]
                self._rule(self.names[name]).single = True
            return
        if isinstance(target, ast.Subscript):
            holder = name_of(target.value)
            key = constant(target.slice)
            if holder in self.dicts and key is not None:
                self.dicts[holder].add(key)
                return
            path = self._path(target.value)
            if path is not None and key != "type":
                self._rule(path).given.add(key if key is not None else FIRST)
                if key is not None:
                    self._place(path, key, value, False)

    def _place(self, holder: tuple[str, ...], key: str, value: ast.expr, absent: bool) -> None:
        """``value``, when it is a place, is put into ``holder`` at ``key``."""
        path = self._path(value)
        if path is not None:
            self._rule(path).placed.append((holder, key, absent))

    def _path(self, node: ast.expr) -> tuple[str, ...] | None:
        """The place inside the section that ``node`` evaluates to, if it is one."""
        import ast

        name = name_of(node)
        if name is not None:
            return self.names.get(name)
        if isinstance(node, ast.Subscript):
            base = self._path(node.value)
            key = constant(node.slice)
            return None if base is None or key is None else (*base, key)
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        method = func.attr if isinstance(func, ast.Attribute) else name_of(func)
        if method in _COPIES:
            if isinstance(func, ast.Attribute) and not node.args:  # x.copy()
                return self._path(func.value)
            return self._path(node.args[0]) if node.args else None  # copy.deepcopy(x)
        if method in ("pop", "get") and isinstance(func, ast.Attribute) and node.args:
            base = self._path(func.value)
            key = constant(node.args[0])
            if base is None or key is None:
                return None
            if method == "pop":
                self._rule(base).consumed.add(key)
            return (*base, key)
        return None

    def _expression(self, node: ast.expr) -> None:
        """Record what each call inside ``node`` does to a place of the section."""
        import ast

        for inner in ast.walk(node):  # [R.build(a) for a in x]: ``a`` is each item of x
            if isinstance(inner, ast.comprehension) and isinstance(inner.target, ast.Name):
                path = self._path(inner.iter)
                if path is not None:
                    self.names[inner.target.id] = (*path, EACH)
        for call in _calls(node):
            func = call.func
            if isinstance(func, ast.Attribute):
                if func.attr == "build" and call.args:
                    path = self._path(call.args[0])
                    if path is not None:
                        rule = self._rule(path)
                        rule.registry = name_of(func.value)
                        rule.given |= self._default_args(call)
                elif func.attr == "get" and call.args and name_of(func.value) is not None:
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
            if isinstance(value, ast.Call) and name_of(value.func) == "dict":
                names = {k.arg for k in value.keywords if k.arg is not None}
                if value.args or any(k.arg is None for k in value.keywords):
                    names.add(FIRST)  # keys that cannot be read: it may pass anything
                return names
            if isinstance(value, ast.Dict):  # {"in_channels": ...}
                keys = [constant(k) if k is not None else None for k in value.keys]
                return {k for k in keys if k is not None} | ({FIRST} if None in keys else set())
            name = name_of(value)
            if name is not None and name in self.dicts:
                return set(self.dicts[name])
            return {FIRST}  # default_args it cannot read: it may pass anything
        return set()

    def _registry_get(self, func: ast.Attribute, argument: ast.expr) -> None:
        """``R.get(x.pop('type'))``: ``x`` names a type of ``R`` (a function the
        Runner then calls with ``x``'s other keys, like ``collate_fn``)."""

        registry = name_of(func.value)
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
        key = constant(key_node)
        if path is None or key is None:
            return
        rule = self._rule(path)
        if key == "type":
            default = constant(value)
            if default is not None and default not in rule.default_types:
                rule.default_types.append(default)
        else:
            rule.given.add(key)
            self._place(path, key, value, True)

    def _update(self, holder: ast.expr, call: ast.Call) -> None:
        """``x.update(k=...)`` or ``x.update(dict(k=...))``: ``k`` is given; an update
        with anything else may give any key, so nothing is known to be missing."""
        import ast

        path = self._path(holder)
        if path is None:
            return
        rule = self._rule(path)
        names = {k.arg for k in call.keywords if k.arg is not None}
        for keyword in call.keywords:
            if keyword.arg is not None and keyword.arg != "type":
                self._place(path, keyword.arg, keyword.value, False)
        for argument in call.args:
            if isinstance(argument, ast.Call) and name_of(argument.func) == "dict":
                names |= {k.arg for k in argument.keywords if k.arg is not None}
            else:
                names.add(FIRST)  # unknown keys: treat as passing anything
        if any(k.arg is None for k in call.keywords):
            names.add(FIRST)
        rule.given |= names - {"type"}

    def _direct(self, cls: str, call: ast.Call) -> None:
        """``Cls(**x, a=...)``: ``x`` builds ``Cls`` when it has no type; ``Cls(x)``,
        ``Cls(a=x)``, ``Cls(**x)``: ``x`` is handed to ``Cls``."""
        import ast

        for index, argument in enumerate(call.args):
            if isinstance(argument, ast.Starred):
                break  # the positions after it are unknown
            path = self._path(argument)
            if path is not None:
                self._rule(path).handed.append((cls, index))
        for keyword in call.keywords:
            path = self._path(keyword.value)
            if path is None:
                continue
            rule = self._rule(path)
            rule.handed.append((cls, keyword.arg))
            if keyword.arg is None:  # **x
                if cls not in rule.default_types:
                    rule.default_types.append(cls)
                rule.given |= {k.arg for k in call.keywords if k.arg is not None}


def read_parameters(function: ast.FunctionDef) -> Rule:
    """What ``function`` does with each of its parameters (but the first, ``self``):
    a rule whose children are the parameters' rules."""
    arguments = function.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args)][1:]
    names += [a.arg for a in arguments.kwonlyargs]
    rule = Rule()
    reader = Reader(rule)
    reader.names.update({name: (name,) for name in names})
    reader.read(function, "")
    return rule


def _or_empty(
    node: ast.expr, path: tuple[str, ...] | None, path_of: Callable[[ast.expr], Any]
) -> bool:
    """``x or {}`` (or ``x or dict()``), where ``x`` is at ``path``."""
    import ast

    if path is None or not isinstance(node, ast.BoolOp) or not isinstance(node.op, ast.Or):
        return False
    if len(node.values) != 2 or path_of(node.values[0]) != path:
        return False
    last = node.values[1]
    if isinstance(last, ast.Dict):
        return not last.keys
    return (
        isinstance(last, ast.Call)
        and name_of(last.func) == "dict"
        and not last.args
        and not last.keywords
    )


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


def _calls(node: ast.AST) -> Iterator[ast.Call]:
    import ast

    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            yield child


def name_of(node: ast.expr) -> str | None:
    """``x`` for a name, ``self.x`` for an attribute of a name, else ``None``."""
    import ast

    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def constant(node: ast.expr) -> Any:
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None
