"""The walk: every value of a config visited once, without recursion.

The walk keeps its own stack, so a config thousands of levels deep is no
problem, and remembers each container it has entered, so a container that
contains itself is reported (``cycle``) instead of walked forever. A
container that two places of the config share (the same object) is walked
once, where the walk first meets it.

Each stack item is ``(cell, owner, expect)``:

- ``cell`` is ``(parent cell, key, value)``; the top cell has no parent. The
  chain of cells is the value's path, formatted only when there is an issue.
- ``owner`` describes the nearest node above the value, ``(target, registry
  its type was looked up in, plan, type as written)``, or ``None`` above every
  node; nested nodes resolve in ``owner``'s registry.
- ``expect`` is what the owner's annotation accepts at this place, or ``None``.

The common case (a nested node whose type was looked up before) costs a few
dictionary lookups; everything that reports an issue or resolves a type for
the first time lives in :class:`_Walk`'s other methods and in ``_record``.
"""

from __future__ import annotations

from _collections_abc import Mapping

from registry_core import _keys
from registry_core.errors import ScopeNotFoundError
from registry_core.registry import live_roots
from registry_core.validation import _resolve
from registry_core.validation._annotations import ACCEPT, PLAIN
from registry_core.validation._cache import CACHE
from registry_core.validation._record import Recorder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

    from registry_core.registry import Registry
    from registry_core.validation._annotations import Expect
    from registry_core.validation._issues import Issue
    from registry_core.validation._record import Cell, Owner, Parts

__all__ = ["walk"]

#: Keys of a node that are not arguments of its target.
_SKIP: Final = frozenset({"type", "_scope_"})
_CONTAINERS: Final = (Mapping, list, tuple)


def walk(
    cfg: Any,
    registry: Registry[Any] | None,
    default_args: Mapping[str, Any] | None,
    default_scope: str | None,
) -> list[tuple[Parts, Issue]]:
    """Check ``cfg`` and return its issues with their paths as parts, unsorted."""
    walker = _Walk(cfg, registry, default_args, default_scope)
    walker.run()
    return walker.found


class _Walk(Recorder):
    """One walk over one config; the issues it finds go to ``found``."""

    __slots__ = ("default_scope", "starts", "starts_stamp", "top_args")

    def __init__(
        self,
        cfg: Any,
        registry: Registry[Any] | None,
        default_args: Mapping[str, Any] | None,
        default_scope: str | None,
    ) -> None:
        self.cfg = cfg
        self.registry = registry
        self.default_args = default_args or None
        self.default_scope = default_scope
        self.found: list[tuple[Parts, Issue]] = []
        # The top node's arguments: default_args under the config, as build merges them.
        self.top_args: Any = cfg
        if self.default_args is not None and isinstance(cfg, Mapping):
            merged = dict(self.default_args)
            merged.update(cfg)
            self.top_args = merged
        # Where parentless nodes start under the default scope, per root: asked once per
        # state of the trees, not once per node (each ask may look at sys.path).
        self.starts: dict[int, tuple[Registry[Any], Registry[Any]]] = {}
        self.starts_stamp: object = None

    # -- the loop ------------------------------------------------------------------------

    def run(self) -> None:  # noqa: C901  # issue 15: owned by the validation/config work
        cfg = self.cfg
        top_args = self.top_args
        lookups_get = CACHE.lookups.get
        stack: list[tuple[Cell, Owner | None, Expect | None]] = [((None, None, cfg), None, None)]
        pop = stack.pop
        push = stack.append
        seen: set[int] = set()
        seen_add = seen.add
        while stack:
            cell, owner, expect = pop()
            value = cell[2]
            if id(value) in seen:
                self._revisit(cell)
                continue
            seen_add(id(value))
            t = type(value)
            first = len(stack)
            if t is dict or (t is not list and t is not tuple and isinstance(value, Mapping)):
                if "type" in value or (value is cfg and "type" in top_args):
                    entry = None
                    if owner is not None and "_scope_" not in value:
                        try:
                            entry = lookups_get((owner[1], value["type"]))
                        except TypeError:  # an unhashable type: resolved below
                            entry = None
                    if entry is None:
                        entry = self._resolve(cell, owner)
                    if expect is not None and expect.node != ACCEPT:
                        self._check_node(cell, owner, expect, entry)
                    plan = entry[2]
                    args = top_args if value is cfg else value
                    if plan is None:
                        # Unresolved: nodes inside still resolve in the registry it was
                        # looked up in; with none to go by, guessing would only mislead.
                        if entry[1] is None:
                            continue
                        for key, item in args.items():
                            if key not in _SKIP and isinstance(item, _CONTAINERS):
                                push(((cell, key, item), entry, None))
                    else:
                        allowed = plan.allowed
                        expects = plan.expects
                        for key, item in args.items():
                            if key in _SKIP:
                                continue
                            if allowed is not None and key not in allowed:
                                self._unexpected(cell, key, entry)
                            ti = type(item)
                            if ti in PLAIN:
                                if expects:
                                    e = expects.get(key)
                                    if e is not None and ti not in e.fast and not e.plain_ok(item):
                                        self._wrong(cell, key, item, e, entry)
                            elif (
                                ti is dict
                                or ti is list
                                or ti is tuple
                                or isinstance(item, _CONTAINERS)
                            ):
                                push(((cell, key, item), entry, expects.get(key)))
                        for name in plan.required:
                            if name not in args:
                                self._missing(cell, name, owner, entry)
                        if plan.positional_only:
                            self._positional_only(cell, owner, entry)
                else:
                    values: Expect | None = None
                    if expect is not None:
                        if expect.mapping:
                            values = expect.values
                        else:
                            self._wrong_container(cell, expect, owner)
                    for key, item in value.items():
                        ti = type(item)
                        if ti in PLAIN:
                            if (
                                values is not None
                                and ti not in values.fast
                                and not values.plain_ok(item)
                            ):
                                self._wrong((cell, key, item), None, item, values, owner)
                        elif (
                            ti is dict or ti is list or ti is tuple or isinstance(item, _CONTAINERS)
                        ):
                            push(((cell, key, item), owner, values))
            elif t is list or t is tuple or isinstance(value, (list, tuple)):
                items: Expect | None = None
                fixed: tuple[Expect | None, ...] | None = None
                if expect is not None:
                    if not expect.seq:
                        self._wrong_container(cell, expect, owner)
                    else:
                        items = expect.items
                        fixed = expect.fixed
                        if fixed is not None and len(fixed) != len(value):
                            self._wrong_container(cell, expect, owner)
                            fixed = None
                for index, item in enumerate(value):
                    e = items if fixed is None else fixed[index]
                    ti = type(item)
                    if ti in PLAIN:
                        if e is not None and ti not in e.fast and not e.plain_ok(item):
                            self._wrong((cell, index, item), None, item, e, owner)
                    elif ti is dict or ti is list or ti is tuple or isinstance(item, _CONTAINERS):
                        push(((cell, index, item), owner, e))
            if len(stack) - first > 1:  # visit in the config's order
                stack[first:] = stack[first:][::-1]

    # -- resolving a node's type ---------------------------------------------------------

    def _resolve(self, cell: Cell, owner: Owner | None) -> Owner:
        """The owner tuple of the node in ``cell``; ``(None, fallback, None, type)``
        when its type does not resolve (the issue is recorded)."""
        node = cell[2]
        is_top = cell[0] is None
        args = self.top_args if is_top else node
        type_ = args["type"]
        has_scope = "_scope_" in args
        scope = args.get("_scope_") if has_scope else None
        parent = owner[1] if owner is not None else None
        if not isinstance(type_, str):
            return self._callable_type(cell, owner, type_, parent, has_scope, scope)
        if parent is not None:
            default = None
            roots: list[Registry[Any]] = [parent]
            fallback = True
        elif self.registry is not None:
            default = self.default_scope
            roots = [self.registry]
            fallback = not is_top
        else:
            default = self.default_scope
            roots = live_roots()
            fallback = False
        try:
            if scope is None and default is not None:
                bases = [self._default_start(root, default) for root in roots]
            else:
                bases = [_resolve.start(root, scope, has_scope, default) for root in roots]
        except ScopeNotFoundError as exc:
            return self._unknown_scope_key(cell, type_, scope, exc, roots[0])
        except TypeError:
            self._bad_scope(cell, scope, type_)
            return (None, roots[0] if parent is not None else None, None, type_)
        hits = self._lookups(cell, type_, bases)
        if hits is None:  # a plugin error, recorded
            return (None, bases[0] if parent is not None else None, None, type_)
        if not hits and fallback:
            others = [root for root in live_roots() if root is not bases[0].root]
            scope_name = bases[0].scope if parent is not None else (scope or default)
            other_bases = [_resolve.start(root, None, False, scope_name) for root in others]
            hits = self._lookups(cell, type_, other_bases)
            if hits is None:
                return (None, bases[0] if parent is not None else None, None, type_)
        distinct = {id(obj): (obj, last) for obj, last in hits}
        if len(distinct) > 1:
            return self._ambiguous(cell, type_, hits, parent)
        if not hits:
            return self._unknown(cell, type_, bases, parent)
        obj, last = hits[0]
        entry: Owner = (obj, last, CACHE.plan(obj), type_)
        if parent is not None and not has_scope:
            CACHE.remember((parent, type_), entry)
        return entry

    def _default_start(self, root: Registry[Any], default: str) -> Registry[Any]:
        """``_resolve.start(root, None, False, default)``, remembered while the trees
        are unchanged (``default`` is the same for the whole walk)."""
        if self.starts_stamp is not CACHE.stamp:
            self.starts.clear()
            self.starts_stamp = CACHE.stamp
        found = self.starts.get(id(root))
        if found is not None and found[0] is root:
            return found[1]
        base: Registry[Any] = _resolve.start(root, None, False, default)
        self.starts[id(root)] = (root, base)
        return base

    def _lookups(
        self, cell: Cell, type_: str, bases: list[Registry[Any]]
    ) -> list[tuple[Any, Registry[Any]]] | None:
        """``(object, registry)`` for each base that resolves ``type_``; ``None``
        after recording a ``plugin-error``."""
        hits = []
        for base in bases:
            try:
                obj, last = _resolve.lookup(base, type_)
            except (Exception, SystemExit) as exc:  # the plugin a key needs cannot load
                self._plugin_error(cell, type_, base, exc)
                return None
            if obj is not None:
                hits.append((obj, last))
        CACHE.sync()  # a lookup may have loaded a plugin
        return hits

    def _callable_type(
        self,
        cell: Cell,
        owner: Owner | None,
        type_: Any,
        parent: Registry[Any] | None,
        has_scope: bool,
        scope: Any,
    ) -> Owner:
        base = parent if parent is not None else self.registry
        if base is not None:
            default = None if parent is not None else self.default_scope
            try:
                base = _resolve.start(base, scope, has_scope, default)
            except ScopeNotFoundError as exc:
                self._unknown_scope_key(cell, _keys.describe(type_), scope, exc, base)
            except TypeError:
                self._bad_scope(cell, scope, _keys.describe(type_))
        if callable(type_):
            return (type_, base, CACHE.plan(type_), _keys.describe(type_))
        self._bad_type(cell, type_, base)
        return (None, base if parent is not None else None, None, None)
