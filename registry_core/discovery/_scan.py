"""Find the distributions that advertise ``registry_core.scopes`` entry points.

This is the fast, pure part of discovery: it reads installed-distribution metadata
from the entries of a search path (normally ``sys.path``) and imports no plugin
code, no ``importlib.metadata`` and no ``re``. It reads what ``importlib.metadata``
reads, and where two installs of one project compete it decides as described
below (see docs/plugins.md for the user's view).

How a scan works:

- Path entries are walked in order. ``""`` means the current directory, as on
  ``sys.path``. An entry seen already under another spelling (a path listed
  twice, a symlink to it) is skipped: entries are identified by device and inode.
- In a directory, every ``*.dist-info`` and ``*.egg-info`` directory is a metadata
  directory, and an ``*.egg-info`` *file* (old distutils installs) is a metadata
  file of its own. A directory entry named ``*.egg`` (an unzipped egg) has its
  ``EGG-INFO`` folder too. A *file* entry is read as a zip (a zipped egg, a wheel,
  a zipped folder) with the same rules, by :mod:`._archives`; other entries
  (missing paths, files that are not zips) are skipped.
- The identity of a metadata directory is the normalised project name taken from
  its name, as ``importlib.metadata`` does: the part before the first ``-`` (for
  ``EGG-INFO``, of the egg's name). A name that is not a valid project name, such
  as pip's ``~oydet-1.0.dist-info`` stash of an interrupted uninstall, is ignored,
  as pip ignores it. Within one path entry, metadata directories are taken in
  name order, so results do not depend on the file system's listing order.
- Only ``entry_points.txt`` is read for every metadata directory, as bytes, and it
  is skipped unless ``registry_core.scopes`` occurs in it. ``METADATA`` (or
  ``PKG-INFO``) is read only for those candidates, and only its header block;
  ``requires.txt`` only when that has no ``Requires-Dist``.
- The first path entry holding a metadata file for an identity wins; later ones
  are shadowed, even if they advertise the group. Within that entry, when several
  directories have the identity (``pip install --target --upgrade`` leaves the
  old one behind), the one with the newest version wins and the others are
  reported (``packaging`` compares the versions, imported only then). A directory
  without a metadata file (left over from an interrupted uninstall) shadows
  nothing.

Problems never raise: they become a :class:`Diagnostic` for the metadata
directory concerned, and the faulty distribution, entry point or line is left
out. Distributions that do not concern ``registry_core`` never produce
diagnostics.
"""

from __future__ import annotations

import os
import time

from registry_core.discovery._layout import (
    MetaDir,
    has_file,
    metadata_dirs,
    read,
    read_file,
    valid_key,
)
from registry_core.discovery._metadata import newest, parse_header, read_plugin
from registry_core.discovery._records import (
    FRAMEWORK,
    GROUP,
    MMENGINE_KEYS,
    RESERVED_SCOPE,
    Diagnostic,
    EntryPointRecord,
    ScanResult,
    normalize_name,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import ModuleType

__all__ = [
    "GROUP",
    "RESERVED_SCOPE",
    "Diagnostic",
    "EntryPointRecord",
    "ScanResult",
    "find_version",
    "normalize_name",
    "PathWatch",
    "path_fingerprint",
    "scan",
]

_GROUP_BYTES = GROUP.encode()
_ENTRY_POINTS = os.sep + "entry_points.txt"  # paths are joined by hand: os.path.join is slow
#: A path entry modified this close to a fingerprint (in ns) may change again
#: within the same tick of its file system's clock (1-2 s on FAT and HFS+).
_RACY_NS = 2_000_000_000
#: A settled path is looked at again at most this often (in s) by :class:`PathWatch`.
_RECHECK_S = 0.1


def path_fingerprint(paths: Iterable[str]) -> tuple[object, ...]:
    """Something cheap to compare that changes when an entry of ``paths`` changes.

    One ``stat`` per entry: installing or removing a distribution adds or removes
    folders in a site directory, which changes its modification time, and
    rewriting a zip changes its time or size. An entry modified within the last
    two seconds counts as changed at every comparison (its file system's clock
    may not have ticked since), so a fingerprint taken then never equals another.

    Args:
        paths: The search path (normally ``sys.path``).

    Returns:
        A tuple; two fingerprints are equal when nothing changed between them.

    Examples:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> os.utime(folder, (0, 0))  # long ago: nothing in flight
        >>> path_fingerprint([folder]) == path_fingerprint([folder])
        True
        >>> os.rmdir(folder)
        >>> path_fingerprint([folder]) == path_fingerprint([])
        False
    """
    now = time.time_ns()
    parts: list[object] = []
    for entry in paths:
        if not isinstance(entry, str):
            continue
        try:
            st = os.stat(entry or ".")
        except (OSError, ValueError):
            parts.append(entry)
            continue
        if -_RACY_NS < now - st.st_mtime_ns < _RACY_NS:
            parts.append(object())  # equal to nothing: compare again next time
        else:
            parts.append((entry, st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(parts)


class PathWatch:
    """Whether the search path changed since a scan, asked as often as one likes.

    Holds the scan's :func:`path_fingerprint`. :meth:`changed` compares it with
    a fresh one, but after an answer it answers "no" without looking for the
    next 0.1 s, so that a loop of lookups in unknown scopes costs no ``stat``
    calls and no rescans. A path that is not settled (an entry modified within
    the last two seconds, whose clock tick may hide a second change) always
    counts as changed when it is looked at: it is rescanned at most every
    0.1 s until it settles. Not thread-safe, and needs not be: a race costs at
    most one extra look.
    """

    __slots__ = ("_next", "fingerprint")

    def __init__(self, fingerprint: tuple[object, ...] = ()) -> None:
        self.fingerprint = fingerprint
        self._next = 0.0  # time.monotonic() before which changed() does not look

    def pause(self) -> None:
        """Answer "no" for the next 0.1 s without looking (just rescanned)."""
        self._next = time.monotonic() + _RECHECK_S

    def changed(self, paths: Iterable[str]) -> bool:
        """Whether an entry of ``paths`` (normally ``sys.path``) changed since the scan."""
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + _RECHECK_S
        return path_fingerprint(list(paths)) != self.fingerprint


def scan(paths: Iterable[str], *, bridge: bool = True) -> ScanResult:
    """Find every scope advertised in the ``registry_core.scopes`` group.

    With ``bridge``, the codebases built on MMEngine are found too, when
    MMEngine is installed (:mod:`._mmengine_scan`); a scope some entry point
    advertises is never bridged.

    Args:
        paths: Directories and zip files to search, in priority order (normally
            ``sys.path``).
        bridge: Also find the codebases built on MMEngine.

    Returns:
        The advertised scopes and the problems found. Never raises for what it
        finds on disk.
    """
    entries = list(paths)
    fingerprint = path_fingerprint(entries)
    listings: dict[int, list[os.DirEntry[str]]] | None = {} if bridge else None
    found, relevant, misnamed = _candidates(entries, listings)
    records: list[EntryPointRecord] = []
    diagnostics: list[Diagnostic] = [_say().ignored(meta) for meta in misnamed]
    _read_plugins([meta for meta in found if meta.key in relevant], records, diagnostics)
    if listings is not None:
        records += _bridged(found, entries, listings, relevant, records)
    return ScanResult(
        entry_points=tuple(records),
        diagnostics=tuple(diagnostics),
        fingerprint=fingerprint,
        framework_version=_version_of(FRAMEWORK, [meta for meta in found if meta.key == FRAMEWORK]),
    )


def _candidates(
    entries: list[str], listings: dict[int, list[os.DirEntry[str]]] | None
) -> tuple[list[MetaDir], set[str], list[MetaDir]]:
    """Every metadata directory on the path, the identities whose directories
    advertise the group, and those advertising it under a name pip ignores
    (with ``listings``, each directory entry's listing is kept there too)."""
    found: list[MetaDir] = []
    relevant: set[str] = set()
    misnamed: list[MetaDir] = []
    for meta in metadata_dirs(entries, listings):
        if meta.metadata_name:  # a directory, which may hold entry points
            _read_entry_points(meta)
            if meta.entry_points is not None:
                # A name pip rejects never equals a valid one: it matters only here.
                if not valid_key(meta.key):
                    misnamed.append(meta)
                    continue
                relevant.add(meta.key)
        found.append(meta)
    return found, relevant, misnamed


def _read_entry_points(meta: MetaDir) -> None:
    """Keep ``meta``'s ``entry_points.txt`` (or the error reading it) if it names the group."""
    try:
        data = (
            read(meta.path + _ENTRY_POINTS)
            if meta.files is None
            else read_file(meta, "entry_points.txt")
        )
    except OSError as exc:
        meta.entry_points = exc
    else:
        if data is not None and _GROUP_BYTES in data:
            meta.entry_points = data


def _read_plugins(
    ours: list[MetaDir], records: list[EntryPointRecord], diagnostics: list[Diagnostic]
) -> None:
    """Read the winning directory of every identity that advertises the group."""
    crowds = _crowds(ours)
    resolved: set[tuple[int, str]] = set()
    decided: set[str] = set()  # identities whose winning directory has been seen
    for meta in ours:
        key = meta.key
        where = (meta.slot, key)
        if crowds and where in crowds and (where in resolved or key not in decided):
            # Several installs of one project in the path entry that decides it:
            # all are resolved together, when the first of them comes.
            if where not in resolved:
                resolved.add(where)
                _read_crowd(crowds[where], decided, records, diagnostics)
            continue
        if key in decided or meta.entry_points is None:
            if has_file(meta, meta.metadata_name):
                decided.add(key)
            else:
                _add(diagnostics, _say().leftover(meta))
            continue
        try:
            header = read_file(meta, meta.metadata_name, header_only=True)
        except OSError as exc:
            decided.add(key)
            diagnostics.append(_say().unreadable(meta, meta.metadata, exc, None))
            continue
        if header is None:
            _add(diagnostics, _say().leftover(meta))
            continue
        decided.add(key)
        read_plugin(meta, meta.entry_points, header, records, diagnostics)


def _read_crowd(
    crowd: list[MetaDir],
    decided: set[str],
    records: list[EntryPointRecord],
    diagnostics: list[Diagnostic],
) -> None:
    """Several installs of one project in one path entry: read the one that wins."""
    winner = _resolve(crowd, diagnostics)
    if winner is None:
        return
    chosen, chosen_header = winner
    decided.add(chosen.key)
    if chosen.entry_points is not None:
        read_plugin(chosen, chosen.entry_points, chosen_header, records, diagnostics)


def find_version(name: str, paths: Iterable[str]) -> str | None:
    """Return the version of an installed distribution.

    Reads the metadata of that distribution only: the first path entry holding a
    metadata file for its normalised name (the newest of several in that entry).

    Args:
        name: The project name, in any spelling.
        paths: Directories and zip files to search, in priority order (normally
            ``sys.path``).

    Returns:
        Its ``Version`` field as written (not validated), or ``None`` when it is
        not installed, its metadata cannot be read or has no version.
    """
    return _version_of(normalize_name(name), metadata_dirs(paths))


def _version_of(key: str, metas: Iterable[MetaDir]) -> str | None:
    """:func:`find_version` of the identity ``key`` among ``metas``, in path order."""
    slot: int | None = None
    versions: list[str | None] = []
    for meta in metas:
        if meta.key != key:
            continue
        if slot is not None and meta.slot != slot:
            break
        try:
            header = read_file(meta, meta.metadata_name, header_only=True)
        except OSError:
            if slot is None:
                return None
            continue
        if header is not None:
            slot = meta.slot
            versions.append(parse_header(header)[1])
    if len(versions) > 1:
        return versions[newest([v or "" for v in versions])]
    return versions[0] if versions else None


def _bridged(
    found: list[MetaDir],
    entries: list[str],
    listings: dict[int, list[os.DirEntry[str]]],
    relevant: set[str],
    records: list[EntryPointRecord],
) -> list[EntryPointRecord]:
    """The MMEngine-based codebases (none unless MMEngine is installed); entry points win."""
    if not any(meta.key in MMENGINE_KEYS for meta in found):
        return []
    from registry_core.discovery._mmengine_scan import find_bridged

    advertised = {record.scope for record in records}
    return find_bridged(found, entries, relevant, listings=listings, advertised=advertised)


def _crowds(ours: list[MetaDir]) -> dict[tuple[int, str], list[MetaDir]]:
    """The directories of each ``(slot, key)`` held by several, in order."""
    groups: dict[tuple[int, str], list[MetaDir]] = {}
    for meta in ours:
        groups.setdefault((meta.slot, meta.key), []).append(meta)
    return {where: crowd for where, crowd in groups.items() if len(crowd) > 1}


def _resolve(crowd: list[MetaDir], diagnostics: list[Diagnostic]) -> tuple[MetaDir, bytes] | None:
    """The newest install among directories of one project in one path entry.

    Returns the winner and its metadata header, or ``None`` when none has a
    readable metadata file. The others are reported.
    """
    candidates: list[tuple[MetaDir, bytes, str | None, str | None]] = []
    reports: dict[int, Diagnostic | None] = {}  # crowd index -> what to say, in path order
    for index, meta in enumerate(crowd):
        try:
            header = read_file(meta, meta.metadata_name, header_only=True)
        except OSError as exc:
            reports[index] = _say().unreadable(meta, meta.metadata, exc, None)
            continue
        if header is None:
            reports[index] = _say().leftover(meta)
            continue
        name, version, _ = parse_header(header)
        candidates.append((meta, header, name, version))
    winner = None
    if candidates:
        best = newest([v or "" for *_, v in candidates]) if len(candidates) > 1 else 0
        winner = candidates[best]
        for candidate in candidates:
            if candidate is not winner:
                reports[crowd.index(candidate[0])] = _say().older(candidate, winner)
    for index in sorted(reports):
        _add(diagnostics, reports[index])
    return None if winner is None else (winner[0], winner[1])


def _add(diagnostics: list[Diagnostic], diagnostic: Diagnostic | None) -> None:
    if diagnostic is not None:
        diagnostics.append(diagnostic)


def _say() -> ModuleType:
    """The diagnostics' module, imported on the first problem to report."""
    from registry_core.discovery import _diagnostics

    return _diagnostics
