"""Whole OpenMMLab configs: each section placed where MMEngine's Runner builds it.

A top-level mapping without ``type`` that has Runner sections (``model``,
``train_dataloader``, ``optim_wrapper``, ...) is checked as the Runner builds it
(SPEC section 10, "Whole OpenMMLab configs"): :func:`places` finds, from the rules
``_runner`` reads out of the installed MMEngine, every node the Runner builds, the root
it builds it in, the arguments the Runner passes itself and the keys it takes out
first. The walk starts from these nodes; every other top-level key is data.
"""

from __future__ import annotations

from _collections_abc import Mapping

from registry_core.validation._runner import EACH, ENTRIES, FIRST, Rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["Place", "is_whole", "places", "whole_key"]


class Place:
    """One node the Runner builds.

    Attributes:
        parts: its path in the config.
        value: the node as the config writes it.
        root: the root registry it is built in.
        args: its arguments as the Runner passes them: without the keys the Runner
            takes out, with the type the Runner uses when the config gives none.
        given: parameters the Runner passes itself (:data:`_runner.FIRST`: the first).
        types: the types the Runner may use when the config gives none; the walk
            takes the one the arguments fit.
    """

    __slots__ = ("args", "given", "parts", "root", "types", "value")

    def __init__(
        self,
        parts: tuple[Any, ...],
        value: Mapping[str, Any],
        root: Registry[Any],
        args: Mapping[str, Any],
        given: frozenset[str],
        types: tuple[str, ...],
    ) -> None:
        self.parts = parts
        self.value = value
        self.root = root
        self.args = args
        self.given = given
        self.types = types

    def given_names(self, names: tuple[str, ...]) -> frozenset[str]:
        """``given`` with :data:`FIRST` replaced by the first of a target's ``names``."""
        if FIRST not in self.given:
            return self.given
        return self.given - {FIRST} | frozenset(names[:1])


def is_whole(cfg: Any, rules: Mapping[str, Rule]) -> bool:
    """Whether ``cfg`` is a whole config: a mapping without ``type`` that holds a
    section the Runner builds."""
    return isinstance(cfg, Mapping) and "type" not in cfg and any(key in cfg for key in rules)


def places(cfg: Mapping[str, Any], rules: Mapping[str, Rule]) -> list[Place]:
    """Every node of ``cfg`` the Runner builds, in the config's order."""
    from registry_core.roots import ROOTS

    found: list[Place] = []
    for key, value in cfg.items():
        rule = rules.get(key) if isinstance(key, str) else None
        if rule is not None:
            _place(found, (key,), value, rule, key, ROOTS)
    return found


def _place(
    found: list[Place],
    parts: tuple[Any, ...],
    value: Any,
    rule: Rule,
    section: str,
    roots: Mapping[str, Registry[Any]],
) -> None:
    if value is None:
        return
    if EACH in rule.children and rule.registry is None:
        each = rule.children[EACH]
        if isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                _place(found, (*parts, index), item, each, section, roots)
        elif isinstance(value, Mapping) and "type" not in value:
            for key, item in value.items():
                _place(found, (*parts, key), item, each, section, roots)
        else:
            _place(found, parts, value, each, section, roots)
        return
    if not isinstance(value, Mapping):
        whole = whole_key(rule, section)
        if whole is not None:  # Evaluator(list of metrics)
            _place(found, parts, value, rule.children[whole], f"{section}.{whole}", roots)
        return
    if rule.build_key is not None and rule.build_key not in value:
        whole = whole_key(rule, section)
        if whole is not None:  # a metric given where the evaluator is: Evaluator(metric)
            _place(found, parts, value, rule.children[whole], f"{section}.{whole}", roots)
            return
    inner = {k: v for k, v in rule.children.items() if k in value and k != EACH}
    root = roots.get(rule.registry) if rule.registry is not None else None
    if root is not None and ("type" in value or rule.default_types):
        args = {k: v for k, v in value.items() if k not in rule.consumed and k not in inner}
        found.append(
            Place(
                parts,
                value,
                root,
                args,
                frozenset(rule.given) | frozenset(inner),
                tuple(rule.default_types) if "type" not in value else (),
            )
        )
    for key, child in inner.items():
        _place(found, (*parts, key), value[key], child, f"{section}.{key}", roots)


def whole_key(rule: Rule, section: str) -> str | None:
    """The key of ``rule``'s children that a value passed whole to ``rule.whole``
    stands for: the parameter of the function ``ENTRIES`` reads for it."""
    if rule.whole is None:
        return None
    for key in rule.children:
        for _, qualname, _parameter in ENTRIES.get(f"{section}.{key}", ()):
            if qualname.startswith(f"{rule.whole}."):
                return key
    return None
