"""What discovery reports about a scope: its status, and the table of them all."""

from __future__ import annotations

from registry_core.discovery._scan import _Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from registry_core.discovery._scan import Diagnostic

__all__ = [
    "BLOCKED",
    "BROKEN",
    "CONFLICT",
    "DISCOVERED",
    "FAILED",
    "INCOMPATIBLE",
    "LOADED",
    "STATUSES",
    "ScopeInfo",
    "ScopeTable",
]

DISCOVERED = "discovered"
LOADED = "loaded"
FAILED = "failed"
INCOMPATIBLE = "incompatible"
CONFLICT = "conflict"
BLOCKED = "blocked"
#: Every status a scope can have.
STATUSES = (DISCOVERED, LOADED, FAILED, INCOMPATIBLE, CONFLICT, BLOCKED)
#: The statuses in which a lookup of the scope raises the scope's error.
BROKEN = frozenset({FAILED, INCOMPATIBLE, CONFLICT, BLOCKED})


class ScopeInfo(_Value):
    """What discovery knows of one scope. Immutable; compare with ``==``.

    Attributes:
        scope: the entry-point name, which is the scope.
        module: the module the entry point names.
        distribution: the project name as its METADATA spells it.
        version: the distribution's version.
        status: one of ``discovered``, ``loaded``, ``failed``,
            ``incompatible``, ``conflict``, ``blocked``.
        error: ``None``, or the message of the error a lookup would raise.
        path: the distribution's metadata folder.
        claimants: for a conflict, every distribution advertising the scope.
    """

    __slots__ = (
        "claimants",
        "distribution",
        "error",
        "module",
        "path",
        "scope",
        "status",
        "version",
    )

    def __init__(
        self,
        scope: str,
        module: str,
        distribution: str,
        version: str,
        status: str,
        error: str | None = None,
        path: str = "",
        claimants: tuple[str, ...] = (),
    ) -> None:
        self.scope = scope
        self.module = module
        self.distribution = distribution
        self.version = version
        self.status = status
        self.error = error
        self.path = path
        self.claimants = claimants

    def __repr__(self) -> str:
        error = f", error={self.error!r}" if self.error else ""
        return (
            f"ScopeInfo(scope={self.scope!r}, module={self.module!r}, "
            f"distribution={self.distribution!r}, version={self.version!r}, "
            f"status={self.status!r}{error})"
        )


class ScopeTable(dict[str, ScopeInfo]):
    """``available_scopes()``: scope -> ``ScopeInfo``, in scope order.

    Its ``diagnostics`` are the installed metadata that discovery skipped
    (unparsable entry points, missing METADATA, ...), each saying what to do.
    """

    diagnostics: tuple[Diagnostic, ...] = ()
