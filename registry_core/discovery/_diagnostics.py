"""What the scan says about a metadata directory it skips: the diagnostics.

Each function builds the :class:`Diagnostic` for one kind of problem the scan
finds with a directory as a whole (a leftover, a name pip ignores, an older
install beside a newer one, a file that cannot be read), saying where it is and
what to do. The scan imports this module only when it has something to report.
"""

from __future__ import annotations

import os

from registry_core.discovery._layout import read_file
from registry_core.discovery._metadata import is_version, parse_header, unreadable
from registry_core.discovery._records import GROUP, Diagnostic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from registry_core.discovery._layout import MetaDir

__all__ = ["ignored", "leftover", "older", "unreadable"]


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
