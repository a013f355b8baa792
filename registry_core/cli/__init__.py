"""The ``registry-core`` command line.

A thin layer over the Python API: each command parses its arguments, calls one
function of :mod:`registry_core.introspect` (or of the config side), and prints
the result, either as text that fits an 80-column terminal (no colour) or, with
``--json``, as the JSON documented in ``docs/cli.md``.

One module per group of commands: ``_plugins`` (``tree``, ``list``, ``show``,
``check``), ``_config`` (``validate``, ``schema``); ``_output`` holds what they share.

Exit status: 0 on success; 1 when a command found a problem (``show`` resolves
nothing, ``check`` finds a plugin that failed, is incompatible or conflicts);
2 on a usage error (including an unknown registry or scope).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from registry_core.cli import _config, _plugins
from registry_core.cli._output import (
    EXIT_PROBLEM,
    EXIT_USAGE,
    WIDTH,
    UsageError,
    wrap,
    write,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, Final, NoReturn

__all__ = ["main"]

_PROG: Final = "registry-core"
#: The distribution whose data files hold the guides (``pyproject.toml`` ships
#: ``docs/*.md`` to ``<prefix>/share/doc/registry-core/``).
_DIST: Final = "registry-core"


def docs_location() -> str:
    """Where this installation's guides are, for the help's last line.

    pip installs them with the package, as data files under
    ``<prefix>/share/doc/registry-core`` (``~/.local/...`` for a user install):
    the distribution's own file list says where. A source checkout run without
    installing has them in its ``docs/`` folder. Read only when help is printed.
    """
    from importlib.metadata import PackageNotFoundError, distribution
    from pathlib import Path

    try:
        files = distribution(_DIST).files or ()
    except PackageNotFoundError:
        files = ()
    for file in files:
        if file.name == "cli.md" and "doc" in file.parts:
            return str(Path(str(file.locate())).resolve().parent)
    checkout = Path(__file__).resolve().parents[2] / "docs"
    if (checkout / "cli.md").is_file():
        return str(checkout)
    return "the docs/ folder of the registry-core source distribution"


class _Formatter(argparse.HelpFormatter):
    """Help text at the output width, whatever the terminal's.

    (Without a ``width`` argparse asks ``shutil`` for the terminal's, and
    importing ``shutil`` costs every command a few milliseconds.)
    """

    def __init__(self, prog: str, **kwargs: Any) -> None:
        kwargs.setdefault("width", WIDTH)
        super().__init__(prog, **kwargs)


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose help and error messages fit the output width."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)  # (also for the subparsers)
        super().__init__(*args, **kwargs)

    def format_help(self) -> str:
        return f"{super().format_help()}\nDocumentation: {docs_location()}\n"

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        write(sys.stderr, wrap(f"{self.prog}: error: {message}", "", "  "))
        raise SystemExit(EXIT_USAGE)


class _Version(argparse.Action):
    """``--version``: reads the installed version only when given (it scans ``sys.path``)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings,
            dest=dest,
            default=argparse.SUPPRESS,
            nargs=0,
            help="show program's version number and exit",
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        write(sys.stdout, [f"{parser.prog} {_version()}"])
        parser.exit()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``).

    Returns:
        The exit status: 0 ok, 1 a problem was found, 2 a usage error.
    """
    parser, subparsers = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors (and --help) this way
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "run", None) is None:  # no command: say what there is, then why
        parser.print_help(sys.stderr)
        write(
            sys.stderr,
            ["", f"{parser.prog}: error: the following arguments are required: COMMAND"],
        )
        return EXIT_USAGE
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except UsageError as exc:
        try:
            subparsers[args.command].error(str(exc))
        except SystemExit:
            return EXIT_USAGE
    except BrokenPipeError:  # e.g. `registry-core list | head`: stop quietly
        with contextlib.suppress(OSError, ValueError):  # so that the final flush cannot fail
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return 130


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    # No colour, ever (Python 3.14's argparse colours help on terminals by default).
    plain: dict[str, Any] = {"color": False} if sys.version_info >= (3, 14) else {}
    parser = _Parser(
        prog=_PROG,
        description="See and check the registries and plugins of registry_core, and "
        "validate configs.",
        epilog="Commands other than schema take --json for machine-readable output.",
        **plain,
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        name: str, help: str, run: Callable[[argparse.Namespace], int], json: bool = True
    ) -> Any:
        sub = commands.add_parser(name, help=help, description=help, **plain)
        if json:  # (schema prints JSON anyway)
            sub.add_argument("--json", action="store_true", help="print JSON (see the docs)")
        sub.set_defaults(run=run)
        return sub

    _plugins.add_commands(command)
    _config.add_commands(command)
    return parser, dict(commands.choices)


def _version() -> str:
    import registry_core

    return registry_core.__version__
