"""``scope::path`` bases: configs inside installed codebases, found without importing them.

The codebases are real installed distributions (a ``.dist-info`` folder and a
package on a ``sys.path`` entry, through the ``plugin_site`` fixture) whose
package raises if anything imports it.
"""

from __future__ import annotations

import sys
import textwrap

import pytest

from registry_core import ConfigError, load_config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from registry_core.testing import PluginSite

EXPLODES = "raise RuntimeError('the codebase was imported')\n"

MODEL = textwrap.dedent(
    """
    model = dict(type='RetinaNet', backbone=dict(type='ResNet', depth=50),
                 head=dict(type='Head', loss=dict(type='Focal')))
    pipeline = [dict(type='Load'), dict(type='Pack', _scope_='other')]
    depth = 50
    """
)


@pytest.fixture
def mydet(plugin_site: PluginSite) -> PluginSite:
    """``mydet`` advertises the scope ``mydet``; its configs are in ``mydet/configs``."""
    plugin_site.add_distribution(
        "mydet",
        scopes={"mydet": "mydet.registry"},
        modules={
            "mydet/__init__.py": EXPLODES,
            "mydet/registry.py": EXPLODES,
            "mydet/configs/_base_/models/retinanet.py": MODEL,
            "mydet/configs/_base_/default_runtime.py": "_base_ = './models/retinanet.py'\n",
        },
    )
    return plugin_site


def test_a_scope_base_in_configs(mydet: PluginSite, tmp_path: Path) -> None:
    child = tmp_path / "child.py"
    child.write_text("_base_ = 'mydet::_base_/default_runtime.py'\ndepth = 101\n")
    cfg = load_config(child)
    # as MMEngine does, the outermost mappings with a type get the base's scope
    assert cfg == {
        "model": {
            "type": "RetinaNet",
            "backbone": {"type": "ResNet", "depth": 50},
            "head": {"type": "Head", "loss": {"type": "Focal"}},
            "_scope_": "mydet",
        },
        "pipeline": [{"type": "Load", "_scope_": "mydet"}, {"type": "Pack", "_scope_": "other"}],
        "depth": 101,
    }
    assert "mydet" not in sys.modules and "mydet.registry" not in sys.modules
    configs = mydet.path / "mydet" / "configs" / "_base_"
    assert cfg.source_of("model.type") == str(configs / "models" / "retinanet.py")


def test_a_scope_base_in_mim_configs(plugin_site: PluginSite, tmp_path: Path) -> None:
    plugin_site.add_distribution(
        "mmstyle-det",
        scopes={"mmstyle": "mmstyle_pkg.registry"},
        modules={
            "mmstyle_pkg/__init__.py": EXPLODES,
            "mmstyle_pkg/.mim/configs/_base_/schedule.json": '{"optim": {"lr": 0.1}}',
        },
    )
    child = tmp_path / "child.yaml"
    child.write_text("_base_: 'mmstyle::_base_/schedule.json'\noptim: {momentum: 0.9}\n")
    assert load_config(child) == {"optim": {"lr": 0.1, "momentum": 0.9}}
    assert "mmstyle_pkg" not in sys.modules


def test_an_unadvertised_package_of_the_scope_name(plugin_site: PluginSite, tmp_path: Path) -> None:
    # MMEngine's codebases are not registry_core plugins: a package named like
    # the scope is used, still without importing it
    plugin_site.add(
        {"plaindet": {"__init__.py": EXPLODES, "configs": {"base.toml": "depth = 18\n"}}}
    )
    child = tmp_path / "child.py"
    child.write_text("_base_ = ['plaindet::base.toml']\n")
    assert load_config(child) == {"depth": 18}
    assert "plaindet" not in sys.modules


def test_an_unknown_scope(mydet: PluginSite, tmp_path: Path) -> None:
    child = tmp_path / "child.py"
    child.write_text("x = 1\n_base_ = 'nodet::_base_/x.py'\n")
    with pytest.raises(ConfigError) as info:
        load_config(child)
    message = str(info.value)
    assert "'nodet'" in message and "mydet" in message  # the scopes installed
    assert info.value.file == str(child) and info.value.line == 2


def test_a_missing_config_in_the_codebase(mydet: PluginSite, tmp_path: Path) -> None:
    child = tmp_path / "child.py"
    child.write_text("_base_ = 'mydet::_base_/nope.py'\n")
    with pytest.raises(ConfigError) as info:
        load_config(child)
    message = str(info.value)
    assert "'_base_/nope.py'" in message
    assert str(mydet.path / "mydet" / "configs") in message
    assert "mydet" not in sys.modules


def test_two_codebases_advertising_the_scope(plugin_site: PluginSite, tmp_path: Path) -> None:
    for name in ("det-one", "det-two"):
        plugin_site.add_distribution(
            name,
            scopes={"twin": f"{name.replace('-', '_')}.registry"},
            modules={f"{name.replace('-', '_')}/configs/x.py": "a = 1\n"},
        )
    child = tmp_path / "child.py"
    child.write_text("_base_ = 'twin::x.py'\n")
    with pytest.raises(ConfigError, match="det-one and det-two"):
        load_config(child)
