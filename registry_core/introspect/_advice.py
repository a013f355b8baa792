"""What ``check`` tells the reader to do, fitted to the cause and to who reads it.

The reader is either a **user** of a plugin (it came from an index; its
authors fix it) or its **author**, running ``check`` in the plugin's own source
tree: a folder, or one above it, holds the ``pyproject.toml`` of the plugin's
distribution. The author is told what to change in their files, with "you",
and never to report the problem to its authors.

Where a problem is shown (``location``) is always a file the reader can open
and fix: the plugin's own line that raised, the offending line of a syntax
error, or the entry point itself when it names a module that does not exist;
never a frame of Python's own import machinery.
"""

from __future__ import annotations

import os
import sys
import sysconfig

from registry_core.discovery import BLOCK_VAR
from registry_core.discovery._scan import normalize_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType

    from registry_core.discovery import ScopeInfo

__all__ = [
    "Advice",
    "author_diagnostic",
    "author_pyproject",
    "entry_point_line",
    "exception_line",
    "failure_advice",
    "foreign_scope_advice",
    "module_file",
    "raised_at",
]

_GROUP = "registry_core.scopes"


class Advice:
    """The cause, where to look, and what to do, for one failed plugin."""

    __slots__ = ("action", "cause", "location")

    def __init__(self, cause: str | None, location: str | None, action: str) -> None:
        self.cause = cause
        self.location = location
        self.action = action


def author_pyproject(distribution: str, start: str | None = None) -> str | None:
    """The ``pyproject.toml`` of ``distribution`` in the working folder or above, if any."""
    try:
        folder = os.path.abspath(start or os.getcwd())
    except OSError:
        return None
    wanted = normalize_name(distribution)
    while True:
        path = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(path) and _project_name(path) == wanted:
            return path
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _project_name(path: str) -> str | None:
    """The normalised ``[project] name`` of a ``pyproject.toml``, or ``None``."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError):
        return None
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line.strip("[] ")
        elif section == "project" and line.startswith("name") and "=" in line:
            key, _, value = line.partition("=")
            if key.strip() == "name":
                return normalize_name(value.split("#")[0].strip().strip("'\""))
    return None


def entry_point_line(path: str, scope: str) -> str:
    """``path:line`` of the line declaring ``scope`` in the ``registry_core.scopes``
    section of an ``entry_points.txt`` or ``pyproject.toml``, else ``path``."""
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            ours = False
            for number, line in enumerate(file, 1):
                stripped = line.strip()
                if stripped.startswith("["):
                    ours = _GROUP in stripped
                    continue
                name = stripped.partition("=")[0].strip().strip("'\"")
                if ours and "=" in stripped and name == scope:
                    return f"{path}:{number}"
    except OSError:
        pass
    return path


def failure_advice(info: ScopeInfo, cause: BaseException | None) -> Advice:
    """Advice for a plugin whose import failed, by what failed."""
    dist, scope, module = info.distribution, info.scope, info.module
    pyproject = author_pyproject(dist)
    block = f"or block it with {BLOCK_VAR}={scope}"
    if cause is None:
        reinstall = f"reinstall {dist} (pip install --force-reinstall {dist})"
        return Advice(None, None, f"{reinstall}, {block}")
    line = exception_line(cause)
    missing = getattr(cause, "name", None) if isinstance(cause, ModuleNotFoundError) else None
    if isinstance(missing, str) and (module == missing or module.startswith(missing + ".")):
        # The entry point names a module the distribution does not have: a typo
        # in pyproject.toml. Reinstalling the same release changes nothing.
        what = f"the {_GROUP} entry point {scope} = {module} names a module that does not exist"
        if pyproject is not None:
            return Advice(
                what,
                entry_point_line(pyproject, scope),
                f"fix the entry point in your pyproject.toml (the module that creates your "
                f"registries), then reinstall: pip install -e {_project_dir(pyproject)}",
            )
        return Advice(
            what,
            entry_point_line(os.path.join(info.path, "entry_points.txt"), scope),
            f"reinstalling {dist} {info.version} will not fix it: report it to the authors of "
            f"{dist} (their pyproject.toml names the wrong module), install a release that "
            f"works, {block}",
        )
    location = raised_at(cause, module)
    package = module.partition(".")[0]
    if isinstance(missing, str) and missing.partition(".")[0] != package:
        need = missing.partition(".")[0]
        return Advice(
            line,
            location,
            f"install the module it needs, {need!r} (pip install {need}), "
            + (
                "and declare it in your pyproject.toml dependencies"
                if pyproject is not None
                else f"which {dist} should have required; {block}"
            ),
        )
    if pyproject is not None:
        where = f" at {location}" if location else ""
        return Advice(line, location, f"fix your code{where}, then retry (no reinstall needed)")
    return Advice(
        line,
        location,
        f"upgrade or reinstall {dist} (pip install --upgrade {dist}), report the error to its "
        f"authors if it persists, {block}",
    )


def foreign_scope_advice(info: ScopeInfo, attached: tuple[str, ...]) -> Advice:
    """Advice for a plugin refused because it attached registries of other scopes only."""
    names = ", ".join(repr(s) for s in attached)
    cause = f"its registries have scope {names}, not {info.scope!r} (an explicit scope=?)"
    file = module_file(info.module)
    if author_pyproject(info.distribution) is not None:
        action = (
            f"in your module {info.module!r}, drop scope= (the entry point's name, "
            f"{info.scope!r}, is inferred) or pass scope={info.scope!r}; or rename the entry "
            f"point in your pyproject.toml to {attached[0]!r} and reinstall"
        )
    else:
        action = (
            f"report it to the authors of {info.distribution} (its entry point and its "
            f"registries disagree on the scope), or block it with {BLOCK_VAR}={info.scope}"
        )
    return Advice(cause, file, action)


def module_file(module: str) -> str | None:
    """The file of ``module``: the imported module's, else found without importing it."""
    file = getattr(sys.modules.get(module), "__file__", None)
    if isinstance(file, str):
        return file
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):  # its parent package fails, or is not a package
        return None
    origin = None if spec is None else spec.origin
    return origin if isinstance(origin, str) and os.path.isfile(origin) else None


def raised_at(exc: BaseException, module: str) -> str | None:
    """``file:line`` to look at for ``exc``, raised while importing ``module``.

    The offending line of a ``SyntaxError``; else the innermost frame in the
    module's package; else the innermost frame outside Python's standard
    library (never ``importlib/__init__.py``); else ``None``.
    """
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        return f"{exc.filename}:{exc.lineno}"
    package = module.partition(".")[0]
    stdlib = _stdlib_folders()
    innermost = ours = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        file = frame.f_code.co_filename
        where = f"{file}:{tb.tb_lineno}"
        if not file.startswith("<") and not file.startswith(stdlib):
            innermost = where
        name = frame.f_globals.get("__name__")
        if isinstance(name, str) and (name == package or name.startswith(package + ".")):
            ours = where
        tb = tb.tb_next
    return ours or innermost


def _stdlib_folders() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    folders = {paths.get("stdlib", ""), paths.get("platstdlib", ""), os.path.dirname(os.__file__)}
    return tuple(f.rstrip(os.sep) + os.sep for f in folders if f)


def _project_dir(pyproject: str) -> str:
    folder = os.path.dirname(pyproject)
    try:
        relative = os.path.relpath(folder)
    except ValueError:  # another drive
        return folder
    return "." if relative == "." else relative


def exception_line(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def author_diagnostic(message: str, distribution: str | None) -> str:
    """A scan diagnostic worded for its author when ``check`` runs in their tree."""
    if distribution is None:
        return message
    pyproject = author_pyproject(distribution)
    if pyproject is None:
        return message
    kept = [
        s
        for s in message.split(". ")
        if not s.startswith(("Report this to the authors", "Reinstall it:"))
    ]
    text = ". ".join(kept).rstrip(".")
    return (
        f"{text}. It is in your own distribution: fix your pyproject.toml, then reinstall "
        f"(pip install -e {_project_dir(pyproject)})"
    )
