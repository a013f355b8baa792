"""``Frozen``: validate's name for the library's one value-object base.

See :class:`registry_core._value.Value` (issue 15: one base for every value
object; this alias keeps validate's imports as they are).
"""

from __future__ import annotations

from registry_core._value import Value as Frozen

__all__ = ["Frozen"]
