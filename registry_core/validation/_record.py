"""Recording issues: each kind of problem the walk finds, as an :class:`Issue` with its path.

:class:`Recorder` is the part of the walk that only runs when something is
wrong (or a type is resolved for the first time): it turns a cell of the walk
(see ``_walk``) into a path, finds where the target is defined, and writes the
message, with close matches where there are some.
"""

from __future__ import annotations

from _collections_abc import Mapping

from registry_core import _keys
from registry_core._messages import where
from registry_core._paths import format_path
from registry_core.registry import live_roots
from registry_core.validation import _resolve
from registry_core.validation._cache import CACHE
from registry_core.validation._chain import built_through
from registry_core.validation._expect import REJECT, WRONG, describe_value
from registry_core.validation._issues import ERROR, WARNING, Issue
from registry_core.validation._runner import layer_builder_keys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

    from registry_core._vocab import IssueCode, Severity
    from registry_core.errors import ScopeNotFoundError
    from registry_core.registry import Registry
    from registry_core.validation._chain import Built
    from registry_core.validation._expect import Expect
    from registry_core.validation._signature import Location, Plan

    #: ``(parent cell, key, value)``; the top cell's parent is ``None``.
    Cell = tuple[Any, Any, Any]
    #: ``(target, registry its type was looked up in, plan, type as written)``.
    Owner = tuple[Any, Any, Any, Any]
    Parts = tuple[Any, ...]

__all__ = ["Recorder", "parts_of"]

#: Names listed after "it takes", at most.
_LIST_NAMES: Final = 8


class Recorder:
    """Turns what the walk finds wrong into issues, collected in ``found``."""

    __slots__ = ("cfg", "default_args", "found", "registry")

    cfg: Any
    default_args: Mapping[str, Any] | None
    found: list[tuple[Parts, Issue]]
    registry: Registry[Any] | None

    def _add(
        self,
        cell: Cell,
        extra: Parts,
        code: IssueCode,
        severity: Severity,
        message: str,
        *,
        registry: Registry[Any] | None = None,
        type_: str | None = None,
        plan: Plan | None = None,
        suggestions: tuple[str, ...] | list[str] = (),
        error: BaseException | None = None,
    ) -> None:
        parts = parts_of(cell) + extra
        location = CACHE.location(plan.definition) if plan is not None else None
        issue = Issue(
            path=format_path(parts),
            code=code,
            severity=severity,
            message=" ".join(message.split()),
            registry=None if registry is None else where(registry),
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
        code: IssueCode,
        severity: Severity,
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
                where = format_path(parts_of(above)) or "<config>"
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
        if cell[0] is not None and isinstance(key, str) and key in layer_builder_keys():
            return  # a nested node that MMCV's layer builders take this key out of
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
            return
        built = self._passed_by(cell, parent)
        if built is not None and name not in built[0]:
            passed, chain = built
            builder = _keys.describe(chain[-1])
            also = f" (it passes {', '.join(sorted(passed))})" if passed else ""
            if len(chain) > 1:
                also += "; handed on " + " -> ".join(c.__qualname__ for c in chain)
            self._add_for(
                cell,
                (name,),
                "missing-argument",
                ERROR,
                f"missing argument {name!r} {{for}}: {builder} builds this node through a "
                f"registry without passing it{also}",
                owner,
            )
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

    def _passed_by(self, cell: Cell, parent: Owner) -> Built | None:
        """What the code that builds the nested node in ``cell`` passes it, and the classes
        it is handed through, followed from ``parent``'s constructor (see ``_chain``);
        ``None`` when not seen for sure."""
        from functools import partial

        keys: list[Any] = []
        while cell[0] is not None:
            keys.append(cell[1])
            cell = cell[0]
            value = cell[2]
            if isinstance(value, Mapping) and "type" in value:
                break
        else:
            return None
        keys.reverse()
        registry = parent[1]
        if registry is None:
            return None
        class_of = partial(_class_of, registry)
        return built_through(parent[0], tuple(keys), self._built_with(cell), class_of)

    def _built_with(self, cell: Cell) -> Mapping[str, Any] | None:
        """The arguments the node in ``cell`` is built with."""
        value = cell[2]
        return value if isinstance(value, Mapping) else None

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
        if key is not None and expect.test is None and _like_default(owner, key, value):
            return
        severity: Severity = ERROR if expect.judge_plain(value) == WRONG else WARNING
        self._add_for(
            cell,
            extra,
            "wrong-type",
            severity,
            f"expected {expect.text}, got {describe_value(value)} {{for}}{_loose(severity)}",
            owner,
        )

    def _wrong_container(
        self, cell: Cell, expect: Expect, owner: Owner | None, verdict: int = WRONG
    ) -> None:
        value = cell[2]
        what = describe_value(value)
        if isinstance(value, Mapping) and "type" in value:
            what = f"a config node (type {value['type']!r})"
        severity: Severity = ERROR if verdict == WRONG else WARNING
        self._add_for(
            cell,
            (),
            "wrong-type",
            severity,
            f"expected {expect.text}, got {what} {{for}}{_loose(severity)}",
            owner,
        )

    def _wrong_node(
        self, cell: Cell, owner: Owner | None, expect: Expect, entry: Owner, verdict: int
    ) -> None:
        """A node where ``owner``'s annotation ``expect`` wants something else."""
        built = entry[2].builds if entry[2] is not None else None
        if expect.node == REJECT or built is None:
            self._wrong_container(cell, expect, owner, verdict)
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

    def _bad_type(self, cell: Cell, type_: Any, base: Registry[Any] | None) -> None:
        self._add(
            cell,
            (),
            "bad-type",
            ERROR,
            f"'type' must be a registered name (a str) or a callable, got {describe_value(type_)}",
            registry=base,
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
            f"type {type_!r} cannot be looked up in the {where(base)} registry: "
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
        self,
        cell: Cell,
        type_: str,
        bases: list[Registry[Any]],
        parent: Registry[Any] | None,
        plain_dict: bool = False,
    ) -> Owner:
        """An unknown type. Where the parent's annotation asks for a plain ``dict``
        and no registry has anything close, the ``type`` key may be the target's own
        data (MMPretrain's ``LoRAModel(targets=[dict(type='qkv')])``): a warning."""
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
            place = "in no root registry"
        else:
            place = f"not in the {where(miss.registry)} registry"
            if parent is not None or (self.registry is not None and cell[0] is not None):
                place += " (nor in another root)"
        if miss.missing_node is not None:
            place += f"; scope {miss.missing_node!r} has no registry under this root"
        hint = "; did you mean " + " or ".join(map(repr, similar)) + "?" if similar else ""
        severity: Severity = ERROR
        if plain_dict and not similar and parent is not None:
            severity = WARNING
            hint = (
                "; the code this dict is passed to takes a plain dict here: if it reads "
                "'type' itself rather than building a config node, this is fine"
            )
        self._add(
            cell,
            (),
            "unknown-type",
            severity,
            f"unknown type {type_!r}: it is {place}{hint}",
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
        roots = sorted({where(last.root) for _, last in hits})
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


def _class_of(registry: Registry[Any], key: str) -> type | None:
    """The class ``key`` names for a nested node looked up from ``registry``: there, else
    in one other root under its scope, as the walk resolves nested nodes; ``None`` when
    it names no class, several, or a plugin it needs cannot load (the walk reports that)."""
    try:
        obj, _ = _resolve.lookup(registry, key)
        if obj is None:
            found = {}
            for root in live_roots():
                if root is not registry.root:
                    start = _resolve.start(root, None, False, registry.scope)
                    hit, _ = _resolve.lookup(start, key)
                    if hit is not None:
                        found[id(hit)] = hit
            obj = next(iter(found.values())) if len(found) == 1 else None
    except Exception:  # not followed: the missing argument stays a warning
        return None
    finally:
        CACHE.sync()  # a lookup may have loaded a plugin
    return obj if isinstance(obj, type) else None


def _like_default(owner: Owner | None, key: Any, value: Any) -> bool:
    """Whether ``value`` has the type of the parameter's own default: the target
    itself takes such values, whatever its annotation says (``bias: bool = 'qv_bias'``)."""
    if owner is None or owner[2] is None:
        return False
    defaults = owner[2].defaults
    return key in defaults and type(defaults[key]) is type(value) and value is not None


def _loose(severity: Severity) -> str:
    """What a ``wrong-type`` warning adds: why it is no error."""
    if severity == ERROR:
        return ""
    return (
        " (a warning: the value is passed as written, and code annotated this way "
        "commonly takes it)"
    )


def _notes(exc: BaseException) -> list[str]:
    notes = getattr(exc, "__notes__", None)
    return [n for n in notes if isinstance(n, str)] if isinstance(notes, list) else []


def parts_of(cell: Cell) -> Parts:
    """The path of a cell, as parts."""
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
