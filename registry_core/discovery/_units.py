"""Units of loading (a plugin's scope, or a registry's ``locations``), and what they report.

A unit is what one thread imports at a time, once. Its life is a small state
machine, changed only by the loader and only under its lock:

- a **plugin** unit starts ``discovered`` (or ``blocked`` / ``conflict``, fixed
  by the scan); a thread claims it (``owner`` set, status unchanged), and the
  load ends ``loaded``, ``failed`` or ``incompatible``, or back at
  ``discovered`` when it was interrupted (``KeyboardInterrupt``);
- a **locations** unit is pending until its imports all succeed, then done
  (its registry's ``_locations_done`` turns true); a failure makes it pending
  again, so the next need retries from a clean slate.

``packages`` are the top-level packages whose modules the unit runs: a
thread executing one of them may hold an import lock the unit's owner needs.
A plugin unit reports itself as a :class:`ScopeInfo`; ``available_scopes()``
is a :class:`ScopeTable` of them.
"""

from __future__ import annotations

import os
from _weakref import ref

from registry_core._value import Value
from registry_core._vocab import PLUGIN_STATUSES
from registry_core.errors import PluginLoadError, RegistryError, ScopeConflictError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core._vocab import PluginSource, PluginStatus
    from registry_core.discovery._scan import Diagnostic, EntryPointRecord
    from registry_core.registry import Registry

__all__ = [
    "BLOCKED",
    "BROKEN",
    "CONFLICT",
    "DISCOVERED",
    "FAILED",
    "INCOMPATIBLE",
    "LOADED",
    "STATUSES",
    "LocationsUnit",
    "PluginUnit",
    "ScopeInfo",
    "ScopeTable",
    "copy_error",
]

BLOCK_VAR = "REGISTRY_CORE_BLOCK"

DISCOVERED: PluginStatus = "discovered"
LOADED: PluginStatus = "loaded"
FAILED: PluginStatus = "failed"
INCOMPATIBLE: PluginStatus = "incompatible"
CONFLICT: PluginStatus = "conflict"
BLOCKED: PluginStatus = "blocked"
#: Every status a scope can have (``registry_core._vocab``).
STATUSES = PLUGIN_STATUSES
#: The statuses in which a lookup of the scope raises the scope's error.
BROKEN = frozenset({FAILED, INCOMPATIBLE, CONFLICT, BLOCKED})


class ScopeInfo(Value):
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
        source: ``entry-point`` (advertised in the ``registry_core.scopes``
            group) or ``mmengine`` (a codebase built on MMEngine, bridged).
    """

    __slots__ = (  # noqa: RUF023 (the fields' order: the repr's and the constructor's)
        "scope",
        "module",
        "distribution",
        "version",
        "status",
        "error",
        "path",
        "claimants",
        "source",
    )

    scope: str
    module: str
    distribution: str
    version: str
    status: PluginStatus
    error: str | None
    path: str
    claimants: tuple[str, ...]
    source: PluginSource

    def __init__(
        self,
        scope: str,
        module: str,
        distribution: str,
        version: str,
        status: PluginStatus,
        error: str | None = None,
        path: str = "",
        claimants: tuple[str, ...] = (),
        source: PluginSource = "entry-point",
    ) -> None:
        self._assign(locals())

    def __repr__(self) -> str:
        error = f", error={self.error!r}" if self.error else ""
        source = "" if self.source == "entry-point" else f", source={self.source!r}"
        return (
            f"ScopeInfo(scope={self.scope!r}, module={self.module!r}, "
            f"distribution={self.distribution!r}, version={self.version!r}, "
            f"status={self.status!r}{error}{source})"
        )


class ScopeTable(dict[str, ScopeInfo]):
    """``available_scopes()``: scope -> ``ScopeInfo``, in scope order.

    Its ``diagnostics`` are the installed metadata that discovery skipped
    (unparsable entry points, missing METADATA, ...), each saying what to do.
    """

    diagnostics: tuple[Diagnostic, ...] = ()


class Unit:
    """What every unit has: who loads it now, and which packages it runs."""

    __slots__ = ("owner",)

    def __init__(self) -> None:
        self.owner: int | None = None  # ident of the thread importing it now

    @property
    def packages(self) -> frozenset[str]:
        """The top-level packages whose modules it runs (asked on slow paths only)."""
        raise NotImplementedError


class PluginUnit(Unit):
    """The scope one entry point advertises, and how its load went.

    Attributes:
        record: the entry point (the first one, for a conflict).
        status: one of the statuses of ``_info``.
        error: the error a lookup raises (``None`` unless broken).
        claimants: for a conflict, every distribution advertising the scope.
        attached: scopes of the registries its import attached.
    """

    __slots__ = ("attached", "claimants", "error", "package", "record", "scope", "status")

    @property
    def packages(self) -> frozenset[str]:
        return frozenset({self.package})

    def __init__(self, record: EntryPointRecord, status: PluginStatus = DISCOVERED) -> None:
        super().__init__()
        self.package = record.module.partition(".")[0]  # the top-level package it runs
        self.record = record
        self.scope = record.scope
        self.status = status
        self.error: RegistryError | None = None
        self.claimants: tuple[str, ...] = ()
        self.attached: tuple[str, ...] = ()

    @classmethod
    def from_scan(
        cls, records: list[EntryPointRecord], blocked: frozenset[str], block_value: str
    ) -> PluginUnit:
        """The unit of one scope, from every record that advertises it."""
        first = records[0]
        unit = cls(first)
        if first.scope in blocked:
            unit.status = BLOCKED
            unit.error = PluginLoadError(
                f"scope {first.scope!r} (distribution {first.distribution} {first.version}, "
                f"module {first.module!r}) is blocked by {BLOCK_VAR}={block_value!r}; remove "
                "it from that variable to use it",
                scope=first.scope,
                module=first.module,
                distribution=first.distribution,
            )
        elif len(records) > 1:
            unit.status = CONFLICT
            unit.claimants = tuple(r.distribution for r in records)
            unit.error = ScopeConflictError(
                f"scope {first.scope!r} is advertised by {len(records)} distributions: "
                + "; ".join(
                    f"{r.distribution} {r.version} (module {r.module!r}, {r.path})" for r in records
                )
                + ". Neither is imported. Uninstall all but one of them (pip uninstall NAME)",
                scope=first.scope,
                claimants=unit.claimants,
            )
        return unit

    def copy(self) -> PluginUnit:
        """The same record and outcome, claimed by nobody."""
        twin = PluginUnit(self.record, self.status)
        twin.error = self.error
        twin.claimants = self.claimants
        twin.attached = self.attached
        return twin

    def info(self) -> ScopeInfo:
        r = self.record
        return ScopeInfo(
            self.scope,
            r.module,
            r.distribution,
            r.version,
            self.status,
            None if self.error is None else str(self.error),
            r.path,
            self.claimants,
            r.source,
        )

    def raise_error(self) -> None:
        """Raise a fresh copy of the stored error, its cause chained."""
        assert self.error is not None
        raise copy_error(self.error) from self.error.__cause__


class LocationsUnit(Unit):
    """The ``locations`` of one registry (held weakly: the registry may go)."""

    __slots__ = ("_packages", "registry")

    def __init__(self, registry: Registry[Any]) -> None:
        super().__init__()
        self._packages = frozenset(m.partition(".")[0] for m in registry.locations)
        self.registry = ref(registry)

    @property
    def packages(self) -> frozenset[str]:
        return self._packages


def copy_error(error: RegistryError) -> RegistryError:
    """A new exception equal to ``error`` (each raise gets its own traceback)."""
    reduced: Any = error.__reduce__()
    fresh: RegistryError = reduced[0](*reduced[1])
    if len(reduced) > 2 and isinstance(reduced[2], dict):
        fresh.__dict__.update(reduced[2])
    return fresh


def block_value() -> str:
    """The raw value of ``REGISTRY_CORE_BLOCK``, for messages."""
    return os.environ.get(BLOCK_VAR, "")
