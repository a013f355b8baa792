"""A pytest plugin for codebases that plug into ``registry_core``.

Installing ``registry-core`` registers this module with pytest (entry point
group ``pytest11``), so plugin authors get two fixtures with no set-up:

``registry_state``
    Isolates global state: children attached, names registered, default
    scope set and discovery scans made during the test are undone after it.

``plugin_site``
    A temporary folder on ``sys.path`` to which the test writes fake installed
    distributions (``*.dist-info`` with ``METADATA`` and ``entry_points.txt``,
    plus module sources). Discovery rescans after every write. Afterwards the
    folder leaves ``sys.path``, the modules imported from it leave
    ``sys.modules``, and the state is restored (it uses ``registry_state``).
    Unless ``REGISTRY_CORE_CACHE_DIR`` is set, the compatibility cache lives
    in the test's temporary folder, not in ``~/.cache``.

The helpers behind ``plugin_site`` are public too, for tests that build
sites of their own (for a subprocess, say): ``distribution_tree`` (the files
of one installed distribution, as a nested dict) and ``write_tree`` (write
such a dict under a folder).

Example (a test in a plugin author's suite)::

    def test_my_scope_resolves(plugin_site):
        plugin_site.add_distribution(
            "mydet", scopes={"mydet": "mydet.registry"},
            modules={"mydet/__init__.py": "", "mydet/registry.py": SOURCE},
        )
        assert registry_core.MODELS.get("mydet.NetA") is not None

This module imports pytest only when pytest loads it as a plugin.
"""

from __future__ import annotations

import os
import sys

import pytest

from registry_core import _isolation
from registry_core._fakedist import distribution_tree, write_tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path
    from typing import Any

__all__ = ["PluginSite", "distribution_tree", "plugin_site", "registry_state", "write_tree"]


class PluginSite:
    """A temporary ``sys.path`` entry holding fake installed distributions.

    Attributes:
        path: the folder, first on ``sys.path`` while the test runs.
    """

    __slots__ = ("path",)

    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"PluginSite({str(self.path)!r})"

    def add(self, tree: Mapping[str, Any]) -> None:
        """Write a nested dict of files (see ``write_tree``) and rescan.

        Example: ``{'toy-1.0.dist-info': {'METADATA': '...', 'entry_points.txt':
        '...'}, 'toy': {'__init__.py': '', 'registry.py': '...'}}``.
        """
        write_tree(self.path, tree)
        self._rescan()

    def add_distribution(
        self,
        name: str,
        version: str = "1.0",
        *,
        scopes: Mapping[str, str] | None = None,
        requires: Sequence[str] = (),
        modules: Mapping[str, str] | None = None,
        entry_points: Mapping[str, Mapping[str, str]] | None = None,
        metadata_extra: Sequence[str] = (),
    ) -> None:
        """Write one installed distribution and rescan.

        Args:
            name: the project name (``METADATA`` ``Name``).
            version: its version.
            scopes: scope -> module, the ``registry_core.scopes`` entry points.
            requires: ``Requires-Dist`` lines, e.g. ``['registry-core>=0.1']``.
            modules: relative path -> source, e.g. ``{'toy/registry.py': ...}``.
            entry_points: other entry-point groups: group -> name -> value.
            metadata_extra: more ``METADATA`` lines, e.g. ``['Requires-Python: >=3.10']``.
        """
        self.add(
            distribution_tree(
                name,
                version,
                scopes=scopes,
                requires=requires,
                modules=modules,
                entry_points=entry_points,
                metadata_extra=metadata_extra,
            )
        )

    def _rescan(self) -> None:
        import importlib

        import registry_core

        importlib.invalidate_caches()
        registry_core.refresh()

    def _cleanup(self) -> None:
        import importlib

        folder = str(self.path)
        while folder in sys.path:
            sys.path.remove(folder)
        sys.path_importer_cache.pop(folder, None)
        prefix = folder + os.sep
        for name, module in list(sys.modules.items()):
            if _imported_from(module, prefix):
                del sys.modules[name]
        importlib.invalidate_caches()


def _imported_from(module: object, prefix: str) -> bool:
    """Whether ``module`` was imported from under ``prefix``.

    A module counts by its ``__file__``; a namespace package (no file) when
    every folder of its ``__path__`` is under ``prefix``.
    """
    file = getattr(module, "__file__", None)
    if isinstance(file, str):
        return file.startswith(prefix)
    try:
        folders = list(getattr(module, "__path__", None) or ())
    except Exception:  # an exotic __path__
        return False
    return bool(folders) and all(isinstance(f, str) and f.startswith(prefix) for f in folders)


@pytest.fixture
def registry_state() -> Iterator[None]:
    """Undo every registry and discovery change the test makes."""
    saved = _isolation.snapshot()
    try:
        yield
    finally:
        saved.restore()


@pytest.fixture
def plugin_site(tmp_path: Path, registry_state: None) -> Iterator[PluginSite]:
    """A temporary site folder first on ``sys.path``, for fake distributions."""
    folder = tmp_path / "site-packages"
    folder.mkdir()
    site = PluginSite(folder)
    from registry_core.discovery._compat import CACHE_VAR as _CACHE_VAR

    # Compatibility verdicts are memoised on disk: keep them out of ~/.cache
    # unless the caller chose a place (or turned the cache off).
    cache_unset = _CACHE_VAR not in os.environ
    if cache_unset:
        os.environ[_CACHE_VAR] = str(tmp_path / "registry-core-cache")
    sys.path.insert(0, str(folder))
    try:
        site._rescan()  # noqa: SLF001  # its own class
        yield site
    finally:
        site._cleanup()  # noqa: SLF001  # its own class
        if cache_unset:
            os.environ.pop(_CACHE_VAR, None)
