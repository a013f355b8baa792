"""Every form of registration, duplicates, and argument checking."""

from __future__ import annotations

import functools

import pytest

from registry_core import DuplicateRegistrationError, Registry


@pytest.fixture
def reg() -> Registry:
    return Registry("thing", scope="reg_test")


def test_decorator_returns_object_unchanged(reg: Registry) -> None:
    class Conv:
        pass

    assert reg.register_module()(Conv) is Conv
    assert reg.get("Conv") is Conv


def test_decorator_with_name_and_aliases(reg: Registry) -> None:
    @reg.register_module(name=["Conv", "Conv2d", "Conv"])
    class Conv:
        pass

    assert reg.get("Conv") is Conv and reg.get("Conv2d") is Conv
    assert len(reg) == 2


def test_call_form(reg: Registry) -> None:
    def relu(x: float) -> float:
        return max(x, 0.0)

    assert reg.register_module(module=relu) is relu
    assert reg.register_module("ReLU", False, relu) is relu
    assert reg.build(dict(type="ReLU", x=-3.0)) == 0.0


def test_partial_callable_instance_and_named_lambda(reg: Registry) -> None:
    scaled = functools.partial(pow, exp=2)
    reg.register_module(name="square", module=scaled)

    class Adder:
        def __call__(self, a: int, b: int) -> int:
            return a + b

    adder = Adder()
    reg.register_module(name="add", module=adder)
    reg.register_module(name="double", module=lambda x: 2 * x)
    assert reg.build(dict(type="square", base=3)) == 9
    assert reg.build(dict(type="add", a=1, b=2)) == 3
    assert reg.build(dict(type="double", x=4)) == 8


def test_objects_without_a_usable_name_need_one(reg: Registry) -> None:
    with pytest.raises(TypeError, match="pass name="):
        reg.register_module(module=functools.partial(pow, 2))
    with pytest.raises(ValueError, match="lambda has no usable name"):
        reg.register_module(module=lambda: None)
    assert len(reg) == 0


def test_same_object_again_is_a_no_op(reg: Registry) -> None:
    reg.register_module(module=len)
    reg.register_module(module=len)
    reg.register_module(name=["len", "size"], module=len)
    assert reg.items() == [("len", len), ("size", len)]


def test_duplicate_names_both_definitions(reg: Registry) -> None:
    def first() -> None: ...

    def second() -> None: ...

    second.__name__ = "first"
    reg.register_module(module=first)
    with pytest.raises(DuplicateRegistrationError) as info:
        reg.register_module(module=second)
    error = info.value
    assert isinstance(error, KeyError)
    assert error.name == "first"
    assert error.existing.endswith("test_duplicate_names_both_definitions.<locals>.first")
    assert error.new.endswith("test_duplicate_names_both_definitions.<locals>.second")
    assert "reg_test::thing" in str(error) and "force=True" in str(error)
    assert str(error) == error.message  # no KeyError quotes around it
    assert reg.get("first") is first


def test_force_replaces(reg: Registry) -> None:
    reg.register_module(name="f", module=len)
    reg.register_module(name="f", force=True, module=abs)
    assert reg.get("f") is abs


def test_aliases_are_all_or_nothing(reg: Registry) -> None:
    reg.register_module(name="b", module=abs)
    with pytest.raises(DuplicateRegistrationError):
        reg.register_module(name=["a", "b", "c"], module=len)
    assert reg.items() == [("b", abs)]
    with pytest.raises(ValueError, match="must not contain"):
        reg.register_module(name=["x", "y.z"], module=len)
    assert reg.items() == [("b", abs)]


@pytest.mark.parametrize("name", [1, b"x", {"a": 1}, ["ok", 2], object()])
def test_bad_name_type(reg: Registry, name: object) -> None:
    with pytest.raises(TypeError):
        reg.register_module(name=name, module=len)  # type: ignore[arg-type]
    assert len(reg) == 0


@pytest.mark.parametrize("name", ["", "a.b", ".", [], ["ok", ""]])
def test_bad_name_value(reg: Registry, name: object) -> None:
    with pytest.raises(ValueError):
        reg.register_module(name=name, module=len)  # type: ignore[arg-type]
    assert len(reg) == 0


@pytest.mark.parametrize("force", [1, None, "yes", 0.0])
def test_force_must_be_bool(reg: Registry, force: object) -> None:
    with pytest.raises(TypeError, match="force must be a bool"):
        reg.register_module(force=force, module=len)  # type: ignore[call-overload]


@pytest.mark.parametrize("module", [1, "len", [len]])
def test_module_must_be_callable(reg: Registry, module: object) -> None:
    with pytest.raises(TypeError, match="only callables"):
        reg.register_module(name="x", module=module)
    with pytest.raises(TypeError, match="only callables"):
        reg.register_module(name="x")(module)
    assert len(reg) == 0


def test_constructor_checks_arguments() -> None:
    with pytest.raises(TypeError, match="parent must be a Registry"):
        Registry("m", parent="models")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="scope must be a str"):
        Registry("m", scope=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="invalid scope"):
        Registry("m", scope="a.b")
    with pytest.raises(TypeError, match="locations must be a sequence"):
        Registry("m", scope="x", locations="pkg.models")
    with pytest.raises(TypeError, match="build_func must be callable"):
        Registry("m", scope="x", build_func=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="non-empty str"):
        Registry("", scope="x")


def test_scope_is_inferred_from_the_creating_module() -> None:
    assert Registry("m").scope == "tests"  # this module is tests.test_registration
    assert Registry("m", scope="explicit").scope == "explicit"


def test_subclass_init_does_not_count_as_creator() -> None:
    class MyRegistry(Registry):
        def __init__(self, name: str, **kwargs: object) -> None:
            super().__init__(name, **kwargs)  # type: ignore[arg-type]

    class Deeper(MyRegistry):
        def __init__(self, name: str) -> None:
            super().__init__(name)

    assert MyRegistry("m").scope == "tests"
    assert Deeper("m").scope == "tests"


def test_scope_in_main_and_in_packages(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    pkg = tmp_path / "inferpkg" / "sub"
    pkg.mkdir(parents=True)
    (tmp_path / "inferpkg" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "registry.py").write_text("from registry_core import Registry\nR = Registry('m')\n")
    code = (
        "from registry_core import Registry\n"
        "import inferpkg.sub.registry as r\n"
        "print(Registry('m').scope, r.R.scope)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "PYTHONPATH": str(tmp_path)},
    )
    assert out.stdout.split() == ["__main__", "inferpkg"]


def test_child_scope_conflict_and_reload() -> None:
    from registry_core import ScopeConflictError

    root = Registry("m", scope="conflict_root")
    first = Registry("m", parent=root, scope="det")
    # the same module creating it again (a reload) replaces it
    again = Registry("m", parent=root, scope="det")
    assert root.children["det"] is again and again is not first
    # a different module: conflict naming both modules
    namespace: dict[str, object] = {"__name__": "other_codebase.registry", "Registry": Registry}
    with pytest.raises(ScopeConflictError) as info:
        exec("Registry('m', parent=root, scope='det')", {**namespace, "root": root})
    assert info.value.claimants == ("tests.test_registration", "other_codebase.registry")
    assert "other_codebase.registry" in str(info.value)
    assert root.children["det"] is again


def test_build_func_inherited_and_explicit() -> None:
    calls: list[str] = []

    def my_build(cfg, registry, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(registry.scope)
        return ("built", cfg["type"], args, kwargs)

    root = Registry("m", scope="bf_root", build_func=my_build)
    child = Registry("m", parent=root, scope="bf_child")
    assert child.build_func is my_build
    assert child.build(dict(type="X"), k=2) == ("built", "X", (), {"k": 2})
    assert calls == ["bf_child"]
    from registry_core import build_from_cfg

    plain = Registry("m", scope="plain")
    assert plain.build_func is build_from_cfg


def test_repr_counts_names_in_english() -> None:
    R = Registry("thing", scope="repr_count")
    assert repr(R) == "<Registry repr_count::thing with 0 names>"
    R.register_module(name="one", module=len)
    assert repr(R) == "<Registry repr_count::thing with 1 name>"
    R.register_module(name="two", module=abs)
    Registry("thing", parent=R, scope="repr_kid")
    assert repr(R) == "<Registry repr_count::thing with 2 names, children: repr_kid>"
