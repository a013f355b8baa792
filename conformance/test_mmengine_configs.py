"""MMEngine conformance: every MMDetection 3.3 config MMEngine loads, ``load_config`` loads equal.

For every config in the MMDetection 3.3.0 wheel (``mmdet/.mim/configs``),
real MMEngine (``mmengine-lite``, in its own environment, MMDetection not
installed) runs ``Config.fromfile(path).to_dict()`` twice. Each config it
loads the same way both times must come out of ``load_config(path)`` (safe,
the default) equal, tuples and lists told apart; a config that needs code
outside the safe subset may use ``trusted=True`` and must then be equal.

Configs MMEngine loads only with ``import_custom_modules=False`` (their
``custom_imports`` name MMPretrain, which is not installed) are compared with
that result. Files MMEngine loads into something that is not data (a script
defining functions) must be refused by the safe load.

This is slow (MMEngine takes about half a minute) and downloads two wheels
the first time, into a cache folder reused by later runs (see
``mmdet_env``); it is skipped only when the package index cannot be reached.
Run it with ``python -m pytest conformance``.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import time
from pathlib import Path

import mmdet_env
import pytest

from registry_core import ConfigError, load_config

HERE = Path(__file__).parent


def same(a: object, b: object) -> bool:
    """Equal, with the same types all the way down (tuples and lists told apart)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple))
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def first_difference(a: object, b: object, path: str = "") -> str:
    if type(a) is not type(b):
        return f"{path or 'top'}: {type(a).__name__} {a!r:.60} vs {type(b).__name__} {b!r:.60}"
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path or 'top'}: keys differ: {sorted(map(str, a.keys() ^ b.keys()))}"
        for key in a:
            if not same(a[key], b[key]):
                return first_difference(a[key], b[key], f"{path}.{key}")
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if not same(x, y):
                return first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {a!r:.60} vs {b!r:.60}"


def test_load_config_equals_mmengine_on_mmdetection(
    environment: mmdet_env.Environment, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    out = tmp_path / "mmengine.pickle"
    subprocess.run(
        [
            str(environment.python),
            str(HERE / "mmengine_load.py"),
            str(environment.configs),
            str(out),
        ],
        check=True,
        timeout=3600,
    )
    mmengine_seconds = time.perf_counter() - started
    with open(out, "rb") as f:
        results = pickle.load(f)
    mmengine_once = results.pop("__seconds__")

    counts = {"files": len(results), "mmengine loads": 0, "equal safe": 0, "equal trusted": 0}
    trusted: dict[str, str] = {}
    mismatches: dict[str, str] = {}
    refused_scripts: list[str] = []
    custom_imports: list[str] = []
    errors_of_mmengine: dict[str, str] = {}
    ours_seconds = 0.0
    for relative, (status, expected) in sorted(results.items()):
        path = environment.configs / relative
        if status == "error":
            errors_of_mmengine[relative] = expected
            continue
        if status == "non-data":
            # MMEngine executes it and keeps its functions: it is a script, not a config
            with pytest.raises(ConfigError, match="outside the data subset"):
                load_config(path)
            refused_scripts.append(relative)
            continue
        if status == "unstable":
            continue
        counts["mmengine loads"] += 1
        if status == "ok-without-custom-imports":
            custom_imports.append(relative)
        start = time.perf_counter()
        try:
            ours = load_config(path)
        except ConfigError as exc:
            if "outside the data subset" not in str(exc):
                mismatches[relative] = f"safe load failed: {exc}"
                continue
            trusted[relative] = str(exc)
            ours = load_config(path, trusted=True)
            if same(dict(ours), expected):
                counts["equal trusted"] += 1
            else:
                mismatches[relative] = "trusted: " + first_difference(dict(ours), expected)
            continue
        finally:
            ours_seconds += time.perf_counter() - start
        if same(dict(ours), expected):
            counts["equal safe"] += 1
        else:
            mismatches[relative] = first_difference(dict(ours), expected)

    report = {
        **counts,
        "loaded only without custom_imports": custom_imports,
        "needing trusted=True": trusted,
        "scripts refused (MMEngine keeps their functions)": refused_scripts,
        "MMEngine errors": errors_of_mmengine,
        "mismatches": mismatches,
        "seconds": {
            "MMEngine (two loads of each, process included)": round(mmengine_seconds, 1),
            "MMEngine (first loads only)": round(mmengine_once, 2),
            "load_config (each once)": round(ours_seconds, 2),
            "whole test": round(time.perf_counter() - started, 1),
        },
    }
    (environment.cache / "last-report.json").write_text(json.dumps(report, indent=2) + "\n")
    with capsys.disabled():
        print(
            f"\nMMEngine conformance ({environment.cache / 'last-report.json'}): "
            f"{counts['files']} files, MMEngine loads {counts['mmengine loads']} "
            f"({len(custom_imports)} only without custom_imports); load_config equal: "
            f"{counts['equal safe']} safe, {counts['equal trusted']} trusted; "
            f"{len(refused_scripts)} scripts refused; {len(mismatches)} mismatches; "
            f"MMEngine {mmengine_once:.1f} s, load_config {ours_seconds:.2f} s for one load each"
        )
    assert not mismatches, json.dumps(mismatches, indent=2)
    assert counts["mmengine loads"] > 800  # the wheel's configs were all there
    assert counts["equal safe"] + counts["equal trusted"] == counts["mmengine loads"]
