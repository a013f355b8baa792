"""PEP 678 notes: what ``registry_core`` adds to an exception it lets through.

A constructor's exception reaches the caller as the same object, with a note
naming the registry, scope and type it was built from; an import of a
``locations`` module that fails gets a note naming the registry.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["add_note", "build_note"]


def add_note(exc: BaseException, note: str) -> None:
    """PEP 678 ``add_note``, also on Python 3.10 (where it sets ``__notes__``)."""
    add = getattr(exc, "add_note", None)
    if add is not None:
        add(note)
        return
    notes = getattr(exc, "__notes__", None)
    try:
        if isinstance(notes, list):
            notes.append(note)
        else:
            exc.__notes__ = [note]  # type: ignore[attr-defined, unused-ignore]  # 3.10 only
    except AttributeError:  # an exception type with __slots__ and no __dict__
        pass


def build_note(registry: Registry[Any], obj_type: Any) -> str:
    """The note added to an exception raised while building ``obj_type``."""
    what = obj_type if isinstance(obj_type, str) else getattr(obj_type, "__qualname__", obj_type)
    return (
        f"while building type {what!r} from the {registry._where()} registry "
        f"(scope {registry.scope!r})"
    )
