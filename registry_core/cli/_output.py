"""What every command shares: exit statuses, usage errors, and plain-text output.

Human output fits :data:`WIDTH` columns, has no colour, and never crashes on a
console that cannot show a character (it gets a backslash escape instead).
"""

from __future__ import annotations

import os
import sys
import textwrap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final, TextIO

__all__ = [
    "EXIT_OK",
    "EXIT_PROBLEM",
    "EXIT_USAGE",
    "WIDTH",
    "UsageError",
    "display_location",
    "display_path",
    "plural",
    "print_json",
    "provider",
    "scope_and_provider",
    "where",
    "wrap",
    "write",
]

#: Every line of human output fits this many columns.
WIDTH: Final = 80
EXIT_OK: Final = 0
EXIT_PROBLEM: Final = 1
EXIT_USAGE: Final = 2


class UsageError(Exception):
    """A bad argument found after parsing (an unknown registry or scope): exit 2."""


def provider(distribution: str | None, version: str | None) -> str:
    """``'name version'`` of a distribution, ``''`` when there is none."""
    if distribution is None:
        return ""
    return f"{distribution} {version}" if version else distribution


def scope_and_provider(scope: str, distribution: str | None, version: str | None) -> str:
    who = provider(distribution, version)
    return f"{scope} ({who})" if who else scope


def plural(n: int, one: str, many: str | None = None) -> str:
    """``'1 plugin'``, ``'2 plugins'``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def display_path(path: str) -> str:
    """``path`` relative to the working directory when it is inside it."""
    try:
        cwd = os.getcwd()
    except OSError:
        return path
    if path.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(path, cwd)
    return path


def where(file: str | None, line: int | None) -> str | None:
    """``file:line`` for display, or ``None`` without a file."""
    if file is None:
        return None
    return display_path(file) + (f":{line}" if line else "")


def display_location(location: str | None) -> str | None:
    if location is None:
        return None
    file, colon, line = location.rpartition(":")
    return display_path(file) + colon + line if colon else location


def wrap(text: str, first: str, rest: str) -> list[str]:
    """``text`` wrapped to :data:`WIDTH` columns.

    Words are never broken: a file path longer than a line gets a line of its
    own (wider than :data:`WIDTH`), so that it can be copied and clicked whole.
    """
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def print_json(data: dict[str, Any]) -> None:
    """Print ``data`` as indented JSON on stdout."""
    import json  # (only for --json)

    sys.stdout.write(json.dumps(data, indent=2) + "\n")


def write(stream: TextIO, lines: list[str]) -> None:
    """Write ``lines`` to ``stream``, one per line, and flush.

    Control characters in them (from a registered name, say) are escaped, so
    no output can move the cursor, ring the bell or recolour the terminal.
    """
    text = "".join((line if line.isprintable() else _escape(line)) + "\n" for line in lines)
    encoding = getattr(stream, "encoding", None) or "utf-8"
    # a console that cannot show some character gets an escape, not a crash
    stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
    stream.flush()


def _escape(line: str) -> str:
    """``line`` with every non-printable character but a tab as ``\\xNN``/``\\uNNNN``."""
    return "".join(
        c if c.isprintable() or c == "\t" else c.encode("unicode_escape").decode("ascii")
        for c in line
    )
