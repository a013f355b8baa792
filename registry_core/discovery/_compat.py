"""Compatibility: does a plugin accept the running ``registry-core``?

A plugin declares what it needs as a ``Requires-Dist`` on ``registry-core``
in its metadata. The markers are evaluated for the running interpreter with
``extra`` empty, so a requirement that applies only to an extra never blocks a
plugin. ``packaging`` does the parsing and the comparison.

The plugin's own version plays no part (it may even not be a PEP 440 version,
such as ``2023.1-custom`` from an old setuptools). A *running* version that is
not PEP 440 can be compared with nothing but ``===``: a requirement with any
other clause cannot be shown to accept it, so the plugin is refused, and the
error says that the version could not be compared (``packaging`` itself says
such a version satisfies no such specifier).

Importing ``packaging.requirements`` costs a fresh process about 50 ms, more
than the whole rest of discovery, so verdicts are memoised on disk. A verdict
depends on nothing but the requirement strings, the running version and the
interpreter and platform the markers read, and all of them are the cache key:
an entry can never go stale, so nothing is invalidated, and a changed input is
simply a new key. The cache is a plain text file, one verdict per line,
appended atomically; an unreadable, unwritable or damaged cache is ignored
(a damaged line is decided afresh, as if it were not there).
``REGISTRY_CORE_CACHE_DIR`` moves it, and an empty value turns it off.
"""

from __future__ import annotations

import os
import sys

from registry_core.discovery._records import FRAMEWORK
from registry_core.errors import IncompatiblePluginError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from packaging.requirements import Requirement

    from registry_core.discovery._scan import EntryPointRecord

__all__ = ["CACHE_VAR", "cache_file", "check", "running_version", "set_running_version"]

CACHE_VAR = "REGISTRY_CORE_CACHE_DIR"
_SELF = FRAMEWORK
_FORMAT = "v1"
_OK = "ok"
#: Past this size the cache file starts over (it holds ~1 KB per 5 verdicts).
_MAX_BYTES = 256 * 1024


def _may_name_us(requirement: str) -> bool:
    """A cheap pre-filter, so nothing is computed for unrelated requirements.

    Names compare as ``packaging`` normalises them: case-insensitive, with any
    run of ``-``, ``_`` and ``.`` as one ``-`` (``registry__core``, ``Registry.Core``).

    >>> [_may_name_us(r) for r in ("registry__core>=99", "Registry.Core", "registry-corex")]
    [True, True, True]
    >>> _may_name_us("numpy>=1")
    False
    """
    head = requirement.lstrip()[:40].lower()
    for separator in ("_", "."):
        head = head.replace(separator, "-")
    while "--" in head:
        head = head.replace("--", "-")
    return head.startswith(_SELF)


_RUNNING: list[str] = []  # the running version, once found


def running_version() -> str:
    """The running ``registry_core.__version__``: the installed ``registry-core``
    distribution's version, else (running uninstalled) the source tree's.

    Found once: by the first scan of ``sys.path`` (:func:`set_running_version`),
    or, asked before any scan, by a walk of its own. The package root's
    ``__version__`` is this.
    """
    if not _RUNNING:
        from registry_core.discovery._scan import find_version

        set_running_version(find_version(_SELF, sys.path))
    return _RUNNING[0]


def set_running_version(installed: str | None) -> None:
    """Settle the running version, unless it is already: ``installed``, the
    version of the first ``registry-core`` on ``sys.path`` (``None``: none
    there, or none readable; the source tree's version then).

    The loader passes what its scan of ``sys.path`` found (the scan walks the
    path anyway), so that a plugin's compatibility check walks it no second time.
    """
    if not _RUNNING:
        if installed is None:
            from registry_core._version import VERSION

            installed = VERSION
        _RUNNING.append(installed)


def check(record: EntryPointRecord) -> IncompatiblePluginError | None:
    """The error for ``record`` if it does not accept the running version, else None."""
    wanted = [r for r in record.requires if _may_name_us(r)]
    if not wanted:
        return None
    running = running_version()
    key = _key(wanted, running)
    verdict = _cached(key) if key is not None else None
    if verdict is None:
        verdict, exc = _evaluate(wanted, running)
        if key is not None and exc is None:
            _remember(key, verdict)
    else:
        exc = None
    if verdict == (_OK,):
        return None
    requirement, why = verdict
    error = IncompatiblePluginError(
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
    error.__cause__ = exc
    return error


def _evaluate(wanted: list[str], running: str) -> tuple[tuple[str, ...], BaseException | None]:
    """``(('ok',), None)``, or ``((requirement, why), parse error or None)``."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version

    try:
        version: Version | None = Version(running)
    except InvalidVersion:
        version = None  # only '===' and a bare name can be decided
    for text in wanted:
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            return (text, f"its requirement cannot be parsed ({exc})"), exc
        if canonicalize_name(requirement.name) != _SELF:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        if version is None:
            why = _incomparable(requirement, running)
            if why is not None:
                return (text, why), None
        elif not requirement.specifier.contains(version, prereleases=True):
            return (text, f"it requires {requirement}"), None
    return (_OK,), None


def _incomparable(requirement: Requirement, running: str) -> str | None:
    """Why a running version that is not PEP 440 fails ``requirement``, or None.

    Such a version can be compared with nothing but an arbitrary equality
    (``===``, a string comparison), as ``packaging`` says; any other clause
    cannot be shown to hold, so it fails.
    """
    others = [s for s in requirement.specifier if s.operator != "==="]
    if others:
        return (
            f"it requires {requirement}, and the running version {running!r} is not a "
            f"PEP 440 version, so it cannot be compared with {others[0]}"
        )
    if any(s.version.lower() != running.lower() for s in requirement.specifier):
        return f"it requires {requirement}"
    return None


# -- the on-disk memo -------------------------------------------------------


def cache_file() -> str | None:
    """Where verdicts are kept, or ``None`` when the cache is off."""
    folder = os.environ.get(CACHE_VAR)
    if folder is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "registry_core")
    if not folder:
        return None
    return os.path.join(folder, f"compat-{_FORMAT}.txt")


def _key(wanted: list[str], running: str) -> str | None:
    """Everything a verdict depends on, as one line; None if it cannot be one."""
    uname = os.uname() if hasattr(os, "uname") else ()
    parts = [running, sys.version, sys.platform, os.name, *uname, *wanted]
    if any("\t" in p or "\n" in p for p in parts):
        return None
    return "\x1f".join(parts)


def _cached(key: str) -> tuple[str, ...] | None:
    path = cache_file()
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            for line in file:
                if not line.endswith("\n"):
                    continue  # a line cut short by a crash or a full disk
                stored, _, verdict = line[:-1].partition("\t")
                if stored == key:
                    fields = tuple(verdict.split("\t"))
                    if fields == (_OK,) or (len(fields) == 2 and all(fields)):
                        return fields
                    # anything else is damage: decide afresh
    except (OSError, ValueError):
        pass
    return None


def _remember(key: str, verdict: tuple[str, ...]) -> None:
    path = cache_file()
    if path is None:
        return
    line = (key + "\t" + "\t".join(verdict) + "\n").encode("utf-8")
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.exists(path) and os.path.getsize(path) > _MAX_BYTES:
            os.remove(path)
        # One write to an O_APPEND file: concurrent processes never interleave lines.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError:
        pass  # a cache that cannot be written is only slower
