"""Where ``load_config`` deliberately differs from MMEngine's ``Config.fromfile``.

One test per row of the table in docs/migrating-from-mmengine.md ("Config files").
"""

from __future__ import annotations

import textwrap

import pytest

from registry_core import Config, ConfigError, load_config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_py_configs_and_their_base_line_are_not_executed(tmp_path: Path) -> None:
    path = write(tmp_path, "cfg.py", "_base_ = [].__class__.__name__\n")
    with pytest.raises(ConfigError, match="the attribute __name__"):
        load_config(path)


def test_custom_imports_are_not_imported(tmp_path: Path) -> None:
    path = write(tmp_path, "cfg.py", "custom_imports = dict(imports=['no_such_module'])\n")
    assert load_config(path)["custom_imports"] == {"imports": ["no_such_module"]}


def test_yaml_python_tags_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "cfg.yaml", "size: !!python/tuple [1, 2]\n")
    with pytest.raises(ConfigError, match="safe loader"):
        load_config(path)


def test_toml_is_read(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "cfg.toml", "[model]\ndepth = 50\n")) == {
        "model": {"depth": 50}
    }


def test_the_result_is_plain_data(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, "cfg.py", "model = dict(type='Net')\n"))
    assert type(cfg) is Config and type(cfg["model"]) is dict
    assert not hasattr(cfg, "model")


def test_reserved_keys_are_ordinary_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "cfg.py", "filename = 'x'\ntext = 1\npretty_text = 2\n")
    cfg = load_config(path)
    assert cfg["filename"] == "x" and cfg.filename == str(path)


def test_scripts_are_refused_and_lose_their_functions_when_trusted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "script.py",
        """
        import argparse

        def main():
            return argparse.ArgumentParser()

        if __name__ == '__main__':
            main()
        """,
    )
    with pytest.raises(ConfigError, match="an import of argparse"):
        load_config(path)
    assert load_config(path, trusted=True) == {}


def test_new_style_configs_read_their_bases(tmp_path: Path) -> None:
    # issue 18: pure-Python configs load (tests/test_config_pure_python.py); a missing base
    path = write(tmp_path, "cfg.py", "with read_base():\n    from .base import *\n")
    with pytest.raises(ConfigError, match=r"the base \.base does not exist"):
        load_config(path)


def test_environment_variables_without_default_and_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RC_SET", "/data")
    monkeypatch.setenv("RC_EMPTY", "")
    monkeypatch.delenv("RC_UNSET", raising=False)
    text = "a = '{{$RC_SET}}'\nb = '{{$RC_EMPTY}}'\nc = '{{$RC_UNSET:}}'\n"
    path = write(tmp_path, "cfg.py", text)
    assert load_config(path) == {"a": "/data", "b": "", "c": ""}


def test_quoted_base_references(tmp_path: Path) -> None:
    write(tmp_path, "base.py", "root = 'data/'\n")
    json_child = write(tmp_path, "c.json", '{"_base_": "base.py", "r": "{{_base_.root}}"}')
    py_child = write(tmp_path, "c.py", "_base_ = 'base.py'\nr = '{{_base_.root}}'\n")
    assert load_config(json_child)["r"] == load_config(py_child)["r"] == "data/"


def test_base_references_in_comments_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, "base.py", "root = 'data/'\n")
    child = write(tmp_path, "c.py", "_base_ = 'base.py'\n# x = {{_base_.nothing}}\n")
    assert load_config(child) == {"root": "data/"}


def test_errors_are_config_errors_with_a_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "cfg.py", "a = 1\nb = {}['k']\n"))
    assert info.value.line == 2 and isinstance(info.value.__cause__, KeyError)


def test_sum_of_non_numbers_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sum"):
        load_config(write(tmp_path, "cfg.py", "x = sum([[1], [2]], [])\n"))
