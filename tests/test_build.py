"""``build_from_cfg`` and ``Registry.build``: the tutorials, scopes and errors."""

from __future__ import annotations

from collections import OrderedDict
from types import MappingProxyType

import pytest

from registry_core import (
    NotRegisteredError,
    Registry,
    ScopeNotFoundError,
    build_from_cfg,
    current_scope,
)


def test_mmcv_tutorial_converters() -> None:
    CONVERTERS = Registry("converter", scope="tutorial")

    @CONVERTERS.register_module()
    class Converter1:
        def __init__(self, a: int, b: int) -> None:
            self.a, self.b = a, b

    converter = CONVERTERS.build(dict(type="Converter1", a=1, b=2))
    assert isinstance(converter, Converter1)
    assert (converter.a, converter.b) == (1, 2)


def test_mmcv_tutorial_custom_build_func_inherited() -> None:
    def build_converter(cfg, registry, *args, **kwargs):  # type: ignore[no-untyped-def]
        cfg_ = dict(cfg)
        converter_cls = registry.get(cfg_.pop("type"))
        return ("custom", converter_cls(*args, **kwargs, **cfg_))

    CONVERTERS = Registry("converter", build_func=build_converter, scope="tutorial2")
    child = Registry("converter", parent=CONVERTERS, scope="tutorial2_child")

    @child.register_module()
    class Converter1:
        def __init__(self, a: int, b: int) -> None:
            self.a, self.b = a, b

    tag, converter = child.build(dict(type="Converter1", a=1, b=2))
    assert tag == "custom" and converter.b == 2
    assert child.build_func is build_converter


def test_hierarchy_example() -> None:
    """MMEngine's docs: a root with codebases ``det`` and ``cls``."""
    MODELS = Registry("model", scope="hier_root")
    DET = Registry("model", parent=MODELS, scope="det")
    CLS = Registry("model", parent=MODELS, scope="cls")

    @DET.register_module()
    class NetA:
        pass

    @CLS.register_module()
    class NetB:
        pass

    assert isinstance(DET.build(dict(type="NetA")), NetA)
    assert isinstance(DET.build(dict(type="cls.NetB")), NetB)
    assert isinstance(CLS.build(dict(type="det.NetA")), NetA)
    assert isinstance(CLS.build(dict(type="NetB")), NetB)
    assert isinstance(MODELS.build(dict(type="det.NetA")), NetA)
    assert isinstance(MODELS.build(dict(type="cls.NetB")), NetB)
    with pytest.raises(NotRegisteredError):
        MODELS.build(dict(type="NetA"))


@pytest.fixture
def points() -> Registry:
    reg = Registry("point", scope="points")

    @reg.register_module()
    class Point:
        def __init__(self, x: int = 0, y: int = 0) -> None:
            self.x, self.y = x, y

    return reg


def test_default_args_and_precedence(points: Registry) -> None:
    cfg = {"type": "Point", "x": 1}
    defaults = {"x": 9, "y": 2}
    p = build_from_cfg(cfg, points, default_args=defaults)
    assert (p.x, p.y) == (1, 2)
    assert cfg == {"type": "Point", "x": 1} and defaults == {"x": 9, "y": 2}
    p = build_from_cfg({"x": 3}, points, default_args={"type": "Point"})
    assert p.x == 3
    p = points.build({"type": "Point"}, default_args={"y": 4})
    assert p.y == 4


@pytest.mark.parametrize(
    "mapping",
    [OrderedDict(type="Point", x=5), MappingProxyType({"type": "Point", "x": 5})],
    ids=["OrderedDict", "MappingProxyType"],
)
def test_any_mapping_is_a_config(points: Registry, mapping: object) -> None:
    assert points.build(mapping).x == 5


@pytest.mark.parametrize("cfg", [["type", "Point"], "Point", None, 3])
def test_cfg_must_be_a_mapping(points: Registry, cfg: object) -> None:
    with pytest.raises(TypeError, match="cfg must be a mapping"):
        build_from_cfg(cfg, points)  # type: ignore[arg-type]


def test_default_args_and_registry_types(points: Registry) -> None:
    with pytest.raises(TypeError, match="default_args must be a mapping"):
        build_from_cfg({"type": "Point"}, points, default_args=[("x", 1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="registry must be a Registry"):
        build_from_cfg({"type": "Point"}, {"Point": object})  # type: ignore[arg-type]


def test_missing_type(points: Registry) -> None:
    with pytest.raises(KeyError, match="no 'type'"):
        build_from_cfg({"x": 1}, points)


@pytest.mark.parametrize("bad", [3, None, 1.5, ["Point"], {"name": "Point"}])
def test_type_must_be_str_or_callable(points: Registry, bad: object) -> None:
    with pytest.raises(TypeError, match="'type' must be a str or a callable"):
        build_from_cfg({"type": bad}, points)


def test_callable_type_used_as_is(points: Registry) -> None:
    assert build_from_cfg({"type": dict, "a": 1}, points) == {"a": 1}


def test_unregistered_type(points: Registry) -> None:
    with pytest.raises(NotRegisteredError, match="Pointt is not in the points::point registry"):
        points.build({"type": "Pointt"})


def test_constructor_exception_is_the_same_object_with_a_note(points: Registry) -> None:
    raised: list[BaseException] = []

    @points.register_module()
    class Exploding:
        def __init__(self) -> None:
            error = ValueError("bad depth")
            raised.append(error)
            raise error

    with pytest.raises(ValueError, match="bad depth") as info:
        points.build({"type": "Exploding"})
    assert info.value is raised[0]
    assert info.value.__notes__ == [
        "while building type 'Exploding' from the points::point registry (scope 'points')"
    ]


def test_nested_failures_leave_a_trail_of_notes() -> None:
    reg = Registry("m", scope="trail")

    @reg.register_module()
    class Inner:
        def __init__(self) -> None:
            raise RuntimeError("deep")

    @reg.register_module()
    class Outer:
        def __init__(self, child: dict) -> None:
            self.child = reg.build(child)

    with pytest.raises(RuntimeError, match="deep") as info:
        reg.build({"type": "Outer", "child": {"type": "Inner"}})
    notes = info.value.__notes__
    assert [n.split("'")[1] for n in notes] == ["Inner", "Outer"]


class TestScopes:
    """``_scope_``, the default scope, and ``switch_scope_and_registry``."""

    @pytest.fixture
    def tree(self) -> tuple[Registry, Registry, Registry]:
        root = Registry("model", scope="scope_root")
        det = Registry("model", parent=root, scope="sdet")
        cls = Registry("model", parent=root, scope="scls")
        seen: list[str | None] = []

        for reg in (det, cls):

            @reg.register_module(name="Net")
            class Net:
                owner = reg.scope

                def __init__(self, child: dict | None = None) -> None:
                    seen.append(current_scope())
                    self.child = root.build(child) if child else None

        self.seen = seen
        return root, det, cls

    def test_scope_key_switches_lookup_and_construction(self, tree) -> None:  # type: ignore[no-untyped-def]
        root, det, cls = tree
        net = root.build({"type": "Net", "_scope_": "sdet", "child": {"type": "Net"}})
        assert net.owner == "sdet" and net.child.owner == "sdet"
        assert self.seen == ["sdet", "sdet"]
        assert current_scope() is None

    def test_scope_restored_after_exception(self, tree) -> None:  # type: ignore[no-untyped-def]
        root, det, cls = tree
        with pytest.raises(NotRegisteredError):
            root.build({"type": "Missing", "_scope_": "sdet"})
        assert current_scope() is None
        with pytest.raises(RuntimeError), det.switch_scope_and_registry("scls") as reg:
            assert reg is cls and current_scope() == "scls"
            raise RuntimeError
        assert current_scope() is None

    def test_default_scope_picks_the_registry(self, tree) -> None:  # type: ignore[no-untyped-def]
        from registry_core import default_scope

        root, det, cls = tree
        with default_scope("scls"):
            assert root.build({"type": "Net"}).owner == "scls"
            with default_scope("sdet"):
                assert root.build({"type": "Net"}).owner == "sdet"
            assert cls.build({"type": "Net"}).owner == "scls"
        with default_scope("nobody_knows_this_scope"):  # never raises for build
            with pytest.raises(NotRegisteredError, match="scope_root::model"):
                root.build({"type": "Net"})

    def test_unknown_scope_key_raises(self, tree) -> None:  # type: ignore[no-untyped-def]
        root, det, cls = tree
        with pytest.raises(ScopeNotFoundError) as info:
            root.build({"type": "Net", "_scope_": "sdte"})
        assert info.value.scope == "sdte"
        assert "'sdet'" in str(info.value)  # did you mean
        assert not str(info.value).startswith("'")
        with pytest.raises(ScopeNotFoundError):
            with root.switch_scope_and_registry("sdte"):
                pass

    def test_switch_yields_self_for_a_scope_outside_this_tree(self, tree) -> None:  # type: ignore[no-untyped-def]
        root, det, cls = tree
        other = Registry("hook", scope="other_root")
        with other.switch_scope_and_registry("sdet") as reg:
            assert reg is other and current_scope() == "sdet"
        with root.switch_scope_and_registry(None) as reg:
            assert reg is root and current_scope() is None

    def test_switch_to_none_yields_the_default_scopes_registry(self, tree) -> None:  # type: ignore[no-untyped-def]
        """Issue 17, item 4 (SPEC §3): with a default scope set, a build function
        ported from MMEngine (``with registry.switch_scope_and_registry(
        cfg.pop('_scope_', None)) as reg: reg.get(type)``) silently got ``None``."""
        root, det, cls = tree

        def mmengine_style_build(cfg: dict, registry: Registry) -> object:  # type: ignore[type-arg]
            args = dict(cfg)
            with registry.switch_scope_and_registry(args.pop("_scope_", None)) as reg:
                return reg.get(args.pop("type"))(**args)  # type: ignore[misc]

        from registry_core import default_scope

        with default_scope("sdet"):
            with root.switch_scope_and_registry(None) as reg:
                assert reg is det and current_scope() == "sdet"  # nothing changed
            assert mmengine_style_build({"type": "Net"}, root).owner == "sdet"  # type: ignore[attr-defined]
            with cls.switch_scope_and_registry(None) as reg:
                assert reg is det
        with default_scope("nobody_knows_this_scope"):  # no such child: R itself
            with root.switch_scope_and_registry(None) as reg:
                assert reg is root and current_scope() == "nobody_knows_this_scope"

    def test_scope_key_type_checked(self, tree) -> None:  # type: ignore[no-untyped-def]
        root, _, _ = tree
        with pytest.raises(TypeError, match="a scope must be a str"):
            root.build({"type": "Net", "_scope_": 3})


def test_a_root_without_the_default_scopes_node_falls_back_to_the_scope_it_builds_on(
    registry_state: None,
) -> None:
    """Issue 17, second round (root scope fallback): a codebase built on another
    (registries under the other's, as MMPretrain's sit under MMEngine's) and
    without a registry in some root's tree (MMPretrain has no ``FUNCTIONS``).
    Under its default scope, that root resolves from its node of the scope the
    codebase builds on (``mmengine``: MMEngine's root, which holds MMEngine's own
    names), as MMEngine resolves from the registry the call was made on."""
    from registry_core import default_scope

    models = Registry("model", scope="fb_models")
    functions = Registry("function", scope="fb_functions")
    base_models = Registry("model", parent=models, scope="fb_base")
    base_functions = Registry("function", parent=functions, scope="fb_base")
    Registry("model", parent=base_models, scope="fb_code")  # fb_code builds on fb_base

    @base_functions.register_module()
    def collate(batch: list[int]) -> list[int]:
        return batch

    with default_scope("fb_code"):
        with functions.switch_scope_and_registry(None) as reg:
            assert reg is base_functions
        assert functions.build({"type": "collate", "batch": [1]}) == [1]
        with functions.switch_scope_and_registry("fb_code") as reg:  # as _scope_ does
            assert reg is base_functions
        assert functions.build({"type": "collate", "batch": [2], "_scope_": "fb_code"}) == [2]
        # not a root: the registry the call was made on, as before
        with base_functions.switch_scope_and_registry(None) as reg:
            assert reg is base_functions
    with default_scope("fb_base"):  # a scope right under the roots: its node, or the root
        with functions.switch_scope_and_registry(None) as reg:
            assert reg is base_functions
        other = Registry("hook", scope="fb_hooks")
        with other.switch_scope_and_registry(None) as reg:
            assert reg is other


def test_unknown_default_scope_does_not_hide_an_unknown_scope_key() -> None:
    """The fallback for an unknown default scope is not remembered as that scope's node."""
    from registry_core import default_scope

    reg = Registry("m", scope="fallback_root")
    reg.register_module(name="X", module=dict)
    with default_scope("ghost_scope"):
        assert reg.build({"type": "X"}) == {}
    with pytest.raises(ScopeNotFoundError):
        reg.build({"type": "X", "_scope_": "ghost_scope"})


def test_a_failed_build_shows_one_traceback_not_three() -> None:
    # Neither a lookup-cache probe nor anything else internal may appear as
    # "During handling of the above exception, another exception occurred".
    R = Registry("thing", scope="onetrace")

    @R.register_module()
    class Broken:
        def __init__(self, **kwargs: object) -> None:
            raise ValueError("the real error")

    child = Registry("thing", parent=R, scope="onetrace_child")
    calls = [
        lambda: R.build({"type": "Broken"}),  # first: not cached yet
        lambda: R.build({"type": "Broken"}),  # then the inline cached path
        lambda: build_from_cfg({"type": "Broken"}, R),
        lambda: build_from_cfg(MappingProxyType({"type": "Broken"}), R),
        lambda: R.build({"type": "Broken"}, default_args={"x": 1}),
        lambda: R.build({"type": "onetrace_child.Broken"}),
        lambda: R.build({"type": "Broken", "_scope_": "onetrace_child"}),
        lambda: child.build({"type": Broken}),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="the real error") as info:
            call()
        assert info.value.__context__ is None and info.value.__cause__ is None
    with pytest.raises(NotRegisteredError) as miss:
        R.build({"type": "Nope"})
    assert miss.value.__context__ is None
