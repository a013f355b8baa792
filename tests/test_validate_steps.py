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
from registry_core.validation._annotations import (
    ACCEPT,
    REJECT,
    SUBCLASS,
    compile_annotation,
    describe_value,
)
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
