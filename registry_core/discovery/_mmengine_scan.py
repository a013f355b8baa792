"""Find the codebases built on MMEngine, in the same scan as entry points (SPEC §12).

OpenMMLab codebases (and the ones their users write) advertise no entry point:
they create MMEngine registries in ``PKG/registry.py``. When MMEngine is
installed (distribution ``mmengine`` or ``mmengine-lite``), :func:`find_bridged`
turns these into records of ``source`` ``mmengine``, from metadata and file
names only, importing nothing:

- scope ``mmengine``, module ``mmengine.registry``: MMEngine's own registries;
- every distribution that requires MMEngine (``Requires-Dist``, under any
  extra: OpenMMLab's wheels list it only under ``extra == "mim"``) and whose
  top-level package has a ``registry.py``: scope and package ``PKG``, module
  ``PKG.registry``. A distribution's package name may differ from its own
  (``mmsegmentation`` ships ``mmseg``).

Reading every distribution's ``METADATA`` to find its requirements would cost
as much as the rest of the scan. So the work runs only when MMEngine is
installed, and goes the other way round: a look for ``P/registry.py`` in
each top-level folder ``P`` of the path entries that hold distributions (the
few packages with one are the only candidates); each candidate's owner is the
distribution of the same normalised name, else one whose name starts like the
package's (``mmsegmentation`` for ``mmseg``), else, if its ``registry.py``
mentions ``mmengine`` at all, the one whose ``top_level.txt`` or ``RECORD``
lists the package; and only the owners' ``METADATA`` headers are read. A
distribution that advertises ``registry_core.scopes`` itself is not bridged:
its entry points win.
"""

from __future__ import annotations

import os

from registry_core.discovery._layout import read_file
from registry_core.discovery._metadata import parse_header
from registry_core.discovery._records import (
    MMENGINE,
    MMENGINE_KEYS,
    RESERVED_SCOPES,
    EntryPointRecord,
    normalize_name,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from registry_core.discovery._layout import MetaDir

__all__ = ["MMEngineRecord", "find_bridged", "requires_mmengine"]

#: Where a requirement's name ends (PEP 508).
_NAME_END = " \t;[(<>=!~@,"
_REGISTRY = os.sep + "registry.py"
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


class MMEngineRecord(EntryPointRecord):
    """A scope bridged from MMEngine's registries (``source`` ``mmengine``)."""

    __slots__ = ()
    source = MMENGINE


def requires_mmengine(requires: Iterable[str]) -> bool:
    """Whether any requirement names MMEngine, whatever its markers or extras.

    Examples:
        >>> requires_mmengine(['numpy', 'mmengine<1.0.0,>=0.8.3; extra == "mim"'])
        True
        >>> requires_mmengine(['mmengine_lite>=0.10'])
        True
        >>> requires_mmengine(['mmengine-plugins'])
        False
    """
    for requirement in requires:
        name = requirement.lstrip()
        for index, char in enumerate(name):
            if char in _NAME_END:
                name = name[:index]
                break
        if normalize_name(name) in MMENGINE_KEYS:
            return True
    return False


def find_bridged(
    found: list[MetaDir],
    entries: list[str],
    advertisers: set[str],
    *,
    listings: dict[int, list[os.DirEntry[str]]] | None = None,
    advertised: set[str] | frozenset[str] = frozenset(),
) -> list[EntryPointRecord]:
    """The bridged scopes among the metadata directories a scan ``found``.

    Args:
        found: every metadata directory of the scan, in path order.
        entries: the scanned path entries (``found``'s ``slot`` indexes them).
        advertisers: the identities (normalised names) that advertise entry
            points: never bridged.
        listings: the scan's listing of each directory entry, by slot (a
            missing one is listed here).
        advertised: the scopes entry points advertise: never bridged, so not
            looked for.

    Returns:
        The records, ``mmengine`` first; empty when MMEngine is not installed.
        Never raises for what it finds on disk: what cannot be read is left out.
    """
    first: dict[str, MetaDir] = {}  # identity -> its first metadata directory on the path
    for meta in found:
        first.setdefault(meta.key, meta)
    engine = next((m for m in found if m.key in MMENGINE_KEYS and first[m.key] is m), None)
    if engine is None:
        return []
    engine_header = _header(engine)
    if engine_header is None:
        return []
    records = [_record(MMENGINE, engine, engine_header)]
    slots = sorted({meta.slot for meta in found if meta.files is None})
    seen: set[str] = {MMENGINE, *advertised}
    for slot in slots:
        in_slot = [meta for meta in found if meta.slot == slot]
        listed = None if listings is None else listings.get(slot)
        for package in _packages_with_registry(entries[slot], listed):
            if package in seen or package in RESERVED_SCOPES:
                continue
            seen.add(package)  # the first path entry holding it is what imports
            owner = _owner(package, in_slot, entries[slot])
            if owner is None or first.get(owner.key) is not owner or owner.key in advertisers:
                continue
            header = _header(owner)
            if header is None or not requires_mmengine(parse_header(header)[2]):
                continue
            records.append(_record(package, owner, header))
    return records


def _record(scope: str, meta: MetaDir, header: bytes) -> EntryPointRecord:
    name, version, requires = parse_header(header)
    return MMEngineRecord(
        scope=scope,
        module=f"{scope}.registry",
        distribution=name or meta.folder_name,
        key=meta.key,
        version=version or "",
        requires=requires,
        path=meta.path,
    )


def _header(meta: MetaDir) -> bytes | None:
    try:
        return read_file(meta, meta.metadata_name, header_only=True)
    except OSError:
        return None


def _packages_with_registry(entry: str, listed: list[os.DirEntry[str]] | None) -> list[str]:
    """The top-level packages of a path entry that have a ``registry.py``, by name.

    ``listed`` is the entry's listing if the scan made one. A name with a dot
    (a metadata folder, a module file) or that is no identifier cannot be a
    package; for the others, ``registry.py`` is looked for with ``os.access``,
    relative to the entry's folder where the platform allows (no exception
    per miss, no path to resolve again: most folders have none).
    """
    root = entry or "."
    try:
        if listed is None:
            with os.scandir(root) as children:
                listed = list(children)
        names = [c.name for c in listed if "." not in c.name and c.name.isidentifier()]
        if os.access in os.supports_dir_fd:
            folder = os.open(root, _DIR_FLAGS)
            try:
                packages = [n for n in names if os.access(n + _REGISTRY, os.F_OK, dir_fd=folder)]
            finally:
                os.close(folder)
        else:
            prefix = root + os.sep
            packages = [n for n in names if os.access(prefix + n + _REGISTRY, os.F_OK)]
    except (OSError, ValueError):
        return []
    packages.sort()
    return packages


def _owner(package: str, in_slot: list[MetaDir], entry: str) -> MetaDir | None:
    """The distribution of a path entry that installs ``package``, or None."""
    key = normalize_name(package)
    for meta in in_slot:
        if meta.key == key:
            return meta
    # Names that start alike (mmsegmentation ships mmseg), then all; but the
    # search of all (a file read per distribution) only for a registry.py that
    # names MMEngine at all: any other cannot make MMEngine registries.
    likely = [m for m in in_slot if m.key.startswith(key) or key.startswith(m.key)]
    for meta in likely:
        if _lists_package(meta, package):
            return meta
    if not _names_mmengine(entry, package):
        return None
    for meta in in_slot:
        if meta not in likely and _lists_package(meta, package):
            return meta
    return None


def _names_mmengine(entry: str, package: str) -> bool:
    sep = os.sep
    try:
        with open(f"{entry or '.'}{sep}{package}{sep}registry.py", "rb") as source:
            return b"mmengine" in source.read()
    except OSError:
        return False


def _lists_package(meta: MetaDir, package: str) -> bool:
    """Whether ``top_level.txt`` (else ``RECORD``) of ``meta`` names ``package``."""
    try:
        top_level = read_file(meta, "top_level.txt")
        if top_level is not None:
            return package.encode() in top_level.split()
        record = read_file(meta, "RECORD")
    except OSError:
        return False
    if record is None:
        return False
    prefix = f"{package}/".encode()
    return any(line.startswith(prefix) for line in record.splitlines())
