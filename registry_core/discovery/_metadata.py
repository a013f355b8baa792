"""Reading the metadata files of a distribution, as ``importlib.metadata`` reads them.

The parsers are pure functions over text (``parse_header``, ``parse_entry_points``,
``parse_value``, ``requires_from_egg_info``, ``newest``), so that discovery and the
standard library agree on what a distribution advertises and requires; each
reports, beside its result, what in the file is wrong. :func:`read_plugin` puts
them together for the winning metadata directory of a plugin: its records, and
a :class:`Diagnostic` for every problem. Nothing here imports ``re``
(``packaging`` is imported only by :func:`newest` and :func:`is_version`, when
called).
"""

from __future__ import annotations

import os

from registry_core.discovery._layout import read_file
from registry_core.discovery._records import (
    GROUP,
    RESERVED_SCOPES,
    Diagnostic,
    EntryPointRecord,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from registry_core.discovery._layout import MetaDir

__all__ = [
    "is_version",
    "newest",
    "parse_entry_points",
    "parse_header",
    "parse_value",
    "read_plugin",
    "requires_from_egg_info",
    "unreadable",
]

_ENTRY_POINTS = os.sep + "entry_points.txt"
_BOM = "\ufeff"


def _lines(text: str) -> list[str]:
    """Split on ``\\r\\n``, ``\\r`` and ``\\n`` only, as the ``email`` parser does."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_header(header: bytes) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Return ``(Name, Version, Requires-Dist values)`` from a metadata header block.

    Header names are case-insensitive, continuation lines start with whitespace,
    and the block ends at the first empty line or at a line that is not a header.
    The first ``Name`` and ``Version`` count; empty values count as missing.
    Bytes that are not UTF-8 are replaced.

    Examples:
        >>> parse_header(b"Name: toydet\\nVersion: 1.0\\nRequires-Dist: numpy\\n\\nBody")
        ('toydet', '1.0', ('numpy',))
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


def parse_entry_points(
    text: str, group: str
) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """Read ``entry_points.txt`` as ``importlib.metadata`` does; keep ``group``.

    Lines are split as ``str.splitlines`` splits them and stripped; empty lines
    and ``#`` comments are skipped; ``[name]`` (after stripping) starts the
    section ``name`` with every leading and trailing bracket removed; any other
    line is ``name = value``, split at the first ``=``.

    Returns:
        ``(entries, problems)``: ``(line number, name, value)`` for each entry of
        ``group``, in file order, and ``(line number, what is wrong)`` for each
        line that is ignored. A problem never stops the reading: a line the
        standard library ignores (one before any section header) is ignored,
        and a line on which it raises (one without ``=``) is skipped.

    Examples:
        >>> parse_entry_points("[a]\\nx = m:f\\n[b]\\ny = n\\n", "b")
        ([(4, 'y', 'n')], [])
        >>> parse_entry_points("[b]\\nbroken\\ny = n\\n", "b")[0]
        [(3, 'y', 'n')]
    """
    entries: list[tuple[int, str, str]] = []
    problems: list[tuple[int, str]] = []
    section: str | None = None
    stray: list[int] = []  # the lines before any section header
    stray_first = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] == "#":
            continue
        if number == 1 and line[0] == _BOM and (line[1:].strip() or "#")[0] == "#":
            continue  # a byte-order mark before a comment hides nothing
        if line[0] == "[" and line[-1] == "]":
            section = line.strip("[]")
            continue
        if section is None:
            if not stray:
                stray_first = line
            stray.append(number)
            continue
        name, equals, value = line.partition("=")
        if line[0] == ";":
            if not equals:
                problems.append(
                    (
                        number,
                        f"{line!r} is a ';' comment, so it is skipped; importlib.metadata "
                        "does not know ';' comments and fails on the whole file, which breaks "
                        "every tool that lists entry points: write '#' comments instead",
                    )
                )
            elif section == group:
                problems.append(
                    (
                        number,
                        f"{line!r} looks like an entry point commented out with ';', which "
                        f"importlib.metadata reads as an entry point named {name.strip()!r}; "
                        "discovery ignores it: comment it out with '#' instead",
                    )
                )
            continue
        if not equals:
            kind = "neither a [section] header nor" if line[0] == "[" else "not"
            problems.append(
                (
                    number,
                    f"{line!r} is {kind} a 'name = value' line, so it is skipped; "
                    "importlib.metadata fails on the whole file, which breaks every tool "
                    "that lists entry points: fix or delete the line",
                )
            )
            continue
        if section == group:
            entries.append((number, name.strip(), value.strip()))
    if stray:
        problems.insert(0, (stray[0], _stray_message(stray, stray_first)))
    return entries, problems


def _stray_message(numbers: list[int], first: str) -> str:
    more = len(numbers) - 1
    if more:
        lines = f"{first!r} and {more} more line{'s' * (more > 1)} come"
        ignored = "they are ignored, as importlib.metadata ignores them"
    else:
        lines, ignored = f"{first!r} comes", "it is ignored, as importlib.metadata ignores it"
    message = f"{lines} before the first [section] header, so {ignored}"
    if numbers[0] == 1 and first.startswith(_BOM):
        message += (
            ". The file starts with a UTF-8 byte-order mark, which importlib.metadata reads "
            "as part of the first line, so that the section header on it does not count: "
            "save the file as UTF-8 without a byte-order mark"
        )
    return message


def parse_value(value: str) -> tuple[str, str | None] | None:
    """Split an entry-point value into ``(module, attribute or None)``.

    The forms are those of the packaging specification (and of
    ``importlib.metadata``): ``module``, ``module:attr``, ``module:obj.attr``,
    each optionally followed by ``[extras]``, which are ignored. The module and
    the attribute must be dotted Python identifiers.

    Returns:
        ``None`` when the value has none of these forms.

    Examples:
        >>> parse_value("toydet.registry")
        ('toydet.registry', None)
        >>> parse_value("toydet.registry:setup [torch]")
        ('toydet.registry', 'setup')
        >>> parse_value("toydet.registry [torch]")
        ('toydet.registry', None)
        >>> print(parse_value("toydet/registry"))
        None
    """
    head, bracket, extras = value.partition("[")
    if bracket and not extras.rstrip().endswith("]"):
        return None
    module, colon, attr = head.partition(":")
    module = module.strip()
    if not _dotted(module):
        return None
    if not colon:
        return module, None
    attr = attr.strip()
    return (module, attr) if _dotted(attr) else None


def _dotted(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def requires_from_egg_info(text: str) -> tuple[str, ...]:
    """The requirements of a legacy ``requires.txt``, as ``importlib.metadata`` gives them.

    setuptools before 68.2 wrote a project's requirements only there, one per
    line, in sections: ``[extra]``, ``[:marker]`` or ``[extra:marker]``. Each
    requirement gets its section as a marker.

    Examples:
        >>> requires_from_egg_info("registry-core<1\\n\\n[torch]\\ntorch\\n"
        ...                        "[:python_version < '3.11']\\ntomli\\n")
        ('registry-core<1', 'torch; extra == "torch"', "tomli; python_version < '3.11'")
    """
    requirements: list[str] = []
    section: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line[0] == "[" and line[-1] == "]":
            section = line.strip("[]")
            continue
        # PEP 508 wants a space between a URL and the marker; '@' marks a URL.
        requirements.append(line + " " * ("@" in line) + _marker(section or ""))
    return tuple(requirements)


def _marker(section: str) -> str:
    extra, _, markers = section.partition(":")
    if extra and markers:
        markers = f"({markers})"
    conditions = [c for c in (markers, extra and f'extra == "{extra}"') if c]
    return "; " + " and ".join(conditions) if conditions else ""


def newest(versions: list[str]) -> int:
    """The index of the newest of ``versions``: the first one, on a tie.

    Versions compare as PEP 440 says. One that is not a PEP 440 version cannot
    be compared, and ranks below every one that is. ``packaging`` is imported
    here, so call this only when there is a choice to make.

    Examples:
        >>> newest(["1.0", "2.0rc1", "1.10"])
        1
        >>> newest(["2023.1-custom", "0.1"])
        1
    """
    from packaging.version import InvalidVersion, Version

    best = 0
    best_version: Version | None = None
    for index, text in enumerate(versions):
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if best_version is None or version > best_version:
            best, best_version = index, version
    return best


def is_version(text: str) -> bool:
    """Whether ``text`` is a PEP 440 version (``packaging`` is imported here).

    Examples:
        >>> is_version("1.0.post1"), is_version("2023.1-custom")
        (True, False)
    """
    from packaging.version import InvalidVersion, Version

    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def read_plugin(
    meta: MetaDir,
    data: bytes | OSError,
    header: bytes,
    records: list[EntryPointRecord],
    diagnostics: list[Diagnostic],
) -> None:
    """Turn the winning directory of a candidate into records, or diagnostics.

    ``data`` is its ``entry_points.txt`` (or the error reading it), ``header`` the
    header block of its metadata file.
    """
    name, version, requires = parse_header(header)
    ep_path = meta.path + _ENTRY_POINTS
    if isinstance(data, OSError):
        diagnostics.append(unreadable(meta, ep_path, data, name))
        return
    reinstall = f"Reinstall it: pip install --force-reinstall {name or meta.folder_name}"
    if name is None or version is None:
        problem = "has no Name field" if name is None else "has no Version field"
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
        diagnose(
            f"{ep_path}, line {line}: byte {data[exc.start]:#04x} is not valid UTF-8, so none "
            f"of {name}'s {GROUP} entry points are used. {reinstall} (if the file was edited "
            "or damaged), else report this to its authors."
        )
        return
    if not requires and meta.metadata_name:
        requires = _egg_info_requires(meta, diagnose)
    entries, problems = parse_entry_points(text, GROUP)
    for line, problem in problems:
        diagnose(f"{ep_path}, line {line}: {problem}.")

    first_line: dict[str, int] = {}
    for line, scope, value in entries:
        if scope in first_line:
            diagnose(
                f"{ep_path}, line {line}: scope {scope!r} is declared again (first on line "
                f"{first_line[scope]}); only the first declaration is used, as "
                f"importlib.metadata uses it. {report}"
            )
            continue
        first_line[scope] = line
        where = f"{ep_path}, line {line}: the {GROUP} entry point {scope!r} = {value!r}"
        target = parse_value(value)
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
        elif target is None:
            diagnose(
                f"{where} does not name a module (expected 'module', 'module:attribute' or "
                f"either followed by '[extras]', with dotted Python names such as "
                f"'toydet.registry'), so it is ignored. {report}"
            )
        else:
            records.append(
                EntryPointRecord(
                    scope=scope,
                    module=target[0],
                    attr=target[1],
                    distribution=name,
                    key=meta.key,
                    version=version,
                    requires=requires,
                    path=meta.path,
                )
            )


def _egg_info_requires(meta: MetaDir, diagnose: Callable[[str], None]) -> tuple[str, ...]:
    """The requirements in ``requires.txt``, for metadata without ``Requires-Dist``."""
    try:
        data = read_file(meta, "requires.txt")
    except OSError as exc:
        diagnose(
            f"cannot read {meta.path}{os.sep}requires.txt ({exc.strerror or exc}), so the "
            "distribution's requirements are unknown and it counts as compatible. Fix the "
            "file or reinstall the distribution"
        )
        return ()
    if data is None:
        return ()
    return requires_from_egg_info(data.decode("utf-8", "replace"))


def unreadable(meta: MetaDir, path: str, exc: OSError, name: str | None) -> Diagnostic:
    """The diagnostic for a metadata file that exists but cannot be read."""
    message = (
        f"cannot read {path} ({exc.strerror or exc}), so the distribution is ignored. "
        f"Fix the file or reinstall it: pip install --force-reinstall {name or meta.folder_name}"
    )
    return Diagnostic(path=meta.path, distribution=name, message=message)
