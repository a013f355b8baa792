"""Threads and asyncio tasks: registration, lookup, building and discovery at once.

- Eight threads doing 10,000 mixed ``register_module`` (distinct names), ``get``
  and ``build`` calls each, while another thread installs plugins, rescans
  (``refresh()``) and loads them: no exception, no lost registration, and the
  final tree is exactly what the operations imply.
- Default scopes stay per thread and per asyncio task under the same load.
- Sixteen threads needing one undiscovered scope at the same instant import it
  once; a thread that needs a scope while another thread is still importing it
  waits for that import to finish.
- Two plugins whose imports need each other, started from two threads at once,
  do not deadlock: each scenario runs in a subprocess with a timeout, so a
  deadlock fails the test instead of hanging the suite.

The plugins here are written the way ``toydet`` is: ``registry.py`` creates a
child of ``MODELS`` with ``locations=['<pkg>.models']``, and ``models.py``
registers ``NetA``, unless a test says otherwise.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import subprocess
import sys
import textwrap
import threading

import pytest

import registry_core
from registry_core import (
    MODELS,
    Registry,
    current_scope,
    default_scope,
    init_default_scope,
)
from registry_core.testing import PluginSite

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

THREADS = 8
OPS = 10_000


def add_plugin(
    site: PluginSite,
    package: str,
    *,
    before: str = "",
    after: str = "",
    locations: bool = True,
) -> None:
    """A plugin ``package`` with scope ``package`` whose ``NetA`` records its kwargs.

    ``registry.py`` runs ``before``, creates the child, runs ``after``; ``NetA``
    is registered in ``models.py`` (``locations``) or at the end of ``registry.py``.
    """
    net = textwrap.dedent(
        """
        @MODELS.register_module()
        class NetA:
            def __init__(self, **kwargs):
                self.kwargs = kwargs
        """
    )
    where = f', locations=["{package}.models"]' if locations else ""
    registry = (
        "import registry_core\nfrom registry_core import Registry\n"
        + textwrap.dedent(before)
        + f'MODELS = Registry("model", parent=registry_core.MODELS{where})\n'
        + textwrap.dedent(after)
    )
    if locations:
        modules = {
            f"{package}/registry.py": registry,
            f"{package}/models.py": f"from {package}.registry import MODELS\n" + net,
        }
    else:
        modules = {f"{package}/registry.py": registry + net}
    site.add_distribution(
        package,
        scopes={package: f"{package}.registry"},
        modules={f"{package}/__init__.py": "", **modules},
    )


def run_threads(targets: list[Any], timeout: float = 120) -> list[BaseException]:
    """Start every target in its own thread, join them, return what they raised."""
    errors: list[BaseException] = []

    def guard(target: Any) -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guard, args=(t,), daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "threads still running: deadlock?"
    return errors


class Probe:
    def __init__(self, tid: int, j: int, **kwargs: Any) -> None:
        self.tid, self.j, self.kwargs = tid, j, kwargs


# -- mixed load ---------------------------------------------------------------------


def test_mixed_load_with_discovery_and_refresh(plugin_site: PluginSite) -> None:
    early = [f"conc{i}" for i in range(4)]
    late = [f"late{i}" for i in range(4)]
    for package in early:
        add_plugin(plugin_site, package)
    stress = Registry("model", parent=MODELS, scope="stress")
    stress.register_module(module=Probe)
    done = threading.Event()
    registered: list[dict[str, Any]] = [{} for _ in range(THREADS)]

    def worker(tid: int) -> None:
        own = registered[tid]
        last = None
        for j in range(OPS):
            op = j % 5
            if op == 0:
                last = f"w{tid}_{j}"
                own[last] = stress.register_module(
                    name=last, module=functools.partial(Probe, tid, j)
                )
            elif op == 1:
                assert stress.get(last) is own[last]
                assert MODELS.get(f"stress.{last}") is own[last]
            elif op == 2:
                built = MODELS.build({"type": f"stress.{last}", "k": j})
                assert (built.tid, built.j + 2, built.kwargs) == (tid, j, {"k": j})
            elif op == 3:
                net = MODELS.get(f"{early[j % 4]}.NetA")
                assert net is not None and net.__module__ == f"{early[j % 4]}.models"
            else:
                scope = early[(j + tid) % 4]
                if j % 2:
                    built = MODELS.build({"type": "NetA", "_scope_": scope, "j": j})
                else:
                    with default_scope(scope):
                        built = MODELS.build({"type": "NetA", "j": j})
                assert type(built).__module__ == f"{scope}.models" and built.kwargs == {"j": j}

    def discoverer() -> None:
        # pip install at run time, rescans, load_all and lookups, until the workers end
        rounds = 0
        while not done.is_set() or rounds < len(late):
            if rounds < len(late):
                add_plugin(plugin_site, late[rounds])  # writes, then refresh()
            registry_core.refresh()
            table = registry_core.load_all()
            assert all(info.status == "loaded" for info in table.values()), table
            for package in late[: rounds + 1]:
                assert MODELS.get(f"{package}.NetA") is not None
            rounds += 1

    def workers_then_done() -> None:
        try:
            errors = run_threads([functools.partial(worker, t) for t in range(THREADS)])
        finally:
            done.set()
        if errors:
            raise errors[0]

    errors = run_threads([workers_then_done, discoverer])
    assert errors == [], errors

    # the final tree is what the operations imply
    expected = {name: obj for own in registered for name, obj in own.items()}
    assert len(expected) == THREADS * OPS // 5
    assert dict(stress.items()) == {"Probe": Probe, **expected}
    assert all(stress.get(name) is obj for name, obj in expected.items())
    assert set(MODELS.children) >= {"stress", *early, *late}
    table = registry_core.available_scopes()
    assert {table[p].status for p in early + late} == {"loaded"}
    for package in early + late:
        assert MODELS.children[package].parent is MODELS
        assert MODELS.get(f"{package}.NetA").__module__ == f"{package}.models"


def test_scopes_stay_per_thread_and_per_task_under_load(plugin_site: PluginSite) -> None:
    scopes = [f"ctx{i}" for i in range(THREADS)]
    probes = {}
    for scope in scopes:
        child = Registry("model", parent=MODELS, scope=scope)
        probes[scope] = child.register_module(name="Probe", module=type(f"Probe_{scope}", (), {}))
    add_plugin(plugin_site, "ctxplugin")
    done = threading.Event()
    counts = [0] * THREADS

    def thread_main(tid: int) -> None:
        mine = scopes[tid]
        init_default_scope(mine)  # tasks created below copy this context

        async def task(k: int) -> None:
            assert current_scope() == mine
            theirs = scopes[(tid + k + 1) % THREADS]
            for i in range(250):
                with default_scope(theirs):
                    await asyncio.sleep(0)
                    assert current_scope() == theirs
                    assert type(MODELS.build({"type": "Probe"})) is probes[theirs]
                    other = scopes[i % THREADS]
                    built = MODELS.build({"type": "Probe", "_scope_": other})
                    assert type(built) is probes[other]
                    assert current_scope() == theirs
                await asyncio.sleep(0)
                assert current_scope() == mine
                assert type(MODELS.build({"type": "Probe"})) is probes[mine]
                counts[tid] += 1

        async def main() -> None:
            await asyncio.gather(*(task(k) for k in range(4)))
            assert current_scope() == mine

        asyncio.run(main())
        assert current_scope() == mine

    def churn() -> None:
        # registrations invalidate every lookup cache of the tree; rescans and a
        # plugin load run too
        i = 0
        while not done.is_set():
            child = MODELS.children[scopes[i % THREADS]]
            child.register_module(name=f"churn{i}", module=Probe)
            if i % 50 == 0:
                registry_core.refresh()
                assert MODELS.get("ctxplugin.NetA") is not None
            i += 1

    def threads_then_done() -> None:
        try:
            errors = run_threads([functools.partial(thread_main, t) for t in range(THREADS)])
        finally:
            done.set()
        if errors:
            raise errors[0]

    assert run_threads([threads_then_done, churn]) == []
    assert counts == [4 * 250] * THREADS
    assert current_scope() is None


# -- one import per scope -------------------------------------------------------------

SINK = "IMPORTS = []\n"


def test_sixteen_threads_needing_one_scope_import_it_once(plugin_site: PluginSite) -> None:
    plugin_site.add({"oncesink.py": SINK})
    add_plugin(
        plugin_site,
        "oncedet",
        # a slow import (heavy dependencies), counted where the test can see it
        before="import time, oncesink\noncesink.IMPORTS.append(1)\ntime.sleep(0.05)\n",
    )
    barrier = threading.Barrier(16)
    built: list[Any] = []

    def need() -> None:
        barrier.wait()
        built.append(MODELS.build({"type": "oncedet.NetA", "x": 1}))

    assert run_threads([need] * 16) == []
    import oncesink

    assert oncesink.IMPORTS == [1]
    assert len(built) == 16
    assert {type(b) for b in built} == {MODELS.get("oncedet.NetA")}
    assert registry_core.available_scopes()["oncedet"].status == "loaded"


def test_refresh_racing_first_loads_keeps_statuses_and_imports_once(
    plugin_site: PluginSite,
) -> None:
    """Rescans in a loop while another thread loads 60 plugins for the first time.

    Each plugin's module runs once, and afterwards the table says every one is
    loaded: a rescan keeps the record of a scope that is loaded or loading, and
    a load never finishes on a record the rescan has already replaced.
    """
    plugin_site.add({"racesink.py": SINK})
    count = 60
    for i in range(count):
        add_plugin(
            plugin_site,
            f"race{i}",
            locations=False,
            before=f"import racesink\nracesink.IMPORTS.append({i})\n",
        )
    done = threading.Event()

    def refresher() -> None:
        while not done.is_set():
            registry_core.refresh()

    def loader() -> None:
        try:
            for i in range(count):
                assert MODELS.get(f"race{i}.NetA") is not None
        finally:
            done.set()

    assert run_threads([refresher, loader]) == []
    table = registry_core.available_scopes()
    assert {i: table[f"race{i}"].status for i in range(count)} == dict.fromkeys(
        range(count), "loaded"
    )
    import racesink

    assert sorted(racesink.IMPORTS) == list(range(count))


@pytest.mark.parametrize("how", ["get", "build with _scope_", "build under default scope"])
def test_a_thread_arriving_mid_import_waits_for_it(plugin_site: PluginSite, how: str) -> None:
    """The importing thread has attached the child but not registered ``NetA`` yet.

    A second thread that needs the scope then must wait for the import, not
    look into the half-made child and report a miss.
    """
    gate = "import threading\nATTACHED = threading.Event()\nRELEASE = threading.Event()\n"
    plugin_site.add({"midgate.py": gate})
    add_plugin(
        plugin_site,
        "middet",
        locations=False,
        after="import midgate\nmidgate.ATTACHED.set()\nmidgate.RELEASE.wait(10)\n",
    )
    import midgate

    results: dict[str, Any] = {}

    def first() -> None:
        results["first"] = MODELS.get("middet.NetA")

    def second() -> None:
        if how == "get":
            results["second"] = MODELS.get("middet.NetA")
        elif how == "build with _scope_":
            results["second"] = type(MODELS.build({"type": "NetA", "_scope_": "middet"}))
        else:
            with default_scope("middet"):
                results["second"] = type(MODELS.build({"type": "NetA"}))

    errors: list[BaseException] = []
    one = threading.Thread(target=first, daemon=True)
    one.start()
    assert midgate.ATTACHED.wait(10)
    assert "middet" in MODELS.children  # the half-made child is in the tree

    started = threading.Event()

    def guarded() -> None:
        started.set()
        try:
            second()
        except BaseException as exc:
            errors.append(exc)

    two = threading.Thread(target=guarded, daemon=True)
    two.start()
    assert started.wait(10)
    two.join(0.5)  # with the import still running, the second thread must be waiting
    still_waiting = two.is_alive()
    midgate.RELEASE.set()
    one.join(10)
    two.join(10)
    assert not one.is_alive() and not two.is_alive()
    assert errors == []
    net = sys.modules["middet.registry"].NetA
    assert results == {"first": net, "second": net}
    assert still_waiting


# -- imports that need each other, from two threads ----------------------------------

CYCLE_SCRIPT = """
import faulthandler, json, os, sys, threading, time
import registry_core

registry_core.available_scopes()
barrier = threading.Barrier(2)
results = {}

def need(key):
    barrier.wait()
    try:
        results[key] = registry_core.MODELS.build({"type": key}).__class__.__module__
    except BaseException as exc:
        results[key] = f"{type(exc).__name__}: {exc}"

keys = ("ping.NetA", "pong.NetA")
threads = [threading.Thread(target=need, args=(k,), daemon=True) for k in keys]
for t in threads:
    t.start()
deadline = time.monotonic() + 20
for t in threads:
    t.join(max(0.0, deadline - time.monotonic()))
if any(t.is_alive() for t in threads):
    print("DEADLOCK", flush=True)
    faulthandler.dump_traceback(all_threads=True)
    os._exit(3)
table = registry_core.available_scopes()
print(json.dumps({
    "results": results,
    "status": {s: table[s].status for s in ("ping", "pong")},
}))
"""


LAYOUTS = {
    # Both create their child, pause, then look a name up in the other's scope:
    # both imports are in progress when the lookups happen.
    "names-in-registry": (False, {"ping": "after", "pong": "after"}),
    "locations": (True, {"ping": "after", "pong": "after"}),
    # ping looks pong up before creating its own child, pong after: one thread
    # waits for a scope while the other needs a module the first is importing.
    "lookup-before-child": (True, {"ping": "before", "pong": "after"}),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_two_plugins_needing_each_other_from_two_threads(
    plugin_site: PluginSite, layout: str
) -> None:
    locations, where = LAYOUTS[layout]
    for me, other, pause in (("ping", "pong", 0.2), ("pong", "ping", 0.4)):
        lookup = (
            f"import time\ntime.sleep({pause})\nOTHER = registry_core.MODELS.get('{other}.NetA')\n"
        )
        add_plugin(plugin_site, me, locations=locations, **{where[me]: lookup})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    run = subprocess.run(
        [sys.executable, "-c", CYCLE_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    module = "models" if locations else "registry"
    assert report["results"] == {"ping.NetA": f"ping.{module}", "pong.NetA": f"pong.{module}"}
    assert report["status"] == {"ping": "loaded", "pong": "loaded"}
