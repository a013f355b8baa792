"""Untrusted configs run only registered code.

A config read from a JSON or TOML file names what to build by strings. Whatever
those strings say (``os.system``, ``builtins.eval``, a dotted path of any
importable module, a dunder, an empty string) or whatever else the file holds
instead of a string, building it imports no module and calls nothing: it raises
the documented error. Each test warms discovery up first (the scan imports
``registry_core.discovery`` once per process, legitimately), then compares
``sys.modules`` before and after, and watches the functions an attacker would
want called.

The registry the configs are built from (``MODELS`` is the root a runner
builds untrusted configs from)::

        [registry_core] MODELS
                 |
        [safe]: Leaf, Container          Container(children=[cfg, ...]) builds
                                         each child config with MODELS.build
"""

from __future__ import annotations

import builtins
import importlib
import json
import os
import subprocess
import sys

import pytest

from registry_core import (
    MODELS,
    NotRegisteredError,
    Registry,
    ScopeNotFoundError,
    available_scopes,
    default_scope,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 has no TOML parser of its own
    try:
        import tomli as tomllib
    except ImportError:
        tomllib = None

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path
    from typing import Any

#: Strings naming code that must never run: importable callables, modules
#: not imported yet, dunders, empty and malformed keys.
HOSTILE_NAMES = [
    "os.system",
    "os.popen",
    "builtins.eval",
    "builtins.exec",
    "builtins.__import__",
    "subprocess.Popen",
    "subprocess.run",
    "importlib.import_module",
    "pickle.loads",
    "shutil.rmtree",
    "antigravity.geohash",
    "this.s",
    "turtle.Turtle",
    "http.server.HTTPServer",
    "xmlrpc.client.ServerProxy",
    "__import__",
    "__builtins__",
    "__class__",
    "__init__",
    "__main__.main",
    "__subclasses__",
    "eval",
    "exec",
    "sys.modules",
    "registry_core.registry.LOCK",
    "registry_core.__init__",
    "",
    ".",
    "..",
    "os.",
    ".os",
    "os..system",
    "safe.",
    "safe..Leaf",
    " safe.Leaf",
]
#: Modules named above that nothing imports in a test process; they must stay out.
NEVER_IMPORTED = ["antigravity", "this", "turtle", "http.server", "xmlrpc.client"]
#: Values of ``type`` a JSON or TOML file can hold instead of a string.
NON_STRINGS: list[object] = [None, 0, 1.5, True, [], ["os.system"], {}, {"type": "Leaf"}]
#: Values of ``_scope_`` naming no scope.
HOSTILE_SCOPES = [
    "os",
    "builtins",
    "subprocess",
    "os.path",
    "antigravity",
    "__builtins__",
    "__import__",
    "__class__",
    "",
    ".",
    "safe.Leaf",
    "registry_core.registry",
]


class Leaf:
    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


class Container:
    def __init__(self, children: Sequence[Mapping[str, Any]] = ()) -> None:
        self.children = [MODELS.build(child) for child in children]


class Watch:
    """Records every call of the functions an attacker's config would aim at."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.imports: list[str] = []
        self.modules_before = set(sys.modules)
        real_import = builtins.__import__

        def spy(name: str) -> Callable[..., Any]:
            def record(*args: Any, **kwargs: Any) -> None:
                self.calls.append((name, args))
                raise AssertionError(f"{name} was called with {args!r}")

            return record

        def import_spy(name: str, *args: Any, **kwargs: Any) -> Any:
            self.imports.append(name)
            return real_import(name, *args, **kwargs)

        for owner, attr in [
            (os, "system"),
            (os, "popen"),
            (subprocess, "Popen"),
            (subprocess, "run"),
            (builtins, "eval"),
            (builtins, "exec"),
            (importlib, "import_module"),
        ]:
            monkeypatch.setattr(owner, attr, spy(f"{owner.__name__}.{attr}"))
        monkeypatch.setattr(builtins, "__import__", import_spy)

    def check(self, *names: object) -> None:
        """Nothing was called, no module was added, none named by ``names`` imported."""
        assert self.calls == []
        assert set(sys.modules) == self.modules_before
        for module in NEVER_IMPORTED:
            assert module not in sys.modules
        named = {
            ".".join(parts[: i + 1])
            for name in names
            if isinstance(name, str)
            for parts in [name.split(".")]
            for i in range(len(parts))
        }
        assert named.isdisjoint(self.imports), sorted(named & set(self.imports))


@pytest.fixture
def safe() -> Registry:
    child = Registry("model", parent=MODELS, scope="safe")
    child.register_module(module=Leaf)
    child.register_module(module=Container)
    # Warm-up: the first lookup scans (importing registry_core.discovery) and the
    # first miss imports difflib for its suggestions. Neither is named by a key.
    available_scopes()
    with pytest.raises(NotRegisteredError):
        MODELS.build({"type": "safe.NoSuchThing"})
    with pytest.raises(ScopeNotFoundError):
        MODELS.build({"type": "Leaf", "_scope_": "no_such_scope"})
    return child


@pytest.fixture
def watch(safe: Registry, monkeypatch: pytest.MonkeyPatch) -> Watch:
    return Watch(monkeypatch)


def test_the_safe_configs_do_build(safe: Registry) -> None:
    """The baseline: the registered names build, so the refusals below are refusals."""
    built = MODELS.build(
        json.loads('{"type": "safe.Container", "children": [{"type": "safe.Leaf", "x": 1}]}')
    )
    assert isinstance(built, Container)
    assert isinstance(built.children[0], Leaf) and built.children[0].kwargs == {"x": 1}
    assert isinstance(MODELS.build({"type": "Leaf", "_scope_": "safe"}), Leaf)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_type_string_is_not_registered(watch: Watch, name: str, tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    cfg = json.loads(json.dumps({"type": name, "command": f"touch {canary}", "args": ["id"]}))
    with pytest.raises(NotRegisteredError) as info:
        MODELS.build(cfg)
    assert info.value.key == name
    assert MODELS.get(name) is None
    assert name not in MODELS
    with pytest.raises(NotRegisteredError):
        MODELS[name]
    with pytest.raises(NotRegisteredError):
        MODELS.build(cfg, default_args={"type": "Leaf"})  # cfg wins over default_args
    watch.check(name)
    assert not canary.exists()


@pytest.mark.parametrize("value", NON_STRINGS, ids=repr)
def test_a_type_that_is_not_a_string_is_a_type_error(watch: Watch, value: object) -> None:
    cfg = json.loads(json.dumps({"type": value}))
    with pytest.raises(TypeError, match="'type' must be a str or a callable"):
        MODELS.build(cfg)
    with pytest.raises(TypeError, match="registry keys are str"):
        MODELS.get(value)  # type: ignore[arg-type]
    watch.check()


@pytest.mark.parametrize("scope", HOSTILE_SCOPES)
def test_a_hostile_scope_is_not_found(watch: Watch, scope: str) -> None:
    with pytest.raises(ScopeNotFoundError) as info:
        MODELS.build(json.loads(json.dumps({"type": "Leaf", "_scope_": scope})))
    assert info.value.scope == scope
    with pytest.raises(ScopeNotFoundError):
        with MODELS.switch_scope_and_registry(scope):
            pass
    watch.check(scope)


@pytest.mark.parametrize("value", [0, 1.5, True, [], ["os"], {}, {"_scope_": "os"}], ids=repr)
def test_a_scope_that_is_not_a_string_is_a_type_error(watch: Watch, value: object) -> None:
    with pytest.raises(TypeError, match="a scope must be a str or None"):
        MODELS.build(json.loads(json.dumps({"type": "Leaf", "_scope_": value})))
    watch.check()


@pytest.mark.parametrize("name", ["os.system", "builtins.eval", "__import__", ""])
def test_a_hostile_default_scope_changes_nothing(watch: Watch, name: str) -> None:
    """A runner sets the default scope from the config; an unknown one never raises."""
    for scope in ("os", "builtins", "__builtins__", "subprocess"):
        with default_scope(scope):
            assert isinstance(MODELS.build({"type": "safe.Leaf"}), Leaf)
            with pytest.raises(NotRegisteredError):
                MODELS.build({"type": name})
    watch.check(name, "os", "builtins", "subprocess")


NESTED = [
    ({"type": "os.system", "command": "id"}, NotRegisteredError),
    ({"type": "Leaf", "_scope_": "subprocess"}, ScopeNotFoundError),
    ({"type": "builtins.eval", "_scope_": "safe"}, NotRegisteredError),
    ({"type": ["os.system"]}, TypeError),
    ({"type": "Leaf", "_scope_": ["os"]}, TypeError),
    ({"type": "safe.Container", "children": [{"type": "", "_scope_": "safe"}]}, NotRegisteredError),
]


@pytest.mark.parametrize(("nested", "error"), NESTED, ids=[json.dumps(n) for n, _ in NESTED])
def test_hostile_configs_nested_in_a_registered_container(
    watch: Watch, nested: dict[str, Any], error: type[Exception]
) -> None:
    text = json.dumps(
        {
            "type": "safe.Container",
            "children": [
                {"type": "safe.Leaf", "ok": True},
                {"type": "safe.Container", "children": [nested]},
            ],
        }
    )
    with pytest.raises(error) as info:
        MODELS.build(json.loads(text))
    # each level of construction it passed through says so, in a note
    notes = getattr(info.value, "__notes__", [])
    assert sum("'safe.Container'" in note for note in notes) >= 2
    watch.check("os.system", "subprocess", "builtins.eval", "os")


TOML_CONFIGS = [
    ('type = "os.system"\ncommand = "id"\n', NotRegisteredError),
    ('type = "builtins.eval"\nsource = "1"\n', NotRegisteredError),
    ('type = "subprocess.Popen"\nargs = ["id"]\n', NotRegisteredError),
    ('type = "__import__"\nname = "os"\n', NotRegisteredError),
    ('type = ""\n', NotRegisteredError),
    ('type = "Leaf"\n_scope_ = "os"\n', ScopeNotFoundError),
    ('type = "Leaf"\n_scope_ = ""\n', ScopeNotFoundError),
    ("type = 1979-05-27T07:32:00Z\n", TypeError),
    ("type = 1979-05-27\n", TypeError),
    ("type = 07:32:00\n", TypeError),
    ("type = 3\n", TypeError),
    ("type = [1, 2]\n", TypeError),
    ('[type]\nname = "os.system"\n', TypeError),
    ('type = "Leaf"\n_scope_ = 1979-05-27\n', TypeError),
    ('type = "safe.Container"\n[[children]]\ntype = "os.system"\n', NotRegisteredError),
    ('type = "safe.Container"\n[[children]]\ntype = "Leaf"\n_scope_ = "os"\n', ScopeNotFoundError),
]


@pytest.mark.parametrize(("text", "error"), TOML_CONFIGS)
def test_toml_configs(watch: Watch, text: str, error: type[Exception]) -> None:
    if tomllib is None:  # pragma: no cover - Python 3.10 without tomli
        pytest.skip("Python 3.10 reads TOML with tomli, which is not installed")
    cfg = tomllib.loads(text)
    with pytest.raises(error):
        MODELS.build(cfg)
    watch.check("os.system", "builtins.eval", "subprocess.Popen", "os")


def test_very_deep_scoped_keys_resolve_without_recursion(safe: Registry) -> None:
    """A multi-level key recurses per level; a config file can hold thousands of levels."""
    depth = 5000
    assert MODELS.get("safe." * depth + "Leaf") is Leaf
    assert MODELS.get("safe." * depth + "Nope") is None
    assert MODELS.get("registry_core." * depth + "Nope") is None
    with pytest.raises(NotRegisteredError):
        MODELS.build({"type": "registry_core." * depth + "os.system"})
    assert isinstance(MODELS.build({"type": "safe." * depth + "Leaf"}), Leaf)


def test_very_long_names_are_refused_quickly(watch: Watch) -> None:
    for key in ["x" * 1_000_000, "safe." + "L" * 1_000_000, "a." * 200_000 + "b"]:
        with pytest.raises(NotRegisteredError):
            MODELS.build({"type": key})
        assert MODELS.get(key) is None
    watch.check()
