"""Discovery of codebases built on MMEngine (SPEC §12), from metadata and file names only.

These need no MMEngine: each test writes a fake installed ``mmengine-lite``
(its dist-info and an empty package) and codebases that require it into a
temporary ``sys.path`` entry, and checks what the real scanner finds and that
nothing was imported. Loading bridged scopes needs the real MMEngine: those
tests are in the OpenMMLab test step (``conformance/openmmlab``).
"""

from __future__ import annotations

import sys

import pytest

import registry_core
from registry_core import PluginLoadError
from registry_core._fakedist import distribution_tree
from registry_core.testing import PluginSite

REGISTRY_PY = "from mmengine.registry import MODELS, Registry\n"
MIM = 'mmengine<1.0.0,>=0.8.3; extra == "mim"'


def add_mmengine(site: PluginSite, name: str = "mmengine-lite") -> None:
    site.add_distribution(
        name, "0.10.7", modules={"mmengine/__init__.py": "", "mmengine/registry/__init__.py": ""}
    )


def add_codebase(
    site: PluginSite,
    name: str,
    package: str | None = None,
    *,
    requires: tuple[str, ...] = (MIM,),
    registry: bool = True,
    record: bool = False,
    **kwargs: object,
) -> None:
    package = package or name
    modules = {f"{package}/__init__.py": "raise RuntimeError('imported')\n"}
    if registry:
        modules[f"{package}/registry.py"] = REGISTRY_PY
    tree = distribution_tree(name, "1.2.0", requires=requires, modules=modules, **kwargs)  # type: ignore[arg-type]
    info = next(folder for folder in tree if folder.endswith(".dist-info"))
    tree[info]["RECORD"] = "".join(f"{path},,\n" for path in modules)  # as a wheel lists them
    site.add(tree)


def scopes() -> dict[str, tuple[str, str, str, str]]:
    return {
        scope: (info.module, info.distribution, info.source, info.status)
        for scope, info in registry_core.available_scopes().items()
    }


def test_found_without_importing_anything(plugin_site: PluginSite) -> None:
    """§12: MMEngine's own scope and each codebase requiring it (under the 'mim' extra)."""
    add_mmengine(plugin_site)
    add_codebase(plugin_site, "mmtoy")
    assert scopes() == {
        "mmengine": ("mmengine.registry", "mmengine-lite", "mmengine", "discovered"),
        "mmtoy": ("mmtoy.registry", "mmtoy", "mmengine", "discovered"),
    }
    assert "mmtoy" not in sys.modules
    assert "mmengine" not in sys.modules


def test_the_package_name_may_differ_from_the_distribution(plugin_site: PluginSite) -> None:
    """mmsegmentation ships mmseg: the scope is the package's name, found in RECORD."""
    add_mmengine(plugin_site)
    add_codebase(plugin_site, "toysegmentation", "toyseg")
    info = registry_core.available_scopes()["toyseg"]
    assert (info.module, info.distribution, info.source) == (
        "toyseg.registry",
        "toysegmentation",
        "mmengine",
    )


def test_top_level_txt_names_the_package(plugin_site: PluginSite) -> None:
    add_mmengine(plugin_site)
    plugin_site.add(
        {
            "other_name-1.0.dist-info": {
                "METADATA": "Name: other-name\nVersion: 1.0\nRequires-Dist: mmengine\n\n",
                "top_level.txt": "zzpkg\n",
                "RECORD": "",
            },
            "zzpkg": {"__init__.py": "", "registry.py": REGISTRY_PY},
        }
    )
    assert scopes()["zzpkg"] == ("zzpkg.registry", "other-name", "mmengine", "discovered")


def test_only_codebases_that_require_mmengine_and_have_a_registry_py(
    plugin_site: PluginSite,
) -> None:
    add_mmengine(plugin_site)
    add_codebase(plugin_site, "norequire", requires=("numpy",))
    add_codebase(plugin_site, "noregistry", registry=False)
    add_codebase(plugin_site, "mmengine_plugins_user", requires=("mmengine-plugins",))
    add_codebase(plugin_site, "liteuser", requires=("mmengine_lite>=0.10",))
    assert set(scopes()) == {"mmengine", "liteuser"}


def test_only_importable_package_folders_count(plugin_site: PluginSite) -> None:
    """What the bridge's scan looks at in a path entry: folders named as a package,
    found in the scan's own listing, in name order whatever the listing's."""
    add_mmengine(plugin_site)
    add_codebase(plugin_site, "zzlast")
    add_codebase(plugin_site, "aafirst")
    add_codebase(plugin_site, "dotted-name", "not.a.package")
    add_codebase(plugin_site, "dashed-name", "not-a-package")
    (plugin_site.path / "mmfile").write_text("not a folder\n", encoding="utf-8")
    assert [s for s in scopes() if s != "mmengine"] == ["aafirst", "zzlast"]


def test_nothing_is_bridged_without_mmengine(plugin_site: PluginSite) -> None:
    add_codebase(plugin_site, "mmtoy")
    assert "mmtoy" not in scopes()
    assert "mmengine" not in scopes()


def test_full_mmengine_counts_too(plugin_site: PluginSite) -> None:
    add_mmengine(plugin_site, "mmengine")
    assert scopes()["mmengine"][1:3] == ("mmengine", "mmengine")


def test_entry_points_win(plugin_site: PluginSite) -> None:
    """A distribution that advertises registry_core.scopes is not bridged."""
    add_mmengine(plugin_site)
    add_codebase(plugin_site, "both", scopes={"both": "both.rc_registry"})
    assert scopes()["both"] == ("both.rc_registry", "both", "entry-point", "discovered")


def test_blocked(plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch) -> None:
    add_mmengine(plugin_site)
    add_codebase(plugin_site, "mmtoy")
    monkeypatch.setenv("REGISTRY_CORE_BLOCK", "mmtoy")
    registry_core.refresh()
    assert scopes()["mmtoy"][3] == "blocked"
    with pytest.raises(PluginLoadError, match="REGISTRY_CORE_BLOCK"):
        registry_core.MODELS.get("mmtoy.Anything")
    assert "mmtoy" not in sys.modules


def test_bridging_off_alone(plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """REGISTRY_CORE_BRIDGE=0: no bridged scope; entry points still found."""
    add_mmengine(plugin_site)
    add_codebase(plugin_site, "mmtoy")
    add_codebase(plugin_site, "both", scopes={"both": "both.rc_registry"})
    monkeypatch.setenv("REGISTRY_CORE_BRIDGE", "0")
    registry_core.refresh()
    assert set(scopes()) == {"both"}
    assert registry_core.MODELS.get("mmtoy.Anything") is None


def test_autoload_disabled(plugin_site: PluginSite, monkeypatch: pytest.MonkeyPatch) -> None:
    add_mmengine(plugin_site)
    add_codebase(plugin_site, "mmtoy")
    monkeypatch.setenv("REGISTRY_CORE_DISABLE_AUTOLOAD", "1")
    registry_core.refresh()
    assert scopes() == {}


def test_info_repr_names_the_source(plugin_site: PluginSite) -> None:
    add_mmengine(plugin_site)
    assert "source='mmengine'" in repr(registry_core.available_scopes()["mmengine"])
