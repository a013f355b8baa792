"""Many machines: every rank of a distributed job must resolve names to the same code.

``registry_core.distributed`` fingerprints the discovered plugin set and
compares it across the ranks of a ``torch.distributed`` process group. The
comparison itself is pure and tested here without torch; the collective is
tested in process (one rank) and with ``torchrun --nproc-per-node 2`` on the
CPU (``gloo``), once with identical environments and once with one rank seeing
another version of a plugin (each rank puts its own site folder first on
``sys.path``: ``tests/distributed_scripts/check_plugins.py``).
"""

from __future__ import annotations

import doctest
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from registry_core import RegistryError
from registry_core._fakedist import distribution_tree, write_tree
from registry_core.distributed import (
    PluginMismatchError,
    _differences,
    _digest,
    _mismatch_error,
    plugin_fingerprint,
    plugin_set,
)
from registry_core.testing import PluginSite

SCRIPT = Path(__file__).parent / "distributed_scripts" / "check_plugins.py"


def distdet(version: str) -> dict[str, object]:
    """The ``distdet`` distribution; its ``NetA.VERSION`` says which one was built."""
    source = textwrap.dedent(
        f"""
        import registry_core
        from registry_core import Registry

        MODELS = Registry("model", parent=registry_core.MODELS)

        @MODELS.register_module()
        class NetA:
            VERSION = {version!r}
        """
    )
    return distribution_tree(
        "distdet",
        version,
        scopes={"distdet": "distdet.registry"},
        modules={"distdet/__init__.py": "", "distdet/registry.py": source},
    )


# -- the fingerprint ------------------------------------------------------------


def test_plugin_set_lists_every_discovered_scope_without_importing(
    plugin_site: PluginSite,
) -> None:
    plugin_site.add(distdet("1.0"))
    plugin_site.add_distribution("Other-Dist", "2.0", scopes={"zz_other": "zz_other.registry"})
    rows = plugin_set()
    assert ("distdet", "distdet", "1.0") in rows
    assert ("zz_other", "Other-Dist", "2.0") in rows  # failing to import later changes nothing
    assert rows == sorted(rows)
    assert "distdet" not in sys.modules


def test_fingerprint_follows_the_version_of_the_code_that_runs(plugin_site: PluginSite) -> None:
    plugin_site.add(distdet("1.0"))
    before = plugin_fingerprint()
    assert before == plugin_fingerprint()
    shutil.rmtree(plugin_site.path / "distdet-1.0.dist-info")
    plugin_site.add(distdet("1.1"))  # upgraded before use: pip uninstall, pip install
    assert ("distdet", "distdet", "1.1") in plugin_set()
    upgraded = plugin_fingerprint()
    assert upgraded != before

    import registry_core

    registry_core.load_all()  # loading changes no row
    assert plugin_fingerprint() == upgraded
    shutil.rmtree(plugin_site.path / "distdet-1.1.dist-info")
    plugin_site.add(distdet("1.2"))  # upgraded on disk after import: 1.1 is what runs
    assert ("distdet", "distdet", "1.1") in plugin_set()
    assert plugin_fingerprint() == upgraded


def test_fingerprint_is_a_stable_digest() -> None:
    """The same rows give the same digest in every process, machine and Python version."""
    rows = [("toydet", "toydet", "0.1.0"), ("toycls", "toycls", "0.1.0")]
    assert _digest(rows) == _digest(list(reversed(rows)))
    # SHA-256 of the sorted rows as compact ASCII JSON: pinned, so that ranks
    # running different registry_core releases still compare equal.
    canonical = b'[["toycls","toycls","0.1.0"],["toydet","toydet","0.1.0"]]'
    assert _digest(rows) == hashlib.sha256(canonical).hexdigest()
    assert _digest(rows) == "9d0c1fb84028358d148fe690e44bf3ff18176f1c4360300faba69baf4693389d"
    assert _digest([]) != _digest([("a", "a", "1")])


# -- the comparison, without torch ------------------------------------------------


def test_differences_name_each_plugin_that_differs() -> None:
    rank0 = [("a", "a", "1.0"), ("b", "b", "2.0"), ("same", "same", "3")]
    other = [("a", "a", "1.1"), ("c", "c-dist", "1"), ("same", "same", "3")]
    assert _differences(rank0, other) == [
        ("a", ("a", "1.0"), ("a", "1.1")),
        ("b", ("b", "2.0"), None),
        ("c", None, ("c-dist", "1")),
    ]
    assert _differences(rank0, rank0) == []


def test_mismatch_error_names_every_rank_and_plugin() -> None:
    same = [("distdet", "distdet", "1.0")]
    newer = [("distdet", "distdet", "1.1")]
    missing: list[tuple[str, str, str]] = []
    error = _mismatch_error([same, same, newer, missing], [0, 1, 2, 3], ["n0", "n0", "n1", "n1"])
    assert isinstance(error, PluginMismatchError) and isinstance(error, RegistryError)
    message = str(error)
    assert (
        "rank 2 (host n1) has distdet 1.1 for scope 'distdet', rank 0 (host n0) has distdet 1.0"
        in message
    )
    assert "rank 3 (host n1) has nothing for scope 'distdet'" in message
    assert "rank 1" not in message
    assert error.mismatches == {
        2: (("distdet", ("distdet", "1.0"), ("distdet", "1.1")),),
        3: (("distdet", ("distdet", "1.0"), None),),
    }
    assert error.fingerprints == (_digest(same), _digest(same), _digest(newer), _digest(missing))
    assert error.hosts == ("n0", "n0", "n1", "n1")
    assert _mismatch_error([same, same], [0, 1], ["n0", "n1"]) is None


def test_mismatch_error_uses_global_ranks() -> None:
    error = _mismatch_error([[], [("x", "x", "1")]], [4, 6], ["h", "h"])
    assert error is not None
    assert list(error.mismatches) == [6]
    assert "rank 6 (host h) has x 1 for scope 'x', rank 4 (host h) has nothing" in str(error)


def test_mismatch_error_pickles_with_its_attributes() -> None:
    error = _mismatch_error([[("a", "a", "1")], [("a", "a", "2")]], [0, 1], ["h0", "h1"])
    assert error is not None
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is PluginMismatchError
    assert str(copy) == str(error)
    assert copy.__dict__ == error.__dict__


def test_doctests() -> None:
    import registry_core.distributed

    failures, tried = doctest.testmod(registry_core.distributed, optionflags=doctest.ELLIPSIS)
    assert tried >= 3 and failures == 0


def test_import_registry_core_does_not_import_it_and_it_does_not_import_torch() -> None:
    code = (
        "import sys\n"
        "import registry_core\n"
        "assert 'registry_core.distributed' not in sys.modules\n"
        "import registry_core.distributed as d\n"
        "d.plugin_fingerprint()\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the collective --------------------------------------------------------------


def test_without_a_process_group_the_local_fingerprint_is_returned() -> None:
    pytest.importorskip("torch", reason="the check runs on torch.distributed")
    from registry_core.distributed import check_plugins_consistent

    assert check_plugins_consistent() == plugin_fingerprint()


def test_one_rank_group_in_process(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch", reason="the check runs on torch.distributed")
    dist = torch.distributed
    from registry_core.distributed import check_plugins_consistent

    dist.init_process_group("gloo", init_method=(tmp_path / "store").as_uri(), rank=0, world_size=1)
    try:
        assert check_plugins_consistent() == plugin_fingerprint()
        assert check_plugins_consistent(dist.group.WORLD) == plugin_fingerprint()
    finally:
        dist.destroy_process_group()


def torchrun(
    tmp_path: Path, *sites: Path, extra: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    """Run the rank script on 2 CPU ranks; return the run and each rank's report."""
    out = tmp_path / "out"
    out.mkdir()
    env = {
        **os.environ,
        "RC_TEST_SITES": os.pathsep.join(str(s) for s in sites),
        "RC_TEST_OUT": str(out),
        "OMP_NUM_THREADS": "1",
        **(extra or {}),
    }
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    command += ["--nproc-per-node", "2", str(SCRIPT)]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    reports = [json.loads((out / f"rank{r}.json").read_text()) for r in range(2)]
    return run, reports


@pytest.fixture
def sites(tmp_path: Path) -> tuple[Path, Path]:
    """Two site folders: ``distdet`` 1.0 in the first, 1.1 in the second."""
    a, b = tmp_path / "site_a", tmp_path / "site_b"
    write_tree(a, distdet("1.0"))
    write_tree(b, distdet("1.1"))
    return a, b


def test_torchrun_identical_environments_agree(tmp_path: Path, sites: tuple[Path, Path]) -> None:
    pytest.importorskip("torch", reason="the check runs on torch.distributed")
    run, reports = torchrun(tmp_path, sites[0])
    assert run.returncode == 0, run.stderr[-3000:]
    assert [r["rank"] for r in reports] == [0, 1]
    assert reports[0]["fingerprint"] == reports[1]["fingerprint"]
    assert reports[0]["plugins"] == reports[1]["plugins"]
    assert ["distdet", "distdet", "1.0"] in reports[0]["plugins"]
    assert [r["built"] for r in reports] == ["1.0", "1.0"]


def test_torchrun_a_different_plugin_version_fails_loudly_on_every_rank(
    tmp_path: Path, sites: tuple[Path, Path]
) -> None:
    pytest.importorskip("torch", reason="the check runs on torch.distributed")
    run, reports = torchrun(tmp_path, *sites)
    assert run.returncode != 0
    assert "PluginMismatchError" in run.stderr
    for report in reports:
        assert "fingerprint" not in report and "built" not in report
        assert report["mismatches"] == {"1": [["distdet", ["distdet", "1.0"], ["distdet", "1.1"]]]}
        message = report["error"]
        assert "rank 1 (host " in message
        assert "has distdet 1.1 for scope 'distdet', rank 0 (host " in message
        assert "has distdet 1.0" in message
    assert reports[0]["error"] == reports[1]["error"]


def test_torchrun_a_rank_outside_the_group_gets_a_clear_error(
    tmp_path: Path, sites: tuple[Path, Path]
) -> None:
    pytest.importorskip("torch", reason="the check runs on torch.distributed")
    run, reports = torchrun(tmp_path, sites[0], extra={"RC_TEST_SUBGROUP": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    inside, outside = reports
    assert "fingerprint" in inside and "error" not in inside
    assert "fingerprint" not in outside
    assert "global rank 1" in outside["error"] and "not a member" in outside["error"]
