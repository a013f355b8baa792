"""``ImportRef``: a name a pure-Python config imports, kept as its dotted path.

MMEngine's pure-Python configs import the classes they name
(``from mmpretrain.models import ResNet``, then ``type=ResNet``). A safe load
imports nothing: the name is bound to an ``ImportRef``, a ``str`` holding the
dotted path, which compares equal to the string MMEngine's
``Config.to_dict()`` gives for it. Reading an attribute of it extends the path,
as reading an attribute of the imported module would reach further in:

>>> nn = ImportRef("torch.nn")
>>> nn.BatchNorm2d
ImportRef('torch.nn.BatchNorm2d')
>>> nn.BatchNorm2d == "torch.nn.BatchNorm2d"
True

A registry takes an ``ImportRef`` as a ``type`` and resolves it to the
registered object that path names, without importing it (see
``docs/registry.md``). This module imports nothing, so the lowest layers can
use it.
"""

from __future__ import annotations

__all__ = ["ImportRef"]


class ImportRef(str):
    """The dotted import path of a name a config imports (``'torch.nn.BatchNorm2d'``).

    A ``str``: it compares, hashes and serialises as its path. Attribute reads
    that are not ``str`` attributes extend the path (names starting with ``_``
    never do, so that ``copy`` and ``pickle`` see an ordinary string).
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> ImportRef:
        if name.startswith("_"):
            raise AttributeError(name)
        return ImportRef(f"{self}.{name}")

    def __repr__(self) -> str:
        return f"ImportRef({str.__repr__(self)})"

    def __reduce__(self) -> tuple[type[ImportRef], tuple[str]]:
        return (ImportRef, (str(self),))
