"""The model builder: a list of configs becomes a ``torch.nn.Sequential``.

Torch is an optional extra (``pip install registry-core[torch]``), imported
only when a list of configs is built. The root ``MODELS`` uses this builder,
so a dict config builds exactly as with ``build_from_cfg``, torch or not.
"""

from __future__ import annotations

from registry_core._messages import add_note
from registry_core.build import build_from_cfg
from registry_core.registry import PLAIN_DICT_BUILDERS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["build_model_from_cfg"]


def build_model_from_cfg(
    cfg: Mapping[str, Any] | list[Mapping[str, Any]],
    registry: Registry[Any],
    default_args: Mapping[str, Any] | None = None,
) -> Any:
    """Build a model: a dict as ``build_from_cfg``, a list as ``nn.Sequential``.

    Raises:
        ModuleNotFoundError: a list was given and torch is not installed.
    """
    if isinstance(cfg, list):
        import importlib

        try:
            nn = importlib.import_module("torch.nn")
        except ModuleNotFoundError as exc:
            add_note(
                exc,
                "building a list of configs makes a torch.nn.Sequential: "
                "install torch (pip install 'registry-core[torch]')",
            )
            raise
        return nn.Sequential(*(build_from_cfg(c, registry, default_args) for c in cfg))
    return build_from_cfg(cfg, registry, default_args)


# A dict config builds exactly as with build_from_cfg.
PLAIN_DICT_BUILDERS.add(build_model_from_cfg)
