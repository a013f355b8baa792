"""Each deliberate difference from MMEngine's ``Registry``, pinned by a test.

The table in docs/migrating-from-mmengine.md lists them with the reasons.
"""

from __future__ import annotations

import sys

import pytest

from registry_core import (
    DuplicateRegistrationError,
    Registry,
    ScopeNotFoundError,
    current_scope,
)


def test_no_dotted_import_fallback() -> None:
    """MMEngine's get('a.b.C') imports module a.b when no scope 'a' exists."""
    reg = Registry("m", scope="diff1")
    before = set(sys.modules)
    assert reg.get("collections.OrderedDict") is None
    assert reg.get("email.mime.text.MIMEText") is None
    assert set(sys.modules) == before


def test_no_import_by_naming_convention() -> None:
    """MMEngine imports '<scope>.registry' for an unknown scope; we ask discovery only."""
    reg = Registry("m", scope="diff2")
    before = set(sys.modules)
    assert reg.get("json.Anything") is None  # would import json.registry (and json)
    assert "json.registry" not in sys.modules
    assert set(sys.modules) - before <= {
        "registry_core.discovery",
        "registry_core.discovery._state",
        "registry_core.discovery._scan",
        "registry_core.discovery._compat",
        "contextlib",
        "threading",
    }


def test_unknown_scope_is_loud() -> None:
    """MMEngine logs a warning for an unknown scope and builds from the root."""
    reg = Registry("m", scope="diff3")
    reg.register_module(name="X", module=dict)
    with pytest.raises(ScopeNotFoundError):
        reg.build({"type": "X", "_scope_": "no_such_codebase"})
    with pytest.raises(ScopeNotFoundError), reg.switch_scope_and_registry("no_such_codebase"):
        pass
    assert current_scope() is None


def test_scope_prefix_is_consistent_from_any_node() -> None:
    """'scope.Name' means the same from the root, a sibling, or the scope itself."""
    root = Registry("m", scope="diff4")
    a = Registry("m", parent=root, scope="aa")
    b = Registry("m", parent=root, scope="bb")
    obj = a.register_module(name="N", module=type("N", (), {}))
    assert root.get("aa.N") is obj and b.get("aa.N") is obj and a.get("aa.N") is obj


def test_aliases_are_atomic() -> None:
    """MMEngine registers aliases one by one and can stop half-way."""
    reg = Registry("m", scope="diff5")
    reg.register_module(name="taken", module=abs)
    with pytest.raises(DuplicateRegistrationError):
        reg.register_module(name=["fresh", "taken"], module=len)
    assert "fresh" not in reg


def test_re_registration_is_idempotent() -> None:
    """MMEngine raises KeyError when the same class is registered twice."""
    reg = Registry("m", scope="diff6")

    class Net:
        pass

    reg.register_module()(Net)
    reg.register_module()(Net)
    assert reg.items() == [("Net", Net)]


def test_get_never_raises_for_a_miss() -> None:
    """MMEngine's get sometimes returns None and sometimes raises; ours returns default."""
    reg = Registry("m", scope="diff7")
    assert reg.get("nope.Nope") is None
    assert reg.get("Nope", 0) == 0
