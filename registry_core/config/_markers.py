"""What ``import copy`` binds in a safe evaluation: markers, not the module itself.

``import copy`` binds a ``ModuleMarker``, usable only as ``copy.copy(...)`` or
``copy.deepcopy(...)``; ``from copy import deepcopy`` binds a ``FunctionMarker``,
usable only in a call. Neither is config data: the loader drops them, as
MMEngine drops modules and functions.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

__all__ = ["COPY_MODULE", "FunctionMarker", "ModuleMarker", "is_marker"]


class ModuleMarker:
    """What ``import copy`` binds: usable only as ``copy.copy(...)`` / ``copy.deepcopy(...)``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<module 'copy'>"


class FunctionMarker:
    """What ``from copy import deepcopy`` binds: usable only in a call."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<function copy.{self.name}>"


COPY_MODULE: Final = ModuleMarker()
MARKERS: Final = (ModuleMarker, FunctionMarker)


def is_marker(value: object) -> bool:
    """Whether ``value`` is a module or function bound by ``import copy`` (not config data)."""
    return isinstance(value, MARKERS)
