"""Planted mistakes in real MMPretrain configs: how many does ``validate`` catch?

Run it as ``python benchmarks/bench_mmpretrain_mutants.py [--configs N] [--json OUT]``.
It runs itself in the OpenMMLab environment of ``conformance/openmmlab`` (real MMEngine,
MMCV and MMPretrain 1.2.0; made on first use) and prints a Markdown table.

The corpus is a fixed sample of the official configs whose model MMEngine builds on CPU.
In each, one mistake at a time is planted in the ``model`` section, of four kinds:

=====================  ==================================================================
kind                   mistake
=====================  ==================================================================
``misspelt-type``      a nested node's ``type`` with two letters swapped
``misspelt-argument``  an argument of a node whose class takes no ``**kwargs``, two
                       letters swapped
``str-for-int``        an ``int`` value given as its ``str``
``missing-required``   an argument the node's class requires, removed
=====================  ==================================================================

A mutant is kept only if MMEngine's own build of the model fails (``MODELS.build`` under
the config's default scope): a mistake the build tolerates is no mistake. Each kept
mutant is then validated as a whole config; it is *caught* when an issue of severity
``error`` is at the mutated path (for a removed argument: the node's path plus the
argument). A nested node's missing argument is a warning by design (SPEC section 10: the
code that builds it may pass it) unless its parent's constructor, or one it hands the config
on to, is seen building it through a registry, so the table also counts warnings at the path.
The last column is whether the whole-config JSON Schema (``config_schema(whole=True)``, as
``check-jsonschema`` uses it) rejects the mutant dumped to JSON: a schema cannot see a nested
node's missing argument (a warning), nor a str where only a docstring or a default says int.

The script exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import copy
import inspect
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SEED = 20261207
#: Models larger than this (ViT-huge, EVA-G, ...) are left out of the sample: building
#: each of their mutants takes tens of seconds on a CPU.
MAX_PARAMETERS = 200_000_000
KINDS = ("misspelt-type", "misspelt-argument", "str-for-int", "missing-required")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=60, help="configs in the sample")
    parser.add_argument("--json", help="write the mutants and verdicts here")
    args = parser.parse_args(argv)
    if os.environ.get("REGISTRY_CORE_OPENMMLAB_STEP") != "1":
        sys.path.insert(0, str(HERE.parent / "conformance" / "openmmlab"))
        import env

        python = env.prepare()
        variables = dict(os.environ, REGISTRY_CORE_OPENMMLAB_STEP="1")
        return subprocess.run(
            [str(python), __file__, *argv], env=variables, cwd=HERE.parent
        ).returncode
    sys.path.insert(0, str(HERE.parent / "conformance" / "openmmlab"))
    rows = run(args.configs)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    report(rows)
    return 0


# -- planting ------------------------------------------------------------------------------


def nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], dict]]:
    """``(path, node)`` for every mapping with a str ``type`` inside ``value``."""
    found = []
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("type"), str):
                found.append((where, item))
            stack.extend(((*where, k), v) for k, v in item.items())
        elif isinstance(item, (list, tuple)):
            stack.extend(((*where, i), v) for i, v in enumerate(item))
    return sorted(found, key=lambda pair: str(pair[0]))


def swap(text: str, rng: random.Random) -> str | None:
    """``text`` with two adjacent different letters swapped, or ``None``."""
    spots = [i for i in range(len(text) - 1) if text[i] != text[i + 1] and text[i].isalpha()]
    if not spots:
        return None
    i = rng.choice(spots)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def target_of(registries: list[Any], type_: str) -> Any:
    for registry in registries:
        try:
            found = registry.get(type_)
        except Exception:
            found = None
        if found is not None:
            return found
    return None


def parameters(target: Any) -> dict[str, inspect.Parameter] | None:
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    return dict(signature.parameters)


def plant(model: dict, kind: str, rng: random.Random, registries: list[Any]) -> Any:
    """``(mutated model, path of the mistake)`` or ``None`` when none of ``kind`` fits."""
    candidates = nodes(model)
    rng.shuffle(candidates)
    for path, node in candidates:
        params = parameters(target_of(registries, node["type"]))
        if params is None:
            continue
        takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
        mutant = copy.deepcopy(model)
        place = at(mutant, path)
        if kind == "misspelt-type" and path:
            new = swap(node["type"], rng)
            if new:
                place["type"] = new
                return mutant, path
        elif kind == "misspelt-argument" and not takes_kwargs:
            keys = [k for k in node if k != "type" and k in params]
            if keys:
                key = rng.choice(sorted(keys))
                new = swap(key, rng)
                if new and new not in params:
                    place[new] = place.pop(key)
                    return mutant, (*path, new)
        elif kind == "str-for-int":
            keys = [k for k, v in node.items() if type(v) is int and k in params]
            if keys:
                key = rng.choice(sorted(keys))
                place[key] = str(place[key])
                return mutant, (*path, key)
        elif kind == "missing-required":
            keys = [
                k
                for k in node
                if k in params
                and params[k].default is inspect.Parameter.empty
                and params[k].kind in (params[k].POSITIONAL_OR_KEYWORD, params[k].KEYWORD_ONLY)
            ]
            if keys:
                key = rng.choice(sorted(keys))
                del place[key]
                return mutant, (*path, key)
    return None


# -- running -------------------------------------------------------------------------------


def mmengine_build(model: dict, scope: str) -> BaseException | int:
    """MMEngine's own build of ``model`` under ``scope``: the exception, or the number of
    parameters of the module built."""
    from mmengine.registry import MODELS, DefaultScope

    try:
        with DefaultScope.overwrite_default_scope(scope):
            built = MODELS.build(copy.deepcopy(model))
    except BaseException as exc:  # any failure of the build counts
        if isinstance(exc, KeyboardInterrupt):
            raise
        return exc
    return sum(p.numel() for p in built.parameters())


def whole_schema_validator() -> Any:
    """A validator of ``config_schema(whole=True)`` (what ``check-jsonschema`` runs)."""
    import jsonschema

    import registry_core

    return jsonschema.Draft202012Validator(registry_core.config_schema(whole=True))


def schema_rejects(validator: Any, cfg: dict[str, Any]) -> bool:
    """Whether the whole-config schema rejects ``cfg`` as ``dump_config`` writes it."""
    import tempfile

    import registry_core

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "config.json")
        registry_core.dump_config(cfg, path)
        with open(path, encoding="utf-8") as file:
            instance = json.load(file)
    return not validator.is_valid(instance)


def run(sample: int) -> list[dict[str, Any]]:
    import corpus
    import torch
    from mmengine.registry import DefaultScope

    from registry_core._paths import format_path

    torch.set_num_threads(1)
    schema = whole_schema_validator()
    everything = [(n, c) for n, c in corpus.configs() if "model" in c and c.get("default_scope")]
    rng = random.Random(SEED)
    rng.shuffle(everything)
    rows: list[dict[str, Any]] = []
    bases = 0
    for name, cfg in everything:
        if bases >= sample:
            break
        scope = cfg["default_scope"]
        if not corpus.held_by_mmengine(cfg, "model"):
            continue
        if not DefaultScope.check_instance_created(f"bench-{scope}"):
            DefaultScope.get_instance(f"bench-{scope}", scope_name=scope)
        model = copy.deepcopy(cfg["model"])
        built = mmengine_build(model, scope)
        if isinstance(built, BaseException):
            continue  # needs a download, a GPU, ...: not in the sample
        if built > MAX_PARAMETERS:
            continue  # each mutant builds it again: too slow on a CPU (a fixed rule, not a timer)
        bases += 1
        registries = corpus.mmengine_registries(scope)
        for kind in KINDS:
            planted = plant(model, kind, random.Random(f"{SEED}-{name}-{kind}"), registries)
            if planted is None:
                continue
            mutant, path = planted
            failure = mmengine_build(mutant, scope)
            row: dict[str, Any] = dict(
                config=name, kind=kind, path=format_path(("model", *path)), kept=False
            )
            rows.append(row)
            if not isinstance(failure, BaseException):
                continue  # MMEngine builds it: no mistake
            row.update(kept=True, failure=f"{type(failure).__name__}: {failure}"[:200])
            whole = dict(cfg, model=mutant)
            errors, warnings = corpus.validate_whole(whole)
            row["error"] = any(i.path == row["path"] for i in errors)
            row["warning"] = any(i.path == row["path"] for i in warnings)
            row["elsewhere"] = [(i.path, i.code) for i in errors if i.path != row["path"]][:3]
            row["schema"] = schema_rejects(schema, whole)
    return rows


def report(rows: list[dict[str, Any]]) -> None:
    kept = [r for r in rows if r["kept"]]
    configs = len({r["config"] for r in rows})
    print(f"configs: {configs}; planted: {len(rows)}; kept (the build fails): {len(kept)}")
    print()
    print(
        "| kind | kept | caught: error at the path | error or warning at the path "
        "| the whole-config schema rejects it |"
    )
    print("|---|---|---|---|---|")
    for kind in (*KINDS, None):
        these = [r for r in kept if kind is None or r["kind"] == kind]
        if not these:
            continue
        errors = sum(r["error"] for r in these)
        either = sum(r["error"] or r["warning"] for r in these)
        schema = sum(r["schema"] for r in these)
        label = kind or "**all**"
        print(
            f"| {label} | {len(these)} | {errors} ({100 * errors / len(these):.1f}%) "
            f"| {either} ({100 * either / len(these):.1f}%) "
            f"| {schema} ({100 * schema / len(these):.1f}%) |"
        )
    missed = [r for r in kept if not r["error"]]
    if missed:
        print()
        print("Not caught as an error:")
        for r in missed:
            print(f"- {r['config']}: {r['kind']} at {r['path']} ({r['failure'][:100]})")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
