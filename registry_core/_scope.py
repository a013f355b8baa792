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

from registry_core._messages import summary

TYPE_CHECKING = False
if TYPE_CHECKING:
    from contextvars import Token
    from types import TracebackType
    from typing import Generic, TypeVar

    R = TypeVar("R")

    class _SwitchBase(Generic[R]):
        pass

else:
    R = "R"  # as in registry.py: ``typing`` costs ~11 ms to import

    class _SwitchBase:
        __slots__ = ()

        def __class_getitem__(cls, item):
            from types import GenericAlias

            return GenericAlias(cls, item)


__all__ = [
    "ScopeSwitch",
    "ScopeSync",
    "current_scope",
    "default_scope",
    "init_default_scope",
    "scope_sync",
    "set_scope_sync",
]

CURRENT: ContextVar[str | None] = ContextVar("registry_core.default_scope", default=None)

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Protocol

    class ScopeSync(Protocol):
        """Keeps another library's default scope in step with ours (the MMEngine bridge)."""

        def enter(self, scope: str) -> Callable[[], None] | None:
            """``scope`` becomes the default for a block: set it; return how to undo it."""

        def init(self, scope: str | None) -> None:
            """``scope`` becomes the default for the rest of the context."""

else:
    ScopeSync = object

#: Told of every default scope set, when something needs to follow it; handed
#: in from above (this module imports nothing that could provide one).
_sync: ScopeSync | None = None


def scope_sync() -> ScopeSync | None:
    """What follows the default scope now, or ``None``."""
    return _sync


def set_scope_sync(sync: ScopeSync | None) -> None:
    """Install what follows the default scope (``None``: nothing does)."""
    global _sync
    _sync = sync


def _check(scope: object) -> str | None:
    if scope is not None and not isinstance(scope, str):
        raise TypeError(
            f"a scope must be a str or None, got {type(scope).__name__}: {summary(scope)}"
        )
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
    if _sync is not None:
        _sync.init(scope)


class _Entered:
    """Set the default scope on entry, put the previous one back on exit.

    One object may be entered again inside its own block (``with ctx: ...
    with ctx:``): each entry keeps its own token, and each exit restores
    what its entry found.
    """

    __slots__ = ("_scope", "_tokens")

    def __init__(self, scope: str | None) -> None:
        self._scope = scope
        # each entry's token, and how to undo what the scope sync did for it
        self._tokens: list[tuple[Token[str | None], Callable[[], None] | None]] = []

    def _enter(self) -> None:
        scope = self._scope
        token = CURRENT.set(scope)
        sync = _sync
        undo = None if sync is None or scope is None else sync.enter(scope)
        self._tokens.append((token, undo))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._tokens:
            token, undo = self._tokens.pop()
            CURRENT.reset(token)
            if undo is not None:
                undo()


class default_scope(_Entered):  # noqa: N801 - used like a function: ``with default_scope('x'):``
    """Context manager: make ``scope`` the default scope inside the block.

    The previous scope comes back when the block exits, also through an
    exception. ``None`` clears the default scope inside the block.
    """

    __slots__ = ()

    def __init__(self, scope: str | None) -> None:
        super().__init__(_check(scope))

    def __enter__(self) -> str | None:
        self._enter()
        return self._scope


class ScopeSwitch(_Entered, _SwitchBase[R]):
    """What ``Registry.switch_scope_and_registry`` returns.

    Entering it makes its scope the default scope (``None``: changes
    nothing) and yields the registry it was made with.
    """

    __slots__ = ("_registry",)

    def __init__(self, scope: str | None, registry: R) -> None:
        super().__init__(scope)
        self._registry = registry

    def __enter__(self) -> R:
        if self._scope is not None:  # (then no token is kept, and exit restores nothing)
            self._enter()
        return self._registry
