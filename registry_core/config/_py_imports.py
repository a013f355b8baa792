"""The imports a ``.py`` config written by ``dump_config`` starts with: one per ``ImportRef``.

A pure-Python config names a class by importing it; writing the config back
imports it again, under its own name when that is free (not a top-level key
of the config, which the import would hide, nor the name of another import):

>>> from registry_core import ImportRef
>>> lines, names = import_lines({"model": {"type": ImportRef("mmpretrain.models.ResNet")}})
>>> lines, names
(['from mmpretrain.models import ResNet'], {ImportRef('mmpretrain.models.ResNet'): 'ResNet'})
"""

from __future__ import annotations

import keyword

from registry_core._importref import ImportRef

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["import_lines"]


def _refs(value: Any, found: dict[str, None]) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is ImportRef:
            found.setdefault(item)
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(reversed(list(item)))


def import_lines(config: dict[Any, Any]) -> tuple[list[str], dict[str, str]]:
    """The import statements for the ``ImportRef`` values of ``config``, and the name of each."""
    found: dict[str, None] = {}
    for value in config.values():
        _refs(value, found)
    taken = {k for k in config if isinstance(k, str)}
    lines: list[str] = []
    names: dict[str, str] = {}
    for path in found:
        module, _, name = path.rpartition(".")
        alias = name if name.isidentifier() and not keyword.iskeyword(name) else "imported"
        base, n = alias, 1
        while alias in taken:
            n += 1
            alias = f"{base}_{n}"
        taken.add(alias)
        names[path] = alias
        if not module:
            lines.append(f"import {path} as {alias}")
        elif alias == name:
            lines.append(f"from {module} import {name}")
        else:
            lines.append(f"from {module} import {name} as {alias}")
    return lines, names
