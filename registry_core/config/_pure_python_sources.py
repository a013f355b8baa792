"""What a pure-Python config sets itself, read from its syntax, for ``Config.source_of``.

A top-level name the file assigns (``x = ...``) is the file's own. A name it only
changes (``model.update(backbone=dict(depth=50))``, ``model.head.num_classes = 10``,
``cfg['a'] = 1``, ``model.merge(...)``) stays its base's, with the paths changed
recorded as the file's writes: ``model.backbone.depth`` is then this file's, and
``model.neck`` the base's. Paths are read from the code as written (keyword
arguments, ``dict(...)`` and ``{...}`` with constant keys); what cannot be read
statically counts as a change of the whole value.

>>> import ast
>>> body = ast.parse("a = 1\\nmodel.update(backbone=dict(depth=50), head={'n': 2})\\n").body
>>> own, writes = own_names_and_writes(body)
>>> sorted(own), sorted(writes)
(['a'], [('model', 'backbone', 'depth'), ('model', 'head', 'n')])
"""

from __future__ import annotations

import ast

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeAlias

    Path: TypeAlias = tuple[Any, ...]

__all__ = ["changed_in_place", "own_names_and_writes"]

_MERGING = frozenset({"update", "merge"})


def own_names_and_writes(body: list[ast.stmt]) -> tuple[set[str], set[Path]]:
    """The top-level names ``body`` assigns, and the paths it changes inside others."""
    own: set[str] = set()
    writes: set[Path] = set()
    for statement in body:
        kind = type(statement)
        if kind is ast.Assign or kind is ast.AugAssign or kind is ast.For:
            targets = (
                statement.targets  # type: ignore[attr-defined]
                if kind is ast.Assign
                else [statement.target]  # type: ignore[attr-defined]
            )
            for target in targets:
                _target(target, own, writes)
        elif kind is ast.Expr and type(statement.value) is ast.Call:  # type: ignore[attr-defined]
            _call(statement.value, own, writes)  # type: ignore[attr-defined]
        elif kind is ast.Delete:
            for target in statement.targets:  # type: ignore[attr-defined]
                _target(target, own, writes)
    return own, writes


def _path(node: ast.expr) -> Path | None:
    """``('model', 'head')`` for ``model.head`` or ``model['head']``; None if not static."""
    parts: list[Any] = []
    while True:
        kind = type(node)
        if kind is ast.Attribute:
            parts.append(node.attr)  # type: ignore[attr-defined]
            node = node.value  # type: ignore[attr-defined]
        elif kind is ast.Subscript and type(node.slice) is ast.Constant:  # type: ignore[attr-defined]
            parts.append(node.slice.value)  # type: ignore[attr-defined]
            node = node.value  # type: ignore[attr-defined]
        elif kind is ast.Name:
            parts.append(node.id)  # type: ignore[attr-defined]
            return tuple(reversed(parts))
        else:
            return None


def _root(node: ast.expr) -> str | None:
    while type(node) in (ast.Attribute, ast.Subscript):
        node = node.value  # type: ignore[attr-defined]
    return node.id if type(node) is ast.Name else None


def _target(target: ast.expr, own: set[str], writes: set[Path]) -> None:
    kind = type(target)
    if kind is ast.Name:
        own.add(target.id)  # type: ignore[attr-defined]
    elif kind is ast.Tuple or kind is ast.List:
        for element in target.elts:  # type: ignore[attr-defined]
            _target(element, own, writes)
    elif kind is ast.Starred:
        _target(target.value, own, writes)  # type: ignore[attr-defined]
    else:
        path = _path(target)
        if path is not None:
            writes.add(path)
        else:
            root = _root(target)
            if root is not None:
                writes.add((root,))


def _call(call: ast.Call, own: set[str], writes: set[Path]) -> None:
    func = call.func
    if type(func) is not ast.Attribute:
        return
    owner = _path(func.value)
    if owner is None:
        root = _root(func.value)
        if root is not None:
            writes.add((root,))
        return
    if func.attr not in _MERGING:
        writes.add(owner)  # append, pop, ...: the container changed
        return
    found = False
    for keyword in call.keywords:
        if keyword.arg is None:
            writes.add(owner)
            return
        _value(keyword.value, (*owner, keyword.arg), writes)
        found = True
    for argument in call.args:
        if not _mapping(argument, owner, writes):
            writes.add(owner)
            return
        found = True
    if not found:
        writes.add(owner)


def _mapping(node: ast.expr, at: Path, writes: set[Path]) -> bool:
    """Record the paths of a ``dict(...)`` or ``{...}`` merged at ``at``; False if not one."""
    if type(node) is ast.Call and type(node.func) is ast.Name and node.func.id == "dict":
        if node.args or any(k.arg is None for k in node.keywords):
            return False
        for keyword in node.keywords:
            _value(keyword.value, (*at, keyword.arg), writes)
        return True
    if type(node) is ast.Dict:
        if not all(type(k) is ast.Constant for k in node.keys):
            return False
        for key, value in zip(node.keys, node.values, strict=True):
            _value(value, (*at, key.value), writes)  # type: ignore[union-attr]
        return True
    return False


def _value(node: ast.expr, at: Path, writes: set[Path]) -> None:
    """A value merged at ``at``: a mapping merges key by key, anything else replaces."""
    if not _mapping(node, at, writes):
        writes.add(at)


def changed_in_place(body: list[ast.stmt], writes: set[Path]) -> set[str]:
    """The top-level names whose values ``body`` is seen to change in place: the first
    name of each path it writes (``writes``, from ``own_names_and_writes``), and those
    of augmented assignments (``x += [...]`` extends the list ``x``). A change made
    another way (through another name, inside an expression) is not seen here: the
    evaluator refuses it on a shared value (``PurePythonEvaluator.frozen``)."""
    changed = {path[0] for path in writes if path and type(path[0]) is str}
    for statement in body:
        if type(statement) is ast.AugAssign and type(statement.target) is ast.Name:
            changed.add(statement.target.id)
    return changed
