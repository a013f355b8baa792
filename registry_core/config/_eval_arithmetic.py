"""Operators in a safe evaluation: what each computes, and its size and cost checked first.

``check_operation`` works out, from its operands, how large the result of an
arithmetic operator will be (a repeated list, a power, a shifted number...) and
refuses it past the item limit, and charges its work to the ``Budget``, before
the operator runs; ``compare_cost`` does the same for comparisons and ``in``.
"""

from __future__ import annotations

import ast
import operator

from registry_core.config._limits import (
    MAX_ITEMS,
    Budget,
    check_digits,
    check_items,
    search_cost,
    size_of,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

__all__ = [
    "BINARY",
    "COMPARE",
    "INPLACE",
    "SEQUENCES",
    "UNARY",
    "check_operation",
    "check_unary",
    "compare_cost",
]

BINARY: Final[dict[type, Callable[[Any, Any], Any]]] = {
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

INPLACE: Final[dict[type, Callable[[Any, Any], Any]]] = {
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

UNARY: Final[dict[type, Callable[[Any], Any]]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
    ast.Not: operator.not_,
    ast.Invert: operator.invert,
}

COMPARE: Final[dict[type, Callable[[Any, Any], Any]]] = {
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

SEQUENCES: Final = (str, bytes, list, tuple)
HASHED: Final[tuple[type, ...]] = (dict, set, frozenset, type({}.keys()), type({}.items()))


def compare_cost(budget: Budget, kind: type, left: Any, right: Any) -> None:
    """Charge the work of ``left <kind> right``, before it is done."""
    if kind is ast.Is or kind is ast.IsNot:
        return
    if kind is ast.In or kind is ast.NotIn:
        if type(right) is str and type(left) is str:
            budget.charge(search_cost(right, left))
        elif type(right) is range:
            if type(left) is not int and type(left) is not bool:
                budget.charge(size_of(right))
        elif isinstance(right, HASHED):
            budget.weigh(left)
        else:
            budget.weigh(left)
            budget.weigh(right)
        return
    budget.weigh(left)
    budget.weigh(right)


# -- the cost of arithmetic ----------------------------------------------------

#: Bits per limb of CPython's big ints, and limb operations per step.
_LIMB: Final = 30
_LIMB_OPS_PER_STEP: Final = 300


def _limbs(value: int) -> int:
    return value.bit_length() // _LIMB + 1


def check_operation(budget: Budget, op: type, a: Any, b: Any, inplace: bool) -> None:
    """Check the size of ``a <op> b`` and charge its work, before it is computed."""
    ta, tb = type(a), type(b)
    if (ta is int or ta is bool) and (tb is int or tb is bool):
        check_int_operation(budget, op, a, b)
        return
    if op is ast.Add:
        if ta in SEQUENCES:
            if inplace and ta is list:
                n = len(a) + _size_or_zero(b)
            elif tb is ta:
                n = len(a) + len(b)
            else:
                return  # Python raises its TypeError
            check_items(n, f"the {ta.__name__}")
            budget.make(ta, n if not inplace or ta is not list else n - len(a) + 1)
    elif op is ast.Mult:
        if ta in SEQUENCES and isinstance(b, int):
            n = len(a) * max(0, b)
        elif tb in SEQUENCES and isinstance(a, int):
            n = len(b) * max(0, a)
        else:
            return
        kind = ta if ta in SEQUENCES else tb
        check_items(n, f"the repeated {kind.__name__}")
        budget.make(kind, n, f"the repeated {kind.__name__}")
    elif op in (ast.BitOr, ast.BitAnd, ast.BitXor, ast.Sub):
        n = _size_or_zero(a) + _size_or_zero(b)
        check_items(n, "the result")
        budget.charge(n)


def _size_or_zero(value: Any) -> int:
    try:
        return size_of(value)
    except TypeError:
        return 0


def check_int_operation(budget: Budget, op: type, a: int, b: int) -> None:
    """Check the size of ``a <op> b`` on ints, charge its work and its memory."""
    if op is ast.Pow:
        if b <= 0 or -1 <= a <= 1:
            return
        import math  # (a C extension to load: only for a power)

        digits = b * math.log10(abs(a))
        if digits > MAX_ITEMS:
            check_digits(int(digits / 0.30103) + 1, "the power")
        result_limbs = digits / 9 + 1
        budget.charge(int(result_limbs**1.585 * 2) // _LIMB_OPS_PER_STEP)
        budget.make_int(int(digits / 0.30103) + 1, "the power")
        return
    if op is ast.LShift:
        if b > 0 and a:
            bits = a.bit_length() + b
            check_digits(bits, "the shifted number")
            budget.charge(bits // _LIMB // _LIMB_OPS_PER_STEP)
            budget.make_int(bits, "the shifted number")
        return
    la, lb = _limbs(a), _limbs(b)
    if la + lb < 64:
        return
    if op is ast.Mult:
        bits = a.bit_length() + b.bit_length()
        check_digits(bits, "the product")
        small, large = min(la, lb), max(la, lb)
        cost = small * large if small < 70 else int(large**1.585)
    elif op in (ast.FloorDiv, ast.Mod, ast.Div):
        bits = a.bit_length()
        cost = la * lb
    else:
        bits = max(a.bit_length(), b.bit_length()) + 1
        cost = la + lb
    budget.charge(cost // _LIMB_OPS_PER_STEP)
    budget.make_int(bits, "the result")


def check_unary(budget: Budget, op: type, value: Any) -> None:
    """Charge ``-value`` and ``~value`` (and ``abs``): an int is copied, so made anew.

    ``+value`` and ``not value`` of an int cost nothing more: the one returns the
    int itself, the other looks at its sign.
    """
    if type(value) is int and (op is ast.USub or op is ast.Invert):
        budget.hash_int(value)  # reading all of it: a step per 2048 bits
        budget.make_int(value.bit_length() + 1, "the negated number")
