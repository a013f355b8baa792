"""Comprehensions in a safe evaluation: list, set and dict comprehensions and generator
expressions, each evaluated at once in a scope of its own (``Evaluator.scopes``).

A generator expression is evaluated whole too, and gives an iterator over its items
(``_eval_expressions.EXPRESSIONS`` dispatches to these, as to the other expressions).
"""

from __future__ import annotations

from registry_core.config._failures import UnsafeConstruct

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from collections.abc import Callable
    from typing import Any

    from registry_core.config._safe_eval import Evaluator

__all__ = ["dictcomp", "generator", "listcomp", "setcomp"]


def comprehend(
    ev: Evaluator, generators: list[ast.comprehension], emit: Callable[[], None]
) -> None:
    ev.scopes.append({})
    try:
        generate(ev, generators, 0, emit)
    finally:
        ev.scopes.pop()


def generate(
    ev: Evaluator, generators: list[ast.comprehension], index: int, emit: Callable[[], None]
) -> None:
    generator = generators[index]
    if generator.is_async:
        raise UnsafeConstruct("an async comprehension")
    budget = ev.budget
    last = index + 1 == len(generators)
    for item in iter(ev.expr(generator.iter)):
        budget.charge(1)
        ev.store(generator.target, item)
        if all(ev.expr(condition) for condition in generator.ifs):
            if last:
                emit()
            else:
                generate(ev, generators, index + 1, emit)


def listcomp(ev: Evaluator, node: ast.ListComp) -> Any:
    out: list[Any] = []
    element = node.elt
    comprehend(ev, node.generators, lambda: out.append(ev.expr(element)))
    return out


def generator(ev: Evaluator, node: ast.GeneratorExp) -> Any:
    out: list[Any] = []
    element = node.elt
    comprehend(ev, node.generators, lambda: out.append(ev.expr(element)))
    return iter(out)


def setcomp(ev: Evaluator, node: ast.SetComp) -> Any:
    out: set[Any] = set()
    element = node.elt

    def emit() -> None:
        item = ev.expr(element)
        ev.hash_cost(item)
        out.add(item)

    comprehend(ev, node.generators, emit)
    return out


def dictcomp(ev: Evaluator, node: ast.DictComp) -> Any:
    out: dict[Any, Any] = {}

    def emit() -> None:
        key = ev.expr(node.key)
        value = ev.expr(node.value)
        ev.hash_cost(key)
        out[key] = value

    comprehend(ev, node.generators, emit)
    return out
