"""Find the distributions that advertise ``registry_core.scopes`` entry points.

This is the fast, pure part of discovery: it reads installed-distribution metadata
from the directories on a search path (normally ``sys.path``) and imports no plugin
code, no ``importlib.metadata`` and no ``re``.

How a scan works:

- Path entries are walked in order. ``""`` means the current directory, as on
  ``sys.path``. Entries that are not directories (zip files, missing paths) are
  skipped, and so is a directory already seen under another spelling (a path
  listed twice, a symlink to it): directories are identified by device and inode.
- Every ``*.dist-info`` and ``*.egg-info`` directory is a metadata directory; an
  ``*.egg-info`` *file* (old distutils installs) is a metadata file of its own.
  Its identity is the normalised project name taken from the folder name, as
  ``importlib.metadata`` does: the part before the first ``-``. Within one path
  entry they are taken in name order, so results do not depend on the file
  system's listing order. ``.egg`` path entries (``EGG-INFO``) are not read.
- Only ``entry_points.txt`` is read for every metadata directory, as bytes, and it
  is skipped unless ``registry_core.scopes`` occurs in it. ``METADATA`` (or
  ``PKG-INFO``) is read only for those candidates, and only its header block.
- The first directory on the path with a given identity that has a metadata file
  wins; later ones are shadowed, even if they advertise the group. A directory
  without a metadata file (left over from an interrupted uninstall) shadows
  nothing.

Problems never raise: they become a :class:`Diagnostic` for the metadata
directory concerned, and the faulty distribution or entry point is left out.
Distributions that do not concern ``registry_core`` never produce diagnostics.
"""

from __future__ import annotations

import os
from stat import S_ISDIR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = [
    "GROUP",
    "RESERVED_SCOPE",
    "RESERVED_SCOPES",
    "Diagnostic",
    "EntryPointRecord",
    "ScanResult",
    "find_version",
    "normalize_name",
    "scan",
]

GROUP = "registry_core.scopes"
"""The entry-point group that plugins advertise their scopes in."""

RESERVED_SCOPE = "registry_core"
"""The framework's own scope, which no plugin may claim."""

RESERVED_SCOPES = {
    RESERVED_SCOPE: "reserved for the framework's own registries",
    "__main__": "reserved for the registries that scripts create",
    "__mp_main__": "reserved for the registries that scripts create (in multiprocessing workers)",
}
"""Scopes no plugin may claim, and why."""

_GROUP_BYTES = GROUP.encode()
_O_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
_SEPARATORS = ("-", "_", ".")
_ENTRY_POINTS = os.sep + "entry_points.txt"  # paths are joined by hand: os.path.join is slow


class _Value:
    """Slotted value object: equality, hash and repr over the slots."""

    __slots__: tuple[str, ...] = ()

    def _astuple(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Value) or type(other) is not type(self):
            return NotImplemented
        return self._astuple() == other._astuple()

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class EntryPointRecord(_Value):
    """One scope advertised by an installed distribution (immutable by convention).

    Attributes:
        scope: The entry point's name.
        module: The entry point's value, a dotted module path.
        distribution: The project name as ``METADATA`` spells it.
        key: The normalised project name, taken from the metadata folder's name:
            the identity used to tell distributions apart.
        version: The ``Version`` from ``METADATA``, a valid PEP 440 version.
        requires: The raw ``Requires-Dist`` values, in order.
        path: The ``.dist-info`` or ``.egg-info`` directory.
    """

    __slots__ = ("scope", "module", "distribution", "key", "version", "requires", "path")  # noqa: RUF023 (the repr's order)

    def __init__(
        self,
        *,
        scope: str,
        module: str,
        distribution: str,
        key: str,
        version: str,
        requires: tuple[str, ...],
        path: str,
    ) -> None:
        self.scope = scope
        self.module = module
        self.distribution = distribution
        self.key = key
        self.version = version
        self.requires = requires
        self.path = path


class Diagnostic(_Value):
    """A problem found in installed metadata that concerns ``registry_core``.

    Attributes:
        path: The metadata directory concerned.
        distribution: The project name as ``METADATA`` spells it, or ``None`` when
            it could not be read.
        message: What is wrong, in which file (and line), and what to do about it.
    """

    __slots__ = ("path", "distribution", "message")  # noqa: RUF023 (the repr's order)

    def __init__(self, *, path: str, distribution: str | None, message: str) -> None:
        self.path = path
        self.distribution = distribution
        self.message = message


class ScanResult(_Value):
    """What :func:`scan` found.

    Attributes:
        entry_points: The advertised scopes, in search-path order, after
            de-duplication of distributions. Two different distributions may
            advertise the same scope: both records are kept.
        diagnostics: The problems found, in search-path order.
    """

    __slots__ = ("entry_points", "diagnostics")  # noqa: RUF023 (the repr's order)

    def __init__(
        self,
        *,
        entry_points: tuple[EntryPointRecord, ...],
        diagnostics: tuple[Diagnostic, ...],
    ) -> None:
        self.entry_points = entry_points
        self.diagnostics = diagnostics


def normalize_name(name: str) -> str:
    """Normalise a project name as PEP 503 does.

    Runs of ``-``, ``_`` and ``.`` become one ``-`` and letters are lowercased.

    Args:
        name: A project name, as spelled anywhere.

    Returns:
        The normalised name.

    Examples:
        >>> normalize_name("Toy_Det")
        'toy-det'
        >>> normalize_name("zope.interface")
        'zope-interface'
        >>> normalize_name("A-_.B")
        'a-b'
    """
    normalized = name.lower().replace("_", "-").replace(".", "-")
    while "--" in normalized:
        normalized = normalized.replace("--", "-")
    return normalized


def scan(paths: Iterable[str]) -> ScanResult:
    """Find every scope advertised in the ``registry_core.scopes`` group.

    Args:
        paths: Directories to search, in priority order (normally ``sys.path``).

    Returns:
        The advertised scopes and the problems found. Never raises for what it
        finds on disk.
    """
    found: list[_MetaDir] = []
    relevant: set[str] = set()
    for meta in _metadata_dirs(paths):
        if meta.metadata_name:  # a directory, which may hold entry points
            try:
                data = _read(meta.path + _ENTRY_POINTS)
            except OSError as exc:
                meta.entry_points = exc
                relevant.add(meta.key)
            else:
                if data is not None and _GROUP_BYTES in data:
                    meta.entry_points = data
                    relevant.add(meta.key)
        found.append(meta)

    records: list[EntryPointRecord] = []
    diagnostics: list[Diagnostic] = []
    decided: set[str] = set()  # identities whose winning directory has been seen
    for meta in found:
        if meta.key not in relevant:
            continue
        if meta.key in decided or meta.entry_points is None:
            if _exists(meta.metadata):
                decided.add(meta.key)
            else:
                _add(diagnostics, _leftover(meta))
            continue
        try:
            header = _read(meta.metadata, header_only=True)
        except OSError as exc:
            decided.add(meta.key)
            diagnostics.append(_unreadable(meta, meta.metadata, exc, None))
            continue
        if header is None:
            _add(diagnostics, _leftover(meta))
            continue
        decided.add(meta.key)
        _read_plugin(meta, meta.entry_points, header, records, diagnostics)
    return ScanResult(entry_points=tuple(records), diagnostics=tuple(diagnostics))


def find_version(name: str, paths: Iterable[str]) -> str | None:
    """Return the version of an installed distribution.

    Reads the metadata of that distribution only: the first directory on the path
    with its normalised name that has a metadata file.

    Args:
        name: The project name, in any spelling.
        paths: Directories to search, in priority order (normally ``sys.path``).

    Returns:
        Its ``Version`` field as written (not validated), or ``None`` when it is
        not installed, its metadata cannot be read or has no version.
    """
    key = normalize_name(name)
    for meta in _metadata_dirs(paths):
        if meta.key != key:
            continue
        try:
            header = _read(meta.metadata, header_only=True)
        except OSError:
            return None
        if header is not None:
            return _parse_metadata(header)[1]
    return None


class _MetaDir:
    """A metadata directory (or egg-info file) met during a scan."""

    __slots__ = ("entry_points", "key", "metadata_name", "path")

    def __init__(self, key: str, path: str, metadata_name: str) -> None:
        self.key = key
        self.path = path
        self.metadata_name = metadata_name  # "" for an egg-info file, its own metadata
        # entry_points.txt: its bytes if they mention GROUP, the error if it could
        # not be read, else None (no such file, or nothing of ours in it).
        self.entry_points: bytes | OSError | None = None

    @property
    def metadata(self) -> str:
        """The metadata file: ``METADATA``, ``PKG-INFO``, or an egg-info file itself."""
        return f"{self.path}{os.sep}{self.metadata_name}" if self.metadata_name else self.path

    @property
    def folder_name(self) -> str:
        """The project name as the folder spells it: what to tell pip."""
        return os.path.basename(self.path).rpartition(".")[0].partition("-")[0]


def _metadata_dirs(paths: Iterable[str]) -> Iterator[_MetaDir]:
    """Yield the metadata directories on ``paths``: path order, then name order."""
    seen: set[tuple[int, int]] = set()
    for entry in paths:
        if not isinstance(entry, str):
            continue  # as the import system does
        try:
            root = entry or os.getcwd()
            st = os.stat(root)
            if not S_ISDIR(st.st_mode) or (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(root) as children:
                found = [
                    child
                    for child in children
                    if child.name.lower().endswith((".dist-info", ".egg-info"))
                ]
        except (OSError, ValueError):
            continue  # unreadable, vanished, or not a valid path
        found.sort(key=_name)  # a stable order, whatever the file system's
        for child in found:
            try:
                is_dir = child.is_dir()
            except OSError:
                continue
            lowered = child.name.lower()
            if is_dir:
                metadata = "METADATA" if lowered.endswith(".dist-info") else "PKG-INFO"
            elif lowered.endswith(".egg-info"):
                metadata = ""  # an old distutils install: the file is the metadata
            else:
                continue
            key = normalize_name(lowered.rpartition(".")[0].partition("-")[0])
            yield _MetaDir(key, child.path, metadata)


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _read(path: str, *, header_only: bool = False) -> bytes | None:
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
            chunk = os.read(fd, 8192)
            if not chunk:
                return data
            data += chunk
            if header_only and (
                b"\n\n" in data
                or b"\n\r\n" in data
                or b"\r\r" in data
                or data[:1] in (b"\n", b"\r")
            ):
                return data
    finally:
        os.close(fd)


def _exists(path: str) -> bool:
    """Whether ``path`` exists; a file that cannot be inspected counts as existing."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError):
        return True
    return True


def _lines(text: str) -> list[str]:
    """Split on ``\\r\\n``, ``\\r`` and ``\\n`` only (unlike ``str.splitlines``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _parse_metadata(header: bytes) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Return ``(Name, Version, Requires-Dist values)`` from a metadata header block.

    Header names are case-insensitive, continuation lines start with whitespace,
    and the block ends at the first empty line or at a line that is not a header.
    The first ``Name`` and ``Version`` count; empty values count as missing.
    """
    fields: list[list[str]] = []  # [lowercased name, value], only the ones we keep
    current: list[str] | None = None
    for line in _lines(header.decode("utf-8", "replace")):
        if not line:
            break
        if line[0] in " \t":
            if current is not None:
                current[1] += line
            continue
        field, colon, value = line.partition(":")
        if not colon:
            break
        field = field.strip().lower()
        if field in ("name", "version", "requires-dist"):
            current = [field, value]
            fields.append(current)
        else:
            current = None
    name = version = None
    requires: list[str] = []
    for field, raw in fields:
        value = raw.strip()
        if field == "requires-dist":
            requires.append(value)
        elif field == "name":
            name = name or value or None
        else:
            version = version or value or None
    return name, version, tuple(requires)


def _read_plugin(
    meta: _MetaDir,
    data: bytes | OSError,
    header: bytes,
    records: list[EntryPointRecord],
    diagnostics: list[Diagnostic],
) -> None:
    """Turn the winning directory of a candidate into records, or diagnostics.

    ``data`` is its ``entry_points.txt`` (or the error reading it), ``header`` the
    header block of its metadata file.
    """
    name, version, requires = _parse_metadata(header)
    ep_path = meta.path + _ENTRY_POINTS
    if isinstance(data, OSError):
        diagnostics.append(_unreadable(meta, ep_path, data, name))
        return
    reinstall = f"Reinstall it: pip install --force-reinstall {name or meta.folder_name}"
    if name is None or version is None or not _is_pep440(version):
        if name is None:
            problem = "has no Name field"
        elif version is None:
            problem = "has no Version field"
        else:
            problem = f"has Version {version!r}, which is not a valid PEP 440 version"
        message = f"{meta.metadata} {problem}, so the distribution is ignored. {reinstall}"
        diagnostics.append(Diagnostic(path=meta.path, distribution=name, message=message))
        return
    report = f"Report this to the authors of {name}."

    def diagnose(message: str) -> None:
        diagnostics.append(Diagnostic(path=meta.path, distribution=name, message=message))

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        entries: list[tuple[int, str, str]] | str = (
            f"line {line}: byte {data[exc.start]:#04x} is not valid UTF-8"
        )
    else:
        entries = _parse_entry_points(text)
    if isinstance(entries, str):
        diagnose(
            f"{ep_path}, {entries}, so none of {name}'s {GROUP} entry points are used. "
            f"{reinstall} (if the file was edited or damaged), else report this to its authors."
        )
        return

    first_line: dict[str, int] = {}
    for line, scope, value in entries:
        if scope in first_line:
            diagnose(
                f"{ep_path}, line {line}: scope {scope!r} is declared again (first on line "
                f"{first_line[scope]}); only the first declaration is used. {report}"
            )
            continue
        first_line[scope] = line
        where = f"{ep_path}, line {line}: the {GROUP} entry point {scope!r} = {value!r}"
        if not scope or "." in scope or any(c.isspace() for c in scope):
            diagnose(
                f"{where} has an invalid scope name (it must be non-empty, without '.' "
                f"or whitespace), so it is ignored. {report}"
            )
        elif scope in RESERVED_SCOPES:
            diagnose(
                f"{where} claims the scope {scope!r}, which is {RESERVED_SCOPES[scope]}, "
                f"so it is ignored. {report}"
            )
        elif not all(part.isidentifier() for part in value.split(".")):
            diagnose(
                f"{where} does not name a module (expected a dotted module path such as "
                f"'toydet.registry', without ':attribute' or '[extras]'), so it is ignored. "
                f"{report}"
            )
        else:
            records.append(
                EntryPointRecord(
                    scope=scope,
                    module=value,
                    distribution=name,
                    key=meta.key,
                    version=version,
                    requires=requires,
                    path=meta.path,
                )
            )


def _parse_entry_points(text: str) -> list[tuple[int, str, str]] | str:
    """Return ``(line number, name, value)`` for each entry of :data:`GROUP`.

    Returns a description of the first malformed line instead, if any: a line
    before the first section, a bad section header, or a line without ``=``.
    """
    entries: list[tuple[int, str, str]] = []
    section = None
    for number, raw in enumerate(_lines(text), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line[0] == "[":
            if line[-1] != "]" or not line[1:-1].strip():
                return f"line {number}: {line!r} is not a valid [section] header"
            section = line[1:-1]
        elif section is None:
            return f"line {number}: {line!r} comes before any [section] header"
        else:
            name, equals, value = line.partition("=")
            if not equals:
                return f"line {number}: {line!r} is not a 'name = value' line"
            if section == GROUP:
                entries.append((number, name.strip(), value.strip()))
    return entries


def _leftover(meta: _MetaDir) -> Diagnostic | None:
    """The diagnostic for a metadata directory without a metadata file.

    ``None`` when the directory itself is gone (it vanished during the scan).
    """
    if not os.path.isdir(meta.path):
        return None
    ignored = f", and so are its {GROUP} entry points" if meta.entry_points else ""
    message = (
        f"{meta.path} has no {meta.metadata_name} file, so it is not an "
        f"installed distribution and is ignored{ignored}. It is probably left over from "
        f"an interrupted install or uninstall: delete the leftover folder."
    )
    return Diagnostic(path=meta.path, distribution=None, message=message)


def _unreadable(meta: _MetaDir, path: str, exc: OSError, name: str | None) -> Diagnostic:
    """The diagnostic for a metadata file that exists but cannot be read."""
    message = (
        f"cannot read {path} ({exc.strerror or exc}), so the distribution is ignored. "
        f"Fix the file or reinstall it: pip install --force-reinstall {name or meta.folder_name}"
    )
    return Diagnostic(path=meta.path, distribution=name, message=message)


def _add(diagnostics: list[Diagnostic], diagnostic: Diagnostic | None) -> None:
    if diagnostic is not None:
        diagnostics.append(diagnostic)


# PEP 440, as the permissive grammar of its Appendix B (and of ``packaging``) has it:
#   v? (N!)? N(.N)* pre? post? dev? (+local)?      case-insensitive
#   pre:   sep? (alpha|a|beta|b|preview|pre|c|rc) sep? N?
#   post:  -N  |  sep? (post|rev|r) sep? N?
#   dev:   sep? dev sep? N?
#   local: [a-z0-9]+ ([-_.][a-z0-9]+)*
# where sep is one of "-", "_", ".". Labels are tried longest first, which is exact here
# because no label's tail can start another part.
_PRE_LABELS = ("preview", "alpha", "beta", "pre", "rc", "a", "b", "c")
_POST_LABELS = ("post", "rev", "r")
_DEV_LABELS = ("dev",)


def _is_pep440(version: str) -> bool:
    """Whether ``version`` is a PEP 440 version (surrounding whitespace allowed).

    >>> [_is_pep440(v) for v in ("1.0", "v2!1.0rc1.post2.dev3+ubuntu.1", "1.0-1", "1.0-", "x")]
    [True, True, True, False, False]
    """
    text = version.strip().lower()
    if not text.isascii():
        return False
    i = 1 if text.startswith("v") else 0
    start, i = i, _digits(text, i)
    if i == start:
        return False
    if text[i : i + 1] == "!":
        start, i = i + 1, _digits(text, i + 1)
        if i == start:
            return False
    while text[i : i + 1] == "." and text[i + 1 : i + 2].isdigit():
        i = _digits(text, i + 1)
    i = _labelled(text, i, _PRE_LABELS)
    if text[i : i + 1] == "-" and text[i + 1 : i + 2].isdigit():
        i = _digits(text, i + 1)
    else:
        i = _labelled(text, i, _POST_LABELS)
    i = _labelled(text, i, _DEV_LABELS)
    if text[i : i + 1] == "+":
        for part in text[i + 1 :].replace("-", ".").replace("_", ".").split("."):
            if not part.isalnum():
                return False
        return True
    return i == len(text)


def _digits(text: str, i: int) -> int:
    """The index after the run of digits starting at ``i``."""
    end = len(text)
    while i < end and text[i].isdigit():
        i += 1
    return i


def _labelled(text: str, i: int, labels: tuple[str, ...]) -> int:
    """Match ``sep? label sep? N?`` at ``i``; return the index after it, or ``i``."""
    j = i + 1 if text[i : i + 1] in _SEPARATORS else i
    for label in labels:
        if text.startswith(label, j):
            j += len(label)
            break
    else:
        return i
    if text[j : j + 1] in _SEPARATORS:
        j += 1
    return _digits(text, j)
