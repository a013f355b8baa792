"""What the benchmark scripts share: the fake plugin, the children's
environment, and how a report is printed and saved.

The scripts run as ``python benchmarks/bench_*.py``, so this folder is first
on ``sys.path`` and ``import _common`` finds this file.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The ``registry.py`` of every fake plugin: a child of ``MODELS`` holding ``NetA``.
PLUGIN_REGISTRY = textwrap.dedent(
    """\
    import registry_core
    from registry_core import Registry

    MODELS = Registry("model", parent=registry_core.MODELS)


    @MODELS.register_module()
    class NetA:
        def __init__(self, depth=50):
            self.depth = depth
    """
)


def child_env(site: Path, cache: Path, extra_path: str | None = None) -> dict[str, str]:
    """The environment of a child interpreter: ours, minus what would change its
    behaviour, with ``site`` (and ``extra_path``) on ``PYTHONPATH``.

    ``REGISTRY_CORE_CACHE_DIR`` points registry_core's on-disk cache at a folder
    of this run, so that every run starts cold and none touches the user's cache.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "REGISTRY_CORE_"))
    }
    path = [str(site)] if extra_path is None else [str(site), extra_path]
    env["PYTHONPATH"] = os.pathsep.join(path)
    env["REGISTRY_CORE_CACHE_DIR"] = str(cache)
    return env


def emit(
    report: dict[str, Any],
    markdown: Callable[[dict[str, Any]], str],
    plain: Callable[[dict[str, Any]], str],
    *,
    as_markdown: bool,
    json_path: str | None,
) -> None:
    """Print ``report`` (as Markdown or plain text) and save it as JSON if asked."""
    print(markdown(report) if as_markdown else plain(report))
    if json_path:
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
