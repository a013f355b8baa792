"""Config formats and MMEngine-compatible inheritance, on real files.

``write`` lays out a folder of config files; every test loads with the public
``load_config``.
"""

from __future__ import annotations

import os
import textwrap

import pytest

from registry_core import Config, ConfigError, load_config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


MODEL = {"type": "RetinaNet", "backbone": {"type": "ResNet", "depth": 50}, "neck": None}

SAME_CONFIG_IN_EVERY_FORMAT = {
    "cfg.py": """
        model = dict(type='RetinaNet', backbone=dict(type='ResNet', depth=50), neck=None)
        sizes = (1, 2)
        """,
    "cfg.json": """
        {"model": {"type": "RetinaNet", "backbone": {"type": "ResNet", "depth": 50},
                   "neck": null}, "sizes": [1, 2]}
        """,
    "cfg.yaml": """
        model:
          type: RetinaNet
          backbone: {type: ResNet, depth: 50}
          neck: null
        sizes: [1, 2]
        """,
    "cfg.yml": """
        model: {type: RetinaNet, backbone: {type: ResNet, depth: 50}, neck: null}
        sizes: [1, 2]
        """,
}


@pytest.mark.parametrize("name", sorted(SAME_CONFIG_IN_EVERY_FORMAT))
def test_every_format(tmp_path: Path, name: str) -> None:
    write(tmp_path, {name: SAME_CONFIG_IN_EVERY_FORMAT[name]})
    cfg = load_config(tmp_path / name)
    assert isinstance(cfg, Config) and type(cfg).__mro__[1] is dict
    assert cfg["model"] == MODEL
    assert cfg["sizes"] == ((1, 2) if name.endswith(".py") else [1, 2])
    assert cfg.filename == str(tmp_path / name)


def test_toml(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "cfg.toml": """
                sizes = [1, 2]
                [model]
                type = "RetinaNet"
                backbone = {type = "ResNet", depth = 50}
                """
        },
    )
    cfg = load_config(tmp_path / "cfg.toml")
    assert cfg == {"sizes": [1, 2], "model": {"type": "RetinaNet", "backbone": MODEL["backbone"]}}


def test_py_trusted_executes_the_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "cfg.py": """
                import os

                def stages(n):
                    return [dict(type='Stage', index=i) for i in range(n)]

                class Marker:
                    pass

                model = dict(stages=stages(2), sep=os.sep)
                __private = 1
                """
        },
    )
    with pytest.raises(ConfigError, match="an import of os"):
        load_config(tmp_path / "cfg.py")
    cfg = load_config(tmp_path / "cfg.py", trusted=True)
    # modules, functions and names starting with __ are not config values;
    # everything else (a class here) is, as in MMEngine
    assert set(cfg) == {"model", "Marker"}
    assert cfg["model"] == {
        "stages": [{"type": "Stage", "index": 0}, {"type": "Stage", "index": 1}],
        "sep": os.sep,
    }


def test_trusted_errors_name_the_line(tmp_path: Path) -> None:
    write(tmp_path, {"cfg.py": "a = 1\nb = {}['missing']\n"})
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "cfg.py", trusted=True)
    assert info.value.line == 2 and "KeyError" in str(info.value)
    assert isinstance(info.value.__cause__, KeyError)


# -- _base_ --------------------------------------------------------------------


def test_base_as_a_path_and_as_a_list_of_mixed_formats(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "_base_/model.py": "model = dict(type='Net', depth=50, head=dict(n=1))\n",
            "_base_/data.json": '{"data": {"root": "/data", "batch": 2}}',
            "_base_/schedule.toml": "[optim]\nlr = 0.1\nmomentum = 0.9\n",
            "_base_/runtime.yaml": "log_level: INFO\nhooks: [a, b]\n",
            "one.py": "_base_ = '_base_/model.py'\nmodel = dict(depth=101)\n",
            "many.yaml": """
                _base_:
                  - _base_/model.py
                  - _base_/data.json
                  - _base_/schedule.toml
                  - _base_/runtime.yaml
                optim: {lr: 0.02}
                hooks: [c]
                """,
        },
    )
    assert load_config(tmp_path / "one.py") == {
        "model": {"type": "Net", "depth": 101, "head": {"n": 1}}
    }
    assert load_config(tmp_path / "many.yaml") == {
        "model": {"type": "Net", "depth": 50, "head": {"n": 1}},
        "data": {"root": "/data", "batch": 2},
        "optim": {"lr": 0.02, "momentum": 0.9},
        "log_level": "INFO",
        "hooks": ["c"],  # lists are replaced, not merged
    }


def test_recursive_bases_relative_to_each_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a/base.py": "x = dict(a=1, b=1, c=1)\n",
            "a/b/middle.json": '{"_base_": "../base.py", "x": {"b": 2}}',
            "child.toml": '_base_ = ["a/b/middle.json"]\n[x]\nc = 3\n',
        },
    )
    assert load_config(tmp_path / "child.toml") == {"x": {"a": 1, "b": 2, "c": 3}}


def test_delete_replaces_and_is_kept_where_nothing_is_replaced(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.py": """
                model = dict(backbone=dict(type='ResNet', depth=50, norm=dict(type='BN')))
                optim = dict(type='SGD', lr=0.1)
                """,
            "child.py": """
                _base_ = './base.py'
                model = dict(backbone=dict(_delete_=True, type='Swin', embed=96))
                optim = dict(_delete_=True, type='AdamW')
                extra = dict(_delete_=True, a=1)
                """,
        },
    )
    assert load_config(tmp_path / "child.py") == {
        "model": {"backbone": {"type": "Swin", "embed": 96}},
        "optim": {"type": "AdamW"},
        "extra": {"_delete_": True, "a": 1},  # as MMEngine keeps it
    }


def test_lists_and_tuples_replace(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.py": "pipeline = [dict(type='A'), dict(type='B')]\nsize = (1, 2)\n",
            "child.py": "_base_ = 'base.py'\npipeline = [dict(type='C')]\nsize = (3,)\n",
        },
    )
    assert load_config(tmp_path / "child.py") == {"pipeline": [{"type": "C"}], "size": (3,)}


def test_a_mapping_over_a_non_mapping_suggests_delete(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.py": "model = dict(head=[1, 2])\n",
            "child.py": "_base_ = 'base.py'\n\nmodel = dict(head=dict(n=1))\n",
        },
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "child.py")
    message = str(info.value)
    assert "model.head is a mapping in this file, but a list in its base" in message
    assert str(tmp_path / "base.py") in message and "_delete_=True" in message
    assert info.value.line == 3


# -- references to base values ---------------------------------------------------


BASE = "backend_args = None\ndata_root = 'data/coco/'\nmodel = dict(mean=[1, 2], depth=50)\n"


REFERENCES = {
    "bare.py": "_base_ = 'base.py'\nroot = {{_base_.data_root}}\nmean = {{ _base_.model.mean }}\n",
    "attributes.py": "_base_ = 'base.py'\nroot = _base_.data_root\nmean = _base_.model.mean\n",
    "bare.json": '{"_base_": "base.py", "root": {{_base_.data_root}},'
    ' "mean": {{_base_.model.mean}}}',
    "quoted.json": '{"_base_": "base.py", "root": "{{_base_.data_root}}",'
    ' "mean": "{{_base_.model.mean}}"}',
    "bare.yaml": "_base_: base.py\nroot: {{_base_.data_root}}\nmean: {{_base_.model.mean}}\n",
    "quoted.yaml": "_base_: base.py\nroot: '{{_base_.data_root}}'\n"
    'mean: "{{_base_.model.mean}}"\n',
    "quoted.toml": '_base_ = "base.py"\nroot = "{{_base_.data_root}}"\n'
    'mean = "{{_base_.model.mean}}"\n',
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_base_references_in_every_format(tmp_path: Path, name: str) -> None:
    write(tmp_path, {"base.py": BASE, name: REFERENCES[name]})
    cfg = load_config(tmp_path / name)
    assert cfg["root"] == "data/coco/" and cfg["mean"] == [1, 2]
    assert cfg["mean"] is not cfg["model"]["mean"]  # a copy


def test_base_reference_inside_lists_and_dicts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.py": BASE,
            "c.py": """
                _base_ = 'base.py'
                pipeline = [dict(type='Load', backend_args={{_base_.backend_args}}),
                            ({{_base_.data_root}}, 1)]
                """,
        },
    )
    assert load_config(tmp_path / "c.py")["pipeline"] == [
        {"type": "Load", "backend_args": None},
        ("data/coco/", 1),
    ]


def test_a_reference_to_a_missing_base_key(tmp_path: Path) -> None:
    write(tmp_path, {"base.py": BASE, "c.py": "_base_ = 'base.py'\n\nx = {{_base_.model.nope}}\n"})
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "c.py")
    assert "model.nope" in str(info.value) and info.value.line == 3
    assert info.value.file == str(tmp_path / "c.py")
    write(tmp_path, {"d.py": "_base_ = 'base.py'\nx = _base_.nope\n"})
    with pytest.raises(ConfigError, match="no attribute 'nope'"):
        load_config(tmp_path / "d.py")


def test_py_configs_change_their_bases_in_place_as_in_mmengine(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.py": """
                model = dict(backbone=dict(depth=50), head=dict(num_classes=80, loss=dict(w=1)))
                sched = [dict(type='Warmup'), dict(type='Step', milestones=[8, 11])]
                tta = dict(type='TTA')
                """,
            "child.py": """
                _base_ = 'base.py'
                _base_.model.backbone.depth = 101
                _base_.sched[1].milestones = [16, 22]
                del _base_.tta
                head = _base_.model.head
                head.update(dict(loss=dict(w=2)))       # ConfigDict.update merges
                missing = _base_.model.pop('nothing')   # ConfigDict.pop defaults to None
                _base_.model.neck = dict(type='FPN')
                neck_type = _base_.model.neck.type      # stored dicts read as attributes
                """,
        },
    )
    assert load_config(tmp_path / "child.py") == {
        "model": {
            "backbone": {"depth": 101},
            "head": {"num_classes": 80, "loss": {"w": 2}},
            "neck": {"type": "FPN"},
        },
        "sched": [{"type": "Warmup"}, {"type": "Step", "milestones": [16, 22]}],
        "head": {"num_classes": 80, "loss": {"w": 2}},
        "missing": None,
        "neck_type": "FPN",
    }


def test_base_values_are_fresh_for_every_load(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.py": "model = dict(depth=50)\n",
            "a.py": "_base_ = 'base.py'\n_base_.model.depth = 1\n",
            "b.py": "_base_ = 'base.py'\n",
        },
    )
    assert load_config(tmp_path / "a.py")["model"]["depth"] == 1
    first = load_config(tmp_path / "b.py")
    first["model"]["depth"] = 2
    assert load_config(tmp_path / "b.py")["model"]["depth"] == 50


# -- variables -------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".py", ".json", ".toml", ".yaml"])
def test_predefined_variables(tmp_path: Path, suffix: str) -> None:
    texts = {
        ".py": "work_dir = './work_dirs/{{ fileBasenameNoExtension }}'\n"
        "where = '{{fileDirname}}|{{ fileBasename }}|{{  fileExtname  }}'\n",
        ".json": '{"work_dir": "./work_dirs/{{ fileBasenameNoExtension }}",'
        ' "where": "{{fileDirname}}|{{ fileBasename }}|{{  fileExtname  }}"}',
        ".toml": 'work_dir = "./work_dirs/{{ fileBasenameNoExtension }}"\n'
        'where = "{{fileDirname}}|{{ fileBasename }}|{{  fileExtname  }}"\n',
        ".yaml": "work_dir: ./work_dirs/{{ fileBasenameNoExtension }}\n"
        "where: '{{fileDirname}}|{{ fileBasename }}|{{  fileExtname  }}'\n",
    }
    write(tmp_path, {f"exp1{suffix}": texts[suffix]})
    cfg = load_config(tmp_path / f"exp1{suffix}")
    assert cfg["work_dir"] == "./work_dirs/exp1"
    assert cfg["where"] == f"{tmp_path}|exp1{suffix}|{suffix}"


def test_predefined_variables_of_a_base_name_the_base(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "sub/base.py": "name = '{{ fileBasenameNoExtension }}'\n",
            "child.py": "_base_ = 'sub/base.py'\nmine = '{{ fileBasenameNoExtension }}'\n",
        },
    )
    assert load_config(tmp_path / "child.py") == {"name": "base", "mine": "child"}


def test_environment_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RC_DATA_ROOT", "/mnt/data")
    monkeypatch.delenv("RC_UNSET", raising=False)
    write(
        tmp_path,
        {
            "cfg.py": """
                root = '{{$RC_DATA_ROOT}}/coco'
                other = '{{ $RC_UNSET:/default }}/x'
                classes = {{'$RC_UNSET:80'}}
                """,
            "cfg.yaml": "root: '{{$RC_DATA_ROOT:/x}}'\nother: '{{$RC_UNSET:/default}}'\n",
        },
    )
    assert load_config(tmp_path / "cfg.py") == {
        "root": "/mnt/data/coco",
        "other": "/default/x",
        "classes": 80,  # the text is put in as it is: a number, in a .py file
    }
    assert load_config(tmp_path / "cfg.yaml") == {"root": "/mnt/data", "other": "/default"}


def test_an_unset_environment_variable_without_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RC_UNSET", raising=False)
    write(tmp_path, {"cfg.json": '{\n  "a": 1,\n  "root": "{{$RC_UNSET}}"\n}'})
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "cfg.json")
    assert info.value.line == 3 and "RC_UNSET" in str(info.value)
    assert "{{$RC_UNSET:default}}" in str(info.value)


# -- errors ----------------------------------------------------------------------


def test_a_cycle_of_bases_names_the_chain(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.py": "_base_ = 'b.json'\n",
            "b.json": '{"_base_": ["c.yaml"]}',
            "c.yaml": "_base_: a.py\n",
            "self.py": "_base_ = 'self.py'\n",
        },
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "a.py")
    chain = " -> ".join(str(tmp_path / n) for n in ["a.py", "b.json", "c.yaml", "a.py"])
    assert chain in str(info.value)
    assert info.value.file == str(tmp_path / "c.yaml")
    with pytest.raises(ConfigError, match="cycle"):
        load_config(tmp_path / "self.py")


def test_a_missing_base_names_both_files(tmp_path: Path) -> None:
    write(tmp_path, {"child.py": "x = 1\n_base_ = ['nope.py']\n"})
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "child.py")
    assert str(tmp_path / "child.py") in str(info.value)
    assert str(tmp_path / "nope.py") in str(info.value)
    assert info.value.line == 2


def test_two_bases_setting_one_key_names_both(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"a.py": "x = 1\n", "b.yaml": "x: 2\n", "c.py": "_base_ = ['a.py', 'b.yaml']\n"},
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "c.py")
    message = str(info.value)
    assert str(tmp_path / "a.py") in message and str(tmp_path / "b.yaml") in message
    assert "'x'" in message


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("bad.py", "a = 1\nb = (\n", 2),
        ("bad.json", '{\n  "a": 1,\n  "b": \n}', 4),
        ("bad.toml", 'a = 1\nb = "unclosed\n', 2),
        ("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n", 3),
    ],
)
def test_syntax_errors_name_the_line(tmp_path: Path, name: str, text: str, line: int) -> None:
    write(tmp_path, {name: text})
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / name)
    assert info.value.file == str(tmp_path / name)
    assert info.value.line == line
    assert f"line {line}" in str(info.value)


def test_unsafe_yaml_tags_are_refused_and_run_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            "tuple.yaml": "a: 1\nsize: !!python/tuple [1, 2]\n",
            "run.yaml": "x: !!python/object/apply:os.system ['touch MARK']\n",
        },
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "tuple.yaml")
    assert info.value.line == 2 and "python/tuple" in str(info.value)
    with pytest.raises(ConfigError, match="safe loader"):
        load_config(tmp_path / "run.yaml")
    assert not (tmp_path / "MARK").exists()


def test_a_top_level_that_is_not_a_mapping(tmp_path: Path) -> None:
    write(tmp_path, {"list.json": "[1, 2]", "list.yaml": "- 1\n", "empty.yaml": ""})
    with pytest.raises(ConfigError, match="mapping at the top"):
        load_config(tmp_path / "list.json")
    with pytest.raises(ConfigError, match="mapping at the top"):
        load_config(tmp_path / "list.yaml")
    assert load_config(tmp_path / "empty.yaml") == {}


def test_unsupported_suffix_and_missing_file(tmp_path: Path) -> None:
    write(tmp_path, {"cfg.ini": "[a]\n", "child.py": "_base_ = 'cfg.ini'\n"})
    for name in ("cfg.ini", "child.py"):
        with pytest.raises(ConfigError, match=r"unsupported config suffix '\.ini'") as info:
            load_config(tmp_path / name)
        assert info.value.file == str(tmp_path / "cfg.ini")
    with pytest.raises(ConfigError, match="no such config file") as info:
        load_config(tmp_path / "missing.py")
    assert info.value.file == str(tmp_path / "missing.py")


def test_bases_are_evaluated_under_the_mode_of_the_file_naming_them(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.py": "def f():\n    return 3\n\nn = f()\n",
            "child.json": '{"_base_": "base.py", "m": 1}',
        },
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "child.json")
    assert info.value.file == str(tmp_path / "base.py")
    assert load_config(tmp_path / "child.json", trusted=True) == {"n": 3, "m": 1}


def test_deprecation_key_warns_and_is_dropped(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"old.py": "_deprecation_ = dict(expected='new.py', reference='https://x')\na = 1\n"},
    )
    with pytest.warns(DeprecationWarning, match=r"Please use new.py instead"):
        cfg = load_config(tmp_path / "old.py")
    assert cfg == {"a": 1}


def test_non_utf8_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "latin.py").write_bytes(b"a = '\xe9'\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path / "latin.py")


def test_without_pyyaml_yaml_needs_the_extra(tmp_path: Path) -> None:
    import subprocess
    import sys

    write(tmp_path, {"cfg.yaml": "a: 1\n"})
    code = (
        "import sys\n"
        "sys.modules['yaml'] = None  # PyYAML is not installed\n"
        "import registry_core\n"
        "try:\n"
        f"    registry_core.load_config({str(tmp_path / 'cfg.yaml')!r})\n"
        "except registry_core.ConfigError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'registry-core[yaml]'" in out.stdout
