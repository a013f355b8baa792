"""The cost of ``validate`` next to building the same config.

Run it as ``python benchmarks/bench_validate.py [--json OUT] [--markdown]``.

Every case is timed in this one process and run, as in ``bench_registry.py`` (whose timing
machinery this script reuses): a sample times ``number`` calls with ``timeit``, every sample
runs all the cases in a fresh random order, and a case's figure is the median over the
samples.

The tree is ``bench_registry.py``'s 56-object one: a root ``bench`` with a child ``det``
holding ``NetA(depth: int = 50)`` and ``Container(children: list)``, whose constructor builds
each child config with ``det.build``; the config is 1 container of 5 containers of 10
``NetA`` each. The cases:

=============================  ==========================================  ================
case                           what                                        target
=============================  ==========================================  ================
``direct_tree``                the 56 objects constructed directly         (anchor)
``build_tree``                 ``det.build(TREE_CFG)``                     (anchor)
``validate_tree``              ``det.validate(TREE_CFG)``                  ≤ 2.5x build
``validate_1000``              ``det.validate(CFG_1000)``: 1,000 nodes     ≤ 5 µs per node
=============================  ==========================================  ================

``CFG_1000`` is 1 container of 9 containers of 110 leaves: ``NetA(depth=...)`` and
``Head(in_channels: int, num_classes: int = 10, hidden: tuple[int, ...] = ())`` alternately,
with every argument given, so that each leaf has its arguments checked against its
annotations.

The script exits 0 whether or not the targets are met.
"""

from __future__ import annotations

import argparse
import platform
import sys
from typing import Any

import bench_registry
from _common import emit
from bench_registry import TREE_CFG, TREE_SIZE, Case, count_objects, define_classes, fmt_ns

SEED = 20240602
TARGET_TREE = 2.5  # validate_tree / build_tree
TARGET_PER_NODE_NS = 5000.0  # validate_1000 / 1000


def count_nodes(cfg: Any) -> int:
    """Count the mappings with a ``type`` in ``cfg``."""
    stack, n = [cfg], 0
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            n += "type" in value
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return n


def config_1000() -> dict[str, Any]:
    leaves = [
        dict(type="NetA", depth=18 + i % 3)
        if i % 2
        else dict(type="Head", in_channels=64, num_classes=10, hidden=[32, 16])
        for i in range(110)
    ]
    return dict(
        type="Container",
        children=[
            dict(type="Container", children=[dict(leaf) for leaf in leaves]) for _ in range(9)
        ],
    )


def cases() -> tuple[list[Case], str]:
    import registry_core
    from registry_core import Registry

    root: Any = Registry("model", scope="bench")
    det: Any = Registry("model", parent=root, scope="det")
    net_a, container = define_classes()

    class Head:
        def __init__(
            self, in_channels: int, num_classes: int = 10, hidden: tuple[int, ...] = ()
        ) -> None:
            self.widths = (in_channels, *hidden, num_classes)

    det.register_module(module=net_a)
    det.register_module(module=container)
    det.register_module(module=Head)
    container.build_child = staticmethod(det.build)
    cfg_1000 = config_1000()

    # Check that every case does what it says before timing it.
    assert count_objects(det.build(TREE_CFG)) == TREE_SIZE
    assert det.validate(TREE_CFG).issues == ()
    assert count_nodes(cfg_1000) == 1000, count_nodes(cfg_1000)
    assert det.validate(cfg_1000).issues == ()
    bad = dict(cfg_1000, children=[*cfg_1000["children"], dict(type="NetA", depth="x")])
    try:
        det.validate(bad)
    except registry_core.ConfigError as exc:
        found = [i.code for i in exc.issues]
    else:
        found = []
    assert found == ["wrong-type"], found

    def direct_tree() -> Any:
        return container([container([net_a(depth=50) for _ in range(10)]) for _ in range(5)])

    assert count_objects(direct_tree()) == TREE_SIZE
    ns = {"det": det, "TREE_CFG": TREE_CFG, "CFG_1000": cfg_1000, "direct_tree": direct_tree}
    return [
        Case("direct_tree", "direct_tree()", ns),
        Case("build_tree", "det.build(TREE_CFG)", ns),
        Case("validate_tree", "det.validate(TREE_CFG)", ns),
        Case("validate_1000", "det.validate(CFG_1000)", ns),
    ], str(getattr(registry_core, "__version__", "?"))


def build_report(by_key: dict[str, Case], version: str) -> dict[str, Any]:
    build = by_key["build_tree"].median
    direct = by_key["direct_tree"].median
    tree = by_key["validate_tree"].median
    per_node = by_key["validate_1000"].median / 1000
    rows = [
        {
            "case": "56-object tree via `build` / built directly",
            "value": build / direct,
            "unit": "x",
            "target": None,
        },
        {
            "case": "56-object tree: `validate` / `build`",
            "value": tree / build,
            "unit": "x",
            "target": TARGET_TREE,
        },
        {
            "case": "56-object tree: `validate` / built directly",
            "value": tree / direct,
            "unit": "x",
            "target": None,
        },
        {
            "case": "1,000-node config: `validate`, per node",
            "value": per_node,
            "unit": "ns",
            "target": TARGET_PER_NODE_NS,
        },
    ]
    for row in rows:
        row["pass"] = None if row["target"] is None else row["value"] <= row["target"]
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "registry_core": version,
        "samples": bench_registry.SAMPLES,
        "rows": rows,
        "cases": {key: case.to_json() for key, case in by_key.items()},
    }


def _value(row: dict[str, Any]) -> str:
    return fmt_ns(row["value"]) if row["unit"] == "ns" else f"{row['value']:.2f}x"


def _target(row: dict[str, Any]) -> str:
    if row["target"] is None:
        return ""
    limit = fmt_ns(row["target"]) if row["unit"] == "ns" else f"{row['target']:g}x"
    return f"≤ {limit} {'PASS' if row['pass'] else 'FAIL'}"


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Python {report['python']} ({report['implementation']}, {report['machine']}), "
        f"registry_core {report['registry_core']}; median per-call time over "
        f"{report['samples']} interleaved samples.",
        "",
        "| case | time |",
        "|---|--:|",
    ]
    for key, case in report["cases"].items():
        lines.append(f"| `{case['stmt']}` ({key}) | {fmt_ns(case['median_ns'])} |")
    lines += ["", "| ratio | value | target |", "|---|--:|:-:|"]
    for row in report["rows"]:
        lines.append(f"| {row['case']} | {_value(row)} | {_target(row)} |")
    noise = bench_registry.noise_line(report)
    if noise:
        lines += ["", noise]
    return "\n".join(lines)


def plain(report: dict[str, Any]) -> str:
    lines = [
        f"Python {report['python']} ({report['implementation']}, {report['machine']}); "
        f"registry_core {report['registry_core']}",
        f"median per-call time over {report['samples']} interleaved samples:",
        "",
    ]
    width = max(len(key) for key in report["cases"])
    for key, case in report["cases"].items():
        q1, q3 = case["quartiles_ns"]
        lines.append(
            f"  {key:<{width}}  {fmt_ns(case['median_ns']):>10}  "
            f"[{fmt_ns(q1)} - {fmt_ns(q3)}]  x{case['number']}  {case['stmt']}"
        )
    lines.append("")
    for row in report["rows"]:
        target = _target(row)
        lines.append(
            f"  {_value(row):>9}  {row['case']}" + (f"  target {target}" if target else "")
        )
    noise = bench_registry.noise_line(report)
    if noise:
        lines += ["", noise]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json", metavar="OUT", help="also write the full results to OUT")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--samples", type=int, default=bench_registry.SAMPLES)
    args = parser.parse_args(argv)
    bench_registry.SAMPLES = max(3, args.samples)

    timed, version = cases()
    bench_registry.run_interleaved(timed, bench_registry.SAMPLES)
    report = build_report({case.key: case for case in timed}, version)
    emit(report, markdown, plain, as_markdown=args.markdown, json_path=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
