"""What a parameter's annotation accepts: :class:`Expect`, and the container rule.

An :class:`Expect` is compiled once per annotation (``_annotations``) and asked by
the walk for every value: its fast set of exact types, its judgement of plain
values and containers (fine, loose: a warning, wrong: an error), what it says
about a nested config node, and its JSON Schema. ``validate`` and
``Expect.accepts`` share this one rule.
"""

from __future__ import annotations

import collections.abc as cabc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

__all__ = [
    "ACCEPT",
    "FINE",
    "LOOSE",
    "PLAIN",
    "REJECT",
    "SUBCLASS",
    "WRONG",
    "Expect",
    "describe_value",
]

NoneType = type(None)

#: Values of these exact types are checked against annotations; any other
#: object (an instance of a codebase's class, a callable, a NumPy scalar) never is.
PLAIN: Final[frozenset[type]] = frozenset(
    {int, float, complex, str, bytes, bool, NoneType, set, frozenset}
)

#: What an annotation says about a config node (a mapping with ``type``):
#: a node is fine, is wrong, or is fine when its target subclasses ``classes``.
REJECT: Final = 0
ACCEPT: Final = 1
SUBCLASS: Final = 2

#: Verdicts of the container rule (see :meth:`Expect.judge_plain` and its siblings): the
#: value is what the annotation says; it is not, but real codebases write it so and build
#: (a ``float`` for ``int``, a ``list`` for ``dict``, several items for ``Tuple[int]``): a
#: warning; it cannot be what the annotation says in any reading: an error.
FINE: Final = 0
LOOSE: Final = 1
WRONG: Final = 2


class Expect:
    """What one annotation accepts, in a form the walk tests quickly.

    Attributes:
        text: the annotation as written, for messages (``'list[int]'``).
        fast: exact types of plain values accepted without more ado.
        test: a further test for plain values not in ``fast`` (``Literal``).
        seq: whether a list or tuple is accepted.
        items: what each element must be (``None``: anything).
        fixed: for ``tuple[X, Y]``, what each position must be.
        mapping: whether a mapping without ``type`` is accepted.
        values: what each of its values must be (``None``: anything).
        node: ``REJECT``, ``ACCEPT`` or ``SUBCLASS`` (see above).
        classes: the classes a node's target must subclass, for ``SUBCLASS``.
        schema: the JSON Schema of the annotation.
    """

    __slots__ = (
        "classes",
        "fast",
        "fixed",
        "items",
        "mapping",
        "node",
        "schema",
        "seq",
        "test",
        "text",
        "values",
    )

    def __init__(
        self,
        text: str,
        *,
        fast: frozenset[type] = frozenset(),
        test: Callable[[object], bool] | None = None,
        seq: bool = False,
        items: Expect | None = None,
        fixed: tuple[Expect | None, ...] | None = None,
        mapping: bool = False,
        values: Expect | None = None,
        node: int = REJECT,
        classes: tuple[type, ...] = (),
        schema: dict[str, Any] | None = None,
    ) -> None:
        self.text = text
        self.fast = fast
        self.test = test
        self.seq = seq
        self.items = items
        self.fixed = fixed
        self.mapping = mapping
        self.values = values
        self.node = node
        self.classes = classes
        self.schema: dict[str, Any] = {} if schema is None else schema

    def __repr__(self) -> str:
        return f"<Expect {self.text}>"

    def plain_ok(self, value: object) -> bool:
        """Whether a plain value (see :data:`PLAIN`) is acceptable."""
        if type(value) in self.fast:
            return True
        test = self.test
        return test is not None and test(value)

    # -- the container rule: what validate's walk and accepts() both apply ---------------

    def judge_plain(self, value: object) -> int:
        """The verdict on a plain value: ``FINE``, ``LOOSE`` or ``WRONG``.

        ``LOOSE`` where real codebases annotate loosely and build anyway: ``None``
        (``init_cfg: dict = None``), a ``float`` for ``int`` (``mlp_ratio=4.0``), a
        number for ``str`` (MMEngine's ``loss_scale: str`` takes ``512.0``), an
        ``int`` for ``bool``. A ``str`` where no ``str`` is accepted, a ``bool`` for
        a number, or a value outside a ``Literal`` cannot be what the annotation
        says in any reading: ``WRONG``.
        """
        if self.plain_ok(value):
            return FINE
        kind = type(value)
        fast = self.fast
        if (
            value is None
            or (kind is float and int in fast)
            or (kind in (int, float) and str in fast)
            or (kind is int and bool in fast)
        ):
            return LOOSE
        return WRONG

    def _scalar(self) -> bool:
        """Whether the annotation accepts plain values only (no container, no node)."""
        return not self.seq and not self.mapping and self.node == REJECT

    def judge_mapping(self) -> tuple[int, Expect | None]:
        """The verdict on a mapping without ``type``, and what its values must be."""
        if self.mapping:
            return FINE, self.values
        return WRONG, None

    def judge_sequence(
        self, length: int
    ) -> tuple[int, Expect | None, tuple[Expect | None, ...] | None]:
        """The verdict on a list or tuple of ``length`` items, and what its items must
        be: all of them (``items``) or each position (``fixed``; ``None`` otherwise).

        A list where a mapping is expected is ``LOOSE`` (``init_cfg`` is annotated
        ``dict`` and given a list of dicts throughout OpenMMLab); so are several items
        for ``Tuple[X]``, which codebases write meaning ``Tuple[X, ...]`` (each is
        checked as ``X``), and a list or tuple where only a plain value is expected
        (``input_size: int`` given ``(14, 14)``, which the code accepts too).
        """
        if not self.seq:
            return (LOOSE if self.mapping or self._scalar() else WRONG), None, None
        fixed = self.fixed
        if fixed is None:
            return FINE, self.items, None
        if len(fixed) == length:
            return FINE, None, fixed
        if len(fixed) == 1 and length > 1:
            return LOOSE, fixed[0], None
        return WRONG, None, None

    def judge_node(self, builds: type | None) -> int:
        """The verdict on a config node whose target builds ``builds`` (``None``:
        not known, or not a class)."""
        node = self.node
        if node == ACCEPT:
            return FINE
        if node == REJECT:
            return WRONG
        if builds is None or issubclass(builds, self.classes):
            return FINE
        return WRONG

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is acceptable, looking inside containers: the rule
        ``validate`` applies, with no warning either.

        A config node counts as acceptable unless nodes are rejected outright.
        """
        stack: list[tuple[object, Expect | None]] = [(value, self)]
        while stack:
            item, expect = stack.pop()
            if expect is None:
                continue
            if type(item) in PLAIN:
                verdict = expect.judge_plain(item)
            elif isinstance(item, cabc.Mapping):
                if "type" in item:
                    verdict = expect.judge_node(None)
                else:
                    verdict, values = expect.judge_mapping()
                    stack.extend((v, values) for v in item.values())
            elif isinstance(item, (list, tuple)):
                verdict, items, fixed = expect.judge_sequence(len(item))
                if fixed is not None:
                    stack.extend(zip(item, fixed, strict=True))
                else:
                    stack.extend((v, items) for v in item)
            else:
                continue  # any other object is never checked
            if verdict != FINE:
                return False
        return True


def describe_value(value: object) -> str:
    """A short description of a config value, for messages (never recursive).

    >>> describe_value("fifty"), describe_value(True), describe_value([1, 2, 3])
    ("str 'fifty'", 'bool True', 'list of 3 items')
    """
    kind = type(value).__name__
    if type(value) in PLAIN and type(value) not in (set, frozenset):
        text = repr(value)
        if len(text) > 40:
            text = text[:37] + "..."
        return f"{kind} {text}" if value is not None else "None"
    if isinstance(value, (list, tuple, set, frozenset, cabc.Mapping)):
        n = len(value)
        what = "mapping" if isinstance(value, cabc.Mapping) and kind != "dict" else kind
        return f"{what} of {n} item{'s' if n != 1 else ''}"
    return f"a {kind} object"
