"""The safe evaluator: the data subset of a ``.py`` config, run from its syntax tree.

Nothing of the file is compiled or executed. ``Evaluator`` walks the tree
that ``ast.parse`` gives and evaluates each node itself, dispatching on its
type: the statements of ``_eval_statements.STATEMENTS`` (assignments, ``del``,
``for``, ``if``, ``import copy``), the expressions of
``_eval_expressions.EXPRESSIONS`` (literals, displays, comprehensions,
operators, subscripts, f-strings, attribute reads of ``ConfigDict`` values,
calls of ``_safe_calls.BUILTINS`` and of ``_safe_methods.METHODS``). Any other
node, name, attribute or call is an ``UnsafeConstruct``, raised before
anything of it runs. This module holds the state of one evaluation (names,
comprehension scopes, the budget) and what the handlers share: looking names
up, storing into targets, reading attributes, operators.

The values it makes are plain data (``None``, numbers, strings, bytes, lists,
tuples, dicts, sets, ranges and ``ConfigDict``), so no value leads to code
either: there are no functions, classes or modules to reach. Every operation
counts its work on a ``Budget`` and checks the size of what it makes first
(see ``_limits``).

>>> import ast
>>> namespace = {}
>>> Evaluator(namespace).run(ast.parse("a = dict(x=[i * 2 for i in range(3)])").body)
>>> namespace
{'a': {'x': [0, 2, 4]}}
"""

from __future__ import annotations

import ast
import itertools

from registry_core.config._configdict import ConfigDict
from registry_core.config._eval_arithmetic import BINARY, INPLACE, check_operation
from registry_core.config._eval_expressions import (
    EXPRESSIONS,
    PYTHON_BUILTINS,
    PYTHONS,
    UNBOUND,
    is_dunder,
)
from registry_core.config._eval_statements import STATEMENTS
from registry_core.config._failures import EvalFailure, UnsafeConstruct
from registry_core.config._limits import MAX_STEPS, Budget, check_items, size_of
from registry_core.config._markers import MARKERS
from registry_core.config._safe_calls import BUILTINS
from registry_core.config._strformat import percent_format

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, ClassVar, Final

    from registry_core.config._sources import WriteLog

__all__ = ["Evaluator"]


#: Statements and expressions outside the subset, named for the message.
_CONSTRUCTS: Final[dict[str, str]] = {
    "FunctionDef": "a function definition (def)",
    "AsyncFunctionDef": "a function definition (async def)",
    "ClassDef": "a class definition",
    "Return": "return",
    "While": "a while loop",
    "With": "a with statement",
    "AsyncWith": "an async with statement",
    "AsyncFor": "an async for loop",
    "Try": "a try statement",
    "TryStar": "a try statement",
    "Raise": "raise",
    "Assert": "assert",
    "Global": "a global statement",
    "Nonlocal": "a nonlocal statement",
    "AnnAssign": "an annotated assignment",
    "Match": "a match statement",
    "TypeAlias": "a type alias",
    "Lambda": "a lambda",
    "NamedExpr": "an assignment expression (:=)",
    "Await": "await",
    "Yield": "yield",
    "YieldFrom": "yield from",
    "GeneratorExp": "a generator expression outside the arguments of a call",
}


def _python_error(exc: BaseException, node: ast.AST) -> EvalFailure:
    if isinstance(exc, RecursionError):
        failure = EvalFailure("the value or expression is nested too deeply to evaluate")
    elif isinstance(exc, MemoryError):
        failure = EvalFailure("MemoryError: the evaluation ran out of memory")
    else:
        failure = EvalFailure(f"{type(exc).__name__}: {exc}")
    failure.node = node
    return failure


class Evaluator:
    """Evaluates the statements of a safe ``.py`` config into ``namespace``.

    Args:
        namespace: the file's module-level names; filled by ``run``.
        budget: the steps and sizes counted so far (a new one by default).
        base: makes the value of ``_base_`` (the merged bases, as
            ``ConfigDict``) the first time the file reads it; ``None`` when
            the file has no bases: ``_base_`` is then an empty ``ConfigDict``.
        writes: records what the file changes inside ``_base_``, for
            ``Config.source_of``.

    A subclass may evaluate other statements or expressions by giving its own
    ``statements`` and ``expressions`` tables (``_pure_python`` does).
    """

    statements: ClassVar[dict[type, Callable[[Any, Any], None]]] = STATEMENTS
    expressions: ClassVar[dict[type, Callable[[Any, Any], Any]]] = EXPRESSIONS

    def __init__(
        self,
        namespace: dict[str, Any],
        budget: Budget | None = None,
        base: Callable[[], ConfigDict] | None = None,
        writes: WriteLog | None = None,
    ) -> None:
        self.ns = namespace
        self.budget = budget or Budget()
        self.base = base
        self.writes = writes
        self.scopes: list[dict[str, Any]] = []
        self.loops = 0

    def run(self, body: Sequence[ast.stmt]) -> None:
        """Evaluate ``body`` (a module's statements).

        Raises:
            EvalFailure: with ``node`` set to the innermost node being evaluated.
        """
        self.block(body)

    def evaluate(self, node: ast.expr) -> Any:
        """Evaluate one expression (the value of ``_base_ = ...``, say)."""
        return self.expr(node)

    def block(self, body: Sequence[ast.stmt]) -> None:
        budget = self.budget
        for statement in body:
            budget.steps += 1
            if budget.steps > MAX_STEPS:
                budget.charge(0)
            handler = self.statements.get(type(statement))
            if handler is None:
                raise self.refused(statement)
            try:
                handler(self, statement)
            except EvalFailure as failure:
                if failure.node is None:
                    failure.node = statement
                raise
            except Exception as exc:
                raise _python_error(exc, statement) from exc

    def refused(self, node: ast.AST) -> UnsafeConstruct:
        name = type(node).__name__
        failure = UnsafeConstruct(_CONSTRUCTS.get(name, f"the syntax {name}"))
        failure.node = node
        return failure

    def store(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.store_name(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            self.unpack_into(target.elts, value)
        elif isinstance(target, ast.Subscript):
            obj = self.expr(target.value)
            key = self.key(target.slice)
            self.setitem(obj, key, value)
        elif isinstance(target, ast.Attribute):
            obj = self.expr(target.value)
            self.set_attribute(obj, target.attr, value)
        elif isinstance(target, ast.Starred):
            raise EvalFailure("SyntaxError: starred assignment target must be in a list or tuple")
        else:  # pragma: no cover - the parser refuses other targets
            raise EvalFailure(f"SyntaxError: cannot assign to {type(target).__name__}")

    def store_name(self, name: str, value: Any) -> None:
        if name[0] == "_" and is_dunder(name):
            raise UnsafeConstruct(f"the name {name}", "names of the form __name__ are Python's")
        if self.scopes:
            self.scopes[-1][name] = value
        else:
            self.ns[name] = value

    def unpack_into(self, targets: list[ast.expr], value: Any) -> None:
        stars = [i for i, t in enumerate(targets) if type(t) is ast.Starred]
        if len(stars) > 1:
            raise EvalFailure("SyntaxError: multiple starred expressions in assignment")
        n = len(targets)
        if not stars:
            items = list(itertools.islice(iter(value), n + 1))
            if len(items) < n:
                raise EvalFailure(
                    f"ValueError: not enough values to unpack (expected {n}, got {len(items)})"
                )
            if len(items) > n:
                raise EvalFailure(f"ValueError: too many values to unpack (expected {n})")
            values = items
        else:
            items = self.spread(value, 0)
            before = stars[0]
            after = n - before - 1
            if len(items) < before + after:
                raise EvalFailure(
                    "ValueError: not enough values to unpack "
                    f"(expected at least {before + after}, got {len(items)})"
                )
            middle = items[before : len(items) - after]
            values = [*items[:before], middle, *items[len(items) - after :]]
        for target, item in zip(targets, values, strict=True):
            if type(target) is ast.Starred:
                target = target.value
            self.store(target, item)

    def setitem(self, obj: Any, key: Any, value: Any) -> None:
        self.changing(obj)
        budget = self.budget
        self.hash_cost(key)
        if isinstance(obj, ConfigDict):
            budget.weigh(value)  # storing converts the dicts inside it
        elif type(obj) is list and type(key) is slice:
            n = self.size(value)
            check_items(len(obj) + n, "the list")
            budget.charge(n + (len(obj) >> 6))
        obj[key] = value
        self.touch(obj, key)

    def set_attribute(self, obj: Any, attr: str, value: Any) -> None:
        if attr.startswith("__"):
            raise UnsafeConstruct(f"the attribute {attr}", PYTHONS)
        if not isinstance(obj, ConfigDict):
            raise EvalFailure(
                f"AttributeError: '{type(obj).__name__}' object has no attribute '{attr}'"
            )
        self.changing(obj)
        self.budget.weigh(value)
        setattr(obj, attr, value)
        self.touch(obj, attr)

    def changing(self, obj: Any) -> None:
        """Called before ``obj`` is changed in place (a subclass may refuse it)."""

    def calling(self, obj: Any, attr: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        """Called before the method ``attr`` of ``obj`` runs (a subclass may refuse it)."""

    def touch(self, obj: Any, key: Any = None) -> None:
        if self.writes is not None:
            self.writes.touch(obj, key)

    def expr(self, node: ast.expr) -> Any:
        budget = self.budget
        budget.steps += 1
        if budget.steps > MAX_STEPS:
            budget.charge(0)
        handler = self.expressions.get(type(node))
        if handler is None:
            raise self.refused(node)
        try:
            return handler(self, node)
        except EvalFailure as failure:
            if failure.node is None:
                failure.node = node
            raise
        except Exception as exc:
            raise _python_error(exc, node) from exc

    def lookup(self, name: str) -> Any:
        if self.scopes:
            for scope in reversed(self.scopes):
                if name in scope:
                    return scope[name]
        return self.ns.get(name, UNBOUND)

    def load_name(self, name: str) -> Any:
        value = self.lookup(name)
        if value is UNBOUND:
            return self.missing_name(name)
        if isinstance(value, MARKERS):
            raise UnsafeConstruct(
                f"{value!r} used as a value",
                "copy.copy and copy.deepcopy can only be called",
            )
        return value

    def missing_name(self, name: str) -> Any:
        if name == "_base_":
            base = self.base() if self.base is not None else ConfigDict()
            self.base = None
            self.ns["_base_"] = base
            return base
        if is_dunder(name):
            raise UnsafeConstruct(f"the name {name}", "names of the form __name__ are Python's")
        if name in BUILTINS:
            raise UnsafeConstruct(f"the built-in {name} used as a value", "it can only be called")
        if name in PYTHON_BUILTINS:
            raise UnsafeConstruct(f"the built-in {name}")
        raise EvalFailure(f"NameError: name {name!r} is not defined")

    def read_attribute(self, value: Any, attr: str) -> Any:
        if attr.startswith("__"):
            raise UnsafeConstruct(f"the attribute {attr}", PYTHONS)
        if isinstance(value, ConfigDict):
            if hasattr(ConfigDict, attr):
                raise UnsafeConstruct(
                    f"the method {attr} read without calling it", "methods can only be called"
                )
            try:
                return value[attr]
            except KeyError:
                raise EvalFailure(
                    f"AttributeError: 'ConfigDict' object has no attribute '{attr}'"
                ) from None
        if hasattr(value, attr):
            kind = type(value).__name__
            raise UnsafeConstruct(
                f"the attribute {attr} of {'an' if kind[0] in 'aeiou' else 'a'} {kind}",
                "attributes are read only from values read through _base_, as their keys",
            )
        raise EvalFailure(
            f"AttributeError: '{type(value).__name__}' object has no attribute '{attr}'"
        )

    def key(self, node: ast.expr) -> Any:
        kind = type(node)
        if kind is ast.Slice:
            return slice(
                None if node.lower is None else self.expr(node.lower),  # type: ignore[attr-defined]
                None if node.upper is None else self.expr(node.upper),  # type: ignore[attr-defined]
                None if node.step is None else self.expr(node.step),  # type: ignore[attr-defined]
            )
        if kind is ast.Tuple and any(type(e) is ast.Slice for e in node.elts):  # type: ignore[attr-defined]
            return tuple(self.key(e) for e in node.elts)  # type: ignore[attr-defined]
        return self.expr(node)

    def hash_cost(self, key: Any) -> None:
        t = type(key)
        if t is str or t is slice:
            return  # a string's hash is kept once computed; making it was charged
        if t is int:
            self.budget.hash_int(key)  # an int's is not: a large one costs each time
        else:
            self.budget.weigh(key)

    def operate(self, op: type, a: Any, b: Any, inplace: bool) -> Any:
        if op is ast.Mod and isinstance(a, (str, bytes)):
            return percent_format(a, b, self.budget)
        check_operation(self.budget, op, a, b, inplace)
        if inplace:
            self.changing(a)  # ``+=`` extends a list in place
            return INPLACE[op](a, b)
        return BINARY[op](a, b)

    def size(self, value: Any) -> int:
        try:
            return size_of(value)
        except TypeError:
            raise EvalFailure(
                f"TypeError: '{type(value).__name__}' object is not iterable"
            ) from None

    def spread(self, value: Any, already: int) -> list[Any]:
        """``list(value)`` for ``*value``, its size checked and charged first."""
        n = self.size(value)
        check_items(already + n, "the unpacked values")
        self.budget.charge(n)
        return list(value)
