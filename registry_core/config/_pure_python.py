"""MMEngine's pure-Python configs: ``with read_base():`` bases, imports kept as paths.

A ``.py`` config is *pure-Python* when MMEngine would read it so
(``Config._is_lazy_import``): walking its syntax tree, a ``with`` statement,
a relative import or an import of a module outside the standard library comes
before any ``_base_ = ...``. Such a file is loaded as MMEngine loads it
(``Config._parse_lazy_import``), in the safe mode without running or
importing anything:

1. its first ``with read_base():`` block holds ``from <module> import ...``
   statements naming config files (``from .._base_.models.resnet18 import *``:
   relative to the file, one ``.`` per level; or ``pkg.configs.x``, a file
   inside an installed package); each is loaded the same way (nested
   ``read_base`` included) and binds all its names (``*``) or those named,
   before the file's first statement runs;
2. the rest of the file is evaluated (``_pure_python_eval``): plain
   assignment, ``ConfigDict.update`` merging recursively, other imports bound
   to ``ImportRef``; no ``_base_`` merge, no ``{{ }}`` substitution;
3. the config is the file's names less those its imports bound (its bases'
   imports included), names starting with ``__`` and modules and functions.

With ``trusted=True`` step 2 executes the file as Python (``_pure_python_trusted``).
"""

from __future__ import annotations

import ast
import os

from registry_core.config import _cache
from registry_core.config._failures import EvalFailure, UnsafeConstruct, Unshared
from registry_core.config._pure_python_eval import (
    NotMMEngine,
    PurePythonEvaluator,
    bind_base,
    hoist_imports,
    is_builtin_module,
)
from registry_core.config._pure_python_loaded import Loaded, cached, clear, put
from registry_core.config._pure_python_sources import changed_in_place, own_names_and_writes
from registry_core.config._python import failure_error, parse
from registry_core.config._sources import SourceNode
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Final, TypeAlias

    #: A file read: its stat, its text and its syntax tree (``load`` takes the tree out).
    Read: TypeAlias = list[Any]
    #: A path of keys inside a value.
    Path: TypeAlias = tuple[Any, ...]

__all__ = ["cached", "clear", "detect", "is_pure_python", "load", "load_entry"]


def _mentions_import(text: str) -> bool:
    return "import" in text or "with" in text


def is_pure_python(tree: ast.Module) -> bool:
    """Whether MMEngine reads this ``.py`` config as pure-Python (``_is_lazy_import``).

    MMEngine walks the tree breadth first (``ast.walk``): the module's own
    statements come first, so one of them that decides decides.
    """
    decided = _decides(tree.body)
    return decided if decided is not None else bool(_decides(ast.walk(tree)))


def _decides(nodes: Iterable[ast.AST]) -> bool | None:
    """Whether the first of ``nodes`` that decides makes the file pure-Python; ``None``
    when none decides."""
    for node in nodes:
        kind = type(node)
        if kind is ast.Assign:
            target = node.targets[0]  # type: ignore[attr-defined]
            if type(target) is ast.Name and target.id == "_base_":
                return False
        elif kind is ast.With:
            return True
        elif kind is ast.ImportFrom:
            if node.level:  # type: ignore[attr-defined]
                return True
            module = node.module  # type: ignore[attr-defined]
            names = node.names  # type: ignore[attr-defined]
            if module == "mmengine" and len(names) == 1 and names[0].name == "Config":
                continue
            if isinstance(module, str) and not is_builtin_module(module):
                return True
        elif kind is ast.Import and any(
            not is_builtin_module(a.name)
            for a in node.names  # type: ignore[attr-defined]
        ):
            return True
    return None


def detect(path: str, text: str) -> tuple[ast.Module | None, bool]:
    """Whether ``text`` is a pure-Python config, and its syntax tree if it was parsed to know."""
    if not _mentions_import(text):
        return None, False
    tree = parse(path, text)
    return tree, is_pure_python(tree)


def _where(file: str, line: int | None) -> str:
    return f"{file}, line {line}" if line else file


def _error(file: str, node: ast.AST | None, message: str) -> ConfigError:
    line = getattr(node, "lineno", None)
    return ConfigError(f"{_where(file, line)}: {message}", file=file, line=line)


def _read_base_block(file: str, body: list[ast.stmt]) -> tuple[ast.With | None, list[ast.stmt]]:
    """The first ``with read_base():`` block, checked, and the body without it."""
    for index, node in enumerate(body):
        if type(node) is ast.Assign:
            target = node.targets[0]
            if type(target) is ast.Name and target.id == "_base_":
                raise _error(
                    file,
                    node,
                    "_base_ = ... in a pure-Python config: its bases are the imports of "
                    "`with read_base():` (MMEngine refuses this mix too); write "
                    "`with read_base(): from .base import *` instead",
                )
        if type(node) is not ast.With:
            continue
        expr = node.items[0].context_expr
        if (
            len(node.items) > 1
            or type(expr) is not ast.Call
            or type(expr.func) is not ast.Name
            or expr.func.id != "read_base"
        ):
            raise _error(
                file,
                node,
                "a with statement other than `with read_base():`, the only one MMEngine "
                "accepts in a pure-Python config",
            )
        for statement in node.body:
            if type(statement) is not ast.ImportFrom or statement.module is None:
                raise _error(
                    file,
                    statement,
                    "`with read_base():` holds only imports of base configs "
                    "(from .._base_.x import * or from .x import name)",
                )
        return node, [*body[:index], *body[index + 1 :]]
    return None, body


_POSIX: Final = os.sep == "/" and os.altsep is None
#: Path parts after which the folder above is not the parent folder's name.
_NOT_NORMAL: Final = frozenset({os.curdir, os.pardir, ""})


def _is_normal(folder: str) -> bool:
    """Whether ``folder`` is as ``os.path.normpath`` writes it (no ``.``, ``..`` or ``//``)."""
    if os.altsep and os.altsep in folder:
        return False
    return _NOT_NORMAL.isdisjoint(folder.split(os.sep)[1:])


def _folders(file: str) -> dict[int, str] | None:
    """The folders up from ``file``'s by level (``1``: its own; ``_up`` adds the others),
    or ``None`` when its folder is not written as ``os.path.normpath`` writes it."""
    folder = os.path.dirname(file)
    return {1: folder} if _is_normal(folder) else None


def _base_path(file: str, node: ast.ImportFrom, folders: dict[int, str] | None) -> str:
    """The file ``node`` (in ``file``'s ``read_base`` block) names. ``folders``:
    ``_folders(file)``, kept by the caller for the file's other bases."""
    module = node.module or ""
    level = node.level
    if level:
        if folders is None:  # going up is not taking the folder: normpath decides
            parts = [os.pardir] * (level - 1) + module.split(".")
            return os.path.normpath(os.path.join(os.path.dirname(file), *parts) + ".py")
        folder = folders.get(level) or _up(folders, level)  # going up is taking the folder
        # (os.path.join's result: the parts are names, and only a root ends in a separator)
        sep = "" if folder.endswith(os.sep) else os.sep
        return f"{folder}{sep}{module.replace('.', os.sep)}.py"
    package, _, rest = module.partition(".")
    if not rest:
        raise _error(
            file,
            node,
            f"the base {module} is a package, not a config file; name a file inside "
            "it (from pkg.configs.name import *)",
        )
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)  # a top-level name: imports nothing
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise _error(
            file,
            node,
            f"the base {module}: no installed package {package!r} holds it; install "
            "it, or name the base relative to this file (from .x import *)",
        )
    return os.path.join(locations[0], *rest.split(".")) + ".py"


def _up(folders: dict[int, str], level: int) -> str:
    """``folders[level]``, found from the nearest level below it and kept."""
    below = level - 1
    while below not in folders:
        below -= 1
    folder = folders[below]
    for up in range(below + 1, level + 1):
        # (on POSIX, ``os.path.dirname`` of a folder written as normpath writes it)
        folder = (folder.rpartition("/")[0] or "/") if _POSIX else os.path.dirname(folder)
        folders[up] = folder
    return folder


def load(path: str, trusted: bool, chain: tuple[str, ...] = (), read: Read | None = None) -> Loaded:
    """Load the pure-Python config ``path`` (absolute): its names, for itself or an importer.

    ``read``: the file's stat, text and syntax tree, when the caller has them; the tree
    is taken out of it, so that it is freed once evaluated (before the caller copies the
    values: fewer objects alive for the garbage collector, their memory reused).
    """
    key = (path, trusted)
    if read is None:
        known = cached(path, trusted)
        if known is not None:
            return known
        stat, text = _cache.read_text(path)
        tree = parse(path, text)
    else:
        stat, text, tree = read
        read[2] = None
    block, body = _read_base_block(path, list(tree.body))
    own_names, writes = own_names_and_writes(body)
    bases = _Bases(path, chain, trusted, block)
    if trusted:
        from registry_core.config._pure_python_trusted import execute

        bases.bind(None)
        names, own_imported = execute(path, text, body, bases.names, bases.values)
    else:
        try:  # the bases' values shared, but for those the code is seen to change
            bases.bind(changed_in_place(body, writes))
            names, own_imported = _evaluate(path, text, body, bases)
        except Unshared:  # it changes another (through an alias): every value copied
            bases.bind(None)
            names, own_imported = _evaluate(path, text, body, bases)
    del tree, block, body  # (evaluated: see ``read`` above)
    imported = bases.imported | own_imported
    kept = _without_dunders(names)
    # the file's own values stand for their skeleton: ``names`` never changes once
    # loaded (importers and ``config`` get copies); only mappings are kept
    own = {k: v if isinstance(v := kept[k], dict) else None for k in own_names if k in kept}
    source = SourceNode(path, own, writes, bases.sources)
    entry = _cache.Entry({}, source, (stat, *bases.files), {}, ())
    loaded = Loaded(kept, entry, frozenset(imported), bases.apart)
    put(key, loaded)
    return loaded


class _Bases:
    """The bases a file's ``read_base`` block imports, loaded, and the names they bind.

    ``bind`` binds them afresh: ``names`` (the file's names before its code runs),
    ``values`` (each base's names, by the module named), ``frozen`` (the shared
    containers, which the file's code may not change), ``apart`` (the shared values
    bound), ``sources``, ``files`` and ``imported``.
    """

    def __init__(
        self, path: str, chain: tuple[str, ...], trusted: bool, block: ast.With | None
    ) -> None:
        self.path = path
        # (node, module, base, whether it imports *)
        self.loaded: list[tuple[ast.ImportFrom, str, Loaded, bool]] = []
        self.files: list[_cache.Stat] = []
        self.imported: set[str] = set()
        folders = _folders(path) if block is not None else None
        for node in block.body if block is not None else ():
            assert type(node) is ast.ImportFrom
            module = "." * node.level + (node.module or "")
            base = _load_base(path, chain, trusted, node, module, folders)
            star = node.names[0].name == "*"  # (Python allows * only alone)
            self.loaded.append((node, module, base, star))
            self.imported |= base.imported
            files = self.files
            files += [f for f in base.entry.files if f not in files]

    def bind(self, changed: dict[str, list[Path]] | None) -> None:
        """Bind the bases' names: shared, but for those in ``changed`` (copied along
        the paths the code writes, see ``Loaded.share``); all fresh copies when
        ``changed`` is ``None``."""
        self.names: dict[str, Any] = {}
        self.values: dict[str, dict[str, Any]] = {}
        self.sources: list[tuple[frozenset[Any], SourceNode]] = []
        frozen: list[frozenset[int]] = []
        apart: list[Any] = []
        names = self.names
        for node, module, base, star in self.loaded:
            if changed is None:
                base_names = base.take()
            else:
                wanted = changed if star else _base_names_of(node, changed)
                base_names, shared = base.share(wanted)
                frozen.append(shared)
                if not wanted or wanted.keys().isdisjoint(base_names):
                    apart.extend(base_names.values())
                else:
                    apart.extend(v for k, v in base_names.items() if k not in wanted)
            self.values[module] = base_names
            # the names this base binds first (no earlier base bound them)
            if star:
                gained = frozenset(base_names) if not names else base_names.keys() - names.keys()
            else:
                gained = {alias.asname or alias.name for alias in node.names} - names.keys()
            try:
                bind_base(names, module, base_names, node)
            except EvalFailure as failure:
                raise _error(self.path, node, failure.message) from None
            self.sources.append((frozenset(gained), base.entry.source))
        self.frozen = tuple(frozen)
        self.apart = tuple(apart)


def _base_names_of(node: ast.ImportFrom, names: dict[str, list[Path]]) -> dict[str, list[Path]]:
    """``names`` (the file's, with what it writes under each) as the names of the base
    ``node`` imports (by name, not ``*``) that they are bound to."""
    return {
        alias.name: names[alias.asname or alias.name]
        for alias in node.names
        if (alias.asname or alias.name) in names
    }


def _load_base(
    path: str,
    chain: tuple[str, ...],
    trusted: bool,
    node: ast.ImportFrom,
    module: str,
    folders: dict[int, str] | None,
) -> Loaded:
    """The base ``from <module> import ...`` names in ``path``'s ``read_base`` block, loaded
    (``folders``: as for ``_base_path``)."""
    base_path = _base_path(path, node, folders)
    if base_path == path or base_path in chain:
        start = chain.index(base_path) if base_path in chain else len(chain)
        cycle = " -> ".join([*chain[start:], path, base_path])
        raise _error(path, node, f"the read_base imports form a cycle: {cycle}")
    base = cached(base_path, trusted)
    if base is not None:
        return base
    if not os.path.isfile(base_path):
        raise _error(
            path,
            node,
            f"the base {module} does not exist (looked for {base_path}); fix the "
            "import in `with read_base():`",
        )
    return load(base_path, trusted, (*chain, path))


def _without_dunders(names: dict[str, Any]) -> dict[str, Any]:
    """``names`` less those of the form ``__name__`` (``names`` itself when it has
    none, as is usual: found with one search of the names joined, not a step per name)."""
    if "\n__" not in "\n" + "\n".join(names):
        return names
    return {k: v for k, v in names.items() if k[:2] != "__"}


def _evaluate(
    path: str, text: str, body: list[ast.stmt], bases: _Bases
) -> tuple[dict[str, Any], set[str]]:
    names = bases.names
    evaluator = PurePythonEvaluator(names, bases.values, bases.frozen)
    try:
        hoist_imports(evaluator, body)
        evaluator.run(body)
    except NotMMEngine as failure:
        raise _error(
            path,
            failure.node,
            f"{failure.construct}{_code(text, failure.node)} is not what MMEngine reads in a "
            f"pure-Python config: {failure.why}",
        ) from None
    except EvalFailure as failure:
        if isinstance(failure, UnsafeConstruct) and failure.construct.startswith("a with"):
            raise _error(path, failure.node, failure.message) from None
        raise failure_error(failure, path, text) from failure.__cause__
    return names, evaluator.imported


def _code(text: str, node: ast.AST | None) -> str:
    if node is None:
        return ""
    code = " ".join((ast.get_source_segment(text, node) or "").split())
    if len(code) > 80:
        code = code[:77] + "..."
    return f" (`{code}`)" if code else ""


def load_entry(
    path: str, trusted: bool, chain: tuple[str, ...], read: Read
) -> tuple[_cache.Entry, dict[Any, Any]]:
    """``load_file`` for a pure-Python config: its cache entry and a fresh copy of its values.

    The entry holds no values: the file stays in this module's cache (``cached``),
    which a second load reads before parsing anything.
    """
    if chain:
        raise ConfigError(
            f"{chain[-1]}: its _base_ names {path}, a pure-Python config (with "
            "read_base()); a config with _base_ cannot inherit from one, as in MMEngine: "
            "make the config pure-Python too, importing its bases in `with read_base():`",
            file=chain[-1],
        )
    loaded = load(path, trusted, chain, read)
    return loaded.entry, loaded.config()
