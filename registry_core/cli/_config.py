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

    Command = Callable[[str, str, Callable[[argparse.Namespace], int]], Any]

__all__ = ["add_commands"]


def add_commands(command: Command) -> None:
    """Add ``validate`` and ``schema`` through ``command(name, help, run)``."""
    validate = command(
        "validate",
        "Check a config file against the registries and the signatures of what it names, "
        "building nothing; report every problem at once.",
        _validate,
    )
    from registry_core.config._formats import listed

    validate.add_argument("config", metavar="CONFIG", help=f"the config file ({listed()})")
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
    schema = command(
        "schema",
        "Print the JSON Schema (draft 2020-12) of the config nodes the registries can build, "
        "for editors.",
        _schema,
    )
    schema.add_argument(
        "registry",
        nargs="?",
        metavar="REGISTRY",
        help="a root registry: MODELS or model (any case); default: every root",
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


def _validate(args: argparse.Namespace) -> int:
    from registry_core.validation import validate

    label, registry = _root(args.registry)
    try:
        cfg = _load(args.config, args.trusted)
    except ConfigError as exc:
        write(sys.stderr, wrap(f"error: {exc}", "", "  "))
        if args.json:  # a report all the same, saying why there are no issues
            print_json({"schema": 1, "config": args.config, "ok": False, "error": str(exc)})
        return EXIT_USAGE
    if not isinstance(cfg, (dict, list)):
        write(
            sys.stderr,
            wrap(
                f"error: {args.config} holds a {type(cfg).__name__}, not a config: a config "
                "is a mapping (or a list of nodes)",
                "",
                "  ",
            ),
        )
        return EXIT_USAGE
    try:
        issues: Sequence[Issue] = validate(cfg, registry).issues
    except ConfigError as exc:
        issues = exc.issues
    errors = sum(1 for issue in issues if issue.severity == "error")
    status = EXIT_PROBLEM if errors else EXIT_OK
    if args.json:
        print_json(
            {
                "schema": 1,
                "config": args.config,
                "registry": label,
                "ok": not errors,
                "errors": errors,
                "warnings": len(issues) - errors,
                "issues": [issue.to_json() for issue in issues],
            }
        )
        return status
    lines: list[str] = []
    real: dict[str, str] = {}  # (a handful of files for many issues)
    top = _same_file(args.config, real)
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
    lines += wrap(
        f"{args.config}: {verdict}" + (f" ({', '.join(counts)})" if counts else ""), "", "  "
    )
    write(sys.stdout, lines)
    return status


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
    print_json(config_schema(registry))
    return EXIT_OK
