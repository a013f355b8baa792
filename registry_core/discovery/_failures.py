"""The errors a load ends with: what happened, in which plugin, and what to do.

Each function builds one error (never raises it); the loader stores it in the
unit, and every later lookup of the scope raises a fresh copy.
"""

from __future__ import annotations

from registry_core._messages import where
from registry_core._node import origin
from registry_core.discovery._units import BLOCK_VAR
from registry_core.errors import PluginLoadError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.discovery._scan import EntryPointRecord
    from registry_core.registry import Registry

__all__ = [
    "import_failed",
    "location_failed",
    "location_note",
    "missing_attribute",
    "other_scopes_only",
]


def import_failed(record: EntryPointRecord, exc: BaseException) -> PluginLoadError:
    """A plugin's module raised while it was imported (``SystemExit`` included)."""
    r = record
    error = PluginLoadError(
        f"importing plugin scope {r.scope!r} failed: module {r.module!r} of distribution "
        f"{r.distribution} {r.version} raised {type(exc).__name__}: {exc}. Other scopes are "
        f"unaffected; fix or reinstall {r.distribution}, or block it with "
        f"{BLOCK_VAR}={r.scope}",
        scope=r.scope,
        module=r.module,
        distribution=r.distribution,
    )
    error.__cause__ = exc
    return error


def missing_attribute(record: EntryPointRecord, module: object) -> PluginLoadError | None:
    """The error when an entry point ``module:attr`` names what the module lacks."""
    if record.attr is None:
        return None
    target = module
    try:
        for part in record.attr.split("."):
            target = getattr(target, part)
    except Exception as exc:  # AttributeError, or whatever a module __getattr__ raises
        error = PluginLoadError(
            f"plugin scope {record.scope!r}: module {record.module!r} of distribution "
            f"{record.distribution} {record.version} was imported, but it has no attribute "
            f"{record.attr!r}, which its entry point {record.scope} = "
            f"{record.module}:{record.attr} names ({type(exc).__name__}: {exc}). Fix the "
            f"entry point or reinstall {record.distribution}, or block it with "
            f"{BLOCK_VAR}={record.scope}",
            scope=record.scope,
            module=record.module,
            distribution=record.distribution,
        )
        error.__cause__ = exc
        return error
    return None


def other_scopes_only(record: EntryPointRecord, foreign: list[str]) -> PluginLoadError:
    """A plugin attached registries of other scopes only (an explicit ``scope=``)."""
    r = record
    names = ", ".join(repr(s) for s in foreign)
    return PluginLoadError(
        f"plugin scope {r.scope!r} (module {r.module!r}, distribution {r.distribution} "
        f"{r.version}) loaded but attached no registry of scope {r.scope!r}: it attached "
        f"scope {names} instead (an explicit scope= in {r.module!r}?). The entry point's "
        f"name is the scope: create the registries with scope={r.scope!r} (or no scope=), "
        f"or rename the entry point to {foreign[0]!r}",
        scope=r.scope,
        module=r.module,
        distribution=r.distribution,
    )


def location_note(registry: Registry[Any], location: str) -> str:
    """The note on an exception a ``locations`` module raised."""
    return (
        f"while importing {location!r}, listed in the locations of the "
        f"{where(registry)} registry (created by {origin(registry)!r})"
    )


def location_failed(registry: Registry[Any], location: str, exc: BaseException) -> PluginLoadError:
    """A ``locations`` module raised ``SystemExit`` or the like: never end the host."""
    return PluginLoadError(
        f"importing {location!r}, listed in the locations of the {where(registry)} registry "
        f"(created by {origin(registry)!r}), raised {type(exc).__name__}: {exc}. Its names "
        f"cannot be looked up until it imports; fix {location!r}",
        scope=registry.scope,
        module=location,
    )
