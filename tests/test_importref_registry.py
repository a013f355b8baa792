"""``ImportRef`` keys in registries (issue 18, point 2): by identity, without importing.

A real fake plugin (``plugin_site``) registers ``ImageClassifier``, defined in
``toyplug.models.classifiers.image`` and re-exported by ``toyplug.models``, and
``collections.OrderedDict`` under another name. On main before issue 18 these
keys were plain strings read as scopes: every lookup here missed.
"""

from __future__ import annotations

import collections
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import registry_core
from registry_core import MODELS, ImportRef, NotRegisteredError, Registry, introspect, load_config
from registry_core.testing import PluginSite

REGISTRY = """
import collections
import registry_core
from registry_core import Registry
MODELS = Registry("model", parent=registry_core.MODELS, locations=["toyplug.models"])
MODELS.register_module(name="OD", module=collections.OrderedDict)
"""

IMAGE = """
from toyplug.registry import MODELS

@MODELS.register_module()
class ImageClassifier:
    def __init__(self, depth: int = 18) -> None:
        self.depth = depth
"""


@pytest.fixture
def toyplug(plugin_site: PluginSite) -> PluginSite:
    plugin_site.add_distribution(
        "toyplug",
        scopes={"toyplug": "toyplug.registry"},
        modules={
            "toyplug/__init__.py": "",
            "toyplug/registry.py": REGISTRY,
            "toyplug/models/__init__.py": (
                "from toyplug.models.classifiers.image import ImageClassifier\n"
            ),
            "toyplug/models/classifiers/__init__.py": "",
            "toyplug/models/classifiers/image.py": IMAGE,
        },
    )
    return plugin_site


def test_a_reexported_name_resolves_loading_the_scope_of_its_first_segment(
    toyplug: PluginSite,
) -> None:
    assert "toyplug" not in sys.modules
    key = ImportRef("toyplug.models.ImageClassifier")
    cls = MODELS.get(key)
    assert cls is not None and cls.__module__ == "toyplug.models.classifiers.image"
    assert cls is MODELS.get("toyplug.ImageClassifier")  # the plain key finds the same object
    built = MODELS.build(dict(type=key, depth=50))
    assert type(built) is cls and built.depth == 50
    # the full module path resolves too, and so does a plain key afterwards
    assert MODELS.get(ImportRef("toyplug.models.classifiers.image.ImageClassifier")) is cls


def test_an_object_registered_under_another_name_resolves(toyplug: PluginSite) -> None:
    MODELS.get("toyplug.OD")  # load the plugin
    assert MODELS.get(ImportRef("collections.OrderedDict")) is collections.OrderedDict
    built = MODELS.build(dict(type=ImportRef("collections.OrderedDict"), a=1))
    assert built == collections.OrderedDict(a=1)


def test_torch_batchnorm_registered_as_bn_resolves() -> None:
    torch = pytest.importorskip("torch")
    registry = Registry("norm", scope="normtest")
    registry.register_module(name="BN", module=torch.nn.BatchNorm2d)
    assert registry.get(ImportRef("torch.nn.BatchNorm2d")) is torch.nn.BatchNorm2d


def test_none_or_several_is_not_registered_naming_the_path_and_the_keys() -> None:
    registry = Registry("thing", scope="importtest")
    other = type("OrderedDict", (), {"__module__": "collections.abc"})
    registry.register_module(name="OD", module=collections.OrderedDict)
    registry.register_module(name="Fake", module=other)
    with pytest.raises(NotRegisteredError) as info:
        registry[ImportRef("collections.OrderedDict")]
    message = str(info.value)
    assert "collections.OrderedDict" in message and "2 different registered objects" in message
    assert "'OD'" in message and "'Fake'" in message
    assert info.value.key == "collections.OrderedDict"
    assert registry.get(ImportRef("nosuchpackage.models.Net")) is None  # nothing imported
    assert "nosuchpackage" not in sys.modules
    with pytest.raises(NotRegisteredError, match=r"nosuchpackage\.models\.Net \(an import path\)"):
        registry.build(dict(type=ImportRef("nosuchpackage.models.Net")))


def test_validate_takes_import_ref_types(toyplug: PluginSite) -> None:
    ok = dict(type=ImportRef("toyplug.models.ImageClassifier"), depth=3)
    assert registry_core.validate(ok, MODELS) is not None
    with pytest.raises(registry_core.ConfigError):
        registry_core.validate(dict(type=ImportRef("toyplug.models.ImageClassifier"), x=1), MODELS)


def test_show_accepts_an_import_path(toyplug: PluginSite) -> None:
    found = introspect.describe("toyplug.models.ImageClassifier", registry="MODELS")
    assert found.found
    assert found.hits[0].name == "ImageClassifier" and found.hits[0].scope == "toyplug"
    out = subprocess.run(
        [sys.executable, "-m", "registry_core", "show", "toyplug.models.ImageClassifier"],
        capture_output=True,
        text=True,
        timeout=120,
        env=toyplug_env(toyplug),
    )
    assert out.returncode == 0, out.stderr
    assert "toyplug.models.classifiers.image" in out.stdout


def toyplug_env(site: PluginSite) -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(site.path), *sys.path])}


def test_a_pure_python_config_builds_through_the_registry(
    toyplug: PluginSite, tmp_path: Path
) -> None:
    config = tmp_path / "cfg.py"
    config.write_text(
        textwrap.dedent(
            """
            from toyplug.models import ImageClassifier
            model = dict(type=ImageClassifier, depth=34)
            """
        )
    )
    cfg = load_config(config)
    assert cfg["model"] == {"type": "toyplug.models.ImageClassifier", "depth": 34}
    model = MODELS.build(cfg["model"])
    assert type(model).__name__ == "ImageClassifier" and model.depth == 34
