"""``.py`` configs: parsing, the ``_base_`` list, and the safe evaluation of the file.

The file is parsed with ``ast.parse`` (which runs nothing). Its bases are the
value of its first top-level ``_base_ = ...``, evaluated as data. Its own
values are the module-level names the safe evaluator binds, less ``_base_`` and
``import copy``; with ``trusted=True`` they come from executing it
(``_trusted``).
"""

from __future__ import annotations

import ast

from registry_core.config._failures import EvalFailure, UnsafeConstruct
from registry_core.config._markers import is_marker
from registry_core.config._safe_eval import Evaluator
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from registry_core.config._configdict import ConfigDict
    from registry_core.config._sources import WriteLog

__all__ = ["base_entries", "evaluate_safe", "name_lines", "parse"]

_TRUSTED_HINT = (
    "A safe load runs none of the file's code. If you trust the file, "
    "load_config(path, trusted=True) (--trusted on the command line) executes it as "
    "Python, as MMEngine does."
)


def parse(file: str, text: str) -> ast.Module:
    """The syntax tree of ``text``.

    Raises:
        ConfigError: ``text`` is not valid Python, with the line.
    """
    try:
        return ast.parse(text, filename=file)
    except SyntaxError as exc:
        line = exc.lineno
        where = f"{file}, line {line}" if line else file
        raise ConfigError(
            f"{where}: syntax error: {exc.msg}; fix the file", file=file, line=line
        ) from exc
    except (RecursionError, MemoryError) as exc:
        raise ConfigError(
            f"{file}: cannot parse the file: it is nested too deeply for Python's parser",
            file=file,
        ) from exc
    except ValueError as exc:  # null bytes, on Python < 3.12
        raise ConfigError(f"{file}: cannot parse the file: {exc}", file=file) from exc


def name_lines(tree: ast.Module) -> dict[str, int]:
    """Top-level name -> the line of its last top-level assignment."""
    lines: dict[str, int] = {}
    for statement in tree.body:
        if type(statement) is ast.Assign:
            for target in statement.targets:
                if type(target) is ast.Name:
                    lines[target.id] = statement.lineno
    return lines


def _segment(text: str, node: ast.AST | None) -> str:
    if node is None:
        return ""
    try:
        code = ast.get_source_segment(text, node) or ""
    except Exception:  # pragma: no cover - positions the parser gave are in the text
        code = ""
    code = " ".join(code.split())
    return code if len(code) <= 80 else code[:77] + "..."


def failure_error(failure: EvalFailure, file: str, text: str) -> ConfigError:
    """The ``ConfigError`` for a failure of the safe evaluation of ``file``."""
    node = failure.node
    line = getattr(node, "lineno", None)
    where = f"{file}, line {line}" if line else file
    code = _segment(text, node)
    shown = f" (`{code}`)" if code else ""
    if isinstance(failure, UnsafeConstruct):
        why = f" ({failure.why})" if failure.why else ""
        message = (
            f"{where}: {failure.construct}{shown} is outside the data subset that a safe "
            f".py config may use{why}. {_TRUSTED_HINT}"
        )
    else:
        what = f"`{code}`" if code else "the file"
        message = f"{where}: evaluating {what} failed: {failure.message}"
    return ConfigError(message, file=file, line=line)


def base_entries(file: str, text: str, tree: ast.Module) -> tuple[list[str], int | None]:
    """The bases a ``.py`` config names (its first top-level ``_base_ = ...``) and that line."""
    for statement in tree.body:
        if type(statement) is not ast.Assign:
            continue
        target = statement.targets[0]
        if type(target) is ast.Name and target.id == "_base_":
            try:
                value = Evaluator({}).evaluate(statement.value)
            except EvalFailure as failure:
                raise failure_error(failure, file, text) from failure.__cause__
            return as_paths(file, statement.lineno, value), statement.lineno
    return [], None


def as_paths(file: str, line: int | None, value: Any) -> list[str]:
    """``_base_`` as a list of paths: it is one path or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    where = f"{file}, line {line}" if line else file
    raise ConfigError(
        f"{where}: _base_ is a path or a list of paths, not {value!r}", file=file, line=line
    )


def evaluate_safe(
    file: str,
    text: str,
    tree: ast.Module,
    base: Callable[[], ConfigDict] | None,
    writes: WriteLog | None,
) -> dict[str, Any]:
    """The module-level names of a ``.py`` config, evaluated as data (runs nothing).

    Raises:
        ConfigError: the file uses a construct outside the subset, passes a
            limit, or fails as Python would fail (naming the file and line).
    """
    namespace: dict[str, Any] = {}
    try:
        Evaluator(namespace, base=base, writes=writes).run(tree.body)
    except EvalFailure as failure:
        raise failure_error(failure, file, text) from failure.__cause__
    namespace.pop("_base_", None)
    return {k: v for k, v in namespace.items() if not is_marker(v)}
