"""The calls a safe ``.py`` config may make, each with its size checked first.

Two tables: ``BUILTINS`` (the built-in functions of the subset, by name) and
``METHODS`` (the methods of ``str``, ``list``, ``dict``, ``tuple`` and
``ConfigDict`` values). Each entry is a wrapper that checks the size of what
the call would make, and charges its work to the evaluation's ``Budget``,
before it calls the real function. Nothing else can be called: the values of a
safe evaluation are plain data, and no name, attribute or value leads to any
other callable.
"""

from __future__ import annotations

import copy as _copy

from registry_core.config._configdict import ConfigDict
from registry_core.config._failures import EvalFailure
from registry_core.config._limits import (
    Budget,
    check_items,
    check_str_int,
    int_digits,
    size_of,
    str_bound,
)
from registry_core.config._strformat import str_format

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    Call = Callable[[Budget, Any, list[Any], dict[str, Any]], Any]
    Builtin = Callable[[Budget, list[Any], dict[str, Any]], Any]

__all__ = ["BUILTINS", "COPY_FUNCTIONS", "METHODS"]

_NUMBERS: Final = (int, float, complex)


def _materialize(budget: Budget, value: Any, what: str) -> list[Any]:
    """``list(value)``, after checking and charging its size."""
    n = size_of(value)
    check_items(n, what)
    budget.charge(n)
    return list(value)


# -- built-in functions ----------------------------------------------------


def _dict(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    n = len(kwargs)
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
            check_items(size_of(args[0]), f"{name}(...)")
            if hashing:
                budget.weigh(args[0])
            else:
                budget.charge(size_of(args[0]))
        return kind(*args, **kwargs)

    return call


def _range(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    return range(*args, **kwargs)


def _len(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    return len(*args, **kwargs)


def _min_max(function: Callable[..., Any]) -> Builtin:
    def call(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
        budget.weigh(args[0] if len(args) == 1 else args)
        return function(*args, **kwargs)

    return call


def _sum(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if not args or len(args) > 2:
        return sum(*args, **kwargs)  # Python's own TypeError
    items = _materialize(budget, args[0], "sum(...)")
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
    budget.charge(n * (len(args) + 1))
    return iter(list(zip(*args, **kwargs)))  # noqa: B905 - Python's own zip


def _enumerate(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if args:
        n = size_of(args[0])
        check_items(2 * n, "enumerate(...)")
        budget.charge(2 * n)
    return iter(list(enumerate(*args, **kwargs)))


def _round(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if len(args) == 2 and type(args[1]) is int and isinstance(args[0], int) and args[1] < 0:
        number, ndigits = args
        if -ndigits > int_digits(number) + 1:
            return 0  # what Python returns, without making 10 ** -ndigits
        budget.charge(int_digits(number) ** 2 // 3000)
    return round(*args, **kwargs)


def _abs(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    return abs(*args, **kwargs)


def _int(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if args and isinstance(args[0], (str, bytes, bytearray)):
        check_str_int(args[0])
    return int(*args, **kwargs)


def _float(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if args and isinstance(args[0], (str, bytes)):
        budget.charge(len(args[0]) >> 6)
    return float(*args, **kwargs)


def _str(budget: Budget, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if len(args) == 1 and not kwargs and type(args[0]) is not str:
        bound = str_bound(args[0], budget)
        check_items(bound, "str(...)")
        budget.charge(1 + (bound >> 6))
    elif args and isinstance(args[0], bytes):
        budget.charge(len(args[0]) >> 6)
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
    budget.weigh(args[0])
    return _copy.deepcopy(args[0])


COPY_FUNCTIONS: Final[dict[str, Builtin]] = {"copy": _copy_copy, "deepcopy": _copy_deepcopy}
"""``copy.copy`` and ``copy.deepcopy``, the functions of the one importable module."""


def size_of_any(value: Any) -> int:
    """``size_of`` for any value: 1 for a scalar."""
    try:
        return size_of(value)
    except TypeError:
        return 1


# -- methods -----------------------------------------------------------------


def _free(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    budget.charge(1)


def _linear(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    budget.charge(1 + (len(obj) >> 6) + sum(len(a) >> 6 for a in args if isinstance(a, str)))


def _case(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    # Case mappings may grow a string up to three times ('\u0390'.upper() is 3 characters).
    check_items(3 * len(obj), "the changed string")
    budget.charge(1 + (3 * len(obj) >> 3))


def _split(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    budget.charge(1 + len(obj))


def _join(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    if len(args) != 1 or kwargs:
        return
    items = _materialize(budget, args[0], "the items to join")
    args[0] = items
    total = len(obj) * max(0, len(items) - 1)
    for item in items:
        if not isinstance(item, str):
            return  # str.join raises its own TypeError
        total += len(item)
    check_items(total, "the joined string")
    budget.charge(1 + len(items) + (total >> 3))


def _replace(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    if len(args) < 2 or not isinstance(args[0], str) or not isinstance(args[1], str):
        return
    old, new = args[0], args[1]
    count = len(obj) + 1 if old == "" else obj.count(old)
    if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
        count = min(count, args[2])
    total = len(obj) + count * (len(new) - len(old))
    check_items(total, "the replaced string")
    budget.charge(1 + (len(obj) >> 6) + (max(0, total) >> 3))


def _format(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    return str_format(obj, args, kwargs, budget)


def _grow(extra: Callable[[list[Any], dict[str, Any]], int]) -> Call:
    def check(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
        n = extra(args, kwargs)
        check_items(len(obj) + n, f"the {type(obj).__name__}")
        budget.charge(1 + n + (len(obj) >> 6))

    return check


def _extend_size(args: list[Any], kwargs: dict[str, Any]) -> int:
    return size_of_any(args[0]) if args else 0


def _update_size(args: list[Any], kwargs: dict[str, Any]) -> int:
    return (size_of_any(args[0]) if args else 0) + len(kwargs)


def _scan(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    budget.weigh(obj)
    for arg in args:
        budget.weigh(arg)


def _sort(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    budget.charge(budget.weigh(obj) * max(1, len(obj).bit_length()))


def _keyed(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    budget.charge(1)
    if args and type(args[0]) is not str:
        budget.weigh(args[0])


def _deep_update(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    check_items(len(obj) + _update_size(args, kwargs), "the ConfigDict")
    budget.weigh(args[0] if args else None)
    budget.weigh(kwargs)


def _deep_copy_cost(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    budget.weigh(obj)


def _listing(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    budget.charge(1 + len(obj))


_STR_METHODS: Final[dict[str, Call]] = {
    "capitalize": _case,
    "casefold": _case,
    "count": _linear,
    "endswith": _linear,
    "find": _linear,
    "format": _format,
    "index": _linear,
    "isalnum": _linear,
    "isalpha": _linear,
    "isdecimal": _linear,
    "isdigit": _linear,
    "isidentifier": _linear,
    "islower": _linear,
    "isnumeric": _linear,
    "isspace": _linear,
    "istitle": _linear,
    "isupper": _linear,
    "join": _join,
    "lower": _case,
    "lstrip": _linear,
    "partition": _linear,
    "removeprefix": _linear,
    "removesuffix": _linear,
    "replace": _replace,
    "rfind": _linear,
    "rindex": _linear,
    "rpartition": _linear,
    "rsplit": _split,
    "rstrip": _linear,
    "split": _split,
    "splitlines": _split,
    "startswith": _linear,
    "strip": _linear,
    "swapcase": _case,
    "title": _case,
    "upper": _case,
}

_LIST_METHODS: Final[dict[str, Call]] = {
    "append": _grow(lambda args, kwargs: 1),
    "clear": _free,
    "copy": _listing,
    "count": _scan,
    "extend": _grow(_extend_size),
    "index": _scan,
    "insert": _grow(lambda args, kwargs: 1),
    "pop": _grow(lambda args, kwargs: 0),
    "remove": _scan,
    "reverse": _listing,
    "sort": _sort,
}

_DICT_METHODS: Final[dict[str, Call]] = {
    "clear": _free,
    "copy": _listing,
    "get": _keyed,
    "items": _free,
    "keys": _free,
    "pop": _keyed,
    "popitem": _free,
    "setdefault": _keyed,
    "update": _grow(_update_size),
    "values": _free,
}

_CONFIGDICT_METHODS: Final[dict[str, Call]] = {
    **_DICT_METHODS,
    "copy": _deep_copy_cost,
    "items": _listing,
    "values": _listing,
    "update": _deep_update,
}

_TUPLE_METHODS: Final[dict[str, Call]] = {"count": _scan, "index": _scan}

METHODS: Final[dict[type, dict[str, Call]]] = {
    str: _STR_METHODS,
    list: _LIST_METHODS,
    dict: _DICT_METHODS,
    ConfigDict: _CONFIGDICT_METHODS,
    tuple: _TUPLE_METHODS,
}
"""Type -> method name -> its check, for the values whose methods a safe config may call.

A check returns ``None`` (then the real method is called) or the result
itself (``str.format`` is re-implemented, see ``_strformat``).
"""

#: Methods whose check computes the result itself.
COMPUTED: Final = frozenset({(str, "format")})
