"""The plain-text output helpers of the command line (``registry_core.cli._output``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from registry_core.cli._output import WIDTH, wrap

#: Pieces of text that exercise every rule: words, runs of spaces, each kind of
#: whitespace ``textwrap`` turns into spaces, whitespace it does not (no-break
#: and ideographic spaces), a hyphen, and words as long as or longer than a line.
_PIECES = ["a", "bb", "ccc-d", " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\xa0", "\u3000"]
_PIECES += ["é", "x" * 30, "y" * (WIDTH - 2), "z" * (WIDTH + 5)]
_INDENTS = ["", "  ", "error: ", " x", "\t", "w" * (WIDTH + 10)]


def _textwrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


@settings(max_examples=500, deadline=None)
@given(
    text=st.lists(st.sampled_from(_PIECES), max_size=60).map("".join),
    first=st.sampled_from(_INDENTS),
    rest=st.sampled_from(_INDENTS),
)
def test_wrap_is_textwraps(text: str, first: str, rest: str) -> None:
    assert wrap(text, first, rest) == _textwrap(text, first, rest)


def test_wrap_keeps_long_words_whole() -> None:
    path = "/very/long/" + "folder/" * 15 + "config.py"
    assert wrap(f"error: cannot read {path}: it is missing", "", "  ") == [
        "error: cannot read",
        f"  {path}:",
        "  it is missing",
    ]
    assert wrap("", "error: ", "  ") == ["error:"]
    assert wrap(" \t ", "", "") == [""]


def test_wrap_imports_no_textwrap() -> None:
    code = (
        "import sys\n"
        "from registry_core.cli._output import wrap\n"
        "wrap('word ' * 40, '', '  ')\n"
        "print('textwrap' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "False\n"
