"""Distributions inside a zip file on ``sys.path``.

A zipped egg (``toydet-1.0-py3.11.egg``, metadata in ``EGG-INFO/``), a wheel,
or a zipped ``pip install --target`` folder can be a ``sys.path`` entry: Python
imports from it, and ``importlib.metadata`` lists its top-level names as it
lists a folder's. Discovery does the same, with ``zipfile``. This module is
imported only when the search path holds a file, so an ordinary environment
never loads ``zipfile``.
"""

from __future__ import annotations

__all__ = ["WANTED", "read_zip"]

#: The files discovery reads from a metadata folder.
WANTED = ("entry_points.txt", "METADATA", "PKG-INFO", "requires.txt")
_SUFFIXES = (".dist-info", ".egg-info")


def read_zip(path: str) -> tuple[list[tuple[str, bool]], dict[str, bytes | OSError]] | None:
    """List a zip's top-level names and read the metadata files it holds.

    Args:
        path: A file on the search path.

    Returns:
        ``(names, files)``: each top-level name with whether it is a folder, in
        the archive's order; and, for each folder that may hold metadata (its
        name ends with ``.dist-info`` or ``.egg-info``, or is ``EGG-INFO``), the
        content of those of its :data:`WANTED` files that exist, by member name
        (``'toydet-1.0.dist-info/METADATA'``), as bytes or as the ``OSError``
        met reading it; top-level ``*.egg-info`` files are read too. ``None``
        when ``path`` is not a readable zip file.
    """
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return None
    with archive:
        tops: dict[str, bool] = {}
        for member in archive.namelist():
            top, slash, _ = member.partition("/")
            if top and (slash or top not in tops):
                tops[top] = bool(slash)
        wanted: list[str] = []
        for top, is_dir in tops.items():
            lowered = top.lower()
            if is_dir and (lowered.endswith(_SUFFIXES) or lowered == "egg-info"):
                wanted += (f"{top}/{name}" for name in WANTED)
            elif not is_dir and lowered.endswith(".egg-info"):
                wanted.append(top)
        present = set(archive.namelist())
        files: dict[str, bytes | OSError] = {}
        for member in wanted:
            if member in present:
                try:
                    files[member] = archive.read(member)
                except Exception as exc:  # bad CRC, encryption, an unknown compression
                    files[member] = OSError(f"{type(exc).__name__}: {exc}")
    return list(tops.items()), files
