"""Loading one config file with its ``_base_`` files, as MMEngine loads it.

For a file: read it (``utf-8``), replace the predefined and environment
variables in its text, parse it, load its bases in order (each under the same
mode, from the cache when unchanged), refuse two bases setting one top-level
key, evaluate the file's own values (reading ``_base_`` as ``ConfigDict``s),
copy them apart, replace ``{{_base_.a.b}}`` references by copies of the bases'
values, merge them over the bases (``_merge``), and drop the names starting
with ``__``. The result is cached (``_cache``) for the next file that names
this one as a base.
"""

from __future__ import annotations

import os
import warnings

from registry_core.config import _cache
from registry_core.config._configdict import ConfigDict
from registry_core.config._failures import EvalFailure
from registry_core.config._formats import DATA_SUFFIXES, read_data
from registry_core.config._merge import TooLarge, add_scope, as_configdict, copy_tree, merge
from registry_core.config._sources import SourceNode, WriteLog, skeleton
from registry_core.config._substitute import (
    base_reference,
    line_of,
    quote_bare_references,
    substitute_text,
)
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

__all__ = ["SUFFIXES", "load_file"]

SUFFIXES: Final = (".py", *DATA_SUFFIXES)
_BASE_KEY: Final = "_base_"
_DEPRECATION_KEY: Final = "_deprecation_"


class _Base:
    """One base of a file: how the file named it, where it is, and what it holds."""

    __slots__ = ("entry", "name", "path", "scope", "value")

    def __init__(
        self, name: str, path: str, scope: str | None, entry: _cache.Entry, value: dict[Any, Any]
    ) -> None:
        self.name = name
        self.path = path
        self.scope = scope
        self.entry = entry
        self.value = value

    def take(self) -> dict[Any, Any]:
        """The base's values (a fresh copy), with ``_scope_`` set for a ``scope::path`` base."""
        value = self.value
        if self.scope is not None:
            add_scope(value, self.scope)
        return value


def _where(file: str, line: int | None) -> str:
    return f"{file}, line {line}" if line else file


# (in ``_cache``, which ``_pure_python`` reads files with too: no import circle)
_read = _cache.read_text


def load_file(  # noqa: C901  # issue 15: owned by the validation/config work
    path: str, trusted: bool, chain: tuple[str, ...] = ()
) -> tuple[_cache.Entry, dict[Any, Any]]:
    """Load the config ``path`` (absolute) with its bases.

    Args:
        path: the absolute path of the file.
        trusted: execute ``.py`` files (this one and its bases) instead of
            evaluating them as data.
        chain: the files whose bases are being loaded, outermost first.

    Returns:
        The file's cache entry, and a fresh copy of its merged values.
    """
    entry = _cache.get(path, trusted)
    if entry is not None:
        return entry, entry.take()
    if path.endswith(".py") and not chain:
        from registry_core.config import _pure_python

        known = _pure_python.cached(path, trusted)
        if known is not None:
            return known.entry, known.config()
    suffix = os.path.splitext(path)[1]
    if suffix not in SUFFIXES:
        raise ConfigError(
            f"{path}: unsupported config suffix {suffix or '(none)'!r}; a config file ends "
            f"in {', '.join(SUFFIXES)}",
            file=path,
        )
    stat, raw = _read(path)
    tree = None
    if suffix == ".py":
        from registry_core.config import _pure_python

        tree, pure = _pure_python.detect(path, raw)
        if pure and tree is not None:  # MMEngine reads it as pure-Python: no {{ }}, no _base_
            return _pure_python.load_entry(path, trusted, chain, raw, tree)
    text, environment = substitute_text(path, raw)
    lines: dict[str, int] = {}
    if suffix == ".py":
        from registry_core.config import _python

        if tree is None or text != raw:
            tree = _python.parse(path, text)
        names, base_line = _python.base_entries(path, text, tree)
        lines = _python.name_lines(tree)
    else:
        data = read_data(path, suffix, text if suffix == ".toml" else quote_bare_references(text))
        base_line = _key_line(text, _BASE_KEY) if _BASE_KEY in data else None
        from registry_core.config._python import as_paths

        names = as_paths(path, base_line, data.pop(_BASE_KEY, []))

    bases = _load_bases(path, names, base_line, trusted, chain)
    owners = _check_duplicates(path, bases, base_line)

    writes = WriteLog()
    materialized: list[ConfigDict] = []

    def base_configdict() -> ConfigDict:
        base = ConfigDict()
        for item in bases:
            dict.update(base, as_configdict(item.take()))
        writes.root = base
        materialized.append(base)
        return base

    if tree is not None:
        if trusted:
            from registry_core.config._trusted import execute

            own = execute(path, tree, base_configdict())
        else:
            from registry_core.config._python import evaluate_safe

            own = evaluate_safe(path, text, tree, base_configdict if bases else None, writes)
    else:
        own = data

    if _DEPRECATION_KEY in own:
        _warn_deprecated(path, own.pop(_DEPRECATION_KEY))
    values = _copy_own(path, own, lines, shared=suffix in (".py", ".yaml", ".yml"))

    if materialized:
        base_values: dict[Any, Any] = materialized[0]
    else:
        base_values = {}
        for item in bases:
            base_values.update(item.take())
    if "{{" in text:
        values = _replace_references(path, text, values, base_values)

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
    if materialized:
        from registry_core.config._merge import to_plain

        merged = to_plain(merged)

    source = SourceNode(
        path,
        skeleton(own),
        writes.paths,
        [(item.entry.keys, item.entry.source) for item in bases],
    )
    files = [stat]
    scopes: list[tuple[str, str]] = []
    for item in bases:
        files.extend(f for f in item.entry.files if f not in files)
        environment = {**item.entry.environment, **environment}
        scopes.extend(item.entry.scopes)
        if item.scope is not None:
            scopes.append((item.name, item.path))
    entry = _cache.Entry(merged, source, tuple(files), environment, tuple(scopes))
    _cache.put(path, trusted, entry)
    return entry, merged


def _load_bases(
    path: str, names: list[str], line: int | None, trusted: bool, chain: tuple[str, ...]
) -> list[_Base]:
    bases: list[_Base] = []
    here = os.path.dirname(path)
    for name in names:
        scope: str | None = None
        if "::" in name:
            from registry_core.config._scope_path import find_scope_config

            scope = name.partition("::")[0]
            base_path = find_scope_config(name, path, line)
        else:
            base_path = os.path.abspath(os.path.join(here, os.path.expanduser(name)))
        if base_path == path or base_path in chain:
            start = chain.index(base_path) if base_path in chain else len(chain)
            cycle = [*chain[start:], path, base_path]
            raise ConfigError(
                f"{_where(path, line)}: the _base_ files form a cycle: {' -> '.join(cycle)}; "
                "a config cannot inherit from itself",
                file=path,
                line=line,
            )
        if not os.path.isfile(base_path):
            raise ConfigError(
                f"{_where(path, line)}: the base {name!r} of {path} does not exist "
                f"(looked for {base_path}); fix the path in _base_",
                file=path,
                line=line,
            )
        entry, value = load_file(base_path, trusted, (*chain, path))
        bases.append(_Base(name, base_path, scope, entry, value))
    return bases


def _check_duplicates(path: str, bases: list[_Base], line: int | None) -> dict[Any, str]:
    owners: dict[Any, str] = {}
    for item in bases:
        for key in item.entry.keys:
            if key in owners:
                raise ConfigError(
                    f"{_where(path, line)}: the bases {owners[key]} and {item.path} both set "
                    f"the top-level key {key!r}, and a key may come from one base only; "
                    f"remove it from one of them, or set it in {os.path.basename(path)} and "
                    "not in the bases",
                    file=path,
                    line=line,
                )
            owners[key] = item.path
    return owners


def _copy_own(
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


def _key_line(text: str, key: str) -> int | None:
    position = text.find(key)
    return line_of(text, position) if position >= 0 else None


def _replace_references(
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


def _warn_deprecated(path: str, info: Any) -> None:
    message = f"The config file {path} will be deprecated in the future."
    if isinstance(info, dict):
        if "expected" in info:
            message += f" Please use {info['expected']} instead."
        if "reference" in info:
            message += f" More information can be found at {info['reference']}"
    warnings.warn(message, DeprecationWarning, stacklevel=2)
