"""The exception tree of ``registry_core``.

Every error carries its context as attributes (the registry, scope, key or
distribution concerned) as well as a message that says what happened, where,
and what to do. The errors that are also ``KeyError`` print their message
as is, without the quotes ``KeyError`` adds around its argument.

All errors pickle and unpickle with their attributes, so they cross process
boundaries intact.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    _Side = tuple[str, str] | None
    _Difference = tuple[str, _Side, _Side]

__all__ = [
    "ConfigError",
    "DuplicateRegistrationError",
    "IncompatiblePluginError",
    "NotRegisteredError",
    "PluginLoadError",
    "PluginMismatchError",
    "RegistryError",
    "ScopeConflictError",
    "ScopeNotFoundError",
]


class RegistryError(Exception):
    """Base class of every error ``registry_core`` raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotRegisteredError(RegistryError, KeyError):
    """A key resolved to nothing in a registry.

    Attributes:
        key: the key that was looked up.
        registry: the ``name`` of the registry the lookup ran from.
        scope: that registry's scope.
        suggestions: registered names close to the key.
        found_in: scopes (already loaded) whose registries do hold the name.
    """

    def __init__(
        self,
        message: str,
        *,
        key: str = "",
        registry: str = "",
        scope: str = "",
        suggestions: Sequence[str] = (),
        found_in: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.key = key
        self.registry = registry
        self.scope = scope
        self.suggestions = tuple(suggestions)
        self.found_in = tuple(found_in)


class DuplicateRegistrationError(RegistryError, KeyError):
    """A name is already taken by a different object in a registry.

    Attributes:
        name: the name both objects claim.
        registry: the registry's ``name``; scope: its scope.
        existing: ``module.qualname`` of the object already registered.
        new: ``module.qualname`` of the object that was refused.
    """

    def __init__(
        self,
        message: str,
        *,
        name: str = "",
        registry: str = "",
        scope: str = "",
        existing: str = "",
        new: str = "",
    ) -> None:
        super().__init__(message)
        self.name = name
        self.registry = registry
        self.scope = scope
        self.existing = existing
        self.new = new


class ScopeNotFoundError(RegistryError, KeyError):
    """A scope is known neither to any registry tree nor to discovery.

    Attributes:
        scope: the scope asked for.
        known: the scopes that do exist, to choose from.
    """

    def __init__(self, message: str, *, scope: str = "", known: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.scope = scope
        self.known = tuple(known)


class ScopeConflictError(RegistryError):
    """Two owners claim one scope.

    Raised when two modules attach a child of the same scope to one parent,
    and when two installed distributions advertise the same scope.

    Attributes:
        scope: the contested scope.
        claimants: who claims it (module names or distribution names).
    """

    def __init__(self, message: str, *, scope: str = "", claimants: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.scope = scope
        self.claimants = tuple(claimants)


class PluginLoadError(RegistryError, ImportError):
    """A discovered plugin could not be imported, or is blocked.

    The original exception, if any, is chained as ``__cause__``.

    Attributes:
        scope: the plugin's scope.
        module: the module its entry point names.
        distribution: the distribution that advertises it.
    """

    def __init__(
        self,
        message: str,
        *,
        scope: str = "",
        module: str = "",
        distribution: str = "",
    ) -> None:
        super().__init__(message)
        self.scope = scope
        self.module = module
        self.distribution = distribution

    def __reduce__(self) -> tuple[object, ...]:
        # ImportError's own reduce passes name/path keywords that our
        # __init__ does not take; rebuild from the message and the attributes.
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


class IncompatiblePluginError(PluginLoadError):
    """A plugin requires a ``registry-core`` version other than the running one.

    It is a ``PluginLoadError`` (the plugin is not loaded), so code that
    handles plugin failures in general handles this one too.

    Attributes:
        version: the plugin distribution's version.
        requirement: its requirement on ``registry-core``.
        running: the running ``registry_core.__version__``.
    """

    def __init__(
        self,
        message: str,
        *,
        scope: str = "",
        module: str = "",
        distribution: str = "",
        version: str = "",
        requirement: str = "",
        running: str = "",
    ) -> None:
        super().__init__(message, scope=scope, module=module, distribution=distribution)
        self.version = version
        self.requirement = requirement
        self.running = running


class PluginMismatchError(RegistryError):
    """The ranks of a process group discovered different plugins.

    Raised on every rank, with the same message, by
    :func:`registry_core.distributed.check_plugins_consistent`.

    Attributes:
        mismatches: rank -> the plugins on which that rank differs from
            rank 0, each ``(scope, on_rank_0, on_that_rank)`` where a side is
            ``(distribution, version)``, or ``None`` when that rank does not
            have the scope. Ranks are global ranks.
        fingerprints: each rank's :func:`plugin_fingerprint`, in group order.
        hosts: each rank's host name, in group order.
    """

    def __init__(
        self,
        message: str,
        *,
        mismatches: Mapping[int, Sequence[_Difference]] | None = None,
        fingerprints: Sequence[str] = (),
        hosts: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.mismatches = {rank: tuple(d) for rank, d in (mismatches or {}).items()}
        self.fingerprints = tuple(fingerprints)
        self.hosts = tuple(hosts)


def _rebuild(cls: type[RegistryError], message: str, state: dict[str, object]) -> RegistryError:
    error = cls.__new__(cls)
    RegistryError.__init__(error, message)
    error.__dict__.update(state)
    return error


class ConfigError(RegistryError, ValueError):
    """A config is wrong: a file that cannot be loaded, or a config that fails validation.

    Raised by ``load_config`` (a missing base, a syntax error, an unsafe
    construct, ...), naming the file and, where the format gives one, the
    line; and by ``validate`` when it finds any issue of severity ``error``,
    with every issue it found (errors and warnings) in ``issues``.

    Attributes:
        issues: the issues ``validate`` found, sorted by path; empty for an
            error loading a file.
        file: the config file concerned, or ``None``.
        line: the line in ``file``, or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        issues: Sequence[Any] = (),
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.issues = tuple(issues)
        self.file = file
        self.line = line
