"""Reading the data formats: JSON, TOML and YAML. None of them runs code.

Each reader returns the file's top-level mapping, or raises ``ConfigError``
naming the file and the line the parser reports. YAML is read with PyYAML's
safe loader only (from the ``registry-core[yaml]`` extra): a tag such as
``!!python/object`` is refused, and nothing is constructed but plain data.
TOML is read with ``tomllib`` (``tomli`` on Python 3.10).
"""

from __future__ import annotations

import re

from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

__all__ = ["DATA_SUFFIXES", "read_data"]

# (patterns for error messages only: compiled on first use, by ``re``'s cache)
_TOML_POSITION: Final = r"\(at line (\d+), column \d+\)"
_YAML_TAG: Final = r"tag '([^']*)'"


def _mapping(file: str, data: Any, what: str) -> dict[Any, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{file}: a {what} config holds a mapping at the top, not a {type(data).__name__}",
            file=file,
        )
    return data


def _read_json(file: str, text: str) -> dict[Any, Any]:
    import json

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{file}, line {exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})",
            file=file,
            line=exc.lineno,
        ) from exc
    if data is None:
        raise ConfigError(f"{file}: a JSON config holds an object at the top, not null", file=file)
    return _mapping(file, data, "JSON")


def _read_toml(file: str, text: str) -> dict[Any, Any]:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10
        import tomli as tomllib

    try:
        data: dict[Any, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(_TOML_POSITION, str(exc))
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        where = f"{file}, line {line}" if line else file
        raise ConfigError(f"{where}: invalid TOML: {exc}", file=file, line=line) from exc
    return data


def _read_yaml(file: str, text: str) -> dict[Any, Any]:
    try:
        import yaml
    except ImportError as exc:
        raise ConfigError(
            f"{file}: reading YAML configs needs PyYAML; install it with "
            "pip install 'registry-core[yaml]'",
            file=file,
        ) from exc
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # a safe loader: plain data only
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        tag = re.search(_YAML_TAG, str(exc.problem))
        where = f"{file}, line {line}" if line else file
        if tag:
            raise ConfigError(
                f"{where}: the YAML tag {tag.group(1)!r} is refused: YAML configs are read "
                "with the safe loader, which makes plain data only (no Python objects, "
                "and nothing runs); write the value as plain YAML",
                file=file,
                line=line,
            ) from exc
        raise ConfigError(f"{where}: invalid YAML: {exc}", file=file, line=line) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        where = f"{file}, line {line}" if line else file
        raise ConfigError(f"{where}: invalid YAML: {exc}", file=file, line=line) from exc
    return _mapping(file, data, "YAML")


DATA_SUFFIXES: Final[dict[str, Callable[[str, str], dict[Any, Any]]]] = {
    ".json": _read_json,
    ".toml": _read_toml,
    ".yaml": _read_yaml,
    ".yml": _read_yaml,
}


def read_data(file: str, suffix: str, text: str) -> dict[Any, Any]:
    """The top-level mapping of a JSON, TOML or YAML config's ``text``."""
    return DATA_SUFFIXES[suffix](file, text)
