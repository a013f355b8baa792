"""The built-in functions a safe ``.py`` config may call, each with its size checked first.

``BUILTINS`` maps the name of each built-in function of the subset to a
wrapper that checks the size of what the call would make, and charges its work
to the evaluation's ``Budget``, before it calls the real function;
``COPY_FUNCTIONS`` does the same for ``copy.copy`` and ``copy.deepcopy``. The
methods of values are in ``_safe_methods``. Nothing else can be called: the
values of a safe evaluation are plain data, and no name, attribute or value
leads to any other callable.
"""

from __future__ import annotations

import ast
import copy as _copy

from registry_core.config._configdict import ConfigDict
from registry_core.config._eval_arithmetic import check_unary
from registry_core.config._failures import EvalFailure
from registry_core.config._limits import (
    Budget,
    check_items,
    check_str_int,
    conversion_cost,
    int_digits,
    size_of,
    str_bound,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    Builtin = Callable[[Budget, list[Any], dict[str, Any]], Any]

__all__ = [
    "BUILTINS",
    "CODECS",
    "COPY_FUNCTIONS",
    "ERROR_HANDLERS",
    "allowed_calls",
    "materialize",
    "size_of_any",
]

_NUMBERS: Final = (int, float, complex)
_ITEM: Final = 8  # bytes: a pointer
_DEEPCOPY_STEPS: Final = 2  # more per item weighed: deepcopy's memo and dispatch


def materialize(budget: Budget, value: Any, what: str) -> list[Any]:
    """``list(value)``, after checking and charging its size."""
    n = size_of(value)
    check_items(n, what)
    budget.make(list, n, what)
    return list(value)


# -- built-in functions ----------------------------------------------------


def _dict(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    n = len(kwargs)
    if not args:  # most: dict(k=v, ...), the call's own new dict
        budget.charge(n)
        return kwargs
    if len(args) == 1:
        source = args[0]
        if isinstance(source, dict):
            n += len(source)
            budget.charge(len(source))
        else:
            n += size_of(source)
            budget.weigh(source)
    check_items(n, "dict(...)")
    budget.charge(len(kwargs))
    return dict(*args, **kwargs)


def _sized_call(kind: type, name: str, hashing: bool = False) -> Builtin:
    def call(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if len(args) == 1 and not kwargs:
            n = size_of(args[0])
            check_items(n, f"{name}(...)")
            if hashing:
                budget.weigh(args[0])
                _iterated(budget, args[0])
                budget.allocate(4 * _ITEM * n, f"{name}(...)")  # a hash table
            else:
                budget.make(list, n, f"{name}(...)")
        return kind(*args, **kwargs)

    return call


def _range(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    # A range holds no items, but it is a value of that many (SPEC: checked when made).
    made = range(*args, **kwargs)
    check_items(len(made), "range(...)")
    return made


def _len(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    return len(*args, **kwargs)


def _iterated(budget: Budget, value: Any) -> None:
    """Charge iterating a string: an object per character (weighing it reads it in bulk)."""
    if type(value) is str or type(value) is bytes:
        budget.charge(len(value))


def _min_max(function: Callable[..., Any]) -> Builtin:
    def call(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
        budget.weigh(args[0] if len(args) == 1 else args)
        if len(args) == 1:
            _iterated(budget, args[0])
        return function(*args, **kwargs)

    return call


def _sum(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if not args or len(args) > 2:
        return sum(*args, **kwargs)  # Python's own TypeError
    items = materialize(budget, args[0], "sum(...)")
    start = args[1] if len(args) > 1 else kwargs.get("start", 0)
    for item in [start, *items]:
        if not isinstance(item, _NUMBERS):
            raise EvalFailure(
                f"sum() adds numbers only in a safe config, got {type(item).__name__}"
            )
    budget.weigh(items)
    return sum(items, *args[1:], **kwargs)


def _sorted(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if len(args) == 1:
        n = size_of(args[0])
        check_items(n, "sorted(...)")
        budget.charge(budget.weigh(args[0]) * max(1, n.bit_length()))
    return sorted(*args, **kwargs)


def _zip(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    n = min((size_of(a) for a in args), default=0)
    check_items(n * (len(args) + 1), "zip(...)")
    budget.make(list, n * (len(args) + 1), "zip(...)")
    return iter(list(zip(*args, **kwargs)))  # noqa: B905 - Python's own zip


def _enumerate(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if args:
        n = size_of(args[0])
        check_items(2 * n, "enumerate(...)")
        budget.make(list, 2 * n, "enumerate(...)")
    return iter(list(enumerate(*args, **kwargs)))


def _round(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if len(args) == 2 and type(args[1]) is int and isinstance(args[0], int) and args[1] < 0:
        number, ndigits = args
        if -ndigits > int_digits(number) + 1:
            return 0  # what Python returns, without making 10 ** -ndigits
        budget.charge(int_digits(number) ** 2 // 3000)
    return round(*args, **kwargs)


def _abs(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if len(args) == 1 and type(args[0]) is int and args[0] < 0:
        check_unary(budget, ast.USub, args[0])  # a copy, as -x
    return abs(*args, **kwargs)


def _int(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if args and isinstance(args[0], (str, bytes, bytearray)):
        check_str_int(args[0])
        budget.charge(conversion_cost(len(args[0])))
    return int(*args, **kwargs)


def _float(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if args and isinstance(args[0], (str, bytes)):
        budget.charge(len(args[0]) >> 6)
    return float(*args, **kwargs)


#: The codecs ``str(data, encoding)`` may decode with: linear in their input, and
#: built into the interpreter, so decoding imports nothing. Spelling -> the name
#: passed on (one CPython decodes without looking the codec up).
CODECS: Final = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "ascii": "ascii",
    "us-ascii": "ascii",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
}

#: The error handlers it may use: Python's own, linear too.
ERROR_HANDLERS: Final = ("strict", "ignore", "replace", "backslashreplace", "surrogateescape")


def _decoding(args: list[Any], kwargs: dict[str, Any]) -> None:
    """Check the codec and error handler of ``str(data, encoding, errors)``, before any
    lookup: Python would import any module its codec search finds (``encodings.idna``)."""
    for index, name, allowed in ((1, "encoding", CODECS), (2, "errors", ERROR_HANDLERS)):
        given = args[index] if len(args) > index else kwargs.get(name)
        if given is None or type(given) is not str:
            continue  # absent (the default), or Python's own TypeError
        spelled = given.strip().lower().replace("_", "-")
        if spelled not in allowed:
            listed = sorted(set(CODECS.values())) if name == "encoding" else list(allowed)
            raise EvalFailure(
                f"str() in a safe config decodes with {', '.join(listed)} only (their work "
                f"is linear, and decoding with them imports nothing), not the {name} "
                f"{given!r}"
            )
        canonical = CODECS[spelled] if name == "encoding" else spelled
        if len(args) > index:
            args[index] = canonical
        else:
            kwargs[name] = canonical


def _str(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if len(args) == 1 and not kwargs and type(args[0]) is not str:
        bound = str_bound(args[0], budget)
        check_items(bound, "str(...)")
        budget.charge(1 + (bound >> 6))
    elif len(args) > 1 or kwargs:
        _decoding(args, kwargs)
        if args and isinstance(args[0], bytes):
            budget.make(str, len(args[0]), "the decoded string")
    return str(*args, **kwargs)


def _bool(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    return bool(*args, **kwargs)


BUILTINS: Final[dict[str, Builtin]] = {
    "dict": _dict,
    "list": _sized_call(list, "list"),
    "tuple": _sized_call(tuple, "tuple"),
    "set": _sized_call(set, "set", hashing=True),
    "range": _range,
    "len": _len,
    "min": _min_max(min),
    "max": _min_max(max),
    "sum": _sum,
    "sorted": _sorted,
    "zip": _zip,
    "enumerate": _enumerate,
    "round": _round,
    "abs": _abs,
    "int": _int,
    "float": _float,
    "str": _str,
    "bool": _bool,
}
"""The built-in functions a safe config may call, by name."""


def allowed_calls() -> str:
    """What a safe config may call, as messages say it (made from ``BUILTINS``)."""
    return f"{', '.join(BUILTINS)}, and the methods of its values"


# -- copy.copy and copy.deepcopy ---------------------------------------------


def _copy_copy(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if len(args) != 1 or kwargs:
        raise EvalFailure("copy.copy takes one value")
    value = args[0]
    if isinstance(value, ConfigDict):
        budget.weigh(value)  # its copy rebuilds the lists inside it
    else:
        budget.charge(size_of_any(value))
    return _copy.copy(value)


def _copy_deepcopy(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if len(args) != 1 or kwargs:
        raise EvalFailure("copy.deepcopy takes one value in a safe config")
    budget.charge(_DEEPCOPY_STEPS * budget.weigh(args[0]))  # a memo entry per container
    return _copy.deepcopy(args[0])


COPY_FUNCTIONS: Final[dict[str, Builtin]] = {"copy": _copy_copy, "deepcopy": _copy_deepcopy}
"""``copy.copy`` and ``copy.deepcopy``, the functions of the one importable module."""


def size_of_any(value: Any) -> int:
    """``size_of`` for any value: 1 for a scalar."""
    try:
        return size_of(value)
    except TypeError:
        return 1
