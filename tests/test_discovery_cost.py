"""What a first lookup costs: every path entry is listed once, nothing waits.

Issue 17 (discovery speed): finding a plugin through 1,000 installed
distributions must cost at most a quarter of ``importlib.metadata``, also
when MMEngine is installed and the bridge's part of the scan runs. Timings
belong to ``benchmarks/bench_discovery.py``; what is checked here is the
work itself, counted in a fresh interpreter with an audit hook (the events
``os.scandir`` and ``open`` that the standard library raises): the running
``registry-core`` version, which the compatibility check of a plugin that
requires ``registry-core`` needs, comes from the scan's own walk, not from a
second one.
"""

from __future__ import annotations

import textwrap

from registry_core.testing import distribution_tree
from tests._children import json_of, plugin, run_python, write_site

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

REGISTRY = """\
    import registry_core

    MODELS = registry_core.Registry("model", parent=registry_core.MODELS)


    @MODELS.register_module()
    class NetA:
        pass
    """

#: The child: count what discovery lists and opens while it finds ``onedet.NetA``.
COUNT = """\
    import collections, json, os, sys

    os.chdir(sys.argv[1])  # an empty working folder: "" on sys.path holds nothing
    listed = collections.Counter()
    opened = collections.Counter()

    def hook(event, args):
        if event == "os.scandir":
            listed[str(args[0])] += 1
        elif event == "open" and str(args[0]).endswith("entry_points.txt"):
            opened[str(args[0])] += 1

    sys.addaudithook(hook)
    import registry_core

    found = registry_core.MODELS.get(sys.argv[2])
    assert found.__module__ == sys.argv[2].replace("NetA", "registry")
    print(json.dumps([registry_core.__version__, listed, opened, "threading" in sys.modules]))
    """


def _count(site: Path, tmp_path: Path, key: str = "onedet.NetA") -> list[Any]:
    """``[registry_core.__version__, listings per path, reads per entry_points.txt,
    whether threading was imported]``."""
    empty = tmp_path / "cwd"
    empty.mkdir()
    code = textwrap.dedent(COUNT).replace("sys.argv[1]", repr(str(empty)))
    code = code.replace("sys.argv[2]", repr(key))
    return list(json_of(run_python(code, site, env={"REGISTRY_CORE_CACHE_DIR": ""})))


def _site(tmp_path: Path, *extra: dict[str, object]) -> Path:
    return write_site(
        tmp_path / "site",
        plugin("onedet", {"registry.py": REGISTRY}, requires=["registry-core>=0.1"]),
        plugin("twodet", {"registry.py": REGISTRY}),
        # the running registry-core, as the scan meets it first on the path
        distribution_tree("registry-core", "0.1.0+fromscan"),
        *extra,
    )


def test_a_first_lookup_lists_each_path_entry_once(tmp_path: Path) -> None:
    site = _site(tmp_path)
    version, listed, opened, _ = _count(site, tmp_path)

    assert version == "0.1.0+fromscan"  # the first install on the path, found by the scan
    assert str(site) in listed
    assert {path: n for path, n in listed.items() if n > 1} == {}
    assert opened and {path: n for path, n in opened.items() if n > 1} == {}


def test_a_first_lookup_imports_no_threading_when_no_thread_waits(tmp_path: Path) -> None:
    # The loader's condition is made (and threading imported) by the first thread
    # that waits for another. (twodet requires nothing: packaging, which imports
    # logging and threading, is not imported for a compatibility check.)
    _, _, _, threading = _count(_site(tmp_path), tmp_path, "twodet.NetA")
    assert threading is False


def test_with_mmengine_installed_each_path_entry_is_listed_once_too(tmp_path: Path) -> None:
    # MMEngine among the distributions: the bridge's part of the scan runs, on
    # the listings the scan made (MMEngine is not imported: onedet is no codebase of it).
    site = _site(
        tmp_path,
        distribution_tree(
            "mmengine-lite", "0.10.7", modules={"mmengine/__init__.py": "raise ImportError\n"}
        ),
    )
    version, listed, _, _ = _count(site, tmp_path)

    assert version == "0.1.0+fromscan"
    assert str(site) in listed
    assert {path: n for path, n in listed.items() if n > 1} == {}
