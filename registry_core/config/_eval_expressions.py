"""The expressions of a safe evaluation, one function each, and the table that dispatches them.

Each function takes the ``Evaluator`` and the expression's syntax node and
returns its value; the ``Evaluator`` looks the function up in ``EXPRESSIONS``
by the node's type. Calls are resolved here: a name bound by the file is data
(not callable), an unbound name is one of ``BUILTINS`` or refused, a method is
looked up in ``METHODS`` by the type of its value, and ``copy.copy`` /
``copy.deepcopy`` go through the markers ``import copy`` binds.
"""

from __future__ import annotations

import ast
import builtins
import itertools

from registry_core.config._configdict import ConfigDict
from registry_core.config._eval_arithmetic import (
    COMPARE,
    SEQUENCES,
    UNARY,
    check_unary,
    compare_cost,
)
from registry_core.config._eval_comprehensions import dictcomp, generator, listcomp, setcomp
from registry_core.config._failures import EvalFailure, UnsafeConstruct
from registry_core.config._limits import MAX_STEPS, check_items
from registry_core.config._markers import FunctionMarker, ModuleMarker
from registry_core.config._safe_calls import BUILTINS, COPY_FUNCTIONS, allowed_calls
from registry_core.config._safe_methods import COMPUTED, METHODS
from registry_core.config._strformat import format_value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any, Final

    from registry_core.config._safe_eval import Evaluator

__all__ = ["EXPRESSIONS", "base_reference"]

PYTHONS: Final = "names starting with __ are Python's"
PYTHON_BUILTINS: Final = frozenset(dir(builtins))
"""Every name of Python's built-ins: calling one outside ``BUILTINS`` is refused."""
UNBOUND: Final[Any] = object()
"""What ``Evaluator.lookup`` returns for a name the file has not bound."""

#: Methods that change the list or dict they are called on.
LIST_MUTATORS: Final = frozenset(
    {"append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"}
)
DICT_MUTATORS: Final = frozenset({"update", "pop", "popitem", "setdefault", "clear"})


def base_reference(node: ast.AST) -> str | None:
    """The path of a ``{{_base_.a.b}}`` token (a set in a set, to the parser), or ``None``.

    >>> base_reference(ast.parse("{{_base_.model.backbone}}", mode="eval").body)
    'model.backbone'
    >>> base_reference(ast.parse("{{x}}", mode="eval").body) is None
    True
    """
    if type(node) is not ast.Set or len(node.elts) != 1:
        return None
    inner = node.elts[0]
    if type(inner) is not ast.Set or len(inner.elts) != 1:
        return None
    parts: list[str] = []
    chain = inner.elts[0]
    while type(chain) is ast.Attribute:
        parts.append(chain.attr)
        chain = chain.value
    if type(chain) is not ast.Name or chain.id != "_base_" or not parts:
        return None
    return ".".join(reversed(parts))


def is_dunder(name: str) -> bool:
    """Whether ``name`` has the form ``__name__``."""
    return name.startswith("__") and name.endswith("__")


def constant(ev: Evaluator, node: ast.Constant) -> Any:
    return node.value


def name(ev: Evaluator, node: ast.Name) -> Any:
    return ev.load_name(node.id)


def attribute(ev: Evaluator, node: ast.Attribute) -> Any:
    attr = node.attr
    if attr.startswith("__"):
        raise UnsafeConstruct(f"the attribute {attr}", PYTHONS)
    return ev.read_attribute(ev.expr(node.value), attr)


def subscript(ev: Evaluator, node: ast.Subscript) -> Any:
    value = ev.expr(node.value)
    key = ev.key(node.slice)
    ev.hash_cost(key)
    result = value[key]
    if type(key) is slice and type(result) in SEQUENCES:
        ev.budget.charge(len(result))
    return result


def binop(ev: Evaluator, node: ast.BinOp) -> Any:
    left = ev.expr(node.left)
    right = ev.expr(node.right)
    return ev.operate(type(node.op), left, right, False)


def unaryop(ev: Evaluator, node: ast.UnaryOp) -> Any:
    kind = type(node.op)
    value = ev.expr(node.operand)
    check_unary(ev.budget, kind, value)
    return UNARY[kind](value)


def boolop(ev: Evaluator, node: ast.BoolOp) -> Any:
    values = node.values
    want = type(node.op) is ast.Or
    for value in values[:-1]:
        result = ev.expr(value)
        if bool(result) is want:
            return result
    return ev.expr(values[-1])


def compare(ev: Evaluator, node: ast.Compare) -> Any:
    left = ev.expr(node.left)
    result: Any = True
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = ev.expr(comparator)
        kind = type(op)
        compare_cost(ev.budget, kind, left, right)
        result = COMPARE[kind](left, right)
        if not result:
            return result
        left = right
    return result


def ifexp(ev: Evaluator, node: ast.IfExp) -> Any:
    return ev.expr(node.body if ev.expr(node.test) else node.orelse)


def call(ev: Evaluator, node: ast.Call) -> Any:
    func = node.func
    kind = type(func)
    if kind is ast.Name:
        name = func.id  # type: ignore[attr-defined]
        bound = ev.lookup(name)
        if bound is UNBOUND and name != "_base_":
            return call_builtin(ev, node, name)
        if type(bound) is FunctionMarker:
            args, kwargs = arguments(ev, node)
            return COPY_FUNCTIONS[bound.name](ev.budget, args, kwargs)
        value = ev.load_name(name)
        raise EvalFailure(f"TypeError: '{type(value).__name__}' object is not callable")
    if kind is ast.Attribute:
        return method_call(ev, node, func)  # type: ignore[arg-type]
    value = ev.expr(func)
    raise EvalFailure(f"TypeError: '{type(value).__name__}' object is not callable")


def call_builtin(ev: Evaluator, node: ast.Call, name: str) -> Any:
    """The call ``node`` of ``name``, which the file has not bound: one of ``BUILTINS``."""
    if name == "dict" and not node.args:  # most calls are dict(k=v, ...)
        return dict_call(ev, node)
    builtin = BUILTINS.get(name)
    if builtin is None:
        if is_dunder(name) or name in PYTHON_BUILTINS:
            raise UnsafeConstruct(
                f"a call of {name}", f"a safe config may call only {allowed_calls()}"
            )
        raise EvalFailure(f"NameError: name {name!r} is not defined")
    args, kwargs = arguments(ev, node)
    return builtin(ev.budget, args, kwargs)


def method_call(ev: Evaluator, node: ast.Call, func: ast.Attribute) -> Any:
    attr = func.attr
    if attr.startswith("__"):
        raise UnsafeConstruct(f"the attribute {attr}", PYTHONS)
    owner = func.value
    if type(owner) is ast.Name and type(ev.lookup(owner.id)) is ModuleMarker:
        function = COPY_FUNCTIONS.get(attr)
        if function is None:
            raise UnsafeConstruct(
                f"copy.{attr}", "of the copy module, only copy.copy and copy.deepcopy"
            )
        args, kwargs = arguments(ev, node)
        return function(ev.budget, args, kwargs)
    obj = ev.expr(owner)
    table = METHODS.get(type(obj))
    check = table.get(attr) if table is not None else None
    if check is None:
        if isinstance(obj, ConfigDict) and not hasattr(ConfigDict, attr):
            value = ev.read_attribute(obj, attr)
            raise EvalFailure(f"TypeError: '{type(value).__name__}' object is not callable")
        if not hasattr(obj, attr):
            raise EvalFailure(
                f"AttributeError: '{type(obj).__name__}' object has no attribute '{attr}'"
            )
        raise UnsafeConstruct(
            f"the method {type(obj).__name__}.{attr}",
            "see the methods a safe config may call in docs/config-files.md",
        )
    args, kwargs = arguments(ev, node)
    result = check(ev.budget, obj, args, kwargs)
    if (type(obj), attr) in COMPUTED:
        return result
    ev.calling(obj, attr, args, kwargs)
    result = getattr(obj, attr)(*args, **kwargs)
    if ev.writes is not None:
        touch_call(ev, obj, attr, args, kwargs)
    return result


def touch_call(ev: Evaluator, obj: Any, attr: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    if type(obj) is list:
        if attr in LIST_MUTATORS:
            ev.touch(obj)
    elif isinstance(obj, dict) and attr in DICT_MUTATORS:
        if attr in ("pop", "setdefault") and args:
            ev.touch(obj, args[0])
        elif attr == "update" and (not args or isinstance(args[0], dict)):
            for key in itertools.chain(args[0] if args else (), kwargs):
                ev.touch(obj, key)
        else:
            ev.touch(obj)


def arguments(ev: Evaluator, node: ast.Call) -> tuple[list[Any], dict[str, Any]]:
    args: list[Any] = []
    for arg in node.args:
        kind = type(arg)
        if kind is ast.Starred:
            args.extend(ev.spread(ev.expr(arg.value), len(args)))  # type: ignore[attr-defined]
        elif kind is ast.GeneratorExp:
            args.append(generator(ev, arg))  # type: ignore[arg-type]
        else:
            args.append(ev.expr(arg))
    return args, keywords(ev, node)


def keywords(ev: Evaluator, node: ast.Call) -> dict[str, Any]:
    """The keyword arguments of the call ``node``, evaluated."""
    kwargs: dict[str, Any] = {}
    budget = ev.budget
    for keyword in node.keywords:
        key = keyword.arg
        value = keyword.value
        if key is None:
            _spread_keywords(ev, ev.expr(value), kwargs)
            continue
        if key in kwargs:
            raise EvalFailure(f"TypeError: got multiple values for keyword argument '{key}'")
        kind = type(value)
        if kind is ast.Constant:  # most are a constant or a name: ``ev.expr`` inlined
            budget.steps += 1
            kwargs[key] = value.value  # type: ignore[attr-defined]
        elif kind is ast.Name:
            budget.steps += 1
            try:
                kwargs[key] = ev.load_name(value.id)  # type: ignore[attr-defined]
            except EvalFailure as failure:
                if failure.node is None:
                    failure.node = value
                raise
        else:
            kwargs[key] = nested(ev, value)
    if budget.steps > MAX_STEPS:  # (the inlined steps: a call has as many as its source)
        budget.charge(0)
    return kwargs


def nested(ev: Evaluator, node: ast.expr) -> Any:
    """``ev.expr(node)`` for a value inside a call or a display, with ``dict(k=v, ...)``
    (the most common one: configs nest them) evaluated here, in fewer calls. (Both
    evaluators' ``ast.Call`` handlers call the built-in ``dict`` for it when the file has
    not bound the name; a subclass whose handler treats it otherwise must not use this.)"""
    if (
        type(node) is ast.Call
        and type(func := node.func) is ast.Name
        and func.id == "dict"
        and not node.args
        and (ev.lookup("dict") if ev.scopes else ev.ns.get("dict", UNBOUND)) is UNBOUND
    ):
        ev.budget.steps += 1  # (as ``ev.expr`` counts the call)
        try:
            return dict_call(ev, node)
        except EvalFailure as failure:
            if failure.node is None:
                failure.node = node
            raise
    return ev.expr(node)


def dict_call(ev: Evaluator, node: ast.Call) -> dict[str, Any]:
    """``dict(k=v, ...)`` of the built-in, without positional arguments: the call's own
    keyword dict, charged as ``dict`` charges its items (``_safe_calls._dict``)."""
    kwargs = keywords(ev, node)
    ev.budget.charge(len(kwargs))
    return kwargs


def _spread_keywords(ev: Evaluator, mapping: Any, kwargs: dict[str, Any]) -> None:
    """``**mapping`` in a call: its items added to ``kwargs``."""
    if not isinstance(mapping, dict):
        raise EvalFailure(
            f"TypeError: argument after ** must be a mapping, not {type(mapping).__name__}"
        )
    check_items(len(kwargs) + len(mapping), "the keyword arguments")
    ev.budget.charge(len(mapping))
    for key in mapping:
        if type(key) is not str:
            raise EvalFailure("TypeError: keywords must be strings")
        if key in kwargs:
            raise EvalFailure(f"TypeError: got multiple values for keyword argument '{key}'")
        kwargs[key] = mapping[key]


def elements(ev: Evaluator, elements: Iterable[ast.expr]) -> list[Any]:
    out: list[Any] = []
    budget = ev.budget
    for element in elements:
        kind = type(element)
        if kind is ast.Constant:  # ``ev.expr`` inlined, as in ``arguments``
            budget.steps += 1
            out.append(element.value)  # type: ignore[attr-defined]
        elif kind is ast.Starred:
            out.extend(ev.spread(ev.expr(element.value), len(out)))  # type: ignore[attr-defined]
        else:
            out.append(nested(ev, element))
    if budget.steps > MAX_STEPS:
        budget.charge(0)
    return out


def list_display(ev: Evaluator, node: ast.List) -> Any:
    return elements(ev, node.elts)


def tuple_display(ev: Evaluator, node: ast.Tuple) -> Any:
    return tuple(elements(ev, node.elts))


def set_display(ev: Evaluator, node: ast.Set) -> Any:
    reference = base_reference(node)
    if reference is not None:
        return "{{_base_." + reference + "}}"  # replaced by the loader
    items = elements(ev, node.elts)
    for item in items:
        ev.hash_cost(item)
    return set(items)


def dict_display(ev: Evaluator, node: ast.Dict) -> Any:
    result: dict[Any, Any] = {}
    for key_node, value_node in zip(node.keys, node.values, strict=True):
        if key_node is None:
            mapping = ev.expr(value_node)
            if not isinstance(mapping, dict):
                raise EvalFailure(f"TypeError: '{type(mapping).__name__}' object is not a mapping")
            check_items(len(result) + len(mapping), "the dict")
            ev.budget.charge(len(mapping))
            result.update(mapping)
        else:
            key = ev.expr(key_node)
            value = ev.expr(value_node)
            ev.hash_cost(key)
            result[key] = value
    return result


def joinedstr(ev: Evaluator, node: ast.JoinedStr) -> Any:
    parts: list[str] = []
    total = 0
    for part in node.values:
        if isinstance(part, ast.Constant):
            text = str(part.value)
        elif isinstance(part, ast.FormattedValue):
            value = ev.expr(part.value)
            spec = joinedstr(ev, part.format_spec) if part.format_spec else ""  # type: ignore[arg-type]
            conversion = None if part.conversion == -1 else chr(part.conversion)
            text = format_value(value, conversion, spec, ev.budget)
        else:  # pragma: no cover - f-strings hold nothing else
            raise ev.refused(part)
        parts.append(text)
        total += len(text)
        check_items(total, "the f-string")
    return "".join(parts)


def starred(ev: Evaluator, node: ast.Starred) -> Any:
    raise EvalFailure("SyntaxError: can't use starred expression here")


EXPRESSIONS: Final[dict[type, Callable[[Evaluator, Any], Any]]] = {
    ast.Constant: constant,
    ast.Name: name,
    ast.Attribute: attribute,
    ast.Subscript: subscript,
    ast.BinOp: binop,
    ast.UnaryOp: unaryop,
    ast.BoolOp: boolop,
    ast.Compare: compare,
    ast.IfExp: ifexp,
    ast.Call: call,
    ast.List: list_display,
    ast.Tuple: tuple_display,
    ast.Set: set_display,
    ast.Dict: dict_display,
    ast.ListComp: listcomp,
    ast.SetComp: setcomp,
    ast.DictComp: dictcomp,
    ast.JoinedStr: joinedstr,
    ast.Starred: starred,
}
"""Expression type -> the function that evaluates it; any other expression is refused."""
