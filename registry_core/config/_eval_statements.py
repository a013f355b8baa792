"""The statements of a safe evaluation, one function each, and the table that dispatches them.

Each function takes the ``Evaluator`` and the statement's syntax node; the
``Evaluator`` looks the function up in ``STATEMENTS`` by the node's type.
Assignments skip ``_base_ = ...`` (the list of bases, which the loader reads,
as MMEngine drops that line before running the file).
"""

from __future__ import annotations

import ast

from registry_core.config._configdict import ConfigDict
from registry_core.config._failures import EvalFailure, UnsafeConstruct
from registry_core.config._markers import COPY_MODULE, FunctionMarker
from registry_core.config._safe_calls import COPY_FUNCTIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    from registry_core.config._safe_eval import Evaluator

__all__ = ["STATEMENTS", "Break", "Continue"]

PYTHONS: Final = "names starting with __ are Python's"


class Break(BaseException):
    """``break``: leaves the innermost ``for`` of the evaluation."""


class Continue(BaseException):
    """``continue``: starts the next pass of the innermost ``for``."""


def assign(ev: Evaluator, node: ast.Assign) -> None:
    first = node.targets[0]
    if type(first) is ast.Name and first.id == "_base_":
        return  # the list of bases, which the loader reads (as MMEngine drops it)
    value = ev.expr(node.value)
    for target in node.targets:
        ev.store(target, value)


def augassign(ev: Evaluator, node: ast.AugAssign) -> None:
    target = node.target
    op = type(node.op)
    if isinstance(target, ast.Name):
        current = ev.load_name(target.id)
        value = ev.expr(node.value)
        ev.store_name(target.id, ev.operate(op, current, value, True))
    elif isinstance(target, ast.Subscript):
        obj = ev.expr(target.value)
        key = ev.key(target.slice)
        ev.hash_cost(key)
        current = obj[key]
        value = ev.expr(node.value)
        ev.setitem(obj, key, ev.operate(op, current, value, True))
    else:
        obj = ev.expr(target.value)
        current = ev.read_attribute(obj, target.attr)
        value = ev.expr(node.value)
        ev.set_attribute(obj, target.attr, ev.operate(op, current, value, True))


def delete(ev: Evaluator, node: ast.Delete) -> None:
    for target in node.targets:
        delete_target(ev, target)


def delete_target(ev: Evaluator, target: ast.expr) -> None:
    if isinstance(target, ast.Name):
        name = target.id
        scope = ev.scopes[-1] if ev.scopes else ev.ns
        if name not in scope:
            raise EvalFailure(f"NameError: name {name!r} is not defined")
        del scope[name]
    elif isinstance(target, ast.Subscript):
        obj = ev.expr(target.value)
        key = ev.key(target.slice)
        ev.hash_cost(key)
        if type(obj) is list:
            ev.budget.charge(len(obj) >> 6)
        ev.changing(obj)
        del obj[key]
        ev.touch(obj, key)
    elif isinstance(target, ast.Attribute):
        obj = ev.expr(target.value)
        attr = target.attr
        if attr.startswith("__"):
            raise UnsafeConstruct(f"the attribute {attr}", PYTHONS)
        if not isinstance(obj, ConfigDict):
            raise EvalFailure(
                f"AttributeError: '{type(obj).__name__}' object has no attribute '{attr}'"
            )
        ev.changing(obj)
        del obj[attr]
        ev.touch(obj, attr)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            delete_target(ev, element)
    else:  # pragma: no cover - the parser refuses other targets
        raise EvalFailure("SyntaxError: cannot delete this")


def for_loop(ev: Evaluator, node: ast.For) -> None:
    iterator = iter(ev.expr(node.iter))
    budget = ev.budget
    body = node.body
    broke = False
    ev.loops += 1
    try:
        for item in iterator:
            budget.charge(1)
            ev.store(node.target, item)
            try:
                ev.block(body)
            except Continue:
                continue
            except Break:
                broke = True
                break
    finally:
        ev.loops -= 1
    if not broke and node.orelse:
        ev.block(node.orelse)


def if_statement(ev: Evaluator, node: ast.If) -> None:
    ev.block(node.body if ev.expr(node.test) else node.orelse)


def expression_statement(ev: Evaluator, node: ast.Expr) -> None:
    ev.expr(node.value)


def pass_statement(ev: Evaluator, node: ast.Pass) -> None:
    pass


def break_statement(ev: Evaluator, node: ast.Break) -> None:
    if not ev.loops:
        raise EvalFailure("SyntaxError: 'break' outside loop")
    raise Break


def continue_statement(ev: Evaluator, node: ast.Continue) -> None:
    if not ev.loops:
        raise EvalFailure("SyntaxError: 'continue' not properly in loop")
    raise Continue


def import_statement(ev: Evaluator, node: ast.Import) -> None:
    for alias in node.names:
        if alias.name != "copy":
            raise UnsafeConstruct(
                f"an import of {alias.name}",
                "the one module a safe config may import is copy (for copy.copy and copy.deepcopy)",
            )
    for alias in node.names:
        ev.store_name(alias.asname or "copy", COPY_MODULE)


def import_from(ev: Evaluator, node: ast.ImportFrom) -> None:
    names = [alias.name for alias in node.names]
    if node.module != "copy" or node.level or not set(names) <= COPY_FUNCTIONS.keys():
        module = "." * node.level + (node.module or "")
        raise UnsafeConstruct(
            f"an import from {module}",
            "the one import a safe config may make is of copy.copy and copy.deepcopy",
        )
    for alias in node.names:
        ev.store_name(alias.asname or alias.name, FunctionMarker(alias.name))


STATEMENTS: Final[dict[type, Callable[[Evaluator, Any], None]]] = {
    ast.Assign: assign,
    ast.AugAssign: augassign,
    ast.Delete: delete,
    ast.For: for_loop,
    ast.If: if_statement,
    ast.Expr: expression_statement,
    ast.Pass: pass_statement,
    ast.Break: break_statement,
    ast.Continue: continue_statement,
    ast.Import: import_statement,
    ast.ImportFrom: import_from,
}
"""Statement type -> the function that evaluates it; any other statement is refused."""
