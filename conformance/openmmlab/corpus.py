"""MMPretrain's official configs, and what MMEngine's own registries say about them.

Run in the OpenMMLab environment (one process over the whole corpus): the tests of
``test_validate_configs.py`` and ``benchmarks/bench_mmpretrain_mutants.py`` import it.

- :func:`configs` -- every official config of the installed MMPretrain
  (``.mim/configs``, without the ``_base_`` files) that ``load_config`` loads.
- :func:`held_by_mmengine` -- whether every ``type`` in a config is held by MMEngine's
  registries under the config's ``default_scope`` (the multimodal configs name types of
  ``transformers``, which this environment lacks; configs written for
  ``mmpretrain.get_model`` have no ``default_scope``): the configs that build.
- :func:`validate_whole` and :func:`validate_model` -- ``validate`` of the whole config,
  and of its ``model`` section under its default scope, as ``(errors, warnings)``.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from typing import Any

import registry_core
from registry_core import MODELS, ConfigError, validate


def config_folder() -> str:
    import importlib.util

    spec = importlib.util.find_spec("mmpretrain")
    assert spec is not None
    assert spec.submodule_search_locations
    return os.path.join(next(iter(spec.submodule_search_locations)), ".mim", "configs")


def configs() -> Iterator[tuple[str, Any]]:
    """``(path relative to the configs folder, loaded config)`` for each official config
    that loads safely (the few that need ``trusted=True`` are left out)."""
    folder = config_folder()
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.py"), recursive=True)):
        if f"{os.sep}_base_{os.sep}" in path:
            continue
        try:
            cfg = registry_core.load_config(path)
        except ConfigError:
            continue
        yield os.path.relpath(path, folder), cfg


def types_in(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("type"), str):
                yield item["type"]
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def mmengine_registries(scope: str) -> list[Any]:
    """The registries MMEngine's Runner finds types in under the default scope
    ``scope``: MMEngine's own roots, and every registry of the scope's package
    (``mmpretrain.registry``; its registries search their MMEngine parents)."""
    import importlib

    import mmengine.registry as engine

    modules = [engine]
    if scope != "mmengine":
        modules.append(importlib.import_module(f"{scope}.registry"))
    found = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, engine.Registry) and (
                module is not engine or value.parent is None
            ):
                found[id(value)] = value
    return list(found.values())


def held_by_mmengine(cfg: Any, section: str | None = None) -> bool:
    """Whether MMEngine's registries hold every type of ``cfg`` (or of its ``section``)
    under its ``default_scope`` (``mmengine`` when it has none, as MMEngine's Runner
    takes it), asked of MMEngine, not of ``registry_core``."""
    registries = mmengine_registries(cfg.get("default_scope") or "mmengine")
    return all(
        any(_get(registry, type_) is not None for registry in registries)
        for type_ in set(types_in(cfg if section is None else cfg.get(section)))
    )


def _get(registry: Any, key: str) -> Any:
    try:
        return registry.get(key)
    except Exception:  # a key MMEngine cannot parse: not held
        return None


def _issues(check: Any) -> tuple[list[Any], list[Any]]:
    try:
        issues = check().issues
    except ConfigError as exc:
        issues = exc.issues
    errors = [i for i in issues if i.severity == "error"]
    return errors, [i for i in issues if i.severity != "error"]


def validate_whole(cfg: Any) -> tuple[list[Any], list[Any]]:
    return _issues(lambda: validate(cfg))


def validate_model(cfg: Any) -> tuple[list[Any], list[Any]]:
    """``MODELS.validate(cfg['model'])`` under the config's default scope."""
    scope = cfg.get("default_scope")

    def check() -> Any:
        with registry_core.default_scope(scope):
            return MODELS.validate(cfg["model"])

    return _issues(check)
