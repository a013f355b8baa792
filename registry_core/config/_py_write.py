"""Writing a config as a ``.py`` file that the safe evaluator reads back unchanged.

One assignment per top-level key, in the OpenMMLab style: mappings whose keys
are all identifiers as ``dict(key=value)``, other mappings as ``{...}``
literals, tuples and sets kept. Only what the safe subset reads back is
written: ``None``, booleans, numbers, strings, bytes, lists, tuples, sets and
mappings of those. An ``ImportRef`` is written back as the import it came from
(``from mmpretrain.models import ResNet``, then ``type=ResNet``), which makes
the file a pure-Python config.
"""

from __future__ import annotations

import keyword
import math
import unicodedata

from registry_core._importref import ImportRef
from registry_core._paths import format_path
from registry_core.config._py_imports import import_lines
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

__all__ = ["write_py"]

_WIDTH: Final = 88
_BUILTINS_USED: Final = frozenset({"dict", "float", "set"})


def _is_name(key: Any) -> bool:
    """Whether ``key`` reads back as itself as a Python name (``'º'`` would read as ``'o'``)."""
    return (
        isinstance(key, str)
        and key.isidentifier()
        and not keyword.iskeyword(key)
        and unicodedata.normalize("NFKC", key) == key
    )


def _refuse(file: str, path: tuple[Any, ...], why: str) -> ConfigError:
    return ConfigError(f"{file}: cannot write {format_path(path) or 'the config'} to .py: {why}")


class _Writer:
    def __init__(self, file: str, shadowed: bool, imports: dict[str, str]) -> None:
        self.file = file
        self.shadowed = shadowed  # a top-level name hides dict, float or set
        self.imports = imports  # import path -> the name its import binds

    def scalar(self, value: Any, path: tuple[Any, ...]) -> str | None:
        if type(value) is ImportRef:
            return self.imports[value]
        if value is None or isinstance(value, (bool, str, bytes)):
            return repr(value)
        if isinstance(value, int):
            try:
                return repr(value)
            except ValueError:
                raise _refuse(self.file, path, "the number has too many digits") from None
        if isinstance(value, float):
            if math.isfinite(value):
                return repr(value)
            if self.shadowed:
                return {"inf": "1e999", "-inf": "-1e999"}.get(repr(value), "(1e999 - 1e999)")
            return f"float({repr(value)!r})"
        if isinstance(value, complex):
            if not (math.isfinite(value.real) and math.isfinite(value.imag)):
                raise _refuse(self.file, path, "a complex number that is not finite")
            return repr(value)
        return None

    def key(self, key: Any, path: tuple[Any, ...]) -> str:
        if isinstance(key, tuple):
            return self.value(key, path)
        text = self.scalar(key, path)
        if text is None or (isinstance(key, float) and not math.isfinite(key)):
            raise _refuse(self.file, path, f"the key {key!r} cannot be written")
        return text

    def value(self, value: Any, path: tuple[Any, ...], indent: int = 0) -> str:
        text = self.scalar(value, path)
        if text is not None:
            return text
        if isinstance(value, dict):
            named = not self.shadowed and all(_is_name(k) for k in value)
            if named:
                items = [f"{k}={self.value(v, (*path, k), indent + 4)}" for k, v in value.items()]
                return self.wrap("dict(", items, ")", indent)
            items = [
                f"{self.key(k, path)}: {self.value(v, (*path, k), indent + 4)}"
                for k, v in value.items()
            ]
            return self.wrap("{", items, "}", indent)
        if isinstance(value, list):
            items = [self.value(v, (*path, i), indent + 4) for i, v in enumerate(value)]
            return self.wrap("[", items, "]", indent)
        if isinstance(value, tuple):
            items = [self.value(v, (*path, i), indent + 4) for i, v in enumerate(value)]
            if len(items) == 1:
                return f"({items[0]},)"
            return self.wrap("(", items, ")", indent)
        if isinstance(value, set):
            if not value:
                return "{*()}" if self.shadowed else "set()"
            items = [self.key(v, path) for v in value]
            return self.wrap("{", items, "}", indent)
        raise _refuse(
            self.file, path, f"a {type(value).__name__} is not data the safe subset reads back"
        )

    def wrap(self, opener: str, items: list[str], closer: str, indent: int) -> str:
        flat = opener + ", ".join(items) + closer
        if indent + len(flat) <= _WIDTH and "\n" not in flat:
            return flat
        pad = " " * (indent + 4)
        inner = "".join(f"{pad}{item},\n" for item in items)
        return f"{opener}\n{inner}{' ' * indent}{closer}"


def write_py(file: str, config: dict[Any, Any]) -> str:
    """The ``.py`` text of ``config``.

    Raises:
        ConfigError: a top-level key that is not a Python name, or a value the
            safe subset cannot read back, naming its path.

    >>> print(write_py("x.py", {"model": {"type": "Net", "depth": 50}, "size": (1, 2)}))
    model = dict(type='Net', depth=50)
    size = (1, 2)
    <BLANKLINE>
    """
    shadowed = any(key in _BUILTINS_USED for key in config)
    header, imports = import_lines(config)
    writer = _Writer(file, shadowed, imports)
    lines = list(header)
    for key, value in config.items():
        if not _is_name(key):
            raise _refuse(file, (), f"its top-level key {key!r} is not a Python name")
        lines.append(f"{key} = {writer.value(value, (key,))}")
    return "\n".join(lines) + "\n"
