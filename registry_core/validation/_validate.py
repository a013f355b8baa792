"""``validate``: check a whole config against the registries, building nothing."""

from __future__ import annotations

from _collections_abc import Mapping

from registry_core._paths import path_sort_key
from registry_core._resolve import registry_for_scope
from registry_core._scope import CURRENT
from registry_core.errors import ScopeNotFoundError
from registry_core.registry import Registry, live_roots
from registry_core.validation._cache import CACHE
from registry_core.validation._causes import lead
from registry_core.validation._expect import describe_value
from registry_core.validation._issues import ERROR, WARNING, Issue, Report, config_error
from registry_core.validation._runner import runner_rules
from registry_core.validation._sections import Place, is_whole, places
from registry_core.validation._walk import walk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Parts = tuple[Any, ...]

__all__ = ["validate"]


def validate(
    cfg: Any,
    registry: Registry[Any] | None = None,
    *,
    default_args: Mapping[str, Any] | None = None,
) -> Report:
    """Check a whole config against the registries and the targets' signatures.

    Every node (a mapping with a ``type`` key, at any depth: in lists, tuples
    and mappings without ``type`` too) is resolved as ``build`` would resolve
    it, and its arguments are checked against its target's signature and
    annotations. Nothing is built and no target is called; the only code that
    runs is what a lookup runs (the plugin modules of the scopes the config
    names, and registry ``locations``). Every issue is collected in one pass.

    Args:
        cfg: the config: a node, a mapping of nodes (an OpenMMLab config,
            whose top-level ``default_scope`` sets the default scope for the
            check), or a list of nodes.
        registry: the registry the top node is built from; ``None`` resolves
            each top-level node in the one live root that has its type.
        default_args: what ``build`` would get as ``default_args`` for the
            top node (its arguments count as given).

    Returns:
        A :class:`Report` whose ``issues`` are the warnings (nested nodes
        missing an argument that the code building them may pass).

    Raises:
        ConfigError: some issue is an error; ``issues`` holds every issue,
            errors and warnings, sorted by path, one per line in the message.
        TypeError: ``cfg`` is not a mapping, list or tuple, ``registry`` is
            not a ``Registry`` or ``default_args`` not a mapping.

    Examples:
        >>> from registry_core import Registry, validate
        >>> R = Registry("demo", scope="demo")
        >>> @R.register_module()
        ... class Point:
        ...     def __init__(self, x: int, y: int = 0): ...
        >>> validate(dict(type="Point", x=1), R).issues
        ()
        >>> validate(dict(type="Point", x="one", z=3), R)
        Traceback (most recent call last):
        ...
        registry_core.errors.ConfigError: x: expected int, got str 'one' for Point
        z: unexpected argument 'z' for Point; it takes: x, y
    """
    if not isinstance(cfg, (Mapping, list, tuple)):
        raise TypeError(
            f"a config is a mapping (or a list of nodes), got {type(cfg).__name__}: {cfg!r:.80}"
        )
    if registry is not None and not isinstance(registry, Registry):
        raise TypeError(f"registry must be a Registry or None, got {type(registry).__name__}")
    if default_args is not None and not isinstance(default_args, Mapping):
        raise TypeError(
            f"default_args must be a mapping or None, got {type(default_args).__name__}"
        )
    CACHE.sync()
    found = CURRENT.get()
    found_issues: list[tuple[Parts, Issue]] = []
    scope = found
    if isinstance(cfg, Mapping) and "default_scope" in cfg:
        scope = _default_scope(cfg["default_scope"], registry, found_issues, found)
    sections = _sections(cfg) if registry is None and default_args is None else None
    token = CURRENT.set(scope)
    try:
        found_issues += walk(cfg, registry, default_args, scope, sections)
    finally:
        CURRENT.reset(token)
    if not found_issues:
        return _EMPTY
    found_issues.sort(key=_sort_key)
    issues = lead([_with_source(cfg, issue) for _, issue in found_issues])
    if not any(issue.severity == ERROR for issue in issues):
        return Report(tuple(issues))
    error = config_error(issues, _filename(cfg))
    cause = next((i.error for i in issues if i.error is not None), None)
    raise error from cause


_EMPTY = Report()


def _sort_key(found: tuple[Parts, Issue]) -> tuple[tuple[int, str | int], ...]:
    return path_sort_key(found[0])


def _default_scope(
    value: object,
    registry: Registry[Any] | None,
    issues: list[tuple[Parts, Issue]],
    found: str | None,
) -> str | None:
    """The scope a top-level ``default_scope`` sets; an issue if it is not one."""
    if value is None:
        return None
    if not isinstance(value, str):
        message = f"default_scope must be a str or None, got {describe_value(value)}"
        issues.append((("default_scope",), Issue("default_scope", "wrong-type", ERROR, message)))
        return found
    roots = [registry] if registry is not None else live_roots()[:1]
    for root in roots:
        try:
            registry_for_scope(root, value, True)
        except ScopeNotFoundError as exc:
            from registry_core._keys import close_matches

            close = tuple(close_matches(value, exc.known))
            hint = "; did you mean " + " or ".join(map(repr, close)) + "?" if close else ""
            message = (
                f"unknown default_scope {value!r}: no registry and no installed plugin has this "
                f"scope, so build would look types up without it{hint}"
            )
            issue = Issue("default_scope", "unknown-scope", WARNING, message, suggestions=close)
            issues.append((("default_scope",), issue))
        except Exception:  # a plugin that cannot load: its nodes report it
            pass
    return value


def _sections(cfg: Any) -> list[Place] | None:
    """The nodes MMEngine's Runner builds, when ``cfg`` is a whole OpenMMLab config and
    an MMEngine is installed to read the Runner from; else ``None``."""
    if not isinstance(cfg, Mapping) or "type" in cfg:
        return None
    rules = runner_rules()
    if rules is None or not is_whole(cfg, rules):
        return None
    return places(cfg, rules)


def _with_source(cfg: Any, issue: Issue) -> Issue:
    source_of = getattr(cfg, "source_of", None)
    if not callable(source_of):
        return issue
    try:
        source = source_of(issue.path)
    except Exception:  # the config's own bookkeeping failed: the issue stands without it
        return issue
    if not isinstance(source, str):
        return issue
    return issue._replace(source=source)


def _filename(cfg: Any) -> str | None:
    filename = getattr(cfg, "filename", None)
    return filename if isinstance(filename, str) else None
