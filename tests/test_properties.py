"""Properties that hold for every input, checked with ``hypothesis``.

- Arbitrary keys and configs (nested mappings, odd types, unicode, very long
  names) raise only the documented exception types, and never change the
  config they are given.
- Registering arbitrary valid names, then looking them up, round-trips, from
  the registry itself and through scoped keys from anywhere in its tree.
- Registering several names (aliases) is all-or-nothing, whichever of them
  fails and however.

Every example builds its own small tree, so examples do not see each other::

        [prop_root] root: Recorder
           /                 \\
     [<scope>]: <names>    [prop_sibling]
"""

from __future__ import annotations

import copy
import datetime
import decimal
import itertools
from collections import OrderedDict
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, assume, find, given, settings
from hypothesis import strategies as st

from registry_core import (
    DuplicateRegistrationError,
    NotRegisteredError,
    Registry,
    ScopeNotFoundError,
    default_scope,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Modest example counts keep the suite fast; no example database is written
#: into the checkout (a failure prints its reproducing example).
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- strategies -------------------------------------------------------------------

#: Text of every kind: unicode, control characters, and very long runs.
any_text = st.one_of(
    st.text(),
    st.text(min_size=1, max_size=4).map(lambda s: s * 3000),
)
#: Keys that exercise the scoped paths: segments joined by dots.
dotted = st.lists(
    st.one_of(
        st.sampled_from(["prop_root", "prop_sibling", "registry_core", "os", "", "__init__"]),
        st.text(max_size=8),
    ),
    min_size=1,
    max_size=40,
).map(".".join)
any_key = st.one_of(any_text, dotted)
valid_name = st.one_of(
    st.text(min_size=1).filter(lambda s: "." not in s),
    st.text(min_size=1, max_size=4).filter(lambda s: "." not in s).map(lambda s: s * 3000),
)
odd_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.complex_numbers(allow_nan=False),
    any_text,
    st.binary(max_size=20),
    st.decimals(allow_nan=False),
    st.datetimes(),
    st.dates(),
    st.just(Ellipsis),
)
values = st.recursive(
    odd_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.frozensets(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=10), st.integers()), inner, max_size=4),
    ),
    max_leaves=12,
)
cfg_keys = st.one_of(
    st.sampled_from(["type", "_scope_", "depth", "name"]),
    st.text(max_size=10),
    st.integers(),
    st.none(),
    st.tuples(st.integers()),
)
type_values = st.one_of(
    st.sampled_from(
        [
            "Recorder",
            "prop_root.Recorder",
            "prop_sibling.Recorder",
            "os.system",
            "builtins.eval",
            "",
            ".",
            "__class__",
        ]
    ),
    any_key,
    values,
)
scope_values = st.one_of(
    st.sampled_from(["prop_root", "prop_sibling", "os", "", "__builtins__"]),
    any_text,
    values,
)


@st.composite
def configs(draw: st.DrawFn) -> Any:
    """A config: mostly a mapping with odd keys and values, sometimes not a mapping."""
    body: dict[Any, Any] = draw(st.dictionaries(cfg_keys, values, max_size=5))
    if draw(st.booleans()):
        body["type"] = draw(type_values)
    if draw(st.integers(0, 3)) == 0:
        body["_scope_"] = draw(scope_values)
    wrap = draw(st.sampled_from(["dict", "ordered", "proxy", "not a mapping"]))
    if wrap == "ordered":
        return OrderedDict(body)
    if wrap == "proxy":
        return MappingProxyType(body)
    if wrap == "not a mapping":
        return draw(st.one_of(odd_scalars, st.lists(values, max_size=3)))
    return body


# -- the tree -----------------------------------------------------------------------


class Recorder:
    """Accepts any keyword arguments and keeps them."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


def make_tree() -> tuple[Registry, Registry]:
    root = Registry("prop", scope="prop_root")
    sibling = Registry("prop", parent=root, scope="prop_sibling")
    root.register_module(module=Recorder)
    return root, sibling


def plain(cfg: Any) -> Any:
    """A mapping's items as a dict (a ``MappingProxyType`` cannot be deep-copied)."""
    return dict(cfg) if isinstance(cfg, (dict, OrderedDict, MappingProxyType)) else cfg


#: What a lookup or build may raise on bad input: the documented types.
DOCUMENTED = (TypeError, KeyError, NotRegisteredError, ScopeNotFoundError)


# -- arbitrary input raises only documented errors ------------------------------------


@SETTINGS
@given(key=any_key)
def test_any_str_key_is_a_hit_or_a_miss(key: str) -> None:
    root, sibling = make_tree()
    for registry in (root, sibling):
        found = registry.get(key)
        assert found is None or found is Recorder
        assert (key in registry) is (found is not None)
        if found is None:
            with pytest.raises(NotRegisteredError) as info:
                registry[key]
            assert info.value.key == key
        else:
            assert registry[key] is Recorder


@SETTINGS
@given(key=st.one_of(values, st.builds(object)).filter(lambda k: not isinstance(k, str)))
def test_any_other_key_is_a_type_error(key: object) -> None:
    root, _ = make_tree()
    with pytest.raises(TypeError):
        root.get(key)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        root[key]  # type: ignore[index]
    with pytest.raises(TypeError):
        _ = key in root


@SETTINGS
@given(
    cfg=configs(),
    defaults=st.one_of(st.none(), st.dictionaries(cfg_keys, values, max_size=3)),
    current=st.one_of(st.none(), any_text),
)
def test_any_config_builds_or_raises_a_documented_error(
    cfg: Any, defaults: dict[Any, Any] | None, current: str | None
) -> None:
    root, sibling = make_tree()
    before = copy.deepcopy((plain(cfg), defaults))
    for registry in (root, sibling):
        try:
            with default_scope(current):
                built = registry.build(cfg, default_args=defaults)
        except DOCUMENTED:
            pass
        else:
            assert isinstance(built, Recorder)
            merged = {**(defaults or {}), **cfg}
            expected = {k: v for k, v in merged.items() if k not in ("type", "_scope_")}
            assert built.kwargs == expected
        assert (plain(cfg), defaults) == before  # neither mapping is changed


# -- registration round-trips ---------------------------------------------------------


@SETTINGS
@given(scope=valid_name, names=st.lists(valid_name, min_size=1, max_size=5, unique=True))
def test_registered_names_round_trip(scope: str, names: list[str]) -> None:
    assume(scope not in ("prop_root", "prop_sibling"))
    root, sibling = make_tree()
    child = Registry("prop", parent=root, scope=scope)
    objects = {}
    for name in names:
        obj = type("Thing", (), {"__init__": lambda self, **kw: setattr(self, "kw", kw)})
        assert child.register_module(name=name, module=obj) is obj
        objects[name] = obj
    assert list(child) == sorted(names)
    assert len(child) == len(names)
    assert child.items() == sorted(objects.items())
    for name, obj in objects.items():
        assert child.get(name) is obj and child[name] is obj and name in child
        assert child.module_dict[name] is obj
        for start in (root, sibling, child):
            assert start.get(f"{scope}.{name}") is obj
        built = sibling.build({"type": f"{scope}.{name}", "value": name})
        assert type(built) is obj and built.kw == {"value": name}
        assert root.get(name) is None  # an unscoped name never looks down
    assert child.get("Recorder") is Recorder  # but it does look up


@SETTINGS
@given(names=st.lists(valid_name, min_size=1, max_size=50, unique=True))
def test_many_names_in_one_registry(names: list[str]) -> None:
    root, _ = make_tree()
    child = Registry("prop", parent=root, scope="prop_many")
    objects = [type(f"T{i}", (), {}) for i in range(len(names))]
    for name, obj in zip(names, objects, strict=True):
        child.register_module(name=name, module=obj)
    for name, obj in zip(names, objects, strict=True):
        assert root.get(f"prop_many.{name}") is obj
    assert len(child) == len(names)


# -- aliases are all-or-nothing -------------------------------------------------------


@SETTINGS
@given(
    fresh=st.lists(valid_name, min_size=1, max_size=6, unique=True),
    taken=valid_name,
    position=st.integers(0, 6),
    force=st.booleans(),
)
def test_aliases_clashing_with_a_taken_name(
    fresh: list[str], taken: str, position: int, force: bool
) -> None:
    assume(taken not in fresh)
    root, _ = make_tree()
    reg = Registry("prop", parent=root, scope="prop_alias")
    first, second = type("First", (), {}), type("Second", (), {})
    reg.register_module(name=taken, module=first)
    names = [*fresh]
    names.insert(position % (len(names) + 1), taken)
    if force:
        reg.register_module(name=names, module=second, force=True)
        assert all(reg.get(n) is second for n in names)
        assert len(reg) == len(names)
        return
    with pytest.raises(DuplicateRegistrationError) as info:
        reg.register_module(name=names, module=second)
    assert info.value.name == taken
    assert reg.get(taken) is first
    assert all(reg.get(n) is None for n in fresh)
    assert list(reg) == [taken]
    # the decorator form refuses all of them just the same
    with pytest.raises(DuplicateRegistrationError):
        reg.register_module(name=names)(second)
    assert list(reg) == [taken]


@SETTINGS
@given(
    fresh=st.lists(valid_name, min_size=1, max_size=6, unique=True),
    bad=st.one_of(
        st.just(""),
        st.text().map(lambda s: s + "." + s),
        st.integers(),
        st.none(),
        st.binary(max_size=4),
        st.lists(st.text(max_size=3), max_size=2),
    ),
    position=st.integers(0, 6),
)
def test_aliases_with_an_invalid_name(fresh: list[str], bad: object, position: int) -> None:
    root, _ = make_tree()
    reg = Registry("prop", parent=root, scope="prop_invalid")
    names: list[object] = [*fresh]
    names.insert(position % (len(names) + 1), bad)
    with pytest.raises((TypeError, ValueError)):
        reg.register_module(name=names, module=Recorder)  # type: ignore[arg-type]
    assert len(reg) == 0
    assert all(reg.get(n) is None for n in fresh)


def test_the_strategies_reach_the_interesting_inputs() -> None:
    """A guard against vacuous properties: the strategies produce what they promise.

    Each kind of input is searched for (``hypothesis.find``) rather than hoped
    for among a fixed number of examples, so the guard does not depend on
    which examples one run happens to draw.
    """

    def odd(cfg: Any) -> bool:
        if not isinstance(cfg, dict):
            return False
        flat = list(itertools.chain(cfg.keys(), cfg.values()))
        return any(isinstance(v, (bytes, complex, decimal.Decimal, datetime.date)) for v in flat)

    def nested(cfg: Any) -> bool:
        return isinstance(cfg, dict) and any(isinstance(v, (dict, list)) for v in cfg.values())

    search = settings(max_examples=5000, deadline=None, database=None)
    find(any_key, lambda key: len(key) >= 3000, settings=search)
    find(any_key, lambda key: key.count(".") >= 3, settings=search)
    find(configs(), odd, settings=search)
    find(configs(), nested, settings=search)
