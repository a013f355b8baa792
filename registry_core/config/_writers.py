"""The writers of the config formats: a config's values as JSON, YAML, TOML or Python text.

The table of formats (``_formats``) names them; ``dump_config`` (``_dump``)
checks what it writes and loads it back. Each writer raises ``ConfigError``
naming the path of a value its format cannot hold.
"""

from __future__ import annotations

import math
import re

from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

__all__ = ["format_path", "write_json", "write_py", "write_toml", "write_yaml"]

_DOUBLE_BRACE: Final = re.compile(r"\{(?=\{)")
#: Characters that YAML reads as line breaks, which only double quotes keep.
_YAML_BREAKS: Final = re.compile("[\r\x85\u2028\u2029]")


def format_path(parts: tuple[Any, ...]) -> str:
    from registry_core._paths import format_path

    return format_path(parts)


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


def write_json(file: str, config: dict[Any, Any]) -> str:
    """The text of ``config`` as a JSON config."""
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


def write_yaml(file: str, config: dict[Any, Any]) -> str:
    """The text of ``config`` as a YAML config."""
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


def write_toml(file: str, config: dict[Any, Any]) -> str:
    """The text of ``config`` as a TOML config."""
    from registry_core.config import _toml_write

    return _DOUBLE_BRACE.sub(r"\\u007b", _toml_write.write_toml(file, config))


def write_py(file: str, config: dict[Any, Any]) -> str:
    """The text of ``config`` as a Python config."""
    from registry_core.config import _py_write

    return _DOUBLE_BRACE.sub(r"\\x7b", _py_write.write_py(file, config))
