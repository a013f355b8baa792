"""Fake installed distributions, written to a folder, for tests.

A tree is a nested dict: a key is a file or folder name, a ``str`` value is a
file's UTF-8 text (written exactly as given), a ``bytes`` value its content,
and a mapping a folder. ``distribution_tree`` builds the tree of one installed
distribution; ``write_tree`` writes any tree under a folder, such as a
temporary ``sys.path`` entry. This module imports nothing from ``registry_core``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, TypeAlias

    Tree: TypeAlias = Mapping[str, "str | bytes | Tree"]

__all__ = ["GROUP", "distribution_tree", "write_tree"]

GROUP = "registry_core.scopes"
"""The entry-point group of plugins, as in ``registry_core.discovery._scan``."""


def write_tree(root: str | os.PathLike[str], tree: Tree) -> None:
    """Write ``tree`` under ``root``, creating folders as needed.

    Existing files are overwritten; existing folders are kept and added to.

    Args:
        root: The folder to write in; created if missing.
        tree: Name -> ``str`` (text, written as UTF-8), ``bytes``, or a mapping
            (a folder). A name may hold ``/`` to reach into sub-folders, but may
            not be empty, absolute, or climb out with ``..``.

    Raises:
        ValueError: A name is empty, absolute or holds ``..``.
        TypeError: A value is none of ``str``, ``bytes`` or a mapping.

    Examples:
        >>> import os, tempfile
        >>> with tempfile.TemporaryDirectory() as root:
        ...     write_tree(root, {"pkg": {"__init__.py": "", "data.bin": b"\\x00"}})
        ...     sorted(os.listdir(os.path.join(root, "pkg")))
        ['__init__.py', 'data.bin']
    """
    root = os.fspath(root)
    os.makedirs(root, exist_ok=True)
    for name, content in tree.items():
        parts = name.split("/")
        if not name or os.path.isabs(name) or "" in parts or ".." in parts:
            raise ValueError(f"{name!r} is not a relative file or folder name")
        path = os.path.join(root, *parts)
        if isinstance(content, Mapping):
            write_tree(path, content)
            continue
        if isinstance(content, str):
            data = content.encode("utf-8")
        elif isinstance(content, bytes):
            data = content
        else:
            raise TypeError(
                f"the content of {name!r} must be str, bytes or a mapping, "
                f"not {type(content).__name__}"
            )
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as file:
            file.write(data)


def distribution_tree(
    name: str,
    version: str = "1.0",
    *,
    scopes: Mapping[str, str] | None = None,
    requires: Sequence[str] = (),
    modules: Mapping[str, str] | None = None,
    entry_points: Mapping[str, Mapping[str, str]] | None = None,
    metadata_extra: Sequence[str] = (),
) -> dict[str, Any]:
    """The tree of one installed distribution, as a wheel installs it.

    The ``{name}-{version}.dist-info`` folder (name and version escaped as
    wheels do: runs of ``-_.`` in the name and ``-`` in the version become
    ``_``) holds ``METADATA``, an empty ``RECORD`` and, when there are entry
    points, ``entry_points.txt``.

    Args:
        name: The project name, as ``METADATA`` spells it.
        version: The ``Version`` field.
        scopes: Scope -> module: the ``registry_core.scopes`` entry points. An
            empty mapping still writes the (empty) section.
        requires: One ``Requires-Dist`` line each, in order.
        modules: Slash-separated path -> source, e.g.
            ``{'toydet/registry.py': '...'}``, written beside the ``.dist-info``.
        entry_points: Other groups: group -> name -> value.
        metadata_extra: More ``METADATA`` lines, e.g. ``'Requires-Python: >=3.10'``,
            written after the others.

    Returns:
        A fresh tree for ``write_tree``.

    Raises:
        ValueError: ``registry_core.scopes`` is given both as ``scopes`` and in
            ``entry_points``, or two ``modules`` paths collide.

    Examples:
        >>> tree = distribution_tree("toy.det", "1.0", scopes={"toydet": "toydet.registry"})
        >>> sorted(tree["toy_det-1.0.dist-info"])
        ['METADATA', 'RECORD', 'entry_points.txt']
        >>> print(tree["toy_det-1.0.dist-info"]["entry_points.txt"])
        [registry_core.scopes]
        toydet = toydet.registry
        <BLANKLINE>
    """
    groups: dict[str, Mapping[str, str]] = {}
    if scopes is not None:
        groups[GROUP] = scopes
    for group, entries in (entry_points or {}).items():
        if group in groups:
            raise ValueError(f"give the {GROUP} entry points as scopes= or in entry_points=")
        groups[group] = entries

    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    lines += metadata_extra
    info: dict[str, Any] = {"METADATA": "".join(f"{line}\n" for line in lines), "RECORD": ""}
    if groups:
        info["entry_points.txt"] = "\n".join(
            f"[{group}]\n" + "".join(f"{key} = {value}\n" for key, value in entries.items())
            for group, entries in groups.items()
        )

    escaped = name.replace("-", "_").replace(".", "_")
    while "__" in escaped:
        escaped = escaped.replace("__", "_")
    tree: dict[str, Any] = {f"{escaped}-{version.replace('-', '_')}.dist-info": info}
    for path, source in (modules or {}).items():
        *folders, filename = path.split("/")
        node = tree
        for folder in folders:
            node = node.setdefault(folder, {})
            if not isinstance(node, dict):
                raise ValueError(f"module path {path!r} runs through the file {folder!r}")
        if isinstance(node.get(filename), dict):
            raise ValueError(f"module path {path!r} is also a folder")
        node[filename] = source
    return tree
