"""What every command shares: exit statuses, usage errors, and plain-text output.

Human output fits :data:`WIDTH` columns, has no colour, and never crashes on a
console that cannot show a character (it gets a backslash escape instead).
"""

from __future__ import annotations

import os
import re
import sys

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


#: What ``textwrap`` reads as whitespace (ASCII only), each made a space.
_TO_SPACE: Final = str.maketrans("\t\n\x0b\x0c\r", "     ")


def wrap(text: str, first: str, rest: str) -> list[str]:
    """``text`` wrapped to :data:`WIDTH` columns, ``first`` and ``rest`` before its lines.

    Words are never broken: a file path longer than a line gets a line of its
    own (wider than :data:`WIDTH`), so that it can be copied and clicked whole.
    The lines are those of ``textwrap.wrap(text, WIDTH, initial_indent=first,
    subsequent_indent=rest, break_long_words=False, break_on_hyphens=False)``
    (importing ``textwrap`` costs a command about 2 ms): tabs are expanded,
    other whitespace becomes spaces, and lines start and end with no spaces
    but the first's leading ones.

    >>> wrap("a long message " * 8, "error: ", "  ")  # doctest: +NORMALIZE_WHITESPACE
    ['error: a long message a long message a long message a long message a long',
     '  message a long message a long message a long message']
    """
    words = [c for c in re.split("( +)", text.expandtabs().translate(_TO_SPACE)) if c]
    words.reverse()  # taken from the end
    lines: list[str] = []
    while words:
        indent = rest if lines else first
        width = WIDTH - len(indent)
        if lines and words[-1].strip() == "":
            del words[-1]  # the space a line was broken at
        line: list[str] = []
        size = 0
        while words and size + len(words[-1]) <= width:
            size += len(words[-1])
            line.append(words.pop())
        if words and not line and len(words[-1]) > width:
            line.append(words.pop())  # a word longer than a line, whole
        if line and line[-1].strip() == "":
            del line[-1]
        if line:
            lines.append(indent + "".join(line))
    return lines or [first.rstrip()]


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
