"""The default scope is per context: threads and asyncio tasks never share it."""

from __future__ import annotations

import asyncio
import threading

import pytest

from registry_core import current_scope, default_scope, init_default_scope


def test_default_scope_nests_and_restores() -> None:
    assert current_scope() is None
    with default_scope("a") as scope:
        assert scope == "a" and current_scope() == "a"
        with default_scope(None):
            assert current_scope() is None
        with pytest.raises(ZeroDivisionError), default_scope("b"):
            assert current_scope() == "b"
            _ = 1 / 0
        assert current_scope() == "a"
    assert current_scope() is None


def test_init_default_scope_sets_for_the_context() -> None:
    init_default_scope("runner")
    assert current_scope() == "runner"
    with pytest.raises(TypeError):
        init_default_scope(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        default_scope(["x"])  # type: ignore[arg-type]


def test_threads_do_not_see_each_other() -> None:
    barrier = threading.Barrier(2)
    seen: dict[str, list[str | None]] = {"a": [], "b": []}

    def worker(name: str) -> None:
        init_default_scope(name)
        for _ in range(200):
            barrier.wait()
            seen[name].append(current_scope())
            with default_scope(name + "-inner"):
                barrier.wait()
                seen[name].append(current_scope())

    threads = [threading.Thread(target=worker, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen["a"] == ["a", "a-inner"] * 200
    assert seen["b"] == ["b", "b-inner"] * 200
    assert current_scope() is None


def test_asyncio_tasks_do_not_see_each_other() -> None:
    async def task(name: str) -> list[str | None]:
        out = []
        with default_scope(name):
            for _ in range(50):
                await asyncio.sleep(0)
                out.append(current_scope())
        return out

    async def main() -> list[list[str | None]]:
        return await asyncio.gather(task("x"), task("y"), task("z"))

    results = asyncio.run(main())
    assert results == [["x"] * 50, ["y"] * 50, ["z"] * 50]


def test_a_worker_thread_does_not_inherit_the_runners_default_scope() -> None:
    """docs/migrating-from-mmengine.md: a ported runner sets the scope in each thread."""
    init_default_scope("runner")
    seen: list[str | None] = []

    def worker() -> None:
        seen.append(current_scope())  # MMEngine's global scope would be 'runner' here
        init_default_scope("runner")
        seen.append(current_scope())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert seen == [None, "runner"]
