"""``scope::path`` bases: a config file inside an installed codebase.

``'mmdet::_base_/models/retinanet_r50_fpn.py'`` names the file
``_base_/models/retinanet_r50_fpn.py`` in the ``configs/`` (or, as MMEngine
ships them, ``.mim/configs/``) folder of the package of the codebase that
advertises the scope ``mmdet``. The codebase is found from its installed
metadata (``registry_core.available_scopes()``) and its package from
``importlib.util.find_spec`` of the top-level name, which runs no code of it:
nothing of the codebase is imported. A scope no installed distribution
advertises falls back to the top-level package of that name, which is how
MMEngine finds OpenMMLab codebases that are not registry_core plugins.
"""

from __future__ import annotations

import importlib.util
import os

from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

__all__ = ["CONFIG_FOLDERS", "find_scope_config"]

CONFIG_FOLDERS: Final = ("configs", os.path.join(".mim", "configs"))
"""Where, inside a codebase's package folder, its config files are looked for."""


def _where(file: str, line: int | None) -> str:
    return f"{file}, line {line}" if line else file


def find_scope_config(entry: str, file: str, line: int | None) -> str:
    """The absolute path of the ``scope::path`` base ``entry`` of ``file``.

    Raises:
        ConfigError: no installed codebase has that scope, two do, or its
            package has no such config file.
    """
    from registry_core.discovery import available_scopes

    scope, _, relative = entry.partition("::")
    info = available_scopes().get(scope)
    where = _where(file, line)
    if info is not None and info.status == "conflict":
        raise ConfigError(
            f"{where}: the base {entry!r} names the scope {scope!r}, which "
            f"{' and '.join(info.claimants)} all advertise; uninstall all but one",
            file=file,
            line=line,
        )
    if info is not None:
        package = info.module.partition(".")[0]
        owner = f"the package {package!r} of {info.distribution} (which advertises {scope!r})"
    elif scope.isidentifier():
        package = scope
        owner = f"the package {package!r}"
    else:
        package = ""
        owner = ""
    folders = _package_folders(package) if package else []
    if not folders:
        known = ", ".join(sorted(available_scopes())) or "none"
        raise ConfigError(
            f"{where}: the base {entry!r} names the scope {scope!r}, but no installed "
            f"distribution advertises it and no package of that name is installed "
            f"(scopes installed: {known}); install the codebase, or fix the scope",
            file=file,
            line=line,
        )
    tried = []
    for folder in folders:
        for configs in CONFIG_FOLDERS:
            candidate = os.path.join(folder, configs, relative)
            if os.path.isfile(candidate):
                return os.path.abspath(candidate)
            tried.append(os.path.join(folder, configs))
    raise ConfigError(
        f"{where}: the base {entry!r}: {owner} has no config {relative!r} in {' or '.join(tried)}",
        file=file,
        line=line,
    )


def _package_folders(package: str) -> list[str]:
    """The folders of the top-level package ``package``, found without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return []
    if spec is None:
        return []
    if spec.submodule_search_locations:
        return list(spec.submodule_search_locations)
    return []
