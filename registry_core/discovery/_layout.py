"""Where installed metadata lives on a search path, and how its files are read.

:func:`metadata_dirs` walks the path entries in order and yields a
:class:`MetaDir` for every metadata directory it finds: ``*.dist-info`` and
``*.egg-info`` directories (and ``*.egg-info`` files) in a directory entry, the
``EGG-INFO`` folder of an ``*.egg`` entry, and the same inside a zip file entry
(read by :mod:`._archives`, imported only then). :func:`read_file` and
:func:`has_file` read a metadata directory's files wherever it lives; the bare
:func:`read` is the fast path for a file on disk.
"""

from __future__ import annotations

import os
from operator import attrgetter
from stat import S_ISDIR, S_ISREG

from registry_core.discovery._records import normalize_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["MetaDir", "has_file", "metadata_dirs", "read", "read_file", "valid_key"]

_O_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
_SUFFIXES = (".dist-info", ".egg-info")
_CHUNK = 8192
_NAME = attrgetter("name")  # a directory entry's name, as a sort key


class MetaDir:
    """A metadata directory (or egg-info file) met during a scan."""

    __slots__ = ("entry_points", "files", "key", "member", "metadata_name", "path", "slot")

    def __init__(self, key: str, path: str, metadata_name: str, slot: int) -> None:
        self.key = key
        self.path = path
        self.metadata_name = metadata_name  # "" for an egg-info file, its own metadata
        self.slot = slot  # the index of its path entry
        # entry_points.txt: its bytes if they mention GROUP, the error if it could
        # not be read, else None (no such file, or nothing of ours in it).
        self.entry_points: bytes | OSError | None = None
        # In a zip: the files read from it by member name, and this folder's member
        # name prefix ("toydet-1.0.dist-info/"; for an egg-info file, its name).
        self.files: dict[str, bytes | OSError] | None = None
        self.member = ""

    @property
    def metadata(self) -> str:
        """The metadata file: ``METADATA``, ``PKG-INFO``, or an egg-info file itself."""
        return f"{self.path}{os.sep}{self.metadata_name}" if self.metadata_name else self.path

    @property
    def folder_name(self) -> str:
        """The project name as the folder spells it: what to tell pip."""
        return os.path.basename(self.path).rpartition(".")[0].partition("-")[0]


def metadata_dirs(
    paths: Iterable[str], listings: dict[int, list[os.DirEntry[str]]] | None = None
) -> Iterator[MetaDir]:
    """Yield the metadata directories on ``paths``: path order, then name order.

    With ``listings``, the listing of every directory entry walked is kept
    there by slot, so that a later look at its other children (the MMEngine
    bridge's) need not list it again.
    """
    seen: set[tuple[int, int]] = set()
    for slot, entry in enumerate(paths):
        if not isinstance(entry, str):
            continue  # as the import system does
        try:
            root = entry or os.getcwd()
            st = os.stat(root)
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            if not S_ISDIR(st.st_mode):
                if S_ISREG(st.st_mode):
                    yield from _zip_dirs(root, slot)
                continue
            egg = root.rstrip("/" + os.sep).lower().endswith(".egg")
            with os.scandir(root) as children:
                listed = list(children)
            if listings is not None:
                listings[slot] = listed
            found = [
                child
                for child in listed
                if child.name.lower().endswith(_SUFFIXES)
                or (egg and child.name.lower() == "egg-info")
            ]
        except (OSError, ValueError):
            continue  # unreadable, vanished, or not a valid path
        found.sort(key=_NAME)  # a stable order, whatever the file system's
        for child in found:
            try:
                is_dir = child.is_dir()
            except OSError:
                continue
            lowered = child.name.lower()
            if is_dir and lowered.endswith(".dist-info"):  # the common case, inlined
                # normalize_name, for a name already lowered with no "." nor "--"
                # (wheels escape runs of "-_." as "_")
                key = lowered.rpartition(".")[0].partition("-")[0].replace("_", "-")
                if "." in key or "--" in key:
                    key = normalize_name(key)
                yield MetaDir(key, child.path, "METADATA", slot)
                continue
            kind = _kind(child.name, is_dir, root if egg else None)
            if kind is not None:
                yield MetaDir(kind[0], child.path, kind[1], slot)


def _kind(name: str, is_dir: bool, egg: str | None) -> tuple[str, str] | None:
    """``(identity, metadata file name)`` of a child of a path entry, or None.

    ``egg`` is the path entry when its name ends with ``.egg``, so that its
    ``EGG-INFO`` folder counts (named after the egg).
    """
    lowered = name.lower()
    if lowered.endswith(".dist-info"):
        return (_key(lowered), "METADATA") if is_dir else None
    if lowered.endswith(".egg-info"):
        # A file is an old distutils install: the file is the metadata.
        return _key(lowered), "PKG-INFO" if is_dir else ""
    if egg is not None and is_dir and lowered == "egg-info":
        return _key(os.path.basename(egg.rstrip("/" + os.sep)).lower()), "PKG-INFO"
    return None


def _key(lowered: str) -> str:
    return normalize_name(lowered.rpartition(".")[0].partition("-")[0])


def _zip_dirs(root: str, slot: int) -> Iterator[MetaDir]:
    """The metadata directories of a zip on the path (a zipped egg, a wheel)."""
    from registry_core.discovery._archives import read_zip

    listing = read_zip(root)
    if listing is None:
        return
    names, files = listing
    egg = root if root.rstrip("/" + os.sep).lower().endswith(".egg") else None
    for name, is_dir in sorted(names):
        kind = _kind(name, is_dir, egg)
        if kind is not None:
            meta = MetaDir(kind[0], f"{root}{os.sep}{name}", kind[1], slot)
            meta.files = files
            meta.member = f"{name}/" if is_dir else name
            yield meta


def valid_key(key: str) -> bool:
    """Whether pip accepts the name (PEP 508: letters, digits, inner ``-._``)."""
    return key.isascii() and key.replace("-", "").isalnum() and key[0] != "-" != key[-1]


def read(path: str, *, header_only: bool = False) -> bytes | None:
    """Return a file's bytes, or ``None`` if it does not exist.

    With ``header_only``, stop reading once the data holds an empty line.
    Other ``OSError``s (permissions, a directory) propagate.
    """
    try:
        fd = os.open(path, _O_FLAGS)
    except (FileNotFoundError, NotADirectoryError):
        return None
    try:
        data = b""
        while True:
            chunk = os.read(fd, _CHUNK)
            data += chunk
            # A regular file reads short only at its end (POSIX): a small file
            # costs one read, not a second one to see the end.
            if len(chunk) < _CHUNK:
                return data
            if header_only and (
                b"\n\n" in data
                or b"\n\r\n" in data
                or b"\r\r" in data
                or data[:1] in (b"\n", b"\r")
            ):
                return data
    finally:
        os.close(fd)


def _member(meta: MetaDir, filename: str) -> bytes | None:
    """A file of a metadata directory in a zip; ``None`` if missing."""
    assert meta.files is not None
    data = meta.files.get(meta.member + filename if filename else meta.member)
    if isinstance(data, OSError):
        raise data
    return data


def read_file(meta: MetaDir, filename: str, *, header_only: bool = False) -> bytes | None:
    """A file of a metadata directory (``""``: an egg-info file itself); None if missing."""
    if meta.files is not None:
        return _member(meta, filename)
    path = f"{meta.path}{os.sep}{filename}" if filename else meta.path
    return read(path, header_only=header_only)


def has_file(meta: MetaDir, filename: str) -> bool:
    """Whether the file exists; a file that cannot be inspected counts as existing."""
    if meta.files is not None:
        return (meta.member + filename if filename else meta.member) in meta.files
    path = f"{meta.path}{os.sep}{filename}" if filename else meta.path
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError):
        return True
    return True
