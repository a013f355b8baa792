"""``check()``: every problem with the installed plugins, and what to do."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from registry_core.discovery import (
    BLOCK_VAR,
    load_all,
    load_scope,
    loader,
)
from registry_core.discovery._compat import running_version
from registry_core.errors import (
    IncompatiblePluginError,
    RegistryError,
    ScopeConflictError,
)
from registry_core.introspect._common import (
    _ERRORS,
    _NOTES,
    SCHEMA,
    _diagnostic_json,
    _locations_message,
    _plugin_json,
    _provider,
)
from registry_core.registry import Registry
from registry_core.roots import ROOTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any

    from registry_core.discovery import ScopeInfo, ScopeTable
    from registry_core.discovery._scan import Diagnostic

    JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem :func:`check` found.

    Attributes:
        scope: the plugin's scope.
        distribution: the distribution advertising it (for a conflict, the
            first one found).
        version: that distribution's version.
        kind: ``'failed'`` (its module raised), ``'incompatible'``,
            ``'conflict'`` (several distributions advertise the scope),
            ``'blocked'`` (``REGISTRY_CORE_BLOCK`` names it) or
            ``'locations'`` (it loaded, but a module its registry imports on
            first use, one of its ``locations``, raised).
        severity: ``'error'``, or ``'note'`` for ``blocked`` (a user choice).
        summary: one line saying what is wrong.
        message: the full error message: what happened, where, what to do.
        cause: the original exception as ``'Type: message'``, or what the
            plugin requires, or who claims the scope; ``None`` if nothing
            more is known.
        location: ``'file:line'`` where the original exception was raised
            (the innermost frame in the plugin's own package), or ``None``.
        action: what to do about it, in one sentence.
    """

    scope: str
    distribution: str | None
    version: str | None
    kind: str
    severity: str
    summary: str
    message: str
    cause: str | None
    location: str | None
    action: str

    def to_json(self) -> JSON:
        """The problem as in ``registry-core check --json``."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Report:
    """What :func:`check` returns.

    Attributes:
        version: the running ``registry_core.__version__``.
        autoload: ``False`` when ``REGISTRY_CORE_DISABLE_AUTOLOAD`` turns
            discovery off.
        plugins: every discovered scope, after loading them all.
        problems: errors first, then notes; each in scope order.
        diagnostics: the installed metadata discovery skipped, and why.
    """

    version: str
    autoload: bool
    plugins: tuple[ScopeInfo, ...]
    problems: tuple[Problem, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        """No plugin failed, is incompatible or conflicts (blocked ones are fine)."""
        return not any(p.severity == "error" for p in self.problems)

    def to_json(self) -> JSON:
        """The output of ``registry-core check --json``."""
        return {
            "schema": SCHEMA,
            "ok": self.ok,
            "version": self.version,
            "autoload": self.autoload,
            "plugins": [_plugin_json(info) for info in self.plugins],
            "problems": [problem.to_json() for problem in self.problems],
            "diagnostics": [_diagnostic_json(d) for d in self.diagnostics],
        }


def check() -> Report:
    """Load every discovered plugin and report each problem, with what to do.

    A plugin that failed to import, is incompatible with the running
    ``registry-core``, conflicts with another distribution, or loaded but
    cannot import its ``locations`` is an error; a blocked one is a note.

    Examples:
        >>> from registry_core import introspect
        >>> report = introspect.check()
        >>> report.ok, [p.scope for p in report.problems if p.severity == "error"]
        (True, [])
    """
    table = load_all()
    problems = [_plugin_problem(info) for info in table.values() if info.status in _ERRORS]
    for root in ROOTS.values():
        for node in root._walk():
            try:
                len(node)
            except (Exception, SystemExit) as exc:
                problems.append(_locations_problem(node, exc, table))
    problems.sort(key=_problem_order)
    problems += [_plugin_problem(info) for info in table.values() if info.status in _NOTES]
    return Report(
        version=running_version(),
        autoload=not loader().disabled,
        plugins=tuple(table.values()),
        problems=tuple(problems),
        diagnostics=table.diagnostics,
    )


def _problem_order(problem: Problem) -> tuple[str, str]:
    return problem.scope, problem.kind


def _plugin_problem(info: ScopeInfo) -> Problem:
    """The problem of a plugin whose status is failed, incompatible, conflict or blocked."""
    error: RegistryError | None = None
    try:
        load_scope(info.scope)  # raises the stored error again; imports nothing
    except RegistryError as exc:
        error = exc
    message = str(error) if error is not None else (info.error or "")
    cause_exc = error.__cause__ if error is not None else None
    cause = None if cause_exc is None else _exception_line(cause_exc)
    failed = info.status == "failed"  # only then is the cause the plugin's own code
    location = _raised_at(cause_exc, info.module) if failed and cause_exc else None
    dist, scope = info.distribution, info.scope
    who = f"plugin {scope!r} ({dist} {info.version})"
    if info.status == "incompatible":
        running = running_version()
        requirement = "registry-core"
        if isinstance(error, IncompatiblePluginError):
            requirement, running = error.requirement, error.running
            if cause is None:
                cause = f"requires {requirement}, running registry-core {running}"
        summary = f"{who} is incompatible with registry-core {running}"
        action = (
            f"install a registry-core that satisfies {requirement!r}, or a release of {dist} "
            f"that supports registry-core {running} (pip install --upgrade {dist})"
        )
    elif info.status == "conflict":
        claimants = info.claimants
        if isinstance(error, ScopeConflictError) and error.claimants:
            claimants = error.claimants
        summary = f"scope {scope!r} is advertised by {len(claimants)} distributions"
        cause = "advertised by " + ", ".join(_claims(scope) or claimants)
        action = "keep one of them: " + ", or ".join(f"pip uninstall {c}" for c in claimants)
    elif info.status == "blocked":
        summary = f"{who} is blocked"
        cause = f"{BLOCK_VAR}={os.environ.get(BLOCK_VAR, '')!r}"
        action = f"remove {scope!r} from {BLOCK_VAR} to use it"
    else:
        summary = f"{who} failed to import"
        action = (
            f"fix or reinstall {dist} (pip install --force-reinstall {dist}), "
            f"or block it with {BLOCK_VAR}={scope}"
        )
    return Problem(
        scope=scope,
        distribution=dist,
        version=info.version,
        kind=info.status,
        severity="note" if info.status in _NOTES else "error",
        summary=summary,
        message=message,
        cause=cause,
        location=location,
        action=action,
    )


def _claims(scope: str) -> list[str]:
    """``'distribution version (metadata folder)'`` of each advertiser of ``scope``."""
    from registry_core.discovery._scan import scan

    return [
        f"{r.distribution} {r.version} ({r.path})"
        for r in scan(sys.path).entry_points
        if r.scope == scope
    ]


def _locations_problem(node: Registry[Any], exc: BaseException, table: ScopeTable) -> Problem:
    distribution, version, _ = _provider(node.scope, table)
    origin = node._origin
    if distribution is None:
        action = f"fix module {origin!r}, which created the registry"
        who = f"the {node.scope}::{node.name} registry"
    else:
        action = (
            f"fix or reinstall {distribution} (pip install --force-reinstall {distribution}), "
            f"or block it with {BLOCK_VAR}={node.scope}"
        )
        who = f"plugin {node.scope!r} ({distribution} {version})"
    return Problem(
        scope=node.scope,
        distribution=distribution,
        version=version,
        kind="locations",
        severity="error",
        summary=f"{who} cannot import the modules that register its {node.name} names",
        message=_locations_message(node, exc, table),
        cause=_exception_line(exc),
        location=_raised_at(exc, origin),
        action=action,
    )


def _exception_line(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _raised_at(exc: BaseException, module: str) -> str | None:
    """``file:line`` of the innermost frame in ``module``'s package, else the
    innermost frame; for a ``SyntaxError``, the offending line."""
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        return f"{exc.filename}:{exc.lineno}"
    package = module.partition(".")[0]
    innermost = ours = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        where = f"{frame.f_code.co_filename}:{tb.tb_lineno}"
        if not frame.f_code.co_filename.startswith("<"):
            innermost = where
        name = frame.f_globals.get("__name__")
        if isinstance(name, str) and (name == package or name.startswith(package + ".")):
            ours = where
        tb = tb.tb_next
    return ours or innermost
