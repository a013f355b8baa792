"""``validate`` of whole real configs: the time per MMPretrain 1.2.0 config, classes imported.

Run it as ``python benchmarks/bench_validate_real.py [--rounds N]``. It runs itself in the
OpenMMLab environment of ``conformance/openmmlab`` (real MMEngine, MMCV and MMPretrain
1.2.0; made on first use). In one process it loads every official config that loads
safely, imports MMPretrain's classes once (a first validate of each config, not timed),
then validates each config whose types MMEngine's registries hold as a whole config,
``--rounds`` times, and reports the median time per config over the corpus against the
target of issue 19 (at most 10 ms). It exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_MS = 10.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over the corpus")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parent / "conformance" / "openmmlab"))
    if os.environ.get("REGISTRY_CORE_OPENMMLAB_STEP") != "1":
        import env

        python = env.prepare()
        variables = dict(os.environ, REGISTRY_CORE_OPENMMLAB_STEP="1")
        return subprocess.run(
            [str(python), __file__, *argv], env=variables, cwd=HERE.parent
        ).returncode
    import corpus

    held = [cfg for _, cfg in corpus.configs() if corpus.held_by_mmengine(cfg)]
    for cfg in held:  # imports the classes and fills the caches, as a second run finds them
        corpus.validate_whole(cfg)
    per_config: list[float] = []
    for _ in range(args.rounds):
        for cfg in held:
            started = time.perf_counter()
            corpus.validate_whole(cfg)
            per_config.append((time.perf_counter() - started) * 1000)
    median = statistics.median(per_config)
    verdict = "PASS" if median <= TARGET_MS else "FAIL"
    print(
        f"validate of a whole MMPretrain config, classes imported: median {median:.2f} ms "
        f"over {len(held)} configs x {args.rounds} rounds (target <= {TARGET_MS:g} ms: "
        f"{verdict}); quartiles {statistics.quantiles(per_config, n=4)[0]:.2f}-"
        f"{statistics.quantiles(per_config, n=4)[2]:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
