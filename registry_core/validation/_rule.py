"""What a function does with the config value at one place: a :class:`Rule`.

The reader (``_reader``) writes rules while it follows a function's body; the Runner's
sections (``_runner``, ``_sections``) and the chains of constructors (``_chain``) read them.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

__all__ = ["EACH", "FIRST", "Rule"]

#: A child key meaning "each item": the items of a list, the values of a mapping
#: without ``type``, or the value itself when it is a node.
EACH: Final = "*"
#: A given argument meaning "the target's first parameter" (the Runner fills an
#: optimizer's first parameter, whatever its name: ``params``, ``model_params``).
FIRST: Final = "<first>"


class Rule:
    """What a function (the Runner's, a constructor) does with the config value at one place.

    Attributes:
        registry: the root it builds the value in (an attribute name of
            ``registry_core.roots``: ``'MODELS'``), or ``None``.
        given: the arguments it passes itself (:data:`FIRST`: the first parameter).
        default_types: the types it builds when the value has no ``type``.
        consumed: keys it takes out of the value before building it.
        children: rules of keys inside the value (:data:`EACH`: each item).
        build_key: the Runner builds the value in ``registry`` only when it has
            this key (``metrics`` for an evaluator); otherwise it passes the value
            whole to the class ``whole`` (``Evaluator(value)``).
        whole: see ``build_key``.
        handed: the classes the value is handed to, ``(name, parameter)``: the
            parameter's name (``Cls(a=x)``), its position (``Cls(x)``) or ``None``
            for ``Cls(**x)`` (each key of the value is a parameter of ``Cls``).
        placed: the places the value is put into as an entry,
            ``(path of the place, key, only when the key is absent)``:
            ``d.setdefault('k', x)`` is ``(('d',), 'k', True)``.
        fresh: the value is replaced by an empty mapping when it is empty or ``None``
            (``x = x or {}``).
        single: a value that is not a list is made the one item of a list
            (``x = [x]``), so :data:`EACH` stands for the value itself.
    """

    __slots__ = (
        "build_key",
        "children",
        "consumed",
        "default_types",
        "fresh",
        "given",
        "handed",
        "placed",
        "registry",
        "single",
        "whole",
    )

    def __init__(self) -> None:
        self.registry: str | None = None
        self.build_key: str | None = None
        self.whole: str | None = None
        self.given: set[str] = set()
        self.default_types: list[str] = []
        self.consumed: set[str] = set()
        self.children: dict[str, Rule] = {}
        self.handed: list[tuple[str, str | int | None]] = []
        self.placed: list[tuple[tuple[str, ...], str, bool]] = []
        self.fresh = False
        self.single = False

    def child(self, key: str) -> Rule:
        found = self.children.get(key)
        if found is None:
            found = self.children[key] = Rule()
        return found

    def __repr__(self) -> str:
        return (
            f"Rule(registry={self.registry!r}, given={sorted(self.given)}, "
            f"default_types={self.default_types}, consumed={sorted(self.consumed)}, "
            f"build_key={self.build_key!r}, whole={self.whole!r}, "
            f"handed={self.handed}, placed={self.placed}, fresh={self.fresh}, "
            f"single={self.single}, "
            f"children={self.children!r})"
        )
