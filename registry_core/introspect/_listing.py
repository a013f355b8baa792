"""``list_entries()`` and ``find_root()``: the registered objects, with names and kinds."""

from __future__ import annotations

from registry_core import _keys
from registry_core._node import walk
from registry_core._value import Value
from registry_core.discovery import (
    load_all,
)
from registry_core.errors import (
    ScopeNotFoundError,
)
from registry_core.introspect._common import (
    _kind,
    _qualname,
)
from registry_core.registry import Registry
from registry_core.roots import ROOTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from registry_core._vocab import ObjectKind
    from registry_core.discovery import ScopeTable

    JSON = dict[str, Any]


class Entry(Value):
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

    __slots__ = (  # noqa: RUF023 (the fields, in order)
        "registry",
        "key",
        "scope",
        "name",
        "aliases",
        "kind",
        "qualname",
    )

    registry: str
    key: str
    scope: str
    name: str
    aliases: tuple[str, ...]
    kind: ObjectKind
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
        queue.extend((child, (*path, scope)) for scope, child in node.children.items())


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
        known.update(node.scope for node in walk(root))
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
