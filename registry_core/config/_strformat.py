"""Formatting in safe ``.py`` configs: ``str.format``, f-strings and ``%``, bounded.

Formatting reaches code through its fields (``'{0.__class__}'.format(x)``
reads an attribute) and reaches the limits through its widths
(``'{:1000000000}'.format(1)``). Here ``str.format`` is re-implemented on
top of Python's own parser of format strings (``string.Formatter.parse``): a
field may name an argument by position or keyword, never read an attribute or
index; every width and precision is checked against the item limit before
anything is formatted.
"""

from __future__ import annotations

import re

from registry_core.config._failures import EvalFailure, UnsafeConstruct
from registry_core.config._limits import MAX_ITEMS, Budget, check_items, str_bound

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any, Final

__all__ = ["format_value", "percent_format", "str_format"]

# The patterns are compiled on first use (by ``re``'s cache): compiling them
# costs a fresh process a millisecond, and most configs format nothing.

#: The standard format specification mini-language (with 3.11's ``z``).
_SPEC: Final = (
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?"
    r"[bcdeEfFgGnosxX%]?"
)

#: One conversion of printf-style formatting.
_PERCENT: Final = (
    r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d*))?[hlL]?"
    r"(?P<type>.)?"
)

#: The argument a field names: all of it up to an attribute or index access.
_FIELD_NAME: Final = r"[^.\[]*"

_CONVERSIONS: Final[dict[str, Callable[[Any], str]]] = {"r": repr, "s": str, "a": ascii}


def _spec_bound(spec: str) -> int:
    """How many characters ``spec`` may add beyond the value's own text."""
    match = re.fullmatch(_SPEC, spec, re.DOTALL)
    if match is None:
        raise EvalFailure(f"invalid format specifier {spec!r}")
    bound = 0
    for name in ("width", "precision"):
        digits = match.group(name)
        if digits:
            if len(digits) > 8 or int(digits) > MAX_ITEMS:
                raise EvalFailure(
                    f"the {name} in the format specifier {spec!r} is more than the limit "
                    f"of {MAX_ITEMS:,} characters"
                )
            bound += int(digits)
    # Grouping separators and the exponent of a float add a few characters
    # more than the digits: allow for them generously.
    return bound * 2 + 400


def format_value(value: Any, conversion: str | None, spec: str, budget: Budget) -> str:
    """``format(value, spec)`` after ``!r``/``!s``/``!a``, as an f-string field does."""
    bound = str_bound(value, budget) + _spec_bound(spec)
    check_items(bound, "the formatted text")
    budget.charge(1 + (bound >> 6))
    if conversion is not None:
        convert = _CONVERSIONS.get(conversion)
        if convert is None:
            raise EvalFailure(f"unknown conversion specifier {conversion!r}")
        value = convert(value)
    return format(value, spec)


class _Numbering:
    """The automatic field numbering of one ``str.format`` call."""

    __slots__ = ("manual", "next")

    def __init__(self) -> None:
        self.next = 0
        self.manual: bool | None = None


def str_format(
    template: str,
    args: Sequence[Any],
    kwargs: Mapping[str, Any],
    budget: Budget,
    _numbering: _Numbering | None = None,
    _depth: int = 2,
) -> str:
    """``template.format(*args, **kwargs)`` for fields without attribute or index access.

    Raises:
        UnsafeConstruct: a field reads an attribute or an index.
        EvalFailure: a field names a missing argument, or the result would be too large.
    """
    if _depth < 0:
        raise EvalFailure("max string recursion exceeded in a format string")
    numbering = _numbering or _Numbering()
    budget.charge(1 + (len(template) >> 6))
    out: list[str] = []
    total = 0
    import string  # (Python's own parser of format strings; ~0.5 ms to import)

    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise EvalFailure(f"invalid format string {template!r}: {exc}") from None
    for literal, field, spec, conversion in parsed:
        out.append(literal)
        total += len(literal)
        if field is None:
            continue
        match = re.match(_FIELD_NAME, field)
        name = match.group() if match else ""
        if name != field:
            raise UnsafeConstruct(
                f"the format field {{{field}}}",
                "str.format fields may name an argument, but not read its attributes or items",
            )
        index = int(name) if name.isascii() and name.isdigit() else name
        value = _argument(index, args, kwargs, numbering)
        if spec and "{" in spec:
            spec = str_format(spec, args, kwargs, budget, numbering, _depth - 1)
        text = format_value(value, conversion, spec or "", budget)
        out.append(text)
        total += len(text)
        check_items(total, "the formatted text")
    return "".join(out)


def _argument(
    first: int | str, args: Sequence[Any], kwargs: Mapping[str, Any], numbering: _Numbering
) -> Any:
    if first == "":
        if numbering.manual:
            raise EvalFailure(
                "cannot switch from manual field specification to automatic field numbering"
            )
        numbering.manual = False
        first = numbering.next
        numbering.next += 1
    elif isinstance(first, int):
        if numbering.manual is False:
            raise EvalFailure(
                "cannot switch from automatic field numbering to manual field specification"
            )
        numbering.manual = True
    if isinstance(first, int):
        if first >= len(args):
            raise EvalFailure(f"replacement index {first} out of range for positional args tuple")
        return args[first]
    try:
        return kwargs[first]
    except KeyError:
        raise EvalFailure(f"format string names {first!r}, which is not given") from None


def percent_format(template: str | bytes, values: Any, budget: Budget) -> Any:
    """``template % values`` with every width and precision checked first."""
    text = template.decode("latin-1") if isinstance(template, bytes) else template
    stars = 0
    bound = len(text)
    for match in re.finditer(_PERCENT, text, re.DOTALL):
        for name in ("width", "precision"):
            digits = match.group(name)
            if digits == "*":
                stars += 1
            elif digits:
                if len(digits) > 8 or int(digits) > MAX_ITEMS:
                    raise EvalFailure(
                        f"the {name} in {match.group()!r} is more than the limit of "
                        f"{MAX_ITEMS:,} characters"
                    )
                bound += 2 * int(digits) + 400
    if stars:
        numbers = values if isinstance(values, tuple) else (values,)
        widest = max((abs(v) for v in numbers if type(v) is int), default=0)
        bound += stars * (widest + 400)
    bound += str_bound(values, budget)
    check_items(bound, "the formatted text")
    budget.charge(1 + (bound >> 6))
    return template % values
