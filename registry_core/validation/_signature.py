"""Signature binding: what keyword arguments a target takes, as a :class:`Plan`.

A plan is computed once per target (see ``_cache``) from ``inspect.signature``,
which already gives the real call signature of every kind of target a
registry holds: a class (its ``__init__``, also one inherited from a base
class, or its ``__signature__``; dataclasses and attrs classes have generated
ones), a function, a ``functools.partial`` (the arguments it fixes
positionally are gone, the keywords it fixes become defaults) and a callable
instance (its ``__call__``). Nothing is called.

``build`` calls ``target(**args)``, so only parameters that can be passed by
keyword count; ``**kwargs`` accepts any name.

>>> def head(in_channels: int, num_classes: int = 10, **kwargs): ...
>>> plan = plan_for(head)
>>> plan.required, sorted(plan.names), plan.var_kw
(('in_channels',), ['in_channels', 'num_classes'], True)
>>> plan.expects["num_classes"].text
'int'
"""

from __future__ import annotations

import functools
import os
import sys
from collections import ChainMap

from registry_core import _keys
from registry_core.validation._annotations import by_default, by_docstring, compile_annotation
from registry_core.validation._frozen import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from registry_core.validation._expect import Expect

__all__ = ["Location", "Plan", "definition", "locate", "plan_for"]

# ``inspect`` (~10 ms to import, with ``ast``, ``dis`` and ``tokenize``) is
# imported by the functions below, when a plan is computed or a definition
# located: a config whose types are all unknown never needs it.


class Plan(Frozen):
    """How a target is called, for checking a config node against it.

    Attributes:
        names: the parameters that can be passed by keyword, in order;
            empty when the signature is unknown.
        known: whether the signature could be read at all; when not, any
            argument is accepted and none is required.
        allowed: ``names`` as a set, or ``None`` when any name is accepted
            (``**kwargs``, or an unknown signature).
        required: keyword parameters without a default.
        positional_only: required parameters that cannot be passed by keyword.
        var_kw: whether it takes ``**kwargs``.
        expects: parameter -> what its annotation accepts (only the
            parameters whose annotation ``validate`` can check).
        defaults: parameter -> default value.
        builds: the class a node of this target builds (for checks against
            a class annotation), or ``None`` when not known (a function).
        target: the definition, as ``module.qualname``.
        definition: the object whose source defines the target.

    Plans compare by identity (one per target, see ``_cache``).
    """

    __match_args__ = (
        "names",
        "known",
        "allowed",
        "required",
        "positional_only",
        "var_kw",
        "expects",
        "defaults",
        "builds",
        "target",
        "definition",
    )
    __slots__ = __match_args__
    _fields = __match_args__
    _hidden = frozenset({"defaults", "definition"})

    names: tuple[str, ...]
    known: bool
    allowed: frozenset[str] | None
    required: tuple[str, ...]
    positional_only: tuple[str, ...]
    var_kw: bool
    expects: dict[str, Expect]
    defaults: dict[str, Any]
    builds: type | None
    target: str
    definition: Any

    def __init__(
        self,
        names: tuple[str, ...],
        known: bool,
        allowed: frozenset[str] | None,
        required: tuple[str, ...],
        positional_only: tuple[str, ...],
        var_kw: bool,
        expects: dict[str, Expect],
        defaults: dict[str, Any],
        builds: type | None,
        target: str,
        definition: Any,
    ) -> None:
        self._init(
            names,
            known,
            allowed,
            required,
            positional_only,
            var_kw,
            expects,
            defaults,
            builds,
            target,
            definition,
        )

    __eq__ = object.__eq__
    __hash__ = object.__hash__


def plan_for(obj: Any) -> Plan:
    """The :class:`Plan` of a callable (computed fresh: ``_cache`` memoises it)."""
    import inspect

    target = definition(obj)
    builds = _built_class(obj)
    try:
        signature = inspect.signature(obj)
    except Exception:  # a builtin without a signature, a broken __signature__
        return Plan((), False, None, (), (), False, {}, {}, builds, _keys.describe(target), target)
    namespace = _namespace(obj, target)
    names: list[str] = []
    required: list[str] = []
    positional_only: list[str] = []
    expects: dict[str, Expect] = {}
    defaults: dict[str, Any] = {}
    var_kw = False
    for name, param in signature.parameters.items():
        kind = param.kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            var_kw = True
            continue
        if kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if kind is inspect.Parameter.POSITIONAL_ONLY:
            if param.default is inspect.Parameter.empty:
                positional_only.append(name)
            continue
        names.append(name)
        if param.default is inspect.Parameter.empty:
            required.append(name)
        else:
            defaults[name] = param.default
        expect = compile_annotation(param.annotation, namespace)
        if expect is None and param.annotation is inspect.Parameter.empty:
            expect = by_docstring(obj, name) or by_default(param.default)
        if expect is not None:
            expects[name] = expect
    allowed = None if var_kw else frozenset(names)
    return Plan(
        tuple(names),
        True,
        allowed,
        tuple(required),
        tuple(positional_only),
        var_kw,
        expects,
        defaults,
        builds,
        _keys.describe(target),
        target,
    )


def definition(obj: Any) -> Any:
    """The object whose source defines ``obj``: a partial's function, a callable
    instance's class, a decorated function's original."""
    import inspect

    while isinstance(obj, functools.partial):
        obj = obj.func
    if not isinstance(obj, type) and not inspect.isroutine(obj):
        obj = type(obj)
    try:
        return inspect.unwrap(obj)
    except Exception:  # a cycle of __wrapped__, or a class whose attributes raise (SPEC §10)
        return obj


def _built_class(obj: Any) -> type | None:
    while isinstance(obj, functools.partial):
        obj = obj.func
    return obj if isinstance(obj, type) else None


def _namespace(obj: Any, target: Any) -> Mapping[str, Any]:
    """Where the names of the target's annotations resolve: the globals of the
    function whose signature it is, then the module that defines the target."""
    import inspect

    scopes: list[Mapping[str, Any]] = []
    while isinstance(obj, functools.partial):
        obj = obj.func
    function = obj
    if isinstance(obj, type):
        function = getattr(obj, "__init__", None)
    elif not inspect.isroutine(obj):
        function = type(obj).__dict__.get("__call__") or getattr(type(obj), "__call__", None)  # noqa: B004
    function = getattr(function, "__func__", function)
    function_globals = getattr(function, "__globals__", None)
    if isinstance(function_globals, dict):
        scopes.append(function_globals)
    module = sys.modules.get(getattr(target, "__module__", None) or "")
    if module is not None:
        scopes.append(vars(module))
    if isinstance(target, type):
        scopes.insert(0, {target.__name__: target})
    return ChainMap(*scopes)  # type: ignore[arg-type]


class Location(Frozen):
    """Where a target is defined.

    Attributes:
        file: the absolute path of its source file, or ``None``.
        line: the line where ``inspect`` says the definition starts, or ``None``.
        short: ``file:line`` as messages show it: relative to the folder the
            module was imported from (``toydet/models.py:12``), or ``''``.
    """

    __match_args__ = ("file", "line", "short")
    __slots__ = __match_args__
    _fields = __match_args__

    file: str | None
    line: int | None
    short: str

    def __init__(self, file: str | None, line: int | None, short: str) -> None:
        self._init(file, line, short)


def locate(target: Any) -> Location:
    """Find where ``target`` is defined (reads its source file: error path only)."""
    import inspect

    try:
        file = inspect.getsourcefile(target) or inspect.getfile(target)
    except Exception:  # no file, or a class whose attributes raise: not shown
        return Location(None, None, "")
    file = os.path.abspath(file)
    try:
        line: int | None = inspect.getsourcelines(target)[1] or None
    except (TypeError, OSError, IndexError, SyntaxError):
        if isinstance(target, type):  # the file is a guess from its module: not shown
            return Location(None, None, "")
        line = None
    short = _short_file(file, getattr(target, "__module__", None))
    return Location(file, line, short + (f":{line}" if line else ""))


def _short_file(file: str, module: object) -> str:
    """``file`` as from the folder its top-level package was imported from."""
    parts = file.split(os.sep)
    if isinstance(module, str) and module not in ("__main__", "__mp_main__"):
        depth = module.count(".") + 1 + (parts[-1] == "__init__.py")
        if len(parts) > depth and parts[-1].rpartition(".")[0] in (
            module.rpartition(".")[2],
            "__init__",
        ):
            return "/".join(parts[-depth:])
    try:
        relative = os.path.relpath(file)
    except ValueError:  # another drive
        return file
    return file if relative.startswith("..") else relative
