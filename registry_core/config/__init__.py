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

import os

from registry_core.config._config import Config
from registry_core.errors import ConfigError

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


def load_config(path: str | os.PathLike[str], *, trusted: bool = False) -> Config:
    """Load the config file ``path`` with its ``_base_`` files.

    Args:
        path: a ``.py``, ``.json``, ``.toml``, ``.yaml`` or ``.yml`` file.
        trusted: execute ``.py`` configs (this file and its bases) as Python,
            as MMEngine does, instead of evaluating them as data. Only for
            files you trust.

    Returns:
        The merged values, as a ``Config`` (a ``dict``) whose ``filename`` is
        the absolute path of ``path`` and whose ``source_of`` names the file
        that set a path.

    Raises:
        ConfigError: the file or a base is missing, unreadable, not valid in
            its format, uses a construct outside the safe subset, or its
            inheritance is wrong; ``file`` and ``line`` say where.
    """
    if not isinstance(trusted, bool):
        raise TypeError(f"trusted is a bool, not {type(trusted).__name__}")
    file = os.path.abspath(os.path.expanduser(os.fspath(path)))
    if not os.path.isfile(file):
        raise ConfigError(
            f"{file}: no such config file" + (" (it is a folder)" if os.path.isdir(file) else ""),
            file=file,
        )
    from registry_core.config._inherit import load_file

    entry, values = load_file(file, trusted)
    return Config(values, filename=file, _sources=entry.source)
