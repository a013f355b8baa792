"""Load every ``.py`` config of a folder with MMEngine; run in the environment MMEngine is in.

``python mmengine_pure_python_load.py FOLDER OUT.pickle`` writes ``{relative
path: result}`` where result is ``("error", message)`` or ``("ok", value,
imports, dropped)``: ``value`` is ``Config.fromfile(path).to_dict()`` less its
top-level values that are not data (modules, functions, classes: their keys
are ``dropped``), and ``imports`` the paths (tuples of keys and indices) where
``to_dict`` turned an imported name (a lazy object) into its string. Also
``__seconds__``: the time of the loads.

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


def lazy_paths(value: object, lazy: tuple[type, ...], path: tuple[object, ...] = ()) -> list:
    """Where in ``value`` (a lazy dict of MMEngine) the lazy objects are."""
    found: list = []
    if isinstance(value, lazy):
        found.append(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            found.extend(lazy_paths(item, lazy, (*path, key)))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found.extend(lazy_paths(item, lazy, (*path, index)))
    return found


def main(root: str, out: str) -> None:
    from mmengine.config import Config
    from mmengine.config.lazy import LazyAttr, LazyObject

    warnings.simplefilter("ignore")
    paths = sorted(
        os.path.join(folder, name)
        for folder, _, names in os.walk(root)
        for name in names
        if name.endswith(".py")
    )
    results: dict[str, object] = {}
    seconds = 0.0
    for path in paths:
        relative = os.path.relpath(path, root)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                start = time.perf_counter()
                cfg = Config.fromfile(path)
                value = cfg.to_dict()
                seconds += time.perf_counter() - start
                lazy = cfg._to_lazy_dict()
        except Exception as exc:
            results[relative] = ("error", f"{type(exc).__name__}: {exc}")
            continue
        dropped = []
        for key in list(value):
            try:
                pickle.dumps(value[key])
            except Exception:
                dropped.append(key)
                del value[key]
                lazy.pop(key, None)
        imports = lazy_paths(lazy, (LazyObject, LazyAttr))
        results[relative] = ("ok", value, imports, dropped)
    results["__seconds__"] = seconds
    with open(out, "wb") as f:
        pickle.dump(results, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
