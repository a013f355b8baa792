"""Building objects from configs: ``build_from_cfg``.

The path from a config to an object is short on purpose: check the
arguments, merge the defaults into one new dict, find the type, call it. A
``_scope_`` key switches the default scope for the lookup and for the
construction; without one, the type is looked up from the registry of the
current default scope in the registry's tree.
"""

from __future__ import annotations

from _collections_abc import Mapping

from registry_core._messages import add_note, build_note, summary
from registry_core._node import Node
from registry_core._resolve import registry_for_scope
from registry_core._scope import CURRENT

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["PLAIN_DICT_BUILDERS", "build_from_cfg"]

_current_scope = CURRENT.get


def build_from_cfg(
    cfg: Mapping[str, Any],
    registry: Registry[Any],
    default_args: Mapping[str, Any] | None = None,
) -> Any:
    """Build an object from ``cfg``, looking its ``type`` up in ``registry``.

    Args:
        cfg: a mapping with a ``type`` key (a registered name or key, or a
            callable) and the keyword arguments of the constructor. It may
            hold ``_scope_`` to build within that scope.
        registry: where ``type`` is looked up.
        default_args: keyword arguments used where ``cfg`` has none; may
            also supply ``type``.

    Returns:
        What calling the type with the merged arguments returns.

    Raises:
        TypeError: ``cfg`` or ``default_args`` is not a mapping, ``registry``
            is not a ``Registry``, or ``type`` is neither str nor callable.
        KeyError: neither ``cfg`` nor ``default_args`` gives a ``type``.
        NotRegisteredError: ``type`` resolves to nothing.
        ScopeNotFoundError: ``_scope_`` names a scope nothing knows.

    Neither mapping is changed. An exception raised by the constructor
    reaches the caller as the same object, with a note naming the registry,
    scope and type.

    Examples:
        >>> from registry_core import Registry, build_from_cfg
        >>> R = Registry('demo', scope='demo')
        >>> @R.register_module()
        ... class Point:
        ...     def __init__(self, x, y=0):
        ...         self.x, self.y = x, y
        >>> p = build_from_cfg(dict(type='Point', x=1), R, default_args=dict(y=5))
        >>> (p.x, p.y)
        (1, 5)
    """
    if type(cfg) is dict:
        args = cfg.copy()
    elif isinstance(cfg, Mapping):
        args = dict(cfg)
    else:
        raise TypeError(
            f"cfg must be a mapping (e.g. a dict), got {type(cfg).__name__}: {summary(cfg)}"
        )
    if not isinstance(registry, Node):
        raise TypeError(f"registry must be a Registry, got {type(registry).__name__}")
    if default_args is not None:
        if not isinstance(default_args, Mapping):
            raise TypeError(
                f"default_args must be a mapping or None, got {type(default_args).__name__}"
            )
        for key, value in default_args.items():
            args.setdefault(key, value)
    if "type" not in args:
        raise KeyError(
            f"the config has no 'type' (and default_args give none): {summary(cfg, 200)}"
        )
    obj_type = args.pop("type")
    if "_scope_" in args:
        scope = args.pop("_scope_")
        if scope is not None:
            with registry.switch_scope_and_registry(scope) as scoped:
                return _call(scoped, obj_type, args)
    current = _current_scope()
    if current is not None:
        registry = registry_for_scope(registry, current, strict=False)
    if not isinstance(obj_type, str):
        return _call(registry, obj_type, args)
    # (``Registry.build`` holds the one fast path, for a type in its lookup cache;
    # here the type is looked up as ``registry[type]``, whose cached answer is
    # one method call.)
    obj_cls = registry[obj_type]
    try:
        return obj_cls(**args)
    except Exception as exc:
        add_note(exc, build_note(registry, obj_type))
        raise


def _call(registry: Registry[Any], obj_type: Any, args: dict[str, Any]) -> Any:
    if isinstance(obj_type, str):
        obj_cls = registry[obj_type]
    elif callable(obj_type):
        obj_cls = obj_type
    else:
        raise TypeError(
            f"'type' must be a str or a callable, got {type(obj_type).__name__}: "
            f"{summary(obj_type)}"
        )
    try:
        return obj_cls(**args)
    except Exception as exc:
        add_note(exc, build_note(registry, obj_type))
        raise


#: Build functions that build a plain ``dict`` config exactly as
#: ``build_from_cfg`` does (``torch.py`` adds its own). For them,
#: ``Registry.build`` runs its fast path (a type in the lookup cache) itself.
PLAIN_DICT_BUILDERS: set[Callable[..., Any]] = {build_from_cfg}
