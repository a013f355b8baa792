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
from registry_core._vocab import ISSUE_CODES
from registry_core.errors import ConfigError
from registry_core.validation._frozen import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Final

    from registry_core._vocab import IssueCode, Severity

__all__ = ["CODES", "ERROR", "WARNING", "Issue", "Report", "config_error", "sort_issues"]

ERROR: Final = "error"
WARNING: Final = "warning"

#: Every issue code, in the order the docs present them.
CODES: Final = ISSUE_CODES


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

    __slots__ = (  # noqa: RUF023 (the fields, in order: ``Value``)
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

    path: str
    code: IssueCode
    severity: Severity
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
        code: IssueCode,
        severity: Severity,
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
        self._assign(locals())

    def __str__(self) -> str:
        where = self.path or "<config>"
        if self.severity == WARNING:
            return f"{where}: warning: {self.message}"
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        """The issue as in ``registry-core validate --json``."""
        shown = self._asdict()
        shown["suggestions"] = list(self.suggestions)
        error = self.error
        shown["error"] = None if error is None else f"{type(error).__name__}: {error}"
        return shown


class Report(Frozen):
    """What ``validate`` returns for a config without errors.

    Attributes:
        issues: the warnings, sorted by path (empty for a clean config).
    """

    __slots__ = ("issues",)

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
