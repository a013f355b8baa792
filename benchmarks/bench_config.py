"""Loading MMDetection's configs: ``load_config`` against MMEngine's ``Config.fromfile``.

Run it as ``python benchmarks/bench_config.py [--rounds N] [--pure-rounds N] [--json OUT]
[--markdown]``.

It uses what the conformance test uses (``conformance/mmdet_env.py``): the
configs of the MMDetection 3.3.0 wheel and a virtual environment with
``mmengine-lite`` 0.10.7, downloaded once into a cache folder.

Three cases, each run in fresh processes, rounds interleaved in a new random
order, medians reported:

- **all configs**: one process loads every config of the wheel once, in
  sorted order, and sums the time of the loads (MMEngine in its environment,
  ``registry_core`` in this one). MMEngine's process runs first in a round and
  says which configs it loaded; ``registry_core`` loads the same ones. A
  third process loads them with ``registry_core`` while forgetting every
  cached base before each load, to show what reusing base files brings.
  Target: ``load_config`` total at most 0.1x MMEngine's.
- **one config, end to end**: the wall time of a fresh process that loads
  ``faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py`` (four bases):
  ``python -m registry_core validate CONFIG`` (when this tree has the command),
  ``python -c "import registry_core; registry_core.load_config(PATH)"``, and
  MMEngine's ``python -c "from mmengine.config import Config; Config.fromfile(PATH)"``.
  Target: ``validate`` at most 0.2x MMEngine's.
- **pure-Python configs**: as *all configs*, on every ``.py`` file of the
  corpora in ``../shared/corpora`` (MMEngine's ``read_base`` configs, such as
  MMPretrain's). Target: ``load_config`` total at most 0.1x MMEngine's. The
  same loads are also timed by CPU time (``time.process_time``), which a
  machine busy with other work disturbs less. Its rounds are ``--pure-rounds``
  (15 by default: they are short, and their times swing more).

Every child runs as ``python -S`` with ``PYTHONPATH`` naming its
``site-packages`` (and, for ``registry_core``, this checkout), with no other
``PYTHON*`` variable set: so both sides write and use bytecode caches, and
neither pays for ``site`` processing (for this checkout, the import hook of its
editable install, which a regular install does not have).

The script exits 0 whether or not the targets are met, non-zero if a case fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import emit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conformance"))
import mmdet_env  # lives in conformance/, shared with the conformance test

ROUNDS = 5
PROCESS_ROUNDS = 15
#: Rounds of the pure-Python case: a round takes about a second (the MMDetection case's a
#: minute), and ``load_config``'s 30 ms of loads swing more from round to round than
#: MMEngine's 300 ms, so its median needs more of them.
PURE_ROUNDS = 15
SEED = 20261201
ALL_TARGET = 0.1
ONE_TARGET = 0.2
ONE_CONFIG = "faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py"

#: Loads each config of argv[1] (a JSON list) with MMEngine; prints the ones it loaded into
#: data (not the three scripts that define functions) and the time of those loads.
MMENGINE_ALL = """
import contextlib, io, json, pickle, sys, time, warnings
warnings.simplefilter('ignore')
from mmengine.config import Config
loaded, total, cpu = [], 0.0, 0.0
for path in json.load(open(sys.argv[1])):
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            start, start_cpu = time.perf_counter(), time.process_time()
            value = Config.fromfile(path).to_dict()
            took, took_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        pickle.dumps(value)
    except Exception:
        continue
    total += took
    cpu += took_cpu
    loaded.append(path)
print(json.dumps({'seconds': total, 'cpu': cpu, 'loaded': loaded}))
"""

#: Loads each config of argv[1] with load_config; with argv[2] == 'cold', forgets cached bases.
OURS_ALL = """
import json, sys, time
import registry_core
# the loader's modules imported before the timing, as MMEngine's Config is
from registry_core.config import _cache, _inherit, _python
try:
    from registry_core.config import _pure_python, _pure_python_eval, _pure_python_sources
except ImportError:  # a tree from before pure-Python configs
    _pure_python = _cache
cold = sys.argv[2] == 'cold'
paths = json.load(open(sys.argv[1]))
load_config = registry_core.load_config  # (its lazy attribute resolved before the timing too)
total = cpu = 0.0
for path in paths:
    if cold:
        _cache.clear()
        _pure_python.clear()
    start, start_cpu = time.perf_counter(), time.process_time()
    load_config(path)
    total += time.perf_counter() - start
    cpu += time.process_time() - start_cpu
print(json.dumps({'seconds': total, 'cpu': cpu, 'loaded': len(paths)}))
"""


REPO = Path(__file__).resolve().parent.parent


class Interpreter:
    """A Python to run children with: ``python -S`` and its ``site-packages`` on ``PYTHONPATH``."""

    def __init__(self, python: str, *extra_path: str) -> None:
        self.python = python
        purelib = subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "REGISTRY_CORE_"))
        }
        self.env["PYTHONPATH"] = os.pathsep.join([*extra_path, purelib])

    def command(self, *args: str) -> list[str]:
        return [self.python, "-S", *args]


def run_json(interpreter: Interpreter, *args: str) -> dict[str, Any]:
    command = interpreter.command(*args)
    out = subprocess.run(command, capture_output=True, text=True, timeout=3600, env=interpreter.env)
    if out.returncode:
        raise RuntimeError(f"{command[:3]} failed:\n{out.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def bench_all(
    env: mmdet_env.Environment, ours: Interpreter, theirs: Interpreter, rounds: int, work: Path
) -> dict[str, Any]:
    return bench_files(env.config_files(), ours, theirs, rounds, work)


def pure_python_corpora() -> list[Path]:
    """The folders of ``../shared/corpora`` (pure-Python configs), as the conformance finds them."""
    folder = REPO.parent / "shared" / "corpora"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and any(p.rglob("*.py")))


def bench_pure_python(
    ours: Interpreter, theirs: Interpreter, rounds: int, work: Path
) -> dict[str, Any] | None:
    files = sorted(p for corpus in pure_python_corpora() for p in corpus.rglob("*.py"))
    return bench_files(files, ours, theirs, rounds, work) if files else None


def bench_files(
    files: list[Path], ours: Interpreter, theirs: Interpreter, rounds: int, work: Path
) -> dict[str, Any]:
    every = work / "every.json"
    every.write_text(json.dumps([str(p) for p in files]))
    same = work / "loaded.json"
    names = ("mmengine", "ours", "ours_cold")
    samples: dict[str, list[float]] = {k: [] for k in (*names, *(f"{n}_cpu" for n in names))}
    loaded = 0
    for _ in range(rounds):
        mine = run_json(theirs, "-c", MMENGINE_ALL, str(every))
        samples["mmengine"].append(mine["seconds"])
        samples["mmengine_cpu"].append(mine.get("cpu", float("nan")))
        same.write_text(json.dumps(mine["loaded"]))
        loaded = len(mine["loaded"])
        order = ["warm", "cold"]
        random.shuffle(order)
        for mode in order:
            result = run_json(ours, "-c", OURS_ALL, str(same), mode)
            name = "ours" if mode == "warm" else "ours_cold"
            samples[name].append(result["seconds"])
            samples[f"{name}_cpu"].append(result.get("cpu", float("nan")))
    medians = {k: statistics.median(v) for k, v in samples.items()}
    return {
        "configs": loaded,
        "files": len(files),
        "rounds": rounds,
        "samples": samples,
        "median": medians,
        "ratio": medians["ours"] / medians["mmengine"],
        "ratio_cold": medians["ours_cold"] / medians["mmengine"],
        # the same loads timed by CPU time: steadier on a machine others use too
        "ratio_cpu": medians["ours_cpu"] / medians["mmengine_cpu"],
        "ratio_cold_cpu": medians["ours_cold_cpu"] / medians["mmengine_cpu"],
    }


def validate_available(ours: Interpreter) -> bool:
    command = ours.command("-m", "registry_core", "validate", "--help")
    out = subprocess.run(command, capture_output=True, text=True, env=ours.env)
    return out.returncode == 0


def wall(interpreter: Interpreter, args: list[str]) -> float:
    command = interpreter.command(*args)
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, env=interpreter.env)
    elapsed = time.perf_counter() - start
    if out.returncode not in (0, 1):  # validate exits 1 when it finds problems
        raise RuntimeError(f"{command[:4]} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return elapsed


def bench_one(
    env: mmdet_env.Environment, ours: Interpreter, theirs: Interpreter, rounds: int
) -> dict[str, Any]:
    path = str(env.configs / ONE_CONFIG)
    load = f"import registry_core; registry_core.load_config({path!r})"
    cases: dict[str, tuple[Interpreter, list[str]]] = {
        "load_config": (ours, ["-c", load]),
        "mmengine": (theirs, ["-c", f"from mmengine.config import Config; Config.fromfile({path!r})"]),  # noqa: E501
        "python": (ours, ["-c", "pass"]),
        "mmengine_python": (theirs, ["-c", "pass"]),
    }  # fmt: skip
    has_validate = validate_available(ours)
    if has_validate:
        cases["validate"] = (ours, ["-m", "registry_core", "validate", path])
    for interpreter, args in cases.values():  # warm-up: bytecode caches
        wall(interpreter, args)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        names = list(cases)
        random.shuffle(names)
        for name in names:
            samples[name].append(wall(*cases[name]))
    medians = {k: statistics.median(v) for k, v in samples.items()}
    result: dict[str, Any] = {
        "config": ONE_CONFIG,
        "validate_available": has_validate,
        "samples": samples,
        "median": medians,
        "ratio_load_config": medians["load_config"] / medians["mmengine"],
    }
    if has_validate:
        result["ratio_validate"] = medians["validate"] / medians["mmengine"]
    return result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _verdict(ratio: float, target: float) -> str:
    return f"≤ {target}x {'PASS' if ratio <= target else 'FAIL'}"


def markdown(report: dict[str, Any]) -> str:
    a, b = report["all"], report["one"]
    lines = [
        f"Python {report['python']}, MMEngine {mmdet_env.MMENGINE}, MMDetection {mmdet_env.MMDET}; "
        f"medians over {report['rounds']} rounds (all configs) and {report['process_rounds']} "
        "rounds (one config).",
        "",
        f"All configs: {a['configs']} of the wheel's {a['files']} files, each loaded once in one "
        "process (sum of the loads):",
        "",
        "| loader | total | per config | ratio to MMEngine | target |",
        "|---|--:|--:|--:|:-:|",
        f"| MMEngine `Config.fromfile(...).to_dict()` | {_ms(a['median']['mmengine'])} | "
        f"{_ms(a['median']['mmengine'] / a['configs'])} | 1 | |",
        f"| `load_config` | {_ms(a['median']['ours'])} | "
        f"{_ms(a['median']['ours'] / a['configs'])} | "
        f"{a['ratio']:.3f}x | {_verdict(a['ratio'], ALL_TARGET)} |",
        "| `load_config`, cached bases forgotten before each load | "
        f"{_ms(a['median']['ours_cold'])} | "
        f"{_ms(a['median']['ours_cold'] / a['configs'])} | {a['ratio_cold']:.3f}x | |",
        "",
        f"One config end to end (`{b['config']}`), wall time of a fresh process:",
        "",
        "| command | time | ratio to MMEngine | target |",
        "|---|--:|--:|:-:|",
    ]  # fmt: skip
    m = b["median"]
    if b["validate_available"]:
        lines.append(
            f"| `python -m registry_core validate CONFIG` | {_ms(m['validate'])} | "
            f"{b['ratio_validate']:.3f}x | {_verdict(b['ratio_validate'], ONE_TARGET)} |"
        )
    else:
        lines.append(
            "| `python -m registry_core validate CONFIG` | validate command not available | | |"
        )
    lines += [
        f"| `python -c \"import registry_core; registry_core.load_config(PATH)\"` | "
        f"{_ms(m['load_config'])} | {b['ratio_load_config']:.3f}x | |",
        f"| MMEngine `python -c \"...; Config.fromfile(PATH)\"` | {_ms(m['mmengine'])} | 1 | |",
        f"| `python -S -c pass` (this interpreter / MMEngine's) | {_ms(m['python'])} / "
        f"{_ms(m['mmengine_python'])} | | |",
    ]  # fmt: skip
    lines += _pure_python_markdown(report.get("pure_python"))
    return "\n".join(lines)


def _pure_python_markdown(p: dict[str, Any] | None) -> list[str]:
    if p is None:
        return ["", "Pure-Python configs: no corpus found (../shared/corpora)."]
    return [
        "",
        f"Pure-Python configs (`../shared/corpora`): {p['configs']} of {p['files']} files, "
        f"each loaded once in one process (sum of the loads), medians over {p['rounds']} rounds:",
        "",
        "| loader | total | per config | ratio to MMEngine | target |",
        "|---|--:|--:|--:|:-:|",
        f"| MMEngine `Config.fromfile(...).to_dict()` | {_ms(p['median']['mmengine'])} | "
        f"{_ms(p['median']['mmengine'] / p['configs'])} | 1 | |",
        f"| `load_config`, bases loaded by earlier calls reused (the loader's memo) | "
        f"{_ms(p['median']['ours'])} | {_ms(p['median']['ours'] / p['configs'])} | "
        f"{p['ratio']:.3f}x | {_verdict(p['ratio'], ALL_TARGET)} |",
        "| `load_config`, loaded bases forgotten before each load (each call on its own, "
        f"as MMEngine's) | {_ms(p['median']['ours_cold'])} | "
        f"{_ms(p['median']['ours_cold'] / p['configs'])} | {p['ratio_cold']:.3f}x | |",
        "",
        f"The same loads by CPU time (`time.process_time`): MMEngine "
        f"{_ms(p['median']['mmengine_cpu'])}, `load_config` {_ms(p['median']['ours_cpu'])} "
        f"({p['ratio_cpu']:.3f}x), bases forgotten {_ms(p['median']['ours_cold_cpu'])} "
        f"({p['ratio_cold_cpu']:.3f}x).",
    ]  # fmt: skip


def plain(report: dict[str, Any]) -> str:
    a, b = report["all"], report["one"]
    validate = (
        f"validate {_ms(b['median']['validate'])} ({b['ratio_validate']:.3f}x, target <= "
        f"{ONE_TARGET}x)"
        if b["validate_available"]
        else "validate command not available"
    )
    return "\n".join(
        [
            f"all {a['configs']} configs: MMEngine {_ms(a['median']['mmengine'])}, load_config "
            f"{_ms(a['median']['ours'])} ({a['ratio']:.3f}x, target <= {ALL_TARGET}x), without "
            f"reuse {_ms(a['median']['ours_cold'])} ({a['ratio_cold']:.3f}x)",
            f"one config, fresh process: MMEngine {_ms(b['median']['mmengine'])}, load_config "
            f"{_ms(b['median']['load_config'])} ({b['ratio_load_config']:.3f}x); {validate}",
            _pure_python_plain(report.get("pure_python")),
        ]
    )


def _pure_python_plain(p: dict[str, Any] | None) -> str:
    if p is None:
        return "pure-Python configs: no corpus found"
    return (
        f"pure-Python configs, {p['configs']} loaded: MMEngine {_ms(p['median']['mmengine'])}, "
        f"load_config {_ms(p['median']['ours'])} ({p['ratio']:.3f}x, target <= {ALL_TARGET}x), "
        f"without reuse {_ms(p['median']['ours_cold'])} ({p['ratio_cold']:.3f}x); by CPU time "
        f"{p['ratio_cpu']:.3f}x, without reuse {p['ratio_cold_cpu']:.3f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json", metavar="OUT", help="also write the full results to OUT")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"all-config rounds ({ROUNDS})")
    parser.add_argument(
        "--process-rounds",
        type=int,
        default=PROCESS_ROUNDS,
        help=f"one-config rounds ({PROCESS_ROUNDS})",
    )
    parser.add_argument(
        "--pure-rounds",
        type=int,
        default=PURE_ROUNDS,
        help=f"pure-Python config rounds ({PURE_ROUNDS})",
    )
    args = parser.parse_args(argv)
    random.seed(SEED)
    try:
        env = mmdet_env.prepare()
    except mmdet_env.IndexUnreachableError as exc:
        print(f"cannot run: {exc}", file=sys.stderr)
        return 2
    import tempfile

    ours = Interpreter(sys.executable, str(REPO))
    theirs = Interpreter(str(env.python))
    with tempfile.TemporaryDirectory() as work:
        report = {
            "python": platform.python_version(),
            "rounds": args.rounds,
            "process_rounds": args.process_rounds,
            "pure_rounds": args.pure_rounds,
            "all": bench_all(env, ours, theirs, args.rounds, Path(work)),
            "one": bench_one(env, ours, theirs, args.process_rounds),
            "pure_python": bench_pure_python(ours, theirs, args.pure_rounds, Path(work)),
        }
    emit(report, markdown, plain, as_markdown=args.markdown, json_path=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
