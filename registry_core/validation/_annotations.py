"""Annotation checks: a parameter's annotation, compiled once into an :class:`Expect`
(``_expect``: what it accepts, and the container rule the walk applies).

``validate`` flags a value only when it clearly contradicts a plain annotation:
``int``, ``float`` (an ``int`` is fine), ``str``, ``bool``, ``None``,
``Optional``/``Union``/``X | Y``, ``Literal``, and ``list``/``tuple``/``dict``/
``Sequence``/``Mapping`` of those; for any other class, only a nested config
node whose target is a class that is not a subclass of it. Everything else
(``Callable``, type variables, protocols, generics of other kinds, names that
do not resolve) is unreadable: it compiles to ``None`` and is never checked.

Annotations written as strings (``from __future__ import annotations``) are
read by a small evaluator that resolves names in the target's module and
subscripts only ``typing`` and standard-library generics: reading an
annotation never calls code of the codebase.

>>> compile_annotation(int, {}).accepts(3), compile_annotation(int, {}).accepts(True)
(True, False)
>>> exp = compile_annotation("Optional[list[float]]", {"Optional": __import__("typing").Optional})
>>> exp.text, exp.accepts(None), exp.accepts("x")
('Optional[list[float]]', True, False)
>>> compile_annotation("Unknown[int]", {}) is None
True
"""

from __future__ import annotations

import collections.abc as cabc
import types

from registry_core.validation._expect import ACCEPT, PLAIN, SUBCLASS, Expect, NoneType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any, Final
__all__ = ["by_default", "by_docstring", "compile_annotation"]

#: Nested forward references are followed this deep, then given up.
_MAX_DEPTH: Final = 16


def compile_annotation(annotation: object, namespace: Mapping[str, Any]) -> Expect | None:
    """Compile ``annotation`` into an :class:`Expect`, or ``None`` when it says nothing
    ``validate`` checks (``Any``, no annotation, or an annotation it cannot read).

    Args:
        annotation: the annotation object, or its text.
        namespace: where names in a text annotation resolve (the target's module).
    """
    # (the evaluator of text annotations, imported once a target's annotations are read)
    from registry_core.validation._evaluate import UnreadableError

    try:
        return _compile(annotation, namespace, 0)
    except UnreadableError:
        return None
    except Exception:  # a hostile or broken annotation is skipped, never an error
        return None


def by_default(default: object) -> Expect | None:
    """What an unannotated parameter accepts, as far as its default tells: with a
    number default (not a ``bool``), anything but a ``str`` (``in_channels=3`` given
    ``'3'`` fails to build); otherwise nothing is known (``None``)."""
    if type(default) not in (int, float):
        return None
    return _NOT_STR


def by_docstring(target: object, name: str) -> Expect | None:
    """What an unannotated parameter accepts by the target's docstring, when it names
    one plain type in the usual ``Args:`` form (``depth (int): ...``, ``, optional``
    allowed: then ``None`` too); ``None`` otherwise. OpenMMLab documents its
    parameters so where it does not annotate them."""
    doc = getattr(target, "__doc__", None)
    if not isinstance(doc, str) or name not in doc:
        return None
    import re

    found = re.search(rf"^\s*\*{{0,2}}{re.escape(name)}\s*\(([^()]*)\)\s*:", doc, re.MULTILINE)
    if found is None:
        return None
    words = [w.strip() for w in found.group(1).split(",")]
    optional = len(words) == 2 and words[1] == "optional"
    if len(words) > 2 or (len(words) == 2 and not optional):
        return None
    simple = _SIMPLE.get(_DOC_TYPES.get(words[0]))
    if simple is None:
        return None
    return _union(f"{words[0]} (by its docstring)", [simple, _NONE] if optional else [simple])


# -- the compiler --------------------------------------------------------------------------


def _simple(name: str, fast: frozenset[type], schema: dict[str, Any]) -> Expect:
    return Expect(name, fast=fast, schema=schema)


_INT = _simple("int", frozenset({int}), {"type": "integer"})
_FLOAT = _simple("float", frozenset({int, float}), {"type": "number"})
_STR = _simple("str", frozenset({str}), {"type": "string"})
_BOOL = _simple("bool", frozenset({bool}), {"type": "boolean"})
_NONE = _simple("None", frozenset({NoneType}), {"type": "null"})
_SIMPLE: dict[object, Expect] = {int: _INT, float: _FLOAT, str: _STR, bool: _BOOL}
#: The plain types a docstring may name.
_DOC_TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
#: An unannotated parameter whose default is a number: anything but a str.
_NOT_STR = Expect(
    "a number (by its default)",
    fast=PLAIN - {str},
    seq=True,
    mapping=True,
    node=ACCEPT,
    schema={"not": {"type": "string"}},
)

_SEQUENCES: Final = (list, tuple, cabc.Sequence, cabc.MutableSequence)
_MAPPINGS: Final = (dict, cabc.Mapping, cabc.MutableMapping)


def _compile(annotation: object, namespace: Mapping[str, Any], depth: int) -> Expect | None:
    import inspect  # (with typing: only once a target's annotations are read)
    import typing  # (~10 ms to import)

    from registry_core.validation._evaluate import UnreadableError, evaluate

    if depth > _MAX_DEPTH:
        raise UnreadableError
    if annotation is inspect.Parameter.empty or annotation is typing.Any or annotation is object:
        return None
    if isinstance(annotation, str):
        return _compile(evaluate(annotation, namespace), namespace, depth + 1)
    if isinstance(annotation, typing.ForwardRef):
        return _compile(evaluate(annotation.__forward_arg__, namespace), namespace, depth + 1)
    if annotation is None or annotation is NoneType:
        return _NONE
    if isinstance(annotation, type) and annotation in _SIMPLE:
        return _SIMPLE[annotation]
    supertype = getattr(annotation, "__supertype__", None)  # typing.NewType
    if supertype is not None and callable(annotation):
        return _compile(supertype, namespace, depth + 1)
    return _compile_form(annotation, namespace, depth)


def _compile_form(annotation: object, namespace: Mapping[str, Any], depth: int) -> Expect | None:
    """An annotation that is a typing form (``Union``, ``Literal``, a generic) or a class."""
    import typing

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    text = _text(annotation)
    if origin is typing.Union or origin is types.UnionType:
        alternatives = [_compile(arg, namespace, depth + 1) for arg in args]
        if any(alt is None for alt in alternatives):
            return None
        return _union(text, [alt for alt in alternatives if alt is not None])
    if origin is typing.Annotated:
        return _compile(args[0], namespace, depth + 1)
    if origin is typing.Literal:
        return _literal(text, args)
    if origin in _SEQUENCES or annotation in _SEQUENCES:
        return _sequence(text, origin or annotation, origin is not None, args, namespace, depth)
    if origin in _MAPPINGS or annotation in _MAPPINGS:
        values = _compile(args[1], namespace, depth + 1) if len(args) == 2 else None
        return _mapping(text, values)
    if origin is not None or not isinstance(annotation, type):
        return None  # Callable, type[X], a TypeVar, another generic: not checked
    if issubclass(annotation, cabc.Mapping):
        return _mapping(text, None)
    if getattr(annotation, "_is_protocol", False):
        return None
    return _class(text, annotation)


def _text(annotation: object) -> str:
    if isinstance(annotation, str):
        return annotation
    import inspect

    text = inspect.formatannotation(annotation)
    return text.replace("NoneType", "None")


def _union(text: str, alternatives: list[Expect]) -> Expect:
    fast: frozenset[type] = frozenset().union(*(alt.fast for alt in alternatives))
    tests = [alt.test for alt in alternatives if alt.test is not None]
    test: Callable[[object], bool] | None = None
    if len(tests) == 1:
        test = tests[0]
    elif tests:

        def test(value: object) -> bool:
            return any(t(value) for t in tests)

    sequences = [alt for alt in alternatives if alt.seq]
    mappings = [alt for alt in alternatives if alt.mapping]
    node = max(alt.node for alt in alternatives)
    classes = tuple(c for alt in alternatives for c in alt.classes) if node == SUBCLASS else ()
    schemas = [alt.schema for alt in alternatives]
    schema: dict[str, Any] = {} if any(not s for s in schemas) else {"anyOf": schemas}
    return Expect(
        text,
        fast=fast,
        test=test,
        seq=bool(sequences),
        items=sequences[0].items if len(sequences) == 1 else None,
        fixed=sequences[0].fixed if len(sequences) == 1 else None,
        mapping=bool(mappings),
        values=mappings[0].values if len(mappings) == 1 else None,
        node=node,
        classes=classes,
        schema=schema,
    )


def _literal(text: str, args: tuple[Any, ...]) -> Expect:
    allowed = frozenset((type(arg), arg) for arg in args)

    def test(value: object) -> bool:
        try:
            return (type(value), value) in allowed
        except TypeError:  # unhashable
            return False

    json_values = [a for a in args if a is None or type(a) in (int, float, str, bool)]
    schema: dict[str, Any] = {"enum": json_values} if len(json_values) == len(args) else {}
    return Expect(text, test=test, schema=schema)


def _sequence(
    text: str,
    origin: object,
    subscripted: bool,
    args: tuple[Any, ...],
    namespace: Mapping[str, Any],
    depth: int,
) -> Expect:
    items: Expect | None = None
    fixed: tuple[Expect | None, ...] | None = None
    schema: dict[str, Any] = {"type": "array"}
    if origin is tuple and subscripted and not (len(args) == 2 and args[1] is Ellipsis):
        if args == ((),):  # tuple[()]
            args = ()
        fixed = tuple(_compile(arg, namespace, depth + 1) for arg in args)
        schema["prefixItems"] = [e.schema if e is not None else {} for e in fixed]
        schema["minItems"] = schema["maxItems"] = len(fixed)
    elif args:
        items = _compile(args[0], namespace, depth + 1)
        if items is not None and items.schema:
            schema["items"] = items.schema
    fast: frozenset[type] = frozenset()
    if origin in (cabc.Sequence,) and (items is None or items.plain_ok("a")):
        fast = frozenset({str})  # a str is a Sequence (of str)
        schema = {"anyOf": [schema, {"type": "string"}]}
    return Expect(text, fast=fast, seq=True, items=items, fixed=fixed, schema=schema)


def _mapping(text: str, values: Expect | None) -> Expect:
    schema: dict[str, Any] = {"type": "object"}
    if values is not None and values.schema:
        schema["additionalProperties"] = values.schema
    # A config node is a mapping too, and it is passed as one: fine.
    return Expect(text, mapping=True, values=values, node=ACCEPT, schema=schema)


def _class(text: str, cls: type) -> Expect:
    # A plain value, a list or a plain mapping is never checked against a class
    # that is not one of the built-in types above; a node's target must subclass it.
    return Expect(text, fast=PLAIN, seq=True, mapping=True, node=SUBCLASS, classes=(cls,))
