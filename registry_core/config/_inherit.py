"""Loading one config file with its ``_base_`` files, as MMEngine loads it.

For a file: read it (``utf-8``), replace the predefined and environment
variables in its text, parse it, load its bases in order (each under the same
mode, from the cache when unchanged), refuse two bases setting one top-level
key, evaluate the file's own values (reading ``_base_`` as ``ConfigDict``s),
copy them apart, replace ``{{_base_.a.b}}`` references by copies of the bases'
values, merge them over the bases (``_merge``), and drop the names starting
with ``__``. The result is cached (``_cache``) for the next file that names
this one as a base, and kept for the rest of the ``load_config`` call, so that a
base named by many files of one config (through a lattice of bases) is read
once. A cycle of bases is found by the files' identity (device and inode), so
that a symbolic link cannot hide one.
"""

from __future__ import annotations

import os
from stat import S_ISREG

from registry_core.config import _cache, _pure_python
from registry_core.config._configdict import ConfigDict
from registry_core.config._file_values import (
    copy_own,
    key_line,
    merge_over,
    replace_references,
    warn_deprecated,
)
from registry_core.config._formats import Format, format_of, listed, read_data
from registry_core.config._merge import add_scope, as_configdict
from registry_core.config._sources import SourceNode, WriteLog, skeleton
from registry_core.config._substitute import (
    quote_bare_references,
    substitute_text,
)
from registry_core.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from collections.abc import Callable
    from typing import Any, Final


__all__ = ["load_file"]

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


class _Parsed:
    """What parsing one file gave: its syntax tree (Python) or data, and its bases."""

    __slots__ = ("base_line", "data", "lines", "names", "tree")

    def __init__(
        self,
        tree: ast.Module | None,
        data: dict[Any, Any],
        names: list[str],
        base_line: int | None,
        lines: dict[str, int],
    ) -> None:
        self.tree = tree
        self.data = data
        self.names = names
        self.base_line = base_line
        self.lines = lines


class Call:
    """What one ``load_config`` call shares across the files it loads.

    Attributes:
        loaded: path -> the entry of each file loaded so far: a base named by
            many files of the config (a lattice of bases) is read once.
        identities: path -> ``(device, inode)`` of each file named so far
            (``None``: not a file), to find a cycle of bases through a
            symbolic link.
    """

    __slots__ = ("identities", "loaded")

    def __init__(self) -> None:
        self.loaded: dict[str, _cache.Entry] = {}
        self.identities: dict[str, tuple[int, int] | None] = {}

    def identity(self, path: str) -> tuple[int, int] | None:
        """``(device, inode)`` of ``path``, or ``None`` when it is not a file."""
        if path in self.identities:
            return self.identities[path]
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            found = None
        else:
            found = (st.st_dev, st.st_ino) if S_ISREG(st.st_mode) else None
        self.identities[path] = found
        return found


def load_file(
    path: str, trusted: bool, chain: tuple[str, ...] = (), call: Call | None = None
) -> tuple[_cache.Entry, dict[Any, Any]]:
    """Load the config ``path`` (absolute) with its bases.

    Args:
        path: the absolute path of the file.
        trusted: execute ``.py`` files (this one and its bases) instead of
            evaluating them as data.
        chain: the files whose bases are being loaded, outermost first.
        call: what the ``load_config`` call shares across its files (a new
            one for the outermost file).

    Returns:
        The file's cache entry, and a fresh copy of its merged values.
    """
    if call is None:
        call = Call()
    entry = call.loaded.get(path) or _cache.get(path, trusted)
    if entry is not None:
        call.loaded[path] = entry
        return entry, entry.take()
    if path.endswith(".py") and not chain:
        known = _pure_python.cached(path, trusted)
        if known is not None:
            return known.entry, known.config()
    fmt = _format_of(path)
    stat, raw = _read(path)
    tree = None
    if fmt.python:
        tree, pure = _pure_python.detect(path, raw)
        if pure and tree is not None:  # MMEngine reads it as pure-Python: no {{ }}, no _base_
            read = [stat, raw, tree]
            del tree  # (``load`` takes the tree out of ``read``, to free it once evaluated)
            return _pure_python.load_entry(path, trusted, chain, read)
    try:
        entry, merged = _load_read(path, fmt, stat, raw, tree, trusted, chain, call)
    except RecursionError as exc:
        raise ConfigError(
            f"{path}: the config is nested too deeply to load (its values, or its chain "
            "of bases); a config nests a few levels, so flatten it",
            file=path,
        ) from exc
    _cache.put(path, trusted, entry)
    call.loaded[path] = entry
    return entry, merged


def _format_of(path: str) -> Format:
    suffix = os.path.splitext(path)[1]
    found = format_of(suffix)
    if found is None:
        raise ConfigError(
            f"{path}: unsupported config suffix {suffix or '(none)'!r}; a config file ends "
            f"in {listed()}",
            file=path,
        )
    return found


def _parse(path: str, fmt: Format, text: str, raw: str, tree: ast.Module | None) -> _Parsed:
    """Parse ``text`` (the file's, variables replaced; ``raw`` before, parsed as ``tree``
    when not ``None``) and find its bases."""
    if fmt.python:
        from registry_core.config import _python

        if tree is None or text != raw:
            tree = _python.parse(path, text)
        names, base_line = _python.base_entries(path, text, tree)
        return _Parsed(tree, {}, names, base_line, _python.name_lines(tree))
    readable = quote_bare_references(text) if fmt.bare_references else text
    data = read_data(path, os.path.splitext(path)[1], readable)
    base_line = key_line(text, _BASE_KEY) if _BASE_KEY in data else None
    from registry_core.config._python import as_paths

    names = as_paths(path, base_line, data.pop(_BASE_KEY, []))
    return _Parsed(None, data, names, base_line, {})


def _load_read(
    path: str,
    fmt: Format,
    stat: _cache.Stat,
    raw: str,
    tree: ast.Module | None,
    trusted: bool,
    chain: tuple[str, ...],
    call: Call,
) -> tuple[_cache.Entry, dict[Any, Any]]:
    """Parse, evaluate and merge ``path`` (read: ``raw``) over its bases: its new cache
    entry, and its merged values (the entry holds a copy)."""
    text, environment = substitute_text(path, raw)
    parsed = _parse(path, fmt, text, raw, tree)
    bases = _load_bases(path, parsed.names, parsed.base_line, trusted, chain, call)
    owners = _check_duplicates(path, bases, parsed.base_line)

    writes = WriteLog()
    materialized: list[ConfigDict] = []

    def base_configdict() -> ConfigDict:
        base = ConfigDict()
        for item in bases:
            dict.update(base, as_configdict(item.take()))
        writes.root = base
        materialized.append(base)
        return base

    own = _own_values(path, text, parsed, trusted, base_configdict if bases else None, writes)
    if _DEPRECATION_KEY in own:
        warn_deprecated(path, own.pop(_DEPRECATION_KEY))
    values = copy_own(path, own, parsed.lines, shared=fmt.shares_values)

    if materialized:
        base_values: dict[Any, Any] = materialized[0]
    else:
        base_values = {}
        for item in bases:
            base_values.update(item.take())
    if "{{" in text:
        values = replace_references(path, text, values, base_values)
    merged = merge_over(path, values, base_values, owners, parsed.lines)
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
    return _cache.Entry(merged, source, tuple(files), environment, tuple(scopes)), merged


def _own_values(
    path: str,
    text: str,
    parsed: _Parsed,
    trusted: bool,
    base: Callable[[], ConfigDict] | None,
    writes: WriteLog,
) -> dict[Any, Any]:
    """The file's own values: its data, or its Python evaluated (executed when trusted)."""
    if parsed.tree is None:
        return parsed.data
    if trusted:
        from registry_core.config._trusted import execute

        return execute(path, parsed.tree, base() if base is not None else ConfigDict())
    from registry_core.config._python import evaluate_safe

    return evaluate_safe(path, text, parsed.tree, base, writes)


def _load_bases(
    path: str,
    names: list[str],
    line: int | None,
    trusted: bool,
    chain: tuple[str, ...],
    call: Call,
) -> list[_Base]:
    bases: list[_Base] = []
    if not names:
        return bases
    here = os.path.dirname(path)
    chain = (*chain, path)
    for name in names:
        scope: str | None = None
        if "::" in name:
            from registry_core.config._scope_path import find_scope_config

            scope = name.partition("::")[0]
            base_path = find_scope_config(name, path, line)
        else:
            base_path = os.path.abspath(os.path.join(here, os.path.expanduser(name)))
        identity = call.identity(base_path)
        if identity is None:
            raise ConfigError(
                f"{_where(path, line)}: the base {name!r} of {path} does not exist "
                f"(looked for {base_path}); fix the path in _base_",
                file=path,
                line=line,
            )
        for start, link in enumerate(chain):
            if link == base_path or call.identity(link) == identity:  # maybe by a symlink
                cycle = [*chain[start:], base_path]
                raise ConfigError(
                    f"{_where(path, line)}: the _base_ files form a cycle: "
                    f"{' -> '.join(cycle)}; a config cannot inherit from itself",
                    file=path,
                    line=line,
                )
        entry, value = load_file(base_path, trusted, chain, call)
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
