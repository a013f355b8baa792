"""The JSON Schema of a whole OpenMMLab-style config file (``config_schema(whole=True)``).

Its top level is free, except the Runner's sections (``model``, ``train_dataloader``,
``optim_wrapper``, ...), each checked as a node of the root MMEngine's Runner builds it in
(the rules ``_runner`` reads from the installed MMEngine), with the arguments the Runner
passes itself not required and the keys it takes out allowed. Every value inside a node is
checked too: a nested mapping with a ``type`` must be a node of some root (its ``type`` a
key a registry holds), with its target's parameters only. A node's unscoped key is
accepted (``ResNet`` for ``mmpretrain.ResNet``), since ``_scope_`` or ``default_scope``
makes it resolve.

The schema agrees with ``validate``'s line between errors and warnings: what ``validate``
only warns about (``None`` for an annotation without ``Optional``, a ``float`` for
``int``, a list for ``dict``, a missing argument of a nested node) passes; a ``str`` for a
number, a misspelt type or argument fails. A nested ``type`` that is a lower-case word no
registry holds is accepted: it is the target's own data (MMPretrain's LoRA
``targets=[dict(type='qkv')]``), as ``validate`` only warns about it.
"""

from __future__ import annotations

from registry_core.validation._cache import CACHE
from registry_core.validation._expect import ACCEPT, REJECT
from registry_core.validation._runner import EACH, FIRST, Rule, layer_builder_keys, runner_rules
from registry_core.validation._schema_refs import ref
from registry_core.validation._sections import whole_key as _whole

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    from registry_core.registry import Registry
    from registry_core.validation._expect import Expect
    from registry_core.validation._signature import Plan

__all__ = ["whole_schema"]

#: ``type`` values that are data of the target rather than registry keys.
_DATA_TYPE = "^[a-z][a-z0-9_]*$"


def whole_schema(
    roots: list[Registry[Any]],
    entries: Callable[[Registry[Any]], Iterator[tuple[str, Any]]],
    dialect: str,
) -> dict[str, Any]:
    """The schema of a whole config over ``roots`` (``entries(root)`` lists its keys)."""
    from registry_core.roots import ROOTS

    for root in roots:  # listing a registry imports its locations, which may register
        for _ in entries(root):  # in registries listed before it (MMCV's layers in MMEngine's)
            pass
    builder = _Builder()
    for root in roots:
        builder.add_root(root, entries)
    builder.defs["node"] = _dispatch(builder.all_keys, strict=False)
    rules = runner_rules() or {}
    sections = {
        key: builder.section(rule, key, ROOTS) for key, rule in rules.items() if "." not in key
    }
    return {
        "$schema": dialect,
        "title": "A whole OpenMMLab-style config file",
        "description": (
            "The Runner's sections, each a node of the root MMEngine's Runner builds it in, "
            "nested nodes included; other top-level keys are free. Made by "
            "registry_core.config_schema(whole=True)."
        ),
        "type": "object",
        "properties": sections,
        "$defs": builder.defs,
    }


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}
        #: root -> key -> definition names (several for a key of several targets)
        self.keys: dict[int, dict[str, list[str]]] = {}
        self.plans: dict[str, Plan] = {}
        self.defs["value"] = _VALUE
        self.all_keys: dict[str, list[str]] = {}

    def add_root(
        self, root: Registry[Any], entries: Callable[[Registry[Any]], Iterator[tuple[str, Any]]]
    ) -> None:
        keys = self.keys.setdefault(id(root), {})
        for key, obj in entries(root):
            plan = CACHE.plan(obj)
            name = f"{root.name}:{key}"
            while name in self.defs:
                name += "'"
            self.defs[name] = _node(key, plan)
            self.plans[name] = plan
            short = key.rsplit(".", 1)[-1]
            for spelling in dict.fromkeys((key, short)):  # scoped, and as a scope makes it
                keys.setdefault(spelling, []).append(name)
                self.all_keys.setdefault(spelling, []).append(name)

    def section(self, rule: Rule, place: str, roots: dict[str, Registry[Any]]) -> dict[str, Any]:
        """The schema of the value the Runner builds with ``rule``."""
        if EACH in rule.children and rule.registry is None:
            each = self.section(rule.children[EACH], place, roots)
            return {
                "anyOf": [
                    {"type": "null"},
                    {"type": "array", "items": each},
                    {"type": "object", "required": ["type"], **each},
                    {
                        "type": "object",
                        "not": {"required": ["type"]},
                        "additionalProperties": {"anyOf": [{"type": "null"}, each]},
                    },
                ]
            }
        inner = {
            key: self.section(child, f"{place}.{key}", roots)
            for key, child in rule.children.items()
            if key != EACH
        }
        root = roots.get(rule.registry) if rule.registry is not None else None
        if root is None:
            return {"properties": inner} if inner else {}
        name = f"section:{place}"
        keys = self.keys.get(id(root), {})
        given = set(rule.given) | set(inner)
        branches = {
            key: [self._section_def(n, given, rule.consumed, inner) for n in names]
            for key, names in keys.items()
        }
        typed = _dispatch_defs(branches)
        schema: dict[str, Any] = typed
        defaults = [self._default(root, t, given, rule.consumed, inner) for t in rule.default_types]
        defaults = [d for d in defaults if d is not None]
        if defaults:
            schema = {
                "if": {"type": "object", "required": ["type"]},
                "then": typed,
                "else": defaults[0] if len(defaults) == 1 else {"anyOf": defaults},
            }
        if rule.build_key is not None and rule.whole is not None:
            key = _whole(rule, place)
            whole = inner.get(key) if key is not None else None
            if whole is not None:  # a metric where the evaluator is: Evaluator(metric)
                schema = {
                    "if": {"type": "object", "required": [rule.build_key]},
                    "then": schema,
                    "else": whole,
                }
        self.defs[name] = schema
        return {"$ref": ref(name)}

    def _default(
        self,
        root: Registry[Any],
        type_: str,
        given: set[str],
        consumed: set[str],
        inner: dict[str, Any],
    ) -> dict[str, Any] | None:
        names = self.keys.get(id(root), {}).get(type_)
        if not names:
            return None
        defs = [self._section_def(n, given, consumed, inner, typed=False) for n in names]
        return defs[0] if len(defs) == 1 else {"anyOf": defs}

    def _section_def(
        self,
        name: str,
        given: set[str],
        consumed: set[str],
        inner: dict[str, Any],
        typed: bool = True,
    ) -> dict[str, Any]:
        """A node the Runner builds: its required arguments less what the Runner passes;
        the keys it takes out allowed; its inner sections by their own schemas."""
        plan = self.plans[name]
        base = self.defs[name]
        passed = set(given) | ({plan.names[0]} if FIRST in given and plan.names else set())
        required = [r for r in plan.required if r not in passed]
        properties = dict(base["properties"])
        for key in consumed:
            properties.setdefault(key, {})
        properties.update(inner)
        if not typed:
            properties.pop("type", None)
        schema = dict(base, properties=properties, required=(["type"] if typed else []) + required)
        return schema


def _dispatch(keys: dict[str, list[str]], strict: bool) -> dict[str, Any]:
    """A node of any of ``keys``: its ``type`` one of them (or, unless ``strict``, a
    lower-case word: data), then the definition of that key."""
    branches = {key: [{"$ref": ref(n)} for n in names] for key, names in keys.items()}
    schema = _dispatch_defs(branches)
    if not strict:
        schema["properties"] = {
            "type": {"anyOf": [{"enum": sorted(keys)}, {"type": "string", "pattern": _DATA_TYPE}]}
        }
    return schema


def _dispatch_defs(branches: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": sorted(branches)}},
        "allOf": [
            {
                "if": {"properties": {"type": {"const": key}}, "required": ["type"]},
                "then": defs[0] if len(defs) == 1 else {"anyOf": defs},
            }
            for key, defs in sorted(branches.items())
        ],
    }


#: Any value inside a node: a mapping with a str ``type`` is a node of some root; the
#: values of other mappings and the items of lists are values too.
_VALUE: dict[str, Any] = {
    "if": {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string"}},
    },
    "then": {"$ref": "#/$defs/node"},
    "else": {
        "items": {"$ref": "#/$defs/value"},
        "additionalProperties": {"$ref": "#/$defs/value"},
    },
}


#: JSON types of plain values, by Python type.
_JSON_TYPES: dict[type, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _node(key: str, plan: Plan) -> dict[str, Any]:
    properties: dict[str, Any] = {"type": {}, "_scope_": {"type": ["string", "null"]}}
    for name in plan.names:
        loose = _loose(plan.expects.get(name))
        like_default = _JSON_TYPES.get(type(plan.defaults.get(name)))
        if loose and like_default is not None:  # the target's own default's type is fine
            loose = {"anyOf": [loose, {"type": like_default}]}
        properties[name] = {"allOf": [loose, {"$ref": "#/$defs/value"}]}
    for name in layer_builder_keys():  # MMCV's layer builders take these out first
        properties.setdefault(name, {})
    schema: dict[str, Any] = {"title": key, "type": "object", "properties": properties}
    if plan.known and not plan.var_kw:
        schema["additionalProperties"] = False
    else:  # what **kwargs takes is checked as values too (a dataset's pipeline)
        schema["additionalProperties"] = {"$ref": "#/$defs/value"}
    return schema


def _loose(expect: Expect | None) -> dict[str, Any]:
    """What ``validate`` does not call an error, for a plain value: ``None``, containers
    (checked as values), and the kinds of plain value the annotation or its loose
    readings accept (a number for ``str``, a float for ``int``, an int for ``bool``)."""
    if expect is None:
        return {}
    fast = expect.fast
    kinds = {"null", "array", "object"}
    if fast & {int, float, str}:
        kinds.add("number")
    if bool in fast:
        kinds |= {"boolean", "integer"}
    if str in fast:
        kinds.add("string")
    if expect.node == REJECT and not expect.mapping:
        kinds.discard("object")  # a mapping (a node included) for a number is an error
    if expect.node == ACCEPT or expect.mapping:
        kinds.add("object")
    alternatives: list[dict[str, Any]] = [{"type": sorted(kinds)}]
    if expect.test is not None:
        enum = expect.schema.get("enum") if "enum" in expect.schema else None
        if enum is None:
            for alternative in expect.schema.get("anyOf", ()):
                enum = alternative.get("enum", enum)
        if enum is None:
            return {}  # a test JSON Schema cannot say: no check
        alternatives.append({"enum": enum})
    return alternatives[0] if len(alternatives) == 1 else {"anyOf": alternatives}
