"""MMEngine conformance for pure-Python configs (``with read_base():``, imports kept as paths).

Every corpus of configs found is checked the same way (the test does not know
which codebase a corpus comes from):

- the folders under ``../shared/corpora/`` (relative to the project root),
  such as MMPretrain 1.2.0's pure-Python configs;
- the pure-Python configs the wheels of ``mmdet_env`` ship outside
  ``.mim`` (a ``configs`` folder holding a ``read_base`` file), if any;
- the folders listed in ``$REGISTRY_CORE_PURE_PYTHON_CORPORA`` (``os.pathsep``
  separated).

Real MMEngine (``mmengine-lite`` in its own environment, from ``mmdet_env``;
no codebase installed) runs ``Config.fromfile(path).to_dict()`` on every
``.py`` file. For each file it loads, ``load_config(path)`` is equal, with an
``ImportRef`` exactly where MMEngine gave an imported name's string (and equal
to it), and so is ``load_config(path, trusted=True)``; MMEngine's top-level
values that are not data (modules, functions) are left out of both. A file
using code outside the safe subset may be refused by the safe load with a
``ConfigError`` offering ``trusted=True``. Each file MMEngine cannot load is
a ``ConfigError`` naming the file, never another exception.

Run it with ``python -m pytest conformance``; it is skipped only when the
package index cannot be reached to make MMEngine's environment.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import mmdet_env
import pytest

from registry_core import ConfigError, ImportRef, load_config

HERE = Path(__file__).parent
ROOT = HERE.parent


def shared_corpora() -> list[Path]:
    """The folders of ``../shared/corpora`` holding ``.py`` files."""
    folder = ROOT.parent / "shared" / "corpora"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and any(p.rglob("*.py")))


def wheel_corpora(environment: mmdet_env.Environment) -> list[Path]:
    """The ``configs`` folders (not ``.mim``) of the cached wheels holding a ``read_base`` file."""
    found: list[Path] = []
    for wheel in sorted((environment.cache / "wheels").glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            members = [
                n
                for n in archive.namelist()
                if n.endswith(".py") and "/configs/" in n and "/.mim/" not in n
            ]
            roots = sorted(
                {n[: n.index("/configs/") + len("/configs")] for n in members}
                & {
                    n[: n.index("/configs/") + len("/configs")]
                    for n in members
                    if b"read_base" in archive.read(n)
                }
            )
            if not roots:
                continue
            target = environment.cache / "pure-python" / wheel.stem
            if not (target / ".complete").exists():
                archive.extractall(target, [n for n in members if n.startswith(tuple(roots))])
                (target / ".complete").write_text("")
            found.extend(target / r for r in roots)
    return found


def listed_corpora() -> list[Path]:
    value = os.environ.get("REGISTRY_CORE_PURE_PYTHON_CORPORA", "")
    return [Path(p) for p in value.split(os.pathsep) if p]


def same(ours: object, theirs: object, imports: set[tuple[object, ...]], path: tuple = ()) -> str:
    """``""`` when equal (an ``ImportRef`` exactly at MMEngine's imports), else the difference."""
    where = "".join(f"[{p!r}]" for p in path) or "top"
    if path in imports:
        if type(ours) is not ImportRef or ours != theirs:
            return f"{where}: {ours!r} where MMEngine has the import {theirs!r}"
        return ""
    if type(ours) is not type(theirs):
        kinds = f"{type(ours).__name__} vs {type(theirs).__name__}"
        return f"{where}: {kinds}: {ours!r:.80} vs {theirs!r:.80}"
    if isinstance(ours, dict):
        assert isinstance(theirs, dict)
        if ours.keys() != theirs.keys():
            return f"{where}: keys differ: {sorted(map(str, ours.keys() ^ theirs.keys()))}"
        for key in ours:
            found = same(ours[key], theirs[key], imports, (*path, key))
            if found:
                return found
        return ""
    if isinstance(ours, (list, tuple)):
        assert isinstance(theirs, (list, tuple))
        if len(ours) != len(theirs):
            return f"{where}: {len(ours)} vs {len(theirs)} items"
        for index, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            found = same(a, b, imports, (*path, index))
            if found:
                return found
        return ""
    return "" if ours == theirs else f"{where}: {ours!r:.80} vs {theirs!r:.80}"


def mmengine_results(environment: mmdet_env.Environment, corpus: Path, out: Path) -> dict:
    subprocess.run(
        [environment.python, HERE / "mmengine_pure_python_load.py", corpus, out],
        check=True,
        timeout=1800,
    )
    with open(out, "rb") as f:
        results: dict = pickle.load(f)
    return results


def check_corpus(corpus: Path, results: dict) -> dict:
    """Compare ``load_config`` with MMEngine's ``results`` for every file of ``corpus``."""
    mmengine_seconds = results.pop("__seconds__")
    counts = {"files": len(results), "mmengine loads": 0, "equal safe": 0, "equal trusted": 0}
    mismatches: dict[str, str] = {}
    refused: dict[str, str] = {}
    errors: dict[str, str] = {}
    left_out: dict[str, list[str]] = {}
    ours_seconds = 0.0
    for relative, result in sorted(results.items()):
        path = corpus / relative
        if result[0] == "error":
            try:
                load_config(path)
            except ConfigError as exc:
                errors[relative] = f"MMEngine: {result[1][:200]} | ours: {exc}"
                if str(path) not in str(exc):
                    mismatches[relative] = f"the ConfigError does not name the file: {exc}"
            except Exception as exc:  # the point: no other exception may come out
                mismatches[relative] = f"not a ConfigError: {type(exc).__name__}: {exc}"
            else:
                mismatches[relative] = f"MMEngine fails ({result[1][:200]}), load_config does not"
            continue
        _, expected, import_paths, dropped = result
        imports = set(map(tuple, import_paths))
        counts["mmengine loads"] += 1
        start = time.perf_counter()
        try:
            ours = dict(load_config(path))
        except ConfigError as exc:
            if "trusted=True" not in str(exc):
                mismatches[relative] = f"safe load failed: {exc}"
            else:
                refused[relative] = str(exc)
        else:
            found = same(ours, expected, imports)
            if found:
                mismatches[relative] = "safe: " + found
            else:
                counts["equal safe"] += 1
        finally:
            ours_seconds += time.perf_counter() - start
        try:
            trusted = dict(load_config(path, trusted=True))
        except ConfigError as exc:
            mismatches[relative] = f"trusted load failed: {exc}"
            continue
        found = same(trusted, expected, imports)
        if found:
            mismatches[relative] = "trusted: " + found
        else:
            counts["equal trusted"] += 1
        if dropped:  # MMEngine keeps modules and functions; a config holds data only
            left_out[relative] = dropped
    return {
        **counts,
        "refused by the safe load (trusted=True offered)": refused,
        "MMEngine errors (and ours)": errors,
        "names of modules and functions left out": left_out,
        "mismatches": mismatches,
        "seconds": {"MMEngine": round(mmengine_seconds, 3), "load_config": round(ours_seconds, 3)},
    }


def test_pure_python_configs_load_as_mmengine_loads_them(
    environment: mmdet_env.Environment, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpora = [*shared_corpora(), *wheel_corpora(environment), *listed_corpora()]
    assert corpora, "no corpus of pure-Python configs found (../shared/corpora is missing)"
    reports = {}
    for index, corpus in enumerate(corpora):
        results = mmengine_results(environment, corpus, tmp_path / f"{index}.pickle")
        reports[str(corpus)] = check_corpus(corpus, results)
    (environment.cache / "last-pure-python-report.json").write_text(
        json.dumps(reports, indent=2) + "\n"
    )
    with capsys.disabled():
        for corpus, report in reports.items():
            print(
                f"\npure-Python configs of {corpus}: {report['files']} files, MMEngine loads "
                f"{report['mmengine loads']}; load_config equal: {report['equal safe']} safe, "
                f"{report['equal trusted']} trusted; "
                f"{len(report['refused by the safe load (trusted=True offered)'])} refused "
                f"safely; {len(report['mismatches'])} mismatches; seconds {report['seconds']}",
                file=sys.stderr,
            )
    for corpus, report in reports.items():
        assert not report["mismatches"], (corpus, json.dumps(report["mismatches"], indent=2))
        assert report["mmengine loads"] > 0, corpus
        assert report["equal trusted"] == report["mmengine loads"], corpus
        assert (
            report["equal safe"] + len(report["refused by the safe load (trusted=True offered)"])
            == report["mmengine loads"]
        ), corpus
