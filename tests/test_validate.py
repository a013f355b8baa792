"""``validate``: a whole config checked against real registries, nothing built.

The plugins are real installed distributions in a temporary site folder (the
``plugin_site`` fixture): discovery finds them through their metadata and a
lookup imports them, exactly as in a user's process. Every constructor of
the demo codebase ``mydet`` records its call in ``mydet.models.CALLS``, and
the tests assert that validation left it empty.

The codebase's tree::

    MODELS (registry_core)          DATASETS              TRANSFORMS
    `-- mydet                       `-- mydet             `-- mydet
        ResNet, FPN, RetinaHead,        CocoDataset           Resize, Flip
        Detector, TwoStage, Plain
"""

from __future__ import annotations

import gc
import inspect
import sys
import textwrap

import pytest

import registry_core
from registry_core import (
    DATASETS,
    MODELS,
    TRANSFORMS,
    ConfigError,
    PluginLoadError,
    Registry,
    RegistryError,
    current_scope,
    default_scope,
    validate,
)
from registry_core.validation import CODES, Issue, Report

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from registry_core.testing import PluginSite

MYDET_REGISTRY = """\
import registry_core
from registry_core import Registry

MODELS = Registry("model", parent=registry_core.MODELS, locations=["mydet.models"])
DATASETS = Registry("dataset", parent=registry_core.DATASETS, locations=["mydet.data"])
TRANSFORMS = Registry("transform", parent=registry_core.TRANSFORMS, locations=["mydet.data"])
"""

MYDET_MODELS = '''\
from __future__ import annotations

from typing import Literal, Optional

from mydet.registry import MODELS

CALLS = []


class Module:
    def __init__(self) -> None:
        CALLS.append(type(self).__name__)


@MODELS.register_module()
class ResNet(Module):
    """A backbone."""

    def __init__(
        self,
        depth: int,
        num_stages: int = 4,
        out_indices: tuple[int, ...] = (0, 1, 2, 3),
        norm: Literal["BN", "GN"] = "BN",
        frozen: bool = False,
        lr_mult: float = 1.0,
    ) -> None:
        super().__init__()


@MODELS.register_module()
class FPN(Module):
    def __init__(self, in_channels: list[int], out_channels: int = 256) -> None:
        super().__init__()


@MODELS.register_module()
class RetinaHead(Module):
    def __init__(self, num_classes: int, in_channels: int = 256, loss: Optional[dict] = None):
        super().__init__()


@MODELS.register_module()
class Detector(Module):
    def __init__(
        self, backbone: dict, neck: dict | None = None, head: dict | None = None, **kwargs
    ) -> None:
        super().__init__()


@MODELS.register_module()
class TwoStage(Module):
    def __init__(self, backbone: Module, heads: dict[str, Module] | None = None) -> None:
        super().__init__()


@MODELS.register_module()
class Plain:
    def __init__(self) -> None:
        CALLS.append("Plain")
'''

MYDET_DATA = """\
from mydet.models import CALLS
from mydet.registry import DATASETS, TRANSFORMS


@DATASETS.register_module()
class CocoDataset:
    def __init__(self, ann_file: str, pipeline: list = (), test_mode: bool = False):
        CALLS.append("CocoDataset")


@TRANSFORMS.register_module()
class Resize:
    def __init__(self, scale: tuple[int, int], keep_ratio: bool = True):
        CALLS.append("Resize")


@TRANSFORMS.register_module()
class Flip:
    def __init__(self, prob: float = 0.5):
        CALLS.append("Flip")
"""


def install_mydet(site: PluginSite, registry: str = MYDET_REGISTRY) -> None:
    site.add_distribution(
        "mydet",
        scopes={"mydet": "mydet.registry"},
        modules={
            "mydet/__init__.py": "",
            "mydet/registry.py": registry,
            "mydet/models.py": MYDET_MODELS,
            "mydet/data.py": MYDET_DATA,
        },
    )


@pytest.fixture(autouse=True)
def _no_stale_roots() -> None:
    # Roots of earlier tests that are unreachable but not yet collected would
    # still be live roots (a root refers to itself), and could hold a name too.
    gc.collect()


@pytest.fixture
def mydet(plugin_site: PluginSite) -> Iterator[PluginSite]:
    install_mydet(plugin_site)
    yield plugin_site
    models = sys.modules.get("mydet.models")
    if models is not None:
        assert models.CALLS == [], "validate built something"


def calls() -> list[str]:
    return list(sys.modules["mydet.models"].CALLS)


def line_of(name: str) -> int:
    """Where ``inspect`` says the definition of ``mydet``'s ``name`` starts."""
    for module in ("mydet.models", "mydet.data"):
        obj = getattr(sys.modules.get(module), name, None)
        if obj is not None:
            return inspect.getsourcelines(obj)[1]
    raise AssertionError(name)


def errors_of(cfg: Any, registry: Registry[Any] | None = None, **kwargs: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        validate(cfg, registry, **kwargs)
    return info.value


def codes(error: ConfigError) -> list[tuple[str, str, str]]:
    return [(i.path, i.code, i.severity) for i in error.issues]


DETECTOR = dict(
    type="mydet.Detector",
    backbone=dict(type="ResNet", depth=50, out_indices=(1, 2, 3)),
    neck=dict(type="FPN", in_channels=[256, 512, 1024]),
    head=dict(type="RetinaHead", num_classes=80),
)


# -- the headline case ------------------------------------------------------------------


def test_every_mistake_of_a_detector_config_at_once(mydet: PluginSite) -> None:
    cfg = dict(
        model=dict(
            type="mydet.Detector",
            backbone=dict(type="ResNet", depth="fifty", num_stagse=4),
            neck=dict(type="FPNN", in_channels=[256, 512]),
            head=dict(type="RetinaHead"),
        )
    )
    error = errors_of(cfg)
    assert isinstance(error, RegistryError) and isinstance(error, ValueError)
    resnet, head = line_of("ResNet"), line_of("RetinaHead")
    assert str(error).splitlines() == [
        f"model.backbone.depth: expected int, got str 'fifty' for mydet.ResNet "
        f"(mydet/models.py:{resnet})",
        f"model.backbone.num_stagse: unexpected argument 'num_stagse' for mydet.ResNet "
        f"(mydet/models.py:{resnet}); did you mean 'num_stages'?",
        f"model.head.num_classes: warning: missing argument 'num_classes' for "
        f"mydet.RetinaHead (mydet/models.py:{head}), unless the code that builds this nested "
        "node passes it",
        "model.neck: unknown type 'FPNN': it is not in the mydet::model registry (nor in "
        "another root); did you mean 'FPN'?",
    ]
    depth, typo, missing, neck = error.issues
    assert (depth.code, typo.code, missing.code, neck.code) == (
        "wrong-type",
        "unexpected-argument",
        "missing-argument",
        "unknown-type",
    )
    assert [i.severity for i in error.issues] == ["error", "error", "warning", "error"]
    assert typo.registry == "mydet::model" and typo.type == "ResNet"
    assert typo.target == "mydet.models.ResNet"
    assert typo.file == sys.modules["mydet.models"].__file__
    assert typo.line == resnet and typo.suggestions == ("num_stages",)
    assert neck.suggestions == ("FPN",) and neck.target is None and neck.file is None
    assert missing.target == "mydet.models.RetinaHead"
    assert all(i.source is None and i.error is None for i in error.issues)
    assert error.file is None and calls() == []


def test_the_corrected_config_builds(mydet: PluginSite) -> None:
    report = validate(DETECTOR)
    assert isinstance(report, Report) and report.issues == () and report.ok
    assert str(report) == "no issues"
    assert calls() == []
    MODELS.build(DETECTOR)
    assert calls() == ["Detector"]  # the detector builds its parts itself
    sys.modules["mydet.models"].CALLS.clear()


# -- where nodes are and where they resolve ----------------------------------------------


def test_nodes_in_lists_and_plain_mappings(mydet: PluginSite) -> None:
    cfg = dict(
        type="mydet.TwoStage",
        backbone=dict(type="ResNet", depth=18),
        heads={
            "a": dict(type="RetinaHead", num_classes="x"),
            "b.c": [dict(type="FPN", in_channels=[1]), dict(type="Nope")],
        },
    )
    error = errors_of(cfg, MODELS)
    assert codes(error) == [
        ("heads.a.num_classes", "wrong-type", "error"),
        ('heads["b.c"][1]', "unknown-type", "error"),
    ]


def test_a_dataset_holding_transforms_resolves_them_in_their_root(mydet: PluginSite) -> None:
    dataset = dict(
        type="mydet.CocoDataset",
        ann_file="train.json",
        pipeline=[dict(type="Resize", scale=(512, 512)), dict(type="Flip", prob=0.5)],
    )
    assert validate(dataset, DATASETS).issues == ()
    assert validate(dataset).issues == ()  # the one root that has it
    dataset["pipeline"] = [dict(type="Resize", scale=[512, "512"]), dict(type="Flip", p=1)]
    error = errors_of(dataset, DATASETS)
    assert codes(error) == [
        ("pipeline[0].scale[1]", "wrong-type", "error"),
        ("pipeline[1].p", "unexpected-argument", "error"),
    ]
    assert error.issues[1].registry == "mydet::transform"


def test_a_plugin_found_by_discovery_is_loaded_as_a_lookup_loads_it(
    plugin_site: PluginSite,
) -> None:
    install_mydet(plugin_site)
    plugin_site.add_distribution(
        "otherdet",
        scopes={"otherdet": "otherdet.registry"},
        modules={"otherdet/__init__.py": "", "otherdet/registry.py": "raise SystemExit(3)"},
    )
    statuses = {s: i.status for s, i in registry_core.available_scopes().items()}
    assert statuses == {"mydet": "discovered", "otherdet": "discovered"}
    assert validate(DETECTOR).issues == ()
    statuses = {s: i.status for s, i in registry_core.available_scopes().items()}
    assert statuses == {"mydet": "loaded", "otherdet": "discovered"}  # only what it names
    assert "otherdet.registry" not in sys.modules
    assert calls() == []


def test_a_plugin_that_fails_to_import(plugin_site: PluginSite) -> None:
    plugin_site.add_distribution(
        "brokendet",
        scopes={"brokendet": "brokendet.registry"},
        modules={
            "brokendet/__init__.py": "",
            "brokendet/registry.py": "raise RuntimeError('no GPU here')",
        },
    )
    cfg = dict(model=dict(type="brokendet.Net"), data=dict(type="Nowhere"))
    error = errors_of(cfg)
    assert codes(error) == [
        ("data", "unknown-type", "error"),
        ("model", "plugin-error", "error"),
    ]
    issue = error.issues[1]
    assert isinstance(issue.error, PluginLoadError)
    assert isinstance(issue.error.__cause__, RuntimeError)
    assert str(issue.error.__cause__) == "no GPU here"
    assert error.__cause__ is issue.error
    assert "no GPU here" in issue.message and issue.type == "brokendet.Net"
    assert issue.message.startswith("type 'brokendet.Net' cannot be looked up in the ")


def test_incompatible_and_conflicting_plugins_are_plugin_errors(plugin_site: PluginSite) -> None:
    plugin_site.add_distribution(
        "futuredet",
        scopes={"futuredet": "futuredet.registry"},
        requires=["registry-core>=99"],
        modules={"futuredet/__init__.py": "", "futuredet/registry.py": MYDET_REGISTRY},
    )
    for name in ("twin-a", "twin-b"):
        plugin_site.add_distribution(
            name,
            scopes={"twin": f"{name.replace('-', '_')}.registry"},
            modules={f"{name.replace('-', '_')}/__init__.py": ""},
        )
    error = errors_of(dict(a=dict(type="futuredet.Net"), b=dict(type="twin.Net")))
    assert codes(error) == [("a", "plugin-error", "error"), ("b", "plugin-error", "error")]
    incompatible, conflict = (issue.error for issue in error.issues)
    assert isinstance(incompatible, registry_core.IncompatiblePluginError)
    assert isinstance(conflict, registry_core.ScopeConflictError)
    assert "registry-core>=99" in error.issues[0].message
    assert "twin-a" in error.issues[1].message and "twin-b" in error.issues[1].message


def test_locations_that_fail_to_import_are_a_plugin_error(plugin_site: PluginSite) -> None:
    install_mydet(plugin_site)
    plugin_site.add({"mydet": {"models.py": "raise ImportError('missing dependency: cv2')"}})
    error = errors_of(dict(type="mydet.ResNet", depth=50))
    (issue,) = error.issues
    assert (issue.code, issue.path) == ("plugin-error", "")
    assert isinstance(issue.error, ImportError) and "cv2" in issue.message


def test_unknown_scopes(mydet: PluginSite) -> None:
    error = errors_of(dict(type="mydett.ResNet", depth=50))
    (issue,) = error.issues
    assert (issue.code, issue.path, issue.suggestions) == ("unknown-scope", "", ("mydet",))
    assert str(error) == (
        "<config>: unknown scope 'mydett' in type 'mydett.ResNet': no registry and no "
        "installed plugin has this scope; did you mean 'mydet'?"
    )
    error = errors_of(dict(type="ResNet", _scope_="mydett", depth=50), MODELS)
    assert codes(error) == [("_scope_", "unknown-scope", "error")]
    assert error.issues[0].suggestions == ("mydet",)
    nested = dict(type="mydet.Detector", backbone=dict(type="ResNet", _scope_="nope", depth=1))
    assert codes(errors_of(nested)) == [("backbone._scope_", "unknown-scope", "error")]


def test_scope_switches_as_build_makes_them(mydet: PluginSite) -> None:
    # _scope_ on the top node, as build's switch_scope_and_registry
    assert validate(dict(type="ResNet", _scope_="mydet", depth=50), MODELS).issues == ()
    # default scope from the context, as a runner sets it
    with default_scope("mydet"):
        assert validate(dict(type="ResNet", depth=50), MODELS).issues == ()
    assert codes(errors_of(dict(type="ResNet", depth=50), MODELS)) == [
        ("", "unknown-type", "error")
    ]
    # a nested node resolves under the scope its parent's type was found in
    assert validate(dict(type="mydet.Detector", backbone=dict(type="ResNet", depth=50))).ok


def test_a_top_level_default_scope(mydet: PluginSite) -> None:
    cfg = dict(
        default_scope="mydet",
        model=dict(type="Detector", backbone=dict(type="ResNet", depth=50)),
        train_dataloader=dict(batch_size=2, dataset=dict(type="CocoDataset", ann_file="a")),
        work_dir="./work_dirs",
    )
    with default_scope("elsewhere"):
        assert validate(cfg).issues == ()
        assert current_scope() == "elsewhere"  # restored
        cfg["default_scope"] = "mydte"
        with pytest.raises(ConfigError) as info:
            validate(cfg)
        assert current_scope() == "elsewhere"
    assert codes(info.value) == [
        ("default_scope", "unknown-scope", "warning"),
        ("model", "unknown-type", "error"),
        ("train_dataloader.dataset", "unknown-type", "error"),
    ]
    assert info.value.issues[0].suggestions == ("mydet",)
    cfg["default_scope"] = 3
    assert codes(errors_of(cfg))[0] == ("default_scope", "wrong-type", "error")


def test_ambiguous_types(registry_state: None) -> None:
    first = Registry("thing", scope="amb_a")
    second = Registry("gadget", scope="amb_b")
    first.register_module(name="Widget", module=dict)
    second.register_module(name="Widget", module=list)
    error = errors_of(dict(type="Widget"))
    (issue,) = error.issues
    assert (issue.code, issue.suggestions) == ("ambiguous-type", ("amb_a::thing", "amb_b::gadget"))
    assert "pass the registry" in issue.message
    assert validate(dict(type="Widget"), first).ok
    # a nested node that its parent's root lacks but two other roots hold
    holder = Registry("holder", scope="amb_c")
    holder.register_module(name="Box", module=lambda content: None)
    error = errors_of(dict(type="Box", content=dict(type="Widget")), holder)
    assert codes(error) == [("content", "ambiguous-type", "error")]


def test_bad_types(registry_state: None) -> None:
    R = Registry("thing", scope="bad_types")
    R.register_module(name="Box", module=lambda content=None: None)
    error = errors_of(dict(type="Box", content=dict(type=3)), R)
    assert codes(error) == [("content", "bad-type", "error")]
    assert error.issues[0].message == (
        "'type' must be a registered name (a str) or a callable, got int 3"
    )
    assert codes(errors_of(dict(type=None), R)) == [("", "bad-type", "error")]


def test_a_callable_type_is_checked_as_is(registry_state: None) -> None:
    R = Registry("thing", scope="callable_type")

    def point(x: int, y: int = 0) -> tuple[int, int]:
        raise AssertionError("never called")

    assert validate(dict(type=point, x=1), R).ok
    error = errors_of(dict(type=point, x=1.5, z=0), R)
    # (issue 19: a float for an int is a warning, SPEC 10 "An error means the build would fail")
    assert codes(error) == [("x", "wrong-type", "warning"), ("z", "unexpected-argument", "error")]
    assert error.issues[0].type == f"{__name__}.{point.__qualname__}"


# -- arguments and annotations -------------------------------------------------------------


def test_missing_arguments_are_errors_at_the_top_and_warnings_below(mydet: PluginSite) -> None:
    error = errors_of(dict(type="mydet.RetinaHead"))
    assert codes(error) == [("num_classes", "missing-argument", "error")]
    report = validate(dict(type="mydet.Detector", backbone=dict(type="ResNet")))
    assert [(i.path, i.code, i.severity) for i in report.issues] == [
        ("backbone.depth", "missing-argument", "warning")
    ]
    assert str(report).startswith("backbone.depth: warning: missing argument 'depth'")
    # parentless nodes in a plain mapping are built by the caller: errors
    assert codes(errors_of(dict(head=dict(type="mydet.RetinaHead")))) == [
        ("head.num_classes", "missing-argument", "error")
    ]


def test_default_args_count_for_the_top_node(mydet: PluginSite) -> None:
    head = dict(type="RetinaHead", _scope_="mydet")
    assert codes(errors_of(head, MODELS)) == [("num_classes", "missing-argument", "error")]
    assert MODELS.validate(head, default_args=dict(num_classes=3)).ok
    assert validate(dict(num_classes=3), MODELS, default_args=head).ok  # type from there
    error = errors_of(head, MODELS, default_args=dict(num_classes=3, num_clases=4))
    assert codes(error) == [("num_clases", "unexpected-argument", "error")]
    assert "(given by default_args)" in error.issues[0].message
    error = errors_of(head, MODELS, default_args=dict(num_classes="3"))
    assert codes(error) == [("num_classes", "wrong-type", "error")]


def test_plain_annotations(mydet: PluginSite) -> None:
    good = dict(
        type="mydet.ResNet",
        depth=50,
        out_indices=[0, 1],  # a list for a tuple annotation: JSON and YAML have no tuples
        norm="GN",
        frozen=True,
        lr_mult=2,  # an int is fine for float
    )
    assert validate(good).ok
    bad = dict(
        type="mydet.ResNet",
        depth=True,  # bool is no int
        out_indices=(0, "1"),
        norm="LN",
        frozen=1,
        lr_mult=False,
        num_stages=None,
    )
    error = errors_of(bad)
    assert [(i.path, i.message.split(" for ")[0]) for i in error.issues] == [
        ("depth", "expected int, got bool True"),
        ("frozen", "expected bool, got int 1"),
        ("lr_mult", "expected float, got bool False"),
        ("norm", "expected Literal['BN', 'GN'], got str 'LN'"),
        ("num_stages", "expected int, got None"),
        ("out_indices[1]", "expected int, got str '1'"),
    ]
    containers = dict(type="mydet.FPN", in_channels=dict(a=1), out_channels=[256])
    assert [i.message.split(" for ")[0] for i in errors_of(containers).issues] == [
        "expected list[int], got dict of 1 item",
        "expected int, got list of 1 item",
    ]


def test_a_node_against_a_class_annotation(mydet: PluginSite) -> None:
    ok = dict(type="mydet.TwoStage", backbone=dict(type="ResNet", depth=50))
    assert validate(ok).ok
    bad = dict(
        type="mydet.TwoStage",
        backbone=dict(type="Plain"),
        heads=dict(a=dict(type="Plain"), b=dict(type="RetinaHead", num_classes=1)),
    )
    error = errors_of(bad)
    assert codes(error) == [("backbone", "wrong-type", "error"), ("heads.a", "wrong-type", "error")]
    assert error.issues[0].message.startswith(
        "expected mydet.models.Module, got a config of mydet.models.Plain, which is not a "
        "subclass of mydet.models.Module for mydet.TwoStage (mydet/models.py:"
    )
    assert error.issues[0].target == "mydet.models.TwoStage"
    # a plain value is never checked against a class that is not a built-in type
    assert validate(dict(type="mydet.TwoStage", backbone="resnet50")).ok
    # a node where an int belongs is a dict where an int belongs
    error = errors_of(dict(type="mydet.ResNet", depth=dict(type="ResNet", depth=1)))
    assert error.issues[0].message.startswith("expected int, got a config node (type 'ResNet') for")


def test_kwargs_targets_take_any_argument(mydet: PluginSite) -> None:
    assert validate(dict(DETECTOR, init_cfg=dict(checkpoint="r50.pth"), anything=1)).ok


def test_annotations_it_cannot_read_are_skipped(registry_state: None) -> None:
    R = Registry("thing", scope="unreadable")
    namespace: dict[str, Any] = {}
    exec(
        textwrap.dedent(
            """
            from __future__ import annotations
            from typing import Callable, TypeVar, Generic
            T = TypeVar("T")

            class Box(Generic[T]):
                pass

            def make(a: Undefined, b: Callable[[int], int], c: T, d: Box[int],
                     e: "not valid (", f: list[Undefined], g: int | Undefined,
                     h: __import__("os").getcwd(), i: type[int]):
                raise AssertionError("never called")
            """
        ),
        namespace,
    )
    R.register_module(name="make", module=namespace["make"])
    cfg = dict(type="make", a=1, b="x", c=None, d=[1], e=2, f=[3], g="y", h=4, i=5)
    assert validate(cfg, R).ok


def test_partials_and_callable_instances(registry_state: None) -> None:
    import functools

    R = Registry("thing", scope="callables")

    class Net:
        def __init__(self, depth: int, width: int = 8) -> None:
            raise AssertionError("never called")

    class Scale:
        def __call__(self, x: float, *, bias: float = 0.0) -> float:
            raise AssertionError("never called")

    R.register_module(name="net10", module=functools.partial(Net, 10))
    R.register_module(name="wide", module=functools.partial(Net, width=64))
    R.register_module(name="scale", module=Scale())
    assert validate(dict(type="net10", width=3), R).ok
    assert codes(errors_of(dict(type="net10", depth=3), R)) == [
        ("depth", "unexpected-argument", "error")
    ]
    assert codes(errors_of(dict(type="wide"), R)) == [("depth", "missing-argument", "error")]
    assert validate(dict(type="wide", depth=1, width=2), R).ok
    error = errors_of(dict(type="scale", x="1", self=2), R)
    assert codes(error) == [("self", "unexpected-argument", "error"), ("x", "wrong-type", "error")]
    assert error.issues[1].target == f"{__name__}.{Scale.__qualname__}"
    assert error.issues[0].suggestions == ()
    assert error.issues[0].message.endswith("; it takes: x, bias")


def test_inherited_init_and_signature_attribute(registry_state: None) -> None:
    R = Registry("thing", scope="inherited")

    class Base:
        def __init__(self, channels: int) -> None:
            raise AssertionError("never called")

    class Child(Base):
        pass

    class Declared:
        __signature__ = inspect.Signature(
            [inspect.Parameter("rate", inspect.Parameter.KEYWORD_ONLY, annotation=float)]
        )

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise AssertionError("never called")

    R.register_module(module=Child)
    R.register_module(module=Declared)
    assert codes(errors_of(dict(type="Child", chanels=1), R)) == [
        ("chanels", "unexpected-argument", "error"),
        ("channels", "missing-argument", "error"),
    ]
    assert codes(errors_of(dict(type="Declared", rate="fast", x=1), R)) == [
        ("rate", "wrong-type", "error"),
        ("x", "unexpected-argument", "error"),
    ]
    child = errors_of(dict(type="Child"), R).issues[0]
    assert child.target == f"{__name__}.{Child.__qualname__}"
    assert child.file == __file__ and child.line == inspect.getsourcelines(Child)[1]


def test_dataclasses_and_attrs_classes(registry_state: None) -> None:
    import dataclasses

    import attrs

    R = Registry("thing", scope="dataclasses")

    @dataclasses.dataclass
    class Optim:
        lr: float
        momentum: float = 0.9
        nesterov: bool = False

    @attrs.define
    class Schedule:
        steps: list[int]
        gamma: float = 0.1

    R.register_module(module=Optim)
    R.register_module(module=Schedule)
    assert validate(dict(type="Optim", lr=0.1), R).ok
    assert validate(dict(type="Schedule", steps=[10, 20]), R).ok
    assert codes(errors_of(dict(type="Optim", lr="0.1", nesterow=True), R)) == [
        ("lr", "wrong-type", "error"),
        ("nesterow", "unexpected-argument", "error"),
    ]
    assert codes(errors_of(dict(type="Schedule", steps=[1.5], gama=0.5), R)) == [
        ("gama", "unexpected-argument", "error"),
        ("steps[0]", "wrong-type", "warning"),  # a float for an int (issue 19)
    ]


def test_positional_only_parameters(registry_state: None) -> None:
    R = Registry("thing", scope="positional")
    R.register_module(name="length", module=len)
    error = errors_of(dict(type="length"), R)
    assert codes(error) == [("obj", "missing-argument", "error")]
    assert "positional-only" in error.issues[0].message


# -- paths, cycles, depth -----------------------------------------------------------------


def test_the_path_syntax_and_order(registry_state: None) -> None:
    R = Registry("thing", scope="paths")

    def leaf(size: int = 0) -> None:
        raise AssertionError("never called")

    def holder(extra: Any = None, items: Any = ()) -> None:
        raise AssertionError("never called")

    R.register_module(name="Leaf", module=leaf)
    R.register_module(name="Holder", module=holder)
    cfg = dict(
        holder=dict(
            type="Holder",
            items=[dict(type=f"Leaf{i}") for i in range(12)],
            extra={"with space": dict(type="Leaf", size="s"), "a.b": [dict(type="Lef")]},
        ),
        more=[dict(type="Leaf", x=1)],
    )
    error = errors_of(cfg, R)
    assert [i.path for i in error.issues] == [
        'holder.extra["a.b"][0]',
        'holder.extra["with space"].size',
        *[f"holder.items[{i}]" for i in range(12)],  # by number: [2] before [10]
        "more[0].x",
    ]
    assert str(error).splitlines()[0] == (
        "holder.extra[\"a.b\"][0]: unknown type 'Lef': it is not in the paths::thing registry "
        "(nor in another root); did you mean 'Leaf'?"
    )
    top = errors_of(dict(type="Nope"), R)
    assert top.issues[0].path == "" and str(top).startswith("<config>: unknown type 'Nope'")


def test_a_config_that_contains_itself(registry_state: None) -> None:
    R = Registry("thing", scope="cycles")
    R.register_module(name="Box", module=lambda content=None, items=(): None)
    cfg: dict[str, Any] = dict(type="Box")
    cfg["content"] = cfg
    items: list[Any] = [1]
    items.append(items)
    cfg["items"] = items
    error = errors_of(cfg, R)
    assert codes(error) == [("content", "cycle", "error"), ("items[1]", "cycle", "error")]
    assert error.issues[0].message == (
        "this mapping contains itself: it is the value at <config>. A config must be a tree; "
        "replace the reference with a copy"
    )
    assert "it is the value at items" in error.issues[1].message
    shared = dict(type="Box")
    assert validate(dict(type="Box", content=shared, items=[shared, shared]), R).ok


def test_a_config_five_thousand_levels_deep(registry_state: None) -> None:
    R = Registry("thing", scope="deep")
    R.register_module(name="Wrap", module=lambda inner=None: None)
    cfg: dict[str, Any] = dict(type="Wrap")
    node = cfg
    for _ in range(5000):
        child: dict[str, Any] = dict(type="Wrap")
        node["inner"] = [child]
        node = child
    node["inner"] = dict(type="Wrap", inenr=1)
    error = errors_of(cfg, R)
    (issue,) = error.issues
    assert issue.code == "unexpected-argument"
    assert issue.path == "inner[0]." * 5000 + "inner.inenr"
    plain: dict[str, Any] = {}
    level = plain
    for _ in range(5000):
        level["a"] = {}
        level = level["a"]
    level["x"] = dict(type="Nope")
    assert codes(errors_of(plain, R)) == [("a." * 5000 + "x", "unknown-type", "error")]


# -- the report and its error --------------------------------------------------------------


ISSUE_ATTRIBUTES = [
    "path",
    "code",
    "severity",
    "message",
    "registry",
    "type",
    "target",
    "file",
    "line",
    "suggestions",
    "source",
    "error",
]


def test_issue_attributes_and_codes() -> None:
    assert list(inspect.signature(Issue).parameters) == ISSUE_ATTRIBUTES
    values = {name: f"<{name}>" for name in ISSUE_ATTRIBUTES}
    issue = Issue(**values)  # type: ignore[arg-type]
    assert [getattr(issue, name) for name in ISSUE_ATTRIBUTES] == list(values.values())
    assert Issue(*values.values()) == issue  # type: ignore[arg-type]
    assert set(CODES) == {
        "unknown-type",
        "unknown-scope",
        "ambiguous-type",
        "plugin-error",
        "bad-type",
        "unexpected-argument",
        "missing-argument",
        "wrong-type",
        "cycle",
    }


def test_issues_and_reports_are_immutable_values() -> None:
    import copy
    import pickle

    issue = Issue("a.b", "unexpected-argument", "error", "unexpected", suggestions=("c",))
    same = Issue("a.b", "unexpected-argument", "error", "unexpected", suggestions=("c",))
    assert issue == same and hash(issue) == hash(same) and issue is not same
    assert issue != Issue("a.b", "unexpected-argument", "warning", "unexpected")
    assert issue != ("a.b", "unexpected-argument")
    assert repr(issue) == (
        "Issue(path='a.b', code='unexpected-argument', severity='error', message='unexpected', "
        "registry=None, type=None, target=None, file=None, line=None, suggestions=('c',), "
        "source=None, error=None)"
    )
    for change in (lambda: setattr(issue, "path", "x"), lambda: delattr(issue, "path")):
        with pytest.raises(AttributeError, match=r"Issue\.path: Issue objects are immutable"):
            change()
    with pytest.raises(AttributeError):
        issue.other = 1  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(issue)) == issue
    assert copy.copy(issue) == issue and copy.deepcopy(issue) == issue
    moved = issue._replace(source="base.py")
    assert (moved.source, moved.path, issue.source) == ("base.py", "a.b", None)
    failed = Issue("m", "plugin-error", "error", "cannot load", error=ImportError("no torch"))
    assert str(pickle.loads(pickle.dumps(failed)).error) == "no torch"
    match issue:
        case Issue(path, code):
            assert (path, code) == ("a.b", "unexpected-argument")
    report = Report((issue,))
    assert report == Report((same,)) and hash(report) == hash(Report((same,)))
    assert repr(Report()) == "Report(issues=())" and Report() != report
    assert pickle.loads(pickle.dumps(report)) == report
    with pytest.raises(AttributeError):
        report.issues = ()  # type: ignore[misc]


def test_the_default_scope_is_asked_once_per_root(tmp_path: Any) -> None:
    """Parentless nodes under a default scope nobody has (an OpenMMLab config
    without its codebase) ask each root for that scope once, not once per node:
    while a ``sys.path`` entry was just modified every ask rescans the path."""
    import subprocess

    code = textwrap.dedent(
        """\
        import sys
        import registry_core
        from registry_core.discovery import _loader, _scan
        calls = []
        real = _scan.scan
        _loader.scan = lambda paths: calls.append(1) or real(paths)
        cfg = {"default_scope": "nowhere"}
        cfg.update({f"node{i}": dict(type="Missing") for i in range(50)})
        try:
            registry_core.validate(cfg)
        except registry_core.ConfigError as error:
            assert len(error.issues) == 51, error.issues
        roots = len(registry_core.registry.live_roots())
        print(len(calls) <= roots + 2, len(calls), roots)
        """
    )
    fresh = tmp_path / "fresh"  # modified just now: every look at sys.path rescans it
    fresh.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": ":".join([str(fresh), *(p for p in sys.path if p)])},
    )
    assert out.stdout.split()[0] == "True", out.stdout


def test_the_source_of_each_path(mydet: PluginSite) -> None:
    class Config(dict):  # what load_config returns: a dict that knows its files
        filename = "configs/retinanet.py"

        def source_of(self, path: str) -> str | None:
            return "configs/_base_/models.py" if path.startswith("model.") else self.filename

    cfg = Config(model=dict(type="mydet.ResNet", depht=50), extra=dict(type="Nope"))
    error = errors_of(cfg)
    assert [(i.path, i.source) for i in error.issues] == [
        ("extra", "configs/retinanet.py"),
        ("model.depht", "configs/_base_/models.py"),
        ("model.depth", "configs/_base_/models.py"),
    ]
    assert error.file == "configs/retinanet.py"


def test_registry_validate_is_validate_with_that_registry(mydet: PluginSite) -> None:
    child = MODELS.get("mydet.ResNet") and MODELS.children["mydet"]
    assert child.validate(dict(type="ResNet", depth=50)).ok
    with pytest.raises(ConfigError) as info:
        TRANSFORMS.validate(dict(type="mydet.ResNet", depth=50))
    assert codes(info.value) == [("", "unknown-type", "error")]


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="a config is a mapping"):
        validate("model.py")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="registry must be a Registry"):
        validate({}, "MODELS")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="default_args must be a mapping"):
        validate({}, MODELS, default_args=[])  # type: ignore[arg-type]
    assert validate({}).issues == () and validate([]).issues == ()


def test_signatures_are_computed_once_and_forgotten_when_a_registry_changes(
    registry_state: None,
) -> None:
    from registry_core.validation._cache import CACHE

    R = Registry("thing", scope="caching")

    class Net:
        def __init__(self, depth: int) -> None:
            raise AssertionError("never called")

    R.register_module(module=Net)
    validate(dict(type="Net", depth=1), R)
    plan = CACHE.plan(Net)
    validate(dict(type="Net", depth=2), R)
    assert CACHE.plan(Net) is plan
    R.register_module(name="Other", module=len)
    validate(dict(type="Net", depth=2), R)
    assert CACHE.plan(Net) is not plan


def test_nothing_is_built_even_for_a_config_full_of_errors(mydet: PluginSite) -> None:
    cfg = dict(
        type="mydet.Detector",
        backbone=dict(type="ResNet", depth="x"),
        neck=dict(type="Plain", x=1),
        head=[dict(type="RetinaHead"), dict(type="CocoDataset")],
    )
    errors_of(cfg)
    validate(DETECTOR)
    assert calls() == []
