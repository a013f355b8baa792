"""``dump_config``: write a config as ``.json``, ``.toml``, ``.yaml`` or ``.py``.

What is written reads back (``load_config``) equal to what was given, for
every config the format can hold: tuples come back as lists from JSON, TOML
and YAML; TOML has no ``None``; JSON has no NaN or infinity and only string
keys. A value a format cannot hold is a ``ConfigError`` naming its path, and
nothing is written.

So that reading it back changes nothing, the writer also refuses what the
loader would read as an instruction (a top-level ``_base_``, ``_deprecation_``
or ``__name`` key, or a string that is a whole ``{{_base_.a.b}}``), and
escapes the first brace of every ``{{`` inside strings, which the loader would
otherwise take for a ``{{ fileDirname }}`` or ``{{$NAME}}`` placeholder.
"""

from __future__ import annotations

import math
import os
import re

from registry_core.config._substitute import base_reference
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Final

__all__ = ["dump_config"]

_DOUBLE_BRACE: Final = re.compile(r"\{(?=\{)")
_RESERVED: Final = ("_base_", "_deprecation_")
#: Characters that YAML reads as line breaks, which only double quotes keep.
_YAML_BREAKS: Final = re.compile("[\r\x85\u2028\u2029]")


def format_path(parts: tuple[Any, ...]) -> str:
    from registry_core._paths import format_path

    return format_path(parts)


def _check(file: str, config: Mapping[Any, Any]) -> None:
    for key in config:
        if key in _RESERVED or (isinstance(key, str) and key.startswith("__")):
            raise ConfigError(
                f"{file}: cannot write the top-level key {key!r}: loading the file would "
                "read it as an instruction (or drop it), not as a value"
            )
    reference = base_reference()
    stack: list[tuple[Any, tuple[Any, ...]]] = [(v, (k,)) for k, v in config.items()]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if reference.fullmatch(value):
                raise ConfigError(
                    f"{file}: cannot write {format_path(path)}: the string {value!r} would "
                    "be read back as a reference to a base value"
                )
        elif isinstance(value, dict):
            stack.extend((v, (*path, k)) for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))


def _plain(file: str, value: Any, path: tuple[Any, ...], *, string_keys: bool) -> Any:
    """``value`` with tuples made lists and mappings plain dicts, for JSON and YAML."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if string_keys and not isinstance(k, str):
                raise ConfigError(
                    f"{file}: cannot write {format_path((*path, k))} to JSON: its key {k!r} "
                    "is not a string, and JSON keys are"
                )
            if isinstance(k, tuple):
                raise ConfigError(
                    f"{file}: cannot write {format_path(path)}: its key {k!r} is a tuple"
                )
            out[k] = _plain(file, v, (*path, k), string_keys=string_keys)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(file, v, (*path, i), string_keys=string_keys) for i, v in enumerate(value)]
    if isinstance(value, str) and type(value) is not str:
        return str(value)  # an ImportRef: its import path
    return value


def _json(file: str, config: dict[Any, Any]) -> str:
    import json

    data = _plain(file, config, (), string_keys=True)
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            stack.extend((v, (*path, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{file}: cannot write {format_path(path)} to JSON: it is {value}")
        elif value is not None and not isinstance(value, (str, int, float)):
            raise ConfigError(
                f"{file}: cannot write {format_path(path)} to JSON: JSON has no "
                f"{type(value).__name__} values"
            )
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _DOUBLE_BRACE.sub(r"\\u007b", text) + "\n"


def _yaml(file: str, config: dict[Any, Any]) -> str:
    try:
        import yaml
    except ImportError as exc:
        raise ConfigError(
            f"{file}: writing YAML needs PyYAML; install it with pip install 'registry-core[yaml]'"
        ) from exc

    class Dumper(yaml.SafeDumper):
        pass

    def string(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
        style = '"' if "{{" in text or _YAML_BREAKS.search(text) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)

    Dumper.add_representer(str, string)
    data = _plain(file, config, (), string_keys=False)
    try:
        text = yaml.dump(
            data, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
        )
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: cannot write the config to YAML: {exc}") from exc
    return _DOUBLE_BRACE.sub(r"\\x7b", text)


def _toml(file: str, config: dict[Any, Any]) -> str:
    from registry_core.config._toml_write import write_toml

    return _DOUBLE_BRACE.sub(r"\\u007b", write_toml(file, config))


def _py(file: str, config: dict[Any, Any]) -> str:
    from registry_core.config._py_write import write_py

    return _DOUBLE_BRACE.sub(r"\\x7b", write_py(file, config))


_WRITERS: Final = {".json": _json, ".toml": _toml, ".yaml": _yaml, ".yml": _yaml, ".py": _py}


def dump_config(cfg: Mapping[Any, Any], path: str | os.PathLike[str]) -> None:
    """Write ``cfg`` to ``path``, in the format its suffix names.

    Args:
        cfg: a ``Config`` or any mapping of plain values.
        path: a file ending in ``.json``, ``.toml``, ``.yaml`` (or ``.yml``) or ``.py``.

    Raises:
        ConfigError: an unsupported suffix, or a value the format cannot hold
            (naming its path); nothing is written then.
        OSError: the file cannot be written.
    """
    from collections.abc import Mapping

    if not isinstance(cfg, Mapping):
        raise TypeError(f"dump_config writes a mapping, not a {type(cfg).__name__}")
    file = os.fspath(path)
    suffix = os.path.splitext(file)[1]
    writer = _WRITERS.get(suffix)
    if writer is None:
        raise ConfigError(
            f"{file}: cannot write configs with the suffix {suffix or '(none)'!r}; use .json, "
            ".toml, .yaml or .py",
            file=file,
        )
    _check(file, cfg)
    text = writer(file, dict(cfg))
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ConfigError(
            f"{file}: cannot write the config: a string holds a lone surrogate "
            f"({exc.object[exc.start : exc.end]!r}), which UTF-8 cannot encode"
        ) from exc
    with open(file, "wb") as f:
        f.write(data)
