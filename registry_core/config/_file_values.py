"""A config file's own values, on their way to the merged config.

``load_file`` (``_inherit``) evaluates or reads a file, then hands its own
values here: they are copied apart (``copy_own``: two names bound to one
value become two values), whole-string ``{{_base_.a.b}}`` references are
replaced by copies of the bases' values (``replace_references``), and the
result is merged over the bases (``merge_over``), names starting with ``__``
dropped.
"""

from __future__ import annotations

import warnings

from registry_core.config._failures import EvalFailure
from registry_core.config._merge import TooLarge, copy_tree, merge
from registry_core.config._substitute import base_reference, line_of
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["copy_own", "key_line", "merge_over", "replace_references", "warn_deprecated"]


def _where(file: str, line: int | None) -> str:
    return f"{file}, line {line}" if line else file


def merge_over(
    path: str,
    values: dict[Any, Any],
    base_values: dict[Any, Any],
    owners: dict[Any, str],
    lines: dict[str, int],
) -> dict[Any, Any]:
    """``values`` merged over the bases', less the names starting with ``__``."""

    def conflict(at: tuple[Any, ...], below: Any) -> ConfigError:
        from registry_core._paths import format_path

        owner = owners.get(at[0], "its bases")
        line = lines.get(at[0]) if isinstance(at[0], str) else None
        return ConfigError(
            f"{_where(path, line)}: {format_path(at)} is a mapping in this file, but a "
            f"{type(below).__name__} in its base {owner}, and a mapping merges only into "
            "a mapping; to replace the base value, add _delete_=True to the mapping",
            file=path,
            line=line,
        )

    merged = merge(values, base_values, conflict)
    for key in [k for k in merged if isinstance(k, str) and k.startswith("__")]:
        del merged[key]
    return merged


def copy_own(
    path: str, own: dict[Any, Any], lines: dict[str, int], *, shared: bool
) -> dict[Any, Any]:
    """A copy of the file's own values, no part shared (see ``copy_tree``)."""
    values: dict[Any, Any] = {}
    for key, value in own.items():
        try:
            values[key] = copy_tree(value, shared=shared)
        except (TooLarge, RecursionError, EvalFailure) as exc:
            line = lines.get(key) if isinstance(key, str) else None
            if isinstance(exc, TooLarge):
                why = (
                    "holds more than 10,000,000 items once its shared parts are copied apart; "
                    "a config cannot be that large"
                )
            elif isinstance(exc, EvalFailure):
                why = "holds itself (a list or dict inside itself), which a config cannot"
            else:
                why = "is nested too deeply to copy"
            raise ConfigError(
                f"{_where(path, line)}: the value of {key!r} {why}",
                file=path,
                line=line,
            ) from None
    return values


def key_line(text: str, key: str) -> int | None:
    position = text.find(key)
    return line_of(text, position) if position >= 0 else None


def replace_references(
    path: str, text: str, values: dict[Any, Any], base: dict[Any, Any]
) -> dict[Any, Any]:
    """``values`` with each whole string ``{{_base_.a.b}}`` replaced by a copy of that value."""

    def resolve(reference: str) -> Any:
        value: Any = base
        for part in reference.split("."):
            if not isinstance(value, dict) or part not in value:
                position = text.find(reference)
                line = line_of(text, position) if position >= 0 else None
                raise ConfigError(
                    f"{_where(path, line)}: {{{{_base_.{reference}}}}} refers to "
                    f"{reference!r}, which the bases do not set; fix the name, or add the "
                    "base that sets it",
                    file=path,
                    line=line,
                )
            value = value[part]
        return copy_tree(value)

    reference = base_reference()

    def walk(value: Any) -> Any:
        t = type(value)
        if t is str:
            match = reference.fullmatch(value)
            return resolve(match.group(1)) if match else value
        if t is dict:
            for key, item in value.items():
                value[key] = walk(item)
        elif t is list:
            value[:] = [walk(item) for item in value]
        elif t is tuple:
            return tuple(walk(item) for item in value)
        return value

    replaced: dict[Any, Any] = walk(values)
    return replaced


def warn_deprecated(path: str, info: Any) -> None:
    message = f"The config file {path} will be deprecated in the future."
    if isinstance(info, dict):
        if "expected" in info:
            message += f" Please use {info['expected']} instead."
        if "reference" in info:
            message += f" More information can be found at {info['reference']}"
    warnings.warn(message, DeprecationWarning, stacklevel=2)
