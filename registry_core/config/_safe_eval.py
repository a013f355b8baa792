"""The safe evaluator: the data subset of a ``.py`` config, run from its syntax tree.

Nothing of the file is compiled or executed. ``Evaluator`` walks the tree
that ``ast.parse`` gives and evaluates each node itself: assignments, ``del``,
``for`` and ``if``, literals and displays, comprehensions, operators,
subscripts, f-strings, the built-in functions of ``_safe_calls.BUILTINS``, the
methods of ``_safe_calls.METHODS``, attribute reads of ``ConfigDict`` values
and ``import copy``. Any other node, name, attribute or call is an
``UnsafeConstruct``, raised before anything of it runs.

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
import builtins
import itertools
import math
import operator

from registry_core.config._configdict import ConfigDict
from registry_core.config._failures import EvalFailure, UnsafeConstruct
from registry_core.config._limits import (
    MAX_ITEMS,
    MAX_STEPS,
    Budget,
    check_digits,
    check_items,
    made,
    size_of,
)
from registry_core.config._safe_calls import BUILTINS, COMPUTED, COPY_FUNCTIONS, METHODS
from registry_core.config._strformat import format_value, percent_format

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any, Final

    from registry_core.config._sources import WriteLog

__all__ = ["Evaluator", "FunctionMarker", "ModuleMarker", "base_reference", "is_marker"]


class ModuleMarker:
    """What ``import copy`` binds: usable only as ``copy.copy(...)`` / ``copy.deepcopy(...)``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<module 'copy'>"


class FunctionMarker:
    """What ``from copy import deepcopy`` binds: usable only in a call."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<function copy.{self.name}>"


COPY_MODULE: Final = ModuleMarker()
_MARKERS: Final = (ModuleMarker, FunctionMarker)


def is_marker(value: object) -> bool:
    """Whether ``value`` is a module or function bound by ``import copy`` (not config data)."""
    return isinstance(value, _MARKERS)


class _Break(BaseException):
    """``break``: leaves the innermost ``for`` of the evaluation."""


class _Continue(BaseException):
    """``continue``: starts the next pass of the innermost ``for``."""


_UNBOUND: Final[Any] = object()
_PYTHONS: Final = "names starting with __ are Python's"

_PYTHON_BUILTINS: Final = frozenset(dir(builtins))

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

_BINARY: Final[dict[type, Callable[[Any, Any], Any]]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
    ast.BitAnd: operator.and_,
    ast.MatMult: operator.matmul,
}

_INPLACE: Final[dict[type, Callable[[Any, Any], Any]]] = {
    ast.Add: operator.iadd,
    ast.Sub: operator.isub,
    ast.Mult: operator.imul,
    ast.Div: operator.itruediv,
    ast.FloorDiv: operator.ifloordiv,
    ast.Mod: operator.imod,
    ast.Pow: operator.ipow,
    ast.LShift: operator.ilshift,
    ast.RShift: operator.irshift,
    ast.BitOr: operator.ior,
    ast.BitXor: operator.ixor,
    ast.BitAnd: operator.iand,
    ast.MatMult: operator.imatmul,
}

_UNARY: Final[dict[type, Callable[[Any], Any]]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
    ast.Not: operator.not_,
    ast.Invert: operator.invert,
}

_COMPARE: Final[dict[type, Callable[[Any, Any], Any]]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}

_SEQUENCES: Final = (str, bytes, list, tuple)
_HASHED: Final[tuple[type, ...]] = (dict, set, frozenset, type({}.keys()), type({}.items()))

#: Methods that change the list or dict they are called on.
_LIST_MUTATORS: Final = frozenset(
    {"append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"}
)
_DICT_MUTATORS: Final = frozenset({"update", "pop", "popitem", "setdefault", "clear"})


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


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


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
    """

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
        self._statements: dict[type, Callable[[Any], None]] = {
            ast.Assign: self._assign,
            ast.AugAssign: self._augassign,
            ast.Delete: self._delete,
            ast.For: self._for,
            ast.If: self._if,
            ast.Expr: self._expression_statement,
            ast.Pass: self._pass,
            ast.Break: self._break,
            ast.Continue: self._continue,
            ast.Import: self._import,
            ast.ImportFrom: self._import_from,
        }
        self._expressions: dict[type, Callable[[Any], Any]] = {
            ast.Constant: self._constant,
            ast.Name: self._name,
            ast.Attribute: self._attribute,
            ast.Subscript: self._subscript,
            ast.BinOp: self._binop,
            ast.UnaryOp: self._unaryop,
            ast.BoolOp: self._boolop,
            ast.Compare: self._compare,
            ast.IfExp: self._ifexp,
            ast.Call: self._call,
            ast.List: self._list,
            ast.Tuple: self._tuple,
            ast.Set: self._set,
            ast.Dict: self._dict,
            ast.ListComp: self._listcomp,
            ast.SetComp: self._setcomp,
            ast.DictComp: self._dictcomp,
            ast.JoinedStr: self._joinedstr,
            ast.Starred: self._starred,
        }

    # -- statements ----------------------------------------------------------

    def run(self, body: Sequence[ast.stmt]) -> None:
        """Evaluate ``body`` (a module's statements).

        Raises:
            EvalFailure: with ``node`` set to the innermost node being evaluated.
        """
        self._block(body)

    def evaluate(self, node: ast.expr) -> Any:
        """Evaluate one expression (the value of ``_base_ = ...``, say)."""
        return self._expr(node)

    def _block(self, body: Sequence[ast.stmt]) -> None:
        budget = self.budget
        statements = self._statements
        for statement in body:
            budget.steps += 1
            if budget.steps > MAX_STEPS:
                budget.charge(0)
            handler = statements.get(type(statement))
            if handler is None:
                raise self._refused(statement)
            try:
                handler(statement)
            except EvalFailure as failure:
                if failure.node is None:
                    failure.node = statement
                raise
            except Exception as exc:
                raise _python_error(exc, statement) from exc

    def _refused(self, node: ast.AST) -> UnsafeConstruct:
        name = type(node).__name__
        failure = UnsafeConstruct(_CONSTRUCTS.get(name, f"the syntax {name}"))
        failure.node = node
        return failure

    def _assign(self, node: ast.Assign) -> None:
        first = node.targets[0]
        if type(first) is ast.Name and first.id == "_base_":
            return  # the list of bases, which the loader reads (as MMEngine drops it)
        value = self._expr(node.value)
        for target in node.targets:
            self._store(target, value)

    def _augassign(self, node: ast.AugAssign) -> None:
        target = node.target
        op = type(node.op)
        if isinstance(target, ast.Name):
            current = self._load_name(target.id)
            value = self._expr(node.value)
            self._store_name(target.id, self._operate(op, current, value, True))
        elif isinstance(target, ast.Subscript):
            obj = self._expr(target.value)
            key = self._key(target.slice)
            self._hash_cost(key)
            current = obj[key]
            value = self._expr(node.value)
            self._setitem(obj, key, self._operate(op, current, value, True))
        else:
            obj = self._expr(target.value)
            current = self._read_attribute(obj, target.attr)
            value = self._expr(node.value)
            self._setattr(obj, target.attr, self._operate(op, current, value, True))

    def _delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._del(target)

    def _del(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            name = target.id
            scope = self.scopes[-1] if self.scopes else self.ns
            if name not in scope:
                raise EvalFailure(f"NameError: name {name!r} is not defined")
            del scope[name]
        elif isinstance(target, ast.Subscript):
            obj = self._expr(target.value)
            key = self._key(target.slice)
            self._hash_cost(key)
            if type(obj) is list:
                self.budget.charge(len(obj) >> 6)
            del obj[key]
            self._touch(obj, key)
        elif isinstance(target, ast.Attribute):
            obj = self._expr(target.value)
            attr = target.attr
            if attr.startswith("__"):
                raise UnsafeConstruct(f"the attribute {attr}", _PYTHONS)
            if not isinstance(obj, ConfigDict):
                raise EvalFailure(
                    f"AttributeError: '{type(obj).__name__}' object has no attribute '{attr}'"
                )
            del obj[attr]
            self._touch(obj, attr)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._del(element)
        else:  # pragma: no cover - the parser refuses other targets
            raise EvalFailure("SyntaxError: cannot delete this")

    def _for(self, node: ast.For) -> None:
        iterator = iter(self._expr(node.iter))
        budget = self.budget
        body = node.body
        broke = False
        self.loops += 1
        try:
            for item in iterator:
                budget.charge(1)
                self._store(node.target, item)
                try:
                    self._block(body)
                except _Continue:
                    continue
                except _Break:
                    broke = True
                    break
        finally:
            self.loops -= 1
        if not broke and node.orelse:
            self._block(node.orelse)

    def _if(self, node: ast.If) -> None:
        self._block(node.body if self._expr(node.test) else node.orelse)

    def _expression_statement(self, node: ast.Expr) -> None:
        self._expr(node.value)

    def _pass(self, node: ast.Pass) -> None:
        pass

    def _break(self, node: ast.Break) -> None:
        if not self.loops:
            raise EvalFailure("SyntaxError: 'break' outside loop")
        raise _Break

    def _continue(self, node: ast.Continue) -> None:
        if not self.loops:
            raise EvalFailure("SyntaxError: 'continue' not properly in loop")
        raise _Continue

    def _import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name != "copy":
                raise UnsafeConstruct(
                    f"an import of {alias.name}",
                    "the one module a safe config may import is copy (for copy.copy and "
                    "copy.deepcopy)",
                )
        for alias in node.names:
            self._store_name(alias.asname or "copy", COPY_MODULE)

    def _import_from(self, node: ast.ImportFrom) -> None:
        names = [alias.name for alias in node.names]
        if node.module != "copy" or node.level or not set(names) <= COPY_FUNCTIONS.keys():
            module = "." * node.level + (node.module or "")
            raise UnsafeConstruct(
                f"an import from {module}",
                "the one import a safe config may make is of copy.copy and copy.deepcopy",
            )
        for alias in node.names:
            self._store_name(alias.asname or alias.name, FunctionMarker(alias.name))

    # -- stores ------------------------------------------------------------------

    def _store(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self._store_name(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            self._unpack_into(target.elts, value)
        elif isinstance(target, ast.Subscript):
            obj = self._expr(target.value)
            key = self._key(target.slice)
            self._setitem(obj, key, value)
        elif isinstance(target, ast.Attribute):
            obj = self._expr(target.value)
            self._setattr(obj, target.attr, value)
        elif isinstance(target, ast.Starred):
            raise EvalFailure("SyntaxError: starred assignment target must be in a list or tuple")
        else:  # pragma: no cover - the parser refuses other targets
            raise EvalFailure(f"SyntaxError: cannot assign to {type(target).__name__}")

    def _store_name(self, name: str, value: Any) -> None:
        if _is_dunder(name):
            raise UnsafeConstruct(f"the name {name}", "names of the form __name__ are Python's")
        if self.scopes:
            self.scopes[-1][name] = value
        else:
            self.ns[name] = value

    def _unpack_into(self, targets: list[ast.expr], value: Any) -> None:
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
            items = self._spread(value, 0)
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
            self._store(target, item)

    def _setitem(self, obj: Any, key: Any, value: Any) -> None:
        budget = self.budget
        self._hash_cost(key)
        if isinstance(obj, ConfigDict):
            budget.weigh(value)  # storing converts the dicts inside it
        elif type(obj) is list and type(key) is slice:
            n = self._size(value)
            check_items(len(obj) + n, "the list")
            budget.charge(n + (len(obj) >> 6))
        obj[key] = value
        self._touch(obj, key)

    def _setattr(self, obj: Any, attr: str, value: Any) -> None:
        if attr.startswith("__"):
            raise UnsafeConstruct(f"the attribute {attr}", _PYTHONS)
        if not isinstance(obj, ConfigDict):
            raise EvalFailure(
                f"AttributeError: '{type(obj).__name__}' object has no attribute '{attr}'"
            )
        self.budget.weigh(value)
        setattr(obj, attr, value)
        self._touch(obj, attr)

    def _touch(self, obj: Any, key: Any = None) -> None:
        if self.writes is not None:
            self.writes.touch(obj, key)

    # -- expressions -------------------------------------------------------------

    def _expr(self, node: ast.expr) -> Any:
        budget = self.budget
        budget.steps += 1
        if budget.steps > MAX_STEPS:
            budget.charge(0)
        handler = self._expressions.get(type(node))
        if handler is None:
            raise self._refused(node)
        try:
            return handler(node)
        except EvalFailure as failure:
            if failure.node is None:
                failure.node = node
            raise
        except Exception as exc:
            raise _python_error(exc, node) from exc

    def _constant(self, node: ast.Constant) -> Any:
        return node.value

    def _lookup(self, name: str) -> Any:
        if self.scopes:
            for scope in reversed(self.scopes):
                if name in scope:
                    return scope[name]
        return self.ns.get(name, _UNBOUND)

    def _load_name(self, name: str) -> Any:
        value = self._lookup(name)
        if value is _UNBOUND:
            return self._missing_name(name)
        if isinstance(value, _MARKERS):
            raise UnsafeConstruct(
                f"{value!r} used as a value",
                "copy.copy and copy.deepcopy can only be called",
            )
        return value

    def _name(self, node: ast.Name) -> Any:
        return self._load_name(node.id)

    def _missing_name(self, name: str) -> Any:
        if name == "_base_":
            base = self.base() if self.base is not None else ConfigDict()
            self.base = None
            self.ns["_base_"] = base
            return base
        if _is_dunder(name):
            raise UnsafeConstruct(f"the name {name}", "names of the form __name__ are Python's")
        if name in BUILTINS:
            raise UnsafeConstruct(f"the built-in {name} used as a value", "it can only be called")
        if name in _PYTHON_BUILTINS:
            raise UnsafeConstruct(f"the built-in {name}")
        raise EvalFailure(f"NameError: name {name!r} is not defined")

    def _attribute(self, node: ast.Attribute) -> Any:
        attr = node.attr
        if attr.startswith("__"):
            raise UnsafeConstruct(f"the attribute {attr}", _PYTHONS)
        return self._read_attribute(self._expr(node.value), attr)

    def _read_attribute(self, value: Any, attr: str) -> Any:
        if attr.startswith("__"):
            raise UnsafeConstruct(f"the attribute {attr}", _PYTHONS)
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

    def _key(self, node: ast.expr) -> Any:
        kind = type(node)
        if kind is ast.Slice:
            return slice(
                None if node.lower is None else self._expr(node.lower),  # type: ignore[attr-defined]
                None if node.upper is None else self._expr(node.upper),  # type: ignore[attr-defined]
                None if node.step is None else self._expr(node.step),  # type: ignore[attr-defined]
            )
        if kind is ast.Tuple and any(type(e) is ast.Slice for e in node.elts):  # type: ignore[attr-defined]
            return tuple(self._key(e) for e in node.elts)  # type: ignore[attr-defined]
        return self._expr(node)

    def _hash_cost(self, key: Any) -> None:
        t = type(key)
        if t is not str and t is not int and t is not slice:
            self.budget.weigh(key)

    def _subscript(self, node: ast.Subscript) -> Any:
        value = self._expr(node.value)
        key = self._key(node.slice)
        self._hash_cost(key)
        result = value[key]
        if type(key) is slice and type(result) in _SEQUENCES:
            self.budget.charge(len(result))
        return result

    def _binop(self, node: ast.BinOp) -> Any:
        left = self._expr(node.left)
        right = self._expr(node.right)
        return self._operate(type(node.op), left, right, False)

    def _operate(self, op: type, a: Any, b: Any, inplace: bool) -> Any:
        if op is ast.Mod and isinstance(a, (str, bytes)):
            return percent_format(a, b, self.budget)
        _check_operation(self.budget, op, a, b, inplace)
        return (_INPLACE if inplace else _BINARY)[op](a, b)

    def _unaryop(self, node: ast.UnaryOp) -> Any:
        return _UNARY[type(node.op)](self._expr(node.operand))

    def _boolop(self, node: ast.BoolOp) -> Any:
        values = node.values
        want = type(node.op) is ast.Or
        for value in values[:-1]:
            result = self._expr(value)
            if bool(result) is want:
                return result
        return self._expr(values[-1])

    def _compare(self, node: ast.Compare) -> Any:
        left = self._expr(node.left)
        result: Any = True
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self._expr(comparator)
            kind = type(op)
            self._compare_cost(kind, left, right)
            result = _COMPARE[kind](left, right)
            if not result:
                return result
            left = right
        return result

    def _compare_cost(self, kind: type, left: Any, right: Any) -> None:
        budget = self.budget
        if kind is ast.Is or kind is ast.IsNot:
            return
        if kind is ast.In or kind is ast.NotIn:
            if type(right) is range:
                if type(left) is not int and type(left) is not bool:
                    budget.charge(size_of(right))
            elif isinstance(right, _HASHED):
                budget.weigh(left)
            else:
                budget.weigh(left)
                budget.weigh(right)
            return
        budget.weigh(left)
        budget.weigh(right)

    def _ifexp(self, node: ast.IfExp) -> Any:
        return self._expr(node.body if self._expr(node.test) else node.orelse)

    # -- calls -------------------------------------------------------------------

    def _call(self, node: ast.Call) -> Any:
        func = node.func
        kind = type(func)
        if kind is ast.Name:
            name = func.id  # type: ignore[attr-defined]
            bound = self._lookup(name)
            if bound is _UNBOUND and name != "_base_":
                builtin = BUILTINS.get(name)
                if builtin is None:
                    if _is_dunder(name) or name in _PYTHON_BUILTINS:
                        raise UnsafeConstruct(
                            f"a call of {name}",
                            "a safe config may call only dict, list, tuple, set, range, len, "
                            "min, max, sum, sorted, zip, enumerate, round, abs, int, float, "
                            "str, bool, and the methods of its values",
                        )
                    raise EvalFailure(f"NameError: name {name!r} is not defined")
                args, kwargs = self._arguments(node)
                return builtin(self.budget, args, kwargs)
            if type(bound) is FunctionMarker:
                args, kwargs = self._arguments(node)
                return COPY_FUNCTIONS[bound.name](self.budget, args, kwargs)
            value = self._load_name(name)
            raise EvalFailure(f"TypeError: '{type(value).__name__}' object is not callable")
        if kind is ast.Attribute:
            return self._method_call(node, func)  # type: ignore[arg-type]
        value = self._expr(func)
        raise EvalFailure(f"TypeError: '{type(value).__name__}' object is not callable")

    def _method_call(self, node: ast.Call, func: ast.Attribute) -> Any:
        attr = func.attr
        if attr.startswith("__"):
            raise UnsafeConstruct(f"the attribute {attr}", _PYTHONS)
        owner = func.value
        if type(owner) is ast.Name and type(self._lookup(owner.id)) is ModuleMarker:
            function = COPY_FUNCTIONS.get(attr)
            if function is None:
                raise UnsafeConstruct(
                    f"copy.{attr}", "of the copy module, only copy.copy and copy.deepcopy"
                )
            args, kwargs = self._arguments(node)
            return function(self.budget, args, kwargs)
        obj = self._expr(owner)
        table = METHODS.get(type(obj))
        check = table.get(attr) if table is not None else None
        if check is None:
            if isinstance(obj, ConfigDict) and not hasattr(ConfigDict, attr):
                value = self._read_attribute(obj, attr)
                raise EvalFailure(f"TypeError: '{type(value).__name__}' object is not callable")
            if not hasattr(obj, attr):
                raise EvalFailure(
                    f"AttributeError: '{type(obj).__name__}' object has no attribute '{attr}'"
                )
            raise UnsafeConstruct(
                f"the method {type(obj).__name__}.{attr}",
                "see the methods a safe config may call in docs/config-files.md",
            )
        args, kwargs = self._arguments(node)
        result = check(self.budget, obj, args, kwargs)
        if (type(obj), attr) in COMPUTED:
            return result
        result = getattr(obj, attr)(*args, **kwargs)
        if self.writes is not None:
            self._touch_call(obj, attr, args, kwargs)
        return result

    def _touch_call(self, obj: Any, attr: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        if type(obj) is list:
            if attr in _LIST_MUTATORS:
                self._touch(obj)
        elif isinstance(obj, dict) and attr in _DICT_MUTATORS:
            if attr in ("pop", "setdefault") and args:
                self._touch(obj, args[0])
            elif attr == "update" and (not args or isinstance(args[0], dict)):
                for key in itertools.chain(args[0] if args else (), kwargs):
                    self._touch(obj, key)
            else:
                self._touch(obj)

    def _arguments(self, node: ast.Call) -> tuple[list[Any], dict[str, Any]]:
        args: list[Any] = []
        for arg in node.args:
            kind = type(arg)
            if kind is ast.Starred:
                args.extend(self._spread(self._expr(arg.value), len(args)))  # type: ignore[attr-defined]
            elif kind is ast.GeneratorExp:
                args.append(self._generator(arg))  # type: ignore[arg-type]
            else:
                args.append(self._expr(arg))
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                mapping = self._expr(keyword.value)
                if not isinstance(mapping, dict):
                    raise EvalFailure(
                        "TypeError: argument after ** must be a mapping, "
                        f"not {type(mapping).__name__}"
                    )
                check_items(len(kwargs) + len(mapping), "the keyword arguments")
                self.budget.charge(len(mapping))
                for key in mapping:
                    if type(key) is not str:
                        raise EvalFailure("TypeError: keywords must be strings")
                    if key in kwargs:
                        raise EvalFailure(
                            f"TypeError: got multiple values for keyword argument '{key}'"
                        )
                    kwargs[key] = mapping[key]
            else:
                if keyword.arg in kwargs:
                    raise EvalFailure(
                        f"TypeError: got multiple values for keyword argument '{keyword.arg}'"
                    )
                kwargs[keyword.arg] = self._expr(keyword.value)
        return args, kwargs

    def _size(self, value: Any) -> int:
        try:
            return size_of(value)
        except TypeError:
            raise EvalFailure(
                f"TypeError: '{type(value).__name__}' object is not iterable"
            ) from None

    def _spread(self, value: Any, already: int) -> list[Any]:
        """``list(value)`` for ``*value``, its size checked and charged first."""
        n = self._size(value)
        check_items(already + n, "the unpacked values")
        self.budget.charge(n)
        return list(value)

    # -- displays and comprehensions ---------------------------------------------

    def _elements(self, elements: Iterable[ast.expr]) -> list[Any]:
        out: list[Any] = []
        for element in elements:
            if type(element) is ast.Starred:
                out.extend(self._spread(self._expr(element.value), len(out)))
            else:
                out.append(self._expr(element))
        return out

    def _list(self, node: ast.List) -> Any:
        return self._elements(node.elts)

    def _tuple(self, node: ast.Tuple) -> Any:
        return tuple(self._elements(node.elts))

    def _set(self, node: ast.Set) -> Any:
        reference = base_reference(node)
        if reference is not None:
            return "{{_base_." + reference + "}}"  # replaced by the loader
        items = self._elements(node.elts)
        for item in items:
            self._hash_cost(item)
        return set(items)

    def _dict(self, node: ast.Dict) -> Any:
        result: dict[Any, Any] = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:
                mapping = self._expr(value_node)
                if not isinstance(mapping, dict):
                    raise EvalFailure(
                        f"TypeError: '{type(mapping).__name__}' object is not a mapping"
                    )
                check_items(len(result) + len(mapping), "the dict")
                self.budget.charge(len(mapping))
                result.update(mapping)
            else:
                key = self._expr(key_node)
                value = self._expr(value_node)
                self._hash_cost(key)
                result[key] = value
        return result

    def _comprehend(self, generators: list[ast.comprehension], emit: Callable[[], None]) -> None:
        self.scopes.append({})
        try:
            self._generate(generators, 0, emit)
        finally:
            self.scopes.pop()

    def _generate(
        self, generators: list[ast.comprehension], index: int, emit: Callable[[], None]
    ) -> None:
        generator = generators[index]
        if generator.is_async:
            raise UnsafeConstruct("an async comprehension")
        budget = self.budget
        last = index + 1 == len(generators)
        for item in iter(self._expr(generator.iter)):
            budget.charge(1)
            self._store(generator.target, item)
            if all(self._expr(condition) for condition in generator.ifs):
                if last:
                    emit()
                else:
                    self._generate(generators, index + 1, emit)

    def _listcomp(self, node: ast.ListComp) -> Any:
        out: list[Any] = []
        element = node.elt
        self._comprehend(node.generators, lambda: out.append(self._expr(element)))
        return out

    def _generator(self, node: ast.GeneratorExp) -> Any:
        out: list[Any] = []
        element = node.elt
        self._comprehend(node.generators, lambda: out.append(self._expr(element)))
        return iter(out)

    def _setcomp(self, node: ast.SetComp) -> Any:
        out: set[Any] = set()
        element = node.elt

        def emit() -> None:
            item = self._expr(element)
            self._hash_cost(item)
            out.add(item)

        self._comprehend(node.generators, emit)
        return out

    def _dictcomp(self, node: ast.DictComp) -> Any:
        out: dict[Any, Any] = {}

        def emit() -> None:
            key = self._expr(node.key)
            value = self._expr(node.value)
            self._hash_cost(key)
            out[key] = value

        self._comprehend(node.generators, emit)
        return out

    def _joinedstr(self, node: ast.JoinedStr) -> Any:
        parts: list[str] = []
        total = 0
        for part in node.values:
            if isinstance(part, ast.Constant):
                text = str(part.value)
            elif isinstance(part, ast.FormattedValue):
                value = self._expr(part.value)
                spec = self._joinedstr(part.format_spec) if part.format_spec else ""  # type: ignore[arg-type]
                conversion = None if part.conversion == -1 else chr(part.conversion)
                text = format_value(value, conversion, spec, self.budget)
            else:  # pragma: no cover - f-strings hold nothing else
                raise self._refused(part)
            parts.append(text)
            total += len(text)
            check_items(total, "the f-string")
        return "".join(parts)

    def _starred(self, node: ast.Starred) -> Any:
        raise EvalFailure("SyntaxError: can't use starred expression here")


# -- the cost of arithmetic ----------------------------------------------------

#: Bits per limb of CPython's big ints, and limb operations per step.
_LIMB: Final = 30
_LIMB_OPS_PER_STEP: Final = 300


def _limbs(value: int) -> int:
    return value.bit_length() // _LIMB + 1


def _check_operation(budget: Budget, op: type, a: Any, b: Any, inplace: bool) -> None:
    """Check the size of ``a <op> b`` and charge its work, before it is computed."""
    ta, tb = type(a), type(b)
    if (ta is int or ta is bool) and (tb is int or tb is bool):
        _check_int_operation(budget, op, a, b)
        return
    if op is ast.Add:
        if ta in _SEQUENCES:
            if inplace and ta is list:
                n = len(a) + _size_or_zero(b)
            elif tb is ta:
                n = len(a) + len(b)
            else:
                return  # Python raises its TypeError
            check_items(n, f"the {ta.__name__}")
            budget.charge(made(ta, n if not inplace or ta is not list else n - len(a) + 1))
    elif op is ast.Mult:
        if ta in _SEQUENCES and isinstance(b, int):
            n = len(a) * max(0, b)
        elif tb in _SEQUENCES and isinstance(a, int):
            n = len(b) * max(0, a)
        else:
            return
        kind = ta if ta in _SEQUENCES else tb
        check_items(n, f"the repeated {kind.__name__}")
        budget.charge(made(kind, n))
    elif op in (ast.BitOr, ast.BitAnd, ast.BitXor, ast.Sub):
        n = _size_or_zero(a) + _size_or_zero(b)
        check_items(n, "the result")
        budget.charge(n)


def _size_or_zero(value: Any) -> int:
    try:
        return size_of(value)
    except TypeError:
        return 0


def _check_int_operation(budget: Budget, op: type, a: int, b: int) -> None:
    if op is ast.Pow:
        if b <= 0 or -1 <= a <= 1:
            return
        digits = b * math.log10(abs(a))
        if digits > MAX_ITEMS:
            check_digits(int(digits / 0.30103) + 1, "the power")
        result_limbs = digits / 9 + 1
        budget.charge(int(result_limbs**1.585 * 2) // _LIMB_OPS_PER_STEP)
        return
    if op is ast.LShift:
        if b > 0 and a:
            check_digits(a.bit_length() + b, "the shifted number")
            budget.charge((a.bit_length() + b) // _LIMB // _LIMB_OPS_PER_STEP)
        return
    la, lb = _limbs(a), _limbs(b)
    if la + lb < 64:
        return
    if op is ast.Mult:
        check_digits(a.bit_length() + b.bit_length(), "the product")
        small, large = min(la, lb), max(la, lb)
        cost = small * large if small < 70 else int(large**1.585)
    elif op in (ast.FloorDiv, ast.Mod, ast.Div):
        cost = la * lb
    else:
        cost = la + lb
    budget.charge(cost // _LIMB_OPS_PER_STEP)
