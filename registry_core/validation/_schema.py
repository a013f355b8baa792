"""``config_schema``: a JSON Schema (draft 2020-12) of the nodes the registries build.

One definition per registered key (``toydet.Detector``; plugins' keys are
scoped), holding ``type`` as a constant, the target's keyword parameters as
properties (types from annotations where JSON Schema can say them, and
defaults that JSON can write), the required ones, and
``additionalProperties: false`` unless the target takes ``**kwargs``. The
root accepts one node: its ``type`` must be one of the keys (so editors
complete it), and ``if``/``then`` applies the definition of that key. Nested
nodes are checked loosely, as objects (or not at all, where the parameter
has no annotation).
"""

from __future__ import annotations

import copy
import math

from registry_core._messages import where
from registry_core.registry import Registry, live_roots
from registry_core.roots import ROOTS
from registry_core.validation._cache import CACHE
from registry_core.validation._schema_refs import ref

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any, Final

    from registry_core.validation._signature import Plan

__all__ = ["config_schema"]

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"


def config_schema(registry: Registry[Any] | None = None, *, whole: bool = False) -> dict[str, Any]:
    """The JSON Schema of a config node of ``registry`` (of any root for ``None``), or
    with ``whole=True`` of a whole OpenMMLab-style config file (see ``_schema_whole``).

    Like ``registry-core tree`` and ``list``, it loads every discovered plugin
    first, so that every registered key is in it; a plugin that cannot load
    is left out, never raised.

    Args:
        registry: the registry whose nodes the schema describes: its own
            names and its ancestors' unscoped, every other registry of its
            tree by ``scope.Name``. ``None``: every live root.
        whole: the schema of a whole config file instead: its Runner sections
            (read from the installed MMEngine's Runner, as ``validate`` reads
            them), each a node of the root the Runner builds it in, nested nodes
            checked too, other top-level keys free; ``registry`` is ignored.

    Returns:
        The schema, a ``dict`` ready for ``json.dumps``.

    Examples:
        >>> from registry_core import Registry, config_schema
        >>> R = Registry("shape", scope="shapes")
        >>> @R.register_module()
        ... class Circle:
        ...     '''A circle.'''
        ...     def __init__(self, radius: float = 1.0): ...
        >>> schema = config_schema(R)
        >>> schema["properties"]["type"]
        {'enum': ['Circle']}
        >>> schema["$defs"]["shape:Circle"]["properties"]["radius"]
        {'type': 'number', 'default': 1.0}
    """
    if registry is not None and not isinstance(registry, Registry):
        raise TypeError(f"registry must be a Registry or None, got {type(registry).__name__}")
    from registry_core.discovery import load_all

    load_all()
    CACHE.sync()
    if whole:
        from registry_core.validation._schema_whole import whole_schema

        return copy.deepcopy(whole_schema(_roots(), _entries, DIALECT))
    targets = [registry] if registry is not None else _roots()
    defs: dict[str, Any] = {}
    branches: dict[str, list[str]] = {}
    for target in targets:
        for key, obj in _entries(target):
            name = f"{target.name}:{key}"
            while name in defs:
                name += "'"
            defs[name] = _node_schema(key, obj, CACHE.plan(obj))
            branches.setdefault(key, []).append(name)
    what = "any root registry" if registry is None else f"the {where(registry)} registry"
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"A registry_core config node of {what}",
        "description": (
            "One node: a mapping whose 'type' is a registered key and whose other keys are "
            "the arguments of what the key names. Made by registry_core.config_schema()."
        ),
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": sorted(branches)}},
        "allOf": [_branch(key, names) for key, names in sorted(branches.items())],
        "$defs": defs,
    }
    return copy.deepcopy(schema)  # no part shared with the cached plans


def _roots() -> list[Registry[Any]]:
    shipped = list(ROOTS.values())
    return shipped + [root for root in live_roots() if root not in shipped]


def _entries(registry: Registry[Any]) -> Iterator[tuple[str, Any]]:
    """``(key, object)`` for every key that finds an object from ``registry``:
    its own and its ancestors' names, then ``scope.Name`` across its tree."""
    seen: set[str] = set()
    node: Registry[Any] | None = registry
    while node is not None:
        for name, obj in _items(node):
            if name not in seen:
                seen.add(name)
                yield name, obj
        node = node.parent
    queue = [registry, *(n for n in _tree(registry.root) if n is not registry)]
    for node in queue:
        if node.parent is None:
            continue
        for name, obj in _items(node):
            key = f"{node.scope}.{name}"
            if key not in seen:
                seen.add(key)
                yield key, obj


def _tree(root: Registry[Any]) -> list[Registry[Any]]:
    queue = [root]
    for node in queue:
        queue.extend(node.children.values())
    return queue


def _items(node: Registry[Any]) -> list[tuple[str, Any]]:
    try:
        return sorted(node.module_dict.items(), key=_first)
    except Exception:  # its locations fail to import: `registry-core check` says why
        return []


def _first(item: tuple[str, Any]) -> str:
    return item[0]


def _branch(key: str, names: list[str]) -> dict[str, Any]:
    refs = [{"$ref": ref(name)} for name in names]
    then = refs[0] if len(refs) == 1 else {"anyOf": refs}
    return {"if": {"properties": {"type": {"const": key}}, "required": ["type"]}, "then": then}


def _node_schema(key: str, obj: Any, plan: Plan) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "type": {"const": key},
        "_scope_": {"type": ["string", "null"]},
    }
    for name in plan.names:
        expect = plan.expects.get(name)
        prop: dict[str, Any] = dict(expect.schema) if expect is not None else {}
        if name in plan.defaults:
            default = plan.defaults[name]
            if _is_json(default):
                prop["default"] = list(default) if isinstance(default, tuple) else default
        properties[name] = prop
    schema: dict[str, Any] = {"title": key, "type": "object"}
    doc = _first_doc_line(plan.definition)
    if doc:
        schema["description"] = doc
    schema["properties"] = properties
    schema["required"] = ["type", *plan.required]
    if plan.known and not plan.var_kw:
        schema["additionalProperties"] = False
    return schema


def _is_json(value: Any, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if value is None or type(value) in (bool, int, str):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if type(value) in (list, tuple):
        return all(_is_json(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _is_json(v, depth + 1) for k, v in value.items())
    return False


def _first_doc_line(target: Any) -> str | None:
    doc = getattr(target, "__doc__", None)
    if not isinstance(doc, str):
        return None
    for line in doc.strip().splitlines():
        if line.strip():
            return line.strip()
    return None
