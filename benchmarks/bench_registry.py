"""Per-call cost of ``registry_core.Registry``, next to plain Python and MMEngine's ``Registry``.

Run it as ``python benchmarks/bench_registry.py [--json OUT] [--markdown]``.

Every case is timed in this one process and run: a sample times ``number`` calls with
``timeit`` and ``time.perf_counter_ns`` (garbage collection off, as ``timeit`` does), every
sample runs all the cases in a freshly shuffled order so that machine noise hits them alike,
and a case's figure is the median of its per-call times over the samples.

The registry tree, the same for both libraries::

                  bench (root)
                 /            \\
        det (child)          cls (child)
        NetA, Container

``NetA(depth=50)`` is a small class; ``Container(children)`` builds each child config with its
library's ``det.build``. Four cases have targets, each a ratio against a plain-Python anchor:

========================  ==================================  ===========================
case                      anchor                              target (``registry_core``)
========================  ==================================  ===========================
``det.get('NetA')``       ``d.get('NetA')`` on a ``dict``     at most 5x
``cls.get('det.NetA')``   ``d.get('NetA')`` on a ``dict``     at most 10x
``det.build(cfg)``        ``NetA(depth=50)``                  at most 2.5x
56-object tree            the same 56 objects built directly  at most 3.5x
========================  ==================================  ===========================

The build case writes its config inline, ``det.build(dict(type='NetA', depth=50))``, as a user
writing ``NetA(depth=50)`` instead would. The dict anchor is the method call ``d.get('NetA')``,
the same call shape as ``det.get('NetA')``; the bare subscript ``d['NetA']`` is reported too.

MMEngine (``pip install mmengine-lite``, import name ``mmengine``) is measured when importable,
with these settings, chosen to be fair to it:

- Its ``Registry.get('det.NetA')`` imports ``det.registry`` on every call (import by naming
  convention). In a real codebase that module exists and the import is a ``sys.modules`` hit,
  so empty stand-in modules ``det``, ``det.registry``, ``cls`` and ``cls.registry`` are put in
  ``sys.modules`` before MMEngine is timed. Without them each such call runs a failing import.
- Without a ``DefaultScope`` its ``build`` looks ``type`` up in the registry it is called on,
  as ``registry_core`` does without a default scope. The "under default scope" row enters
  ``DefaultScope.overwrite_default_scope('det')`` (``registry_core.default_scope('det')`` for
  ours) around the timed calls, the state a training runner sets up once.
- Its log calls stay as shipped (``print_log`` at DEBUG level, which the default logger drops).

The script exits 0 whether or not the targets are met.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
import timeit
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from _common import emit

SAMPLES = 15
SAMPLE_NS = 20_000_000  # aim for about 20 ms of calls per sample
SEED = 20240601
TREE_SIZE = 56  # 1 root + 5 containers x (1 + 10 leaves)
NOISE = 0.15  # flag a case whose interquartile range is over this fraction of its median

TREE_CFG = dict(
    type="Container",
    children=[
        dict(type="Container", children=[dict(type="NetA", depth=50) for _ in range(10)])
        for _ in range(5)
    ],
)


def _no_registry(cfg: dict[str, Any]) -> Any:
    raise RuntimeError("this Container has no registry to build children with")


def define_classes() -> tuple[type[Any], type[Any]]:
    """Return fresh ``NetA`` and ``Container`` classes (one pair per library, same code)."""

    class NetA:
        """A small class with one argument."""

        def __init__(self, depth: int = 50) -> None:
            self.depth = depth

    class Container:
        """Holds its children; a child given as a config dict is built with ``build_child``."""

        build_child = staticmethod(_no_registry)  # each library sets its registry's build

        def __init__(self, children: list[Any]) -> None:
            build = self.build_child
            self.children = [build(c) if type(c) is dict else c for c in children]

    return NetA, Container


def count_objects(obj: Any) -> int:
    """Count ``obj`` and everything below it through ``children``."""
    return 1 + sum(count_objects(child) for child in getattr(obj, "children", ()))


@dataclass
class Case:
    """One timed statement."""

    key: str
    stmt: str
    namespace: dict[str, Any]
    context: Callable[[], Any] | None = None  # a context manager factory entered around a sample
    number: int = 0
    samples_ns: list[float] = field(default_factory=list)  # per-call times
    _timer: timeit.Timer | None = None

    def timer(self) -> timeit.Timer:
        if self._timer is None:
            self._timer = timeit.Timer(
                self.stmt, globals=self.namespace, timer=time.perf_counter_ns
            )
        return self._timer

    def run(self, timer: timeit.Timer, number: int) -> float:
        """Time ``number`` calls; return the total in nanoseconds."""
        if self.context is None:
            return float(timer.timeit(number))
        with self.context():
            return float(timer.timeit(number))

    def calibrate(self) -> None:
        """Pick ``number`` so that one sample takes about ``SAMPLE_NS`` (also warms up).

        Each step takes the fastest of three timings, so that one slow timing (the process
        preempted, a page fault) cannot stop the search early and leave a tiny ``number``.
        """
        timer = self.timer()
        number = 1
        while True:
            total = min(self.run(timer, number) for _ in range(3))
            if total >= SAMPLE_NS / 10 or number >= 10**8:
                break
            number *= 10
        self.number = max(1, round(number * SAMPLE_NS / max(total, 1.0)))

    def sample(self) -> None:
        self.samples_ns.append(self.run(self.timer(), self.number) / self.number)

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ns)

    def to_json(self) -> dict[str, Any]:
        """The case as in the ``--json`` report: what ran, and every sample."""
        return {
            "stmt": self.stmt,
            "number": self.number,
            "median_ns": self.median,
            "quartiles_ns": self.quartiles(),
            "samples_ns": self.samples_ns,
        }

    def quartiles(self) -> tuple[float, float]:
        q = statistics.quantiles(self.samples_ns, n=4)
        return q[0], q[2]


# --- setting up the cases ---------------------------------------------------------------------


def anchor_cases() -> list[Case]:
    net_a, container = define_classes()
    d = {"NetA": net_a}

    def direct_tree() -> Any:
        return container([container([net_a(depth=50) for _ in range(10)]) for _ in range(5)])

    def bare_build(cfg: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        # The least any build function written in Python does: no checks, no
        # scope, no registry; copy the config, take out its type, call.
        params = cfg.copy()
        obj_type = params.pop("type")
        return d[obj_type](**params)

    assert count_objects(direct_tree()) == TREE_SIZE
    assert type(bare_build(dict(type="NetA", depth=50))) is net_a
    ns = {"d": d, "NetA": net_a, "direct_tree": direct_tree, "bare_build": bare_build}
    return [
        Case("dict_get", "d.get('NetA')", ns),
        Case("dict_subscript", "d['NetA']", ns),
        Case("direct_call", "NetA(depth=50)", ns),
        Case("direct_tree", "direct_tree()", ns),
        Case("bare_build", "bare_build(dict(type='NetA', depth=50))", ns),
    ]


def library_cases(
    prefix: str,
    root: Any,
    det: Any,
    cls: Any,
    models_child: Any,
    default_scope: Callable[[], Any],
) -> tuple[list[Case], dict[str, str]]:
    """The cases for one library, given its tree (``root`` > ``det``, ``cls``).

    Also returns notes on rows that could not be measured, by row key.
    """
    net_a, container = define_classes()
    det.register_module(module=net_a)
    det.register_module(module=container)
    container.build_child = staticmethod(det.build)
    models_child.register_module(module=net_a)

    # Check that every case does what it says before timing it.
    assert det.get("NetA") is net_a
    assert cls.get("det.NetA") is net_a
    assert type(det.build(dict(type="NetA", depth=50))) is net_a
    with default_scope():
        assert type(det.build(dict(type="NetA", depth=50))) is net_a
    tree = det.build(TREE_CFG)
    assert count_objects(tree) == TREE_SIZE, count_objects(tree)

    ns = {
        "det": det,
        "cls": cls,
        "child": models_child,
        "cfg": dict(type="NetA", depth=50),
        "TREE_CFG": TREE_CFG,
    }
    cases = [
        Case(f"{prefix}_get", "det.get('NetA')", ns),
        Case(f"{prefix}_scoped_get", "cls.get('det.NetA')", ns),
        Case(f"{prefix}_build", "det.build(dict(type='NetA', depth=50))", ns),
        Case(f"{prefix}_build_prebuilt", "det.build(cfg)", ns),
        Case(f"{prefix}_build_default_scope", "det.build(cfg)", ns, context=default_scope),
        Case(f"{prefix}_tree", "det.build(TREE_CFG)", ns),
    ]
    notes: dict[str, str] = {}
    try:
        built = models_child.build(dict(type="NetA", depth=50))
    except ImportError as exc:  # MMEngine's MODELS builder imports torch even for a dict
        notes["build_models_child"] = f"fails: {exc}"
    else:
        assert type(built) is net_a
        cases.append(Case(f"{prefix}_build_models_child", "child.build(cfg)", ns))
    return cases, notes


def registry_core_cases() -> tuple[list[Case], dict[str, str], str]:
    import registry_core
    from registry_core import Registry

    root: Any = Registry("model", scope="bench")
    det: Any = Registry("model", parent=root, scope="det")
    cls: Any = Registry("model", parent=root, scope="cls")
    models_child: Any = Registry("model", parent=registry_core.MODELS, scope="benchdet")
    cases, notes = library_cases(
        "rc", root, det, cls, models_child, lambda: registry_core.default_scope("det")
    )
    return cases, notes, str(getattr(registry_core, "__version__", "?"))


def mmengine_cases() -> tuple[list[Case], dict[str, str], str]:
    """MMEngine's cases, or raise ``ImportError`` when it cannot be imported."""
    import mmengine
    from mmengine.registry import MODELS, DefaultScope, Registry

    # Importable ``<scope>.registry`` modules, as a real MMEngine codebase has (see the docstring).
    for name in ("det", "cls"):
        for mod in (name, f"{name}.registry"):
            if mod not in sys.modules:
                sys.modules[mod] = types.ModuleType(mod)

    root = Registry("model", scope="bench")
    det = Registry("model", parent=root, scope="det")
    cls = Registry("model", parent=root, scope="cls")
    models_child = Registry("model", parent=MODELS, scope="benchdet")
    cases, notes = library_cases(
        "mm", root, det, cls, models_child, lambda: DefaultScope.overwrite_default_scope("det")
    )
    return cases, notes, str(mmengine.__version__)


# --- reporting ----------------------------------------------------------------------------------

# (label, library case, anchor case, target or None)
ROWS: list[tuple[str, str, str, float | None]] = [
    ("`get('NetA')` / `d.get('NetA')`", "get", "dict_get", 5.0),
    ("`get('det.NetA')` from sibling `cls` / `d.get('NetA')`", "scoped_get", "dict_get", 10.0),
    ("`build(dict(type='NetA', depth=50))` / `NetA(depth=50)`", "build", "direct_call", 2.5),
    ("56-object tree via `build` / built directly", "tree", "direct_tree", 3.5),
    ("`get('NetA')` / `d['NetA']`", "get", "dict_subscript", None),
    ("`build(cfg)`, cfg prebuilt / `NetA(depth=50)`", "build_prebuilt", "direct_call", None),
    (
        "`build(cfg)` under default scope `det` / `NetA(depth=50)`",
        "build_default_scope",
        "direct_call",
        None,
    ),
    (
        "`build(cfg)` on a child of the library's `MODELS` root / `NetA(depth=50)`",
        "build_models_child",
        "direct_call",
        None,
    ),
]


def run_interleaved(cases: list[Case], samples: int) -> None:
    """Calibrate every case, then take ``samples`` samples of each, in a new
    random order every round, so that machine noise hits them alike."""
    for case in cases:
        case.calibrate()
    rng = random.Random(SEED)
    for _ in range(samples):
        order = cases[:]
        rng.shuffle(order)
        for case in order:
            case.sample()


def fmt_ratio(ratio: float) -> str:
    return f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.1f}x"


def fmt_ns(ns: float) -> str:
    return f"{ns / 1000:.2f} µs" if ns >= 10_000 else f"{ns:.0f} ns"


def build_report(by_key: dict[str, Case], libraries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Collect rows and raw samples; ``libraries`` maps ``rc``/``mm`` to status and notes."""
    rows = []
    for label, lib_key, anchor_key, target in ROWS:
        anchor = by_key[anchor_key].median
        row: dict[str, Any] = {"case": label, "anchor": anchor_key, "anchor_ns": anchor}
        for prefix, lib in libraries.items():
            case = by_key.get(f"{prefix}_{lib_key}")
            row[prefix] = {
                "ns": None if case is None else case.median,
                "ratio": None if case is None else case.median / anchor,
                "note": lib["notes"].get(lib_key) or (None if case else lib["status"]),
            }
        ratio = row["rc"]["ratio"]
        row["target"] = target
        row["pass"] = None if target is None or ratio is None else ratio <= target
        rows.append(row)
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "registry_core": libraries["rc"]["status"],
        "mmengine": libraries["mm"]["status"],
        "samples": SAMPLES,
        "rows": rows,
        "build_floor": by_key["bare_build"].median / by_key["direct_call"].median,
        "cases": {key: case.to_json() for key, case in by_key.items()},
    }


def noisy_cases(report: dict[str, Any]) -> list[str]:
    """The cases whose interquartile range exceeds ``NOISE`` of their median."""
    return [
        key
        for key, case in report["cases"].items()
        if case["quartiles_ns"][1] - case["quartiles_ns"][0] > NOISE * case["median_ns"]
    ]


def noise_line(report: dict[str, Any]) -> str | None:
    noisy = noisy_cases(report)
    if not noisy:
        return None
    return (
        f"Noisy (interquartile range over {NOISE:.0%} of the median; rerun on a quiet "
        f"machine): {', '.join(noisy)}"
    )


def _cells(cell: dict[str, Any]) -> tuple[str, str]:
    if cell["ns"] is None:
        return cell["note"] or "n/a", ""
    return fmt_ns(cell["ns"]), fmt_ratio(cell["ratio"])


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Python {report['python']} ({report['implementation']}, {report['machine']}), "
        f"registry_core {report['registry_core']}, MMEngine {report['mmengine']}; "
        f"median per-call time over {report['samples']} interleaved samples.",
        "",
        "| case (library / anchor) | anchor | registry_core | ratio | target | MMEngine | ratio |",
        "|---|--:|--:|--:|:-:|--:|--:|",
    ]
    for row in report["rows"]:
        target = ""
        if row["target"] is not None:
            verdict = {True: "PASS", False: "FAIL", None: "n/a"}[row["pass"]]
            target = f"≤ {row['target']:g}x {verdict}"
        rc_ns, rc_ratio = _cells(row["rc"])
        mm_ns, mm_ratio = _cells(row["mm"])
        lines.append(
            f"| {row['case']} | {fmt_ns(row['anchor_ns'])} | {rc_ns} | {rc_ratio} | {target} "
            f"| {mm_ns} | {mm_ratio} |"
        )
    lines += ["", floor_line(report)]
    noise = noise_line(report)
    if noise:
        lines += ["", noise]
    return "\n".join(lines)


def floor_line(report: dict[str, Any]) -> str:
    """What the build target is measured against: the cheapest build in Python."""
    return (
        f"Floor of `build`: a bare Python function that only copies the config, pops `type` "
        f"and calls (`bare_build(dict(type='NetA', depth=50))`) is "
        f"{fmt_ratio(report['build_floor'])} the direct call in this run."
    )


def plain(report: dict[str, Any]) -> str:
    lines = [
        f"Python {report['python']} ({report['implementation']}, {report['machine']}); "
        f"registry_core {report['registry_core']}; MMEngine: {report['mmengine']}",
        f"median per-call time over {report['samples']} interleaved samples "
        "[quartiles in brackets], calls per sample, statement:",
        "",
    ]
    width = max(len(key) for key in report["cases"])
    for key, case in report["cases"].items():
        q1, q3 = case["quartiles_ns"]
        lines.append(
            f"  {key:<{width}}  {fmt_ns(case['median_ns']):>10}  "
            f"[{fmt_ns(q1)} - {fmt_ns(q3)}]  x{case['number']}  {case['stmt']}"
        )
    lines += ["", "ratios (library / anchor):"]
    for row in report["rows"]:
        rc_ns, rc_ratio = _cells(row["rc"])
        mm_ns, mm_ratio = _cells(row["mm"])
        verdict = ""
        if row["target"] is not None:
            verdict = {True: "PASS", False: "FAIL", None: "n/a"}[row["pass"]]
            verdict = f"  target <= {row['target']:g}x: {verdict}"
        lines.append(
            f"  registry_core {rc_ratio or rc_ns:>6}  MMEngine {mm_ratio or mm_ns:>6}  "
            f"{row['case']}{verdict}"
        )
    lines += ["", floor_line(report)]
    noise = noise_line(report)
    if noise:
        lines += ["", noise]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    global SAMPLES
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json", metavar="OUT", help="also write the full results to OUT")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--samples", type=int, default=SAMPLES, help="samples per case (15)")
    args = parser.parse_args(argv)
    SAMPLES = max(3, args.samples)

    cases = anchor_cases()
    rc_cases, rc_notes, rc_version = registry_core_cases()
    cases += rc_cases
    libraries = {"rc": {"status": rc_version, "notes": rc_notes}}
    try:
        mm_cases, mm_notes, mm_version = mmengine_cases()
    except ModuleNotFoundError as exc:
        status = "not installed" if exc.name == "mmengine" else f"import failed: {exc}"
        libraries["mm"] = {"status": status, "notes": {}}
    except Exception as exc:  # report it and measure registry_core all the same
        libraries["mm"] = {"status": f"failed: {exc!r}", "notes": {}}
    else:
        cases += mm_cases
        libraries["mm"] = {"status": mm_version, "notes": mm_notes}

    run_interleaved(cases, SAMPLES)
    report = build_report({case.key: case for case in cases}, libraries)
    emit(report, markdown, plain, as_markdown=args.markdown, json_path=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
