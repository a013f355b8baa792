"""``config_schema``: a JSON Schema that agrees with ``validate``, checked by ``jsonschema``.

The schema must be a valid draft 2020-12 schema, accept every config that
``validate`` accepts, and reject the ones ``validate`` rejects for an unknown
type, an unknown argument or a plain type error. Both sides run on the same
real plugin (``mydet`` of ``test_validate``) and on the demo codebases of
``plugins/``, installed in a temporary site folder.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

import registry_core
from registry_core import DATASETS, MODELS, TRANSFORMS, ConfigError, Registry, validate
from registry_core.testing import PluginSite
from tests.test_validate import DETECTOR, install_mydet

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

REPO = Path(__file__).resolve().parent.parent

#: (registry, config) pairs that ``validate`` accepts.
VALID: list[tuple[Any, dict[str, Any]]] = [
    (MODELS, DETECTOR),
    (MODELS, dict(type="mydet.ResNet", depth=50, out_indices=[0, 1], norm="GN", lr_mult=2)),
    (MODELS, dict(type="mydet.ResNet", depth=18, frozen=True, _scope_=None)),
    (MODELS, dict(type="mydet.FPN", in_channels=[256, 512], out_channels=128)),
    (MODELS, dict(type="mydet.RetinaHead", num_classes=3, loss=None)),
    (MODELS, dict(type="mydet.Detector", backbone=dict(type="ResNet"), anything=[1, 2])),
    (MODELS, dict(type="mydet.TwoStage", backbone=dict(type="ResNet", depth=1), heads=None)),
    (MODELS, dict(type="mydet.Plain")),
    (
        DATASETS,
        dict(
            type="mydet.CocoDataset",
            ann_file="a.json",
            pipeline=[dict(type="Resize", scale=[1, 2]), dict(type="Flip")],
        ),
    ),
    (TRANSFORMS, dict(type="mydet.Resize", scale=[512, 512], keep_ratio=False)),
    (MODELS, dict(type="toydet.Detector", backbone=dict(type="toycls.ResNetTiny", depth=18))),
    (MODELS, dict(type="toycls.MLP", in_channels=4, hidden=[8, 8])),
    (MODELS, dict(type="toycls.resnet_tiny10", base_channels=8)),
    (DATASETS, dict(type="toycls.ToyImageNet", pipeline=[dict(type="Normalize", mean=0.5)])),
]

#: (registry, config, the issue code validate gives) for configs both must reject.
INVALID: list[tuple[Any, dict[str, Any], str]] = [
    (MODELS, dict(type="mydet.ResNett", depth=50), "unknown-type"),
    (MODELS, dict(type="mydett.ResNet", depth=50), "unknown-scope"),
    (MODELS, dict(type="mydet.ResNet", depth=50, dpeth=1), "unexpected-argument"),
    (MODELS, dict(type="mydet.ResNet", depth="fifty"), "wrong-type"),
    (MODELS, dict(type="mydet.ResNet", depth=True), "wrong-type"),
    (MODELS, dict(type="mydet.ResNet", depth=50, norm="LN"), "wrong-type"),
    (MODELS, dict(type="mydet.ResNet", depth=50, out_indices=[0, "1"]), "wrong-type"),
    (MODELS, dict(type="mydet.FPN", in_channels=256), "wrong-type"),
    (MODELS, dict(type="mydet.RetinaHead", num_classes=1, loss="focal"), "wrong-type"),
    (MODELS, dict(type="mydet.RetinaHead"), "missing-argument"),
    (MODELS, dict(type="mydet.Plain", x=1), "unexpected-argument"),
    (DATASETS, dict(type="mydet.CocoDataset", ann_file={"path": "a.json"}), "wrong-type"),
    (TRANSFORMS, dict(type="mydet.Resize", scale=[1, 2, 3]), "wrong-type"),
    (MODELS, dict(type="toycls.ResNetTiny", depth="18"), "wrong-type"),
    (MODELS, dict(type="toydet.NetA", depht=50), "unexpected-argument"),
    (
        MODELS,
        dict(type="toydet.Detector", backbone=dict(type="NetA"), num_classes="8"),
        "wrong-type",
    ),
]


def install_demo_plugins(site: PluginSite) -> None:
    """``plugins/toydet`` and ``plugins/toycls``, as installed distributions."""
    for name in ("toydet", "toycls"):
        folder = REPO / "plugins" / name / name
        modules = {
            f"{name}/{path.name}": path.read_text(encoding="utf-8") for path in folder.glob("*.py")
        }
        site.add_distribution(name, "0.1.0", scopes={name: f"{name}.registry"}, modules=modules)


@pytest.fixture
def plugins(plugin_site: PluginSite) -> PluginSite:
    install_mydet(plugin_site)
    install_demo_plugins(plugin_site)
    return plugin_site


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_schema_is_valid_and_is_json(plugins: PluginSite) -> None:
    for registry in (None, MODELS, DATASETS, TRANSFORMS):
        schema = registry_core.config_schema(registry)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        validator(schema)
        assert json.loads(json.dumps(schema)) == schema


def test_it_loads_every_discovered_plugin_first(plugins: PluginSite) -> None:
    assert {i.status for i in registry_core.available_scopes().values()} == {"discovered"}
    schema = registry_core.config_schema(MODELS)
    assert {i.status for i in registry_core.available_scopes().values()} == {"loaded"}
    keys = schema["properties"]["type"]["enum"]
    assert {"mydet.ResNet", "toydet.Detector", "toycls.MLP", "toycls.LinearHead"} <= set(keys)
    assert keys == sorted(keys)


@pytest.mark.parametrize(("registry", "cfg"), VALID)
def test_it_accepts_what_validate_accepts(plugins: PluginSite, registry: Any, cfg: Any) -> None:
    assert validate(cfg, registry).ok
    assert validate(cfg).ok
    for schema in (registry_core.config_schema(registry), registry_core.config_schema()):
        errors = [e.message for e in validator(schema).iter_errors(cfg)]
        assert errors == [], cfg


@pytest.mark.parametrize(("registry", "cfg", "code"), INVALID)
def test_it_rejects_what_validate_rejects(
    plugins: PluginSite, registry: Any, cfg: Any, code: str
) -> None:
    with pytest.raises(ConfigError) as info:
        validate(cfg, registry)
    assert [issue.code for issue in info.value.issues] == [code]
    for schema in (registry_core.config_schema(registry), registry_core.config_schema()):
        assert not validator(schema).is_valid(cfg), cfg


def test_a_definition(plugins: PluginSite) -> None:
    schema = registry_core.config_schema(MODELS)
    resnet = schema["$defs"]["model:mydet.ResNet"]
    assert resnet["title"] == "mydet.ResNet" and resnet["description"] == "A backbone."
    assert resnet["required"] == ["type", "depth"]
    assert resnet["additionalProperties"] is False
    assert resnet["properties"] == {
        "type": {"const": "mydet.ResNet"},
        "_scope_": {"type": ["string", "null"]},
        "depth": {"type": "integer"},
        "num_stages": {"type": "integer", "default": 4},
        "out_indices": {"type": "array", "items": {"type": "integer"}, "default": [0, 1, 2, 3]},
        "norm": {"enum": ["BN", "GN"], "default": "BN"},
        "frozen": {"type": "boolean", "default": False},
        "lr_mult": {"type": "number", "default": 1.0},
    }
    detector = schema["$defs"]["model:mydet.Detector"]
    assert "additionalProperties" not in detector  # it takes **kwargs
    assert detector["properties"]["backbone"] == {"type": "object"}
    assert detector["properties"]["neck"] == {
        "anyOf": [{"type": "object"}, {"type": "null"}],
        "default": None,
    }
    two_stage = schema["$defs"]["model:mydet.TwoStage"]
    assert two_stage["properties"]["backbone"] == {}  # a class: nested nodes loosely
    branch = {"if": {"properties": {"type": {"const": "mydet.ResNet"}}, "required": ["type"]},
              "then": {"$ref": "#/$defs/model:mydet.ResNet"}}  # fmt: skip
    assert branch in schema["allOf"]


def test_the_root_accepts_one_node_of_the_registry(plugins: PluginSite) -> None:
    models = validator(registry_core.config_schema(MODELS))
    assert not models.is_valid(dict(type="mydet.CocoDataset", ann_file="a"))
    assert not models.is_valid(dict(depth=50))
    assert not models.is_valid([DETECTOR])
    anywhere = validator(registry_core.config_schema())
    assert anywhere.is_valid(dict(type="mydet.CocoDataset", ann_file="a"))
    child = validator(registry_core.config_schema(MODELS.children["mydet"]))
    assert child.is_valid(dict(type="ResNet", depth=50))  # its own names, unscoped
    assert child.is_valid(dict(type="toycls.ResNetTiny"))  # the rest of its tree, scoped


def test_a_key_in_two_roots_accepts_either(registry_state: None) -> None:
    first = Registry("left", scope="schema_left")
    second = Registry("right", scope="schema_right")
    first.register_module(name="Thing", module=lambda a: None)
    second.register_module(name="Thing", module=lambda b: None)
    schema = registry_core.config_schema()
    check = validator(schema)
    assert check.is_valid(dict(type="Thing", a=1)) and check.is_valid(dict(type="Thing", b=1))
    assert not check.is_valid(dict(type="Thing", c=1))
    assert not validator(registry_core.config_schema(first)).is_valid(dict(type="Thing", b=1))


def test_a_registry_whose_locations_fail_is_left_out(plugin_site: PluginSite) -> None:
    install_mydet(plugin_site)
    plugin_site.add({"mydet": {"data.py": "raise ImportError('no pycocotools')"}})
    schema = registry_core.config_schema(DATASETS)
    assert not any(key.startswith("mydet.") for key in schema["properties"]["type"]["enum"])
    assert "mydet.ResNet" in registry_core.config_schema(MODELS)["properties"]["type"]["enum"]


def test_the_schema_is_a_fresh_copy(plugins: PluginSite) -> None:
    schema = registry_core.config_schema(MODELS)
    before = copy.deepcopy(schema)
    schema["$defs"]["model:mydet.ResNet"]["properties"]["depth"]["type"] = "string"
    assert registry_core.config_schema(MODELS) == before
