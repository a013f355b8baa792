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
from registry_core.validation._cache import CACHE
from registry_core.validation._expect import ACCEPT, FINE, PLAIN
from registry_core.validation._record import Recorder
from registry_core.validation._runner import runner_defaults

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Final

    from registry_core.registry import Registry
    from registry_core.validation._expect import Expect
    from registry_core.validation._issues import Issue
    from registry_core.validation._record import Cell, Owner, Parts
    from registry_core.validation._sections import Place

    #: A stack item: ``(cell, owner, expect)`` (see the module's docstring).
    Item = tuple[Cell, Owner | None, Expect | None]

__all__ = ["walk"]

#: Keys of a node that are not arguments of its target.
_SKIP: Final = frozenset({"type", "_scope_"})
_CONTAINERS: Final = (Mapping, list, tuple)
_NONE_GIVEN: Final[frozenset[str]] = frozenset()


def walk(
    cfg: Any,
    registry: Registry[Any] | None,
    default_args: Mapping[str, Any] | None,
    default_scope: str | None,
    sections: list[Place] | None = None,
) -> list[tuple[Parts, Issue]]:
    """Check ``cfg`` and return its issues with their paths as parts, unsorted.

    With ``sections`` (a whole OpenMMLab config, see ``_sections``), the walk
    starts from the nodes the Runner builds, each in its root; the rest is data.
    """
    walker = _Walk(cfg, registry, default_args, default_scope)
    if sections is not None:
        walker.places = {id(place.value): place for place in sections}
        walker.run([walker.cell_of(place.parts) for place in sections])
    else:
        walker.run([(None, None, cfg)])
    return walker.found


def _runner_start(base: Registry[Any], default: str) -> Registry[Any]:
    """Where MMEngine's Runner looks a section's type up: as MMEngine does, a default
    scope with no registry under this root falls back to MMEngine's own registry of it
    (the bridged ``mmengine`` child), as ``default_collate`` under ``mmpretrain``."""
    if base.parent is None and base.scope != default:
        engine = base.children.get("mmengine")
        if engine is not None:
            return engine
    return base


class _Walk(Recorder):
    """One walk over one config; the issues it finds go to ``found``."""

    __slots__ = ("default_scope", "places", "starts", "starts_stamp", "top_args")

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
        # The nodes of a whole config the Runner builds, by id (see _sections).
        self.places: dict[int, Place] = {}

    def cell_of(self, parts: Parts) -> Cell:
        """The cell of the value at ``parts`` (a path that exists in the config)."""
        cell: Cell = (None, None, self.cfg)
        for key in parts:
            cell = (cell, key, cell[2][key])
        return cell

    # -- the loop ------------------------------------------------------------------------

    def run(self, starts: list[Cell]) -> None:
        cfg = self.cfg
        top_args = self.top_args
        places = self.places
        stack: list[Item] = [(cell, None, None) for cell in reversed(starts)]
        pop = stack.pop
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
                if (
                    "type" in value
                    or (value is cfg and "type" in top_args)
                    or (places and id(value) in places)
                ):
                    self._node(cell, owner, expect, stack)
                else:
                    self._mapping(cell, owner, expect, stack)
            elif t is list or t is tuple or isinstance(value, (list, tuple)):
                self._sequence(cell, owner, expect, stack)
            if len(stack) - first > 1:  # visit in the config's order
                stack[first:] = stack[first:][::-1]

    def _node(
        self, cell: Cell, owner: Owner | None, expect: Expect | None, stack: list[Item]
    ) -> None:
        """A node: its type resolved, its arguments checked against its target's plan."""
        value = cell[2]
        entry = None
        if owner is not None and "_scope_" not in value:
            try:
                entry = CACHE.lookups.get((owner[1], value["type"]))
            except TypeError:  # an unhashable type: resolved below
                entry = None
        if entry is None:
            entry = self._resolve(cell, owner, expect)
        if expect is not None and expect.node != ACCEPT:
            self._node_expected(cell, owner, expect, entry)
        plan = entry[2]
        if plan is None:
            self._unresolved(cell, entry, stack)
            return
        args = value if owner is not None else self._args_of(value)
        push = stack.append
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
            elif ti is dict or ti is list or ti is tuple or isinstance(item, _CONTAINERS):
                push(((cell, key, item), entry, expects.get(key)))
        if plan.required or plan.positional_only:
            self._required(cell, owner, entry, args)

    def _required(self, cell: Cell, owner: Owner | None, entry: Owner, args: Any) -> None:
        """The target's required parameters that ``args`` does not give (nor the
        Runner, for a section of a whole config)."""
        plan = entry[2]
        place = self.places.get(id(cell[2])) if owner is None and self.places else None
        given = place.given_names(plan.names or plan.positional_only) if place else _NONE_GIVEN
        for name in plan.required:
            if name not in args and name not in given:
                self._missing(cell, name, owner, entry)
        if plan.positional_only and not set(plan.positional_only) <= given:
            self._positional_only(cell, owner, entry)

    def _node_expected(self, cell: Cell, owner: Owner | None, expect: Expect, entry: Owner) -> None:
        """A node where ``owner``'s annotation says what it must build."""
        plan = entry[2]
        verdict = expect.judge_node(None if plan is None else plan.builds)
        if verdict != FINE:
            self._wrong_node(cell, owner, expect, entry, verdict)

    def _unresolved(self, cell: Cell, entry: Owner, stack: list[Item]) -> None:
        """A node whose type does not resolve: nodes inside still resolve in the
        registry it was looked up in; with none to go by, guessing would only mislead."""
        if entry[1] is None:
            return
        args = self._args_of(cell[2])
        for key, item in args.items():
            if key not in _SKIP and isinstance(item, _CONTAINERS):
                stack.append(((cell, key, item), entry, None))

    def _mapping(
        self, cell: Cell, owner: Owner | None, expect: Expect | None, stack: list[Item]
    ) -> None:
        """A mapping without ``type``: its values checked against what ``expect`` says."""
        values: Expect | None = None
        if expect is not None:
            verdict, values = expect.judge_mapping()
            if verdict != FINE:
                self._wrong_container(cell, expect, owner, verdict)
        self._items(cell, cell[2].items(), values, owner, stack)

    def _sequence(
        self, cell: Cell, owner: Owner | None, expect: Expect | None, stack: list[Item]
    ) -> None:
        """A list or tuple: its items checked against what ``expect`` says."""
        value = cell[2]
        if expect is None:
            self._items(cell, enumerate(value), None, owner, stack)
            return
        verdict, items, fixed = expect.judge_sequence(len(value))
        if verdict != FINE:
            self._wrong_container(cell, expect, owner, verdict)
        if fixed is None:
            self._items(cell, enumerate(value), items, owner, stack)
        else:
            for index, item in enumerate(value):
                self._items(cell, ((index, item),), fixed[index], owner, stack)

    def _items(
        self,
        cell: Cell,
        pairs: Iterable[tuple[Any, Any]],
        expect: Expect | None,
        owner: Owner | None,
        stack: list[Item],
    ) -> None:
        """The values inside a container, each what ``expect`` says: plain ones checked
        now, containers pushed."""
        push = stack.append
        for key, item in pairs:
            ti = type(item)
            if ti in PLAIN:
                if expect is not None and ti not in expect.fast and not expect.plain_ok(item):
                    self._wrong((cell, key, item), None, item, expect, owner)
            elif ti is dict or ti is list or ti is tuple or isinstance(item, _CONTAINERS):
                push(((cell, key, item), owner, expect))

    # -- resolving a node's type ---------------------------------------------------------

    def _resolve(self, cell: Cell, owner: Owner | None, expect: Expect | None = None) -> Owner:
        """The owner tuple of the node in ``cell``; ``(None, fallback, None, type)``
        when its type does not resolve (the issue is recorded)."""
        node = cell[2]
        is_top = cell[0] is None
        args = self._args_of(node) if owner is None else node
        place = self.places.get(id(node)) if owner is None and self.places else None
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
        elif place is not None:  # a section of a whole config: in the root the Runner uses
            default = self.default_scope
            roots = [place.root]
            fallback = False
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
                if place is not None:
                    bases = [_runner_start(base, default) for base in bases]
            else:
                bases = [_resolve.start(root, scope, has_scope, default) for root in roots]
        except ScopeNotFoundError as exc:
            self._unknown_scope_key(cell, type_, scope, exc, roots[0])
            # what is inside is still checked, where it would be without the scope
            return (None, roots[0], None, type_)
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
            plain_dict = expect is not None and expect.node == ACCEPT
            return self._unknown(cell, type_, bases, parent, plain_dict)
        obj, last = hits[0]
        entry: Owner = (obj, last, CACHE.plan(obj), type_)
        if parent is not None and not has_scope:
            CACHE.remember((parent, type_), entry)
        return entry

    def _args_of(self, value: Any) -> Any:
        """The arguments of a node above every other node: the top node's merged with
        ``default_args``; a Runner section's as the Runner passes them."""
        if value is self.cfg:
            return self.top_args
        place = self.places.get(id(value))
        if place is None:
            return value
        if place.types:  # the Runner picks the type: take the one the arguments fit
            place.args = {**place.args, "type": self._fitting_type(place)}
            place.types = ()
        return place.args

    def _fitting_type(self, place: Place) -> str:
        """Of the types the Runner may build a section with, the first whose target
        takes every argument given (``by_epoch=False`` picks the iteration loop)."""
        for type_ in place.types:
            try:
                start = _resolve.start(place.root, None, False, self.default_scope)
                obj, _ = _resolve.lookup(start, type_)
            except Exception:  # a plugin that cannot load: the walk reports it
                return place.types[0]
            if obj is None:
                continue
            plan = CACHE.plan(obj)
            missing = [name for name in plan.required if name not in place.args]
            allowed = plan.allowed
            if not missing and (allowed is None or all(k in allowed for k in place.args)):
                return type_
        return place.types[0]

    def _built_with(self, cell: Cell) -> Mapping[str, Any] | None:
        """The arguments the node in ``cell`` is built with: a Runner section's with the
        keys the Runner sets from other top-level keys (``model.data_preprocessor``)."""
        value = cell[2]
        if not isinstance(value, Mapping):
            return None
        place = self.places.get(id(value)) if self.places else None
        if place is None:
            return self.top_args if value is self.cfg else value
        args: Mapping[str, Any] = self._args_of(value)
        if len(place.parts) != 1 or not isinstance(self.cfg, Mapping):
            return args
        merged = dict(args)
        for key, top in runner_defaults().get(place.parts[0], ()):
            if key not in merged and self.cfg.get(top) is not None:
                merged[key] = self.cfg[top]
        return merged

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
