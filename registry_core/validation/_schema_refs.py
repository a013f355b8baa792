"""References to a schema's definitions: a key may hold ``/`` (MMPretrain registers
``torchvision/RandomHorizontalFlip``), which a JSON Pointer must escape."""

from __future__ import annotations

__all__ = ["ref"]


def ref(name: str) -> str:
    """The ``$ref`` of the definition ``name`` under ``$defs`` (RFC 6901 escaping)."""
    return "#/$defs/" + name.replace("~", "~0").replace("/", "~1")
