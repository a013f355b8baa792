"""One cause, one line first (issue 19, item 4; SPEC §10 "One cause, one line first").

Each scenario is what a new user met: a real MMDetection config with its codebase not
attached printed 34 "unknown type" errors with the one cause in the middle of them; a
misspelt ``_scope_`` hid the nested node's wrong value until it was fixed; a failed plugin
repeated its error on every node.
"""

from __future__ import annotations

from typing import Any

import pytest

from registry_core import ConfigError, Registry, validate
from registry_core.testing import PluginSite


def issues_of(cfg: Any, registry: Any = None) -> list[Any]:
    with pytest.raises(ConfigError) as info:
        validate(cfg, registry)
    return list(info.value.issues)


def detector_config(scope: str) -> dict[str, Any]:
    return dict(
        default_scope=scope,
        model=dict(
            type="RetinaNet",
            backbone=dict(type="ResNet", depth=50),
            neck=dict(type="FPN", in_channels=[256, 512]),
            bbox_head=dict(type="RetinaHead", num_classes=80),
        ),
        train_pipeline=[dict(type="LoadImageFromFile"), dict(type="Resize", scale=(1, 2))],
    )


def installed_without_attaching(site: PluginSite, name: str, package: str) -> None:
    """A real installed distribution holding ``package``, that advertises no scope and is
    not built on MMEngine (as a codebase of another framework would be)."""
    site.add(
        {
            f"{name.replace('-', '_')}-3.3.0.dist-info": {
                "METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 3.3.0\n"
                "Requires-Dist: numpy\n",
                "RECORD": "",
                "top_level.txt": f"{package}\n",
            },
            package: {"__init__.py": "", "registry.py": ""},
        }
    )


def test_a_codebase_installed_but_not_attached_leads_the_report(plugin_site: PluginSite) -> None:
    installed_without_attaching(plugin_site, "mmdet-like", "mmdet_like")
    issues = issues_of(detector_config("mmdet_like"))
    first, rest = issues[0], issues[1:]
    assert (first.path, first.code) == ("default_scope", "unknown-scope")
    assert first.message.startswith(f"cause of the {len(rest)} issues below: unknown default_scope")
    assert "distribution mmdet-like 3.3.0 is installed (package 'mmdet_like') but not attached" in (
        first.message
    )
    assert "not built on MMEngine" in first.message
    # the issues it explains follow, sorted by path; the cause is said once
    assert [i.code for i in rest] == ["unknown-type"] * len(rest)
    assert [i.path for i in rest] == sorted(i.path for i in rest)
    assert sum("default_scope" in i.message for i in issues) == 1


def test_an_unknown_default_scope_nobody_provides(plugin_site: PluginSite) -> None:
    issues = issues_of(detector_config("mmnothing"))
    assert issues[0].path == "default_scope"
    assert "no installed distribution provides it" in issues[0].message


def test_a_failed_plugin_leads_once(plugin_site: PluginSite) -> None:
    plugin_site.add_distribution(
        "brokenplug",
        scopes={"brokenplug": "brokenplug.registry"},
        modules={"brokenplug/__init__.py": "", "brokenplug/registry.py": "import nothere\n"},
    )
    cfg = dict(
        a=dict(type="brokenplug.Net"), b=dict(type="brokenplug.Head"), c=dict(type="brokenplug.X")
    )
    issues = issues_of(cfg, Registry("model", scope="causes_root"))
    first = issues[0]
    assert (first.path, first.code) == ("", "plugin-error")
    assert first.message.startswith("cause of the 3 issues below: a plugin failed to load")
    assert "ModuleNotFoundError" in first.message and "REGISTRY_CORE_BLOCK" in first.message
    assert [i.code for i in issues[1:]] == ["plugin-error"] * 3


def test_a_bad_scope_does_not_hide_issues_inside(registry_state: None) -> None:
    R = Registry("model", scope="badscope_root")

    @R.register_module()
    class Backbone:
        def __init__(self, depth: int) -> None: ...

    cfg = dict(type="Net", _scope_="nosuchscope", backbone=dict(type="Backbone", depth="fifty"))
    paths = [(i.path, i.code) for i in issues_of(cfg, R)]
    assert ("backbone.depth", "wrong-type") in paths
    assert ("_scope_", "unknown-scope") in paths
