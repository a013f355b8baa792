"""The steps of ``validate``, each alone: annotations, signatures, resolution, issues.

Each step is a small pure function (or close to one); these tests call it
directly with plain inputs, so that a wrong answer points at one step.
"""

# ``Optional[X]`` and ``Union[X, Y]`` are what is being tested, next to ``X | Y``.
# ruff: noqa: UP007, UP045

from __future__ import annotations

import collections
import functools
import inspect
import os
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Optional, Union

import pytest

from registry_core import Registry, ScopeNotFoundError
from registry_core.validation import _resolve
from registry_core.validation._annotations import compile_annotation
from registry_core.validation._expect import ACCEPT, REJECT, SUBCLASS, describe_value
from registry_core.validation._issues import Issue, Report, config_error, sort_issues
from registry_core.validation._record import parts_of as _parts
from registry_core.validation._signature import _short_file, definition, locate, plan_for

NS = vars(typing)


class Base:
    pass


class Sub(Base):
    pass


# -- annotations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("annotation", "good", "bad"),
    [
        (int, [0, -3], [True, 1.0, "1", None, [1]]),
        (float, [1, 1.5], [False, "1.5", None]),
        (str, ["", "x"], [b"x", 1, None]),
        (bool, [True, False], [0, 1, "true"]),
        (None, [None], [0, "", False]),
        (type(None), [None], [0]),
        (Optional[int], [None, 2], ["2", 2.5]),
        (Union[int, str], [1, "a"], [1.5, None]),
        (int | None, [None, 1], ["x"]),
        (Literal["BN", "GN", 3], ["BN", 3], ["LN", 3.0, True]),
        (list, [[], (1,), [1, "a"]], [{}, "ab", 1]),
        (list[int], [[1, 2], (3,)], [[1, "2"], ["x"], [True]]),
        (typing.List[str], [["a"]], [[1]]),  # noqa: UP006
        (tuple[int, ...], [(1, 2), [3]], [(1, "2")]),
        (tuple[int, str], [(1, "a"), [1, "a"]], [(1,), (1, 2), (1, "a", 3)]),
        (tuple[()], [()], [(1,)]),
        (dict, [{}, {"a": 1}], [[], "x"]),
        (dict[str, int], [{"a": 1}], [{"a": "1"}]),
        (Mapping[str, list[float]], [{"a": [1, 2.5]}], [{"a": ["x"]}, {"a": 1}]),
        (Sequence[int], [[1], (2,)], [["a"], "ab"]),
        (Sequence[str], [["a"], "ab"], [[1]]),
        (collections.OrderedDict, [{}], [[1]]),
        (list[Optional[dict]], [[None, {}]], [[1]]),
        ("Optional[list[int]]", [None, [1]], [[1.5]]),
        ("int | str", [1, "a"], [None]),
        ("typing.Optional[int]", [None], ["x"]),
        (typing.Annotated[int, "meta"], [1], ["1"]),
        (typing.NewType("UserId", int), [1], ["1"]),
    ],
)
def test_plain_annotations(annotation: Any, good: list[Any], bad: list[Any]) -> None:
    namespace = {**NS, "typing": typing}
    expect = compile_annotation(annotation, namespace)
    assert expect is not None
    for value in good:
        assert expect.accepts(value), (annotation, value)
    for value in bad:
        assert not expect.accepts(value), (annotation, value)


@pytest.mark.parametrize(
    "annotation",
    [
        inspect.Parameter.empty,
        Any,
        object,
        "Undefined",
        "list[Undefined]",
        "int | Undefined",
        "not ( valid",
        "__import__('os').system('exit 1')",
        "(lambda: int)()",
        "[int][0]",
        typing.Callable[[int], int],
        typing.TypeVar("T"),
        type[int],
        set[int],
        typing.Iterable[int],
        Union[int, typing.Callable[..., Any]],
        typing.Protocol,
    ],
)
def test_annotations_it_cannot_read_compile_to_none(annotation: Any) -> None:
    assert compile_annotation(annotation, NS) is None


def test_a_string_annotation_never_runs_a_codebase_class_getitem() -> None:
    ran: list[str] = []

    class Custom:
        def __class_getitem__(cls, item: Any) -> Any:
            ran.append("ran")
            return cls

    assert compile_annotation("Custom[int]", {"Custom": Custom}) is None
    assert ran == []


def test_a_class_annotation_checks_only_nodes() -> None:
    expect = compile_annotation(Base, {})
    assert expect is not None
    assert (expect.node, expect.classes) == (SUBCLASS, (Base,))
    assert expect.accepts(3) and expect.accepts("x") and expect.accepts([1]) and expect.accepts({})
    union = compile_annotation(Optional[Base], {})
    assert union is not None and union.node == SUBCLASS and union.plain_ok(None)
    assert compile_annotation(int, {}).node == REJECT  # type: ignore[union-attr]
    assert compile_annotation(dict, {}).node == ACCEPT  # type: ignore[union-attr]


def test_texts_and_schemas() -> None:
    cases = {
        int: ("int", {"type": "integer"}),
        Optional[float]: ("Optional[float]", {"anyOf": [{"type": "number"}, {"type": "null"}]}),
        list[str]: ("list[str]", {"type": "array", "items": {"type": "string"}}),
        tuple[int, str]: (
            "tuple[int, str]",
            {
                "type": "array",
                "prefixItems": [{"type": "integer"}, {"type": "string"}],
                "minItems": 2,
                "maxItems": 2,
            },
        ),
        dict[str, bool]: (
            "dict[str, bool]",
            {"type": "object", "additionalProperties": {"type": "boolean"}},
        ),
        Literal["a", 1]: ("Literal['a', 1]", {"enum": ["a", 1]}),
        Base: (f"{__name__}.Base", {}),
        Optional[Base]: (f"Optional[{__name__}.Base]", {}),
    }
    for annotation, (text, schema) in cases.items():
        expect = compile_annotation(annotation, {})
        assert expect is not None
        assert (expect.text, expect.schema) == (text, schema), annotation


def test_describe_value_never_recurses() -> None:
    deep: list[Any] = []
    level = deep
    for _ in range(100_000):
        level.append([])
        level = level[0]
    assert describe_value(deep) == "list of 1 item"
    assert describe_value("x" * 100) == "str '" + "x" * 36 + "..."
    assert describe_value(None) == "None"
    assert describe_value(object()) == "a object object"
    assert describe_value(collections.OrderedDict()) == "mapping of 0 items"


# -- signatures ------------------------------------------------------------------------


def test_plans_of_every_kind_of_target() -> None:
    class Net:
        def __init__(self, depth: int, width: int = 8, *args: Any, **kwargs: Any) -> None: ...

    class Inherits(Net):
        pass

    class Call:
        def __call__(self, x: float, /, y: str, *, z: bool = False) -> None: ...

    net = plan_for(Net)
    assert (net.names, net.required, net.var_kw, net.allowed) == (
        ("depth", "width"),
        ("depth",),
        True,
        None,
    )
    assert net.builds is Net and net.defaults == {"width": 8}
    assert plan_for(Inherits).names == ("depth", "width")
    assert plan_for(Inherits).builds is Inherits
    partial = plan_for(functools.partial(Net, 18, width=4))
    assert (partial.names, partial.required, partial.defaults) == (("width",), (), {"width": 4})
    assert partial.builds is Net and partial.target.endswith("Net")
    call = plan_for(Call())
    assert (call.names, call.required, call.positional_only) == (("y", "z"), ("y",), ("x",))
    assert call.allowed == frozenset({"y", "z"}) and call.builds is None
    assert call.expects["y"].text == "str"
    builtin = plan_for(dict)
    assert (builtin.known, builtin.allowed, builtin.required) == (False, None, ())


def test_string_annotations_resolve_in_the_targets_module() -> None:
    namespace: dict[str, Any] = {}
    exec(
        "from __future__ import annotations\n"
        "from typing import Optional\n"
        "class Thing:\n"
        "    def __init__(self, a: Optional[int], b: Thing, c: Missing): ...\n",
        namespace,
    )
    plan = plan_for(namespace["Thing"])
    assert plan.expects["a"].text == "Optional[int]"
    assert plan.expects["b"].classes == (namespace["Thing"],)
    assert "c" not in plan.expects


def test_definitions_and_locations() -> None:
    def decorated(x: int) -> int:
        return x

    @functools.wraps(decorated)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return decorated(*args, **kwargs)

    assert definition(wrapper) is decorated
    assert definition(functools.partial(functools.partial(Base), 1)) is Base
    instance = Sub()
    assert definition(instance) is Sub
    location = locate(Sub)
    assert location.file == os.path.abspath(__file__)
    assert location.line == inspect.getsourcelines(Sub)[1]
    assert location.short == f"tests/test_validate_steps.py:{location.line}"
    assert locate(len).file is None and locate(len).short == ""


def test_short_files() -> None:
    sep = os.sep
    assert _short_file(sep.join(["", "s", "toydet", "models.py"]), "toydet.models") == (
        "toydet/models.py"
    )
    assert _short_file(sep.join(["", "s", "toydet", "__init__.py"]), "toydet") == (
        "toydet/__init__.py"
    )
    outside = sep.join(["", "elsewhere", "script.py"])
    assert _short_file(outside, "__main__") == outside


# -- resolution ------------------------------------------------------------------------


def test_resolution_steps(registry_state: None) -> None:
    #   steps_root
    #   `-- steps_a (Net)
    #       `-- steps_b (Head)
    root = Registry("steps", scope="steps_root")
    a = Registry("steps", parent=root, scope="steps_a")
    b = Registry("steps", parent=a, scope="steps_b")
    a.register_module(name="Net", module=dict)
    b.register_module(name="Head", module=list)
    assert _resolve.start(root, None, False, None) is root
    assert _resolve.start(root, "steps_a", True, None) is a
    assert _resolve.start(root, None, True, "steps_b") is b  # _scope_=None: default scope
    assert _resolve.start(root, None, False, "nobody_has_it") is root  # not strict
    with pytest.raises(ScopeNotFoundError):
        _resolve.start(root, "nobody_has_it", True, None)
    assert _resolve.lookup(root, "steps_a.Net") == (dict, a)
    assert _resolve.lookup(root, "steps_a.steps_b.Head") == (list, b)
    assert _resolve.lookup(b, "Net") == (dict, b)  # found in an ancestor, looked up in b
    assert _resolve.lookup(root, "Nothing") == (None, root)
    miss = _resolve.diagnose(root, "steps_a.Nte")
    assert (miss.code, miss.registry, miss.suggestions) == ("unknown-type", a, ("steps_a.Net",))
    miss = _resolve.diagnose(root, "Head")
    assert miss.suggestions == ("steps_b.Head",)
    miss = _resolve.diagnose(root, "steps_x.Net")
    assert (miss.code, miss.scope) == ("unknown-scope", "steps_x")
    # registered in another scope: one rule with the miss message (registry_core._suggest)
    assert _resolve.diagnose(root, "Net").suggestions == ("steps_a.Net",)


# -- issues ----------------------------------------------------------------------------


def test_issues_sort_by_path_and_format() -> None:
    def issue(path: str, severity: str = "error") -> Issue:
        return Issue(path, "unknown-type", severity, f"at {path or 'the top'}")

    issues = sort_issues([issue("b[10]"), issue("b[2]"), issue(""), issue('a["x.y"]'), issue("a")])
    assert [i.path for i in issues] == ["", "a", 'a["x.y"]', "b[2]", "b[10]"]
    error = config_error([issue(""), issue("a.b", "warning")], "cfg.json")
    assert str(error).splitlines() == ["<config>: at the top", "a.b: warning: at a.b"]
    assert error.file == "cfg.json" and len(error.issues) == 2
    assert str(Report()) == "no issues" and Report().ok
    assert issue("x").to_json()["suggestions"] == []


def test_cells_give_paths() -> None:
    top = (None, None, {})
    cell = ((((top, "model", {}), "pipeline", []), 3, {}), "a.b", 1)
    assert _parts(cell) == ("model", "pipeline", 3, "a.b")
    assert _parts(top) == ()
    assert _parts((top, None, 1)) == ("None",)


# -- the container rule: one rule for validate's walk and Expect.accepts ------------------


@pytest.mark.parametrize(
    ("annotation", "value", "severity"),
    [
        # issue 19, item 1: where real codebases annotate loosely and build anyway
        (int, 4.0, "warning"),
        (Optional[int], 0.5, "warning"),
        (dict, [{"layer": "Conv2d"}], "warning"),
        (Optional[dict], [{"layer": "Conv2d"}, {"layer": "Linear"}], "warning"),
        (typing.Tuple[int], (1, 5), "warning"),  # noqa: UP006 - meaning Tuple[int, ...]
        (typing.Tuple[int], (1, "5"), "warning error"),  # noqa: UP006 - each item an int
        # where the value cannot be what the annotation says in any reading
        (int, "4", "error"),
        (int, True, "error"),
        (float, "0.1", "error"),
        (str, 3, "warning"),  # MMEngine's `loss_scale: str` takes 512.0
        (bool, 1, "warning"),
        (int, None, "warning"),  # `init_cfg: dict = None`
        (Literal["BN", "GN"], "LN", "error"),
        (Optional[int], "3", "error"),
        (tuple[int, int], (1, 2, 3), "error"),
        (list[int], {"a": 1}, "error"),
        # a list where a plain value is expected: code annotated `input_size: int`
        # commonly takes (14, 14) too (MMPretrain's BEiTMaskGenerator)
        (int, {"a": 1}, "error"),
        (int, [14, 14], "warning"),
        (float, [[0.1], [0.2]], "warning"),
    ],
)
def test_the_error_and_warning_line(annotation: Any, value: Any, severity: str) -> None:
    R = Registry("thing", scope=f"line{abs(hash((repr(annotation), repr(value))))}")

    def target(x: Any) -> None:
        raise AssertionError("never called")

    target.__annotations__["x"] = annotation
    R.register_module(name="T", module=target)
    expect = compile_annotation(annotation, NS)
    assert expect is not None and not expect.accepts(value)  # accepts() is the strict rule
    try:
        report = R.validate(dict(type="T", x=value))
    except Exception as exc:  # ConfigError
        issues = exc.issues  # type: ignore[attr-defined]
    else:
        issues = report.issues
    assert [(i.code, i.severity) for i in issues] == [
        ("wrong-type", s) for s in severity.split()
    ], issues
    assert issues[0].path.startswith("x")


def test_a_value_like_the_parameters_own_default_is_no_wrong_type() -> None:
    # issue 19, item 1: MMPretrain's CAEPretrainViT(bias: bool = 'qv_bias') takes 'qv_bias'
    R = Registry("thing", scope="like_default")

    def vit(bias: bool = "qv_bias", norm: Literal["BN", "GN"] = "BN") -> None:  # type: ignore[assignment]
        raise AssertionError("never called")

    R.register_module(name="ViT", module=vit)
    assert R.validate(dict(type="ViT", bias="qv_bias")).ok
    assert R.validate(dict(type="ViT", bias=False)).ok
    with pytest.raises(ValueError, match="expected Literal"):  # a Literal still says which
        R.validate(dict(type="ViT", norm="LN"))


# -- what the parent's constructor passes a nested node (issue 19, item 2) -----------------

BUILT = Registry("thing", scope="built_by_parent")


@BUILT.register_module()
class Loss:
    def __init__(self, weight: float, eps: float = 1e-6) -> None:
        raise AssertionError("never called")


class _BaseHead:
    def __init__(self, loss: dict) -> None:
        self.loss = BUILT.build(loss)  # builds it, passing nothing


@BUILT.register_module()
class Head(_BaseHead):
    def __init__(self, loss: dict, in_channels: int = 8) -> None:
        super().__init__(loss=loss)


@BUILT.register_module()
class Neck:
    def __init__(self, block: dict, width: int = 8) -> None:
        self.block = BUILT.build(block, default_args=dict(weight=1.0))


@BUILT.register_module()
class Neck2:
    def __init__(self, block: dict, width: int = 8) -> None:
        self.block = BUILT.build(block, default_args={"weight": 1.0})  # as toydet's Detector


@BUILT.register_module()
class Wrapper:
    def __init__(self, inner: dict, channels=3) -> None:  # channels: unannotated on purpose
        self.inner = some_builder(inner)  # hands it to other code


def some_builder(cfg: dict) -> Any:
    raise AssertionError("never called")


def test_a_nested_nodes_missing_argument_is_an_error_when_its_builder_does_not_pass_it() -> None:
    # MMPretrain's ClsHead builds `loss` with MODELS.build(loss): LabelSmoothLoss without
    # label_smooth_val fails that build; read from the (base) class's source
    error = None
    try:
        BUILT.validate(dict(type="Head", loss=dict(type="Loss")))
    except ValueError as exc:
        error = exc
    assert error is not None
    issue = error.issues[0]  # type: ignore[attr-defined]
    assert (issue.path, issue.code, issue.severity) == ("loss.weight", "missing-argument", "error")
    assert "builds this node through a registry without passing it" in issue.message
    # default_args=dict(weight=...) passes it; code the source does not show may too
    assert BUILT.validate(dict(type="Neck", block=dict(type="Loss"))).ok
    assert BUILT.validate(dict(type="Neck2", block=dict(type="Loss"))).ok
    report = BUILT.validate(dict(type="Wrapper", inner=dict(type="Loss")))
    assert [(i.path, i.severity) for i in report.issues] == [("inner.weight", "warning")]


def test_an_unannotated_parameter_with_a_number_default_takes_no_str() -> None:
    # MMPretrain's PCPVT(in_channels=3) given '3' fails to build
    with pytest.raises(ValueError, match="channels: expected a number"):
        BUILT.validate(dict(type="Wrapper", inner={}, channels="3"))
    assert BUILT.validate(dict(type="Wrapper", inner={}, channels=[3, 4])).ok


def test_an_unannotated_parameter_documented_with_a_plain_type() -> None:
    # MMPretrain's ResNet documents `depth (int): ...` without annotating it; '50' fails
    class Net:
        """A net.

        Args:
            depth (int): how deep.
            scale (float, optional): a scale.
            arch (str | dict): an architecture.
        """

        def __init__(self, depth, scale=None, arch="tiny") -> None:  # unannotated on purpose
            raise AssertionError("never called")

    R = Registry("thing", scope="by_docstring")
    R.register_module(module=Net)
    with pytest.raises(ValueError, match=r"depth: expected int \(by its docstring\)"):
        R.validate(dict(type="Net", depth="50"))
    assert R.validate(dict(type="Net", depth=50, scale=None, arch={"a": 1})).ok
    with pytest.raises(ValueError, match="scale: expected float"):
        R.validate(dict(type="Net", depth=50, scale="big"))
