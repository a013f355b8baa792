"""``dump_config``: what it writes in each format, and what it refuses."""

from __future__ import annotations

import math
import os

import pytest

from registry_core import ConfigError, dump_config, load_config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

CONFIG = {
    "model": {
        "type": "RetinaNet",
        "backbone": {"type": "ResNet", "depth": 50, "out_indices": (1, 2, 3)},
        "head": {"num_classes": 80, "loss": {"type": "Focal", "gamma": 2.0}},
    },
    "pipeline": [{"type": "Load"}, {"type": "Resize", "scale": (1333, 800)}],
    "lr": 0.02,
    "flags": [True, False],
    "empty": {},
    "work_dir": "./work_dirs/{{ fileBasenameNoExtension }}",
    "env": "{{$HOME}} and {{{$X:y}}}",
}


def lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [lists(v) for v in value]
    return value


@pytest.mark.parametrize("suffix", [".json", ".toml", ".yaml", ".yml", ".py"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"out{suffix}"
    dump_config(CONFIG, path)
    loaded = load_config(path)
    # braces are written so that the placeholders are not substituted back
    assert loaded == (CONFIG if suffix == ".py" else lists(CONFIG))
    if suffix == ".py":
        assert type(loaded["model"]["backbone"]["out_indices"]) is tuple


def test_a_loaded_config_round_trips(tmp_path: Path) -> None:
    (tmp_path / "base.py").write_text("model = dict(depth=50, size=(1, 2))\n")
    (tmp_path / "child.py").write_text("_base_ = 'base.py'\nmodel = dict(depth=101)\n")
    cfg = load_config(tmp_path / "child.py")
    dump_config(cfg, tmp_path / "merged.py")
    assert load_config(tmp_path / "merged.py") == cfg == {"model": {"depth": 101, "size": (1, 2)}}


def test_python_output_is_readable(tmp_path: Path) -> None:
    dump_config({"model": {"type": "Net", "depth": 50}, "keys": {"a.b": 1}}, tmp_path / "o.py")
    assert (tmp_path / "o.py").read_text() == (
        "model = dict(type='Net', depth=50)\nkeys = {'a.b': 1}\n"
    )


def test_python_values_beyond_json(tmp_path: Path) -> None:
    config = {
        "nan_inf": [math.inf, -math.inf],
        "numbers": [1j, 10**30, -0.0],
        "sets": [{1, 2}, set()],
        "bytes": b"\x00{{",
        "keys": {1: "a", (1, 2): "b", None: "c", 2.5: "d", b"k": "e"},
    }
    dump_config(config, tmp_path / "o.py")
    assert load_config(tmp_path / "o.py") == config
    dump_config({"x": math.nan}, tmp_path / "nan.py")
    assert math.isnan(load_config(tmp_path / "nan.py")["x"])


def test_names_that_shadow_builtins(tmp_path: Path) -> None:
    config = {"dict": {"a": 1}, "set": set(), "float": math.inf, "x": [math.nan]}
    dump_config(config, tmp_path / "o.py")
    loaded = load_config(tmp_path / "o.py")
    assert loaded["dict"] == {"a": 1} and loaded["set"] == set() and loaded["float"] == math.inf
    assert math.isnan(loaded["x"][0])


@pytest.mark.parametrize(
    ("suffix", "config", "words"),
    [
        (".toml", {"a": {"b": None}}, "a.b to TOML: it is None"),
        (".toml", {"a": 2**70}, "64-bit"),
        (".toml", {"a": {1: 2}}, "not a string"),
        (".json", {"a": {1: 2}}, "a[1] to JSON"),
        (".json", {"a": [math.nan]}, "a[0] to JSON: it is nan"),
        (".json", {"a": {1, 2}}, "JSON has no set values"),
        (".py", {"not a name": 1}, "is not a Python name"),
        (".py", {"class": 1}, "is not a Python name"),
        (".py", {"a": frozenset()}, "a frozenset is not data"),
        (".py", {"a": object()}, "a object is not data"),
        (".yaml", {"a": object()}, "cannot write the config to YAML"),
        (".json", {"_base_": "x.py"}, "'_base_'"),
        (".py", {"__hidden": 1}, "'__hidden'"),
        (".yaml", {"a": ["{{_base_.model}}"]}, "reference to a base value"),
        (".cfg", {"a": 1}, "suffix '.cfg'"),
    ],
)
def test_what_a_format_cannot_hold(
    tmp_path: Path, suffix: str, config: dict[Any, Any], words: str
) -> None:
    path = tmp_path / f"out{suffix}"
    with pytest.raises(ConfigError, match="cannot write") as info:
        dump_config(config, path)
    assert words in str(info.value) and str(path) in str(info.value)
    assert not path.exists()


def test_dump_needs_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="mapping"):
        dump_config([1, 2], tmp_path / "o.json")  # type: ignore[arg-type]


# -- issue 16, scenario 7: only what loads back equal is written ----------------------


def _nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("suffix", "config", "words"),
    [
        (".yaml", {"a": {"b": "x\ud800y"}}, "a.b"),  # written as "\uD800": invalid YAML
        (".json", {"a": ["\udfff"]}, "a[0]"),
        (".py", {"a": "\ud800"}, "a"),
        (".py", {"deep": _nested(250)}, "deep"),  # Python's parser nests 200 brackets
        (".json", {"n": 10**5000}, "n"),  # more digits than Python writes as text
        (".yaml", {"m": {"n": -(10**5000)}}, "m.n"),
        (".py", {"n": 10**5000}, "n"),
        (".toml", {"n": 10**5000}, "n"),
        (".yaml", {"deep": _nested(400)}, "deep"),  # PyYAML's writer recursed past the limit
        (".json", {"deep": _nested(5000)}, "deep"),
    ],
    ids=[
        "yaml-surrogate",
        "json-surrogate",
        "py-surrogate",
        "py-deep",
        "json-big-int",
        "yaml-big-int",
        "py-big-int",
        "toml-big-int",
        "yaml-deep",
        "json-deep",
    ],
)
def test_7_what_would_not_load_back_is_refused_and_nothing_written(
    tmp_path: Path, suffix: str, config: dict[Any, Any], words: str
) -> None:
    path = tmp_path / f"out{suffix}"
    with pytest.raises(ConfigError) as info:
        dump_config(config, path)
    message = str(info.value)
    assert str(path) in message and "cannot write" in message, message
    assert f" {words}" in message or f" {words}:" in message, message
    assert list(tmp_path.iterdir()) == []  # no file, not even a partial or temporary one


def test_7_a_refused_dump_leaves_an_existing_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    path.write_text("a: 1\n")
    with pytest.raises(ConfigError):
        dump_config({"a": "\ud800"}, path)
    assert path.read_text() == "a: 1\n"
    assert list(tmp_path.iterdir()) == [path]


def test_7_a_safe_config_making_a_huge_int_cannot_be_dumped(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("n = 10 ** 5000\n")
    cfg = load_config(tmp_path / "big.py")
    for suffix in (".json", ".yaml", ".py", ".toml"):
        with pytest.raises(ConfigError, match="cannot write n"):
            dump_config(cfg, tmp_path / f"out{suffix}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.py"]


def test_7_deep_values_that_load_back_are_written(tmp_path: Path) -> None:
    config = {"a": _nested(100)}
    for suffix in (".json", ".yaml", ".py"):
        dump_config(config, tmp_path / f"out{suffix}")
        assert load_config(tmp_path / f"out{suffix}") == config


# -- issue 15, point 5: one table of formats ------------------------------------------


def test_every_format_of_the_table_is_written_read_and_named(tmp_path: Path) -> None:
    from registry_core.config._formats import FORMATS, SUFFIXES

    for fmt in FORMATS:
        for suffix in fmt.suffixes:
            path = tmp_path / f"cfg{suffix}"
            dump_config({"model": {"type": "Net", "size": (3, 3)}}, path)
            size = (3, 3) if fmt.tuples else [3, 3]
            assert load_config(path) == {"model": {"type": "Net", "size": size}}
    with pytest.raises(ConfigError) as info:
        dump_config({"a": 1}, tmp_path / "cfg.ini")
    (tmp_path / "cfg.ini").write_text("a = 1\n")
    with pytest.raises(ConfigError) as loading:
        load_config(tmp_path / "cfg.ini")
    for suffix in SUFFIXES:  # the messages name every suffix of the table
        assert suffix in str(info.value) and suffix in str(loading.value)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_7_the_written_file_keeps_its_mode(tmp_path: Path) -> None:
    # the text goes through a temporary file that replaces the target: the mode is kept
    existing = tmp_path / "existing.json"
    existing.write_text("{}")
    existing.chmod(0o640)
    dump_config({"a": 1}, existing)
    assert existing.stat().st_mode & 0o777 == 0o640
    umask = os.umask(0o022)
    try:
        dump_config({"a": 1}, tmp_path / "new.json")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.json", "new.json"]


def test_7_a_dump_through_a_symlink_writes_the_file_it_points_to(tmp_path: Path) -> None:
    # the checked write replaces the file the link points to, never the link itself
    real = tmp_path / "real" / "cfg.json"
    real.parent.mkdir()
    real.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    dump_config({"a": 1}, link)
    assert link.is_symlink()
    assert load_config(real) == {"a": 1}
    assert sorted(p.name for p in real.parent.iterdir()) == ["cfg.json"]
