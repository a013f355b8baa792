"""``validate`` on every official MMPretrain 1.2.0 config, MMPretrain attached by the bridge
(issue 19, item 1: no false alarm; SPEC §10 "Whole OpenMMLab configs", "An error means the
build would fail").

One fresh interpreter validates the whole corpus (classes imported once) and reports, per
config, whether MMEngine's own registries hold its types and what ``validate`` said, as a
whole config and as its ``model`` section under its default scope.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent

SCRIPT = """
import json, sys
sys.path.insert(0, {here!r})
import corpus

rows = []
for name, cfg in corpus.configs():
    held = corpus.held_by_mmengine(cfg)
    errors, warnings = corpus.validate_whole(cfg)
    row = dict(name=name, held=held,
               whole=[(i.path, i.code, i.message) for i in errors],
               whole_warnings=[(i.path, i.code, i.message) for i in warnings])
    if "model" in cfg:
        errors, warnings = corpus.validate_model(cfg)
        row["model"] = [(i.path, i.code, i.message) for i in errors]
        row["model_held"] = corpus.held_by_mmengine(cfg, "model")
    rows.append(row)
print(json.dumps(rows))
"""


def run_script(script: str, timeout: float) -> Any:
    """Run ``script`` in a fresh interpreter of this environment; the JSON of its last line."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def report() -> list[dict]:
    return run_script(SCRIPT.format(here=str(HERE)), timeout=900)


def test_the_corpus_is_the_official_one(report: list[dict]) -> None:
    assert len(report) > 500
    held = [row for row in report if row["held"]]
    assert len(held) > 450  # all but the multimodal and the get_model-only configs


def test_no_error_on_a_config_mmengine_can_build(report: list[dict]) -> None:
    false_alarms = [
        (row["name"], issue)
        for row in report
        if row["held"]
        for issue in [*row["whole"], *row.get("model", [])]
    ]
    assert false_alarms == []


def test_a_model_naming_a_type_mmengine_does_not_hold_is_an_error(report: list[dict]) -> None:
    # the multimodal models without `transformers`, models without a default_scope: true
    # errors (a `type` that is the target's own data, LoRA's targets, is a warning)
    missed = [
        row["name"]
        for row in report
        if "model" in row
        and not row["model_held"]
        and not row["model"]
        and not any(code == "unknown-type" for _, code, _ in row["whole_warnings"])
    ]
    assert missed == []
    codes = {issue[1] for row in report if not row["held"] for issue in row["whole"]}
    assert "unknown-type" in codes


def test_whole_configs_are_checked_as_the_runner_builds_them(report: list[dict]) -> None:
    row = next(r for r in report if r["name"] == "resnet/resnet50_8xb32_in1k.py")
    assert row["held"]
    assert (row["whole"], row["model"]) == ([], [])
    names = {r["name"]: r for r in report}
    swin = names["swin_transformer/swin-tiny_16xb64_in1k.py"]
    assert (swin["whole"], swin["model"]) == ([], [])


# -- item 2: a nested node built three constructors away from its parent --------------------

CHAIN_SCRIPT = """
import copy, json, sys
sys.path.insert(0, {here!r})
import os
import corpus
import registry_core
from mmengine.registry import MODELS, DefaultScope

def load(name):
    return registry_core.load_config(os.path.join(corpus.config_folder(), name))

def build_fails(cfg):
    # the model as MMEngine's Runner builds it: Runner.__init__ sets the top-level
    # data_preprocessor into the model when the model has none
    model = copy.deepcopy(cfg["model"])
    if cfg.get("data_preprocessor") is not None:
        model.setdefault("data_preprocessor", copy.deepcopy(cfg["data_preprocessor"]))
    try:
        with DefaultScope.overwrite_default_scope(cfg["default_scope"]):
            MODELS.build(model)
    except Exception as exc:
        return type(exc).__name__
    return None

def issues(check, cfg):
    errors, warnings = check(cfg)
    return dict(errors=[i.path for i in errors], warnings=[i.path for i in warnings],
                messages=[i.message for i in errors])

cases = {{}}
listed = load("deit/deit-tiny_4xb256_in1k.py")  # augments=[Mixup, CutMix]
del listed["model"]["train_cfg"]["augments"][0]["alpha"]
single = load("resnet/resnet50_8xb32-mixup_in1k.py")  # augments=Mixup
del single["model"]["train_cfg"]["augments"]["alpha"]
# the data preprocessor brings its own batch_augments: train_cfg's are never built
unused = copy.deepcopy(listed)
unused["data_preprocessor"]["batch_augments"] = dict(augments=dict(type="CutMix", alpha=1.0))
for name, cfg in (("listed", listed), ("single", single), ("unused", unused)):
    cases[name] = dict(build=build_fails(cfg), whole=issues(corpus.validate_whole, cfg),
                       model=issues(corpus.validate_model, cfg))
print(json.dumps(cases))
"""


@pytest.fixture(scope="module")
def chain() -> dict[str, Any]:
    return run_script(CHAIN_SCRIPT.format(here=str(HERE)), timeout=600)  # type: ignore[no-any-return]


def test_a_batch_augment_without_alpha_is_an_error_at_its_path(chain: dict[str, Any]) -> None:
    # issue 19, item 2 (second round): the 11 mutants the benchmark missed. ImageClassifier
    # puts train_cfg into its data preprocessor as batch_augments, ClsDataPreprocessor
    # calls RandomBatchAugment(**batch_augments), which builds each augment through
    # BATCH_AUGMENTS: a Mixup without `alpha` fails that build
    listed, single = chain["listed"], chain["single"]
    assert listed["build"] == single["build"] == "TypeError"
    assert "model.train_cfg.augments[0].alpha" in listed["whole"]["errors"]
    assert "train_cfg.augments[0].alpha" in listed["model"]["errors"]
    assert "model.train_cfg.augments.alpha" in single["whole"]["errors"]  # x = [x]
    assert "train_cfg.augments.alpha" in single["model"]["errors"]
    message = listed["whole"]["messages"][0]
    assert "RandomBatchAugment builds this node through a registry" in message
    assert "ImageClassifier -> ClsDataPreprocessor -> RandomBatchAugment" in message


def test_a_batch_augment_the_build_never_reaches_stays_a_warning(chain: dict[str, Any]) -> None:
    # the top-level data_preprocessor has its own batch_augments: the Runner sets it into
    # the model, ImageClassifier's setdefault keeps it, and train_cfg is never built
    unused = chain["unused"]
    assert unused["build"] is None
    assert unused["whole"]["errors"] == []
    assert "model.train_cfg.augments[0].alpha" in unused["whole"]["warnings"]


# -- item 5: the whole-file schema, checked with check-jsonschema ---------------------------

SCHEMA_SCRIPT = """
import json, os, sys
sys.path.insert(0, {here!r})
import corpus
import registry_core

out = {out!r}
schema = registry_core.config_schema(whole=True)
with open(os.path.join(out, "schema.json"), "w") as file:
    json.dump(schema, file)
names = []
for index, (name, cfg) in enumerate(corpus.configs()):
    if not corpus.held_by_mmengine(cfg):
        continue
    path = os.path.join(out, f"config{{index}}.json")
    registry_core.dump_config(cfg, path)
    names.append((name, path))
print(json.dumps(names))
"""


@pytest.fixture(scope="module")
def dumped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    out = tmp_path_factory.mktemp("whole-schema")
    names = run_script(SCHEMA_SCRIPT.format(here=str(HERE), out=str(out)), timeout=900)
    return out, [tuple(pair) for pair in names]


def check_jsonschema(schema: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *files],
        capture_output=True,
        text=True,
        timeout=1800,
    )


def test_every_official_config_passes_the_whole_schema(dumped: Any) -> None:
    out, names = dumped
    assert len(names) > 450
    done = check_jsonschema(out / "schema.json", [path for _, path in names])
    assert done.returncode == 0, done.stdout[-4000:]


def _mutated(out: Path, names: list[tuple[str, str]], change: Any, label: str) -> str:
    source = dict(names)["resnet/resnet50_8xb32_in1k.py"]
    cfg = json.loads(Path(source).read_text())
    change(cfg)
    path = out / f"mutant-{label}.json"
    path.write_text(json.dumps(cfg))
    return str(path)


def _set(path: str, value: Any) -> Any:
    *parents, last = path.split(".")

    def change(cfg: Any) -> None:
        for key in parents:
            cfg = cfg[int(key)] if isinstance(cfg, list) else cfg[key]
        if value is KeyError:
            del cfg[last]
        else:
            cfg[last] = value

    return change


def _rename(path: str, new: str) -> Any:
    *parents, last = path.split(".")

    def change(cfg: Any) -> None:
        for key in parents:
            cfg = cfg[key]
        cfg[new] = cfg.pop(last)

    return change


MISTAKES = {
    "misspelt-nested-type": _set("model.backbone.type", "ResNte"),
    "misspelt-argument": _rename("model.backbone.depth", "dpeth"),
    "misspelt-section-type": _set("train_dataloader.sampler.type", "DefaultSamplr"),
    "misspelt-optimizer-argument": _rename("optim_wrapper.optimizer.lr", "lrr"),
    "str-for-int": _set("model.head.num_classes", "1000"),
    "nested-node-misspelt-in-a-list": _set(
        "train_dataloader.dataset.pipeline.1.type", "RandomResizedCorp"
    ),
}


def test_planted_mistakes_fail_the_whole_schema(dumped: Any) -> None:
    out, names = dumped
    schema = out / "schema.json"
    for label, change in MISTAKES.items():
        done = check_jsonschema(schema, [_mutated(out, names, change, label)])
        assert done.returncode == 1, (label, done.stdout[-2000:])


def test_unscoped_and_scoped_types_pass_the_whole_schema(dumped: Any) -> None:
    out, names = dumped
    scoped = _mutated(out, names, _set("model.backbone.type", "mmpretrain.ResNet"), "scoped")
    under_scope = _mutated(
        out,
        names,
        _set("model.backbone._scope_", "mmpretrain"),
        "under-scope",
    )
    done = check_jsonschema(out / "schema.json", [scoped, under_scope])
    assert done.returncode == 0, done.stdout[-2000:]
