"""``check()``: every problem with the installed plugins, and what to do."""

from __future__ import annotations

import os
import sys

from registry_core._help import empty_plugin_cause
from registry_core._node import origin, walk
from registry_core._value import Value
from registry_core.discovery import (
    BLOCK_VAR,
    load_all,
    load_scope,
    loader,
)
from registry_core.discovery._compat import running_version
from registry_core.discovery._scan import Diagnostic
from registry_core.errors import (
    IncompatiblePluginError,
    RegistryError,
    ScopeConflictError,
)
from registry_core.introspect._advice import (
    author_diagnostic,
    author_pyproject,
    exception_line,
    failure_advice,
    foreign_scope_advice,
    module_file,
    raised_at,
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
from registry_core.registry import Registry, live_roots
from registry_core.roots import ROOTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core._vocab import ProblemKind, ProblemSeverity
    from registry_core.discovery import ScopeInfo, ScopeTable

    JSON = dict[str, Any]


class Problem(Value):
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

    __slots__ = (  # noqa: RUF023 (the fields, in order)
        "scope",
        "distribution",
        "version",
        "kind",
        "severity",
        "summary",
        "message",
        "cause",
        "location",
        "action",
    )

    scope: str
    distribution: str | None
    version: str | None
    kind: ProblemKind
    severity: ProblemSeverity
    summary: str
    message: str
    cause: str | None
    location: str | None
    action: str

    def to_json(self) -> JSON:
        """The problem as in ``registry-core check --json``."""
        return {name: getattr(self, name) for name in self.__slots__}


class Report(Value):
    """What :func:`check` returns.

    Attributes:
        version: the running ``registry_core.__version__``.
        autoload: ``False`` when ``REGISTRY_CORE_DISABLE_AUTOLOAD`` turns
            discovery off.
        plugins: every discovered scope, after loading them all.
        problems: errors first, then notes; each in scope order.
        diagnostics: the installed metadata discovery skipped, and why.
    """

    __slots__ = (  # noqa: RUF023 (the fields, in order)
        "version",
        "autoload",
        "plugins",
        "problems",
        "diagnostics",
    )

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
    # scope -> the names its attached registries hold, in every tree (a root of
    # the scope does not count: nothing reaches it through a scoped key)
    names: dict[str, int] = {}
    shipped = {id(root) for root in ROOTS.values()}
    for root in live_roots():
        for node in walk(root):
            try:
                count = len(node)
            except (Exception, SystemExit) as exc:
                count = 1  # reported as a locations problem instead
                if id(root) in shipped:
                    problems.append(_locations_problem(node, exc, table))
            if node.parent is not None:
                names[node.scope] = names.get(node.scope, 0) + count
    for info in table.values():
        if info.status == "loaded" and info.scope not in names:
            problems.append(_empty_problem(info))
    problems.sort(key=_problem_order)
    problems += [
        _no_names_problem(info)
        for info in table.values()
        if info.status == "loaded" and names.get(info.scope) == 0
    ]
    problems += [_plugin_problem(info) for info in table.values() if info.status in _NOTES]
    diagnostics = tuple(
        Diagnostic(
            path=d.path,
            distribution=d.distribution,
            message=author_diagnostic(d.message, d.distribution),
        )
        for d in table.diagnostics
    )
    return Report(
        version=running_version(),
        autoload=not loader().disabled,
        plugins=tuple(table.values()),
        problems=tuple(problems),
        diagnostics=diagnostics,
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
    cause = None if cause_exc is None else exception_line(cause_exc)
    location = None
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
        unit = loader().plugin(scope)
        if cause_exc is None and unit is not None and unit.attached:
            advice = foreign_scope_advice(info, unit.attached)
        else:
            advice = failure_advice(info, cause_exc)
        cause, location, action = advice.cause or cause, advice.location, advice.action
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
    creator = origin(node)
    if distribution is None:
        action = f"fix module {creator!r}, which created the registry"
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
        cause=exception_line(exc),
        location=raised_at(exc, creator),
        action=action,
    )


def _empty_problem(info: ScopeInfo) -> Problem:
    """A loaded plugin that attached no registry of its scope: its keys cannot work."""
    unit = loader().plugin(info.scope)
    assert unit is not None
    cause = empty_plugin_cause(unit)
    pyproject = author_pyproject(info.distribution)
    you = "your" if pyproject is not None else f"{info.distribution}'s"
    return Problem(
        scope=info.scope,
        distribution=info.distribution,
        version=info.version,
        kind="empty",
        severity="error",
        summary=(
            f"plugin {info.scope!r} ({info.distribution} {info.version}) loaded, but "
            f"attached no registry of scope {info.scope!r}: its keys ('{info.scope}.Name') "
            "resolve to nothing"
        ),
        message=cause,
        cause=cause.partition(": ")[2] or None,
        location=module_file(info.module),
        action=(
            f"in {you} module {info.module!r}, create the registries as children of the "
            f"roots (Registry(name, parent=registry_core.MODELS), no scope= or "
            f"scope={info.scope!r}), or point the entry point at the module that does"
            + (", then reinstall" if pyproject is not None else "; report it to its authors")
        ),
    )


def _no_names_problem(info: ScopeInfo) -> Problem:
    """A loaded plugin whose registries hold no names at all (a warning)."""
    package = info.module.partition(".")[0]
    return Problem(
        scope=info.scope,
        distribution=info.distribution,
        version=info.version,
        kind="no-names",
        severity="warning",
        summary=(
            f"plugin {info.scope!r} ({info.distribution} {info.version}) loaded, but its "
            "registries hold no names at all"
        ),
        message=(
            f"the registries of scope {info.scope!r} hold no names: the modules that register "
            "into them were never imported (no locations=[...] on the registry?)"
        ),
        cause="no module registered anything into its registries",
        location=module_file(info.module),
        action=(
            f"give the registry in {info.module!r} the modules that register into it, e.g. "
            f"Registry(..., locations=['{package}.models']), so they are imported on first use"
        ),
    )
