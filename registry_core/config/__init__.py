"""Config files: ``load_config``, ``dump_config`` and ``Config``.

``load_config`` reads ``.py``, ``.json``, ``.toml`` and ``.yaml``/``.yml``
configs with MMEngine's inheritance (``_base_``, ``_delete_``,
``{{_base_.a.b}}``, predefined and environment variables). A ``.py`` config
runs no code: it is evaluated as data from its syntax tree (``_safe_eval``),
unless ``trusted=True`` executes it as MMEngine does. See
``docs/config-files.md``.

Nothing here is imported by ``import registry_core``: the package loads on
first use of one of these names.
"""

from __future__ import annotations

from registry_core.config._config import Config
from registry_core.config._load import load_config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from registry_core.config._dump import dump_config

__all__ = ["Config", "dump_config", "load_config"]


def __getattr__(name: str) -> object:
    # Writing configs is apart from reading them: ``load_config`` never needs it.
    if name == "dump_config":
        from registry_core.config._dump import dump_config

        globals()[name] = dump_config
        return dump_config
    raise AttributeError(f"module 'registry_core.config' has no attribute {name!r}")
