"""Shared pieces of the introspection API.

Constants, JSON helpers, and small helpers used by more than one verb.
"""

from __future__ import annotations

import sys

from registry_core import _keys
from registry_core._node import origin
from registry_core._vocab import OBJECT_KINDS
from registry_core.discovery import (
    BLOCK_VAR,
)
from registry_core.discovery._compat import running_version
from registry_core.registry import Registry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

    from registry_core._vocab import ObjectKind
    from registry_core.discovery import ScopeInfo, ScopeTable
    from registry_core.discovery._scan import Diagnostic

    JSON = dict[str, Any]

#: Version of the ``--json`` shapes; it changes only if a field changes meaning
#: or disappears (new fields may be added without a change).
SCHEMA: Final = 1

#: What a registered object is: a class, a function (any routine, builtins and
#: methods included), a ``functools.partial``, or any other callable (an
#: instance with ``__call__``).
KINDS: Final = OBJECT_KINDS

#: The scope of the root registries, and the distribution providing it.
_FRAMEWORK_SCOPE: Final = "registry_core"
_FRAMEWORK_DISTRIBUTION: Final = "registry-core"
#: Statuses that make ``check`` fail, and the one it only notes.
_ERRORS: Final = ("failed", "incompatible", "conflict")
_NOTES: Final = ("blocked",)


def _count(registry: Registry[Any], table: ScopeTable) -> tuple[int | None, str | None]:
    """``len(registry)``, or ``None`` and why when importing its locations fails."""
    try:
        return len(registry), None
    except (Exception, SystemExit) as exc:
        return None, _locations_message(registry, exc, table)


def _locations_message(registry: Registry[Any], exc: BaseException, table: ScopeTable) -> str:
    location = next((m for m in registry.locations if m not in sys.modules), None)
    what = f"importing {location!r}, a location" if location else "importing the locations"
    distribution = _provider(registry.scope, table)[0]
    if distribution is None:
        fix = f"fix module {origin(registry)!r}, which created the registry"
    else:
        fix = (
            f"fix or reinstall {distribution} (pip install --force-reinstall {distribution}), "
            f"or block it with {BLOCK_VAR}={registry.scope}"
        )
    return (
        f"{what} of the {registry.scope}::{registry.name} registry, raised "
        f"{type(exc).__name__}: {exc}. Its names cannot be listed or looked up; {fix}"
    )


def _provider(scope: str, table: ScopeTable) -> tuple[str | None, str | None, str | None]:
    """``(distribution, version, status)`` of a scope; ``None`` where unknown."""
    if scope == _FRAMEWORK_SCOPE:
        return _FRAMEWORK_DISTRIBUTION, running_version(), None
    info = table.get(scope)
    if info is None:
        return None, None, None
    return info.distribution, info.version, info.status


def _kind(obj: object) -> ObjectKind:
    import functools
    import inspect

    if isinstance(obj, type):
        return "class"
    if isinstance(obj, functools.partial):
        return "partial"
    if inspect.isroutine(obj):
        return "function"
    return "callable"


def _qualname(obj: object) -> str:
    import functools

    if isinstance(obj, functools.partial):
        args = [repr(a) for a in obj.args] + [f"{k}={v!r}" for k, v in obj.keywords.items()]
        return f"functools.partial({', '.join([_qualname(obj.func), *args])})"[:200]
    if _kind(obj) == "callable":
        return _keys.describe(type(obj))
    return _keys.describe(obj)


def _plugin_json(info: ScopeInfo) -> JSON:
    """A ``ScopeInfo`` as in the ``plugins`` lists of ``tree`` and ``check``."""
    return {
        "scope": info.scope,
        "module": info.module,
        "distribution": info.distribution,
        "version": info.version,
        "status": info.status,
        "error": info.error,
        "path": info.path,
        "claimants": list(info.claimants),
        "source": info.source,
    }


def _diagnostic_json(diagnostic: Diagnostic) -> JSON:
    """A metadata diagnostic as in the ``diagnostics`` lists of ``tree`` and ``check``."""
    return {
        "path": diagnostic.path,
        "distribution": diagnostic.distribution,
        "message": diagnostic.message,
    }
