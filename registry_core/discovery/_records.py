"""What a scan of installed metadata finds: value objects, and project names.

These are the scan's results (:class:`EntryPointRecord`, :class:`Diagnostic`,
:class:`ScanResult`) and the two names every part of discovery shares: the
entry-point group and the reserved scopes. Nothing here reads files.
"""

from __future__ import annotations

from registry_core._value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from registry_core._vocab import PluginSource

__all__ = [
    "ENTRY_POINT",
    "FRAMEWORK",
    "GROUP",
    "MMENGINE",
    "MMENGINE_KEYS",
    "RESERVED_SCOPE",
    "RESERVED_SCOPES",
    "Diagnostic",
    "EntryPointRecord",
    "ScanResult",
    "normalize_name",
]

GROUP = "registry_core.scopes"
"""The entry-point group that plugins advertise their scopes in."""

RESERVED_SCOPE = "registry_core"
"""The framework's own scope, which no plugin may claim."""

FRAMEWORK = "registry-core"
"""The framework's own distribution (normalised name): the running version is its version."""

ENTRY_POINT: PluginSource = "entry-point"
"""The ``source`` of a scope advertised in the ``registry_core.scopes`` group."""

MMENGINE: PluginSource = "mmengine"
"""The ``source`` of a scope bridged from MMEngine's registries; also MMEngine's own scope."""

MMENGINE_KEYS = frozenset({"mmengine", "mmengine-lite"})
"""The distributions that install MMEngine (normalised names): the bridge's trigger."""

RESERVED_SCOPES = {
    RESERVED_SCOPE: "reserved for the framework's own registries",
    "__main__": "reserved for the registries that scripts create",
    "__mp_main__": "reserved for the registries that scripts create (in multiprocessing workers)",
}
"""Scopes no plugin may claim, and why."""


class EntryPointRecord(Value):
    """One scope advertised by an installed distribution (immutable by convention).

    Attributes:
        scope: The entry point's name.
        module: The module part of the entry point's value, a dotted module path.
        attr: The attribute part (``module:attr``), a dotted name that must exist
            in the imported module, or ``None``. Extras (``[extra]``) are dropped.
        distribution: The project name as ``METADATA`` spells it.
        key: The normalised project name, taken from the metadata folder's name:
            the identity used to tell distributions apart.
        version: The ``Version`` from ``METADATA``, as written (it may not be a
            PEP 440 version).
        requires: The raw ``Requires-Dist`` values, in order (for a legacy
            ``.egg-info`` without them, those of its ``requires.txt``).
        path: The ``.dist-info``, ``.egg-info`` or ``EGG-INFO`` directory (inside
            a zip: the zip's path joined with the folder's name).
    """

    __slots__ = ("scope", "module", "attr", "distribution", "key", "version", "requires", "path")  # noqa: RUF023 (the repr's order)
    #: Where the scope comes from: ``entry-point`` (this group), or ``mmengine``
    #: for a codebase bridged from MMEngine's registries (``_mmengine_scan``).
    source = ENTRY_POINT

    scope: str
    module: str
    attr: str | None
    distribution: str
    key: str
    version: str
    requires: tuple[str, ...]
    path: str

    def __init__(
        self,
        *,
        scope: str,
        module: str,
        distribution: str,
        key: str,
        version: str,
        requires: tuple[str, ...],
        path: str,
        attr: str | None = None,
    ) -> None:
        self._assign(locals())


class Diagnostic(Value):
    """A problem found in installed metadata that concerns ``registry_core``.

    Attributes:
        path: The metadata directory concerned.
        distribution: The project name as ``METADATA`` spells it, or ``None`` when
            it could not be read.
        message: What is wrong, in which file (and line), and what to do about it.
    """

    __slots__ = ("path", "distribution", "message")  # noqa: RUF023 (the repr's order)

    path: str
    distribution: str | None
    message: str

    def __init__(self, *, path: str, distribution: str | None, message: str) -> None:
        self._assign(locals())


class ScanResult(Value):
    """What :func:`scan` found.

    Attributes:
        entry_points: The advertised scopes, in search-path order, after
            de-duplication of distributions. Two different distributions may
            advertise the same scope: both records are kept.
        diagnostics: The problems found, in search-path order.
        fingerprint: :func:`path_fingerprint` of the searched path, taken before
            the scan; not part of equality.
        framework_version: The version of the ``registry-core`` distribution
            the scan met first on the path (what :func:`find_version` says of
            it on the same path), or ``None``; not part of equality. The running
            version is taken from it, so that finding it costs no second walk.
    """

    __slots__ = ("entry_points", "diagnostics", "fingerprint", "framework_version")  # noqa: RUF023 (the repr's order)
    _compared = ("entry_points", "diagnostics")
    _hidden = frozenset({"fingerprint", "framework_version"})

    entry_points: tuple[EntryPointRecord, ...]
    diagnostics: tuple[Diagnostic, ...]
    fingerprint: tuple[object, ...]
    framework_version: str | None

    def __init__(
        self,
        *,
        entry_points: tuple[EntryPointRecord, ...],
        diagnostics: tuple[Diagnostic, ...],
        fingerprint: tuple[object, ...] = (),
        framework_version: str | None = None,
    ) -> None:
        self._assign(locals())


def normalize_name(name: str) -> str:
    """Normalise a project name as PEP 503 does.

    Runs of ``-``, ``_`` and ``.`` become one ``-`` and letters are lowercased.

    Args:
        name: A project name, as spelled anywhere.

    Returns:
        The normalised name.

    Examples:
        >>> normalize_name("Toy_Det")
        'toy-det'
        >>> normalize_name("zope.interface")
        'zope-interface'
        >>> normalize_name("A-_.B")
        'a-b'
    """
    normalized = name.lower().replace("_", "-").replace(".", "-")
    while "--" in normalized:
        normalized = normalized.replace("--", "-")
    return normalized
