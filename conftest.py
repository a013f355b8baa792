"""Every test, doctest and docs example starts from, and leaves, the same state.

``registry_state`` comes from our own pytest plugin (``registry_core.testing``),
which the installed distribution registers with pytest.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated(registry_state: None) -> None:
    """Undo registrations, attached children and discovery scans after each test."""
