"""A failed, interrupted or refused load leaves nothing behind, and never ends the host.

- A ``locations`` module that raised once is retried cleanly on the next need.
- A ``KeyboardInterrupt`` in the middle of a plugin's import propagates and
  leaves the scope as it was before: not ``loaded``, no child, nothing
  registered, its modules gone, so the next need imports it afresh.
- What a failed import registered anywhere (a collate function in
  ``FUNCTIONS``) is taken back.
- A blocked scope's code that another module imports does not attach.
- ``SystemExit`` from a ``locations`` module never ends the host: not from a
  lookup, not while the help of an unrelated miss is composed, not from
  ``registry-core show``.
- A damaged compatibility cache is ignored; requirement names are normalised
  as ``packaging`` does.

Each plugin here has its own package; ``plugin_site`` (``registry_core.testing``)
writes it as an installed distribution.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import registry_core
from registry_core import (
    FUNCTIONS,
    MODELS,
    IncompatiblePluginError,
    NotRegisteredError,
    PluginLoadError,
)
from registry_core._names import own_names
from registry_core.testing import PluginSite
from tests._children import json_of, plugin, run_python, write_site

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def add(site: PluginSite, package: str, files: dict[str, str], **kwargs: object) -> None:
    site.add_distribution(
        package,
        scopes=kwargs.pop("scopes", None) or {package: f"{package}.registry"},  # type: ignore[arg-type]
        modules={
            f"{package}/__init__.py": "",
            **{f"{package}/{name}": textwrap.dedent(src) for name, src in files.items()},
        },
        **kwargs,  # type: ignore[arg-type]
    )


def registry_with_locations(package: str) -> str:
    return f"""
        import registry_core
        MODELS = registry_core.Registry(
            "model", parent=registry_core.MODELS, locations=["{package}.models"]
        )
    """


# -- 5. retries after a failure ---------------------------------------------------------


def test_a_location_that_raised_once_is_retried_cleanly(
    plugin_site: PluginSite, tmp_path: Path
) -> None:
    flag = tmp_path / "fail-once"
    flag.write_text("")
    add(
        plugin_site,
        "flaky",
        {
            "registry.py": registry_with_locations("flaky"),
            "models.py": f"""
                import os
                from flaky.registry import MODELS

                @MODELS.register_module()
                class NetA:
                    pass

                if os.path.exists({str(flag)!r}):
                    os.remove({str(flag)!r})
                    raise RuntimeError("transient")
            """,
        },
    )
    with pytest.raises(RuntimeError, match="transient") as info:
        MODELS.get("flaky.NetA")
    assert any("flaky.models" in note for note in getattr(info.value, "__notes__", []))
    child = MODELS.children["flaky"]
    assert dict(own_names(child)) == {}  # the half-run's NetA was taken back
    assert "flaky.models" not in sys.modules
    # the next need imports the location again, and this time it works
    net = MODELS.get("flaky.NetA")
    assert net is sys.modules["flaky.models"].NetA
    assert MODELS.get("flaky.NetA") is net


def test_a_location_that_always_fails_keeps_failing_the_same_way(plugin_site: PluginSite) -> None:
    add(
        plugin_site,
        "broken",
        {
            "registry.py": registry_with_locations("broken"),
            "models.py": """
                from broken.registry import MODELS

                @MODELS.register_module()
                class NetA:
                    pass

                raise ValueError("always")
            """,
        },
    )
    for _ in range(3):  # never a DuplicateRegistrationError against its own half-run
        with pytest.raises(ValueError, match="always"):
            MODELS.get("broken.NetA")


def test_keyboard_interrupt_in_a_plugin_import_leaves_nothing_behind(
    plugin_site: PluginSite, tmp_path: Path
) -> None:
    flag = tmp_path / "interrupt-once"
    flag.write_text("")
    add(
        plugin_site,
        "ctrlc",
        {
            "registry.py": f"""
                import os
                import registry_core
                from ctrlc import helpers
                MODELS = registry_core.Registry("model", parent=registry_core.MODELS)

                @MODELS.register_module()
                class NetA:
                    pass

                registry_core.FUNCTIONS.register_module(
                    name="ctrlc_collate", module=helpers.collate
                )
                if os.path.exists({str(flag)!r}):
                    os.remove({str(flag)!r})
                    raise KeyboardInterrupt
            """,
            "helpers.py": """
                def collate(batch):
                    return batch
            """,
        },
    )
    with pytest.raises(KeyboardInterrupt):
        MODELS.get("ctrlc.NetA")
    info = registry_core.available_scopes()["ctrlc"]
    assert (info.status, info.error) == ("discovered", None)
    assert "ctrlc" not in MODELS.children
    assert FUNCTIONS.get("ctrlc_collate") is None
    assert not [m for m in sys.modules if m.split(".")[0] == "ctrlc"]
    # the user tries again: everything is imported afresh, nothing clashes
    assert MODELS.get("ctrlc.NetA") is sys.modules["ctrlc.registry"].NetA
    assert FUNCTIONS.get("ctrlc_collate") is sys.modules["ctrlc.helpers"].collate
    assert registry_core.available_scopes()["ctrlc"].status == "loaded"


def test_what_a_failed_import_registered_anywhere_is_taken_back(plugin_site: PluginSite) -> None:
    add(
        plugin_site,
        "halfway",
        {
            "registry.py": """
                import registry_core
                MODELS = registry_core.Registry("model", parent=registry_core.MODELS)
                DATA = registry_core.Registry("dataset", parent=registry_core.DATASETS)

                @registry_core.FUNCTIONS.register_module()
                def halfway_collate(batch):
                    return batch

                @MODELS.register_module()
                class NetA:
                    pass

                raise ImportError("a dependency is missing")
            """
        },
    )
    with pytest.raises(PluginLoadError, match="a dependency is missing"):
        MODELS.get("halfway.NetA")
    assert FUNCTIONS.get("halfway_collate") is None
    assert "halfway" not in MODELS.children
    assert "halfway" not in registry_core.DATASETS.children
    assert "halfway.registry" not in sys.modules
    with pytest.raises(PluginLoadError):  # the failure is kept until refresh()
        MODELS.get("halfway.NetA")


def test_a_fixed_plugin_loads_after_refresh_without_clashing(plugin_site: PluginSite) -> None:
    broken = """
        import registry_core
        MODELS = registry_core.Registry("model", parent=registry_core.MODELS)

        @registry_core.FUNCTIONS.register_module()
        def later_collate(batch):
            return batch

        @MODELS.register_module()
        class NetA:
            pass
    """
    add(plugin_site, "later", {"registry.py": broken + "\nraise RuntimeError('not yet')\n"})
    with pytest.raises(PluginLoadError):
        MODELS.get("later.NetA")
    add(plugin_site, "later", {"registry.py": broken})  # rescans, like refresh()
    assert MODELS.get("later.NetA") is sys.modules["later.registry"].NetA
    assert FUNCTIONS.get("later_collate") is sys.modules["later.registry"].later_collate


# -- 7. the block list -------------------------------------------------------------------


def test_a_blocked_scope_imported_by_another_module_does_not_attach(
    plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_CORE_BLOCK", "blk")
    add(
        plugin_site,
        "blk",
        {
            "registry.py": """
                import registry_core
                MODELS = registry_core.Registry("model", parent=registry_core.MODELS)

                @MODELS.register_module()
                class NetA:
                    pass
            """
        },
    )
    add(
        plugin_site,
        "user",
        {"registry.py": "import blk.registry\n"},
        scopes={"usr": "user.registry"},
    )
    import importlib

    with pytest.raises(PluginLoadError, match="REGISTRY_CORE_BLOCK") as info:
        importlib.import_module("blk.registry")  # some other code imports it directly
    assert info.value.scope == "blk"
    assert "blk" not in MODELS.children
    with pytest.raises(PluginLoadError, match="REGISTRY_CORE_BLOCK"):
        MODELS.get("blk.NetA")
    # a plugin that imports the blocked one fails, and says why
    with pytest.raises(PluginLoadError, match="REGISTRY_CORE_BLOCK"):
        MODELS.get("usr.Anything")
    assert "blk" not in MODELS.children
    assert registry_core.available_scopes()["blk"].status == "blocked"


# -- 8. SystemExit from a location -------------------------------------------------------

EXITING_LOCATION = {
    "registry.py": registry_with_locations("quitter"),
    "models.py": """
        import sys
        from quitter.registry import MODELS

        @MODELS.register_module()
        class NetA:
            pass

        sys.exit(4)
    """,
}


def test_system_exit_from_a_location_never_ends_the_host(plugin_site: PluginSite) -> None:
    add(plugin_site, "quitter", EXITING_LOCATION)
    with pytest.raises(PluginLoadError, match="SystemExit") as info:
        MODELS.get("quitter.NetA")
    assert isinstance(info.value.__cause__, SystemExit)
    assert "quitter.models" in str(info.value)
    # composing the help of an unrelated miss visits every registry's names
    registry_core.load_all()
    with pytest.raises(NotRegisteredError, match="NoSuchNet"):
        MODELS["NoSuchNet"]
    assert len(MODELS) == 0


def test_registry_core_show_survives_a_location_that_exits(tmp_path: Path) -> None:
    site = write_site(tmp_path, plugin("quitter", EXITING_LOCATION))
    for key in ("quitter.NetA", "NoSuchNet"):
        run = subprocess.run(
            [sys.executable, "-m", "registry_core", "show", key],
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path[1:]])},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 1, run.stdout + run.stderr
        assert "Traceback" not in run.stderr
        assert "already registered" not in run.stderr
        if key == "quitter.NetA":  # the miss says why: the location exited
            assert "SystemExit" in run.stderr and "quitter.models" in run.stderr


# -- 9 and 10. compatibility --------------------------------------------------------------


def test_requirement_names_are_normalised_as_packaging_does(plugin_site: PluginSite) -> None:
    add(
        plugin_site,
        "fussy",
        {"registry.py": "raise AssertionError('an incompatible plugin is never imported')\n"},
        requires=["registry__core>=99"],
    )
    with pytest.raises(IncompatiblePluginError, match="registry__core>=99"):
        MODELS.get("fussy.NetA")
    assert registry_core.available_scopes()["fussy"].status == "incompatible"


CHECK_TWICE = """
    import json
    import registry_core
    from registry_core.discovery import _compat
    try:
        registry_core.MODELS.get("needy.NetA")
        raised = None
    except Exception as exc:
        raised = type(exc).__name__
    table = registry_core.load_all()
    print(json.dumps({"raised": raised, "status": table["needy"].status,
                      "cache": _compat.cache_file()}))
"""


def test_a_damaged_compatibility_cache_is_ignored(tmp_path: Path) -> None:
    site = write_site(
        tmp_path / "site",
        plugin(
            "needy",
            {
                "registry.py": """
                    import registry_core
                    MODELS = registry_core.Registry("model", parent=registry_core.MODELS)

                    @MODELS.register_module()
                    class NetA:
                        pass
                """
            },
            requires=["registry-core>=99"],
        ),
    )
    env = {"REGISTRY_CORE_CACHE_DIR": str(tmp_path / "cache")}
    first = json_of(run_python(CHECK_TWICE, site, env=env))
    assert (first["raised"], first["status"]) == ("IncompatiblePluginError", "incompatible")
    cache = first["cache"]
    with open(cache, encoding="utf-8") as file:
        text = file.read()
    assert text.count("\n") == 1
    damaged = [
        text.rsplit("\t", 1)[0] + "\n",  # a line cut short: the reason is missing
        text[: len(text) // 2],  # a truncated file
        text.rstrip("\n") + "\tstray\textra\n",  # too many fields
        "\x00\xff garbage\n" + text,
    ]
    for content in damaged:
        with open(cache, "w", encoding="utf-8", errors="surrogateescape") as file:
            file.write(content)
        again = json_of(run_python(CHECK_TWICE, site, env=env))
        assert (again["raised"], again["status"]) == ("IncompatiblePluginError", "incompatible")
