"""Reading annotations written as text, without running the codebase's code.

``from __future__ import annotations`` leaves every annotation a string.
:func:`evaluate` reads one with a tiny evaluator of the syntax annotations
use: names (resolved in the target's module, then builtins), attributes of
modules and classes, subscripts of ``typing`` and standard-library generics
only (never a codebase's ``__class_getitem__``), ``X | Y``, tuples and lists,
and constants. Anything else is unreadable.

>>> import typing
>>> evaluate("Optional[list[int]]", vars(typing))
typing.Optional[list[int]]
>>> evaluate("make()", {"make": list})
Traceback (most recent call last):
...
registry_core.validation._evaluate.UnreadableError: make()
"""

from __future__ import annotations

import builtins
import types

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from collections.abc import Mapping
    from typing import Any, Final

__all__ = ["UnreadableError", "evaluate"]

#: Objects the evaluator may subscript: standard generics only.
_GENERIC_MODULES: Final = frozenset({"typing", "typing_extensions", "collections.abc", "builtins"})


class UnreadableError(Exception):
    """An annotation ``validate`` cannot read: it is skipped."""


def evaluate(text: str, namespace: Mapping[str, Any]) -> object:
    """Evaluate an annotation's text without calling any code of the codebase.

    Raises:
        UnreadableError: the text is not an annotation this can read.
    """
    import ast  # (only when a plan is computed: a config of unknown types never needs it)

    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise UnreadableError(text) from None
    try:
        return _eval(tree.body, namespace)
    except UnreadableError:
        raise UnreadableError(text) from None


def _eval(node: ast.expr, namespace: Mapping[str, Any]) -> object:
    import ast

    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in namespace:
            return namespace[node.id]
        if hasattr(builtins, node.id):
            return getattr(builtins, node.id)
        raise UnreadableError
    if isinstance(node, ast.Attribute):
        base = _eval(node.value, namespace)
        if isinstance(base, types.ModuleType):
            found = vars(base).get(node.attr, UnreadableError)
        elif isinstance(base, type):
            import inspect

            found = inspect.getattr_static(base, node.attr, UnreadableError)
        else:
            raise UnreadableError
        if found is UnreadableError:
            raise UnreadableError
        return found
    if isinstance(node, ast.Subscript):
        base = _eval(node.value, namespace)
        if getattr(base, "__module__", None) not in _GENERIC_MODULES:
            raise UnreadableError  # never run a codebase's __class_getitem__
        index = _eval(node.slice, namespace)
        return base[index]  # type: ignore[index]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _eval(node.left, namespace), _eval(node.right, namespace)
        import typing  # (~10 ms to import: only for an annotation that needs it)

        return typing.Union[left, right]  # noqa: UP007 - the operands may be strings
    if isinstance(node, ast.Tuple):
        return tuple(_eval(elt, namespace) for elt in node.elts)
    if isinstance(node, ast.List):
        return [_eval(elt, namespace) for elt in node.elts]
    raise UnreadableError
