"""One cause, one line first (SPEC section 10): issues that share a cause are led by it.

An unknown ``default_scope``, a codebase that is installed but not attached, or a plugin
that failed to load makes every node of that scope fail alike; a report of 34 "unknown
type" errors with the one cause in the middle of them helps nobody. :func:`lead` puts,
before the issues, one issue per cause saying what happened, why (from discovery's
records and the installed distributions' metadata, importing nothing) and what to do; the
issues it explains follow, sorted by path as always.
"""

from __future__ import annotations

import os

from registry_core.validation._issues import ERROR, Issue

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["lead", "why_unknown"]


def lead(issues: list[Issue]) -> list[Issue]:
    """``issues`` (sorted by path) with the causes they share first, each once."""
    causes: list[Issue] = []
    rest = list(issues)
    default = next(
        (i for i in rest if i.path == "default_scope" and i.code == "unknown-scope"), None
    )
    if default is not None:
        explained = [i for i in rest if i.code == "unknown-type"]
        if explained:
            rest.remove(default)
            causes.append(_default_scope_cause(default, explained))
    scopes: dict[str, list[Issue]] = {}
    for issue in rest:
        scope = _unknown_scope_of(issue)
        if scope is not None:
            scopes.setdefault(scope, []).append(issue)
    for scope, explained in scopes.items():
        if len(explained) > 1:  # several issues, one cause
            causes.append(_scope_cause(scope, explained))
    failures: dict[str, list[Issue]] = {}
    for issue in rest:
        if issue.code == "plugin-error" and issue.error is not None:
            key = f"{type(issue.error).__name__}: {issue.error}"
            failures.setdefault(key, []).append(issue)
    for explained in failures.values():
        if len(explained) > 1:
            causes.append(_plugin_cause(explained))
    return causes + rest


def _count(explained: list[Issue]) -> str:
    n = len(explained)
    return f"{n} issue{'s' if n != 1 else ''} below"


def _default_scope_cause(issue: Issue, explained: list[Issue]) -> Issue:
    scope = issue.message.split("'")[1] if "'" in issue.message else ""
    why = why_unknown(scope)
    hint = (
        f"; did you mean {' or '.join(map(repr, issue.suggestions))}?" if issue.suggestions else ""
    )
    message = (
        f"cause of the {_count(explained)}: unknown default_scope {scope!r}: {why}{hint}; "
        "until then, types are looked up without this scope"
    )
    return issue._replace(message=message)


def _unknown_scope_of(issue: Issue) -> str | None:
    """The scope an ``unknown-scope`` issue names (``_scope_`` or a scoped type)."""
    if issue.code != "unknown-scope" or issue.path == "default_scope":
        return None
    parts = issue.message.split("'")
    return parts[1] if len(parts) > 2 else None


def _scope_cause(scope: str, explained: list[Issue]) -> Issue:
    return Issue(
        path="",
        code="unknown-scope",
        severity=ERROR,
        message=f"cause of the {_count(explained)}: unknown scope {scope!r}: {why_unknown(scope)}",
        suggestions=explained[0].suggestions,
    )


def _plugin_cause(explained: list[Issue]) -> Issue:
    first = explained[0]
    error = first.error
    scope = (first.registry or "").split("::")[0]
    block = f"REGISTRY_CORE_BLOCK={scope}" if scope else "REGISTRY_CORE_BLOCK=<scope>"
    return Issue(
        path="",
        code="plugin-error",
        severity=ERROR,
        message=(
            f"cause of the {_count(explained)}: a plugin failed to load: "
            f"{type(error).__name__}: {error}. Fix or reinstall it (`registry-core check` "
            f"shows every plugin's state), or set {block} to do without it"
        ),
        registry=first.registry,
        error=error,
    )


def why_unknown(scope: str) -> str:
    """Why no registry has ``scope``, and what to do, from discovery's records and the
    installed distributions' metadata (nothing is imported)."""
    from registry_core.discovery import available_scopes

    try:
        info = available_scopes().get(scope)
    except Exception:  # discovery itself failed: say what is known
        info = None
    if info is not None and info.status in ("failed", "incompatible", "conflict", "blocked"):
        return _broken(scope, info)
    dist = _distribution_of(scope)
    if dist is None:
        return (
            "no installed distribution provides it (nor a package of that name): install "
            "the codebase that does, or check the spelling"
        )
    name, version, requires = dist
    where = f"distribution {name} {version} is installed (package {scope!r}) but not attached"
    from registry_core.discovery._mmengine_scan import requires_mmengine

    if not requires_mmengine(requires):
        return (
            f"{where}: it is not built on MMEngine and advertises no 'registry_core.scopes' "
            "entry point; ask its authors for one, or register its classes yourself"
        )
    if os.environ.get("REGISTRY_CORE_BRIDGE", "").strip().lower() in ("0", "false", "no", "off"):
        return f"{where}: bridging of MMEngine codebases is off (REGISTRY_CORE_BRIDGE); unset it"
    if os.environ.get("REGISTRY_CORE_DISABLE_AUTOLOAD", "").strip():
        return f"{where}: automatic loading is off (REGISTRY_CORE_DISABLE_AUTOLOAD); unset it"
    return (
        f"{where}: it is built on MMEngine but its package has no registry.py to attach; "
        "check `registry-core check`"
    )


def _broken(scope: str, info: Any) -> str:
    where = f"distribution {info.distribution} {info.version} provides it, but it is {info.status}"
    if info.status == "blocked":
        return f"{where} (REGISTRY_CORE_BLOCK): remove {scope!r} from REGISTRY_CORE_BLOCK"
    error = f": {info.error}" if info.error else ""
    return f"{where}{error}; `registry-core check` shows the details"


def _distribution_of(package: str) -> tuple[str, str, tuple[str, ...]] | None:
    """``(name, version, requires)`` of the installed distribution whose top-level
    package is ``package``, from the metadata folders beside it; ``None`` when there is
    no such package. Reads files only: nothing is imported (not even
    ``importlib.metadata``, which the command line's cold start avoids)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        folders = [os.path.dirname(os.path.abspath(f)) for f in spec.submodule_search_locations]
    elif spec.origin:
        folders = [os.path.dirname(os.path.abspath(spec.origin))]
    else:
        return None
    for site in dict.fromkeys(folders):
        found = _metadata_for(site, package)
        if found is not None:
            return found
    return None


def _metadata_for(site: str, package: str) -> tuple[str, str, tuple[str, ...]] | None:
    from registry_core.discovery._metadata import parse_header

    try:
        names = sorted(n for n in os.listdir(site) if n.endswith(".dist-info"))
    except OSError:
        return None
    for folder in names:
        path = os.path.join(site, folder)
        if package not in _top_level(path):
            continue
        try:
            with open(os.path.join(path, "METADATA"), "rb") as file:
                header = file.read().split(b"\n\n", 1)[0]
        except OSError:
            continue
        name, version, requires = parse_header(header)
        return (name or folder.split("-")[0], version or "?", requires)
    return None


def _top_level(path: str) -> set[str]:
    """The top-level packages a ``.dist-info`` folder names (``top_level.txt``, else the
    first parts of the paths in ``RECORD``)."""
    for name, first in (("top_level.txt", False), ("RECORD", True)):
        try:
            with open(os.path.join(path, name), encoding="utf-8") as file:
                lines = file.read().splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        if first:
            return {line.split("/", 1)[0] for line in lines if "/" in line}
        return {line.strip() for line in lines if line.strip()}
    return set()
