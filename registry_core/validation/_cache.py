"""What ``validate`` remembers between calls: plans per target, lookups per registry.

Both are valid for one state of the registry trees: every registration and
every child attached changes its root's generation (``_node.generation``), and when the
generations of the live roots differ from those the cache was filled under,
it is emptied. Lookups can change the trees themselves (loading a plugin), so
the stamp is checked again after every lookup that was not cached.
"""

from __future__ import annotations

from registry_core._node import generation
from registry_core.registry import live_roots

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.registry import Registry
    from registry_core.validation._signature import Location, Plan

    #: ``(object, registry where the key's last part was looked up, plan, type as written)``
    Entry = tuple[Any, Any, Any, Any]

__all__ = ["Cache", "CACHE"]

#: Lookups remembered at most; past this the cache starts again (a config of
#: that many distinct types is not a common one).
_LIMIT = 65536


class Cache:
    """Plans by target and lookups by ``(registry, key)``, for one state of the trees."""

    __slots__ = ("locations", "lookups", "plans", "stamp")

    def __init__(self) -> None:
        self.lookups: dict[tuple[Registry[Any], Any], Entry] = {}
        self.plans: dict[int, tuple[Any, Plan]] = {}
        self.locations: dict[int, tuple[Any, Location]] = {}
        self.stamp: tuple[tuple[int, int], ...] = ()

    def sync(self) -> None:
        """Empty the cache if some registry tree changed since it was filled."""
        stamp = _stamp()
        if stamp != self.stamp:
            self.lookups.clear()
            self.plans.clear()
            self.locations.clear()
            self.stamp = stamp

    def plan(self, obj: Any) -> Plan:
        """The plan of ``obj``, computed on first need."""
        found = self.plans.get(id(obj))
        if found is not None and found[0] is obj:
            return found[1]
        from registry_core.validation._signature import plan_for  # (not for unknown types)

        plan = plan_for(obj)
        if len(self.plans) >= _LIMIT:
            self.plans.clear()
        self.plans[id(obj)] = (obj, plan)  # holding obj keeps its id from being reused
        return plan

    def location(self, target: Any) -> Location:
        """Where ``target`` is defined, read from its source on first need."""
        found = self.locations.get(id(target))
        if found is not None and found[0] is target:
            return found[1]
        from registry_core.validation._signature import locate

        location = locate(target)
        self.locations[id(target)] = (target, location)
        return location

    def remember(self, key: tuple[Registry[Any], str], entry: Entry) -> None:
        if len(self.lookups) >= _LIMIT:
            self.lookups.clear()
        self.lookups[key] = entry


def _stamp() -> tuple[tuple[int, int], ...]:
    return tuple((id(root), generation(root)) for root in live_roots())


#: The one cache of the process.
CACHE = Cache()
