"""What a safe evaluation may make and do: the item, step and memory limits.

A safe ``.py`` config cannot exhaust the machine. Three limits hold:

* no value is made with more than ``MAX_ITEMS`` items (elements of a
  container, characters of a string, digits of a number). The size of a
  result is worked out from its operands *before* it is made;
* an evaluation takes at most ``MAX_STEPS`` steps. Every syntax node
  evaluated is a step, and an operation whose work grows with its operands
  (building, copying, comparing, hashing, sorting or formatting a value,
  arithmetic on big numbers) costs steps in proportion to that work, counted
  before it is done;
* an evaluation makes at most ``MAX_MEMORY`` bytes of values. What an
  operation makes in bulk (a number from arithmetic, a string or container
  from an operator or a call) is counted at its upper bound before it is made,
  and stays counted even when the file drops it: the budget bounds what one
  evaluation can ask the allocator for, not just what it keeps.

This module holds the counting; ``_safe_eval`` and ``_safe_calls`` charge it.
"""

from __future__ import annotations

import operator

from registry_core.config._failures import EvalFailure

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

__all__ = [
    "MAX_ITEMS",
    "MAX_MEMORY",
    "MAX_STEPS",
    "Budget",
    "check_items",
    "check_str_int",
    "conversion_cost",
    "int_bytes",
    "int_digits",
    "made",
    "search_cost",
    "size_of",
]

MAX_ITEMS: Final = 10_000_000
"""The most items, characters or digits one value may have."""

MAX_STEPS: Final = 10_000_000
"""The most steps one evaluation may take."""

MAX_MEMORY: Final = 256 * 2**20
"""The most bytes of values one evaluation may make (256 MiB), counted as they are made."""

#: Bytes per item of a container made in bulk (a pointer), and per character of a
#: string (at most 4, for text beyond the Basic Multilingual Plane).
_ITEM_BYTES: Final = 8
_CHAR_BYTES: Final = 4

#: Below this many bits an int is as cheap as any small object: steps bound it.
_SMALL_INT_BITS: Final = 2048

#: String search: pairs of (text, pattern) characters compared per step, at the worst case
#: (CPython's reverse search compares every pair: 0.12 ns each, 0.4 us per step).
_SEARCH_PAIRS_PER_STEP: Final = 2048

#: Converting an int to or from decimal text: pairs of digits per step.
_DIGIT_PAIRS_PER_STEP: Final = 20_000

#: Digits of an int with ``bits`` bits, from above: ``bits * log10(2)``.
_LOG10_2: Final = 0.30103

#: Python refuses str <-> int conversions past this many digits by default;
#: we hold to it even where the process lifted that limit.
_STR_INT_DIGITS: Final = 4300

_CYCLE: Final = "the value holds itself (a list or dict inside itself), which a config cannot"

_SCALARS: Final = frozenset({bool, float, complex, type(None), type(...)})
_SEQUENCES: Final = frozenset({list, tuple, set, frozenset})
_VIEWS: Final = frozenset({type({}.keys()), type({}.values()), type({}.items())})


def int_digits(value: int) -> int:
    """An upper bound on the decimal digits of ``value``."""
    return int(value.bit_length() * _LOG10_2) + 1


def int_bytes(bits: int) -> int:
    """The bytes of an int of ``bits`` bits (4 per 30-bit digit, and the header)."""
    return 28 + 4 * (bits // 30 + 1)


def conversion_cost(digits: int) -> int:
    """The steps of converting between an int of ``digits`` decimal digits and text.

    Quadratic in the digits (CPython's conversion): 4300 digits, the most
    Python converts, take 150-350 us, about 900 steps.
    """
    return 1 + digits * digits // _DIGIT_PAIRS_PER_STEP


def search_cost(text: str, pattern: str) -> int:
    """The steps of the worst case of searching ``pattern`` in ``text`` (both lengths)."""
    n, m = len(text), len(pattern)
    return 1 + (n >> 6) + (m >> 6) + (n * m) // _SEARCH_PAIRS_PER_STEP


def made(kind: type, count: int) -> int:
    """The steps that making a ``kind`` of ``count`` items costs.

    A string or bytes object is one step per 8 characters (filling memory
    that fast is cheap), anything else one step per item.
    """
    return count >> 3 if kind is str or kind is bytes else count


def check_items(count: int, what: str) -> None:
    """Refuse to make ``what`` when it would have more than ``MAX_ITEMS`` items."""
    if count > MAX_ITEMS:
        raise EvalFailure(
            f"{what} would have {count:,} items, more than the limit of {MAX_ITEMS:,}; "
            "a safe config cannot make values that large"
        )


def check_digits(bits: int, what: str) -> None:
    """Refuse to make an int of ``bits`` bits when it has more than ``MAX_ITEMS`` digits."""
    digits = int(bits * _LOG10_2) + 1
    if digits > MAX_ITEMS:
        raise EvalFailure(
            f"{what} would have about {digits:,} digits, more than the limit of "
            f"{MAX_ITEMS:,}; a safe config cannot make numbers that large"
        )


def check_str_int(text: str | bytes | bytearray) -> None:
    """Refuse to parse an int from a string longer than Python's default limit."""
    if len(text) > _STR_INT_DIGITS + 100:
        raise EvalFailure(
            f"converting a string of {len(text):,} characters to int exceeds the limit "
            f"of {_STR_INT_DIGITS} digits"
        )


def size_of(value: Any) -> int:
    """How many items iterating ``value`` gives, without iterating it.

    Every iterable a safe evaluation can hold is sized, or a list iterator
    (from ``zip``, ``enumerate`` or a generator expression), whose length hint
    is exact.
    """
    if type(value) is range:
        start, stop, step = value.start, value.stop, value.step
        if step > 0:
            return max(0, (stop - start + step - 1) // step)
        return max(0, (start - stop - step - 1) // -step)
    try:
        return len(value)
    except TypeError:
        return operator.length_hint(value)


class Budget:
    """The steps one evaluation has taken and the memory it made; refuses to go past
    ``MAX_STEPS`` or ``MAX_MEMORY``."""

    __slots__ = ("memory", "steps")

    def __init__(self) -> None:
        self.steps = 0
        self.memory = 0

    def allocate(self, nbytes: int, what: str = "the value") -> None:
        """Count ``nbytes`` more of memory for ``what``, failing past ``MAX_MEMORY``.

        Called before the value is made: a refused value is never allocated.
        """
        self.memory += nbytes
        if self.memory > MAX_MEMORY:
            raise EvalFailure(
                f"making {what} ({nbytes:,} bytes) would take the memory of the evaluation "
                f"past its budget of {MAX_MEMORY >> 20} MiB; a safe config cannot use that "
                "much memory"
            )

    def make(self, kind: type, count: int, what: str = "the value") -> None:
        """Charge the steps and memory of making a ``kind`` of ``count`` items."""
        self.charge(made(kind, count))
        width = _CHAR_BYTES if kind is str else 1 if kind is bytes else _ITEM_BYTES
        self.allocate(width * count, what)

    def make_int(self, bits: int, what: str = "the number") -> None:
        """Charge the memory of an int of ``bits`` bits, when it is large."""
        if bits > _SMALL_INT_BITS:
            self.allocate(int_bytes(bits), what)

    def hash_int(self, value: int) -> None:
        """Charge hashing or copying ``value``: a step per 2048 bits."""
        bits = value.bit_length()
        if bits > _SMALL_INT_BITS:
            self.charge(bits >> 11)

    def charge(self, steps: int) -> None:
        """Count ``steps`` more, failing when the total passes ``MAX_STEPS``."""
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise EvalFailure(
                f"the evaluation took more than {MAX_STEPS:,} steps (real configs take a "
                "few thousand); a safe config cannot run that long"
            )

    def weigh(self, value: Any) -> int:
        """Charge and return the work of reading all of ``value`` (comparing, hashing...).

        A scalar is one step (a long string or number a step per 64
        characters or 2048 bits); a container is one step per element, plus
        its elements. Shared elements count each time they are reached, as a
        comparison or a copy reaches them.
        """
        t = type(value)
        if t is str or t is bytes:
            cost = 1 + (len(value) >> 6)
        elif t is int:
            cost = 1 + (value.bit_length() >> 11)
        elif t in _SCALARS:
            cost = 1
        else:
            cost = self._weigh_deep(value)
        self.charge(cost)
        return cost

    def _weigh_deep(self, value: Any) -> int:
        total = expanded_weight(value, MAX_STEPS - self.steps + 1)
        if total > MAX_STEPS - self.steps:
            self.charge(total)  # raises
        return total


#: Containers ``_small_weight`` walks before leaving a value to the memoised walk.
_SMALL_CONTAINERS: Final = 256


def expanded_weight(value: Any, limit: int) -> int:
    """The weight of ``value`` with shared parts counted each time they are reached.

    Each container is traversed once (its weight is memoised by identity), so a
    value built by doubling (``a = [a, a]``) is weighed in a few steps; the
    count stops once it passes ``limit``. (A value of a few containers, as most
    are, is walked plainly first: the same count, without the memo.)
    """
    small = _small_weight(value, limit)
    if small is not None:
        return small
    memo: dict[int, int] = {}
    keep: list[Any] = []  # keeps the containers alive, so their ids stay theirs

    def weigh(item: Any) -> int:
        t = type(item)
        if t is str or t is bytes:
            return 1 + (len(item) >> 6)
        if t is int:
            bits: int = item.bit_length()
            return 1 + (bits >> 11)
        if t in _SCALARS:
            return 1
        known = memo.get(id(item))
        if known is not None:
            if known < 0:
                raise EvalFailure(_CYCLE)
            return known
        memo[id(item)] = -1  # in progress: met again below, the value holds itself
        total = 1
        if t in _SEQUENCES or t in _VIEWS:
            total += len(item)
            for element in item:
                total += weigh(element)
                if total > limit:
                    break
        elif isinstance(item, dict):
            total += len(item)
            for key, element in dict.items(item):
                total += weigh(key) + weigh(element)
                if total > limit:
                    break
        memo[id(item)] = total
        keep.append(item)
        return total

    return weigh(value)


def _small_weight(value: Any, limit: int) -> int | None:
    """``expanded_weight(value, limit)`` walked without a memo (reaching a shared part
    again counts it again, as the memo's count does); ``None`` once the walk has met
    more than ``_SMALL_CONTAINERS`` containers (a large value, shared parts, a cycle)."""
    total = 0
    containers = 0
    stack = [value]
    pop = stack.pop
    extend = stack.extend
    while stack:
        item = pop()
        t = type(item)
        if t is str or t is bytes:
            total += 1 + (len(item) >> 6)
        elif t is int:
            total += 1 + (item.bit_length() >> 11)
        elif t in _SCALARS:
            total += 1
        else:
            is_dict = isinstance(item, dict)
            if not (is_dict or t in _SEQUENCES or t in _VIEWS):
                total += 1
                continue
            containers += 1
            if containers > _SMALL_CONTAINERS:
                return None
            total += 1 + len(item)
            if is_dict:
                extend(dict.keys(item))
                extend(dict.values(item))
            else:
                extend(item)
        if total > limit:
            return total
    return total


def _int_text(value: int, budget: Budget) -> int:
    """An upper bound on the digits of ``value`` as text, its conversion charged."""
    digits = int_digits(value)
    if digits > _STR_INT_DIGITS + 1:
        raise EvalFailure(
            f"an int of about {digits:,} digits cannot be written as text (Python's "
            f"limit is {_STR_INT_DIGITS} digits)"
        )
    if digits > 64:
        budget.charge(conversion_cost(digits))
    return digits


def str_bound(value: Any, budget: Budget) -> int:
    """An upper bound on ``len(str(value))`` and ``len(repr(value))``, charging its work.

    Strings may grow up to ten times in ``repr`` (``'\\U0010ffff'``), numbers
    by their digits, containers by their brackets and separators. Shared parts
    are counted each time they appear, as ``repr`` writes them.

    Raises:
        EvalFailure: the bound passes ``MAX_ITEMS``, or an int has more digits
            than Python converts to text.
    """
    memo: dict[int, int] = {}
    keep: list[Any] = []

    def bound(item: Any) -> int:
        t = type(item)
        if t is str or t is bytes:
            return 10 * len(item) + 5
        if t is int:
            return _int_text(item, budget) + 3
        if t in _SCALARS:
            return 64
        if t is range:
            return 64 + 2 * max(int_digits(item.start), int_digits(item.stop))
        known = memo.get(id(item))
        if known is not None:
            if known < 0:
                raise EvalFailure(_CYCLE)
            return known
        memo[id(item)] = -1
        total = 16
        if t in _SEQUENCES or t in _VIEWS:
            budget.charge(1 + len(item))
            for element in item:
                total += bound(element) + 2
                if total > MAX_ITEMS:
                    check_items(total, "the text of this value")
        elif isinstance(item, dict):
            budget.charge(1 + 2 * len(item))
            for key, element in dict.items(item):
                total += bound(key) + bound(element) + 4
                if total > MAX_ITEMS:
                    check_items(total, "the text of this value")
        else:
            total = 64
        memo[id(item)] = total
        keep.append(item)
        return total

    total = bound(value)
    check_items(total, "the text of this value")
    return total
