"""Following a nested node through the constructors it is handed to, to the build.

A nested node's missing argument is an error only when the build would fail (SPEC
section 10): when the code that builds the node is seen building it through a registry
without passing that argument. That code is often not the constructor of the node's
parent itself but one it hands the config on to. MMPretrain's ``ImageClassifier`` puts its
``train_cfg`` into its ``data_preprocessor`` config as ``batch_augments`` and builds that;
``ClsDataPreprocessor`` calls ``RandomBatchAugment(**batch_augments)``; and
``RandomBatchAugment`` builds each of its ``augments`` with ``BATCH_AUGMENTS.build(aug)``,
passing nothing. So a ``Mixup`` in ``model.train_cfg.augments`` without ``alpha`` fails.

:func:`built_through` follows such chains, each constructor read from its source with
the reader (``_reader``; parsed, never run) once and remembered:

- the place is built through a registry (``R.build(x, default_args=...)``, or each item
  of it, a single node first made a list: ``x = [x]``): the end;
- it is handed to a class: ``Cls(x)``, ``Cls(a=x)``, or ``Cls(**x)`` (each key of ``x`` is
  a parameter of ``Cls``); ``Cls`` is the name's value in the constructor's module, and is
  followed only when it is a class and the name is not bound in the function itself;
- it is put into another parameter's config as an entry (``d.setdefault('k', x)``,
  ``d['k'] = x``, ``d.update(k=x)``) that is then built through a registry: the class is
  the one that config's ``type`` names (or the type the constructor sets by default),
  looked up as the node's own types are, and followed with the config's values.

At most :data:`MAX_HOPS` constructors deep. Wherever a step cannot be followed for sure
(a name that is no class, a config value that is not known, a type that does not resolve,
keys updated from something the reader cannot read, a config that already has the entry
the constructor would set), the answer is ``None``: the missing argument stays a warning.
Conditions are not weighed, as for the constructor's own builds: a class the constructor
hands the config to, or builds it in, is taken to be reached.
"""

from __future__ import annotations

from _collections_abc import Mapping

from registry_core.validation._reader import EACH, FIRST, Rule, read_parameters

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from collections.abc import Callable
    from typing import Any, Final

    #: Looks a type, as a config writes it, up as the node's own types are: the class,
    #: or ``None`` when it does not resolve to exactly one class.
    ClassOf = Callable[[str], type | None]
    #: ``(the arguments passed, the classes from the parent to the one that builds it)``
    Built = tuple[frozenset[str], tuple[type, ...]]

__all__ = ["MAX_HOPS", "built_through"]

#: Constructors followed at most, the parent's included.
MAX_HOPS: Final = 4
_ABSENT: Final = object()


def built_through(
    parent: Any,
    parts: tuple[Any, ...],
    context: Mapping[str, Any] | None,
    class_of: ClassOf,
) -> Built | None:
    """The arguments passed to the nested node at ``parts`` (``parent``'s parameter, then
    keys and indices inside) where it is built through a registry, following the
    constructors it is handed to, and those classes (``parent`` first, the one whose
    constructor builds it last); ``None`` when that cannot be followed for sure.

    ``context`` holds the arguments ``parent`` is built with (``None``: not known);
    ``class_of`` looks up the types of configs the chain builds.
    """
    return _through(parent, parts, context, class_of, MAX_HOPS)


def _through(
    cls: Any,
    parts: tuple[Any, ...],
    context: Mapping[str, Any] | None,
    class_of: ClassOf,
    hops: int,
) -> Built | None:
    if hops <= 0 or not parts or not isinstance(parts[0], str) or not isinstance(cls, type):
        return None
    given: set[str] = set()
    for base in cls.__mro__:  # the class that builds it may be a base class
        init = base.__dict__.get("__init__")
        read = _read(init) if init is not None else None
        if read is None:
            continue
        rules = _along(read.rule, parts)
        last = rules[-1]
        if last is not None:
            if FIRST in last.given:
                return None  # updated with keys that cannot be read
            given |= last.given
            if last.registry is not None:
                return frozenset(given), (cls,)
            each = last.children.get(EACH) if last.single else None
            if each is not None and each.registry is not None and FIRST not in each.given:
                return frozenset(given | each.given), (cls,)  # x = [x]; R.build(each of x)
        for depth, rule in enumerate(rules, 1):
            if rule is None or FIRST in rule.given:
                break  # beyond here the reader lost the value, or unknown keys replace it
            found = _handed(read, rule, parts, depth, context, class_of, hops)
            if found is None:
                found = _placed(read, rule, parts, depth, context, class_of, hops)
            if found is not None:
                return found[0] | given, (cls, *found[1])
    return None


def _handed(
    read: _Read,
    rule: Rule,
    parts: tuple[Any, ...],
    depth: int,
    context: Mapping[str, Any] | None,
    class_of: ClassOf,
    hops: int,
) -> Built | None:
    """Through the classes the value at ``parts[:depth]`` is handed to."""
    rest = parts[depth:]
    for name, parameter in rule.handed:
        cls = read.class_named(name)
        if cls is None:
            continue
        if parameter is None:  # Cls(**x): the next key is Cls's parameter
            if not rest or rest[0] in rule.consumed:
                continue
            value = _value_at(context, parts[:depth])
            inner = value if isinstance(value, Mapping) else None
            found = _through(cls, rest, inner, class_of, hops - 1)
        else:
            if isinstance(parameter, int):
                parameter = _positional(cls, parameter)
                if parameter is None:
                    continue
            found = _through(cls, (parameter, *rest), None, class_of, hops - 1)
        if found is not None:
            return found
    return None


def _placed(
    read: _Read,
    rule: Rule,
    parts: tuple[Any, ...],
    depth: int,
    context: Mapping[str, Any] | None,
    class_of: ClassOf,
    hops: int,
) -> Built | None:
    """Through the configs the value at ``parts[:depth]`` is put into as an entry, and
    that are then built through a registry."""
    if context is None:
        return None
    for holder, key, _absent in rule.placed:
        target = _rule_at(read.rule, holder)
        if target is None or target.registry is None or FIRST in target.given:
            continue
        if key in target.consumed:
            continue
        value = _holder_value(read, holder, target, context)
        if value is None or key in value or "_scope_" in value:
            # not known; or the config has the entry already: a setdefault keeps it, and
            # an assignment the reader cannot tell is unconditional might not replace it
            continue
        if "type" in value:
            type_ = value["type"]
        elif len(target.default_types) == 1:
            type_ = target.default_types[0]
        else:
            continue
        cls = class_of(type_) if isinstance(type_, str) else type_
        if not isinstance(cls, type):
            continue
        inner = {**value, key: _value_at(context, parts[:depth])}
        found = _through(cls, (key, *parts[depth:]), inner, class_of, hops - 1)
        if found is not None:
            return found
    return None


def _holder_value(
    read: _Read, holder: tuple[str, ...], target: Rule, context: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """The config at ``holder`` as the constructor builds it: from ``context``, else the
    parameter's default; an empty one for ``x = x or {}``."""
    if EACH in holder:
        return None
    value = _value_at(context, holder)
    if value is _ABSENT and len(holder) == 1:
        value = read.defaults.get(holder[0], _ABSENT)
    if value is _ABSENT:
        return None
    if not value and target.fresh:
        return {}
    return value if isinstance(value, Mapping) else None


def _along(rule: Rule, parts: tuple[Any, ...]) -> list[Rule | None]:
    """The rule of each prefix of ``parts`` (``None`` from where the reader saw nothing)."""
    found: list[Rule | None] = []
    current: Rule | None = rule
    for part in parts:
        if current is not None:
            current = current.children.get(EACH if isinstance(part, int) else str(part))
        found.append(current)
    return found


def _rule_at(rule: Rule, path: tuple[str, ...]) -> Rule | None:
    current: Rule | None = rule
    for part in path:
        if current is None:
            return None
        current = current.children.get(part)
    return current


def _value_at(context: Mapping[str, Any] | None, path: tuple[Any, ...]) -> Any:
    value: Any = context
    for key in path:
        if isinstance(value, (list, tuple)):
            if not (isinstance(key, int) and key < len(value)):
                return _ABSENT
        elif not (isinstance(value, Mapping) and key in value):
            return _ABSENT
        value = value[key]
    return value


def _positional(cls: type, index: int) -> str | None:
    """The name of ``cls``'s constructor parameter at ``index`` (after ``self``)."""
    import types

    init = next((c.__dict__["__init__"] for c in cls.__mro__ if "__init__" in c.__dict__), None)
    if not isinstance(init, types.FunctionType):
        return None
    code = init.__code__
    names = code.co_varnames[1 : code.co_argcount]
    return names[index] if index < len(names) else None


class _Read:
    """One constructor, read: what it does with each parameter (``rule``), its
    parameters' defaults, its module's names and the names bound in its body."""

    __slots__ = ("bound", "defaults", "namespace", "rule")

    def __init__(
        self, rule: Rule, defaults: dict[str, Any], namespace: Mapping[str, Any], bound: set[str]
    ) -> None:
        self.rule = rule
        self.defaults = defaults
        self.namespace = namespace
        self.bound = bound

    def class_named(self, name: str) -> type | None:
        """The class ``name`` means in the constructor, if it surely means one."""
        if name in self.bound:
            return None
        found = self.namespace.get(name)
        return found if isinstance(found, type) else None


#: ``id(__init__)`` -> ``(__init__, what it does)``: each constructor read once.
_READ: dict[int, tuple[Any, _Read | None]] = {}


def _read(init: Any) -> _Read | None:
    found = _READ.get(id(init))
    if found is not None and found[0] is init:
        return found[1]
    read = _read_source(init)
    _READ[id(init)] = (init, read)  # holding init keeps its id from being reused
    return read


def _read_source(init: Any) -> _Read | None:
    import ast
    import inspect
    import textwrap
    import types

    if not isinstance(init, types.FunctionType):
        return None
    try:
        init = inspect.unwrap(init)  # a decorated constructor: the source getsource reads
    except Exception:  # wrapped in a cycle, or a strange __wrapped__: not followed
        return None
    if not isinstance(init, types.FunctionType):
        return None  # a slot wrapper, a builtin, something stranger: nothing to read
    namespace = init.__globals__
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
    except (OSError, TypeError, SyntaxError, ValueError):
        return None
    function = tree.body[0] if tree.body else None
    if not isinstance(function, ast.FunctionDef):
        return None
    defaults = dict(init.__kwdefaults__ or {})
    code = init.__code__
    values = init.__defaults__ or ()
    if values:
        names = code.co_varnames[: code.co_argcount]
        defaults.update(zip(names[len(names) - len(values) :], values, strict=True))
    return _Read(read_parameters(function), defaults, namespace, _bound(function))


def _bound(function: ast.FunctionDef) -> set[str]:
    """The names ``function`` binds itself: its parameters, assignments, imports."""
    import ast

    arguments = function.args
    names = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    for extra in (arguments.vararg, arguments.kwarg):
        if extra is not None:
            names.add(extra.arg)
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node is not function:
            names.add(node.name)
    return names
