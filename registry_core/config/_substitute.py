"""The ``{{ ... }}`` placeholders of MMEngine configs.

Replaced in the text of a file before it is parsed, as MMEngine replaces them:

* the predefined variables ``{{ fileDirname }}``, ``{{ fileBasename }}``,
  ``{{ fileBasenameNoExtension }}`` and ``{{ fileExtname }}``;
* environment variables, ``{{$NAME}}`` and ``{{$NAME:default}}`` (the text is
  put in as it is, so ``{{'$N:80'}}`` in a ``.py`` file becomes the number 80).

And after the file is read: a string that is entirely ``{{_base_.a.b}}`` is a
copy of the merged bases' value at ``a.b`` (``base_reference``). In a
``.py`` file MMEngine writes the token bare, which the safe evaluator turns
into that string; in JSON and YAML a bare token is quoted here first.
"""

from __future__ import annotations

import os
import re

from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

__all__ = ["base_reference", "line_of", "quote_bare_references", "substitute_text"]

# The patterns are compiled on first use (by ``re``'s cache), which only a
# text holding ``{{`` needs: compiling them costs a fresh process ~0.5 ms.
_PREDEFINED: Final = r"\{\{\s*(fileDirname|fileBasenameNoExtension|fileBasename|fileExtname)\s*\}\}"
_ENVIRONMENT: Final = r"\{\{['\"]?\s*\$(\w+)\s*(?::\s*(\S*?))?\s*['\"]?\}\}"
_BARE_REFERENCE: Final = r"(?<![\"'\w])\{\{\s*_base_\.[\w.]+\s*\}\}(?![\"'])"
_BASE_REFERENCE: Final = r"\{\{\s*_base_\.([\w.]+)\s*\}\}"


def base_reference() -> re.Pattern[str]:
    """A whole string of this form (``fullmatch``) is a reference to a base value.

    >>> base_reference().fullmatch("{{ _base_.model.depth }}").group(1)
    'model.depth'
    """
    return re.compile(_BASE_REFERENCE)


def line_of(text: str, position: int) -> int:
    """The 1-based line of ``position`` in ``text``."""
    return text.count("\n", 0, position) + 1


def substitute_text(file: str, text: str) -> tuple[str, dict[str, str | None]]:
    """Replace the predefined and environment variables in ``text``.

    Returns:
        The new text, and the environment variables it read (name -> value,
        ``None`` for a variable not set, whose default was used).

    Raises:
        ConfigError: an environment variable is not set and has no default.
    """
    if "{{" not in text:
        return text, {}
    directory, basename = os.path.split(file)
    stem, extension = os.path.splitext(basename)
    values = {
        "fileDirname": directory,
        "fileBasename": basename,
        "fileBasenameNoExtension": stem,
        "fileExtname": extension,
    }
    text = re.sub(_PREDEFINED, lambda m: values[m.group(1)].replace("\\", "/"), text)
    used: dict[str, str | None] = {}

    def environment(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = os.environ.get(name)
        used[name] = value
        if value is not None:
            return value
        if default is None:
            line = line_of(text, match.start())
            raise ConfigError(
                f"{file}, line {line}: the environment variable {name} in "
                f"{match.group()!r} is not set, and has no default; set it, or write "
                f"{{{{${name}:default}}}}",
                file=file,
                line=line,
            )
        return default

    return re.sub(_ENVIRONMENT, environment, text), used


def quote_bare_references(text: str) -> str:
    """Quote the bare ``{{_base_.a.b}}`` tokens of a JSON or YAML text, as MMEngine reads them.

    >>> quote_bare_references('{"a": {{_base_.x}}, "b": "{{_base_.y}}"}')
    '{"a": "{{_base_.x}}", "b": "{{_base_.y}}"}'
    """
    if "_base_" not in text:
        return text
    return re.sub(_BARE_REFERENCE, lambda m: f'"{m.group()}"', text)
