"""The commands about configs: ``validate`` and ``schema``."""

from __future__ import annotations

import sys

from registry_core.cli._output import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    UsageError,
    display_path,
    plural,
    print_json,
    wrap,
    write,
)
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any

    from registry_core.registry import Registry
    from registry_core.validation import Issue

    Command = Callable[..., Any]

__all__ = ["add_commands"]


def add_commands(command: Command) -> None:
    """Add ``validate`` and ``schema`` through ``command(name, help, run)``."""
    validate = command(
        "validate",
        "Check config files against the registries and the signatures of what they name, "
        "building nothing; report every problem at once.",
        _validate,
    )
    from registry_core.config._formats import listed

    validate.add_argument(
        "configs",
        nargs="+",
        metavar="CONFIG",
        help=f"config files ({listed()}) or glob patterns ('configs/**/*.py'); all are "
        "validated in this one process",
    )
    validate.add_argument(
        "--registry",
        metavar="R",
        help="the root registry that builds its top node (MODELS or model); default: the one "
        "root that has each top-level node's type",
    )
    validate.add_argument(
        "--trusted",
        action="store_true",
        help="execute a .py config (and its .py bases) as Python, as MMEngine does; without "
        "it, .py configs are evaluated as data and run no code (JSON, TOML, YAML never do)",
    )
    validate.add_argument(
        "--strict", action="store_true", help="warnings fail the command too (exit status 1)"
    )
    schema = command(
        "schema",
        "Print the JSON Schema (draft 2020-12) of the config nodes the registries can build, "
        "for editors.",
        _schema,
        False,
    )
    schema.add_argument(
        "registry",
        nargs="?",
        metavar="REGISTRY",
        help="a root registry: MODELS or model (any case); default: every root",
    )
    schema.add_argument(
        "--config",
        action="store_true",
        help="the schema of a whole OpenMMLab-style config file: its Runner sections, each "
        "checked as a node of the root the Runner builds it in, nested nodes included",
    )


def _load(path: str, trusted: bool) -> Any:
    """Load the config file at ``path`` as ``registry_core.load_config`` does.

    Raises:
        ConfigError: the file cannot be read or parsed, has an unsupported
            suffix, or (without ``trusted``) uses Python beyond the data subset.
    """
    from registry_core.config import load_config

    return load_config(path, trusted=trusted)


def _root(name: str | None) -> tuple[str | None, Registry[Any] | None]:
    if name is None:
        return None, None
    from registry_core import introspect

    try:
        return introspect.find_root(name)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _files(patterns: Sequence[str]) -> list[str]:
    """The files the arguments name: a file as given, a glob pattern (``**`` included)
    expanded in sorted order.

    Raises:
        UsageError: a pattern matches no file.
    """
    import glob
    import os

    files: list[str] = []
    for pattern in patterns:
        if os.path.exists(pattern) or not glob.has_magic(pattern):
            files.append(pattern)
            continue
        matched = sorted(p for p in glob.glob(pattern, recursive=True) if os.path.isfile(p))
        if not matched:
            raise UsageError(f"no file matches {pattern!r}")
        files += matched
    return list(dict.fromkeys(files))


def _validate(args: argparse.Namespace) -> int:
    label, registry = _root(args.registry)
    files = _files(args.configs)
    if len(files) == 1:
        result = _check_file(files[0], registry, args.trusted)
        if args.json:
            if result.issues is None:  # why there are no issues, on stderr too
                write(sys.stderr, result.lines())
            print_json(result.to_json(label))
        else:
            write(sys.stdout if result.issues is not None else sys.stderr, result.lines())
        return result.status(args.strict)
    progress = _Progress(len(files))
    results = []
    try:
        for path in files:
            progress.show(path)
            result = _check_file(path, registry, args.trusted)
            results.append(result)
            if not args.json and (result.issues is None or result.issues):
                progress.clear()
                out = sys.stdout if result.issues is not None else sys.stderr
                write(out, result.lines())
    finally:
        progress.clear()
    status = max(result.status(args.strict) for result in results)
    summary = _summary(results)
    if args.json:
        print_json(
            {
                "schema": 1,
                "registry": label,
                "configs": [r.to_json(label) for r in results],
                "summary": summary,
            }
        )
    else:
        write(sys.stdout, wrap(_summary_line(summary), "", "  "))
    return status


class _Result:
    """What validating one file gave: its issues, or why it could not be loaded."""

    __slots__ = ("failure", "issues", "path")

    def __init__(
        self, path: str, issues: Sequence[Issue] | None, failure: dict[str, Any] | None = None
    ) -> None:
        self.path = path
        self.issues = issues
        self.failure = failure

    @property
    def errors(self) -> int:
        return sum(1 for issue in self.issues or () if issue.severity == "error")

    def status(self, strict: bool) -> int:
        if self.issues is None:
            return EXIT_USAGE
        if self.errors or (strict and self.issues):
            return EXIT_PROBLEM
        return EXIT_OK

    def to_json(self, label: str | None) -> dict[str, Any]:
        if self.failure is not None:
            return self.failure
        issues = self.issues or ()
        return {
            "schema": 1,
            "config": self.path,
            "registry": label,
            "ok": not self.errors,
            "errors": self.errors,
            "warnings": len(issues) - self.errors,
            "issues": [issue.to_json() for issue in issues],
        }

    def lines(self) -> list[str]:
        if self.issues is None:
            assert self.failure is not None
            return wrap(f"error: {self.failure['error']}", "", "  ")
        return _issue_lines(self.path, self.issues, self.errors)


def _check_file(path: str, registry: Registry[Any] | None, trusted: bool) -> _Result:
    from registry_core.validation import validate

    try:
        cfg = _load(path, trusted)
    except ConfigError as exc:
        return _Result(path, None, {"schema": 1, "config": path, "ok": False, "error": str(exc)})
    if not isinstance(cfg, (dict, list)):
        message = (
            f"{path} holds a {type(cfg).__name__}, not a config: a config is a mapping "
            "(or a list of nodes)"
        )
        return _Result(path, None, {"schema": 1, "config": path, "ok": False, "error": message})
    try:
        issues: Sequence[Issue] = validate(cfg, registry).issues
    except ConfigError as exc:
        issues = exc.issues
    return _Result(path, issues)


def _issue_lines(path: str, issues: Sequence[Issue], errors: int) -> list[str]:
    lines: list[str] = []
    real: dict[str, str] = {}  # (a handful of files for many issues)
    top = _same_file(path, real)
    for issue in issues:
        where = ""
        if issue.source is not None and _same_file(issue.source, real) != top:
            where = f" (set in {display_path(issue.source)})"  # by a base file
        lines += wrap(
            f"{issue.severity}: {issue.path or '<config>'}: {issue.message}{where}", "", "  "
        )
    counts = [plural(errors, "error")] if errors else []
    if len(issues) > errors:
        counts.append(plural(len(issues) - errors, "warning"))
    verdict = "invalid" if errors else "valid"
    lines += wrap(f"{path}: {verdict}" + (f" ({', '.join(counts)})" if counts else ""), "", "  ")
    return lines


def _summary(results: list[_Result]) -> dict[str, int]:
    loaded = [r for r in results if r.issues is not None]
    return {
        "configs": len(results),
        "valid": sum(1 for r in loaded if not r.errors),
        "invalid": sum(1 for r in loaded if r.errors),
        "unloadable": len(results) - len(loaded),
        "errors": sum(r.errors for r in loaded),
        "warnings": sum(len(r.issues or ()) - r.errors for r in loaded),
    }


def _summary_line(summary: dict[str, int]) -> str:
    parts = [f"{summary['valid']} valid", f"{summary['invalid']} invalid"]
    if summary["unloadable"]:
        parts.append(f"{summary['unloadable']} could not be loaded")
    counts = f"{plural(summary['errors'], 'error')}, {plural(summary['warnings'], 'warning')}"
    return f"{plural(summary['configs'], 'config')}: {', '.join(parts)} ({counts})"


class _Progress:
    """A progress line on stderr, only on a terminal and only for runs of more than a
    second: ``[12/846] configs/resnet/resnet50_8xb32_in1k.py``, rewritten in place."""

    __slots__ = ("drawn", "shown", "started", "total", "tty")

    def __init__(self, total: int) -> None:
        import time

        self.total = total
        self.started = time.monotonic()
        self.shown = 0
        self.drawn = False
        try:
            self.tty = sys.stderr.isatty()
        except (AttributeError, ValueError):
            self.tty = False

    def show(self, path: str) -> None:
        self.shown += 1
        if not self.tty:
            return
        import time

        if time.monotonic() - self.started < 1.0:
            return
        text = f"[{self.shown}/{self.total}] {path}"[:79]
        sys.stderr.write("\r" + text.ljust(79))
        sys.stderr.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            sys.stderr.write("\r" + " " * 79 + "\r")
            sys.stderr.flush()
            self.drawn = False


def _same_file(path: str, known: dict[str, str]) -> str:
    """``os.path.realpath(path)``, remembered in ``known``."""
    found = known.get(path)
    if found is None:
        import os

        found = known[path] = os.path.realpath(path)
    return found


def _schema(args: argparse.Namespace) -> int:
    from registry_core.validation import config_schema

    _, registry = _root(args.registry)
    print_json(config_schema(registry, whole=args.config))
    return EXIT_OK
