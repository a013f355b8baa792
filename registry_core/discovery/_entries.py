"""One metadata directory's part in a scan: its records, and what to say when it is wrong.

:func:`read_plugin` turns the winning directory of a distribution that
advertises ``registry_core.scopes`` into :class:`EntryPointRecord` s, reading
its entry points, version and requirements as ``importlib.metadata`` does, and
reports every problem as a :class:`Diagnostic` that says where it is and what
to do. The other functions build the diagnostics the scan itself gives for a
directory (a leftover, a name pip ignores, an older install, an unreadable file).
"""

from __future__ import annotations

import os

from registry_core.discovery._layout import read_file
from registry_core.discovery._metadata import (
    is_version,
    parse_entry_points,
    parse_header,
    parse_value,
    requires_from_egg_info,
)
from registry_core.discovery._records import (
    GROUP,
    RESERVED_SCOPE,
    Diagnostic,
    EntryPointRecord,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from registry_core.discovery._layout import MetaDir

__all__ = ["ignored", "leftover", "older", "read_plugin", "unreadable"]

_ENTRY_POINTS = os.sep + "entry_points.txt"


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
        elif scope == RESERVED_SCOPE:
            diagnose(
                f"{where} claims the scope {RESERVED_SCOPE!r}, which is reserved for the "
                f"framework's own registries, so it is ignored. {report}"
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


def leftover(meta: MetaDir) -> Diagnostic | None:
    """The diagnostic for a metadata directory without a metadata file.

    ``None`` when the directory itself is gone (it vanished during the scan).
    """
    if meta.files is None and not os.path.isdir(meta.path):
        return None
    also = f", and so are its {GROUP} entry points" if meta.entry_points else ""
    message = (
        f"{meta.path} has no {meta.metadata_name} file, so it is not an "
        f"installed distribution and is ignored{also}. It is probably left over from "
        f"an interrupted install or uninstall: delete the leftover folder."
    )
    return Diagnostic(path=meta.path, distribution=None, message=message)


def ignored(meta: MetaDir) -> Diagnostic:
    """The diagnostic for a metadata directory whose name pip does not accept."""
    folder = os.path.basename(meta.path)
    try:
        header = read_file(meta, meta.metadata_name, header_only=True)
    except OSError:
        header = None
    name = parse_header(header)[0] if header is not None else None
    if folder.startswith("~"):
        why = (
            "is where pip moved an installed distribution while replacing or uninstalling "
            "it; pip deletes such folders when it is done, so that upgrade or uninstall "
            "was interrupted"
        )
        action = "Delete it, and the other '~' folders beside it" + (
            f", then reinstall: pip install --force-reinstall {name}" if name else ""
        )
    else:
        why = f"is named after {meta.folder_name!r}, which is not a valid project name"
        action = "Delete or rename it"
    message = (
        f"{meta.path} {why}. It is ignored, as pip ignores it, and so are its {GROUP} "
        f"entry points. {action}."
    )
    return Diagnostic(path=meta.path, distribution=name, message=message)


def older(
    loser: tuple[MetaDir, bytes, str | None, str | None],
    winner: tuple[MetaDir, bytes, str | None, str | None],
) -> Diagnostic:
    """The diagnostic for an older install of a project beside a newer one."""
    meta, _, name, version = loser
    project = name or winner[2] or meta.folder_name
    notes = [
        f"{v!r} is not a PEP 440 version, so it cannot be compared and counts as older "
        "than any that is"
        for v in dict.fromkeys((version, winner[3]))
        if v is not None and not is_version(v)
    ]
    also = f", and so are its {GROUP} entry points" if meta.entry_points else ""
    message = (
        f"{meta.path} is a second install of {project} (version {version}) in the folder "
        f"that holds {os.path.basename(winner[0].path)} (version {winner[3]}), as "
        "`pip install --target DIR --upgrade` and `pip install --ignore-installed` leave "
        f"behind. Discovery uses the newest version, {winner[3]}; this folder is ignored"
        f"{also}{''.join(f' ({note})' for note in notes)}. If {winner[3]} is the version "
        "installed there (the one whose files Python imports), delete this folder; "
        f"otherwise delete the other one, or reinstall: pip install --force-reinstall "
        f"{project}."
    )
    return Diagnostic(path=meta.path, distribution=name, message=message)


def unreadable(meta: MetaDir, path: str, exc: OSError, name: str | None) -> Diagnostic:
    """The diagnostic for a metadata file that exists but cannot be read."""
    message = (
        f"cannot read {path} ({exc.strerror or exc}), so the distribution is ignored. "
        f"Fix the file or reinstall it: pip install --force-reinstall {name or meta.folder_name}"
    )
    return Diagnostic(path=meta.path, distribution=name, message=message)
