"""The MMEngine bridge with small codebases of our own, on real MMEngine (SPEC §12).

Each test installs ``mmtoy`` (see ``codebases``) into a temporary site folder
and runs a fresh interpreter of this environment, so that discovery, the
first import and MMEngine's global state start clean every time. The
scenarios are those of issue 17, item 3.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from codebases import distribution, run, write, write_mmtoy


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    write_mmtoy(folder)
    return folder


def test_found_without_import_and_attached_where_mmengine_has_them(site: Path) -> None:
    out = run(
        """
        import sys
        import registry_core
        from registry_core import MODELS, OPTIM_WRAPPERS
        from registry_core.roots import ROOTS

        info = registry_core.available_scopes()
        assert (info["mmtoy"].module, info["mmtoy"].source) == ("mmtoy.registry", "mmengine")
        assert info["mmengine"].source == "mmengine"
        assert "mmtoy" not in sys.modules and "mmengine" not in sys.modules

        Net = MODELS.get("mmtoy.Net")
        import mmengine.registry as engine
        import mmtoy.registry as toy
        assert Net is toy.MODELS.get("Net")
        view = MODELS.children["mmengine"].children["mmtoy"]
        assert view.mmengine_registry is toy.MODELS
        assert view.parent.mmengine_registry is engine.MODELS
        # matched by identity: MMEngine's optim_wrapper has the child optimizer_wrapper
        wrapper = OPTIM_WRAPPERS.children["mmengine"].children["mmtoy"]
        assert wrapper.name == "optimizer_wrapper" and wrapper.get("ToyWrapper") is not None
        # a parentless registry becomes a root that tree and list show
        assert ROOTS["AUGMENTS"].get("Mixup") is toy.AUGMENTS.get("Mixup")
        assert ROOTS["AUGMENTS"].scope == "mmtoy" and ROOTS["AUGMENTS"].parent is None
        import pickle
        assert pickle.loads(pickle.dumps(view)) is view  # by reference, as any registry
        assert info["mmtoy"].status == "discovered"
        assert registry_core.available_scopes()["mmtoy"].status == "loaded"
        print("ok")
        """,
        site,
    )
    assert out.strip() == "ok"


def test_views_are_live(site: Path) -> None:
    """Names registered after attaching are seen; a replaced name is never served stale."""
    run(
        """
        from registry_core import MODELS
        view = MODELS.children["mmengine"].children["mmtoy"] if MODELS.get("mmtoy.Net") else None
        import mmtoy.registry as toy
        from mmengine.registry import MODELS as ENGINE

        class Late: pass
        toy.MODELS.register_module(module=Late)
        assert MODELS.get("mmtoy.Late") is Late and view.get("Late") is Late

        class Other: pass
        assert view.get("Late") is Late  # cached now
        toy.MODELS.register_module(name="Late", module=Other, force=True)
        assert view.get("Late") is Other and MODELS.get("mmtoy.Late") is Other

        # MMEngine's registry still copies and pickles (its names as a plain dict)
        import copy, pickle
        assert type(copy.deepcopy(toy.MODELS).module_dict) is dict
        assert pickle.loads(pickle.dumps(toy.MODELS)).get("Late") is Other

        # a name found in an ancestor, then registered nearer, hides the ancestor's
        class Far: pass
        ENGINE.register_module(name="Shadowed", module=Far)
        assert view.get("Shadowed") is Far
        class Near: pass
        toy.MODELS.register_module(name="Shadowed", module=Near)
        assert view.get("Shadowed") is Near
        print("ok")
        """,
        site,
    )


def test_registering_through_a_view_lands_in_mmengine(site: Path) -> None:
    run(
        """
        from registry_core import MODELS, DuplicateRegistrationError
        MODELS.get("mmtoy.Net")
        view = MODELS.children["mmengine"].children["mmtoy"]
        import mmtoy.registry as toy

        @view.register_module()
        class ViaView: pass
        assert toy.MODELS.get("ViaView") is ViaView
        assert toy.MODELS.build(dict(type="ViaView")).__class__ is ViaView
        try:
            view.register_module(name="ViaView", module=dict)
        except DuplicateRegistrationError:
            pass
        else:
            raise AssertionError("a taken name was replaced")
        print("ok")
        """,
        site,
    )


def test_nested_builds_and_default_scope_sync(site: Path) -> None:
    """MMEngine's default scope is the view's for a build through it, restored after."""
    run(
        """
        import registry_core
        from registry_core import MODELS, default_scope, init_default_scope
        from mmengine.registry import DefaultScope
        from mmengine.registry import MODELS as ENGINE

        def engine_scope():
            current = DefaultScope.get_current_instance()
            return None if current is None else current.scope_name

        view = MODELS.children["mmengine"].children["mmtoy"] if MODELS.get("mmtoy.Net") else None
        net = view.build(dict(type="Net"))  # through the view: MMEngine's build function
        assert net.scope_seen == "mmtoy" and type(net.norm).__name__ == "Norm"
        assert engine_scope() is None
        net = view.build(dict(type="Net"))  # again (the cached fast path)
        assert net.scope_seen == "mmtoy" and engine_scope() is None

        # a build that raises restores the scope too
        for _ in range(2):
            try:
                view.build(dict(type="Net", fail=True))
            except ValueError as exc:
                assert "mmtoy::model" in "".join(getattr(exc, "__notes__", []))
            assert engine_scope() is None

        # without our default scope, a build from the root does not reach mmtoy's Norm
        try:
            MODELS.build(dict(type="mmtoy.Net"))
        except KeyError as exc:
            assert "Norm not found" in str(exc)
        else:
            raise AssertionError("nested build found Norm without a default scope")

        with default_scope("mmtoy"):  # sets MMEngine's for the block
            assert engine_scope() == "mmtoy"
            assert MODELS.build(dict(type="Net")).scope_seen == "mmtoy"
            with default_scope("mmengine"):
                assert engine_scope() == "mmengine"
            assert engine_scope() == "mmtoy"
        assert engine_scope() is None

        try:
            with default_scope("mmtoy"):
                raise OSError("in the block")
        except OSError:
            pass
        assert engine_scope() is None

        # _scope_ in a config
        assert MODELS.build(dict(type="Net", _scope_="mmtoy")).scope_seen == "mmtoy"
        assert engine_scope() is None

        # init_default_scope: for the rest of the context (MMEngine's is global)
        init_default_scope("mmtoy")
        assert engine_scope() == "mmtoy"
        assert MODELS.build(dict(type="Net")).scope_seen == "mmtoy"
        init_default_scope(None)
        assert engine_scope() is None
        print("ok")
        """,
        site,
    )


def test_default_scope_set_before_anything_loaded(site: Path) -> None:
    """A process whose first act is a default scope: the sync still follows it."""
    run(
        """
        import sys
        from registry_core import MODELS, default_scope
        with default_scope("mmtoy"):
            net = MODELS.build(dict(type="Net"))
            assert net.scope_seen == "mmtoy"
        from mmengine.registry import DefaultScope
        assert DefaultScope.get_current_instance() is None
        print("ok")
        """,
        site,
    )


def test_threads_race_the_first_lookup(site: Path, tmp_path: Path) -> None:
    log = tmp_path / "imports.log"
    run(
        """
        import threading
        from registry_core import MODELS
        barrier = threading.Barrier(8)
        found = []
        def look():
            barrier.wait()
            found.append(MODELS.get("mmtoy.Net"))
        threads = [threading.Thread(target=look) for _ in range(8)]
        for t in threads: t.start()
        for t in threads: t.join(60)
        assert len(found) == 8 and len({id(f) for f in found}) == 1 and found[0] is not None
        print("ok")
        """,
        site,
        MMTOY_IMPORTS=str(log),
    )
    assert log.read_text() == "imported\n"  # once


def test_a_registry_py_that_raises(site: Path, tmp_path: Path) -> None:
    """Isolated PluginLoadError; MMEngine's tree is left clean, so a retry works."""
    flag = tmp_path / "fail"
    flag.write_text("")
    run(
        f"""
        import os
        import registry_core
        from registry_core import MODELS, PluginLoadError
        try:
            MODELS.get("mmtoy.Net")
        except PluginLoadError as exc:
            assert "mmtoy.registry is broken" in str(exc.__cause__), exc
        else:
            raise AssertionError("no error")
        assert registry_core.available_scopes()["mmtoy"].status == "failed"
        assert registry_core.available_scopes()["mmengine"].status == "loaded"
        from mmengine.registry import MODELS as ENGINE
        assert "mmtoy" not in ENGINE.children  # undone in MMEngine too
        assert "mmtoy" not in MODELS.children["mmengine"].children
        from registry_core.roots import ROOTS
        assert "AUGMENTS" not in ROOTS
        os.remove({str(flag)!r})
        registry_core.refresh()
        Net = MODELS.get("mmtoy.Net")
        assert Net is not None and Net.__module__ == "mmtoy.models"
        assert MODELS.children["mmengine"].children["mmtoy"].build(dict(type="Net")).norm
        print("ok")
        """,
        site,
        MMTOY_FAIL=str(flag),
    )


def test_blocked(site: Path) -> None:
    run(
        """
        import sys
        import registry_core
        from registry_core import MODELS, PluginLoadError
        assert registry_core.available_scopes()["mmtoy"].status == "blocked"
        try:
            MODELS.get("mmtoy.Net")
        except PluginLoadError as exc:
            assert "REGISTRY_CORE_BLOCK" in str(exc)
        else:
            raise AssertionError("no error")
        assert "mmtoy.registry" not in sys.modules
        print("ok")
        """,
        site,
        REGISTRY_CORE_BLOCK="mmtoy",
    )


def test_bridging_off(site: Path) -> None:
    run(
        """
        import sys
        import registry_core
        from registry_core import MODELS
        assert "mmtoy" not in registry_core.available_scopes()
        assert MODELS.get("mmtoy.Net") is None
        assert "mmtoy" not in sys.modules and "mmengine" not in sys.modules
        print("ok")
        """,
        site,
        REGISTRY_CORE_BRIDGE="0",
    )


def test_a_distribution_with_entry_points_and_mmengine_registries(tmp_path: Path) -> None:
    """Its entry points win: it is a registry_core plugin, not bridged."""
    site = tmp_path / "site"
    rc_registry = (
        "import registry_core\n"
        "MODELS = registry_core.Registry('model', parent=registry_core.MODELS)\n"
        "@MODELS.register_module()\nclass Native: pass\n"
    )
    modules = {"__init__.py": "", "registry.py": "raise RuntimeError('bridged')\n"}
    modules["rc_registry.py"] = rc_registry
    entry_points = "[registry_core.scopes]\nmmboth = mmboth.rc_registry\n"
    write(site, distribution("mmboth", "mmboth", modules, entry_points=entry_points))
    run(
        """
        import registry_core
        from registry_core import MODELS
        info = registry_core.available_scopes()["mmboth"]
        assert (info.source, info.module) == ("entry-point", "mmboth.rc_registry")
        assert MODELS.get("mmboth.Native").__name__ == "Native"
        print("ok")
        """,
        site,
    )


def test_a_class_mmengine_registers_is_found_through_the_mmengine_level(site: Path) -> None:
    """mmtoy.X for a class MMEngine registers in its own scope resolves, and says where."""
    out = run(
        """
        from registry_core import OPTIM_WRAPPERS
        import mmengine.optim  # registers OptimWrapper in MMEngine's root
        wrapper = OPTIM_WRAPPERS.get("mmtoy.OptimWrapper")
        assert wrapper is mmengine.optim.OptimWrapper
        from registry_core.introspect import describe
        print(describe("mmtoy.OptimWrapper", OPTIM_WRAPPERS).hits[0].scope)
        """,
        site,
    )
    assert out.split()[-1] == "mmengine"


def test_locations_that_fail_are_retried_cleanly(site: Path, tmp_path: Path) -> None:
    """What a failed import of the locations registered in MMEngine is taken back."""
    flag = tmp_path / "fail"
    flag.write_text("")
    run(
        f"""
        import os
        from registry_core import MODELS
        try:
            MODELS.get("mmtoy.Net")
        except RuntimeError as exc:
            assert "mmtoy.models is broken" in str(exc)
        else:
            raise AssertionError("no error")
        import mmtoy.registry as toy
        assert "Net" not in toy.MODELS.module_dict  # taken back in MMEngine too
        os.remove({str(flag)!r})
        Net = MODELS.get("mmtoy.Net")
        assert Net is toy.MODELS.get("Net") and Net.__module__ == "mmtoy.models"
        print("ok")
        """,
        site,
        MMTOY_MODELS_FAIL=str(flag),
    )


def test_blocking_mmengine_blocks_what_is_built_on_it(site: Path) -> None:
    run(
        """
        import sys
        from registry_core import MODELS, PluginLoadError
        try:
            MODELS.get("mmtoy.Net")
        except PluginLoadError as exc:
            assert "REGISTRY_CORE_BLOCK" in str(exc) and "mmengine" in str(exc)
        else:
            raise AssertionError("no error")
        assert "mmtoy.registry" not in sys.modules
        print("ok")
        """,
        site,
        REGISTRY_CORE_BLOCK="mmengine",
    )


def test_a_root_without_the_default_scopes_registry_resolves_from_mmengines(site: Path) -> None:
    """Issue 17, second round (root scope fallback): mmtoy makes no FUNCTIONS
    registry. Under default scope mmtoy, MMEngine resolves from the registry the
    call was made on, its root FUNCTIONS, which holds MMEngine's own names; our
    FUNCTIONS root resolves from its mmengine level, that root's view (it
    resolved from itself and found nothing)."""
    out = run(
        """
        import logging
        import mmengine.dataset  # registers default_collate in MMEngine's FUNCTIONS
        import mmengine.registry as engine
        from mmengine.logging import MMLogger
        from registry_core import FUNCTIONS, MODELS, default_scope

        MMLogger.get_current_instance().setLevel(logging.ERROR)  # its fallback warns
        batch = [{"x": 1}, {"x": 2}]
        with engine.DefaultScope.overwrite_default_scope("mmtoy"):
            theirs = engine.FUNCTIONS.build(dict(type="default_collate", data_batch=batch))
        with default_scope("mmtoy"):
            ours = FUNCTIONS.build(dict(type="default_collate", data_batch=batch))
            assert "mmtoy" in MODELS.children["mmengine"].children  # loaded by the build
            assert "mmtoy" not in FUNCTIONS.children["mmengine"].children
            with FUNCTIONS.switch_scope_and_registry(None) as registry:
                assert registry is FUNCTIONS.children["mmengine"]
                assert registry.get("default_collate") is engine.FUNCTIONS.get("default_collate")
            # an MMEngine-style build function, as a ported runner has them
            with FUNCTIONS.switch_scope_and_registry(None) as registry:
                collate = registry.get("default_collate")
            # get never reads the default scope (SPEC 3): the root's own names
            assert FUNCTIONS.get("default_collate") is None
            assert FUNCTIONS.get("mmengine.default_collate") is collate
        assert repr(ours) == repr(theirs)
        print("ok")
        """,
        site,
    )
    assert out.strip().splitlines()[-1] == "ok"


def test_registries_made_after_their_scope_loaded_are_viewed_at_the_next_miss(
    site: Path,
) -> None:
    """Issue 17, second round: a module imported after mmtoy loaded makes MMEngine
    registries under a viewed one; they get views at the next lookup that misses
    their scope (never on a hit), with the registries under them."""
    out = run(
        """
        from registry_core import MODELS
        from registry_core.roots import ROOTS

        assert MODELS.get("mmtoy.Net") is not None  # mmtoy loaded
        toy = MODELS.children["mmengine"].children["mmtoy"]
        import mmtoy.extra as extra

        assert "mmtoy_extra" not in toy.children  # MMEngine's add only noted it
        assert MODELS.get("mmtoy_extra.ExtraNet") is extra.ExtraNet
        view = toy.children["mmtoy_extra"]
        assert view.mmengine_registry is extra.EXTRA and view.scope == "mmtoy_extra"
        assert view.children["mmtoy_inner"].mmengine_registry is extra.INNER
        assert MODELS.get("mmtoy_inner.InnerNet") is extra.InnerNet
        assert MODELS.get("mmtoy_extra.Net") is MODELS.get("mmtoy.Net")  # its parents' names

        @extra.EXTRA.register_module()
        class Later:
            pass

        assert MODELS.get("mmtoy_extra.Later") is Later  # live, as any view
        assert type(MODELS.build(dict(type="mmtoy_extra.ExtraNet"))) is extra.ExtraNet
        # a parentless registry made later: nothing notices it (documented)
        assert MODELS.get("mmtoy_alone.Gadget") is None
        assert not any(
            getattr(root, "mmengine_registry", None) is extra.ALONE for root in ROOTS.values()
        )
        print("ok")
        """,
        site,
    )
    assert out.strip().splitlines()[-1] == "ok"


def test_a_listing_views_registries_made_after_their_scope_loaded(site: Path) -> None:
    out = run(
        """
        import registry_core
        from registry_core import MODELS

        registry_core.load_scope("mmtoy")
        import mmtoy.extra

        toy = MODELS.children["mmengine"].children["mmtoy"]
        assert "mmtoy_extra" not in toy.children
        registry_core.available_scopes()  # as tree, list, show and check do (load_all)
        assert toy.children["mmtoy_extra"].mmengine_registry is mmtoy.extra.EXTRA
        print("ok")
        """,
        site,
    )
    assert out.strip().splitlines()[-1] == "ok"


def test_a_parentless_registry_named_like_a_shipped_root_gets_a_root_of_its_own(
    tmp_path: Path,
) -> None:
    """A codebase's parentless MMEngine registry becomes a root (as mmtoy's
    AUGMENTS); one whose label a shipped root has is listed under its scope.
    Lookups, scoped keys and builds go through it as through any root."""
    site = tmp_path / "site"
    registry_py = (
        "from mmengine.registry import Registry\n"
        "TRANSFORMS = Registry('transform')\n"
        "@TRANSFORMS.register_module()\nclass Flip:\n    pass\n"
    )
    write(site, distribution("mmclash", "mmclash", {"__init__.py": "", "registry.py": registry_py}))
    out = run(
        """
        import registry_core
        from registry_core import TRANSFORMS
        from registry_core.roots import ROOTS

        registry_core.load_scope("mmclash")
        import mmclash.registry as clash

        root = ROOTS["mmclash.TRANSFORMS"]
        assert ROOTS["TRANSFORMS"] is TRANSFORMS  # the shipped root keeps its label
        assert root.mmengine_registry is clash.TRANSFORMS
        assert (root.parent, root.scope) == (None, "mmclash")
        assert "mmclash" not in TRANSFORMS.children["mmengine"].children
        assert root.get("Flip") is clash.Flip and root.get("mmclash.Flip") is clash.Flip
        assert type(root.build(dict(type="Flip"))) is clash.Flip
        print("ok")
        """,
        site,
    )
    assert out.strip().splitlines()[-1] == "ok"


def test_an_mmengine_root_with_no_registry_core_root_of_its_name_becomes_one(
    site: Path,
) -> None:
    """Every root of MMEngine 0.10.7 has a registry_core root of its name; one
    that has none (as a later MMEngine could add) is viewed as a root of its own,
    listed under its name in mmengine.registry."""
    out = run(
        """
        import mmengine.registry as engine
        import registry_core.roots as ours
        from registry_core import Registry
        from registry_core.roots import ROOTS

        names = {r.name for r in vars(ours).values() if isinstance(r, Registry)}
        theirs = [r for r in vars(engine).values() if isinstance(r, engine.Registry)]
        assert {r.name for r in theirs if r.parent is None} <= names

        engine.GADGETS = engine.Registry("gadget", scope="mmengine")

        @engine.GADGETS.register_module()
        class Gadget:
            pass

        from registry_core import MODELS

        assert MODELS.get("mmtoy.Net") is not None  # loads mmengine, then mmtoy
        root = ROOTS["GADGETS"]
        assert root.mmengine_registry is engine.GADGETS
        assert (root.parent, root.scope) == (None, "mmengine")
        assert root.get("Gadget") is Gadget and root.get("mmengine.Gadget") is Gadget
        assert type(root.build(dict(type="Gadget"))) is Gadget
        print("ok")
        """,
        site,
    )
    assert out.strip().splitlines()[-1] == "ok"
