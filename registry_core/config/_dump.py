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

And it checks: the text is written to a temporary file beside the target,
loaded back, and compared with what was given; only when they are equal does
it take the target's place (``os.replace``, so a reader never sees half a
file). Anything else (a lone surrogate, a number of more than 4300 digits,
nesting deeper than the format's reader follows) is a ``ConfigError`` naming
the file and the path of the value, and no file is left behind.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Mapping

from registry_core.config._substitute import base_reference
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

__all__ = ["dump_config"]

_RESERVED: Final = ("_base_", "_deprecation_")
#: Characters no UTF-8 file can hold.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
#: Ints of more bits than this may pass Python's limit of digits written as text.
_LONG_INT_BITS: Final = 14_000


def format_path(parts: tuple[Any, ...]) -> str:
    from registry_core._paths import format_path

    return format_path(parts)


def _check(file: str, config: Mapping[Any, Any]) -> tuple[Any, ...]:
    """Refuse what no format writes back as given; the path of the deepest value."""
    for key in config:
        if key in _RESERVED or (isinstance(key, str) and key.startswith("__")):
            raise ConfigError(
                f"{file}: cannot write the top-level key {key!r}: loading the file would "
                "read it as an instruction (or drop it), not as a value",
                file=file,
            )
    reference = base_reference()
    deepest: tuple[Any, ...] = ()
    stack: list[tuple[Any, tuple[Any, ...]]] = [(v, (k,)) for k, v in config.items()]
    while stack:
        value, path = stack.pop()
        if len(path) > len(deepest):
            deepest = path
        if isinstance(value, str):
            _check_text(file, path, value, reference)
        elif isinstance(value, dict):
            stack.extend((v, (*path, k)) for k, v in value.items())
            for key in value:
                if isinstance(key, str):
                    _check_text(file, (*path, key), key, None)
        elif isinstance(value, (list, tuple)):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))
        elif type(value) is int and value.bit_length() > _LONG_INT_BITS:
            try:
                repr(value)
            except ValueError as exc:
                raise ConfigError(
                    f"{file}: cannot write {format_path(path)}: an int of more than 4300 "
                    "digits, which Python neither writes nor reads back as text",
                    file=file,
                ) from exc
    return deepest


def _check_text(file: str, path: tuple[Any, ...], text: str, reference: Any) -> None:
    if reference is not None and reference.fullmatch(text):
        raise ConfigError(
            f"{file}: cannot write {format_path(path)}: the string {text!r} would "
            "be read back as a reference to a base value",
            file=file,
        )
    found = _SURROGATE.search(text)
    if found:
        raise ConfigError(
            f"{file}: cannot write {format_path(path)}: the string holds a lone surrogate "
            f"({found.group()!r}), which a UTF-8 file cannot hold",
            file=file,
        )


def dump_config(cfg: Mapping[Any, Any], path: str | os.PathLike[str]) -> None:
    """Write ``cfg`` to ``path``, in the format its suffix names.

    Args:
        cfg: a ``Config`` or any mapping of plain values.
        path: a file ending in ``.json``, ``.toml``, ``.yaml`` (or ``.yml``) or ``.py``.

    Raises:
        ConfigError: an unsupported suffix, or a value the format cannot hold or
            would not read back equal (naming its path); nothing is written then.
        OSError: the file cannot be written.
    """
    from registry_core.config._formats import format_of, listed

    if not isinstance(cfg, Mapping):
        raise TypeError(f"dump_config writes a mapping, not a {type(cfg).__name__}")
    file = os.fspath(path)
    suffix = os.path.splitext(file)[1]
    fmt = format_of(suffix)
    if fmt is None:
        raise ConfigError(
            f"{file}: cannot write configs with the suffix {suffix or '(none)'!r}; use {listed()}",
            file=file,
        )
    deepest = _check(file, cfg)
    too_deep = (
        f"{file}: cannot write {format_path(deepest[:2])}: it is nested {len(deepest)} levels "
        f"deep, more than {fmt.name} can be written and read back"
    )
    try:
        text = fmt.write(file, dict(cfg))
    except RecursionError as exc:
        raise ConfigError(too_deep, file=file) from exc
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # pragma: no cover - _check refuses surrogates
        raise ConfigError(
            f"{file}: cannot write the config: a string holds a lone surrogate "
            f"({exc.object[exc.start : exc.end]!r}), which UTF-8 cannot encode",
            file=file,
        ) from exc
    _write_checked(file, data, cfg, fmt.tuples, too_deep)


def _write_checked(
    file: str, data: bytes, cfg: Mapping[Any, Any], tuples: bool, too_deep: str
) -> None:
    """Write ``data`` beside ``file``, load it back, and put it in place only when equal."""
    from registry_core.config._load import load_config

    # Through a symlink, the file it points to is replaced, never the link.
    target = os.path.realpath(file)
    temporary = _create_beside(target, data)
    try:
        try:
            loaded = load_config(temporary)
        except ConfigError as exc:
            reason = str(exc).replace(temporary, file)
            if "nested too deeply" in reason or "nested parentheses" in reason:
                raise ConfigError(too_deep, file=file) from exc
            raise ConfigError(
                f"{file}: cannot write the config: it would not load back ({reason})",
                file=file,
            ) from exc
        where = _difference(cfg, loaded, tuples)
        if where is not None:
            raise ConfigError(
                f"{file}: cannot write {format_path(where)}: it would load back as another value",
                file=file,
            )
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _create_beside(file: str, data: bytes) -> str:
    """A new file holding ``data`` in the folder of ``file``, with the mode ``file`` has
    (or a new file gets); its path."""
    import secrets
    import stat

    folder, name = os.path.split(os.path.abspath(file))
    stem, suffix = os.path.splitext(name)
    for _ in range(100):
        temporary = os.path.join(folder, f".{stem}.{secrets.token_hex(4)}{suffix}")
        try:
            f = open(temporary, "xb")  # noqa: SIM115 - closed below
        except FileExistsError:
            continue
        break
    else:  # pragma: no cover - 100 collisions of 32 random bits
        raise FileExistsError(f"cannot create a temporary file beside {file}")
    try:
        with f:
            f.write(data)
        with contextlib.suppress(OSError):
            os.chmod(temporary, stat.S_IMODE(os.stat(file).st_mode))  # an existing file's
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def _kind(value: Any) -> type:
    for kind in (bool, int, float, complex, str, bytes):
        if isinstance(value, kind):
            return kind
    if isinstance(value, Mapping):
        return dict
    if isinstance(value, (set, frozenset)):
        return set
    return type(value)


def _difference(given: Any, loaded: Any, tuples: bool) -> tuple[Any, ...] | None:
    """The path of the first value ``loaded`` does not hold as ``given`` does, or ``None``.

    Tuples read back as lists unless ``tuples``; NaN equals NaN.
    """
    stack: list[tuple[Any, Any, tuple[Any, ...]]] = [(given, loaded, ())]
    while stack:
        a, b, path = stack.pop()
        kind_a, kind_b = _kind(a), _kind(b)
        if kind_a is tuple and not tuples:
            kind_a = list
        if kind_a is not kind_b:
            return path
        if kind_a is dict:
            if len(a) != len(b) or any(k not in b for k in a):
                return path
            stack.extend((v, b[k], (*path, k)) for k, v in a.items())
        elif kind_a is list or kind_a is tuple:
            if len(a) != len(b):
                return path
            stack.extend((x, y, (*path, i)) for i, (x, y) in enumerate(zip(a, b, strict=True)))
        elif kind_a is float and math.isnan(a):
            if not math.isnan(b):
                return path
        elif a != b:
            return path
    return None
