"""The internal failures of a safe evaluation, before they become ``ConfigError``.

The evaluator raises these from deep inside an expression; the statement or
expression that was being evaluated attaches its syntax node on the way out,
and ``_safe_eval`` turns the failure into a ``ConfigError`` naming the file,
the line and the code.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast

__all__ = ["EvalFailure", "UnsafeConstruct", "Unshared"]


class EvalFailure(Exception):  # noqa: N818 - internal, never seen by users
    """The evaluation cannot go on: a limit, or an error Python would raise too.

    Attributes:
        message: what happened, for the user.
        node: the innermost syntax node being evaluated, once known.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.node: ast.AST | None = None


class UnsafeConstruct(EvalFailure):
    """The file uses something outside the data subset of safe ``.py`` configs.

    Attributes:
        construct: what it is, in words (``"an import"``, ``"a call of open"``).
    """

    def __init__(self, construct: str, why: str = "") -> None:
        super().__init__(f"{construct} is outside the data subset{': ' + why if why else ''}")
        self.construct = construct
        self.why = why


class Unshared(BaseException):  # internal, never seen by users
    """The code was about to change a value it shares with other loads (copy-on-write:
    its loader evaluates it again on copies). A ``BaseException``, so that no handler
    of the evaluation's own failures turns it into one."""
