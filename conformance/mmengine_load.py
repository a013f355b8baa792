"""Load every config of a folder with MMEngine, twice; run in the environment MMEngine is in.

``python mmengine_load.py CONFIGS OUT.pickle`` writes ``{relative path: (status,
value)}`` where status is ``ok`` (value: ``Config.fromfile(path).to_dict()``,
the same both times), ``unstable`` (the two loads differ), ``non-data`` (the
result holds objects that do not pickle, such as functions), ``error`` (value:
the message), or ``ok-without-custom-imports`` (loaded only with
``import_custom_modules=False``: the file's ``custom_imports`` name modules
that are not installed). Also ``__seconds__``: the time of the first loads.

It imports MMEngine only when run, so that pytest may collect this file.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import sys
import time
import warnings


def same(a: object, b: object) -> bool:
    """Equal, with the same types all the way down (tuples and lists told apart)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)  # type: ignore[attr-defined]
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return bool(a == b)


def main(root: str, out: str) -> None:
    from mmengine.config import Config

    warnings.simplefilter("ignore")
    paths = sorted(
        os.path.join(folder, name)
        for folder, _, names in os.walk(root)
        for name in names
        if name.endswith((".py", ".json", ".yaml", ".yml"))
    )
    results: dict[str, object] = {}
    seconds = 0.0
    for path in paths:
        relative = os.path.relpath(path, root)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                start = time.perf_counter()
                first = Config.fromfile(path).to_dict()
                seconds += time.perf_counter() - start
                second = Config.fromfile(path).to_dict()
        except ImportError as exc:
            if "custom modules" not in str(exc):
                results[relative] = ("error", f"{type(exc).__name__}: {exc}")
                continue
            with contextlib.redirect_stdout(io.StringIO()):
                first = Config.fromfile(path, import_custom_modules=False).to_dict()
                second = Config.fromfile(path, import_custom_modules=False).to_dict()
            status = "ok-without-custom-imports"
        except Exception as exc:
            results[relative] = ("error", f"{type(exc).__name__}: {exc}")
            continue
        else:
            status = "ok"
        try:
            pickle.dumps(first)
        except Exception as exc:
            results[relative] = ("non-data", f"{type(exc).__name__}: {exc}")
            continue
        results[relative] = (status, first) if same(first, second) else ("unstable", None)
    results["__seconds__"] = seconds
    with open(out, "wb") as f:
        pickle.dump(results, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
