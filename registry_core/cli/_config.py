"""The commands about configs: ``validate`` and ``schema``."""

from __future__ import annotations

import sys

from registry_core.cli._output import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    UsageError,
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
    validate.add_argument("config", metavar="CONFIG", help="the config file (.json)")
    validate.add_argument(
        "--registry",
        metavar="R",
        help="the root registry that builds its top node (MODELS or model); default: the one "
        "root that has each top-level node's type",
    )
    validate.add_argument(
        "--trusted",
        action="store_true",
        help="execute a .py config as Python, as MMEngine does (JSON configs never run code)",
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
    """Read the config file at ``path`` (``.json`` for now).

    Raises:
        ConfigError: the file cannot be read or parsed, or has another suffix.
    """
    import json
    import os

    suffix = os.path.splitext(path)[1].lower()
    if suffix != ".json":
        raise ConfigError(
            f"cannot load {path}: registry-core validate reads .json config files "
            f"(got {suffix or 'no suffix'}); write the config as JSON",
            file=path,
        )
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}", file=path) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read {path}: it is not UTF-8 text ({exc})", file=path) from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"cannot load {path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            file=path,
            line=exc.lineno,
        ) from exc


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
    for issue in issues:
        lines += wrap(f"{issue.severity}: {issue.path or '<config>'}: {issue.message}", "", "  ")
    counts = [plural(errors, "error")] if errors else []
    if len(issues) > errors:
        counts.append(plural(len(issues) - errors, "warning"))
    verdict = "invalid" if errors else "valid"
    lines += wrap(
        f"{args.config}: {verdict}" + (f" ({', '.join(counts)})" if counts else ""), "", "  "
    )
    write(sys.stdout, lines)
    return status


def _schema(args: argparse.Namespace) -> int:
    from registry_core.validation import config_schema

    _, registry = _root(args.registry)
    print_json(config_schema(registry))
    return EXIT_OK
