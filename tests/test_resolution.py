"""One resolution, one suggestions rule (issue 15, point 1).

The lookup, the miss message, ``show`` (``introspect.describe``) and
``validate`` read one trace of how a key resolved, and the miss message and
validate share one rule for "registered in scope X". These tests look at the
public results only: what each of them says about the same tree.

The tree::

        [res_root]: Root
         /          \\
    [res_a]: Net    [res_b]: Net, Head
        |
    [res_c]: Leaf
"""

from __future__ import annotations

from typing import Any

import pytest

from registry_core import ConfigError, NotRegisteredError, Registry, introspect, validate


class Net: ...


class Head: ...


class Leaf: ...


class Root: ...


@pytest.fixture
def tree(registry_state: None) -> dict[str, Registry[object]]:
    root = Registry("thing", scope="res_root")
    a = Registry("thing", parent=root, scope="res_a")
    b = Registry("thing", parent=root, scope="res_b")
    c = Registry("thing", parent=a, scope="res_c")
    root.register_module(module=Root)
    a.register_module(module=Net)
    b.register_module(name="Net", module=Head)
    b.register_module(module=Head)
    c.register_module(module=Leaf)
    return {"root": root, "a": a, "b": b, "c": c}


def _miss(registry: Registry[object], key: str) -> NotRegisteredError:
    with pytest.raises(NotRegisteredError) as info:
        registry[key]
    return info.value


def _issue(registry: Registry[object], key: str) -> Any:
    with pytest.raises(ConfigError) as info:
        validate({"type": key}, registry)
    (issue,) = info.value.issues
    return issue


def _suggestions(registry: Registry[object], key: str) -> list[str]:
    return list(_issue(registry, key).suggestions)


def test_registered_in_scope_is_one_rule_for_the_miss_and_validate(
    tree: dict[str, Registry[object]],
) -> None:
    root = tree["root"]
    error = _miss(root, "Net")  # not visible from the root; held by res_a and res_b
    assert list(error.found_in) == ["res_a", "res_b"]
    assert "'Net' is registered in scope: res_a (as 'res_a.Net'), res_b" in str(error)
    assert _suggestions(root, "Net") == ["res_a.Net", "res_b.Net"]


def test_a_visible_name_is_never_suggested_from_another_scope(
    tree: dict[str, Registry[object]],
) -> None:
    # From res_c, 'Net' is visible (its parent res_a holds it): both suggest it as
    # typed, and neither adds res_b's 'Net' (on main the miss message added it).
    c = tree["c"]
    assert list(_miss(c, "Nte").suggestions) == ["Net"]
    assert _suggestions(c, "Nte") == ["Net"]


def test_scoped_keys_are_written_with_the_scopes_typed(tree: dict[str, Registry[object]]) -> None:
    root = tree["root"]
    error = _miss(root, "res_a.res_c.Lef")
    assert (error.registry, error.scope) == ("thing", "res_c")
    assert list(error.suggestions) == ["res_a.res_c.Leaf"]
    assert _suggestions(root, "res_a.res_c.Lef") == ["res_a.res_c.Leaf"]


def test_a_missing_scope_is_named_by_both(tree: dict[str, Registry[object]]) -> None:
    root = tree["root"]
    error = _miss(root, "res_a.nowhere_at_all.Net")
    assert error.scope == "res_a"  # the walk stopped in res_a's registry
    assert "no registry of scope 'nowhere_at_all'" in str(error)
    issue = _issue(root, "res_a.nowhere_at_all.Net")
    assert issue.code == "unknown-scope" and "'nowhere_at_all'" in issue.message


def test_show_names_the_registry_that_holds_the_object(tree: dict[str, Registry[object]]) -> None:
    # 'res_c.Net' is looked up in res_c and found in its parent res_a.
    result = introspect.describe("res_c.Net", registry=tree["root"])
    (hit,) = result.hits
    assert (hit.scope, hit.name, hit.qualname) == ("res_a", "Net", f"{__name__}.Net")
    (alias,) = introspect.describe("res_b.Head", registry=tree["root"]).hits
    assert (alias.scope, alias.aliases) == ("res_b", ("Net",))


def test_empty_segments_resolve_to_nothing_everywhere(tree: dict[str, Registry[object]]) -> None:
    root = tree["root"]
    for key in ("res_a..Net", ".Net", "res_a."):
        assert root.get(key) is None
        assert "empty scope" in str(_miss(root, key)) or key.endswith(".")
