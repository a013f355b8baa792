"""One rank of the ``torchrun`` scenarios in ``tests/test_distributed.py``.

Run as ``torchrun --nproc-per-node N check_plugins.py``. Environment:

- ``RC_TEST_SITES``: site folders separated by ``os.pathsep``; the rank with
  local rank ``i`` puts folder ``i`` (the last one when there are fewer) first
  on ``sys.path`` before discovery runs, so ranks can see different plugins.
- ``RC_TEST_OUT``: a folder; each rank writes ``rank{RANK}.json`` there with
  what it discovered, the fingerprint or the error, and the module of the
  object it built from ``{'type': 'distdet.NetA'}``.
- ``RC_TEST_SUBGROUP``: when set, every rank calls the check with a group
  holding rank 0 alone, and reports the fingerprint or the error.

A plugin mismatch is re-raised after the report is written, so the rank exits
non-zero and ``torchrun`` fails, as a real training script would.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    local_rank = int(os.environ["LOCAL_RANK"])
    sites = os.environ["RC_TEST_SITES"].split(os.pathsep)
    sys.path.insert(0, sites[min(local_rank, len(sites) - 1)])

    import torch.distributed as dist

    import registry_core
    from registry_core.distributed import (
        PluginMismatchError,
        check_plugins_consistent,
        plugin_set,
    )

    dist.init_process_group("gloo")
    rank = dist.get_rank()
    report: dict[str, object] = {"rank": rank, "plugins": plugin_set()}
    if os.environ.get("RC_TEST_SUBGROUP"):  # a group of rank 0 alone; every rank asks
        sub = dist.new_group([0])
        try:
            report["fingerprint"] = check_plugins_consistent(sub)
        except ValueError as error:
            report["error"] = str(error)
        with open(os.path.join(os.environ["RC_TEST_OUT"], f"rank{rank}.json"), "w") as file:
            json.dump(report, file)
        dist.destroy_process_group()
        return
    try:
        report["fingerprint"] = check_plugins_consistent()
        net = registry_core.MODELS.build({"type": "distdet.NetA"})
        report["built"] = net.VERSION
    except PluginMismatchError as error:
        report["error"] = str(error)
        report["mismatches"] = {str(r): d for r, d in error.mismatches.items()}
        raise
    finally:
        with open(os.path.join(os.environ["RC_TEST_OUT"], f"rank{rank}.json"), "w") as file:
            json.dump(report, file)
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
