"""The config formats: one table of what each suffix is, how it is read and written.

``FORMATS`` is the one place a format is described: its suffixes, its reader
and writer, and the traits the loader (``_inherit``), the writer (``_dump``),
the command line and the messages read. Adding a format is a row here, a
reader and a writer.

The data formats (JSON, TOML and YAML) never run code. Each reader returns the
file's top-level mapping, or raises ``ConfigError`` naming the file and the
line the parser reports; data nested deeper than the parser can follow is a
``ConfigError`` too. YAML is read with PyYAML's safe loader only (from the
``registry-core[yaml]`` extra): a tag such as ``!!python/object`` is refused,
and nothing is constructed but plain data. TOML is read with ``tomllib``
(``tomli`` on Python 3.10). A ``.py`` file has no reader here: it is parsed
and evaluated as data (``_python``) or executed (``_trusted``).
"""

from __future__ import annotations

import re

from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

__all__ = ["FORMATS", "SUFFIXES", "Format", "format_of", "listed", "read_data"]

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


def _too_deep(file: str, what: str) -> ConfigError:
    return ConfigError(
        f"{file}: the {what} data is nested too deeply to read (deeper than Python's "
        "parsers follow); a config nests a few levels, so flatten the value",
        file=file,
    )


def _read_json(file: str, text: str) -> dict[Any, Any]:
    import json

    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise _too_deep(file, "JSON") from exc
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
    except RecursionError as exc:
        raise _too_deep(file, "TOML") from exc
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
    except RecursionError as exc:
        raise _too_deep(file, "YAML") from exc
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


# -- writers (in ``_writers``, ``_toml_write``, ``_py_write``: imported when writing) -----


def _write_json(file: str, config: dict[Any, Any]) -> str:
    from registry_core.config._writers import write_json

    return write_json(file, config)


def _write_toml(file: str, config: dict[Any, Any]) -> str:
    from registry_core.config._writers import write_toml

    return write_toml(file, config)


def _write_yaml(file: str, config: dict[Any, Any]) -> str:
    from registry_core.config._writers import write_yaml

    return write_yaml(file, config)


def _write_py(file: str, config: dict[Any, Any]) -> str:
    from registry_core.config._writers import write_py

    return write_py(file, config)


# -- the table --------------------------------------------------------------------------


class Format:
    """One config format.

    Attributes:
        name: how messages name it (``"JSON"``).
        suffixes: the file suffixes it is read from and written to, the first
            one preferred.
        read: ``read(file, text)`` -> the file's top-level mapping; ``None``
            for Python, which is evaluated (or executed) instead.
        write: ``write(file, config)`` -> the text of the file.
        python: the file is Python: evaluated as data, or executed when trusted.
        shares_values: one value may appear under two names (Python names,
            YAML anchors); the loader copies them apart.
        bare_references: ``{{_base_.a.b}}`` may stand unquoted, as a value; the
            loader quotes it before parsing.
        tuples: tuples read back as tuples (else as lists).
    """

    __slots__ = (
        "bare_references",
        "name",
        "python",
        "read",
        "shares_values",
        "suffixes",
        "tuples",
        "write",
    )

    def __init__(
        self,
        name: str,
        suffixes: tuple[str, ...],
        read: Callable[[str, str], dict[Any, Any]] | None,
        write: Callable[[str, dict[Any, Any]], str],
        *,
        python: bool = False,
        shares_values: bool = False,
        bare_references: bool = True,
        tuples: bool = False,
    ) -> None:
        self.name = name
        self.suffixes = suffixes
        self.read = read
        self.write = write
        self.python = python
        self.shares_values = shares_values
        self.bare_references = bare_references
        self.tuples = tuples

    def __repr__(self) -> str:
        return f"<config format {self.name} {' '.join(self.suffixes)}>"


FORMATS: Final = (
    Format(
        "Python",
        (".py",),
        None,
        _write_py,
        python=True,
        shares_values=True,
        tuples=True,
    ),
    Format("JSON", (".json",), _read_json, _write_json),
    Format("TOML", (".toml",), _read_toml, _write_toml, bare_references=False),
    Format("YAML", (".yaml", ".yml"), _read_yaml, _write_yaml, shares_values=True),
)
"""Every config format, in the order messages list them."""

_BY_SUFFIX: Final = {suffix: f for f in FORMATS for suffix in f.suffixes}

SUFFIXES: Final = tuple(_BY_SUFFIX)
"""Every suffix a config file may have."""


def format_of(suffix: str) -> Format | None:
    """The format of files ending in ``suffix`` (``'.json'``), or ``None``."""
    return _BY_SUFFIX.get(suffix)


def listed(last: str = "or") -> str:
    """The suffixes for messages: ``'.py, .json, .toml, .yaml or .yml'``."""
    return f"{', '.join(SUFFIXES[:-1])} {last} {SUFFIXES[-1]}"


def read_data(file: str, suffix: str, text: str) -> dict[Any, Any]:
    """The top-level mapping of a data config's ``text`` (``suffix`` is not ``.py``)."""
    read = _BY_SUFFIX[suffix].read
    if read is None:  # pragma: no cover - the loader evaluates Python itself
        raise ValueError(f"{suffix} files are evaluated, not read as data")
    return read(file, text)
