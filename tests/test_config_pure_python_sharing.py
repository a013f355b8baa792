"""Copy-on-write bases of pure-Python configs (issue 18, speed): no load sees another's changes.

A base's values are made once for all the files that import it, and shared: a file
gets its own copy only of the names its code is seen to change (``x.update(...)``,
``x.k = ...``, ``x['k'] = ...``, ``del x.k``, ``x += ...``, ``x.append(...)``). Every
other way to change a value in place (through another name, inside an expression,
in a loop or a comprehension, a mapping merged deep into another) must find the
value shared and evaluate the file again on copies, so that the result is MMEngine's
(each importer its own values) and the base, loaded again or imported by another
file, is unchanged. Each case below changes a shared value in a way the first look
does not see; without the evaluator's check the second round reads the changed base.
"""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from registry_core import ConfigError, load_config

READ_BASE = "from mmengine.config import read_base\nwith read_base():\n    from .base import *\n"

BASE = """
model = dict(a=dict(x=1), l=[1])
pipeline = [dict(type='A')]
tags = {1}
"""

PRISTINE = {
    "model": {"a": {"x": 1}, "l": [1]},
    "pipeline": [{"type": "A"}],
    "tags": {1},
}

#: code of an importing file -> what MMEngine gives for the names it changes
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "setitem through an alias": (
        "m = model\nm['a'] = 2\n",
        {"model": {"a": 2, "l": [1]}, "m": {"a": 2, "l": [1]}},
    ),
    "attribute write through an alias": (
        "m = model\nm.b = 3\n",
        {"model": {"a": {"x": 1}, "l": [1], "b": 3}, "m": {"a": {"x": 1}, "l": [1], "b": 3}},
    ),
    "del of a key through an alias": (
        "m = model\ndel m['l']\n",
        {"model": {"a": {"x": 1}}, "m": {"a": {"x": 1}}},
    ),
    "del of an attribute through an alias": (
        "m = model.a\ndel m.x\n",
        {"model": {"a": {}, "l": [1]}, "m": {}},
    ),
    "augmented assignment extends a shared list": (
        "l = model.l\nl += [2]\n",
        {"model": {"a": {"x": 1}, "l": [1, 2]}, "l": [1, 2]},
    ),
    "augmented assignment on an item": (
        "p = pipeline\np[0]['type'] += 'B'\n",
        {"pipeline": [{"type": "AB"}], "p": [{"type": "AB"}]},
    ),
    "method inside an expression": (
        "x = model.pop('a')\n",
        {"model": {"l": [1]}, "x": {"x": 1}},
    ),
    "method in a comprehension": (
        "n = [model.l.append(i) for i in range(2)]\n",
        {"model": {"a": {"x": 1}, "l": [1, 0, 1]}, "n": [None, None]},
    ),
    "change in a for loop": (
        "for step in pipeline:\n    step['type'] = 'C'\n",
        {"pipeline": [{"type": "C"}], "step": {"type": "C"}},
    ),
    "merge deep into a shallow copy": (
        "import copy\nc = copy.copy(model)\nc.update(a=dict(x=5))\n",
        {"model": {"a": {"x": 5}, "l": [1]}, "c": {"a": {"x": 5}, "l": [1]}},
    ),
    "a shared value stored in a new mapping, then merged into": (
        "holder = dict(inner=model)\nholder['inner'].update(a=dict(y=2))\n",
        {
            "model": {"a": {"x": 1, "y": 2}, "l": [1]},
            "holder": {"inner": {"a": {"x": 1, "y": 2}, "l": [1]}},
        },
    ),
    "set changed in place": (
        "t = tags\nt |= {2}\n",
        {"tags": {1, 2}, "t": {1, 2}},
    ),
    "clear through an alias": (
        "q = pipeline\nq.clear()\n",
        {"pipeline": [], "q": []},
    ),
}


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text))
    for path in folder.iterdir():  # older than two seconds: kept by the cache between loads
        os.utime(path, (time.time() - 60, time.time() - 60))


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_change_the_first_look_misses_stays_in_the_file_that_makes_it(
    tmp_path: Path, case: str
) -> None:
    code, changed = CASES[case]
    write(
        tmp_path,
        {
            "base.py": BASE,
            "changer.py": READ_BASE + code,
            "reader.py": READ_BASE + "copied = dict(model=model, pipeline=pipeline)\n",
        },
    )
    for _ in range(2):  # the second time, the base comes from the cache
        assert load_config(tmp_path / "base.py") == PRISTINE
        assert load_config(tmp_path / "changer.py") == {**PRISTINE, **changed}
        reader = load_config(tmp_path / "reader.py")
        assert reader == {
            **PRISTINE,
            "copied": {"model": PRISTINE["model"], "pipeline": PRISTINE["pipeline"]},
        }


def test_a_base_changed_by_one_importer_is_unchanged_for_its_own_importers(
    tmp_path: Path,
) -> None:
    """A middle file shares its base's values and changes one through an alias; a file
    importing the middle one sees the change, the base's other importers do not."""
    write(
        tmp_path,
        {
            "base.py": BASE,
            "middle.py": READ_BASE + "m = model\nm.a.x = 2\n",
            "top.py": READ_BASE.replace(".base", ".middle") + "model.l.append(9)\n",
            "other.py": READ_BASE,
        },
    )
    for _ in range(2):
        top = load_config(tmp_path / "top.py")
        # (MMEngine gives each name its own copy: m is not model in top.py)
        assert top["model"] == {"a": {"x": 2}, "l": [1, 9]} and top["m"] == {
            "a": {"x": 2},
            "l": [1],
        }
        assert load_config(tmp_path / "middle.py")["model"] == {"a": {"x": 2}, "l": [1]}
        assert load_config(tmp_path / "other.py") == PRISTINE
        assert load_config(tmp_path / "base.py") == PRISTINE


def test_a_base_value_nested_too_deeply_is_a_config_error_for_its_importer(
    tmp_path: Path,
) -> None:
    """A base holding a list nested 50,000 deep (made by a loop, so its evaluation does
    not recurse): the file importing it got a raw ``RecursionError`` on main."""
    write(
        tmp_path,
        {
            "base.py": "import torch\nx = []\nfor i in range(50000):\n    x = [x]\n",
            "child.py": READ_BASE + "y = 1\n",
            "named.py": READ_BASE.replace("*", "x as z") + "z.append(1)\n",
        },
    )
    for name in ("child.py", "named.py", "base.py"):
        with pytest.raises(ConfigError, match="nested too deeply") as info:
            load_config(tmp_path / name)
        assert str(tmp_path / "base.py") in str(info.value), name
