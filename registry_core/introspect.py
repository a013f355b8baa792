"""What is installed, registered and broken, as plain data.

The command line (``registry-core tree | list | show | check``) is a thin layer
over the functions here; each returns small immutable objects whose
``to_json()`` gives the exact ``--json`` output of the command (documented in
``docs/cli.md``):

- :func:`scope_tree`: the root registries, their children, and every plugin
  discovery found, with its status and error.
- :func:`list_entries`: the registered objects, with their names and kinds.
- :func:`describe`: what a key resolves to, and where it is defined.
- :func:`check`: every problem with the installed plugins, and what to do.

Every function first loads every discovered plugin (``load_all()``), so what
it reports is complete; a plugin that fails to load is reported, never raised.
This module is not imported by ``import registry_core``.

Examples:
    >>> from registry_core import MODELS, Registry
    >>> from registry_core import introspect
    >>> DEMO = Registry("model", parent=MODELS, scope="demo")
    >>> @DEMO.register_module(name=["Linear", "Dense"])
    ... def linear(x, weight=1.0):
    ...     '''Scale ``x`` by ``weight``.'''
    ...     return x * weight
    >>> [e.key for e in introspect.list_entries("model", scope="demo")]
    ['demo.Linear']
    >>> hit, = introspect.describe("demo.Dense").hits
    >>> hit.kind, hit.name, hit.aliases, hit.signature, hit.doc
    ('function', 'Dense', ('Linear',), '(x, weight=1.0)', 'Scale ``x`` by ``weight``.')
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from registry_core import _keys
from registry_core.discovery import (
    BLOCK_VAR,
    load_all,
    load_scope,
    state,
)
from registry_core.errors import (
    IncompatiblePluginError,
    NotRegisteredError,
    RegistryError,
    ScopeConflictError,
    ScopeNotFoundError,
)
from registry_core.registry import Registry
from registry_core.roots import ROOTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import TracebackType
    from typing import Any, Final

    from registry_core.discovery import ScopeInfo, ScopeTable
    from registry_core.discovery._scan import Diagnostic

    JSON = dict[str, Any]

__all__ = [
    "KINDS",
    "SCHEMA",
    "Description",
    "Entry",
    "Miss",
    "Node",
    "Problem",
    "Report",
    "Resolution",
    "ScopeTree",
    "check",
    "describe",
    "find_root",
    "list_entries",
    "scope_tree",
]

#: Version of the ``--json`` shapes; it changes only if a field changes meaning
#: or disappears (new fields may be added without a change).
SCHEMA: Final = 1

#: What a registered object is: a class, a function (any routine, builtins and
#: methods included), a ``functools.partial``, or any other callable (an
#: instance with ``__call__``).
KINDS: Final = ("class", "function", "partial", "callable")

#: The scope of the root registries, and the distribution providing it.
_FRAMEWORK_SCOPE: Final = "registry_core"
_FRAMEWORK_DISTRIBUTION: Final = "registry-core"
#: Statuses that make ``check`` fail, and the one it only notes.
_ERRORS: Final = ("failed", "incompatible", "conflict")
_NOTES: Final = ("blocked",)


# -- the tree -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    """One registry in the tree under a root.

    Attributes:
        registry: the attribute name of the root it is under, e.g. ``'MODELS'``.
        name: the registry's ``name``, e.g. ``'model'``.
        scope: its scope (``'registry_core'`` for a root).
        names: how many names it holds (aliases count, as in ``len(R)``), or
            ``None`` when importing its ``locations`` failed.
        distribution: the distribution providing its scope (``'registry-core'``
            for a root), or ``None`` when no discovered plugin provides it (a
            registry attached by code imported directly).
        version: that distribution's version, or ``None``.
        status: the discovery status of its scope, or ``None`` for a root and
            for a scope no plugin provides.
        error: why ``names`` is ``None``, else ``None``.
        children: its children, in scope order.
    """

    registry: str
    name: str
    scope: str
    names: int | None
    distribution: str | None
    version: str | None
    status: str | None
    error: str | None
    children: tuple[Node, ...]

    def walk(self) -> Iterator[Node]:
        """This node and its descendants, depth-first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_json(self) -> JSON:
        """The node as in ``registry-core tree --json``."""
        return {
            "registry": self.registry,
            "name": self.name,
            "scope": self.scope,
            "names": self.names,
            "distribution": self.distribution,
            "version": self.version,
            "status": self.status,
            "error": self.error,
            "children": [child.to_json() for child in self.children],
        }


@dataclass(frozen=True, slots=True)
class ScopeTree:
    """What :func:`scope_tree` returns.

    Attributes:
        version: the running ``registry_core.__version__``.
        autoload: ``False`` when ``REGISTRY_CORE_DISABLE_AUTOLOAD`` turns
            discovery off.
        roots: one node per root registry, in ``roots.ROOTS`` order.
        plugins: every scope discovery found, in scope order, loaded or not
            (a scope that failed to load has no node under any root).
        diagnostics: the installed metadata discovery skipped, and why.
    """

    version: str
    autoload: bool
    roots: tuple[Node, ...]
    plugins: tuple[ScopeInfo, ...]
    diagnostics: tuple[Diagnostic, ...]

    def to_json(self) -> JSON:
        """The output of ``registry-core tree --json``."""
        return {
            "schema": SCHEMA,
            "version": self.version,
            "autoload": self.autoload,
            "roots": [root.to_json() for root in self.roots],
            "plugins": [_plugin_json(info) for info in self.plugins],
            "diagnostics": [_diagnostic_json(d) for d in self.diagnostics],
        }


def scope_tree() -> ScopeTree:
    """Load every discovered plugin and describe the root registries' trees.

    Returns:
        The roots with their children (each with its scope, the distribution
        and version providing it, its number of names and its status), every
        discovered plugin, and the metadata diagnostics.

    Examples:
        >>> from registry_core import MODELS, Registry, introspect
        >>> _ = Registry("model", parent=MODELS, scope="demo_tree")
        >>> models = introspect.scope_tree().roots[0]
        >>> models.registry, models.name, models.scope, models.distribution
        ('MODELS', 'model', 'registry_core', 'registry-core')
        >>> [(c.scope, c.names, c.status) for c in models.children if c.scope == "demo_tree"]
        [('demo_tree', 0, None)]
    """
    table = load_all()
    return ScopeTree(
        version=_running_version(),
        autoload=not state().disabled,
        roots=tuple(_node(attr, root, table) for attr, root in ROOTS.items()),
        plugins=tuple(table.values()),
        diagnostics=table.diagnostics,
    )


def _node(label: str, registry: Registry[Any], table: ScopeTable) -> Node:
    names, error = _count(registry, table)
    distribution, version, status = _provider(registry.scope, table)
    children = sorted(registry._children.items())
    return Node(
        registry=label,
        name=registry.name,
        scope=registry.scope,
        names=names,
        distribution=distribution,
        version=version,
        status=status,
        error=error,
        children=tuple(_node(label, child, table) for _, child in children),
    )


def _count(registry: Registry[Any], table: ScopeTable) -> tuple[int | None, str | None]:
    """``len(registry)``, or ``None`` and why when importing its locations fails."""
    try:
        return len(registry), None
    except (Exception, SystemExit) as exc:
        return None, _locations_message(registry, exc, table)


def _locations_message(registry: Registry[Any], exc: BaseException, table: ScopeTable) -> str:
    location = next((m for m in registry.locations if m not in sys.modules), None)
    what = f"importing {location!r}, a location" if location else "importing the locations"
    distribution = _provider(registry.scope, table)[0]
    if distribution is None:
        fix = f"fix module {registry._origin!r}, which created the registry"
    else:
        fix = (
            f"fix or reinstall {distribution} (pip install --force-reinstall {distribution}), "
            f"or block it with {BLOCK_VAR}={registry.scope}"
        )
    return (
        f"{what} of the {registry.scope}::{registry.name} registry, raised "
        f"{type(exc).__name__}: {exc}. Its names cannot be listed or looked up; {fix}"
    )


def _provider(scope: str, table: ScopeTable) -> tuple[str | None, str | None, str | None]:
    """``(distribution, version, status)`` of a scope; ``None`` where unknown."""
    if scope == _FRAMEWORK_SCOPE:
        return _FRAMEWORK_DISTRIBUTION, _running_version(), None
    info = table.get(scope)
    if info is None:
        return None, None, None
    return info.distribution, info.version, info.status


def _running_version() -> str:
    import registry_core

    return registry_core.__version__


# -- listing ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One registered object of a registry: its names and what it is.

    Attributes:
        registry: the attribute name of the root it is under, e.g. ``'MODELS'``.
        key: the key that finds it from that root, e.g. ``'toydet.NetA'``
            (just the name for an object registered in the root itself).
        scope: the scope of the registry holding it.
        name: the first name it was registered under.
        aliases: its other names in the same registry, in registration order.
        kind: one of :data:`KINDS`.
        qualname: ``module.qualname`` of the object (for a partial, the call
            it stands for; for a callable instance, its class's).
    """

    registry: str
    key: str
    scope: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    qualname: str

    def to_json(self) -> JSON:
        """The entry as in ``registry-core list --json``."""
        return {
            "registry": self.registry,
            "key": self.key,
            "scope": self.scope,
            "name": self.name,
            "aliases": list(self.aliases),
            "kind": self.kind,
            "qualname": self.qualname,
        }


def find_root(name: str) -> tuple[str, Registry[Any]]:
    """The root registry called ``name``, and its attribute name.

    Args:
        name: a root's attribute name (``'MODELS'``) or its ``name``
            (``'model'``), in any case.

    Returns:
        ``(attribute name, root)``, e.g. ``('MODELS', MODELS)``.

    Raises:
        ValueError: no root has that name; the message lists the roots.

    Examples:
        >>> from registry_core.introspect import find_root
        >>> find_root("model")[0], find_root("Transforms")[1].name
        ('MODELS', 'transform')
    """
    if not isinstance(name, str):
        raise TypeError(f"a registry name must be a str, got {type(name).__name__}")
    folded = name.casefold()
    for attr, root in ROOTS.items():
        if folded in (attr.casefold(), root.name.casefold()):
            return attr, root
    choices = ", ".join(f"{attr} ({root.name})" for attr, root in ROOTS.items())
    by_name = {root.name: attr for attr, root in ROOTS.items()} | {attr: attr for attr in ROOTS}
    close = dict.fromkeys(by_name[match] for match in _keys.close_matches(name, by_name))
    hint = f" Did you mean: {', '.join(map(repr, close))}?" if close else ""
    raise ValueError(f"unknown registry {name!r}.{hint} The root registries are: {choices}")


def list_entries(
    registry: str | Registry[Any] | None = None,
    scope: str | None = None,
    pattern: str | None = None,
) -> list[Entry]:
    """Load every discovered plugin and list the registered objects.

    Each object appears once, with all its names in its registry. Objects
    are grouped by root (in ``roots.ROOTS`` order), then ordered by key.

    Args:
        registry: the root to list (see :func:`find_root`), or a ``Registry``
            (its subtree is listed); ``None`` lists every root.
        scope: list only the registries of this scope (``'registry_core'``
            for the roots' own names).
        pattern: a glob (``fnmatch``) matched, case-insensitively, against
            each name, each alias and the key; an object matches when any does.

    Returns:
        The entries. Registries whose ``locations`` fail to import are
        skipped (``scope_tree`` and ``check`` report them).

    Raises:
        ValueError: ``registry`` names no root.
        ScopeNotFoundError: ``scope`` is neither under any root nor
            discovered.

    Examples:
        >>> from registry_core import MODELS, Registry, introspect
        >>> DEMO = Registry("model", parent=MODELS, scope="demo_list")
        >>> _ = DEMO.register_module(name=["Conv", "Conv2d"], module=lambda: None)
        >>> _ = DEMO.register_module(module=dict)
        >>> for e in introspect.list_entries("MODELS", scope="demo_list", pattern="c*"):
        ...     print(e.key, e.aliases, e.kind)
        demo_list.Conv ('Conv2d',) function
    """
    import fnmatch

    targets = _targets(registry)
    table = load_all()
    if scope is not None:
        _check_scope(scope, table)
    folded = None if pattern is None else pattern.casefold()
    entries: list[Entry] = []
    for label, top in targets:
        found: list[tuple[tuple[str, ...], str, Entry]] = []
        for node, path in _walk_paths(top):
            if scope is not None and node.scope != scope:
                continue
            try:
                items = list(node.module_dict.items())
            except (Exception, SystemExit):
                continue
            for obj, names in _group(items):
                keys = [".".join((*path, name)) for name in names]
                if folded is not None and not any(
                    fnmatch.fnmatchcase(text.casefold(), folded) for text in (*names, keys[0])
                ):
                    continue
                entry = Entry(
                    registry=label,
                    key=keys[0],
                    scope=node.scope,
                    name=names[0],
                    aliases=tuple(names[1:]),
                    kind=_kind(obj),
                    qualname=_qualname(obj),
                )
                found.append((path, names[0], entry))
        found.sort(key=_path_and_name)
        entries.extend(entry for _, _, entry in found)
    return entries


def _path_and_name(item: tuple[tuple[str, ...], str, Entry]) -> tuple[tuple[str, ...], str]:
    return item[0], item[1]


def _targets(registry: str | Registry[Any] | None) -> list[tuple[str, Registry[Any]]]:
    """``(label, registry)`` pairs to search: every root, one root, or a registry."""
    if registry is None:
        return list(ROOTS.items())
    if isinstance(registry, Registry):
        return [(_label(registry), registry)]
    return [find_root(registry)]


def _label(registry: Registry[Any]) -> str:
    """The attribute name of ``registry``'s root, else that root's ``name``."""
    root = registry.root
    for attr, shipped in ROOTS.items():
        if shipped is root:
            return attr
    return root.name


def _walk_paths(top: Registry[Any]) -> Iterator[tuple[Registry[Any], tuple[str, ...]]]:
    """Each registry under ``top`` with the scopes leading to it from ``top``."""
    queue: list[tuple[Registry[Any], tuple[str, ...]]] = [(top, ())]
    for node, path in queue:
        yield node, path
        queue.extend((child, (*path, scope)) for scope, child in node._children.items())


def _group(items: list[tuple[str, Any]]) -> list[tuple[Any, list[str]]]:
    """Group ``(name, object)`` pairs by object, names in registration order."""
    groups: dict[int, tuple[Any, list[str]]] = {}
    for name, obj in items:
        groups.setdefault(id(obj), (obj, []))[1].append(name)
    return list(groups.values())


def _check_scope(scope: str, table: ScopeTable) -> None:
    """Raise ``ScopeNotFoundError`` unless ``scope`` is under a root or discovered."""
    if not isinstance(scope, str):
        raise TypeError(f"a scope must be a str, got {type(scope).__name__}")
    known = set(table)
    for root in ROOTS.values():
        known.update(node.scope for node in root._walk())
    if scope in known:
        return
    close = _keys.close_matches(scope, known)
    hint = f" Did you mean: {', '.join(map(repr, close))}?" if close else ""
    raise ScopeNotFoundError(
        f"scope {scope!r} is unknown: no registry under the root registries has it and no "
        f"installed distribution advertises it.{hint} Known scopes: {', '.join(sorted(known))}",
        scope=scope,
        known=sorted(known),
    )


def _kind(obj: object) -> str:
    import functools
    import inspect

    if isinstance(obj, type):
        return "class"
    if isinstance(obj, functools.partial):
        return "partial"
    if inspect.isroutine(obj):
        return "function"
    return "callable"


def _qualname(obj: object) -> str:
    import functools

    if isinstance(obj, functools.partial):
        args = [repr(a) for a in obj.args] + [f"{k}={v!r}" for k, v in obj.keywords.items()]
        return f"functools.partial({', '.join([_qualname(obj.func), *args])})"[:200]
    if _kind(obj) == "callable":
        return _keys.describe(type(obj))
    return _keys.describe(obj)


# -- describing one key ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Description:
    """What a key resolves to in one registry.

    Attributes:
        key: the key looked up.
        registry: the attribute name of the root searched, e.g. ``'MODELS'``.
        scope: the scope of the registry that holds the object.
        name: the name the key's last part found it under.
        aliases: its other names in that registry, in registration order.
        kind: one of :data:`KINDS`.
        qualname: ``module.qualname``, as for :class:`Entry`.
        signature: how to call it, e.g. ``'(depth: int = 50)'`` (for a class,
            its constructor's parameters), or ``None`` if unknown.
        doc: the first line of its docstring (for a partial, of the function
            it wraps; for a callable instance, of its class), or ``None``.
        file: the file that defines it, or ``None`` (a builtin).
        line: the line the definition starts on there, or ``None``.
        distribution: the distribution providing ``scope``, or ``None``.
        version: that distribution's version, or ``None``.
    """

    key: str
    registry: str
    scope: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    qualname: str
    signature: str | None
    doc: str | None
    file: str | None
    line: int | None
    distribution: str | None
    version: str | None

    def to_json(self) -> JSON:
        """The hit as in ``registry-core show --json``."""
        return {name: _plain(getattr(self, name)) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Miss:
    """Why one registry did not resolve a key.

    Attributes:
        registry: the attribute name of the root searched.
        error: the ``NotRegisteredError`` that ``registry[key]`` raises (with
            its close matches and the loaded scopes that have the name), or
            the error of a plugin the key's scope needs but that cannot load
            (``PluginLoadError``, ``IncompatiblePluginError``,
            ``ScopeConflictError``).
    """

    registry: str
    error: RegistryError

    @property
    def helpful(self) -> bool:
        """Whether the error says more than "not here": close matches, other
        scopes holding the name, or a plugin that cannot load."""
        error = self.error
        if isinstance(error, NotRegisteredError):
            return bool(error.suggestions or error.found_in)
        return True

    def to_json(self) -> JSON:
        """The miss as in ``registry-core show --json``."""
        error = self.error
        suggestions: tuple[str, ...] = ()
        found_in: tuple[str, ...] = ()
        if isinstance(error, NotRegisteredError):
            suggestions, found_in = error.suggestions, error.found_in
        return {
            "registry": self.registry,
            "type": type(error).__name__,
            "message": str(error),
            "suggestions": list(suggestions),
            "found_in": list(found_in),
        }


@dataclass(frozen=True, slots=True)
class Resolution:
    """What :func:`describe` returns.

    Attributes:
        key: the key looked up.
        registry: the root searched (its attribute name), or ``None`` when
            every root was.
        hits: one description per registry that resolves the key.
        misses: when there are no hits, why each searched registry missed;
            empty otherwise.
    """

    key: str
    registry: str | None
    hits: tuple[Description, ...]
    misses: tuple[Miss, ...]

    @property
    def found(self) -> bool:
        """Whether some registry resolves the key."""
        return bool(self.hits)

    def to_json(self) -> JSON:
        """The output of ``registry-core show --json``."""
        return {
            "schema": SCHEMA,
            "key": self.key,
            "registry": self.registry,
            "found": self.found,
            "hits": [hit.to_json() for hit in self.hits],
            "misses": [miss.to_json() for miss in self.misses],
        }


def describe(key: str, registry: str | Registry[Any] | None = None) -> Resolution:
    """Load every discovered plugin and say what ``key`` resolves to.

    The key is looked up as ``registry[key]`` would: ``'toydet.NetA'`` in the
    registry of scope ``toydet``, an unscoped name in the root itself.

    Args:
        key: the key, e.g. ``'toydet.NetA'``.
        registry: the root to search (see :func:`find_root`) or a
            ``Registry``; ``None`` searches every root and reports each hit.

    Returns:
        The hits, or, when there are none, each registry's reason for the
        miss. A miss is data, not an exception.

    Raises:
        TypeError: ``key`` is not a str.
        ValueError: ``registry`` names no root.

    Examples:
        >>> from registry_core import introspect
        >>> miss = introspect.describe("NoSuchThing", registry="MODELS")
        >>> miss.found, miss.misses[0].error.key
        (False, 'NoSuchThing')
    """
    if not isinstance(key, str):
        raise TypeError(f"a key must be a str, got {type(key).__name__}: {key!r:.80}")
    targets = _targets(registry)
    table = load_all()
    for root in ROOTS.values():  # so that a miss names every scope that has the name
        for node in root._walk():
            _count(node, table)
    hits: list[Description] = []
    misses: list[Miss] = []
    for label, top in targets:
        try:
            obj = top.get(key)
        except RegistryError as exc:  # the key's scope belongs to a broken plugin
            misses.append(Miss(label, exc))
            continue
        if obj is None:
            misses.append(Miss(label, top._not_registered(key)))
        else:
            hits.append(_describe(key, label, top, obj, table))
    requested = None if registry is None else targets[0][0]
    return Resolution(key, requested, tuple(hits), () if hits else tuple(misses))


def _describe(key: str, label: str, top: Registry[Any], obj: Any, table: ScopeTable) -> Description:
    holder, name = _holder(top, key, obj)
    kind = _kind(obj)
    distribution, version, _ = _provider(holder.scope, table)
    return Description(
        key=key,
        registry=label,
        scope=holder.scope,
        name=name,
        aliases=tuple(n for n, o in holder._module_dict.items() if o is obj and n != name),
        kind=kind,
        qualname=_qualname(obj),
        signature=_signature(obj, kind),
        doc=_first_doc_line(obj, kind),
        file=_source_file(_definition(obj)),
        line=_source_line(_definition(obj)),
        distribution=distribution,
        version=version,
    )


def _holder(top: Registry[Any], key: str, obj: Any) -> tuple[Registry[Any], str]:
    """The registry that holds ``obj`` for ``top[key]``, and the name it is under.

    Mirrors the lookup: each scope of the key is found from the previous
    registry (its subtree first, then its root's tree), the name from the last
    registry upwards.
    """
    node = top
    scope, rest = _keys.split_key(key)
    while scope is not None:
        found = node._search(scope)
        if found is None:  # pragma: no cover - the lookup just found it
            break
        node = found
        scope, rest = _keys.split_key(rest)
    ancestor: Registry[Any] | None = node
    while ancestor is not None:
        if ancestor._module_dict.get(rest) is obj:
            return ancestor, rest
        ancestor = ancestor.parent
    return node, rest  # pragma: no cover


def _definition(obj: Any) -> Any:
    """The object whose source defines ``obj``: a partial's function, an
    instance's class, a decorated function's original."""
    import inspect

    obj = _unpartial(obj)
    if _kind(obj) == "callable":
        obj = type(obj)
    try:
        return inspect.unwrap(obj)
    except ValueError:  # a cycle of __wrapped__
        return obj


def _unpartial(obj: Any) -> Any:
    import functools

    while isinstance(obj, functools.partial):
        obj = obj.func
    return obj


def _signature(obj: Any, kind: str) -> str | None:
    import inspect

    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    if isinstance(_unpartial(obj), type):  # a class returns an instance, whatever __init__ says
        signature = signature.replace(return_annotation=inspect.Signature.empty)
    return str(signature)


def _first_doc_line(obj: Any, kind: str) -> str | None:
    import inspect

    target = _definition(obj) if kind in ("partial", "callable") else obj
    doc = getattr(target, "__doc__", None)
    if not isinstance(doc, str):
        return None
    for line in inspect.cleandoc(doc).splitlines():
        if line.strip():
            return line.strip()
    return None


def _source_file(target: Any) -> str | None:
    import inspect

    try:
        file = inspect.getsourcefile(target) or inspect.getfile(target)
    except (TypeError, OSError):
        return None
    return os.path.abspath(file)


def _source_line(target: Any) -> int | None:
    import inspect

    try:
        return inspect.getsourcelines(target)[1] or None
    except (TypeError, OSError, IndexError, SyntaxError):
        return None


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


# -- checking -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem :func:`check` found.

    Attributes:
        scope: the plugin's scope.
        distribution: the distribution advertising it (for a conflict, the
            first one found).
        version: that distribution's version.
        kind: ``'failed'`` (its module raised), ``'incompatible'``,
            ``'conflict'`` (several distributions advertise the scope),
            ``'blocked'`` (``REGISTRY_CORE_BLOCK`` names it) or
            ``'locations'`` (it loaded, but a module its registry imports on
            first use, one of its ``locations``, raised).
        severity: ``'error'``, or ``'note'`` for ``blocked`` (a user choice).
        summary: one line saying what is wrong.
        message: the full error message: what happened, where, what to do.
        cause: the original exception as ``'Type: message'``, or what the
            plugin requires, or who claims the scope; ``None`` if nothing
            more is known.
        location: ``'file:line'`` where the original exception was raised
            (the innermost frame in the plugin's own package), or ``None``.
        action: what to do about it, in one sentence.
    """

    scope: str
    distribution: str | None
    version: str | None
    kind: str
    severity: str
    summary: str
    message: str
    cause: str | None
    location: str | None
    action: str

    def to_json(self) -> JSON:
        """The problem as in ``registry-core check --json``."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Report:
    """What :func:`check` returns.

    Attributes:
        version: the running ``registry_core.__version__``.
        autoload: ``False`` when ``REGISTRY_CORE_DISABLE_AUTOLOAD`` turns
            discovery off.
        plugins: every discovered scope, after loading them all.
        problems: errors first, then notes; each in scope order.
        diagnostics: the installed metadata discovery skipped, and why.
    """

    version: str
    autoload: bool
    plugins: tuple[ScopeInfo, ...]
    problems: tuple[Problem, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        """No plugin failed, is incompatible or conflicts (blocked ones are fine)."""
        return not any(p.severity == "error" for p in self.problems)

    def to_json(self) -> JSON:
        """The output of ``registry-core check --json``."""
        return {
            "schema": SCHEMA,
            "ok": self.ok,
            "version": self.version,
            "autoload": self.autoload,
            "plugins": [_plugin_json(info) for info in self.plugins],
            "problems": [problem.to_json() for problem in self.problems],
            "diagnostics": [_diagnostic_json(d) for d in self.diagnostics],
        }


def check() -> Report:
    """Load every discovered plugin and report each problem, with what to do.

    A plugin that failed to import, is incompatible with the running
    ``registry-core``, conflicts with another distribution, or loaded but
    cannot import its ``locations`` is an error; a blocked one is a note.

    Examples:
        >>> from registry_core import introspect
        >>> report = introspect.check()
        >>> report.ok, [p.scope for p in report.problems if p.severity == "error"]
        (True, [])
    """
    table = load_all()
    problems = [_plugin_problem(info) for info in table.values() if info.status in _ERRORS]
    for root in ROOTS.values():
        for node in root._walk():
            try:
                len(node)
            except (Exception, SystemExit) as exc:
                problems.append(_locations_problem(node, exc, table))
    problems.sort(key=_problem_order)
    problems += [_plugin_problem(info) for info in table.values() if info.status in _NOTES]
    return Report(
        version=_running_version(),
        autoload=not state().disabled,
        plugins=tuple(table.values()),
        problems=tuple(problems),
        diagnostics=table.diagnostics,
    )


def _problem_order(problem: Problem) -> tuple[str, str]:
    return problem.scope, problem.kind


def _plugin_problem(info: ScopeInfo) -> Problem:
    """The problem of a plugin whose status is failed, incompatible, conflict or blocked."""
    error: RegistryError | None = None
    try:
        load_scope(info.scope)  # raises the stored error again; imports nothing
    except RegistryError as exc:
        error = exc
    message = str(error) if error is not None else (info.error or "")
    cause_exc = error.__cause__ if error is not None else None
    cause = None if cause_exc is None else _exception_line(cause_exc)
    failed = info.status == "failed"  # only then is the cause the plugin's own code
    location = _raised_at(cause_exc, info.module) if failed and cause_exc else None
    dist, scope = info.distribution, info.scope
    who = f"plugin {scope!r} ({dist} {info.version})"
    if info.status == "incompatible":
        running = _running_version()
        requirement = "registry-core"
        if isinstance(error, IncompatiblePluginError):
            requirement, running = error.requirement, error.running
            if cause is None:
                cause = f"requires {requirement}, running registry-core {running}"
        summary = f"{who} is incompatible with registry-core {running}"
        action = (
            f"install a registry-core that satisfies {requirement!r}, or a release of {dist} "
            f"that supports registry-core {running} (pip install --upgrade {dist})"
        )
    elif info.status == "conflict":
        claimants = info.claimants
        if isinstance(error, ScopeConflictError) and error.claimants:
            claimants = error.claimants
        summary = f"scope {scope!r} is advertised by {len(claimants)} distributions"
        cause = "advertised by " + ", ".join(_claims(scope) or claimants)
        action = "keep one of them: " + ", or ".join(f"pip uninstall {c}" for c in claimants)
    elif info.status == "blocked":
        summary = f"{who} is blocked"
        cause = f"{BLOCK_VAR}={os.environ.get(BLOCK_VAR, '')!r}"
        action = f"remove {scope!r} from {BLOCK_VAR} to use it"
    else:
        summary = f"{who} failed to import"
        action = (
            f"fix or reinstall {dist} (pip install --force-reinstall {dist}), "
            f"or block it with {BLOCK_VAR}={scope}"
        )
    return Problem(
        scope=scope,
        distribution=dist,
        version=info.version,
        kind=info.status,
        severity="note" if info.status in _NOTES else "error",
        summary=summary,
        message=message,
        cause=cause,
        location=location,
        action=action,
    )


def _claims(scope: str) -> list[str]:
    """``'distribution version (metadata folder)'`` of each advertiser of ``scope``."""
    from registry_core.discovery._scan import scan

    return [
        f"{r.distribution} {r.version} ({r.path})"
        for r in scan(sys.path).entry_points
        if r.scope == scope
    ]


def _locations_problem(node: Registry[Any], exc: BaseException, table: ScopeTable) -> Problem:
    distribution, version, _ = _provider(node.scope, table)
    origin = node._origin
    if distribution is None:
        action = f"fix module {origin!r}, which created the registry"
        who = f"the {node.scope}::{node.name} registry"
    else:
        action = (
            f"fix or reinstall {distribution} (pip install --force-reinstall {distribution}), "
            f"or block it with {BLOCK_VAR}={node.scope}"
        )
        who = f"plugin {node.scope!r} ({distribution} {version})"
    return Problem(
        scope=node.scope,
        distribution=distribution,
        version=version,
        kind="locations",
        severity="error",
        summary=f"{who} cannot import the modules that register its {node.name} names",
        message=_locations_message(node, exc, table),
        cause=_exception_line(exc),
        location=_raised_at(exc, origin),
        action=action,
    )


def _exception_line(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _raised_at(exc: BaseException, module: str) -> str | None:
    """``file:line`` of the innermost frame in ``module``'s package, else the
    innermost frame; for a ``SyntaxError``, the offending line."""
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        return f"{exc.filename}:{exc.lineno}"
    package = module.partition(".")[0]
    innermost = ours = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        where = f"{frame.f_code.co_filename}:{tb.tb_lineno}"
        if not frame.f_code.co_filename.startswith("<"):
            innermost = where
        name = frame.f_globals.get("__name__")
        if isinstance(name, str) and (name == package or name.startswith(package + ".")):
            ours = where
        tb = tb.tb_next
    return ours or innermost


# -- shared JSON helpers ----------------------------------------------------------


def _plugin_json(info: ScopeInfo) -> JSON:
    """A ``ScopeInfo`` as in the ``plugins`` lists of ``tree`` and ``check``."""
    return {
        "scope": info.scope,
        "module": info.module,
        "distribution": info.distribution,
        "version": info.version,
        "status": info.status,
        "error": info.error,
        "path": info.path,
        "claimants": list(info.claimants),
    }


def _diagnostic_json(diagnostic: Diagnostic) -> JSON:
    """A metadata diagnostic as in the ``diagnostics`` lists of ``tree`` and ``check``."""
    return {
        "path": diagnostic.path,
        "distribution": diagnostic.distribution,
        "message": diagnostic.message,
    }
