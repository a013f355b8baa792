"""The methods a safe ``.py`` config may call, on the values whose methods it may call.

``METHODS`` maps a value's type (``str``, ``list``, ``dict``, ``ConfigDict``,
``tuple``) to its callable methods, each with a check that works out the size
of what the call would make and charges its work to the ``Budget`` before the
real method runs. ``str.format`` is re-implemented (``_strformat``): its check
returns the result itself.
"""

from __future__ import annotations

from registry_core.config._configdict import ConfigDict
from registry_core.config._limits import Budget, check_items, search_cost
from registry_core.config._safe_calls import materialize, size_of_any
from registry_core.config._strformat import str_format

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    Call = Callable[[Budget, Any, list[Any], dict[str, Any]], Any]

__all__ = ["COMPUTED", "METHODS"]


# -- methods -----------------------------------------------------------------


def _free(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    budget.charge(1)


def _linear(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    # ``startswith`` and ``endswith`` compare each prefix of a tuple: up to len(obj) each
    cost = 1 + (len(obj) >> 6)
    for arg in args:
        if isinstance(arg, str):
            cost += len(arg) >> 6
        elif isinstance(arg, tuple):
            cost += len(arg) * (1 + (len(obj) >> 6))
    budget.charge(cost)


def _case(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    # Case mappings may grow a string up to three times ('\u0390'.upper() is 3 characters).
    check_items(3 * len(obj), "the changed string")
    budget.charge(1 + (3 * len(obj) >> 3))


def _pattern(args: list[Any], kwargs: dict[str, Any], keyword: str) -> str:
    """The string a search looks for (its first argument), or ``''``."""
    pattern = args[0] if args else kwargs.get(keyword)
    return pattern if isinstance(pattern, str) else ""


def _search(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    # Charged at the worst case: a reverse search compares every pair of characters.
    budget.charge(search_cost(obj, _pattern(args, kwargs, "sub")))


def _strip(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    budget.charge(search_cost(obj, _pattern(args, kwargs, "chars")))


def _split(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    budget.charge(len(obj) + search_cost(obj, _pattern(args, kwargs, "sep")))


def _join(budget: Budget, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    if len(args) != 1 or kwargs:
        return
    items = materialize(budget, args[0], "the items to join")
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
    budget.charge(search_cost(obj, old))  # the count below is a search
    count = len(obj) + 1 if old == "" else obj.count(old)
    if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
        count = min(count, args[2])
    total = len(obj) + count * (len(new) - len(old))
    check_items(total, "the replaced string")
    budget.charge(search_cost(obj, old) + (max(0, total) >> 3))


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
    "count": _search,
    "endswith": _linear,
    "find": _search,
    "format": _format,
    "index": _search,
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
    "lstrip": _strip,
    "partition": _search,
    "removeprefix": _linear,
    "removesuffix": _linear,
    "replace": _replace,
    "rfind": _search,
    "rindex": _search,
    "rpartition": _search,
    "rsplit": _split,
    "rstrip": _strip,
    "split": _split,
    "splitlines": _split,
    "startswith": _linear,
    "strip": _strip,
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
    "merge": _deep_update,
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
