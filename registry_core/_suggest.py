"""Close keys for a key that resolved to nothing: one rule for the miss message and validate.

*Visible* names are those of the registry the key's last part was looked up
in (``Trace.searched``) and of its ancestors: the names the lookup saw. Close
ones are suggested written with the scopes the user typed
(``mycodebase.TinyNet`` for ``mycodebase.TinyNt``).

**Registered in scope X** (the one rule both use): a registry of the same
tree that is not visible, scope ``X``, holds exactly the name; it is written
``X.Name``. The miss message says "'Name' is registered in scope: X (as
'X.Name')" and suggests close names of other registries only when no scope
holds the exact name; validate lists ``X.Name`` among its suggestions, after
the close visible names.

Names are read after importing a registry's ``locations`` (as any lookup of
it would); a registry whose locations fail to import offers no names.
Searching similar names costs the square of the name's length, so names over
200 characters get no suggestions.
"""

from __future__ import annotations

from registry_core import _keys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["Suggestions", "names", "suggest"]

#: Longer names get no similarity search.
_LONGEST = 200


class Suggestions:
    """What is close to a missed key (see the module docstring).

    Attributes:
        close: visible names close to the key's name, written with its scopes.
        found_in: the scopes (sorted) whose registries hold the exact name.
        elsewhere: close names of the other registries, written ``scope.Name``.
    """

    __slots__ = ("close", "elsewhere", "found_in", "name")

    def __init__(self, name: str, close: list[str], found_in: list[str], elsewhere: list[str]):
        self.name = name
        self.close = close
        self.found_in = found_in
        self.elsewhere = elsewhere

    def for_miss(self, limit: int = 3) -> list[str]:
        """Did-you-mean keys for the miss message (which names ``found_in`` apart)."""
        keys = self.close if self.found_in else self.close + self.elsewhere
        return list(dict.fromkeys(keys))[:limit]

    def for_validate(self, limit: int = 3) -> list[str]:
        """Did-you-mean keys for validate: close, then registered in other scopes."""
        scoped = [f"{scope}.{self.name}" for scope in self.found_in]
        return list(dict.fromkeys(self.close + scoped + self.elsewhere))[:limit]


def suggest(searched: Registry[Any], key: str) -> Suggestions:
    """Close keys for ``key``, whose last part was looked up in ``searched``."""
    name = key.rpartition(".")[2]
    prefix = key[: len(key) - len(name)]
    visible: set[str] = set()
    lineage: set[int] = set()
    ancestor: Registry[Any] | None = searched
    while ancestor is not None:
        lineage.add(id(ancestor))
        visible.update(names(ancestor))
        ancestor = ancestor.parent
    other: dict[str, list[str]] = {}  # name -> its scoped keys, in tree order
    found_in: set[str] = set()
    for node in _walk(searched.root):
        if id(node) in lineage:
            continue
        for n in names(node):
            if n == name:
                found_in.add(node.scope)
            elif n not in visible:
                other.setdefault(n, []).append(f"{node.scope}.{n}")
    close: list[str] = []
    elsewhere: list[str] = []
    if 0 < len(name) <= _LONGEST:
        close = [prefix + match for match in _keys.close_matches(name, visible)]
        for match in _keys.close_matches(name, other):
            elsewhere += other[match]
    return Suggestions(name, close, sorted(found_in), elsewhere)


def names(node: Registry[Any]) -> Mapping[str, Any]:
    """A registry's own names, its locations imported first ({} if they fail)."""
    try:
        return node.module_dict
    except Exception:  # its error is raised by any lookup that needs that registry
        return {}


def _walk(root: Registry[Any]) -> list[Registry[Any]]:
    """``root`` and its descendants, breadth-first."""
    queue = [root]
    for node in queue:
        queue.extend(node.children.values())
    return queue
