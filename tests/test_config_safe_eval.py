"""The safe evaluation of ``.py`` configs: the data subset, the hostile set, the limits.

Each test writes a real config file and loads it with ``load_config``; nothing
is evaluated but through the public function.
"""

from __future__ import annotations

import textwrap
import tracemalloc

import pytest

from registry_core import ConfigError, load_config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


def load(tmp_path: Path, source: str, name: str = "cfg.py", **kwargs: Any) -> dict[str, Any]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return dict(load_config(path, **kwargs))


def refused(tmp_path: Path, source: str, name: str = "cfg.py") -> ConfigError:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.file == str(path)
    assert str(path) in str(info.value)
    return info.value


# -- the subset ----------------------------------------------------------------


def test_assignments_literals_and_displays(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        """
        a = b = 1
        c, (d, *e) = 2, [3, 4, 5]
        f = [1, 2.5, 'x', b'y', None, True, 1j, -3]
        g = (1,)
        h = {1, 2}
        i = {'k': 1, **{'m': 2}}
        j = [*f[:2], *g]
        k = dict(type='Net', depth=50, **i)
        """,
    )
    assert cfg == {
        "a": 1,
        "b": 1,
        "c": 2,
        "d": 3,
        "e": [4, 5],
        "f": [1, 2.5, "x", b"y", None, True, 1j, -3],
        "g": (1,),
        "h": {1, 2},
        "i": {"k": 1, "m": 2},
        "j": [1, 2.5, 1],
        "k": {"type": "Net", "depth": 50, "k": 1, "m": 2},
    }
    assert type(cfg["g"]) is tuple and type(cfg["j"]) is list


def test_augmented_assignment_and_del(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        """
        n = 1
        n += 2
        n *= 3
        lst = [1]
        alias = lst
        lst += [2]          # in place: alias sees it, as in Python
        d = dict(a=1, b=2, c=3)
        d['a'] += 10
        del d['b'], alias
        s = 'ab'
        s *= 2
        """,
    )
    assert cfg == {"n": 9, "lst": [1, 2], "d": {"a": 11, "c": 3}, "s": "abab"}


def test_loops_and_conditions(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        """
        out = []
        for i in range(10):
            if i % 2:
                continue
            elif i > 6:
                break
            out.append(i)
        else:
            out.append('no break')
        done = []
        for k, v in dict(a=1, b=2).items():
            done.append(k * v)
        else:
            done.append('end')
        mode = 'a' if len(out) > 3 else 'b'
        """,
    )
    assert cfg == {
        "out": [0, 2, 4, 6],
        "done": ["a", "bb", "end"],
        "mode": "a",
        "i": 8,
        "k": "b",
        "v": 2,
    }


def test_comprehensions(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        """
        x = 10
        squares = [x * x for x in range(4) if x]
        pairs = {(i, j) for i in range(2) for j in range(2) if i != j}
        names = {f'n{i}': i for i in range(3)}
        total = sum(v for v in names.values())
        nested = [[y for y in range(x)] for x in range(3)]
        """,
    )
    assert cfg == {
        "x": 10,  # comprehension names do not leak, as in Python 3
        "squares": [1, 4, 9],
        "pairs": {(0, 1), (1, 0)},
        "names": {"n0": 0, "n1": 1, "n2": 2},
        "total": 3,
        "nested": [[], [0], [0, 1]],
    }


def test_builtins(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        """
        a = dict([('k', 1)], v=2)
        b = list('ab'), tuple([1]), set([1, 1]), list(range(1, 7, 2))
        c = len([1, 2]), min(3, 1), max([3, 9]), sum([1, 2], 10), sorted([3, 1], reverse=True)
        d = list(zip('ab', [1, 2])), list(enumerate('xy', 1))
        e = round(2.567, 2), abs(-3), int('42'), int(3.9), float('1.5'), str(12), bool([])
        f = round(123456, -10), str([1, 'a'])
        """,
    )
    assert cfg == {
        "a": {"k": 1, "v": 2},
        "b": (["a", "b"], (1,), {1}, [1, 3, 5]),
        "c": (2, 1, 9, 13, [3, 1]),
        "d": ([("a", 1), ("b", 2)], [(1, "x"), (2, "y")]),
        "e": (2.57, 3, 42, 3, 1.5, "12", False),
        "f": (0, "[1, 'a']"),
    }


def test_operators_subscripts_and_slices(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        """
        a = [1 + 2, 7 - 3, 2 * 3, 7 / 2, 7 // 2, 7 % 3, 2 ** 10, 1 << 4, 256 >> 2]
        b = [6 & 3, 6 | 3, 6 ^ 3, ~5, -a[0], +a[1], not a]
        c = [1 < 2 <= 2, 1 == 1.0, 'a' in 'cat', 3 not in [1], None is None, [] is not []]
        d = (0 or 'x', 1 and 2, None and 1)
        e = 'abcdef'[1:4], [1, 2, 3][::-1], dict(k=[5])['k'][0]
        f = {1, 2} | {3}, {1, 2} & {2}, {1, 2} - {1}, dict(a=1) | dict(b=2)
        g = '%s-%03d' % ('id', 7), '%(k)s' % dict(k='v')
        """,
    )
    assert cfg == {
        "a": [3, 4, 6, 3.5, 3, 1, 1024, 16, 64],
        "b": [2, 7, 5, -6, -3, 4, False],
        "c": [True, True, True, True, True, True],
        "d": ("x", 2, None),
        "e": ("bcd", [3, 2, 1], 5),
        "f": ({1, 2, 3}, {2}, {2}, {"a": 1, "b": 2}),
        "g": ("id-007", "v"),
    }


def test_fstrings_and_format(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        """
        name = 'r50'
        depth = 50
        a = f'{name}_{depth:04d}_{name!r}_{3.14159:.2f}_{depth:>{depth // 10}}'
        b = '{}-{}'.format(1, 2), '{1}{0}'.format('a', 'b'), '{x}/{y:>3}'.format(x=1, y=2)
        c = '{{literal}} {}'.format(1)
        """,
    )
    assert cfg == {
        "name": "r50",
        "depth": 50,
        "a": "r50_0050_'r50'_3.14_   50",
        "b": ("1-2", "ba", "1/  2"),
        "c": "{literal} 1",
    }


def test_methods(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        """
        s = ' A,b '
        strs = [s.strip(), s.lower(), s.upper(), s.split(','), ','.join(['x', 'y']),
                s.replace('A', 'Z'), s.startswith(' '), s.endswith('x'), s.strip().lstrip('A'),
                'a.b.c'.rsplit('.', 1), s.count('b'), 'abc'.index('c')]
        lst = [3, 1]
        lst.append(2)
        lst.extend([0])
        lst.insert(0, 9)
        popped = lst.pop()
        lst.sort()
        lst.reverse()
        lst.remove(9)
        copied = lst.copy()
        d = dict(a=1)
        d.update(b=2)
        d.update({'c': 3})
        got = d.get('z', 'default'), d.pop('a'), d.setdefault('e', 5), list(d.keys())
        vals = list(d.values()), list(d.items())
        t = (1, 2, 1)
        counts = t.count(1), t.index(2)
        """,
    )
    assert cfg["strs"] == [
        "A,b",
        " a,b ",
        " A,B ",
        [" A", "b "],
        "x,y",
        " Z,b ",
        True,
        False,
        ",b",
        ["a.b", "c"],
        1,
        2,
    ]
    assert cfg["lst"] == [3, 2, 1] and cfg["popped"] == 0 and cfg["copied"] == [3, 2, 1]
    assert cfg["d"] == {"b": 2, "c": 3, "e": 5}
    assert cfg["got"] == ("default", 1, 5, ["b", "c", "e"])
    assert cfg["vals"] == ([2, 3, 5], [("b", 2), ("c", 3), ("e", 5)])
    assert cfg["counts"] == (2, 1)


def test_import_copy(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        """
        import copy
        from copy import deepcopy as dc
        base = dict(a=[1])
        shallow = copy.copy(base)
        deep = copy.deepcopy(base)
        deeper = dc(base)
        base['a'].append(2)
        """,
    )
    # the module and the function are not config values (as in MMEngine)
    assert cfg == {
        "base": {"a": [1, 2]},
        "shallow": {"a": [1, 2]},
        "deep": {"a": [1]},
        "deeper": {"a": [1]},
    }


def test_two_names_bound_to_one_dict_become_two_dicts(tmp_path: Path) -> None:
    cfg = load(tmp_path, "a = dict(x=1)\nb = a\n")
    assert cfg == {"a": {"x": 1}, "b": {"x": 1}}
    assert cfg["a"] is not cfg["b"]


def test_private_names_are_kept_and_double_underscore_names_dropped(tmp_path: Path) -> None:
    assert load(tmp_path, "_x = 1\n__y = 2\nz = __y\n") == {"_x": 1, "z": 2}


def test_custom_imports_is_kept_as_data_and_never_imported(tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "side_effect_module.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        for name, source in [
            ("cfg.py", "custom_imports = dict(imports=['side_effect_module'])\n"),
            ("cfg.json", '{"custom_imports": {"imports": ["side_effect_module"]}}'),
            ("cfg.toml", 'custom_imports = {imports = ["side_effect_module"]}\n'),
            ("cfg.yaml", "custom_imports:\n  imports: [side_effect_module]\n"),
        ]:
            cfg = load(tmp_path, source, name)
            assert cfg["custom_imports"]["imports"] == ["side_effect_module"]
            cfg = load(tmp_path, source, name.replace("cfg", "trusted"), trusted=True)
            assert cfg["custom_imports"]["imports"] == ["side_effect_module"]
        assert "side_effect_module" not in sys.modules
        assert not marker.exists()
    finally:
        sys.path.remove(str(tmp_path))


# -- what Python would refuse -------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ("a = 1\nb = a +\n", 2, "syntax error"),
        ("a = 1\nb = undefined_name\n", 2, "NameError: name 'undefined_name' is not defined"),
        ("a = [1]\nb = a['x']\n", 2, "TypeError"),
        ("a = {}\nb = a['missing']\n", 2, "KeyError"),
        ("a = 1 / 0\n", 1, "ZeroDivisionError"),
        ("a, b = [1, 2, 3]\n", 1, "too many values to unpack"),
        ("break\n", 1, "'break' outside loop"),
        ("a = 1\na()\n", 2, "'int' object is not callable"),
        ("a = dict(x=1)\nb = a.x\n", 2, "'dict' object has no attribute 'x'"),
        ("a = dict(x=1, **dict(x=2))\n", 1, "multiple values for keyword argument 'x'"),
        ("a = '{} {}'.format(1)\n", 1, "replacement index 1 out of range"),
    ],
)
def test_errors_name_the_file_line_and_code(
    tmp_path: Path, source: str, line: int, words: str
) -> None:
    error = refused(tmp_path, source)
    assert error.line == line
    assert f"line {line}" in str(error)
    assert words in str(error)


def test_a_python_error_is_chained(tmp_path: Path) -> None:
    error = refused(tmp_path, "a = {}['k']\n")
    assert isinstance(error.__cause__, KeyError)


# -- the hostile set ------------------------------------------------------------

#: Each entry would leave the file MARK behind if anything of it ran.
HOSTILE = {
    "import": ("import os\nos.system('touch MARK')", 1, "an import of os"),
    "from import": ("from os import system\nsystem('touch MARK')", 1, "an import from os"),
    "__import__": ("x = __import__('os').system('touch MARK')", 1, "a call of __import__"),
    "subclasses": (
        "x = [c for c in ().__class__.__bases__[0].__subclasses__()]",
        1,
        "the attribute __subclasses__",
    ),
    "format attribute": ("x = '{0.__class__}'.format(1)", 1, "the format field {0.__class__}"),
    "format index": ("x = '{0[0]}'.format(['MARK'])", 1, "the format field {0[0]}"),
    "f-string dunder": ("x = f'{(1).__class__.__mro__}'", 1, "the attribute __mro__"),
    "f-string method": ("x = f'{(1).bit_length}'", 1, "the attribute bit_length of an int"),
    "getattr": ("x = getattr(open, '__call__')('MARK', 'w')", 1, "a call of getattr"),
    "open": ("x = 1\nf = open('MARK', 'w')", 2, "a call of open"),
    "exec": ("exec(\"open('MARK', 'w')\")", 1, "a call of exec"),
    "eval": ("x = eval(\"open('MARK', 'w')\")", 1, "a call of eval"),
    "globals": ("g = globals()", 1, "a call of globals"),
    "type": ("T = type('T', (), {})", 1, "a call of type"),
    "lambda": ("f = (lambda: open('MARK', 'w'))()", 1, "a lambda"),
    "def": ("def f():\n    open('MARK', 'w')\nf()", 1, "a function definition (def)"),
    "class": ("class A:\n    open('MARK', 'w')", 1, "a class definition"),
    "while": ("while True:\n    pass", 1, "a while loop"),
    # (a with statement makes the file a pure-Python config, as in MMEngine, where only
    # `with read_base():` is accepted: see tests/test_config_pure_python.py)
    "try": ("try:\n    open('MARK', 'w')\nexcept Exception:\n    pass", 1, "a try statement"),
    "print": ("print('MARK')", 1, "a call of print"),
    "global": ("global x\nx = 1", 1, "a global statement"),
    "dunder name": ("x = __builtins__", 1, "the name __builtins__"),
    "builtin as value": ("f = dict\nx = f(a=1)", 1, "the built-in dict used as a value"),
    "method as value": ("m = 'a'.upper\nx = m()", 1, "the attribute upper of a str"),
    "copy module as value": ("import copy\nc = copy", 2, "<module 'copy'> used as a value"),
    "other copy function": ("import copy\nx = copy.replace(1)", 2, "copy.replace"),
    "walrus": ("x = [(y := 1)]", 1, "an assignment expression"),
    "unlisted method": ("x = 'a'.zfill(10)", 1, "the method str.zfill"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_constructs_are_refused_and_run_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.chdir(tmp_path)
    source, line, construct = HOSTILE[case]
    error = refused(tmp_path, source + "\n")
    message = str(error)
    assert error.line == line
    assert f"line {line}" in message
    assert construct in message
    assert "trusted=True" in message and "--trusted" in message
    assert not (tmp_path / "MARK").exists()


@pytest.mark.parametrize(
    "source",
    [
        "x = range(10**9)",  # no items in memory, but a value of 10**9 of them
        "x = list(range(10**9))",
        "x = [0] * 10**9",
        "x = 'ab' * 10**9",
        "x = 10 ** 10**9",
        "x = 1 << 10**9",
        "x = (1, 2) * 10**9",
        "x = [*range(10**9)]",
        "x = set(range(10**9))",
        "x = dict(zip(range(10**9), range(10**9)))",
        "x = ('a' * 1000).replace('', 'b' * 100000)",
        "x = ''.join(['a' * 5_000_000] * 3)",
        "x = '{:1000000000}'.format(1)",
        "x = f'{1:>{10**9}}'",
        "x = '%1000000000d' % 1",
        "x = '%*d' % (10**9, 1)",
        "x = [1]\nx.extend(range(10**9))",
        "x = [1]\nx *= 10**9",
    ],
)
def test_huge_values_are_refused_before_they_are_made(tmp_path: Path, source: str) -> None:
    tracemalloc.start()
    try:
        error = refused(tmp_path, source + "\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "more than the limit of 10,000,000" in str(error)
    assert peak < 20_000_000  # nothing near the value's size was allocated


def test_the_item_limit_is_inclusive(tmp_path: Path) -> None:
    assert len(load(tmp_path, "x = 'a' * 10_000_000\n")["x"]) == 10_000_000
    error = refused(tmp_path, "x = 'a' * 10_000_001\n")
    assert "10,000,001 items" in str(error)


def test_the_step_limit(tmp_path: Path) -> None:
    assert load(tmp_path, "x = 0\nfor i in range(1000):\n    x += i\n")["x"] == 499500
    nested = "x = 0\nfor i in range(10**4):\n    for j in range(10**4):\n        x += 1\n"
    error = refused(tmp_path, nested)
    assert "more than 10,000,000 steps" in str(error)
    assert error.line == 3


def test_bulk_work_counts_as_steps(tmp_path: Path) -> None:
    # each pass makes a 100,000-item list: 100 passes are 10,000,000 steps
    error = refused(tmp_path, "for i in range(1000):\n    x = [0] * 100_000\n")
    assert "more than 10,000,000 steps" in str(error)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("a = [0]\nfor i in range(64):\n    a = [a, a]\n", "more than 10,000,000 items"),
        ("a = [0]\nfor i in range(64):\n    a = [a, a]\nb = str(a)\n", "limit of 10,000,000"),
        ("a = [0]\nfor i in range(64):\n    a = [a, a]\nb = a == [a, a]\n", "steps"),
        ("a = []\nfor i in range(100_000):\n    a = [a]\n", "nested too deeply"),
        ("a = []\nfor i in range(100_000):\n    a = [a]\nb = a == a\n", "nested too deeply"),
        ("x = " + "-" * 100_000 + "1\n", "nested too deeply"),
        ("x = str(10**5000)\n", "4300 digits"),
        ("a = []\na.append(a)\n", "the value of 'a' holds itself"),
        ("a = {}\na['me'] = a\nb = str(a)\n", "the value holds itself"),
        ("x = int('1' * 100_000)\n", "4300 digits"),
        ("x = 0.5 in range(10**12)\n", "more than the limit of 10,000,000"),
        ("x = 0.5 in [*range(10**7)] + [*range(10**7)]\n", "10,000,000"),
        ("a = 7 ** 1_500_000\nb = a // (3 ** 700_000)\n", "steps"),
    ],
)
def test_values_that_would_exhaust_the_machine(tmp_path: Path, source: str, words: str) -> None:
    assert words in str(refused(tmp_path, source))


def test_sum_adds_numbers_only(tmp_path: Path) -> None:
    assert "sum() adds numbers only" in str(refused(tmp_path, "x = sum([[1], [2]], [])\n"))


def test_nothing_of_the_file_is_compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The safe evaluation parses the file (compile to a syntax tree only) and
    # never compiles it to code, executes or evaluates it.
    import ast
    import builtins

    real_compile = builtins.compile

    def parse_only(source: Any, filename: Any, mode: Any, flags: int = 0, **kw: Any) -> Any:
        assert flags & ast.PyCF_ONLY_AST, "compiled to code"
        return real_compile(source, filename, mode, flags, **kw)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("exec/eval called")

    monkeypatch.setattr(builtins, "compile", parse_only)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "eval", forbidden)
    cfg = load(tmp_path, "a = [i for i in range(3)]\nb = f'{a}'\nc = dict(x=a)\n")
    assert cfg == {"a": [0, 1, 2], "b": "[0, 1, 2]", "c": {"x": [0, 1, 2]}}
