"""What was read of a config file, kept for the next file that names it as a base.

MMDetection's configs share a few dozen base files, each read by hundreds of
configs. An ``Entry`` holds a copy of the merged values of one file (with its bases)
and what they depend on: the path, modification time (ns), size and inode of every
file read, the environment variables substituted, and the ``scope::path``
bases resolved. ``get`` returns an entry only while all of that is unchanged;
every use takes a fresh copy of the values, so no load sees another's changes.

A file modified in the last two seconds is not kept, since a file rewritten
within one tick of a coarse file-system clock, at the same size, would look
unchanged.
"""

from __future__ import annotations

import errno
import marshal
import operator
import os
import threading
import time
from collections import OrderedDict
from stat import S_ISREG

from registry_core.config._merge import copy_tree
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final, TypeAlias

    from registry_core.config._sources import SourceNode

    Stat: TypeAlias = tuple[str, int, int, int]

__all__ = ["Entry", "clear", "get", "put", "read_text"]

_SIZE: Final = 512
_RACY_NS: Final = 2_000_000_000
_MTIME: Final = operator.itemgetter(1)  # of a ``Stat``
_O_BINARY: Final = getattr(os, "O_BINARY", 0)
_O_NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)

_LOCK: Final = threading.Lock()
_ENTRIES: Final[OrderedDict[tuple[str, bool], Entry]] = OrderedDict()


def read_text(path: str) -> tuple[Stat, str]:
    """The ``Stat`` of ``path`` (what identifies its content without reading it: path,
    modification time in ns, size, inode) and its text (UTF-8, a BOM dropped).

    Raises:
        ConfigError: the file cannot be read, or is not UTF-8.
    """
    try:
        # (not blocking: a named pipe is refused below, not waited on)
        fd = os.open(path, os.O_RDONLY | _O_BINARY | _O_NONBLOCK)
        try:  # the stat of the file read, and its bytes at once (a text file's reader is slower)
            st = os.fstat(fd)
            if not S_ISREG(st.st_mode):
                raise OSError(errno.EINVAL, "not a regular file")
            stat = (path, st.st_mtime_ns, st.st_size, st.st_ino)
            chunks = [os.read(fd, st.st_size + 1)]
            if len(chunks[0]) > st.st_size:  # it grew since: read on to its end
                while chunks[-1]:
                    chunks.append(os.read(fd, 1 << 16))
        finally:
            os.close(fd)
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        # (a BOM dropped as the utf-8-sig codec does, without importing it)
        text = (data[3:] if data.startswith(b"\xef\xbb\xbf") else data).decode("utf-8")
        if "\r" in text:  # line ends as a text file's reader gives them
            text = text.replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: the file is not UTF-8 text ({exc.reason} at byte {exc.start})", file=path
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read the config: {exc.strerror or exc}", file=path
        ) from exc
    return stat, text


class Entry:
    """One loaded file: its merged values (never handed out), sources and dependencies.

    Attributes:
        keys: the top-level keys of the values.
        source: the file's ``SourceNode``.
        files: the ``Stat`` of every file read (see ``read_text``).
        environment: environment variable -> the value substituted (``None``: unset).
        scopes: ``(entry, resolved path)`` of every ``scope::path`` base.
        cacheable: no file read was modified in the last two seconds.
    """

    __slots__ = (
        "_blob",
        "_value",
        "cacheable",
        "environment",
        "files",
        "keys",
        "scopes",
        "source",
    )

    def __init__(
        self,
        value: dict[Any, Any],
        source: SourceNode,
        files: tuple[Stat, ...],
        environment: dict[str, str | None],
        scopes: tuple[tuple[str, str], ...],
    ) -> None:
        self.keys = frozenset(value)
        self.source = source
        self.files = files
        self.environment = environment
        self.scopes = scopes
        now = time.time_ns()
        # (the newest file decides: found in C, not a step per file)
        self.cacheable = not files or now - max(map(_MTIME, files)) > _RACY_NS
        try:
            self._blob: bytes | None = marshal.dumps(value)
            self._value: dict[Any, Any] | None = None
        except ValueError:  # not plain data (a trusted config's objects)
            self._blob = None
            self._value = copy_tree(value)

    def take(self) -> dict[Any, Any]:
        """A fresh copy of the values, for the caller to keep and change."""
        if self._blob is not None:
            value: dict[Any, Any] = marshal.loads(self._blob)
            return value
        copied: dict[Any, Any] = copy_tree(self._value)
        return copied

    def valid(self) -> bool:
        """Whether nothing the values depend on has changed."""
        try:
            for path, mtime, size, inode in self.files:
                st = os.stat(path)  # (compared field by field, without making a ``Stat``)
                if st.st_mtime_ns != mtime or st.st_size != size or st.st_ino != inode:
                    return False
        except OSError:
            return False
        environ = os.environ
        if self.environment and any(
            environ.get(name) != value for name, value in self.environment.items()
        ):
            return False
        if self.scopes:
            from registry_core.config._scope_path import find_scope_config

            for entry, resolved in self.scopes:
                try:
                    if find_scope_config(entry, "", None) != resolved:
                        return False
                except ConfigError:
                    return False
        return True


def get(path: str, trusted: bool) -> Entry | None:
    """The valid entry of ``path`` loaded in that mode, or ``None``."""
    key = (path, trusted)
    with _LOCK:
        entry = _ENTRIES.get(key)
        if entry is not None:
            _ENTRIES.move_to_end(key)
    if entry is None:
        return None
    if not entry.valid():
        with _LOCK:
            if _ENTRIES.get(key) is entry:
                del _ENTRIES[key]
        return None
    return entry


def put(path: str, trusted: bool, entry: Entry) -> None:
    """Keep ``entry`` for ``path``, if it is cacheable; drop the oldest past the size."""
    if not entry.cacheable:
        return
    with _LOCK:
        _ENTRIES[(path, trusted)] = entry
        _ENTRIES.move_to_end((path, trusted))
        while len(_ENTRIES) > _SIZE:
            _ENTRIES.popitem(last=False)


def clear() -> None:
    """Forget every entry."""
    with _LOCK:
        _ENTRIES.clear()
