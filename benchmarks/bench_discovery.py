"""Start-up cost of plugin discovery, each case in a fresh interpreter.

Run it as ``python benchmarks/bench_discovery.py [--json OUT] [--markdown]``.

For each N in (10, 100, 1000) the script writes N fake installed distributions into a temporary
site folder: ``*.dist-info`` folders with ``METADATA`` and, for most, an ``entry_points.txt``
advertising unrelated groups (``console_scripts``, ``pytest11``, ``other.group``). Exactly five
advertise ``registry_core.scopes`` (scopes ``plugin0`` .. ``plugin4``); each of those ships a
package whose ``registry.py`` creates ``Registry('model', parent=registry_core.MODELS)`` and
registers ``NetA``, and declares ``Requires-Dist: registry-core>=0.1`` as a real plugin does.

Each case then runs as ``python -s -c CODE`` with ``PYTHONPATH`` set to the site folder (plus
the folder holding ``registry_core`` when the interpreter cannot import it otherwise), from an
empty working directory, and is timed from outside, start to exit:

- A: ``import registry_core`` and ``registry_core.MODELS.get('plugin0.NetA')``, which must
  resolve (the child prints the object's module and name and the script checks them);
- B: the same plugin found and loaded by hand with ``importlib.metadata.entry_points``;
- C: ``pass``: the interpreter's start-up, subtracted from the others;
- D: ``import registry_core`` alone.

One warm-up round, reported but not counted, writes the bytecode caches and registry_core's
own on-disk caches (``REGISTRY_CORE_CACHE_DIR`` keeps them in a folder of this run); then every
round runs every (N, case) pair once, in a freshly shuffled order, and a figure is the median
over the rounds.
The targets: (A - C) / (B - C) at most 0.25 at N = 1000 (discovery at most a quarter of the
cost of scanning with ``importlib.metadata``; issue 17), and D - C at most 15 ms (the import
alone). The script exits 0 whether or not they are met, and non-zero if a case fails to run or
to resolve.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import PLUGIN_REGISTRY, child_env, emit

SIZES = (10, 100, 1000)
ROUNDS = 15
PLUGINS = 5
SEED = 20240601
RATIO_TARGET = 0.25  # (A - C) / (B - C) at the largest N
IMPORT_TARGET_MS = 15.0  # D - C
NOISE = 0.15  # flag a figure whose interquartile range is over this fraction of its median

CASES = {
    "A": (
        "import registry_core; obj = registry_core.MODELS.get('plugin0.NetA'); "
        "print(obj.__module__ + '.' + obj.__qualname__)"
    ),
    "B": (
        "import importlib.metadata as m; eps = m.entry_points(group='registry_core.scopes'); "
        "ep = next(e for e in eps if e.name == 'plugin0'); ep.load()"
    ),
    "C": "pass",
    "D": "import registry_core",
}
EXPECTED_A = "plugin0.registry.NetA"

UNRELATED_GROUPS = (
    "[console_scripts]\n{name} = {name}.cli:main\n",
    "[pytest11]\n{name} = {name}.plugin\n",
    "[other.group]\n{name} = {name}.hooks:setup\nextra = {name}.hooks:extra\n",
    None,  # no entry_points.txt at all, as many distributions have
)


def write_dist(
    site: Path, name: str, version: str, metadata: str, entry_points: str | None
) -> None:
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        f"Summary: A fake distribution for bench_discovery.\n{metadata}",
        encoding="utf-8",
    )
    if entry_points is not None:
        (dist_info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


def write_mmengine(site: Path, n: int) -> None:
    """MMEngine among the distributions: ``mmengine-lite``, one codebase built on it,
    and a package folder for every other distribution (the bridge's scan looks
    for a ``registry.py`` in each), so that the bridge's part of the scan runs in full.
    """
    write_dist(site, "mmengine-lite", "0.10.7", "", None)
    (site / "mmengine" / "registry").mkdir(parents=True)
    (site / "mmengine" / "__init__.py").write_text("", encoding="utf-8")
    (site / "mmengine" / "registry" / "__init__.py").write_text("", encoding="utf-8")
    write_dist(site, "mmfake", "1.0", 'Requires-Dist: mmengine>=0.8; extra == "mim"\n', None)
    (site / "mmfake").mkdir()
    (site / "mmfake" / "__init__.py").write_text("", encoding="utf-8")
    (site / "mmfake" / "registry.py").write_text("", encoding="utf-8")
    for i in range(n):
        package = site / f"fakedist{i:04d}"
        package.mkdir(exist_ok=True)
        (package / "__init__.py").write_text("", encoding="utf-8")


def write_site(site: Path, n: int, requires: bool = True, mmengine: bool = False) -> None:
    """Write ``n`` fake distributions into ``site``, ``PLUGINS`` of them registry_core plugins.

    With ``requires``, each plugin declares ``Requires-Dist: registry-core>=0.1``;
    with ``mmengine``, MMEngine is among them too (``write_mmengine``).
    """
    site.mkdir(parents=True)
    if mmengine:
        write_mmengine(site, n)
    plugin_slots = {k * n // PLUGINS: k for k in range(PLUGINS)}
    for i in range(n):
        if i in plugin_slots:
            scope = f"plugin{plugin_slots[i]}"
            write_dist(
                site,
                f"fake-{scope}",
                "1.0",
                "Requires-Python: >=3.10\n"
                + ("Requires-Dist: registry-core>=0.1\n" if requires else ""),
                f"[registry_core.scopes]\n{scope} = {scope}.registry\n",
            )
            package = site / scope
            package.mkdir()
            (package / "__init__.py").write_text("", encoding="utf-8")
            (package / "registry.py").write_text(PLUGIN_REGISTRY, encoding="utf-8")
        else:
            name = f"fakedist{i:04d}"
            group = UNRELATED_GROUPS[i % len(UNRELATED_GROUPS)]
            write_dist(
                site,
                name,
                "2.3.1",
                "Requires-Dist: requests>=2\nRequires-Dist: pytest; extra == 'test'\n",
                None if group is None else group.format(name=name),
            )


def run(code: str, env: dict[str, str], cwd: str) -> tuple[int, subprocess.CompletedProcess[str]]:
    """Run ``python -s -c code``; return the wall time in nanoseconds and the result."""
    start = time.perf_counter_ns()
    result = subprocess.run(
        [sys.executable, "-s", "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter_ns() - start, result


def check(case: str, n: int, result: subprocess.CompletedProcess[str]) -> None:
    if result.returncode != 0 or (case == "A" and result.stdout.strip() != EXPECTED_A):
        raise SystemExit(
            f"case {case} at N={n} failed (exit {result.returncode}):\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )


def registry_core_path(site: Path, cwd: str, cache_dir: Path) -> str | None:
    """The folder to add to ``PYTHONPATH`` so that children import ``registry_core``, or None."""
    _, result = run("import registry_core", child_env(site, cache_dir), cwd)
    if result.returncode == 0:
        return None
    spec = importlib.util.find_spec("registry_core")
    if spec is None or spec.origin is None:
        raise SystemExit("registry_core is not importable: install it or put it on PYTHONPATH")
    return str(Path(spec.origin).parent.parent)


def environment_census(env: dict[str, str], cwd: str) -> dict[str, int]:
    """Count the distributions a child sees, and those advertising ``registry_core.scopes``."""
    code = (
        "import importlib.metadata as m; "
        "print(len(list(m.distributions())), "
        "len(m.entry_points(group='registry_core.scopes')))"
    )
    _, result = run(code, env, cwd)
    total, plugins = map(int, result.stdout.split())
    return {"distributions": total, "plugins": plugins}


def median_ms(samples: list[int]) -> float:
    return statistics.median(samples) / 1e6


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ``ys`` over ``xs``."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def measure(
    sizes: tuple[int, ...], rounds: int, workdir: Path, requires: bool, mmengine: bool = False
) -> dict[str, Any]:
    cwd = workdir / "cwd"
    cwd.mkdir()
    sites = {}
    for n in sizes:
        sites[n] = workdir / f"site-{n}"
        write_site(sites[n], n, requires, mmengine)
    caches = {n: workdir / f"cache-{n}" for n in sizes}  # one per N: a cold first run each
    extra_path = registry_core_path(sites[sizes[0]], str(cwd), workdir / "cache-probe")
    envs = {n: child_env(sites[n], caches[n], extra_path) for n in sizes}
    census = {n: environment_census(envs[n], str(cwd)) for n in sizes}

    jobs = [(n, case) for n in sizes for case in CASES]
    samples: dict[tuple[int, str], list[int]] = {job: [] for job in jobs}
    cold: dict[tuple[int, str], int] = {}
    rng = random.Random(SEED)
    started = time.perf_counter()
    for round_no in range(rounds + 1):  # round 0 warms the caches and is not counted
        rng.shuffle(jobs)
        for n, case in jobs:
            elapsed, result = run(CASES[case], envs[n], str(cwd))
            check(case, n, result)
            if round_no:
                samples[(n, case)].append(elapsed)
            else:
                cold[(n, case)] = elapsed

    per_n: list[dict[str, Any]] = []
    for n in sizes:
        ms = {case: median_ms(samples[(n, case)]) for case in CASES}
        a_c, b_c, d_c = ms["A"] - ms["C"], ms["B"] - ms["C"], ms["D"] - ms["C"]
        per_n.append(
            {
                "n": n,
                "ms": ms,
                "quartiles_ms": {
                    case: [q / 1e6 for q in statistics.quantiles(samples[(n, case)], n=4)[::2]]
                    for case in CASES
                },
                "A-C": a_c,
                "B-C": b_c,
                "D-C": d_c,
                "ratio": a_c / b_c if b_c > 0 else None,
                "cold_ms": {case: cold[(n, case)] / 1e6 for case in CASES},
                "census": census[n],
                "samples_ns": {case: samples[(n, case)] for case in CASES},
            }
        )
    ns = [float(row["n"]) for row in per_n]
    largest = per_n[-1]
    ratio = largest["ratio"]
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "executable": sys.executable,
        "registry_core_on_pythonpath": extra_path,
        "rounds": rounds,
        "plugins_require_registry_core": requires,
        "mmengine_among_them": mmengine,
        "seconds": round(time.perf_counter() - started, 1),
        "cases": CASES,
        "sizes": per_n,
        "growth_us_per_dist": {
            "A-C": 1000 * slope(ns, [row["A-C"] for row in per_n]) if len(ns) > 1 else None,
            "B-C": 1000 * slope(ns, [row["B-C"] for row in per_n]) if len(ns) > 1 else None,
        },
        "targets": {
            "ratio_at_largest_n": {
                "n": largest["n"],
                "value": ratio,
                "target": RATIO_TARGET,
                "pass": ratio is not None and ratio <= RATIO_TARGET,
            },
            "import_ms": {
                "value": max(row["D-C"] for row in per_n),
                "target": IMPORT_TARGET_MS,
                "pass": all(row["D-C"] <= IMPORT_TARGET_MS for row in per_n),
            },
        },
    }


def noise_line(report: dict[str, Any]) -> str | None:
    """Name the (N, case) pairs whose interquartile range exceeds ``NOISE`` of the median."""
    noisy = [
        f"{case}@{row['n']}"
        for row in report["sizes"]
        for case, (q1, q3) in row["quartiles_ms"].items()
        if q3 - q1 > NOISE * row["ms"][case]
    ]
    if not noisy:
        return None
    return (
        f"Noisy (interquartile range over {NOISE:.0%} of the median; rerun on a quiet "
        f"machine): {', '.join(noisy)}"
    )


def verdict(target: dict[str, Any]) -> str:
    return "PASS" if target["pass"] else "FAIL"


def summary_lines(report: dict[str, Any]) -> list[str]:
    ratio = report["targets"]["ratio_at_largest_n"]
    imp = report["targets"]["import_ms"]
    growth = report["growth_us_per_dist"]
    value = "n/a" if ratio["value"] is None else f"{ratio['value']:.2f}"
    lines = [
        f"(A-C)/(B-C) at N={ratio['n']}: {value} (target <= {ratio['target']:g}) {verdict(ratio)}",
        f"D-C, worst over N: {imp['value']:.1f} ms (target <= {imp['target']:g} ms) {verdict(imp)}",
    ]
    if growth["A-C"] is not None:
        lines.append(
            f"growth per extra distribution on sys.path: A-C {growth['A-C']:.1f} µs, "
            f"B-C {growth['B-C']:.1f} µs (least-squares slope over N)"
        )
    return lines


def header(report: dict[str, Any]) -> str:
    census = report["sizes"][0]["census"]
    others = census["distributions"] - report["sizes"][0]["n"]
    extra_plugins = census["plugins"] - PLUGINS
    return (
        f"Python {report['python']} ({report['implementation']}, {report['machine']}); "
        f"median wall time of a fresh `python -s -c ...` over {report['rounds']} interleaved "
        f"rounds; besides the N fake distributions the children see {others} installed ones, "
        f"{extra_plugins} of them advertising `registry_core.scopes`; the fake plugins "
        + ("declare" if report["plugins_require_registry_core"] else "do not declare")
        + " `Requires-Dist: registry-core>=0.1`."
        + (
            " MMEngine (`mmengine-lite`) and a codebase built on it are among them, and every"
            " distribution has a package folder (the bridge's part of the scan runs)."
            if report.get("mmengine_among_them")
            else ""
        )
    )


def markdown(report: dict[str, Any]) -> str:
    lines = [
        header(report),
        "",
        "| N | A: `MODELS.get('plugin0.NetA')` | B: `entry_points()` + `load()` | C: `pass` "
        "| D: `import registry_core` | A-C | B-C | (A-C)/(B-C) | D-C |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in report["sizes"]:
        ms = row["ms"]
        ratio = "n/a" if row["ratio"] is None else f"{row['ratio']:.2f}"
        lines.append(
            f"| {row['n']} | {ms['A']:.1f} ms | {ms['B']:.1f} ms | {ms['C']:.1f} ms "
            f"| {ms['D']:.1f} ms | {row['A-C']:.1f} ms | {row['B-C']:.1f} ms | {ratio} "
            f"| {row['D-C']:.1f} ms |"
        )
    lines.append("")
    lines += [f"- {line}" for line in summary_lines(report)]
    noise = noise_line(report)
    if noise:
        lines.append(f"- {noise}")
    return "\n".join(lines)


def plain(report: dict[str, Any]) -> str:
    lines = [header(report), ""]
    for row in report["sizes"]:
        lines.append(f"N={row['n']}:")
        for case, code in report["cases"].items():
            q1, q3 = row["quartiles_ms"][case]
            lines.append(
                f"  {case}  {row['ms'][case]:7.1f} ms  [{q1:.1f} - {q3:.1f}]  python -c {code!r}"
            )
        ratio = "n/a" if row["ratio"] is None else f"{row['ratio']:.2f}"
        lines.append(
            f"  A-C {row['A-C']:.1f} ms  B-C {row['B-C']:.1f} ms  (A-C)/(B-C) {ratio}  "
            f"D-C {row['D-C']:.1f} ms"
        )
        cold = "  ".join(f"{case} {ms:.1f}" for case, ms in row["cold_ms"].items())
        lines.append(f"  first run of each, caches cold (not counted; ms): {cold}")
    lines.append("")
    lines += summary_lines(report)
    noise = noise_line(report)
    if noise:
        lines.append(noise)
    lines.append(f"({report['seconds']} s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json", metavar="OUT", help="also write the full results to OUT")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="measured rounds (15)")
    parser.add_argument(
        "--no-requires",
        action="store_true",
        help="the fake plugins declare no requirement on registry-core (no compatibility check)",
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of distributions"
    )
    parser.add_argument(
        "--with-mmengine",
        action="store_true",
        help="MMEngine and a codebase built on it among the distributions (the bridge's scan)",
    )
    args = parser.parse_args(argv)
    sizes = tuple(sorted(set(args.sizes)))
    if min(sizes) < PLUGINS:
        parser.error(f"every size must be at least {PLUGINS}")

    with tempfile.TemporaryDirectory(prefix="bench_discovery-") as tmp:
        report = measure(
            sizes, max(3, args.rounds), Path(tmp), not args.no_requires, args.with_mmengine
        )
    emit(report, markdown, plain, as_markdown=args.markdown, json_path=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
