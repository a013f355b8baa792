"""Discovery at scale: 500 installed plugins, their scan, their loading, their memory.

Run it as ``python benchmarks/bench_scale.py [--sizes 500] [--rounds 7] [--json OUT] [--markdown]``.

For each N (500 by default) the script writes N fake installed distributions into a temporary
site folder, every one a ``registry_core`` plugin: a ``*.dist-info`` advertising scope
``scaleI`` in ``registry_core.scopes`` (and, unless ``--no-requires``, declaring
``Requires-Dist: registry-core>=0.1``), and a package whose ``registry.py`` creates a child of
``registry_core.MODELS`` and registers one class. Each measurement runs in a fresh interpreter,
``python -s -c CODE`` with ``PYTHONPATH`` set to the site folder and the compatibility cache in
a temporary folder, which one unmeasured warm-up round fills (with the bytecode caches):

- time: ``import registry_core``; the scan (``available_scopes()``); ``load_all()``, which
  imports the N plugin modules and attaches their N registries; all with
  ``time.perf_counter``, inside the child. Medians over the rounds.
- memory: the same steps under ``tracemalloc`` (one frame per allocation), in one more child.
  After each step it reports the bytes still allocated by code in files under the
  ``registry_core`` package folder, and the total traced. What ``registry_core`` holds is its
  own state: scan records, discovery records, the registries it created for the plugins (a
  ``Registry.__init__`` runs in ``registry_core/registry.py``) and their lookup tables; the
  plugins' own classes and modules count in the total only.

The script exits 0 whatever the numbers, and non-zero if a child fails or a plugin does not load.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from _common import PLUGIN_REGISTRY, child_env, emit

SIZES = (500,)
ROUNDS = 7

TIME_CODE = textwrap.dedent(
    """\
    import json, time
    t0 = time.perf_counter()
    import registry_core
    t1 = time.perf_counter()
    table = registry_core.available_scopes()
    t2 = time.perf_counter()
    table = registry_core.load_all()
    t3 = time.perf_counter()
    statuses = sorted({info.status for s, info in table.items() if s.startswith("scale")})
    print(json.dumps({
        "import_ms": (t1 - t0) * 1e3,
        "scan_ms": (t2 - t1) * 1e3,
        "load_all_ms": (t3 - t2) * 1e3,
        "plugins": sum(s.startswith("scale") for s in table),
        "statuses": statuses,
    }))
    """
)

MEMORY_CODE = textwrap.dedent(
    """\
    import gc, json, os, tracemalloc
    tracemalloc.start(1)
    import registry_core
    package = os.path.dirname(os.path.abspath(registry_core.__file__)) + os.sep

    def measure():
        gc.collect()
        stats = tracemalloc.take_snapshot().statistics("filename")
        ours = sum(s.size for s in stats if s.traceback[0].filename.startswith(package))
        total = sum(s.size for s in stats)
        by_file = {}
        for s in stats:
            name = s.traceback[0].filename
            if name.startswith(package):
                by_file[name[len(package):]] = s.size
        return {"registry_core": ours, "total": total, "by_file": by_file}

    steps = {"import": measure()}
    registry_core.available_scopes()
    steps["scan"] = measure()
    table = registry_core.load_all()
    steps["load_all"] = measure()
    steps["peak_total"] = tracemalloc.get_traced_memory()[1]
    assert all(info.status == "loaded" for s, info in table.items() if s.startswith("scale"))
    print(json.dumps(steps))
    """
)


def write_site(site: Path, n: int, requires: bool) -> None:
    """Write ``n`` plugin distributions into ``site``."""
    site.mkdir(parents=True)
    for i in range(n):
        scope = f"scale{i}"
        dist_info = site / f"scale_plugin_{i}-1.0.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: scale-plugin-{i}\nVersion: 1.0\n"
            + ("Requires-Dist: registry-core>=0.1\n" if requires else ""),
            encoding="utf-8",
        )
        (dist_info / "entry_points.txt").write_text(
            f"[registry_core.scopes]\n{scope} = {scope}.registry\n", encoding="utf-8"
        )
        package = site / scope
        package.mkdir()
        (package / "__init__.py").write_text("", encoding="utf-8")
        (package / "registry.py").write_text(PLUGIN_REGISTRY, encoding="utf-8")


def _checkout() -> str | None:
    """This checkout, so children import registry_core even when it is not installed."""
    here = Path(__file__).resolve().parent.parent
    return str(here) if (here / "registry_core" / "__init__.py").exists() else None


def run_child(code: str, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-s", "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"a child failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def measure(n: int, rounds: int, workdir: Path, requires: bool) -> dict[str, Any]:
    site, cache, cwd = workdir / f"site-{n}", workdir / f"cache-{n}", workdir / "cwd"
    write_site(site, n, requires)
    cwd.mkdir(exist_ok=True)
    env = child_env(site, cache, _checkout())
    samples: list[dict[str, Any]] = []
    for round_no in range(rounds + 1):  # round 0 fills the caches and is not counted
        sample = run_child(TIME_CODE, env, cwd)
        if sample["plugins"] != n or sample["statuses"] != ["loaded"]:
            raise SystemExit(f"N={n}: expected {n} loaded plugins, got {sample}")
        if round_no:
            samples.append(sample)
    memory = run_child(MEMORY_CODE, env, cwd)
    ms = {
        key: statistics.median(s[key] for s in samples)
        for key in ("import_ms", "scan_ms", "load_all_ms")
    }
    held = memory["load_all"]["registry_core"]
    return {
        "n": n,
        "ms": ms,
        "per_plugin_ms": {key: ms[key] / n for key in ("scan_ms", "load_all_ms")},
        "memory": memory,
        "held_bytes": held,
        "held_per_plugin_bytes": (held - memory["import"]["registry_core"]) / n,
        "held_share": held / memory["load_all"]["total"],
        "samples": samples,
    }


def kib(size: float) -> str:
    return f"{size / 1024:,.1f} KiB"


def markdown(report: dict[str, Any]) -> str:
    lines = [
        header(report),
        "",
        "| N | import | scan | load_all | scan / plugin | load_all / plugin "
        "| held by registry_core | of total traced | per plugin |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in report["sizes"]:
        ms, per = row["ms"], row["per_plugin_ms"]
        total = row["memory"]["load_all"]["total"]
        lines.append(
            f"| {row['n']} | {ms['import_ms']:.1f} ms | {ms['scan_ms']:.1f} ms "
            f"| {ms['load_all_ms']:.1f} ms | {per['scan_ms'] * 1e3:.0f} µs "
            f"| {per['load_all_ms'] * 1e3:.0f} µs | {kib(row['held_bytes'])} "
            f"| {row['held_share']:.1%} of {kib(total)} | {row['held_per_plugin_bytes']:,.0f} B |"
        )
    return "\n".join(lines)


def plain(report: dict[str, Any]) -> str:
    lines = [header(report), ""]
    for row in report["sizes"]:
        ms, memory = row["ms"], row["memory"]
        lines.append(f"N={row['n']}:")
        lines.append(
            f"  time    import {ms['import_ms']:.1f} ms, scan {ms['scan_ms']:.1f} ms, "
            f"load_all {ms['load_all_ms']:.1f} ms"
        )
        for step in ("import", "scan", "load_all"):
            step_memory = memory[step]
            lines.append(
                f"  memory after {step:<8} registry_core {kib(step_memory['registry_core']):>12}"
                f"  of {kib(step_memory['total']):>12} traced"
            )
        lines.append(
            f"  registry_core holds {row['held_per_plugin_bytes']:,.0f} B per plugin "
            f"({row['held_share']:.1%} of what is traced after load_all)"
        )
        top = sorted(memory["load_all"]["by_file"].items(), key=lambda kv: -kv[1])[:5]
        lines.append("  by file: " + ", ".join(f"{name} {kib(size)}" for name, size in top))
    lines.append(f"({report['seconds']} s)")
    return "\n".join(lines)


def header(report: dict[str, Any]) -> str:
    return (
        f"Python {report['python']} ({report['implementation']}, {report['machine']}); "
        f"times are medians over {report['rounds']} fresh interpreters, measured inside each; "
        "memory is what tracemalloc attributes to files under registry_core/ after each step; "
        "the plugins "
        + ("declare" if report["plugins_require_registry_core"] else "do not declare")
        + " `Requires-Dist: registry-core>=0.1`."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json", metavar="OUT", help="also write the full results to OUT")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"measured rounds ({ROUNDS})")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of plugins (500)"
    )
    parser.add_argument(
        "--no-requires",
        action="store_true",
        help="the plugins declare no requirement on registry-core (no compatibility check)",
    )
    args = parser.parse_args(argv)
    import time

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_scale-") as tmp:
        sizes = [
            measure(n, max(1, args.rounds), Path(tmp), not args.no_requires)
            for n in sorted(set(args.sizes))
        ]
    report = {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "rounds": max(1, args.rounds),
        "plugins_require_registry_core": not args.no_requires,
        "seconds": round(time.perf_counter() - started, 1),
        "sizes": sizes,
    }
    emit(report, markdown, plain, as_markdown=args.markdown, json_path=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
