"""The MMEngine bridge's costs, as ratios against anchors measured in the same run.

Needs MMEngine (``mmengine-lite``) and, for the attach row, MMPretrain: run it
with the OpenMMLab test environment's interpreter, which has both::

    python conformance/openmmlab/run.py --co -q   # makes .venv-openmmlab
    .venv-openmmlab/bin/python benchmarks/bench_bridge.py --markdown

Per call (interleaved samples in one process, as ``bench_registry.py``), on a
codebase ``benchmm`` built on MMEngine (installed into a temporary site folder:
a child of MMEngine's ``MODELS`` holding a trivial class ``NetA``), seen
through its view ``registry_core.MODELS.children['mmengine'].children['benchmm']``:

- ``get``: ``view.get('NetA')`` against ``d.get('NetA')`` on a dict (target ≤ 3x);
- ``build``: ``view.build(dict(type='NetA', depth=50))`` against MMEngine's own
  ``MODELS.build`` of the same config on the same registry (target ≤ 0.5x).

Attaching (fresh interpreters, interleaved rounds, medians): ``import
registry_core; registry_core.load_scope('mmpretrain')`` against ``import
mmpretrain.registry`` (target ≤ 1.05x), each less an empty interpreter.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from bench_registry import Case, run_interleaved

SAMPLES = 15
ROUNDS = 11

REGISTRY_PY = textwrap.dedent(
    """\
    from mmengine.registry import MODELS as MMENGINE_MODELS
    from mmengine.registry import Registry

    MODELS = Registry("model", parent=MMENGINE_MODELS)


    @MODELS.register_module()
    class NetA:
        def __init__(self, depth=50):
            self.depth = depth
    """
)


def write_codebase(site: Path) -> None:
    info = site / "benchmm-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: benchmm\nVersion: 1.0\n"
        'Requires-Dist: mmengine; extra == "mim"\n\n'
    )
    (info / "RECORD").write_text("benchmm/__init__.py,,\nbenchmm/registry.py,,\n")
    (site / "benchmm").mkdir()
    (site / "benchmm" / "__init__.py").write_text("")
    (site / "benchmm" / "registry.py").write_text(REGISTRY_PY)


def per_call(samples: int) -> dict[str, Any]:
    import registry_core

    assert registry_core.MODELS.get("benchmm.NetA") is not None  # loads the scope
    view = registry_core.MODELS.children["mmengine"].children["benchmm"]
    import benchmm.registry as codebase

    net_a = codebase.MODELS.get("NetA")
    namespace = {
        "d": {"NetA": net_a},
        "view": view,
        "mm": codebase.MODELS,
        "NetA": net_a,
    }
    assert type(view.build(dict(type="NetA", depth=50))) is net_a
    assert type(codebase.MODELS.build(dict(type="NetA", depth=50))) is net_a
    cases = [
        Case("dict_get", "d.get('NetA')", namespace),
        Case("view_get", "view.get('NetA')", namespace),
        Case("direct_call", "NetA(depth=50)", namespace),
        Case("view_build", "view.build(dict(type='NetA', depth=50))", namespace),
        Case("mmengine_build", "mm.build(dict(type='NetA', depth=50))", namespace),
    ]
    run_interleaved(cases, samples)
    by_key = {case.key: case.median for case in cases}
    return {
        "median_ns": by_key,
        "get_ratio": by_key["view_get"] / by_key["dict_get"],
        "build_ratio": by_key["view_build"] / by_key["mmengine_build"],
        "mmengine_build_over_direct": by_key["mmengine_build"] / by_key["direct_call"],
    }


ATTACH = {
    "attach": "import registry_core; registry_core.load_scope('mmpretrain')",
    "import": "import mmpretrain.registry",
    "empty": "pass",
}


SPLIT = """
import time
start = time.perf_counter()
import registry_core
registry_core.available_scopes()
scanned = time.perf_counter()
import mmpretrain.registry
imported = time.perf_counter()
registry_core.load_scope('mmpretrain')
done = time.perf_counter()
print(scanned - start, imported - scanned, done - imported)
"""


def attach_split(rounds: int) -> dict[str, Any]:
    """In one process: registry_core's import and scan, the codebase's import, the views."""
    parts: list[list[float]] = [[], [], []]
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", SPLIT], check=True, capture_output=True
        )
        for values, text in zip(parts, out.stdout.split(), strict=True):
            values.append(float(text) * 1000)
    scan_ms, import_ms, views_ms = (statistics.median(values) for values in parts)
    return {
        "scan_ms": scan_ms,
        "import_ms": import_ms,
        "views_ms": views_ms,
        "ratio": (scan_ms + import_ms + views_ms) / import_ms,
    }


def attach(rounds: int) -> dict[str, Any]:
    samples: dict[str, list[int]] = {key: [] for key in ATTACH}
    rng = random.Random(0)
    for round_no in range(rounds + 1):  # round 0 warms the caches
        order = list(ATTACH)
        rng.shuffle(order)
        for key in order:
            start = time.perf_counter_ns()
            subprocess.run([sys.executable, "-W", "ignore", "-c", ATTACH[key]], check=True)
            if round_no:
                samples[key].append(time.perf_counter_ns() - start)
    ms = {key: statistics.median(values) / 1e6 for key, values in samples.items()}
    return {
        "median_ms": ms,
        "ratio": (ms["attach"] - ms["empty"]) / (ms["import"] - ms["empty"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", metavar="OUT", help="also write the results to OUT")
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_bridge-") as tmp:
        site = Path(tmp)
        write_codebase(site)
        sys.path.insert(0, str(site))
        calls = per_call(args.samples)
    attached = attach(args.rounds)
    split = attach_split(args.rounds)
    rows = [
        ("`view.get('NetA')` / `d.get('NetA')`", calls["get_ratio"], 3.0),
        ("`view.build(cfg)` / MMEngine's `MODELS.build(cfg)`", calls["build_ratio"], 0.5),
        ("`load_scope('mmpretrain')` / `import mmpretrain.registry`", attached["ratio"], 1.05),
        ("the same, timed inside one process", split["ratio"], 1.05),
    ]
    lines = ["| case | ratio | target |", "|---|---|---|"]
    for label, ratio, target in rows:
        verdict = "ok" if ratio <= target else "MISSED"
        lines.append(f"| {label} | {ratio:.2f}x | ≤ {target}x {verdict} |")
    ns = calls["median_ns"]
    lines.append("")
    lines.append(
        "Medians: "
        + ", ".join(f"{key} {value:.0f} ns" for key, value in ns.items())
        + "; attach "
        + ", ".join(f"{key} {value:.0f} ms" for key, value in attached["median_ms"].items())
        + f"; MMEngine's build is {calls['mmengine_build_over_direct']:.0f}x a direct call; "
        + f"inside one process: registry_core's import and scan {split['scan_ms']:.0f} ms, "
        + f"importing mmpretrain.registry {split['import_ms']:.0f} ms, "
        + f"attaching its views {split['views_ms']:.0f} ms."
    )
    print("\n".join(lines) if args.markdown else "\n".join(lines).replace("`", ""))
    if args.json:
        report = {"calls": calls, "attach": attached, "attach_split": split}
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
