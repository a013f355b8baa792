"""Untrusted keys and configs cost time and memory linear in their size, errors included.

A key is split once, and each scope of it is searched in the tree at most once
per distinct (registry, scope) pair, however long the key; the help of a miss
does the same. Error messages show a bounded, safe summary of a config, never
its whole ``repr()``: a config 10,000 levels deep, a value whose ``__repr__``
raises, a 20-million-element list each get the documented error at once.

Instead of timing (which tests never do), each test counts the work: calls to
the tree search, or the memory the error allocates (``tracemalloc``).
"""

from __future__ import annotations

import tracemalloc

import pytest

from registry_core import MODELS, NotRegisteredError, Registry, build_from_cfg
from registry_core._node import Node

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every scope the tree is searched for, in order."""
    calls: list[str] = []
    original = vars(Node)["_search"]  # the tree's breadth-first search for a scope

    def counting(node: Registry[Any], scope: str) -> Any:
        calls.append(scope)
        return original(node, scope)

    monkeypatch.setattr(Node, "_search", counting)
    return calls


def test_a_long_scoped_key_searches_each_scope_once(searches: list[str]) -> None:
    det = Registry("model", parent=MODELS, scope="det")

    @det.register_module()
    class NetA:
        pass

    key = "det." * 250_000 + "NetA"  # a 1 MB key
    assert MODELS.get(key) is NetA
    assert len(searches) <= 2  # MODELS -> det, then det -> det, whatever the length
    searches.clear()
    missing = "det." * 250_000 + "Missing"
    with pytest.raises(NotRegisteredError) as info:
        MODELS[missing]
    assert len(searches) < 10  # the lookup and its help: a few, not 250,000
    assert len(str(info.value)) < 2_000


def test_a_long_unscoped_key_gets_no_slow_suggestions() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(NotRegisteredError) as info:
            MODELS["x" * 2_000_000]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(str(info.value)) < 2_000
    assert peak < 10_000_000  # no similarity matrix over two million characters


class BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("repr is broken")


def deep(levels: int, leaf: Any, kind: str) -> Any:
    value = leaf
    for _ in range(levels):
        value = {"a": value} if kind == "dict" else [value]
    return value


def peak_of(call: Any) -> tuple[BaseException, int]:
    """What ``call()`` raised, and the peak memory it allocated on the way."""
    tracemalloc.start()
    try:
        try:
            call()
        except BaseException as exc:
            error = exc
        else:  # pragma: no cover - every case here raises
            raise AssertionError("no error")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return error, peak


R = Registry("thing", scope="cost")


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: deep(10_000, 1, "dict"), KeyError),  # a deep config without type
        (lambda: {"value": BadRepr()}, KeyError),  # a value whose __repr__ raises
        (lambda: deep(10_000, 1, "list"), TypeError),  # a deep list passed as a config
        (lambda: [0] * 20_000_000, TypeError),  # a huge list passed as a config
    ],
    ids=["deep-dict", "bad-repr", "deep-list", "huge-list"],
)
def test_errors_never_repr_a_whole_config(make: Any, error: type[Exception]) -> None:
    cfg = make()
    for call in (lambda: R.build(cfg), lambda: build_from_cfg(cfg, R)):
        raised, peak = peak_of(call)
        assert type(raised) is error
        assert len(str(raised)) < 500
        assert peak < 1_000_000


def test_non_str_keys_and_bad_registrations_get_safe_messages() -> None:
    for value in ([0] * 20_000_000, deep(10_000, 1, "list"), BadRepr()):
        raised, peak = peak_of(lambda v=value: MODELS.get(v))
        assert type(raised) is TypeError and peak < 1_000_000
        raised, peak = peak_of(lambda v=value: R.register_module(module=v))
        assert type(raised) is TypeError and peak < 1_000_000
