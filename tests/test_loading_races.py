"""Loading under races: many threads, two scopes of one package, direct imports, fork.

Each scenario runs in fresh interpreters (``tests/_children.py``), because what
is under test is the first load in a process, and a hang must fail the test
instead of the suite. Races are repeated until they fail reliably without the
loader's design: the counts below failed every run on the old loader.

The plugins are written the way ``toydet`` is: ``registry.py`` creates a child
of ``MODELS``; ``models.py`` (a location, where a test says so) registers
``NetA``.
"""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests._children import json_of, plugin, run_python, write_site

#: Fresh processes per race; two cores run them two at a time.
ROUNDS = 12


def rounds(code: str, site: Path, n: int = ROUNDS, flags: tuple[str, ...] = ()) -> list[object]:
    """Run ``code`` in ``n`` fresh interpreters, two at a time; their JSON results."""
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: run_python(code, site, flags=flags), range(n)))
    return [json_of(run) for run in runs]


# -- 1. sixteen threads, one scope ---------------------------------------------------


def slow_plugin(pause: float) -> dict[str, str]:
    """A plugin whose ``registry.py`` pauses ``pause`` s between its child and ``NetA``."""
    return {
        "registry.py": f"""
            import time
            import registry_core
            MODELS = registry_core.Registry("model", parent=registry_core.MODELS)
            time.sleep({pause})

            @MODELS.register_module()
            class NetA:
                pass
        """
    }


SIXTEEN = """
    import json, threading
    import registry_core
    registry_core.available_scopes()  # the scan is done; no plugin imported yet
    assert "burst.registry" not in sys.modules
    barrier = threading.Barrier(16)
    results = []

    def need():
        barrier.wait()
        try:
            results.append(registry_core.MODELS.get("burst.NetA").__module__)
        except BaseException as exc:
            results.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=need) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # and the import system is the one the interpreter started with
    assert sys.modules.get("importlib._bootstrap", sys.modules["_frozen_importlib"]) is (
        sys.modules["_frozen_importlib"]
    )
    print(json.dumps(results))
"""


def test_sixteen_threads_needing_one_scope_all_get_the_class(tmp_path: Path) -> None:
    site = write_site(tmp_path, plugin("burst", slow_plugin(0.05)))
    # -S: not even importlib is imported at start-up, as in an embedded or
    # isolated interpreter; the waiting threads then race its first import
    for results in rounds(SIXTEEN, site, flags=("-S",)):
        assert results == ["burst.registry"] * 16


def test_the_loader_never_imports_importlib_internals() -> None:
    # The old loader ran ``import importlib._bootstrap`` while waiting, which
    # can replace the frozen module with a half-made copy (issue 8, item 1).
    import registry_core.discovery as discovery

    names = {name for name in sys.modules if name.startswith("registry_core.discovery")}
    for name in names:
        source = Path(sys.modules[name].__file__ or "").read_text(encoding="utf-8")
        assert "_bootstrap" not in source, name
        assert "_get_module_lock" not in source and "_DeadlockError" not in source, name
    assert discovery


# -- 2. two scopes of one package, at once ---------------------------------------------

TWO_SCOPES = plugin(
    "mm",
    {
        "det_registry.py": """
            import time
            import registry_core
            time.sleep(0.02)
            MODELS = registry_core.Registry("model", parent=registry_core.MODELS)
            time.sleep(0.02)

            @MODELS.register_module()
            class Det:
                pass
        """,
        "cls_registry.py": """
            import time
            import registry_core
            time.sleep(0.02)
            MODELS = registry_core.Registry("model", parent=registry_core.MODELS)
            time.sleep(0.02)

            @MODELS.register_module()
            class Cls:
                pass
        """,
    },
    scopes={"mmdet": "mm.det_registry", "mmcls": "mm.cls_registry"},
)

PAIR = """
    import json, threading
    import registry_core
    registry_core.available_scopes()
    barrier = threading.Barrier(2)
    results = {}

    def need(key):
        barrier.wait()
        try:
            results[key] = registry_core.MODELS.get(key).__module__
        except BaseException as exc:
            results[key] = f"{type(exc).__name__}: {exc}"

    keys = ["mmdet.Det", "mmcls.Cls"]
    threads = [threading.Thread(target=need, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"results": results, "children": sorted(registry_core.MODELS.children)}))
"""


def test_two_scopes_of_one_package_loaded_at_once_keep_their_own_scope(tmp_path: Path) -> None:
    site = write_site(tmp_path, TWO_SCOPES)
    for report in rounds(PAIR, site):
        assert report == {
            "results": {"mmdet.Det": "mm.det_registry", "mmcls.Cls": "mm.cls_registry"},
            "children": ["mmcls", "mmdet"],
        }


# -- 3. a direct import racing the first lookup ---------------------------------------

SELF_LOOKUP = {
    "registry.py": """
        import time
        import registry_core
        MODELS = registry_core.Registry("model", parent=registry_core.MODELS)

        @MODELS.register_module()
        class NetA:
            pass

        time.sleep(0.05)
        # the module looks a key of its own scope up while it is still importing
        SELF = registry_core.MODELS.get("racer.NetA")
        time.sleep(0.05)

        @MODELS.register_module()
        class NetB:
            pass
    """
}

DIRECT = """
    import importlib, json, threading, time
    import registry_core
    registry_core.available_scopes()
    results = {}

    def direct():
        module = importlib.import_module("racer.registry")
        results["direct"] = module.SELF is module.NetA

    def lookup():
        time.sleep(0.02)  # the direct import has begun and attached its child
        found = registry_core.MODELS.get("racer.NetB")
        results["lookup"] = None if found is None else found.__module__

    threads = [threading.Thread(target=direct), threading.Thread(target=lookup)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(results))
"""


def test_a_direct_import_racing_the_first_lookup(tmp_path: Path) -> None:
    site = write_site(tmp_path, plugin("racer", SELF_LOOKUP))
    for results in rounds(DIRECT, site):
        # no deadlock, and the lookup waited for the whole module: NetB is
        # registered last, so a lookup that saw the half-made child misses it
        assert results == {"direct": True, "lookup": "racer.registry"}


# -- 4. location modules of two plugins that look each other up ----------------------


def looking_up(me: str, other: str, pause: float) -> dict[str, str]:
    return {
        "registry.py": f"""
            import registry_core
            MODELS = registry_core.Registry(
                "model", parent=registry_core.MODELS, locations=["{me}.models"]
            )
        """,
        "models.py": f"""
            import time
            import registry_core
            from {me}.registry import MODELS

            @MODELS.register_module()
            class NetA:
                pass

            time.sleep({pause})
            OTHER = registry_core.MODELS.get("{other}.NetA")
        """,
    }


LOCATIONS = """
    import json, threading
    import registry_core
    registry_core.load_all()  # the entry modules are imported; the locations are not
    barrier = threading.Barrier(2)
    results = {}

    def need(key):
        barrier.wait()
        try:
            results[key] = registry_core.MODELS.get(key).__module__
        except BaseException as exc:
            results[key] = f"{type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=need, args=(k,)) for k in ("ping.NetA", "pong.NetA")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # and later, from one thread: nothing is imported or registered twice
    again = {k: registry_core.MODELS.get(k).__module__ for k in ("ping.NetA", "pong.NetA")}
    print(json.dumps({"results": results, "again": again}))
"""


def test_location_modules_of_two_plugins_that_look_each_other_up(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        plugin("ping", looking_up("ping", "pong", 0.05)),
        plugin("pong", looking_up("pong", "ping", 0.05)),
    )
    expected = {"ping.NetA": "ping.models", "pong.NetA": "pong.models"}
    for report in rounds(LOCATIONS, site):
        assert report == {"results": expected, "again": expected}


# -- 15. fork while another thread is loading -----------------------------------------

FORK = """
    import json, os, threading, time, warnings
    import registry_core
    registry_core.available_scopes()
    warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: our point

    loader = threading.Thread(target=registry_core.MODELS.get, args=("slow.NetA",))
    loader.start()
    time.sleep(0.05)  # the other thread is inside the plugin's import now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            found = registry_core.MODELS.get("slow.NetA")
            answer = "ok" if found is not None and found.__name__ == "NetA" else repr(found)
        except BaseException as exc:
            answer = f"{type(exc).__name__}: {exc}"
        os.write(write, answer.encode())
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        print(json.dumps("the child hung"))
        raise SystemExit(0)
    print(json.dumps(os.read(read, 1000).decode()))
    loader.join()
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="no fork() on this platform")
def test_fork_while_another_thread_is_loading_leaves_a_child_that_can_load(
    tmp_path: Path,
) -> None:
    site = write_site(tmp_path, plugin("slow", slow_plugin(0.3)))
    for answer in rounds(FORK, site, n=4):
        assert answer == "ok", json.dumps(answer)
