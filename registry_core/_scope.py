"""The default scope: one ``ContextVar``, so threads and asyncio tasks never
see each other's scope.

>>> from registry_core import current_scope, default_scope
>>> current_scope() is None
True
>>> with default_scope('toydet'):
...     current_scope()
'toydet'
>>> current_scope() is None
True
"""

from __future__ import annotations

from contextvars import ContextVar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from contextvars import Token
    from types import TracebackType

__all__ = ["current_scope", "default_scope", "init_default_scope"]

CURRENT: ContextVar[str | None] = ContextVar("registry_core.default_scope", default=None)


def _check(scope: object) -> str | None:
    if scope is not None and not isinstance(scope, str):
        raise TypeError(f"a scope must be a str or None, got {type(scope).__name__}: {scope!r:.80}")
    return scope


def current_scope() -> str | None:
    """The default scope of the current context (thread or task), or ``None``."""
    return CURRENT.get()


def init_default_scope(scope: str | None) -> None:
    """Set the default scope for the rest of the current context.

    What a training runner does once at start-up. Threads started afterwards
    do not inherit it (each thread starts with an empty context); asyncio tasks
    created afterwards do (they copy the context they are created in).
    """
    CURRENT.set(_check(scope))


class default_scope:  # noqa: N801 - used like a function: ``with default_scope('x'):``
    """Context manager: make ``scope`` the default scope inside the block.

    The previous scope comes back when the block exits, also through an
    exception. ``None`` clears the default scope inside the block.
    """

    __slots__ = ("_scope", "_token")

    def __init__(self, scope: str | None) -> None:
        self._scope = _check(scope)
        self._token: Token[str | None] | None = None

    def __enter__(self) -> str | None:
        self._token = CURRENT.set(self._scope)
        return self._scope

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._token is not None:
            CURRENT.reset(self._token)
            self._token = None
