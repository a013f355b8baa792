"""Resolving an ``ImportRef`` key: the registered object that import path names, by identity.

A pure-Python config names a class by its import path
(``ImportRef('mmpretrain.models.ImageClassifier')``); nothing is imported to
resolve it. The candidates are the registered objects, in the tree the lookup
searches (every registry of ``registry``'s tree, after the scope that the
path's first segment names is made ready, loading its plugin as any scope),
whose ``__name__`` is the path's last segment and whose ``__module__`` is the
path's module or a module inside it (a package re-exports what its modules
define: ``mmpretrain.models.ImageClassifier`` is defined in
``mmpretrain.models.classifiers.image``). The key an object is registered
under does not matter (``torch.nn.BatchNorm2d`` registered as ``BN``).

One candidate is the answer; none or several (different objects) is a miss,
and :func:`miss_message` says which. The answer is never cached by the
registry (only plain ``str`` keys are), so a plain key never pays for this.

This module is the ``ImportRef`` entry of ``_resolve.KEY_KINDS``; importing it
installs it (the package root does).
"""

from __future__ import annotations

from registry_core import _resolve, _tree
from registry_core._importref import ImportRef
from registry_core._messages import where
from registry_core._names import locations_done, own_names
from registry_core._node import walk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["ImportTrace", "miss_message", "resolve_import_ref"]


class ImportTrace(_resolve.Trace):
    """A ``Trace`` of an ``ImportRef`` key, with every candidate found.

    Attributes:
        candidates: ``(object, [(registry, key), ...])`` for each distinct
            object that matches, with where it is registered.
    """

    __slots__ = ("candidates",)

    def __init__(self, key: str, start: Registry[Any]) -> None:
        super().__init__(key, start)
        self.candidates: list[tuple[Any, list[tuple[Registry[Any], str]]]] = []


def _matches(obj: Any, module: str, name: str) -> bool:
    if getattr(obj, "__name__", None) != name:
        return False
    defined = getattr(obj, "__module__", None)
    return isinstance(defined, str) and (defined == module or defined.startswith(module + "."))


def resolve_import_ref(registry: Registry[Any], key: str, load: bool) -> ImportTrace:
    """Resolve the import path ``key`` from ``registry`` (see the module's docstring)."""
    trace = ImportTrace(key, registry)
    module, _, name = key.rpartition(".")
    trace.name = name
    if not module or not name:
        return trace
    if load:
        _, final = _resolve.find_scope(registry, key.partition(".")[0])
        trace.final = final
    found: dict[int, tuple[Any, list[tuple[Registry[Any], str]]]] = {}
    for node in walk(registry.root):
        if load and not locations_done(node):
            _tree.loader.load_locations(node)
        for registered, obj in list(own_names(node).items()):
            if _matches(obj, module, name):
                found.setdefault(id(obj), (obj, []))[1].append((node, registered))
    trace.candidates = list(found.values())
    if len(trace.candidates) == 1:
        obj, places = trace.candidates[0]
        trace.obj = obj
        trace.holder, trace.name = places[0]
    return trace


def miss_message(trace: ImportTrace) -> str:
    """Why the import path of ``trace`` resolved to nothing: no object, or several."""
    key = trace.key
    tree = where(trace.start.root)
    if not trace.candidates:
        module, _, name = key.rpartition(".")
        return (
            f"{key} (an import path) is not registered in the {tree} tree: no registered "
            f"object is named {name!r} and defined in {module or 'a module'} (or a module "
            "inside it); register it, or install and load the codebase that does"
        )
    listed = "; ".join(
        f"{_qualified(obj)} registered as "
        + ", ".join(f"{where(node)}:{registered!r}" for node, registered in places)
        for obj, places in trace.candidates
    )
    return (
        f"{key} (an import path) names {len(trace.candidates)} different registered objects "
        f"in the {tree} tree: {listed}; use one of their registered keys instead"
    )


def _qualified(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', '?')}"


_resolve.KEY_KINDS[ImportRef] = resolve_import_ref
