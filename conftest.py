"""Every test, doctest and docs example starts from, and leaves, the same state.

``registry_state`` comes from our own pytest plugin (``registry_core.testing``),
which the installed distribution registers with pytest.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the compatibility cache of every test (and subprocess) out of ~/.cache."""
    import os

    os.environ["REGISTRY_CORE_CACHE_DIR"] = str(tmp_path_factory.mktemp("compat-cache"))


@pytest.fixture(autouse=True)
def _isolated(registry_state: None) -> None:
    """Undo registrations, attached children and discovery scans after each test."""
