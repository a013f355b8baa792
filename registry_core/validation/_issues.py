"""Issues, the report, and the ``ConfigError`` that carries them.

>>> issue = Issue(path="model.backbone.depht", code="unexpected-argument", severity="error",
...               message="unexpected argument 'depht' for toydet.ResNet; did you mean 'depth'?")
>>> print(issue)
model.backbone.depht: unexpected argument 'depht' for toydet.ResNet; did you mean 'depth'?
>>> print(Issue(path="", code="missing-argument", severity="warning", message="..."))
<config>: warning: ...
"""

from __future__ import annotations

from registry_core._paths import parse_path, path_sort_key
from registry_core.errors import ConfigError
from registry_core.validation._frozen import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Final

__all__ = ["CODES", "ERROR", "WARNING", "Issue", "Report", "config_error", "sort_issues"]

ERROR: Final = "error"
WARNING: Final = "warning"

#: Every issue code, in the order the docs present them.
CODES: Final = (
    "unknown-type",
    "unknown-scope",
    "ambiguous-type",
    "plugin-error",
    "bad-type",
    "unexpected-argument",
    "missing-argument",
    "wrong-type",
    "cycle",
)


class Issue(Frozen):
    """One problem ``validate`` found in a config.

    Attributes:
        path: where in the config: keys joined with ``.``, list indices as
            ``[1]``, a key that is not an identifier as ``["a.b"]``; ``""`` is
            the top of the config.
        code: what kind of problem (see ``CODES``), e.g. ``'unknown-type'``.
        severity: ``'error'`` or ``'warning'``.
        message: what is wrong and what to do, on one line.
        registry: ``scope::name`` of the registry the type's last part was
            looked up in, or ``None``.
        type: the node's ``type`` as written (a callable as ``module.qualname``),
            or ``None`` outside a node.
        target: ``module.qualname`` of what ``type`` resolved to, or ``None``.
        file: the file defining the target, or ``None``.
        line: the line its definition starts on, or ``None``.
        suggestions: close matches (types, scopes or argument names).
        source: the config file that set this path (for configs from
            ``load_config``), else ``None``.
        error: the exception behind a ``plugin-error``, else ``None``.

    Issues are immutable and compare equal when all their attributes are.
    """

    __match_args__ = (
        "path",
        "code",
        "severity",
        "message",
        "registry",
        "type",
        "target",
        "file",
        "line",
        "suggestions",
        "source",
        "error",
    )
    __slots__ = __match_args__
    _fields = __match_args__

    path: str
    code: str
    severity: str
    message: str
    registry: str | None
    type: str | None
    target: str | None
    file: str | None
    line: int | None
    suggestions: tuple[str, ...]
    source: str | None
    error: BaseException | None

    def __init__(
        self,
        path: str,
        code: str,
        severity: str,
        message: str,
        registry: str | None = None,
        type: str | None = None,
        target: str | None = None,
        file: str | None = None,
        line: int | None = None,
        suggestions: tuple[str, ...] = (),
        source: str | None = None,
        error: BaseException | None = None,
    ) -> None:
        self._init(
            path,
            code,
            severity,
            message,
            registry,
            type,
            target,
            file,
            line,
            suggestions,
            source,
            error,
        )

    def __str__(self) -> str:
        where = self.path or "<config>"
        if self.severity == WARNING:
            return f"{where}: warning: {self.message}"
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        """The issue as in ``registry-core validate --json``."""
        error = self.error
        return {
            "path": self.path,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "registry": self.registry,
            "type": self.type,
            "target": self.target,
            "file": self.file,
            "line": self.line,
            "suggestions": list(self.suggestions),
            "source": self.source,
            "error": None if error is None else f"{type(error).__name__}: {error}",
        }


class Report(Frozen):
    """What ``validate`` returns for a config without errors.

    Attributes:
        issues: the warnings, sorted by path (empty for a clean config).
    """

    __match_args__ = ("issues",)
    __slots__ = __match_args__
    _fields = __match_args__

    issues: tuple[Issue, ...]

    def __init__(self, issues: tuple[Issue, ...] = ()) -> None:
        self._init(issues)

    @property
    def ok(self) -> bool:
        """Always ``True``: a config with errors raises ``ConfigError`` instead."""
        return True

    def __str__(self) -> str:
        if not self.issues:
            return "no issues"
        return "\n".join(str(issue) for issue in self.issues)


def sort_issues(issues: Iterable[Issue]) -> list[Issue]:
    """``issues`` sorted by path (list indices by number), then in the order found."""
    return sorted(issues, key=_sort_key)


def _sort_key(issue: Issue) -> tuple[tuple[int, str | int], ...]:
    return path_sort_key(parse_path(issue.path))


def config_error(issues: list[Issue], file: str | None) -> ConfigError:
    """The ``ConfigError`` for sorted ``issues`` (at least one of them an error)."""
    message = "\n".join(str(issue) for issue in issues)
    return ConfigError(message, issues=issues, file=file)
