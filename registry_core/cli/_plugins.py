"""The commands about registries and plugins: ``tree``, ``list``, ``show``, ``check``."""

from __future__ import annotations

import sys

from registry_core.cli._output import (
    EXIT_OK,
    EXIT_PROBLEM,
    UsageError,
    display_location,
    display_path,
    plural,
    print_json,
    provider,
    scope_and_provider,
    where,
    wrap,
    write,
)
from registry_core.errors import ScopeNotFoundError
from registry_core.roots import ROOTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterator, Sequence
    from typing import Any, Final

    from registry_core import introspect
    from registry_core.discovery import ScopeInfo

    Command = Callable[[str, str, Callable[[argparse.Namespace], int]], Any]

__all__ = ["add_commands"]

#: ``tree`` always shows the first roots (the seven most used); the others
#: only when they hold names or children.
_ALWAYS_SHOWN: Final = 7


def add_commands(command: Command) -> None:
    """Add ``tree``, ``list``, ``show`` and ``check`` through ``command(name, help, run)``."""
    command(
        "tree",
        "Show the root registries with their children, and every plugin with its status.",
        _tree,
    )
    listing = command("list", "List the registered names, with aliases and kinds.", _list)
    listing.add_argument(
        "registry",
        nargs="?",
        metavar="REGISTRY",
        help="a root registry: MODELS or model (any case); default: every root",
    )
    listing.add_argument("--scope", metavar="S", help="only the names registered in scope S")
    listing.add_argument(
        "--pattern",
        metavar="GLOB",
        help="only names, aliases or keys matching GLOB (case-insensitive), e.g. '*ResNet*'",
    )
    show = command("show", "Show what a key resolves to and where it is defined.", _show)
    show.add_argument("key", metavar="KEY", help="a key, e.g. toydet.NetA")
    show.add_argument(
        "--registry",
        metavar="R",
        help="the root registry to search (MODELS or model); default: every root",
    )
    command(
        "check",
        "Load every plugin and report each problem with its cause and what to do.",
        _check,
    )


def _tree(args: argparse.Namespace) -> int:
    from registry_core import introspect  # (not needed to parse arguments)

    tree = introspect.scope_tree()
    if args.json:
        print_json(tree.to_json())
        return EXIT_OK
    lines = [f"registry-core {tree.version}"]
    # The seven most used roots always; MMEngine's other roots when they hold something.
    shown = [r for i, r in enumerate(tree.roots) if i < _ALWAYS_SHOWN or r.names or r.children]
    rows = [row for root in shown for row in _node_rows(root, "", True, True)]
    label_width = min(max(len(row[0]) for row in rows), 34)
    provider_width = min(max(len(row[2]) for row in rows), 24)
    for label, count, who, status, error, stem in rows:
        line = f"{label:<{label_width}}  {count:<9}  {who:<{provider_width}}  {status}"
        lines += wrap(line.rstrip(), "", " " * (label_width + 2))
        if error:
            lines += wrap(error, stem + "  ", stem + "  ")
    empty = [r.registry for r in tree.roots if r not in shown]
    if empty:
        lines += wrap(f"({len(empty)} more roots, empty: {', '.join(empty)})", "", " ")
    lines.append("")
    lines += _plugin_lines(tree.plugins, tree.autoload, tree=True)
    if tree.diagnostics:
        n = len(tree.diagnostics)
        lines.append("")
        lines += wrap(
            f"{n} metadata problem{'s' if n != 1 else ''}: discovery skipped "
            f"{'them' if n != 1 else 'it'}; run `registry-core check` for details",
            "",
            "",
        )
    write(sys.stdout, lines)
    return EXIT_OK


_Row = tuple[str, str, str, str, "str | None", str]


def _node_rows(node: introspect.Node, prefix: str, last: bool, root: bool) -> Iterator[_Row]:
    """Rows ``(label, count, provider, status, error, stem)`` of a node and its subtree."""
    if root:
        label, inner = f"{node.registry} ({node.name})", ""
        who = ""
    else:
        label = prefix + ("`-- " if last else "|-- ") + node.scope
        if node.name != _root_name(node.registry):
            label += f" ({node.name})"
        inner = prefix + ("    " if last else "|   ")
        who = provider(node.distribution, node.version) or "-"
    count = "  ? names" if node.names is None else f"{node.names:>3} name" + "s"[: node.names != 1]
    stem = inner + ("|   " if node.children else "    ")
    yield label, count, who, node.status or "", node.error, stem
    for i, child in enumerate(node.children):
        yield from _node_rows(child, inner, i == len(node.children) - 1, False)


def _root_name(registry: str) -> str | None:
    from registry_core import introspect  # (not needed to parse arguments)

    try:
        return introspect.find_root(registry)[1].name
    except ValueError:
        return None


def _plugin_lines(
    plugins: Sequence[ScopeInfo],
    autoload: bool,
    *,
    tree: bool,
    faulty: frozenset[str] = frozenset(),
) -> list[str]:
    """The plugins as a table (as branches of a tree with ``tree``), errors below; a
    plugin in ``faulty`` (``check`` found an error in it) says so beside its status."""
    if not autoload:
        return wrap(
            "plugins: none; discovery is off (REGISTRY_CORE_DISABLE_AUTOLOAD is set)", "", "  "
        )
    if not plugins:
        return ["plugins: none discovered"]
    lines = [f"plugins ({len(plugins)} discovered)"]
    scope_width = min(max(len(p.scope) for p in plugins), 24)
    provider_width = min(max(len(_plugin_provider(p)) for p in plugins), 30)
    for i, info in enumerate(plugins):
        last = i == len(plugins) - 1
        branch, stem = ("`-- ", "    ") if last else ("|-- ", "|   ")
        if not tree:
            branch, stem = "  ", "  "
        who = _plugin_provider(info)
        status: str = info.status
        if info.scope in faulty and status == "loaded":
            status = "loaded, with an error (below)"
        line = f"{branch}{info.scope:<{scope_width}}  {who:<{provider_width}}  {status}"
        lines += wrap(line, "", stem + "  ")
        if info.error and tree:
            lines += wrap(info.error, stem + "  ", stem + "  ")
    return lines


def _plugin_provider(info: ScopeInfo) -> str:
    if info.claimants:
        return " + ".join(info.claimants)
    return provider(info.distribution, info.version)


def _list(args: argparse.Namespace) -> int:
    from registry_core import introspect  # (not needed to parse arguments)

    try:
        entries = introspect.list_entries(args.registry, args.scope, args.pattern)
    except (ValueError, ScopeNotFoundError) as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        registry = None if args.registry is None else introspect.find_root(args.registry)[0]
        print_json(
            {
                "schema": introspect.SCHEMA,
                "registry": registry,
                "scope": args.scope,
                "pattern": args.pattern,
                "entries": [entry.to_json() for entry in entries],
            }
        )
        return EXIT_OK
    roots = (
        [introspect.find_root(args.registry)[0]]
        if args.registry is not None
        else [label for label in ROOTS if any(e.registry == label for e in entries)]
    )
    lines: list[str] = []
    for label in roots:
        mine = [entry for entry in entries if entry.registry == label]
        name = introspect.find_root(label)[1].name
        lines.append(f"{label} ({name}): {plural(len(mine), 'entry', 'entries')}")
        key_width = min(max((len(e.key) for e in mine), default=0), 44)
        for entry in mine:
            line = f"  {entry.key:<{key_width}}  {entry.kind:<8}"
            if entry.aliases:
                line += "  aliases: " + ", ".join(entry.aliases)
            lines += wrap(line.rstrip(), "", " " * (key_width + 14))
    if not lines:
        lines.append(f"no names registered{_filters(args)}")
    write(sys.stdout, lines)
    if args.scope is None or not _note_unloaded(args.scope):
        _note_problems()
    return EXIT_OK


def _filters(args: argparse.Namespace) -> str:
    parts = []
    if args.scope is not None:
        parts.append(f"in scope {args.scope!r}")
    if args.pattern is not None:
        parts.append(f"matching {args.pattern!r}")
    return (" " + " and ".join(parts)) if parts else ""


def _note_unloaded(scope: str) -> bool:
    """Tell (on stderr) why a discovered scope that did not load has no names."""
    import registry_core

    info = registry_core.available_scopes().get(scope)
    if info is None or info.status == "loaded":
        return False
    write(
        sys.stderr,
        wrap(
            f"note: scope {scope!r} is {info.status}, so it has no names; "
            "run `registry-core check` to see why and what to do",
            "",
            "  ",
        ),
    )
    return True


def _note_problems() -> None:
    from registry_core import introspect  # (not needed to parse arguments)

    """Tell (on stderr) which plugins' names are missing because they are broken."""
    scopes = sorted({p.scope for p in introspect.check().problems if p.severity == "error"})
    if scopes:
        write(
            sys.stderr,
            wrap(
                f"note: the names of {plural(len(scopes), 'plugin')} that could not be "
                f"loaded are missing ({', '.join(scopes)}); run `registry-core check` to see "
                "why and what to do",
                "",
                "  ",
            ),
        )


def _show(args: argparse.Namespace) -> int:
    from registry_core import introspect  # (not needed to parse arguments)

    try:
        resolution = introspect.describe(args.key, args.registry)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        print_json(resolution.to_json())
        return EXIT_OK if resolution.found else EXIT_PROBLEM
    if not resolution.found:
        write(sys.stderr, _miss_lines(resolution))
        _note_problems()
        return EXIT_PROBLEM
    lines: list[str] = []
    for hit in resolution.hits:
        if lines:
            lines.append("")
        lines += wrap(f"{hit.key} in {hit.registry}", "", "  ")
        fields = [
            ("object", hit.qualname),
            ("kind", hit.kind),
            ("signature", hit.signature),
            ("doc", hit.doc),
            ("file", where(hit.file, hit.line)),
            ("scope", scope_and_provider(hit.scope, hit.distribution, hit.version)),
            ("aliases", ", ".join(hit.aliases)),
        ]
        for field, value in fields:
            if value:
                lines += wrap(value, f"  {field + ':':<11} ", " " * 14)
    write(sys.stdout, lines)
    return EXIT_OK


def _miss_lines(resolution: introspect.Resolution) -> list[str]:
    misses = resolution.misses
    if resolution.registry is not None:
        return [line for miss in misses for line in wrap(f"error: {miss.message}", "", "  ")]
    lines = wrap(
        f"error: {resolution.key!r} resolves in none of the {len(misses)} root registries",
        "",
        "  ",
    )
    shown = [miss for miss in misses if miss.helpful] or list(misses[:1])
    seen: set[str] = set()
    for miss in shown:
        message = miss.message
        if message not in seen:
            seen.add(message)
            lines += wrap(f"{miss.registry}: {message}", "  ", "    ")
    return lines


def _check(args: argparse.Namespace) -> int:
    from registry_core import introspect  # (not needed to parse arguments)

    report = introspect.check()
    status = EXIT_OK if report.ok else EXIT_PROBLEM
    if args.json:
        print_json(report.to_json())
        return status
    lines = [f"registry-core {report.version}"]
    faulty = frozenset(p.scope for p in report.problems if p.severity == "error")
    lines += _plugin_lines(report.plugins, report.autoload, tree=False, faulty=faulty)
    for problem in report.problems:
        lines.append("")
        lines += wrap(f"{problem.severity}: {problem.summary}", "", "  ")
        for field, value in (
            ("cause", problem.cause),
            ("at", display_location(problem.location)),
            ("fix", problem.action),
        ):
            if value:
                lines += wrap(value, f"  {field + ':':<6} ", " " * 9)
    for diagnostic in report.diagnostics:
        lines.append("")
        lines += wrap(f"warning: discovery skipped {display_path(diagnostic.path)}", "", "  ")
        lines += wrap(diagnostic.message, "  ", "  ")
    lines.append("")
    lines += wrap(_verdict(report), "", "  ")
    write(sys.stdout, lines)
    return status


#: How the verdict of ``check`` counts each kind of error, in this order.
_KIND_LABELS: Final = (
    ("failed", "failed"),
    ("locations", "with failing locations"),
    ("incompatible", "incompatible"),
    ("conflict", "conflicting"),
    ("empty", "without a registry of its scope"),
)


def _plural_label(label: str, count: int) -> str:
    """``without a registry of its scope``, or ``... of their scope`` for several."""
    return label.replace(" its ", " their ") if count > 1 else label


def _verdict(report: introspect.Report) -> str:
    errors = [p for p in report.problems if p.severity == "error"]
    warnings = [p for p in report.problems if p.severity == "warning"]
    notes = [p for p in report.problems if p.severity == "note"]
    counts = []
    if errors:
        kinds = [p.kind for p in errors]
        detail = ", ".join(
            f"{kinds.count(kind)} {_plural_label(label, kinds.count(kind))}"
            for kind, label in _KIND_LABELS
            if kind in kinds
        )
        counts.append(f"{plural(len(errors), 'error')} ({detail})")
    if notes:
        counts.append(plural(len(notes), "note"))
    if warnings or report.diagnostics:
        counts.append(plural(len(warnings) + len(report.diagnostics), "warning"))
    loaded = sum(1 for info in report.plugins if info.status == "loaded")
    summary = f"{loaded} of {plural(len(report.plugins), 'plugin')} loaded"
    if not counts:
        return f"check passed: {summary}, no problems"
    verdict = "check passed" if report.ok else "check failed"
    return f"{verdict}: {summary}; " + ", ".join(counts)
