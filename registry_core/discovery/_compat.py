"""Compatibility: does a plugin accept the running ``registry-core``?

A plugin declares what it needs as a ``Requires-Dist`` on ``registry-core``
in its metadata. ``packaging`` is imported only when some plugin declares
one; the markers are evaluated for the running interpreter with ``extra``
empty, so a requirement that applies only to an extra never blocks a plugin.
"""

from __future__ import annotations

from registry_core.errors import IncompatiblePluginError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from registry_core.discovery._scan import EntryPointRecord

__all__ = ["check", "running_version"]

_SELF = "registry-core"


def _may_name_us(requirement: str) -> bool:
    """A cheap pre-filter, so ``packaging`` is imported only when needed."""
    head = requirement.lstrip()[: len(_SELF) + 1].lower().replace("_", "-").replace(".", "-")
    return head.startswith(_SELF)


def running_version() -> str:
    """The running ``registry_core.__version__``."""
    import registry_core

    return registry_core.__version__


def check(record: EntryPointRecord) -> IncompatiblePluginError | None:
    """The error for ``record`` if it does not accept the running version, else None."""
    wanted = [r for r in record.requires if _may_name_us(r)]
    if not wanted:
        return None
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version

    running = running_version()
    for text in wanted:
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            error = _error(record, text, running, f"its requirement cannot be parsed ({exc})")
            error.__cause__ = exc
            return error
        if canonicalize_name(requirement.name) != _SELF:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        try:
            version = Version(running)
        except InvalidVersion as exc:  # pragma: no cover - our own version is valid
            raise RuntimeError(f"registry_core's own version {running!r} is invalid") from exc
        if not requirement.specifier.contains(version, prereleases=True):
            return _error(record, text, running, f"it requires {requirement}")
    return None


def _error(
    record: EntryPointRecord, requirement: str, running: str, why: str
) -> IncompatiblePluginError:
    return IncompatiblePluginError(
        f"plugin scope {record.scope!r} from distribution {record.distribution} "
        f"{record.version} is not compatible with the running registry-core {running}: {why}. "
        f"It was not imported. Upgrade or downgrade registry-core to satisfy {requirement!r}, "
        f"or install a release of {record.distribution} that supports {running}",
        scope=record.scope,
        module=record.module,
        distribution=record.distribution,
        version=record.version,
        requirement=requirement,
        running=running,
    )
