"""``describe()``: what a key resolves to, and where it is defined."""

from __future__ import annotations

import os

from registry_core._help import not_registered
from registry_core._importref import ImportRef
from registry_core._messages import summary
from registry_core._names import own_names
from registry_core._node import walk
from registry_core._resolve import resolve
from registry_core._value import Value
from registry_core.discovery import (
    load_all,
)
from registry_core.errors import (
    NotRegisteredError,
    RegistryError,
)
from registry_core.introspect._common import (
    SCHEMA,
    _count,
    _kind,
    _provider,
    _qualname,
)
from registry_core.introspect._listing import (
    _targets,
)
from registry_core.registry import Registry
from registry_core.roots import ROOTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core._vocab import ObjectKind
    from registry_core.discovery import ScopeTable

    JSON = dict[str, Any]


class Description(Value):
    """What a key resolves to in one registry.

    Attributes:
        key: the key looked up.
        registry: the attribute name of the root searched, e.g. ``'MODELS'``.
        scope: the scope of the registry that holds the object.
        name: the name the key's last part found it under.
        aliases: its other names in that registry, in registration order.
        kind: one of :data:`KINDS`.
        qualname: ``module.qualname``, as for :class:`Entry`.
        signature: how to call it, e.g. ``'(depth: int = 50)'`` (for a class,
            its constructor's parameters), or ``None`` if unknown.
        doc: the first line of its docstring (for a partial, of the function
            it wraps; for a callable instance, of its class), or ``None``.
        file: the file that defines it, or ``None`` (a builtin).
        line: the line the definition starts on there, or ``None``.
        distribution: the distribution providing ``scope``, or ``None``.
        version: that distribution's version, or ``None``.
    """

    __slots__ = (  # noqa: RUF023 (the fields, in order)
        "key",
        "registry",
        "scope",
        "name",
        "aliases",
        "kind",
        "qualname",
        "signature",
        "doc",
        "file",
        "line",
        "distribution",
        "version",
    )

    key: str
    registry: str
    scope: str
    name: str
    aliases: tuple[str, ...]
    kind: ObjectKind
    qualname: str
    signature: str | None
    doc: str | None
    file: str | None
    line: int | None
    distribution: str | None
    version: str | None

    def to_json(self) -> JSON:
        """The hit as in ``registry-core show --json``."""
        return {name: _plain(getattr(self, name)) for name in self.__slots__}


class Miss(Value):
    """Why one registry did not resolve a key.

    Attributes:
        registry: the attribute name of the root searched.
        error: the ``NotRegisteredError`` that ``registry[key]`` raises (with
            its close matches and the loaded scopes that have the name), or
            the error of a plugin the key's scope needs but that cannot load
            (``PluginLoadError``, ``IncompatiblePluginError``,
            ``ScopeConflictError``), or what importing one of the
            ``locations`` of a registry on the way raised.
    """

    __slots__ = (  # noqa: RUF023 (the fields, in order)
        "registry",
        "error",
    )

    registry: str
    error: Exception

    @property
    def message(self) -> str:
        """The error's message, with its notes (where a location's error came from)."""
        text = str(self.error) or type(self.error).__name__
        if not isinstance(self.error, RegistryError):
            text = f"{type(self.error).__name__}: {text}"
        notes = getattr(self.error, "__notes__", None)
        if isinstance(notes, list):
            text += "".join(f" ({note})" for note in notes if isinstance(note, str))
        return text

    @property
    def helpful(self) -> bool:
        """Whether the error says more than "not here": close matches, other
        scopes holding the name, or a plugin that cannot load."""
        error = self.error
        if isinstance(error, NotRegisteredError):
            return bool(error.suggestions or error.found_in)
        return True

    def to_json(self) -> JSON:
        """The miss as in ``registry-core show --json``."""
        error = self.error
        suggestions: tuple[str, ...] = ()
        found_in: tuple[str, ...] = ()
        if isinstance(error, NotRegisteredError):
            suggestions, found_in = error.suggestions, error.found_in
        return {
            "registry": self.registry,
            "type": type(error).__name__,
            "message": self.message,
            "suggestions": list(suggestions),
            "found_in": list(found_in),
        }


class Resolution(Value):
    """What :func:`describe` returns.

    Attributes:
        key: the key looked up.
        registry: the root searched (its attribute name), or ``None`` when
            every root was.
        hits: one description per registry that resolves the key.
        misses: when there are no hits, why each searched registry missed;
            empty otherwise.
    """

    __slots__ = (  # noqa: RUF023 (the fields, in order)
        "key",
        "registry",
        "hits",
        "misses",
    )

    key: str
    registry: str | None
    hits: tuple[Description, ...]
    misses: tuple[Miss, ...]

    @property
    def found(self) -> bool:
        """Whether some registry resolves the key."""
        return bool(self.hits)

    def to_json(self) -> JSON:
        """The output of ``registry-core show --json``."""
        return {
            "schema": SCHEMA,
            "key": self.key,
            "registry": self.registry,
            "found": self.found,
            "hits": [hit.to_json() for hit in self.hits],
            "misses": [miss.to_json() for miss in self.misses],
        }


def describe(key: str, registry: str | Registry[Any] | None = None) -> Resolution:
    """Load every discovered plugin and say what ``key`` resolves to.

    The key is looked up as ``registry[key]`` would: ``'toydet.NetA'`` in the
    registry of scope ``toydet``, an unscoped name in the root itself.

    Args:
        key: the key, e.g. ``'toydet.NetA'``.
        registry: the root to search (see :func:`find_root`) or a
            ``Registry``; ``None`` searches every root and reports each hit.

    Returns:
        The hits, or, when there are none, each registry's reason for the
        miss. A miss is data, not an exception.

    Raises:
        TypeError: ``key`` is not a str.
        ValueError: ``registry`` names no root.

    Examples:
        >>> from registry_core import introspect
        >>> miss = introspect.describe("NoSuchThing", registry="MODELS")
        >>> miss.found, miss.misses[0].error.key
        (False, 'NoSuchThing')
    """
    if not isinstance(key, str):
        raise TypeError(f"a key must be a str, got {type(key).__name__}: {summary(key)}")
    targets = _targets(registry)
    table = load_all()
    for root in ROOTS.values():  # so that a miss names every scope that has the name
        for node in walk(root):
            _count(node, table)
    hits: list[Description] = []
    misses: list[Miss] = []
    for label, top in targets:
        try:
            obj = top.get(key)
        except Exception as exc:  # a broken plugin, or a location that fails to import
            misses.append(Miss(label, exc))
            continue
        if obj is None:
            misses.append(Miss(label, not_registered(top, key)))
        else:
            hits.append(_describe(key, label, top, obj, table))
    if not hits and type(key) is str and "." in key:  # an import path, as configs write
        as_import = [h for h in _import_hits(ImportRef(key), targets, table) if h is not None]
        hits = as_import or hits
    requested = None if registry is None else targets[0][0]
    return Resolution(key, requested, tuple(hits), () if hits else tuple(misses))


def _import_hits(
    key: ImportRef, targets: list[tuple[str, Registry[Any]]], table: ScopeTable
) -> list[Description | None]:
    """The hits of ``key`` read as an import path (``'mmpretrain.models.ResNet'``)."""
    hits: list[Description | None] = []
    for label, top in targets:
        try:
            obj = top.get(key)
        except Exception:  # the key's own misses are reported already
            continue
        hits.append(None if obj is None else _describe(key, label, top, obj, table))
    return hits


def _describe(key: str, label: str, top: Registry[Any], obj: Any, table: ScopeTable) -> Description:
    holder, name = _holder(top, key)
    kind = _kind(obj)
    distribution, version, _ = _provider(holder.scope, table)
    return Description(
        key=key,
        registry=label,
        scope=holder.scope,
        name=name,
        aliases=tuple(n for n, o in own_names(holder).items() if o is obj and n != name),
        kind=kind,
        qualname=_qualname(obj),
        signature=_signature(obj, kind),
        doc=_first_doc_line(obj, kind),
        file=_source_file(_definition(obj)),
        line=_source_line(_definition(obj)),
        distribution=distribution,
        version=version,
    )


def _holder(top: Registry[Any], key: str) -> tuple[Registry[Any], str]:
    """The registry that holds ``top[key]``, and the name it is under (the
    lookup just found it: the trace loads nothing)."""
    trace = resolve(top, key, load=False)
    return trace.holder or trace.searched, trace.name


def _definition(obj: Any) -> Any:
    """The object whose source defines ``obj``: a partial's function, an
    instance's class, a decorated function's original."""
    import inspect

    obj = _unpartial(obj)
    if _kind(obj) == "callable":
        obj = type(obj)
    try:
        return inspect.unwrap(obj)
    except ValueError:  # a cycle of __wrapped__
        return obj


def _unpartial(obj: Any) -> Any:
    import functools

    while isinstance(obj, functools.partial):
        obj = obj.func
    return obj


def _signature(obj: Any, kind: str) -> str | None:
    import inspect

    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    except Exception as exc:  # an object whose __signature__ (or the like) raises
        return f"<unavailable: {type(exc).__name__}: {exc}>"
    if isinstance(_unpartial(obj), type):  # a class returns an instance, whatever __init__ says
        signature = signature.replace(return_annotation=inspect.Signature.empty)
    return str(signature)


def _first_doc_line(obj: Any, kind: str) -> str | None:
    import inspect

    target = _definition(obj) if kind in ("partial", "callable") else obj
    try:
        doc = getattr(target, "__doc__", None)
    except Exception:  # a __doc__ property that raises: no doc to show
        return None
    if not isinstance(doc, str):
        return None
    for line in inspect.cleandoc(doc).splitlines():
        if line.strip():
            return line.strip()
    return None


def _source_file(target: Any) -> str | None:
    import inspect

    try:
        file = inspect.getsourcefile(target) or inspect.getfile(target)
    except Exception:  # TypeError for builtins, OSError, or what a hostile object raises
        return None
    return os.path.abspath(file)


def _source_line(target: Any) -> int | None:
    import inspect

    try:
        return inspect.getsourcelines(target)[1] or None
    except Exception:  # TypeError, OSError, IndexError, SyntaxError, or anything hostile
        return None


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value
