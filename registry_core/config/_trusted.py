"""``trusted=True``: a ``.py`` config executed as Python, as MMEngine executes it.

For files you trust only: this runs everything in the file. As in MMEngine,
the first top-level ``_base_ = ...`` names the bases (and every ``_base_ =``
assignment is dropped before the file runs), ``_base_`` is the merged bases
as ``ConfigDict``, ``{{_base_.a.b}}`` tokens become references to base values,
and the module-level names form the config, less modules and functions.
"""

from __future__ import annotations

import ast
import sys
import types

from registry_core.config._eval_expressions import base_reference
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.config._configdict import ConfigDict

__all__ = ["execute", "run"]

_DROPPED = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType)


class _Prepare(ast.NodeTransformer):
    """Drops ``_base_ = ...`` assignments; turns ``{{_base_.a.b}}`` into its reference string."""

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        first = node.targets[0]
        if type(first) is ast.Name and first.id == "_base_":
            return ast.copy_location(ast.Pass(), node)
        self.generic_visit(node)
        return node

    def visit_Set(self, node: ast.Set) -> ast.AST:
        reference = base_reference(node)
        if reference is not None:
            return ast.copy_location(ast.Constant("{{_base_." + reference + "}}"), node)
        self.generic_visit(node)
        return node


def execute(file: str, tree: ast.Module, base: ConfigDict) -> dict[str, Any]:
    """Run the config ``file`` (already parsed into ``tree``) and return its names.

    Raises:
        ConfigError: running it raised, with the line of the file it failed at.
    """
    prepared = ast.fix_missing_locations(_Prepare().visit(tree))
    namespace: dict[str, Any] = {"_base_": base}
    run(prepared, file, namespace)
    namespace.pop("_base_", None)
    namespace.pop("__builtins__", None)
    return {k: v for k, v in namespace.items() if not isinstance(v, _DROPPED)}


def run(tree: ast.Module, file: str, namespace: dict[str, Any]) -> None:
    """Execute ``tree`` as the code of ``file`` in ``namespace`` (trusted mode only).

    Raises:
        ConfigError: the code raised; with the line of ``file`` it failed at.
    """
    try:
        code = compile(tree, file, "exec", dont_inherit=True)
        exec(code, namespace, namespace)  # trusted mode executes, on purpose
    except Exception as exc:
        line = _line_in(file, exc)
        where = f"{file}, line {line}" if line else file
        raise ConfigError(
            f"{where}: executing the config (trusted=True) raised {type(exc).__name__}: {exc}",
            file=file,
            line=line,
        ) from exc


def _line_in(file: str, exc: BaseException) -> int | None:
    if isinstance(exc, SyntaxError) and exc.filename == file:
        return exc.lineno
    line = None
    tb = exc.__traceback__ or sys.exc_info()[2]
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == file:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
