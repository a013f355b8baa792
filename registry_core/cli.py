"""The ``registry-core`` command: ``tree``, ``list``, ``show`` and ``check``.

A thin layer over :mod:`registry_core.introspect`: it parses the arguments,
calls one function there, and prints the result, either as text that fits an
80-column terminal (no colour) or, with ``--json``, as the documented JSON of
``to_json()`` (see ``docs/cli.md``).

Exit status: 0 on success; 1 when ``show`` resolves nothing or ``check``
finds a plugin that failed, is incompatible or conflicts; 2 on a usage error
(including an unknown registry or scope).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import textwrap

from registry_core import introspect
from registry_core.errors import ScopeNotFoundError
from registry_core.roots import ROOTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from typing import Any, Final, NoReturn, TextIO

    from registry_core.discovery import ScopeInfo

__all__ = ["main"]

#: Every line of human output fits this many columns.
WIDTH: Final = 80
_PROG: Final = "registry-core"
_EXIT_OK: Final = 0
_EXIT_PROBLEM: Final = 1
_EXIT_USAGE: Final = 2


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose error messages fit :data:`WIDTH` columns."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        _write(sys.stderr, _wrap(f"{self.prog}: error: {message}", "", "  "))
        raise SystemExit(_EXIT_USAGE)


class _UsageError(Exception):
    """A bad argument found after parsing (an unknown registry or scope)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``).

    Returns:
        The exit status: 0 ok, 1 a problem was found, 2 a usage error.
    """
    parser, subparsers = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors (and --help) this way
        return exc.code if isinstance(exc.code, int) else _EXIT_USAGE
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except _UsageError as exc:
        try:
            subparsers[args.command].error(str(exc))
        except SystemExit:
            return _EXIT_USAGE
    except BrokenPipeError:  # e.g. `registry-core list | head`: stop quietly
        with contextlib.suppress(OSError, ValueError):  # so that the final flush cannot fail
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return _EXIT_PROBLEM
    except KeyboardInterrupt:
        return 130


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    # No colour, ever (Python 3.14's argparse colours help on terminals by default).
    plain: dict[str, Any] = {"color": False} if sys.version_info >= (3, 14) else {}
    parser = _Parser(
        prog=_PROG,
        description="See and check the registries and plugins of registry_core.",
        epilog="Each command takes --json for machine-readable output (see docs/cli.md).",
        **plain,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help: str, run: Callable[[argparse.Namespace], int]) -> Any:
        sub = commands.add_parser(name, help=help, description=help, **plain)
        sub.add_argument("--json", action="store_true", help="print JSON (see docs/cli.md)")
        sub.set_defaults(run=run)
        return sub

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
    return parser, dict(commands.choices)


def _version() -> str:
    import registry_core

    return registry_core.__version__


# -- the commands ------------------------------------------------------------------


def _tree(args: argparse.Namespace) -> int:
    tree = introspect.scope_tree()
    if args.json:
        _print_json(tree.to_json())
        return _EXIT_OK
    lines = [f"registry-core {tree.version}"]
    rows = [row for root in tree.roots for row in _node_rows(root, "", True, True)]
    label_width = min(max(len(row[0]) for row in rows), 34)
    provider_width = min(max(len(row[2]) for row in rows), 24)
    for label, count, provider, status, error, stem in rows:
        line = f"{label:<{label_width}}  {count:<9}  {provider:<{provider_width}}  {status}"
        lines += _wrap(line.rstrip(), "", " " * (label_width + 2))
        if error:
            lines += _wrap(error, stem + "  ", stem + "  ")
    lines.append("")
    lines += _plugin_lines(tree.plugins, tree.autoload, tree=True)
    if tree.diagnostics:
        n = len(tree.diagnostics)
        lines.append("")
        lines += _wrap(
            f"{n} metadata problem{'s' if n != 1 else ''}: discovery skipped "
            f"{'them' if n != 1 else 'it'}; run `registry-core check` for details",
            "",
            "",
        )
    _write(sys.stdout, lines)
    return _EXIT_OK


_Row = tuple[str, str, str, str, "str | None", str]


def _node_rows(node: introspect.Node, prefix: str, last: bool, root: bool) -> Iterator[_Row]:
    """Rows ``(label, count, provider, status, error, stem)`` of a node and its subtree."""
    if root:
        label, inner = f"{node.registry} ({node.name})", ""
        provider = ""
    else:
        label = prefix + ("`-- " if last else "|-- ") + node.scope
        if node.name != _root_name(node.registry):
            label += f" ({node.name})"
        inner = prefix + ("    " if last else "|   ")
        provider = _provider(node.distribution, node.version) or "-"
    count = "  ? names" if node.names is None else f"{node.names:>3} name" + "s"[: node.names != 1]
    stem = inner + ("|   " if node.children else "    ")
    yield label, count, provider, node.status or "", node.error, stem
    for i, child in enumerate(node.children):
        yield from _node_rows(child, inner, i == len(node.children) - 1, False)


def _root_name(registry: str) -> str | None:
    try:
        return introspect.find_root(registry)[1].name
    except ValueError:
        return None


def _plugin_lines(plugins: Sequence[ScopeInfo], autoload: bool, *, tree: bool) -> list[str]:
    """The plugins as a table (as branches of a tree with ``tree``), errors below."""
    if not autoload:
        return _wrap(
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
        provider = _plugin_provider(info)
        line = f"{branch}{info.scope:<{scope_width}}  {provider:<{provider_width}}  {info.status}"
        lines += _wrap(line, "", stem + "  ")
        if info.error and tree:
            lines += _wrap(info.error, stem + "  ", stem + "  ")
    return lines


def _plugin_provider(info: ScopeInfo) -> str:
    if info.claimants:
        return " + ".join(info.claimants)
    return _provider(info.distribution, info.version)


def _list(args: argparse.Namespace) -> int:
    try:
        entries = introspect.list_entries(args.registry, args.scope, args.pattern)
    except (ValueError, ScopeNotFoundError) as exc:
        raise _UsageError(str(exc)) from exc
    if args.json:
        registry = None if args.registry is None else introspect.find_root(args.registry)[0]
        _print_json(
            {
                "schema": introspect.SCHEMA,
                "registry": registry,
                "scope": args.scope,
                "pattern": args.pattern,
                "entries": [entry.to_json() for entry in entries],
            }
        )
        return _EXIT_OK
    roots = (
        [introspect.find_root(args.registry)[0]]
        if args.registry is not None
        else [label for label in ROOTS if any(e.registry == label for e in entries)]
    )
    lines: list[str] = []
    for label in roots:
        mine = [entry for entry in entries if entry.registry == label]
        name = introspect.find_root(label)[1].name
        lines.append(f"{label} ({name}): {_plural(len(mine), 'entry', 'entries')}")
        key_width = min(max((len(e.key) for e in mine), default=0), 44)
        for entry in mine:
            line = f"  {entry.key:<{key_width}}  {entry.kind:<8}"
            if entry.aliases:
                line += "  aliases: " + ", ".join(entry.aliases)
            lines += _wrap(line.rstrip(), "", " " * (key_width + 14))
    if not lines:
        lines.append(f"no names registered{_filters(args)}")
    _write(sys.stdout, lines)
    if args.scope is None or not _note_unloaded(args.scope):
        _note_problems()
    return _EXIT_OK


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
    _write(
        sys.stderr,
        _wrap(
            f"note: scope {scope!r} is {info.status}, so it has no names; "
            "run `registry-core check` to see why and what to do",
            "",
            "  ",
        ),
    )
    return True


def _note_problems() -> None:
    """Tell (on stderr) which plugins' names are missing because they are broken."""
    scopes = sorted({p.scope for p in introspect.check().problems if p.severity == "error"})
    if scopes:
        _write(
            sys.stderr,
            _wrap(
                f"note: the names of {_plural(len(scopes), 'plugin')} that could not be "
                f"loaded are missing ({', '.join(scopes)}); run `registry-core check` to see "
                "why and what to do",
                "",
                "  ",
            ),
        )


def _show(args: argparse.Namespace) -> int:
    try:
        resolution = introspect.describe(args.key, args.registry)
    except ValueError as exc:
        raise _UsageError(str(exc)) from exc
    if args.json:
        _print_json(resolution.to_json())
        return _EXIT_OK if resolution.found else _EXIT_PROBLEM
    if not resolution.found:
        _write(sys.stderr, _miss_lines(resolution))
        _note_problems()
        return _EXIT_PROBLEM
    lines: list[str] = []
    for hit in resolution.hits:
        if lines:
            lines.append("")
        lines += _wrap(f"{hit.key} in {hit.registry}", "", "  ")
        fields = [
            ("object", hit.qualname),
            ("kind", hit.kind),
            ("signature", hit.signature),
            ("doc", hit.doc),
            ("file", _where(hit.file, hit.line)),
            ("scope", _scope_and_provider(hit.scope, hit.distribution, hit.version)),
            ("aliases", ", ".join(hit.aliases)),
        ]
        for field, value in fields:
            if value:
                lines += _wrap(value, f"  {field + ':':<11} ", " " * 14)
    _write(sys.stdout, lines)
    return _EXIT_OK


def _miss_lines(resolution: introspect.Resolution) -> list[str]:
    misses = resolution.misses
    if resolution.registry is not None:
        return [line for miss in misses for line in _wrap(f"error: {miss.error}", "", "  ")]
    searched = ", ".join(miss.registry for miss in misses)
    lines = _wrap(
        f"error: {resolution.key!r} resolves in no root registry (searched {searched})", "", "  "
    )
    shown = [miss for miss in misses if miss.helpful] or list(misses[:1])
    seen: set[str] = set()
    for miss in shown:
        message = str(miss.error)
        if message not in seen:
            seen.add(message)
            lines += _wrap(f"{miss.registry}: {message}", "  ", "    ")
    return lines


def _check(args: argparse.Namespace) -> int:
    report = introspect.check()
    status = _EXIT_OK if report.ok else _EXIT_PROBLEM
    if args.json:
        _print_json(report.to_json())
        return status
    lines = [f"registry-core {report.version}"]
    lines += _plugin_lines(report.plugins, report.autoload, tree=False)
    for problem in report.problems:
        lines.append("")
        lines += _wrap(f"{problem.severity}: {problem.summary}", "", "  ")
        for field, value in (
            ("cause", problem.cause),
            ("at", _display_location(problem.location)),
            ("fix", problem.action),
        ):
            if value:
                lines += _wrap(value, f"  {field + ':':<6} ", " " * 9)
    for diagnostic in report.diagnostics:
        lines.append("")
        lines += _wrap(f"warning: discovery skipped {_display_path(diagnostic.path)}", "", "  ")
        lines += _wrap(diagnostic.message, "  ", "  ")
    lines.append("")
    lines += _wrap(_verdict(report), "", "  ")
    _write(sys.stdout, lines)
    return status


#: How the verdict of ``check`` counts each kind of error, in this order.
_KIND_LABELS: Final = (
    ("failed", "failed"),
    ("locations", "with failing locations"),
    ("incompatible", "incompatible"),
    ("conflict", "conflicting"),
)


def _verdict(report: introspect.Report) -> str:
    errors = [p for p in report.problems if p.severity == "error"]
    notes = [p for p in report.problems if p.severity != "error"]
    counts = []
    if errors:
        kinds = [p.kind for p in errors]
        detail = ", ".join(
            f"{kinds.count(kind)} {label}" for kind, label in _KIND_LABELS if kind in kinds
        )
        counts.append(f"{_plural(len(errors), 'error')} ({detail})")
    if notes:
        counts.append(_plural(len(notes), "note"))
    if report.diagnostics:
        counts.append(_plural(len(report.diagnostics), "warning"))
    loaded = sum(1 for info in report.plugins if info.status == "loaded")
    summary = f"{loaded} of {_plural(len(report.plugins), 'plugin')} loaded"
    if not counts:
        return f"check passed: {summary}, no problems"
    verdict = "check passed" if report.ok else "check failed"
    return f"{verdict}: {summary}; " + ", ".join(counts)


# -- formatting ----------------------------------------------------------------------


def _provider(distribution: str | None, version: str | None) -> str:
    if distribution is None:
        return ""
    return f"{distribution} {version}" if version else distribution


def _scope_and_provider(scope: str, distribution: str | None, version: str | None) -> str:
    provider = _provider(distribution, version)
    return f"{scope} ({provider})" if provider else scope


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _display_path(path: str) -> str:
    """``path`` relative to the working directory when it is inside it."""
    try:
        cwd = os.getcwd()
    except OSError:
        return path
    if path.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(path, cwd)
    return path


def _where(file: str | None, line: int | None) -> str | None:
    if file is None:
        return None
    return _display_path(file) + (f":{line}" if line else "")


def _display_location(location: str | None) -> str | None:
    if location is None:
        return None
    file, colon, line = location.rpartition(":")
    return _display_path(file) + colon + line if colon else location


def _wrap(text: str, first: str, rest: str) -> list[str]:
    """``text`` wrapped to :data:`WIDTH` columns, long words broken."""
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2) + "\n")


def _write(stream: TextIO, lines: list[str]) -> None:
    text = "".join(line + "\n" for line in lines)
    encoding = getattr(stream, "encoding", None) or "utf-8"
    # a console that cannot show some character gets an escape, not a crash
    stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
    stream.flush()
