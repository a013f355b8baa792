"""A small TOML writer, for ``dump_config`` (the standard library reads TOML, not writes it).

Mappings become tables (``[model.backbone]``), lists of mappings arrays of
tables (``[[train_pipeline]]``), everything else ``key = value`` with inline
arrays and inline tables. TOML has no null, so ``None`` cannot be written;
integers are 64-bit; keys are strings.
"""

from __future__ import annotations

import math
import re

from registry_core._paths import format_path
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

__all__ = ["write_toml"]

_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")
_NAMED_ESCAPES: Final = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_ESCAPED: Final = re.compile(r'[\x00-\x1f\x7f"\\]')


def _refuse(file: str, path: tuple[Any, ...], why: str) -> ConfigError:
    return ConfigError(f"{file}: cannot write {format_path(path) or 'the config'} to TOML: {why}")


def _string(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in _NAMED_ESCAPES:
            return _NAMED_ESCAPES[char]
        if char in '"\\':
            return "\\" + char
        return f"\\u{ord(char):04x}"

    return '"' + _ESCAPED.sub(escape, text) + '"'


def _key(file: str, key: Any, path: tuple[Any, ...]) -> str:
    if not isinstance(key, str):
        raise _refuse(file, path, f"its key {key!r} is not a string, and TOML keys are")
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _is_table(value: Any) -> bool:
    return isinstance(value, dict)


def _is_table_array(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, dict) for v in value)
    )


def _inline(file: str, value: Any, path: tuple[Any, ...]) -> str:
    if value is None:
        raise _refuse(file, path, "it is None, and TOML has no null (leave the key out instead)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise _refuse(file, path, "TOML integers are 64-bit")
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        items = [_inline(file, item, (*path, i)) for i, item in enumerate(value)]
        return "[" + ", ".join(items) + "]"
    if isinstance(value, dict):
        pairs = [
            f"{_key(file, k, path)} = {_inline(file, v, (*path, k))}" for k, v in value.items()
        ]
        return "{" + ", ".join(pairs) + "}" if pairs else "{}"
    raise _refuse(file, path, f"TOML has no {type(value).__name__} values")


def _table(file: str, out: list[str], table: dict[Any, Any], path: tuple[Any, ...]) -> None:
    later: list[tuple[Any, Any]] = []
    for key, value in table.items():
        name = _key(file, key, path)
        if _is_table(value) or _is_table_array(value):
            later.append((key, value))
        else:
            out.append(f"{name} = {_inline(file, value, (*path, key))}")
    for key, value in later:
        below = (*path, key)
        header = ".".join(_key(file, part, path) for part in below)
        if _is_table(value):
            # a table holding only tables needs no header of its own: theirs define it
            if not value or not all(_is_table(v) or _is_table_array(v) for v in value.values()):
                out.append("")
                out.append(f"[{header}]")
            _table(file, out, value, below)
        else:
            for element in value:
                out.append("")
                out.append(f"[[{header}]]")
                _table(file, out, element, below)


def write_toml(file: str, config: dict[Any, Any]) -> str:
    """The TOML text of ``config``.

    Raises:
        ConfigError: a value TOML cannot hold, naming its path.

    >>> print(write_toml("x.toml", {"lr": 0.1, "model": {"type": "Net", "depth": 50},
    ...                             "steps": [{"type": "A"}, {"type": "B"}]}))
    lr = 0.1
    <BLANKLINE>
    [model]
    type = "Net"
    depth = 50
    <BLANKLINE>
    [[steps]]
    type = "A"
    <BLANKLINE>
    [[steps]]
    type = "B"
    <BLANKLINE>
    """
    out: list[str] = []
    _table(file, out, config, ())
    return "\n".join(out).lstrip("\n") + "\n"
