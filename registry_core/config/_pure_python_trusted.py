"""``trusted=True`` for a pure-Python config: the file executed as Python, imports read lazily.

As MMEngine runs these files: the ``read_base`` block's bases are already
bound (``_pure_python``); the rest of the file runs as Python, where an
import of a module outside the standard library imports nothing and binds
a lazy name (attribute reads extend its path) that becomes an ``ImportRef``
in the config. Relative imports of the bases resolve against the file
itself, so the file needs no package. For files you trust only.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import types

from registry_core._importref import ImportRef
from registry_core.config._pure_python_eval import ReadBase, is_builtin_module

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

__all__ = ["execute"]


class _Lazy:
    """An import a trusted pure-Python config made: its path, extended by attribute reads."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __getattr__(self, name: str) -> _Lazy:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Lazy(f"{self.path}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"{self.path} is an import the config reads lazily, as MMEngine does: it is "
            "not imported, so it cannot be called while the config loads"
        )

    def __repr__(self) -> str:
        return f"<lazy import {self.path}>"


class _ReadBase(ReadBase):
    """``read_base`` in a trusted run: a context manager doing nothing (the block is gone)."""

    __slots__ = ()

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        yield


class _Bases:
    """What ``from <base> import ...`` outside the block finds: the base's names."""

    def __init__(self, names: dict[str, Any]) -> None:
        self.__dict__.update(names)


def _importer(bases: dict[str, dict[str, Any]]) -> Any:
    real = builtins.__import__

    def import_(
        name: str,
        globals: Any = None,
        locals: Any = None,
        fromlist: Any = (),
        level: int = 0,
    ) -> Any:
        module = "." * level + name
        if module in bases:
            return _Bases(bases[module])
        if fromlist and set(fromlist) <= {"read_base"} and name.startswith("mmengine.config"):
            return types.SimpleNamespace(read_base=_ReadBase())  # MMEngine need not be installed
        if not level and is_builtin_module(name):  # MMEngine imports these: so does this
            return real(name, globals, locals, fromlist, level)
        if fromlist:
            return _Lazy(module)
        return _Lazy(module.partition(".")[0] if not level else module)

    return import_


def imported_names(body: list[ast.stmt], bases: dict[str, dict[str, Any]]) -> set[str]:
    """The names MMEngine records as imported (left out of the config)."""
    names: set[str] = set()
    for statement in body:
        for node in ast.walk(statement):
            if type(node) is ast.ImportFrom:
                if "." * node.level + (node.module or "") in bases:
                    continue
                names.update(a.asname or a.name for a in node.names if a.name != "*")
            elif type(node) is ast.Import:
                for alias in node.names:
                    if alias.asname is not None:
                        names.add(alias.asname)
                    elif statement is node and not is_builtin_module(alias.name):
                        names.add(alias.name.partition(".")[0])
    return names


def _unlazy(value: Any) -> Any:
    t = type(value)
    if t is _Lazy:
        return ImportRef(value.path)
    if isinstance(value, dict):
        for key, item in dict.items(value):
            new = _unlazy(item)
            if new is not item:
                dict.__setitem__(value, key, new)
        return value
    if t is list:
        value[:] = [_unlazy(v) for v in value]
        return value
    if t is tuple:
        return tuple(_unlazy(v) for v in value)
    return value


def execute(
    path: str,
    text: str,
    body: list[ast.stmt],
    names: dict[str, Any],
    bases: dict[str, dict[str, Any]],
) -> tuple[dict[str, Any], set[str]]:
    """Run ``body`` (the file without its ``read_base`` block) over the bases' ``names``.

    Raises:
        ConfigError: running it raised, with the line of the file it failed at.
    """
    from registry_core.config._trusted import run

    namespace: dict[str, Any] = dict(names)
    own_builtins = dict(vars(builtins))
    own_builtins["__import__"] = _importer(bases)
    namespace["__builtins__"] = own_builtins
    namespace["__file__"] = path
    namespace["__name__"] = "__config__"
    run(ast.Module(body=body, type_ignores=[]), path, namespace)
    # (modules and functions stay: a file importing this one may use them)
    out = {key: _unlazy(value) for key, value in namespace.items() if not key.startswith("__")}
    return out, imported_names(body, bases)
