"""``load_config``: a config file with its ``_base_`` files, as a ``Config``.

(Its own module, which ``dump_config`` loads written files back with: the
package imports both. It imports the loader at once: ``registry_core.config``
is imported on first use, which is a load, and an import inside the function
costs each call about a microsecond.)
"""

from __future__ import annotations

import os

from registry_core.config._config import Config
from registry_core.config._inherit import load_file
from registry_core.errors import ConfigError

__all__ = ["load_config"]


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
    try:
        entry, values = load_file(file, trusted)
    except ConfigError as exc:
        # (looked at once the load failed: a load of a file that is there pays no stat for it)
        if not os.path.isfile(file):
            where = " (it is a folder)" if os.path.isdir(file) else ""
            raise ConfigError(f"{file}: no such config file{where}", file=file) from exc
        raise
    return Config(values, filename=file, _sources=entry.source)
