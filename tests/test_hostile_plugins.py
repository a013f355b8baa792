"""Hostile plugins are contained, reported clearly, and leave other scopes working.

- A plugin whose import raises ``SystemExit`` (or anything else) fails with
  ``PluginLoadError``, the original exception chained; the process goes on.
- ``KeyboardInterrupt`` from a plugin's import still reaches the user.
- Two plugins whose imports each look a name up in the other's scope (a cycle)
  neither recurse nor hang: they load when the names they need exist by then,
  and fail with an error naming both scopes and the missing name otherwise.
- A plugin that attaches a registry under a scope another distribution owns is
  refused, whether or not the owner has loaded yet, and so is a module imported
  outside discovery that tries the same before discovery has scanned.

Each test installs a well-behaved ``bystander`` plugin next to the hostile
ones and checks it still works afterwards.
"""

from __future__ import annotations

import contextlib
import sys
import textwrap

import pytest

import registry_core
from registry_core import (
    MODELS,
    NotRegisteredError,
    PluginLoadError,
    ScopeConflictError,
)
from registry_core._node import origin
from registry_core.testing import PluginSite

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator


def registry_module(*, before: str = "", after: str = "", scope: str | None = None) -> str:
    """A plugin's ``registry.py``: ``before``, the child of ``MODELS``, ``NetA``, ``after``."""
    scope_arg = "" if scope is None else f", scope={scope!r}"
    return (
        "import registry_core\nfrom registry_core import Registry\n"
        + textwrap.dedent(before)
        + f'MODELS = Registry("model", parent=registry_core.MODELS{scope_arg})\n'
        + "@MODELS.register_module()\nclass NetA:\n    pass\n"
        + textwrap.dedent(after)
    )


def add_plugin(site: PluginSite, package: str, source: str, scope: str | None = None) -> None:
    site.add_distribution(
        package,
        scopes={scope or package: f"{package}.registry"},
        modules={f"{package}/__init__.py": "", f"{package}/registry.py": source},
    )


@pytest.fixture
def site(plugin_site: PluginSite) -> Iterator[PluginSite]:
    add_plugin(plugin_site, "bystander", registry_module())
    yield plugin_site
    # whatever happened, the well-behaved plugin works and reports no error
    assert MODELS.get("bystander.NetA") is sys.modules["bystander.registry"].NetA
    table = registry_core.load_all()
    assert (table["bystander"].status, table["bystander"].error) == ("loaded", None)


def causes(error: BaseException) -> list[BaseException]:
    """The chain of ``__cause__`` starting at ``error``."""
    chain = [error]
    while chain[-1].__cause__ is not None:
        chain.append(chain[-1].__cause__)
    return chain


# -- exceptions from an import ----------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "raise SystemExit(3)",
        "import sys; sys.exit('bye')",
        "raise GeneratorExit",
        "raise RecursionError('deep')",
        "raise MemoryError",
        "import no_such_module_anywhere",
        "raise registry_core.NotRegisteredError('a plugin raising our own error')",
    ],
)
def test_an_import_raising_anything_is_contained(site: PluginSite, statement: str) -> None:
    add_plugin(site, "exiter", registry_module(after=statement + "\n"))
    for _ in range(2):  # the error is kept: the import is not retried
        with pytest.raises(PluginLoadError) as info:
            MODELS.build({"type": "exiter.NetA"})
        error = info.value
        original = error.__cause__
        assert original is not None
        assert type(original).__name__ in str(error)
        assert (error.scope, error.module, error.distribution) == (
            "exiter",
            "exiter.registry",
            "exiter",
        )
        assert "REGISTRY_CORE_BLOCK=exiter" in str(error)  # what to do about it
    assert "exiter" not in MODELS.children  # the half-made child was taken out
    table = registry_core.load_all()
    assert table["exiter"].status == "failed"
    assert type(original).__name__ in (table["exiter"].error or "")


def test_system_exit_leaves_the_process_running_the_caller(site: PluginSite) -> None:
    add_plugin(site, "exiter", registry_module(before="raise SystemExit(0)\n"))
    with pytest.raises(PluginLoadError) as info:
        registry_core.load_scope("exiter")
    assert isinstance(info.value.__cause__, SystemExit)
    assert info.value.__cause__.code == 0
    # a lookup that only needs the bystander is not disturbed
    assert MODELS.build({"type": "bystander.NetA"}) is not None


def test_keyboard_interrupt_still_propagates(
    site: PluginSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_plugin(
        site,
        "ctrlc",
        registry_module(
            after="import os\nif os.environ.get('HOSTILE_CTRL_C'):\n    raise KeyboardInterrupt\n"
        ),
    )
    monkeypatch.setenv("HOSTILE_CTRL_C", "1")
    with pytest.raises(KeyboardInterrupt):
        MODELS.get("ctrlc.NetA")
    with pytest.raises(KeyboardInterrupt):
        registry_core.load_all()  # raises nothing else, but never swallows ^C
    assert "ctrlc" not in MODELS.children
    assert registry_core.available_scopes()["ctrlc"].status == "discovered"
    monkeypatch.delenv("HOSTILE_CTRL_C")
    assert MODELS.get("ctrlc.NetA") is not None  # the user may try again


# -- a cycle of imports ----------------------------------------------------------------


def test_a_cycle_whose_names_exist_by_then_loads(site: PluginSite) -> None:
    """Each registers ``NetA`` first, then looks up the other's: both load."""
    add_plugin(site, "yin", registry_module(after="OTHER = registry_core.MODELS['yang.NetA']\n"))
    add_plugin(site, "yang", registry_module(after="OTHER = registry_core.MODELS['yin.NetA']\n"))
    assert MODELS.get("yin.NetA") is not None
    yin, yang = sys.modules["yin.registry"], sys.modules["yang.registry"]
    assert yin.OTHER is yang.NetA and yang.OTHER is yin.NetA
    table = registry_core.available_scopes()
    assert (table["yin"].status, table["yang"].status) == ("loaded", "loaded")


def test_a_cycle_whose_names_do_not_exist_yet_fails_clearly(site: PluginSite) -> None:
    """Each looks up the other's name before registering its own: neither can load.

    The errors chain down to the lookup that could not succeed, and say that
    the scope it looked in was still being imported: the cycle.
    """
    lookup = "OTHER = registry_core.MODELS['{}.Late']\n"
    late = "@MODELS.register_module()\nclass Late:\n    pass\n"
    add_plugin(site, "yin", registry_module(after=lookup.format("yang") + late))
    add_plugin(site, "yang", registry_module(after=lookup.format("yin") + late))
    with pytest.raises(PluginLoadError) as info:
        MODELS.get("yin.NetA")
    chain = causes(info.value)
    assert [type(e) for e in chain] == [PluginLoadError, PluginLoadError, NotRegisteredError]
    assert [e.scope for e in chain[:2]] == ["yin", "yang"]  # type: ignore[attr-defined]
    missing = chain[2]
    assert missing.key == "yin.Late"  # type: ignore[attr-defined]
    assert "yin" in str(missing)
    # not recursion, not a hang: the statuses are final and the errors raise again
    table = registry_core.available_scopes()
    assert (table["yin"].status, table["yang"].status) == ("failed", "failed")
    with pytest.raises(PluginLoadError):
        MODELS.get("yang.NetA")
    assert "yin" not in MODELS.children and "yang" not in MODELS.children
    # the innermost message explains why the name was missing: yin was mid-import
    assert "being imported" in str(missing) or "cycle" in str(missing), str(missing)


# -- squatting on another distribution's scope --------------------------------------------


@pytest.mark.parametrize("owner_first", [True, False], ids=["owner-loaded", "owner-not-loaded"])
def test_a_plugin_cannot_attach_under_a_scope_another_distribution_owns(
    site: PluginSite, owner_first: bool
) -> None:
    add_plugin(site, "ownerdet", registry_module())
    add_plugin(site, "squatter", registry_module(scope="ownerdet"))
    if owner_first:
        assert MODELS.get("ownerdet.NetA") is not None
    with pytest.raises(PluginLoadError) as info:
        registry_core.load_scope("squatter")
    conflict = info.value.__cause__
    assert isinstance(conflict, ScopeConflictError)
    assert conflict.scope == "ownerdet"
    assert "ownerdet" in str(conflict) and "squatter.registry" in str(conflict)
    assert MODELS.get("ownerdet.NetA") is sys.modules["ownerdet.registry"].NetA
    assert origin(MODELS.children["ownerdet"]) == "ownerdet.registry"
    assert registry_core.available_scopes()["ownerdet"].status == "loaded"


def test_a_module_imported_before_the_scan_cannot_squat_a_plugin_scope(
    site: PluginSite,
) -> None:
    """``import squatter`` by user code, before anything asked discovery for anything.

    Attaching a child of scope ``ownerdet`` there must still be refused, or
    every ``'ownerdet.*'`` key would silently resolve to the squatter's code
    and the real plugin would never be imported.
    """
    add_plugin(site, "ownerdet", registry_module())
    site.add({"squatting_lib.py": registry_module(scope="ownerdet")})
    from registry_core import discovery

    discovery.reset()  # as in a new process: nothing scanned yet
    with contextlib.suppress(ScopeConflictError):  # refusing the attach is one way
        import squatting_lib  # noqa: F401
    net = MODELS.get("ownerdet.NetA")
    assert net.__module__ == "ownerdet.registry", f"'ownerdet.NetA' resolved to {net!r}"
    assert origin(MODELS.children["ownerdet"]) == "ownerdet.registry"
