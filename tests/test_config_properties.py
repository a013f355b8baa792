"""Property-based tests of the config side (hypothesis).

* The safe evaluation of a generated ``.py`` config of the subset equals what
  ``exec`` of the same source makes, or both fail.
* ``dump_config`` then ``load_config`` gives back the config, in every format
  (tuples as lists from JSON, TOML and YAML; TOML configs have no ``None``).

The generated programs use only the subset, so executing them is harmless;
``*`` only multiplies by small literals, so no example makes a large value.
"""

from __future__ import annotations

import keyword
import os
import tempfile
import warnings
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry_core import ConfigError, dump_config, load_config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_SETTINGS = settings(
    deadline=None,
    max_examples=250,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
_NAMES = count()


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``(1,) != [1]``, ``True != 1``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


def holds_itself(value: Any, inside: frozenset[int] = frozenset()) -> bool:
    """Whether ``value`` is inside itself (a cycle), which no config can be."""
    if isinstance(value, (list, tuple, dict, set)):
        if id(value) in inside:
            return True
        inside = inside | {id(value)}
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        return any(holds_itself(item, inside) for item in items)
    return False


def load_text(folder: str, name: str, text: str, **kwargs: Any) -> Any:
    path = os.path.join(folder, f"{next(_NAMES)}_{name}")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return load_config(path, **kwargs)


# -- safe evaluation == exec ---------------------------------------------------

PRELUDE = "n0 = 3\nn1 = 'ab'\nn2 = [1, 2, 3]\nn3 = dict(a=1, b=[2])\nn4 = (1, 'x')\nn5 = 2.5\n"
NAMES = st.sampled_from(["n0", "n1", "n2", "n3", "n4", "n5"])

LEAVES = st.one_of(
    st.integers(-5, 20).map(str),
    st.sampled_from(["'ab'", "'a'", "''", "2.5", "True", "False", "None", "v"]),
    NAMES,
)

CALLS = ["len", "list", "tuple", "sorted", "min", "max", "sum", "str", "bool", "abs", "round"]
METHODS = [
    "upper()",
    "lower()",
    "split()",
    "replace('a', 'b')",
    "strip()",
    "get('a')",
    "copy()",
    "count(1)",
    "index(1)",
    "startswith('a')",
    "join(['p', 'q'])",
    "keys()",
]
OPERATORS = ["+", "-", "//", "%", "==", "!=", "<", "<=", "in", "not in", "and", "or", "is"]


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(inner, inner)
    return st.one_of(
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(inner, st.integers(0, 3)).map(lambda t: f"({t[0]} * {t[1]})"),
        inner.map(lambda e: f"(not {e})"),
        inner.map(lambda e: f"(-{e})"),
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(inner, max_size=3).map(lambda xs: "(" + "".join(x + ", " for x in xs) + ")"),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: "{" + ", ".join(xs) + ",}"),
        st.lists(pair, max_size=2).map(
            lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"
        ),
        pair.map(lambda t: f"dict(a={t[0]}, b={t[1]})"),
        st.tuples(st.sampled_from(CALLS), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(inner, st.integers(-3, 3)).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(inner, st.integers(-3, 3), st.integers(-3, 3)).map(
            lambda t: f"{t[0]}[{t[1]}:{t[2]}]"
        ),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        pair.map(lambda t: f"[x for x in {t[0]} if x != {t[1]}]"),
        inner.map(lambda e: f"{{str(k): k for k in {e}}}"),
        pair.map(lambda t: f'f"{{{t[0]}}}-{{{t[1]}!r:>4}}"'),
        st.tuples(inner, st.sampled_from(METHODS)).map(lambda t: f"{t[0]}.{t[1]}"),
        pair.map(lambda t: f"list(zip({t[0]}, {t[1]}))"),
        inner.map(lambda e: f"list(enumerate({e}))"),
        inner.map(lambda e: f"'{{}}/{{:>3}}'.format({e}, 1)"),
        inner.map(lambda e: f"'%s|%r' % ({e}, 1)"),
    )


EXPRESSIONS = st.recursive(LEAVES, _extend, max_leaves=8)


def _statement() -> st.SearchStrategy[str]:
    e = EXPRESSIONS
    return st.one_of(
        st.tuples(NAMES, e).map(lambda t: f"{t[0]} = {t[1]}"),
        st.tuples(NAMES, e).map(lambda t: f"{t[0]} += {t[1]}"),
        st.tuples(NAMES, e, e).map(lambda t: f"{t[0]}[{t[1]}] = {t[2]}"),
        st.tuples(NAMES, e).map(lambda t: f"del {t[0]}[{t[1]}]"),
        st.tuples(NAMES, e).map(lambda t: f"{t[0]}.append({t[1]})"),
        st.tuples(NAMES, e).map(lambda t: f"{t[0]}.update(a={t[1]})"),
        st.tuples(NAMES, NAMES, e).map(lambda t: f"{t[0]}, {t[1]} = {t[2]}"),
        st.tuples(NAMES, e, e).map(lambda t: f"for v in {t[1]}:\n    {t[0]} = {t[2]}"),
        st.tuples(NAMES, e, e, e).map(
            lambda t: (
                f"for v in {t[1]}:\n    if {t[2]}:\n        break\n"
                f"    elif v:\n        continue\n    {t[0]} = {t[3]}\nelse:\n    v = 0"
            )
        ),
        st.tuples(NAMES, e, e, e).map(
            lambda t: f"if {t[1]}:\n    {t[0]} = {t[2]}\nelse:\n    {t[0]} = {t[3]}"
        ),
    )


PROGRAMS = st.lists(_statement(), min_size=1, max_size=6).map(
    lambda statements: PRELUDE + "\n".join(statements) + "\n"
)


@_SETTINGS
@given(PROGRAMS)
def test_safe_evaluation_equals_exec(source: str) -> None:
    namespace: dict[str, Any] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning: "perhaps you missed a comma?"
            code = compile(source, "<generated>", "exec")
        exec(code, namespace)
    except Exception:
        expected = None
    else:
        namespace.pop("__builtins__")
        # a value inside itself is not data: the loader refuses it (MMEngine fails on it too)
        expected = None if holds_itself(namespace) else namespace
    with tempfile.TemporaryDirectory() as folder:
        try:
            got: Any = dict(load_text(folder, "gen.py", source))
        except ConfigError as error:
            got = error
    if isinstance(got, ConfigError):
        assert expected is None, f"exec made {expected!r}, safe evaluation failed: {got}"
    else:
        assert expected is not None, f"exec failed, safe evaluation made {got!r}"
        assert same(got, expected), (got, expected)


# -- dump_config round-trips -----------------------------------------------------

SPECIAL_STRINGS = st.sampled_from(
    [
        "{{ fileDirname }}",
        "{{$HOME}}",
        "{{'$HOME:80'}}",
        "a{{b}}c",
        "{{{",
        "x {{_base_.a}} y",
        "\\x7b{",
        "'\"",
        "_base_",
        "{{ $X:y }}",
    ]
)
TEXT = st.one_of(st.text(max_size=12), SPECIAL_STRINGS)


def _is_name(key: str) -> bool:
    return key.isidentifier() and not keyword.iskeyword(key) and not key.startswith("__")


TOP_KEYS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda k: _is_name(k) and k not in ("_base_", "_deprecation_")
)


def _values(none: bool, finite: bool) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=not finite),
        TEXT,
        *([st.none()] if none else []),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.lists(inner, max_size=3).map(tuple),
            st.dictionaries(TEXT, inner, max_size=4),
        ),
        max_leaves=12,
    )


def _configs(none: bool = True, finite: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(TOP_KEYS, _values(none, finite), max_size=5)


def lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [lists(v) for v in value]
    return value


def _round_trip(config: dict[str, Any], suffix: str) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"{next(_NAMES)}_out{suffix}")
        try:
            dump_config(config, path)
        except ConfigError as error:
            refused = error
        else:
            return load_config(path)
    assert "reference to a base value" in str(refused), refused
    return None


@_SETTINGS
@given(_configs())
def test_python_round_trip(config: dict[str, Any]) -> None:
    loaded = _round_trip(config, ".py")
    assert loaded is None or same(dict(loaded), config)


@_SETTINGS
@given(_configs(finite=True))
def test_json_round_trip(config: dict[str, Any]) -> None:
    loaded = _round_trip(config, ".json")
    assert loaded is None or same(dict(loaded), lists(config))


@_SETTINGS
@given(_configs(none=False))
def test_toml_round_trip(config: dict[str, Any]) -> None:
    loaded = _round_trip(config, ".toml")
    assert loaded is None or same(dict(loaded), lists(config))


@_SETTINGS
@given(_configs())
def test_yaml_round_trip(config: dict[str, Any]) -> None:
    loaded = _round_trip(config, ".yaml")
    assert loaded is None or same(dict(loaded), lists(config))
