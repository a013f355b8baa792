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
the first time lives in :class:`_Walk`'s other methods.
"""

from __future__ import annotations

from _collections_abc import Mapping

from registry_core import _keys
from registry_core._paths import format_path, path_sort_key
from registry_core.errors import ScopeNotFoundError
from registry_core.registry import live_roots
from registry_core.validation import _resolve
from registry_core.validation._annotations import ACCEPT, PLAIN, REJECT, describe_value
from registry_core.validation._cache import CACHE
from registry_core.validation._issues import ERROR, WARNING, Issue

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

    from registry_core.registry import Registry
    from registry_core.validation._annotations import Expect
    from registry_core.validation._signature import Location, Plan

    Cell = tuple[Any, Any, Any]
    Owner = tuple[Any, Any, Any, Any]
    Parts = tuple[Any, ...]

__all__ = ["walk"]

#: Keys of a node that are not arguments of its target.
_SKIP: Final = frozenset({"type", "_scope_"})
_CONTAINERS: Final = (Mapping, list, tuple)
#: Names listed after "it takes", at most.
_LIST_NAMES: Final = 8


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


class _Walk:
    __slots__ = ("cfg", "default_args", "default_scope", "found", "registry", "top_args")

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

    # -- the loop ------------------------------------------------------------------------

    def run(self) -> None:
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
            other_bases = [
                root._registry_for_scope(scope_name, False) if scope_name else root
                for root in others
            ]
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
        self._add(
            cell,
            (),
            "bad-type",
            ERROR,
            f"'type' must be a registered name (a str) or a callable, got {describe_value(type_)}",
            registry=base,
        )
        return (None, base if parent is not None else None, None, None)

    # -- recording issues -----------------------------------------------------------------

    def _add(
        self,
        cell: Cell,
        extra: Parts,
        code: str,
        severity: str,
        message: str,
        *,
        registry: Registry[Any] | None = None,
        type_: str | None = None,
        plan: Plan | None = None,
        suggestions: tuple[str, ...] | list[str] = (),
        error: BaseException | None = None,
    ) -> None:
        parts = _parts(cell) + extra
        location = CACHE.location(plan.definition) if plan is not None else None
        issue = Issue(
            path=format_path(parts),
            code=code,
            severity=severity,
            message=" ".join(message.split()),
            registry=None if registry is None else registry._where(),
            type=type_,
            target=None if plan is None else plan.target,
            file=None if location is None else location.file,
            line=None if location is None else location.line,
            suggestions=tuple(suggestions),
            error=error,
        )
        self.found.append((parts, issue))

    def _add_for(
        self,
        cell: Cell,
        extra: Parts,
        code: str,
        severity: str,
        message: str,
        owner: Owner | None,
        suggestions: tuple[str, ...] | list[str] = (),
    ) -> None:
        """An issue about an argument of ``owner``'s target; the message gets
        ``for <target> (<file:line>)`` where ``{for}`` is written."""
        if owner is None or owner[2] is None:
            self._add(cell, extra, code, severity, message.replace(" {for}", ""))
            return
        _, last, plan, type_ = owner
        self._add(
            cell,
            extra,
            code,
            severity,
            message.replace("{for}", f"for {_shown(type_, last, plan)}"),
            registry=last,
            type_=type_,
            plan=plan,
            suggestions=suggestions,
        )

    def _revisit(self, cell: Cell) -> None:
        value = cell[2]
        above = cell[0]
        while above is not None:
            if above[2] is value:
                where = format_path(_parts(above)) or "<config>"
                kind = "list" if isinstance(value, list) else type(value).__name__
                if isinstance(value, Mapping):
                    kind = "mapping"
                self._add(
                    cell,
                    (),
                    "cycle",
                    ERROR,
                    f"this {kind} contains itself: it is the value at {where}. A config "
                    "must be a tree; replace the reference with a copy",
                )
                return
            above = above[0]
        # not an ancestor: a value shared by two places of the config, walked once

    def _unexpected(self, cell: Cell, key: Any, owner: Owner) -> None:
        plan = owner[2]
        if not isinstance(key, str):
            self._add_for(
                cell,
                (key,),
                "unexpected-argument",
                ERROR,
                f"argument names must be str, got {describe_value(key)} {{for}}",
                owner,
            )
            return
        if not plan.names:
            self._add_for(
                cell,
                (key,),
                "unexpected-argument",
                ERROR,
                f"unexpected argument {key!r} {{for}}, which takes no arguments",
                owner,
            )
            return
        close = _keys.close_matches(key, plan.names)
        if close:
            hint = "; did you mean " + " or ".join(map(repr, close)) + "?"
        else:
            names = plan.names[:_LIST_NAMES]
            more = ", ..." if len(plan.names) > _LIST_NAMES else ""
            hint = f"; it takes: {', '.join(names)}{more}"
        origin = ""
        if cell[0] is None and self.default_args is not None and key not in self.cfg:
            origin = " (given by default_args)"
        self._add_for(
            cell,
            (key,),
            "unexpected-argument",
            ERROR,
            f"unexpected argument {key!r}{origin} {{for}}{hint}",
            owner,
            close,
        )

    def _missing(self, cell: Cell, name: str, parent: Owner | None, owner: Owner) -> None:
        if parent is None:
            message = f"missing argument {name!r} {{for}}"
            self._add_for(cell, (name,), "missing-argument", ERROR, message, owner)
        else:
            self._add_for(
                cell,
                (name,),
                "missing-argument",
                WARNING,
                f"missing argument {name!r} {{for}}, unless the code that builds this "
                "nested node passes it",
                owner,
            )

    def _positional_only(self, cell: Cell, parent: Owner | None, owner: Owner) -> None:
        for name in owner[2].positional_only:
            self._add_for(
                cell,
                (name,),
                "missing-argument",
                ERROR if parent is None else WARNING,
                f"missing argument {name!r} {{for}}: it is positional-only, and build "
                "passes a config's arguments by keyword",
                owner,
            )

    def _wrong(self, cell: Cell, key: Any, value: Any, expect: Expect, owner: Owner | None) -> None:
        extra: Parts = () if key is None else (key,)
        self._add_for(
            cell,
            extra,
            "wrong-type",
            ERROR,
            f"expected {expect.text}, got {describe_value(value)} {{for}}",
            owner,
        )

    def _wrong_container(self, cell: Cell, expect: Expect, owner: Owner | None) -> None:
        value = cell[2]
        what = describe_value(value)
        if isinstance(value, Mapping) and "type" in value:
            what = f"a config node (type {value['type']!r})"
        self._add_for(
            cell, (), "wrong-type", ERROR, f"expected {expect.text}, got {what} {{for}}", owner
        )

    def _check_node(self, cell: Cell, owner: Owner | None, expect: Expect, entry: Owner) -> None:
        """A node where ``owner``'s annotation ``expect`` wants something else."""
        if expect.node == REJECT:
            self._wrong_container(cell, expect, owner)
            return
        built = entry[2].builds if entry[2] is not None else None
        if built is None or issubclass(built, expect.classes):
            return
        names = " or ".join(_keys.describe(c) for c in expect.classes)
        self._add_for(
            cell,
            (),
            "wrong-type",
            ERROR,
            f"expected {expect.text}, got a config of {_keys.describe(built)}, which is not "
            f"a subclass of {names} {{for}}",
            owner,
        )

    def _bad_scope(self, cell: Cell, scope: Any, type_: str) -> None:
        message = f"_scope_ must be a str or None, got {describe_value(scope)}"
        self._add(cell, ("_scope_",), "wrong-type", ERROR, message, type_=type_)

    def _plugin_error(
        self, cell: Cell, type_: str, base: Registry[Any], exc: BaseException
    ) -> None:
        self._add(
            cell,
            (),
            "plugin-error",
            ERROR,
            f"type {type_!r} cannot be looked up in the {base._where()} registry: "
            f"{type(exc).__name__}: {exc}" + "".join(f" ({note})" for note in _notes(exc)),
            registry=base,
            type_=type_,
            error=exc,
        )

    def _unknown_scope_key(
        self, cell: Cell, type_: str, scope: Any, exc: ScopeNotFoundError, root: Registry[Any]
    ) -> Owner:
        close = _keys.close_matches(str(scope), exc.known)
        hint = "; did you mean " + " or ".join(map(repr, close)) + "?" if close else ""
        self._add(
            cell,
            ("_scope_",),
            "unknown-scope",
            ERROR,
            f"unknown _scope_ {scope!r}: no registry and no installed plugin has this scope{hint}",
            registry=root,
            type_=type_,
            suggestions=close,
        )
        return (None, None, None, type_)

    def _unknown(
        self, cell: Cell, type_: str, bases: list[Registry[Any]], parent: Registry[Any] | None
    ) -> Owner:
        misses = [_resolve.diagnose(base, type_) for base in bases]
        unknown_scope = next((m for m in misses if m.code == "unknown-scope"), None)
        fallback = bases[0] if parent is not None else None
        if unknown_scope is not None:
            close = unknown_scope.suggestions
            hint = "; did you mean " + " or ".join(map(repr, close)) + "?" if close else ""
            self._add(
                cell,
                (),
                "unknown-scope",
                ERROR,
                f"unknown scope {unknown_scope.scope!r} in type {type_!r}: no registry and "
                f"no installed plugin has this scope{hint}",
                registry=unknown_scope.registry,
                type_=type_,
                suggestions=close,
            )
            return (None, fallback, None, type_)
        similar = list(dict.fromkeys(s for m in misses for s in m.suggestions))[:3]
        miss = misses[0]
        if len(bases) > 1:
            where = "in no root registry"
        else:
            where = f"not in the {miss.registry._where()} registry"
            if parent is not None or (self.registry is not None and cell[0] is not None):
                where += " (nor in another root)"
        if miss.missing_node is not None:
            where += f"; scope {miss.missing_node!r} has no registry under this root"
        hint = "; did you mean " + " or ".join(map(repr, similar)) + "?" if similar else ""
        self._add(
            cell,
            (),
            "unknown-type",
            ERROR,
            f"unknown type {type_!r}: it is {where}{hint}",
            registry=miss.registry if len(bases) == 1 else None,
            type_=type_,
            suggestions=similar,
        )
        return (None, fallback, None, type_)

    def _ambiguous(
        self,
        cell: Cell,
        type_: str,
        hits: list[tuple[Any, Registry[Any]]],
        parent: Registry[Any] | None,
    ) -> Owner:
        roots = sorted({last.root._where() for _, last in hits})
        self._add(
            cell,
            (),
            "ambiguous-type",
            ERROR,
            f"type {type_!r} is in several root registries ({', '.join(roots)}): pass the "
            "registry that builds this node (registry=..., or --registry)",
            type_=type_,
            suggestions=roots,
        )
        return (None, parent, None, type_)


def _notes(exc: BaseException) -> list[str]:
    notes = getattr(exc, "__notes__", None)
    return [n for n in notes if isinstance(n, str)] if isinstance(notes, list) else []


def _parts(cell: Cell) -> Parts:
    parts = []
    while cell[0] is not None:
        key = cell[1]
        parts.append(key if isinstance(key, (str, int)) else str(key))
        cell = cell[0]
    parts.reverse()
    return tuple(parts)


def _shown(type_: Any, last: Registry[Any] | None, plan: Plan) -> str:
    """``toydet.ResNet (toydet/models.py:12)``: the type as a key, and where it is defined."""
    if isinstance(type_, str):
        key = type_
        if "." not in type_ and last is not None and last.parent is not None:
            key = f"{last.scope}.{type_}"
    else:
        key = plan.target
    location: Location = CACHE.location(plan.definition)
    return f"{key} ({location.short})" if location.short else key


def sort_key(found: tuple[Parts, Issue]) -> tuple[tuple[int, str | int], ...]:
    return path_sort_key(found[0])
