"""The safe evaluation of MMEngine's pure-Python configs: imports bound, nothing imported.

``PurePythonEvaluator`` is the safe ``Evaluator`` with the semantics MMEngine
gives these files (``Config._parse_lazy_import``): plain Python assignment
(``_base_`` is an ordinary name, and reading it unbound is a ``NameError``),
and imports that import nothing:

- ``from pkg.mod import Name [as N]`` binds ``ImportRef('pkg.mod.Name')``;
  ``import pkg.mod as m`` binds ``ImportRef('pkg.mod')``; a top-level
  ``import pkg.mod`` binds ``pkg`` to ``ImportRef('pkg')``, before the
  file's first statement (MMEngine moves these imports to the top).
  Attribute reads extend the path; calling one is refused.
- the standard library and ``mmengine.config`` are what MMEngine really
  imports: ``read_base``, ``copy`` and ``copy.copy``/``copy.deepcopy``
  work as in a safe config; any other such name is a marker a safe load
  refuses to use.

Every name an import binds is recorded in ``imported``: MMEngine leaves
those names out of the config.
"""

from __future__ import annotations

import ast
import functools
import sys

from registry_core._importref import ImportRef
from registry_core.config._configdict import ConfigDict
from registry_core.config._eval_expressions import (
    DICT_MUTATORS,
    EXPRESSIONS,
    LIST_MUTATORS,
    UNBOUND,
    call_builtin,
)
from registry_core.config._eval_statements import STATEMENTS
from registry_core.config._failures import EvalFailure, UnsafeConstruct, Unshared
from registry_core.config._markers import COPY_MODULE, MARKERS, FunctionMarker
from registry_core.config._safe_calls import COPY_FUNCTIONS
from registry_core.config._safe_eval import Evaluator

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, ClassVar, Final

__all__ = [
    "NotMMEngine",
    "PurePythonEvaluator",
    "RealImport",
    "is_builtin_module",
]

_STDLIB: Final = frozenset(sys.builtin_module_names) | frozenset(
    getattr(sys, "stdlib_module_names", ())
)


@functools.lru_cache(maxsize=1024)  # (asked for every import of every file)
def is_builtin_module(module: str) -> bool:
    """Whether MMEngine really imports ``module`` in a pure-Python config.

    MMEngine imports the standard library and ``mmengine.config`` and reads
    every other import lazily (``mmengine.config.utils._is_builtin_module``,
    which looks where the module is installed; here, the standard library's
    names stand for that, the same on every machine).
    """
    if module.startswith("."):
        return False
    if module.startswith("mmengine.config"):
        return True
    return module.partition(".")[0] in _STDLIB


class RealImport:
    """A name MMEngine would really import (the standard library): unusable in a safe load."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"<imported {self.path}>"


class ReadBase:
    """What ``from mmengine.config import read_base`` binds: only for ``with read_base():``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<function mmengine.config.read_base>"


READ_BASE: Final = ReadBase()

#: The values ``load_name`` looks at twice: unbound, imported for real, or markers.
_SPECIAL: Final = frozenset({type(UNBOUND), RealImport, ReadBase, *MARKERS})


class NotMMEngine(EvalFailure):
    """A construct MMEngine refuses in a pure-Python config too (executing it would not help).

    Attributes:
        construct: what it is, in words.
        why: what MMEngine accepts instead.
    """

    def __init__(self, construct: str, why: str) -> None:
        super().__init__(f"{construct}: {why}")
        self.construct = construct
        self.why = why


def _plain_assign(ev: Evaluator, node: ast.Assign) -> None:
    value = ev.expr(node.value)
    targets = node.targets
    if len(targets) == 1 and type(targets[0]) is ast.Name:  # most are `name = value`
        ev.store_name(targets[0].id, value)
        return
    for target in targets:
        ev.store(target, value)


def _import_from(ev: PurePythonEvaluator, node: ast.ImportFrom) -> None:
    module = "." * node.level + (node.module or "")
    if node.module is None:
        raise NotMMEngine(
            f"from {module} import ...",
            "a pure-Python config imports names from a module (from .x import name)",
        )
    base = ev.bases.get(module)
    if base is not None:  # a base of the read_base block, imported again
        bind_base(ev.ns, module, base, node)
        return
    builtin = is_builtin_module(module)
    imported = ev.imported
    for alias in node.names:
        name = alias.name
        if name == "*":
            raise NotMMEngine(
                f"from {module} import *",
                "MMEngine imports * only from the bases of the `with read_base():` block; "
                "import the names the config uses",
            )
        bound = alias.asname or name
        value: Any
        if not builtin:
            value = ImportRef(f"{module}.{name}")
        elif module == "copy" and name in COPY_FUNCTIONS:
            value = FunctionMarker(name)
        elif module.startswith("mmengine.config") and name == "read_base":
            value = READ_BASE
        else:
            value = RealImport(f"{module}.{name}")
        ev.store_name(bound, value)
        imported.add(bound)


def _real_module(name: str) -> Any:
    return COPY_MODULE if name == "copy" else RealImport(name)


def _import(ev: PurePythonEvaluator, node: ast.Import) -> None:
    if len(node.names) > 1:
        raise NotMMEngine(
            "an import of several modules in one statement",
            "MMEngine reads one module per import statement in a pure-Python config",
        )
    alias = node.names[0]
    top = alias.name.partition(".")[0]
    builtin = is_builtin_module(top)
    if alias.asname is not None:
        ev.store_name(alias.asname, _real_module(alias.name) if builtin else ImportRef(alias.name))
        ev.imported.add(alias.asname)
    elif builtin:
        ev.store_name(top, _real_module(alias.name))
    elif node not in ev.hoisted:
        raise UnsafeConstruct(
            f"an import of {alias.name} inside a block",
            "MMEngine really imports it there (only top-level imports are read lazily)",
        )


def hoist_imports(ev: PurePythonEvaluator, body: list[ast.stmt]) -> None:
    """Bind the top-level ``import pkg.mod`` names first, as MMEngine moves them to the top."""
    for statement in body:
        if type(statement) is not ast.Import:
            continue
        for alias in statement.names:
            top = alias.name.partition(".")[0]
            if alias.asname is None and not is_builtin_module(top):
                ev.hoisted.add(statement)
                ev.ns[top] = ImportRef(top)
                ev.imported.add(top)


def bind_base(ns: dict[str, Any], module: str, names: dict[str, Any], node: ast.ImportFrom) -> None:
    """Bind what ``from <base> import ...`` names: all of the base's names for ``*``."""
    for alias in node.names:
        if alias.name == "*":
            ns.update(names)
            return
        if alias.name not in names:
            raise NotMMEngine(
                f"from {module} import {alias.name}",
                f"the base config {module} does not set {alias.name!r}",
            )
        ns[alias.asname or alias.name] = names[alias.name]


def _with(ev: Evaluator, node: ast.With) -> None:
    raise NotMMEngine(
        "a with statement",
        "a pure-Python config has one `with read_base():` block, its first with statement, "
        "holding the imports of its bases",
    )


def _imported_callee(ev: Evaluator, func: ast.expr) -> Any:
    root = func
    while type(root) is ast.Attribute:
        root = root.value
    if type(root) is not ast.Name:
        return None
    bound = ev.lookup(root.id)
    return bound if isinstance(bound, (ImportRef, RealImport, ReadBase)) else None


_BASE_CALL: Final = EXPRESSIONS[ast.Call]


def _call(ev: Evaluator, node: ast.Call) -> Any:
    func = node.func
    if type(func) is ast.Name:
        name = func.id
        bound = ev.lookup(name) if ev.scopes else ev.ns.get(name, UNBOUND)
        if bound is UNBOUND and name != "_base_":  # a built-in
            return call_builtin(ev, node, name)
    imported = _imported_callee(ev, func)
    if imported is not None:
        name = imported.path if isinstance(imported, RealImport) else str(imported)
        if isinstance(imported, ReadBase):
            name = "read_base"
        if isinstance(imported, RealImport):  # MMEngine imports it: executing would call it
            raise UnsafeConstruct(f"a call of {name}", "a safe load imports nothing")
        raise NotMMEngine(
            f"a call of {name}",
            "MMEngine reads an import lazily, as its path, and cannot call it while the "
            "config loads either; name it (type=Name) and let the registry build it",
        )
    return _BASE_CALL(ev, node)


class PurePythonEvaluator(Evaluator):
    """The safe evaluator with MMEngine's semantics for pure-Python configs.

    Args:
        namespace: the file's names, holding what its bases bound already.
        bases: the bases' names by the module the ``read_base`` block named.
        frozen: the identities of the containers the file shares with other loads,
            a set per base (its values, see ``Loaded.share``): changing one in place raises
            ``Unshared``, and the file is evaluated again on copies.

    Attributes:
        imported: the names the file's imports bound (left out of the config).
        hoisted: the top-level ``import pkg.mod`` statements bound first.
    """

    statements: ClassVar[dict[type, Callable[[Any, Any], None]]] = {
        **STATEMENTS,
        ast.Assign: _plain_assign,
        ast.Import: _import,
        ast.ImportFrom: _import_from,
        ast.With: _with,
    }
    expressions: ClassVar[dict[type, Callable[[Any, Any], Any]]] = {
        **EXPRESSIONS,
        ast.Call: _call,
    }

    def __init__(
        self,
        namespace: dict[str, Any],
        bases: dict[str, dict[str, Any]],
        frozen: tuple[frozenset[int], ...] = (),
    ) -> None:
        super().__init__(namespace)
        self.bases = bases
        self.frozen = frozen
        self.imported: set[str] = set()
        self.hoisted: set[ast.stmt] = set()

    def changing(self, obj: Any) -> None:
        key = id(obj)
        for shared in self.frozen:
            if key in shared:
                raise Unshared

    def calling(self, obj: Any, attr: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        if not self.frozen:  # (a file without bases shares nothing)
            return
        if type(obj) is list:
            if attr in LIST_MUTATORS:
                self.changing(obj)
        elif attr in DICT_MUTATORS or attr == "merge":
            self.changing(obj)
            if attr == "update" and type(obj) is ConfigDict:
                self._merging(obj, args[0] if args else {}, kwargs)

    def _merging(self, mine: ConfigDict, *others: Any) -> None:
        """Refuse a ``ConfigDict.update`` that would change a shared mapping inside ``mine``."""
        for other in others:
            if not isinstance(other, dict):
                continue
            for key, value in dict.items(other):
                below = dict.get(mine, key)
                if isinstance(below, dict) and isinstance(value, dict):
                    self.changing(below)
                    if type(below) is ConfigDict:
                        self._merging(below, value)

    def load_name(self, name: str) -> Any:
        value = self.lookup(name) if self.scopes else self.ns.get(name, UNBOUND)
        if type(value) not in _SPECIAL:  # data: what the base class would return too
            return value
        if isinstance(value, (RealImport, ReadBase)):
            what = "read_base" if isinstance(value, ReadBase) else value.path
            raise UnsafeConstruct(
                f"{name} ({what}, which MMEngine imports) used as a value",
                "a safe load imports nothing",
            )
        return super().load_name(name)

    def missing_name(self, name: str) -> Any:
        if name == "_base_":
            raise EvalFailure(
                "NameError: name '_base_' is not defined: a pure-Python config reads its "
                "bases' values through the names it imports in `with read_base():`, "
                "not through _base_ (MMEngine fails here too)"
            )
        return super().missing_name(name)

    def read_attribute(self, value: Any, attr: str) -> Any:
        if isinstance(value, ImportRef):
            if attr.startswith("__"):
                return super().read_attribute(value, attr)
            return ImportRef(f"{value}.{attr}")
        if isinstance(value, (RealImport, ReadBase)):  # pragma: no cover - load_name refuses
            raise UnsafeConstruct(f"an attribute of {value!r}", "a safe load imports nothing")
        return super().read_attribute(value, attr)
