"""The library's vocabularies: every closed set of words its values take.

Each is a ``Literal`` type for the type checker and a tuple of its words,
in the order the docs present them, for the code. ``typing`` is imported for
the type checker only (it costs ~11 ms to import), so the types exist under
``TYPE_CHECKING``; ``tests/test_architecture.py`` checks that each tuple holds
exactly its type's words.

>>> PLUGIN_STATUSES
('discovered', 'loaded', 'failed', 'incompatible', 'conflict', 'blocked')
>>> SEVERITIES
('error', 'warning')
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    #: What discovery knows of a scope's plugin (``ScopeInfo.status``).
    PluginStatus = Literal["discovered", "loaded", "failed", "incompatible", "conflict", "blocked"]
    #: Where discovery found a plugin (``ScopeInfo.source``): advertised in the
    #: ``registry_core.scopes`` group, or a codebase built on MMEngine (bridged).
    PluginSource = Literal["entry-point", "mmengine"]
    #: What kind of problem ``validate`` found (``Issue.code``).
    IssueCode = Literal[
        "unknown-type",
        "unknown-scope",
        "ambiguous-type",
        "plugin-error",
        "bad-type",
        "unexpected-argument",
        "missing-argument",
        "wrong-type",
        "cycle",
    ]
    #: How bad an issue of ``validate`` is (``Issue.severity``).
    Severity = Literal["error", "warning"]
    #: What kind of problem ``check`` found (``Problem.kind``).
    ProblemKind = Literal[
        "failed", "incompatible", "conflict", "blocked", "locations", "empty", "no-names"
    ]
    #: How bad a problem of ``check`` is (``Problem.severity``).
    ProblemSeverity = Literal["error", "warning", "note"]
    #: What a registered object is (``introspect.KINDS``).
    ObjectKind = Literal["class", "function", "partial", "callable"]

__all__ = [
    "ISSUE_CODES",
    "OBJECT_KINDS",
    "PLUGIN_SOURCES",
    "PLUGIN_STATUSES",
    "PROBLEM_KINDS",
    "PROBLEM_SEVERITIES",
    "SEVERITIES",
]

PLUGIN_STATUSES: tuple[PluginStatus, ...] = (
    "discovered",
    "loaded",
    "failed",
    "incompatible",
    "conflict",
    "blocked",
)
PLUGIN_SOURCES: tuple[PluginSource, ...] = ("entry-point", "mmengine")
ISSUE_CODES: tuple[IssueCode, ...] = (
    "unknown-type",
    "unknown-scope",
    "ambiguous-type",
    "plugin-error",
    "bad-type",
    "unexpected-argument",
    "missing-argument",
    "wrong-type",
    "cycle",
)
SEVERITIES: tuple[Severity, ...] = ("error", "warning")
PROBLEM_KINDS: tuple[ProblemKind, ...] = (
    "failed",
    "incompatible",
    "conflict",
    "blocked",
    "locations",
    "empty",
    "no-names",
)
PROBLEM_SEVERITIES: tuple[ProblemSeverity, ...] = ("error", "warning", "note")
OBJECT_KINDS: tuple[ObjectKind, ...] = ("class", "function", "partial", "callable")
