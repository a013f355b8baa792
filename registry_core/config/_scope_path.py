"""``scope::path`` bases: a config file inside an installed codebase.

``'mmdet::_base_/models/retinanet_r50_fpn.py'`` names the file
``_base_/models/retinanet_r50_fpn.py`` in the ``configs/`` (or, as MMEngine
ships them, ``.mim/configs/``) folder of the package of the codebase that
advertises the scope ``mmdet``. The codebase is found from its installed
metadata (``registry_core.available_scopes()``) and its package folder from
the files on ``sys.path``, as Python's path finder would find it, but by
looking at folders only: no finder or import hook runs (``find_spec`` would
run them, and setuptools' ``distutils-precedence.pth`` hook imports some 230
modules when asked for ``distutils``), and nothing of the codebase is
imported. A scope no installed distribution advertises falls back to the
top-level package of that name, which is how MMEngine finds OpenMMLab
codebases that are not registry_core plugins.
"""

from __future__ import annotations

import os
import re
import sys

from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
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
    """The folders of the top-level package ``package``, found from files alone.

    The package already imported gives its ``__path__``. Otherwise the
    entries of ``sys.path`` are looked at in order: the first folder
    ``package`` with an ``__init__.py`` is the package; folders without one
    are the portions of a namespace package, all of them, when no regular
    package comes first.
    """
    module = sys.modules.get(package)
    path = getattr(module, "__path__", None) if module is not None else None
    if path is not None:
        return [p for p in path if isinstance(p, str)]
    portions: list[str] = []
    for entry in sys.path:
        if not isinstance(entry, str):
            continue
        folder = os.path.join(entry or os.getcwd(), package)
        if not os.path.isdir(folder):
            continue
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            return [folder]
        portions.append(folder)
    return portions or _editable_folders(package)


#: setuptools' editable installs: a finder module per project, with a literal mapping of
#: its top-level packages to their folders.
_EDITABLE_FINDER: Final = re.compile(r"__editable___.*_finder\.py")


def _editable_folders(package: str) -> list[str]:
    """The folder of ``package`` in an editable install (setuptools' finder), read from
    the finder's file: the mapping it would use, without importing it."""
    import ast

    for entry in sys.path:
        try:
            names = os.listdir(entry or os.getcwd()) if isinstance(entry, str) else []
        except OSError:
            continue
        for name in names:
            if not _EDITABLE_FINDER.fullmatch(name):
                continue
            try:
                with open(os.path.join(entry or os.getcwd(), name), encoding="utf-8") as f:
                    tree = ast.parse(f.read())
            except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
                continue
            folder = _mapped_folder(tree, package)
            if folder is not None:
                return [folder]
    return []


def _mapped_folder(tree: ast.Module, package: str) -> str | None:
    """``MAPPING[package]`` of a finder module's syntax tree, when it is a literal."""
    import ast

    for statement in tree.body:
        target = getattr(statement, "target", None) or next(
            iter(getattr(statement, "targets", [])), None
        )
        value = getattr(statement, "value", None)
        if isinstance(target, ast.Name) and target.id == "MAPPING" and value is not None:
            try:
                mapping = ast.literal_eval(value)
            except ValueError:
                return None
            folder = mapping.get(package) if isinstance(mapping, dict) else None
            return folder if isinstance(folder, str) and os.path.isdir(folder) else None
    return None
