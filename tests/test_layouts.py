"""Discovery on the layouts real tools leave behind (issue 9).

Every test lets the tool itself write the files where it can: pip (``install
--target`` twice, an upgrade pip is killed in the middle of, a ``--target``
folder zipped up), setuptools (``egg_info``, ``bdist_egg``); where the tool
cannot run here (a setuptools too new to write what an old one wrote), the
files are written exactly as that tool wrote them (checked against its output).
Wheels are built by hand, as the wheel format specifies them. What discovery
finds is then compared with what ``importlib.metadata`` itself finds on the same
path (nothing is mocked), or, where the standard library's answer depends on
the file system's listing order, with what Python actually imports.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

import registry_core
from registry_core import MODELS, IncompatiblePluginError
from registry_core.discovery._scan import GROUP, scan
from registry_core.testing import PluginSite, write_tree
from tests._cli_env import Env

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Any

REPO = Path(__file__).resolve().parent.parent

# (the ``deps`` and ``env`` fixtures of the command-line tests: tests/conftest.py)


def registry_source(version: str = "1.0") -> str:
    return textwrap.dedent(
        f"""\
        import registry_core
        from registry_core import Registry

        VERSION = {version!r}
        MODELS = Registry("model", parent=registry_core.MODELS)


        @MODELS.register_module()
        class NetA:
            version = VERSION
        """
    )


def build_wheel(
    folder: Path,
    name: str,
    version: str,
    *,
    requires: Sequence[str] = (),
    entry_points: str | None = None,
) -> Path:
    """A pure-Python wheel of package ``name`` (``registry.py`` registers ``NetA``)."""
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": "",
        f"{name}/registry.py": registry_source(version),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        + "".join(f"Requires-Dist: {r}\n" for r in requires),
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test_layouts\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": entry_points or f"[{GROUP}]\n{name} = {name}.registry\n",
    }
    record = []
    for path, text in files.items():
        digest = hashlib.sha256(text.encode()).digest()
        encoded = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        record.append(f"{path},sha256={encoded},{len(text.encode())}\n")
    files[f"{info}/RECORD"] = "".join(record) + f"{info}/RECORD,,\n"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "REGISTRY_CORE_"))}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", **extra)
    return env


def run(args: Sequence[str], *, code: int = 0, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs
    )
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    return done


def pip(*args: str | Path, python: str | Path = sys.executable, **kwargs: Any) -> None:
    run([python, "-m", "pip", *args, "--no-index", "--no-deps", "-q"], **kwargs)


def stdlib_entry_points(*entries: str | Path) -> list[tuple[str, str, str, str, str | None]]:
    """``(scope, distribution, version, module, attr)`` per entry point of our group,
    as ``importlib.metadata.entry_points`` gives them with ``sys.path`` = ``entries``."""
    saved = sys.path[:]
    sys.path[:] = [str(e) for e in entries]
    importlib.invalidate_caches()
    try:
        return sorted(
            (ep.name, ep.dist.metadata["Name"], ep.dist.version, ep.module, ep.attr)
            for ep in importlib.metadata.entry_points(group=GROUP)
            if ep.dist is not None
        )
    finally:
        sys.path[:] = saved
        importlib.invalidate_caches()


def stdlib_requires(name: str, *entries: str | Path) -> list[str] | None:
    saved = sys.path[:]
    sys.path[:] = [str(e) for e in entries]
    importlib.invalidate_caches()
    try:
        return importlib.metadata.requires(name)
    finally:
        sys.path[:] = saved
        importlib.invalidate_caches()


def discovered(*entries: str | Path) -> list[tuple[str, str, str, str, str | None]]:
    """The same tuples, from discovery's scan of ``entries``."""
    return sorted(
        (r.scope, r.distribution, r.version, r.module, r.attr)
        for r in scan([str(e) for e in entries]).entry_points
    )


@pytest.fixture
def on_path(plugin_site: PluginSite) -> Iterator[list[str]]:
    """Put entries on ``sys.path`` (after the plugin site) for the test; take them off after."""
    added: list[str] = []
    yield added
    for entry in added:
        while entry in sys.path:
            sys.path.remove(entry)
        sys.path_importer_cache.pop(entry, None)
    for name in [m for m in sys.modules if m.split(".")[0] in {"eggdet", "tgtdet", "whldet"}]:
        del sys.modules[name]
    importlib.invalidate_caches()


def add_to_path(on_path: list[str], entry: str | Path) -> None:
    on_path.append(str(entry))
    sys.path.insert(0, str(entry))
    importlib.invalidate_caches()
    registry_core.refresh()


# -- 1. two installs of one project in one folder ----------------------------------------


def test_pip_target_upgrade_uses_the_newest_install(env: Env, tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    pip("install", "--target", env.site, build_wheel(wheels, "tgtdet", "1.0"))
    pip("install", "--target", env.site, "--upgrade", build_wheel(wheels, "tgtdet", "2.0"))
    site = str(env.site)
    # pip replaced the package but left the old metadata folder behind:
    assert {"tgtdet-1.0.dist-info", "tgtdet-2.0.dist-info"} <= set(os.listdir(site))
    assert "VERSION = '2.0'" in (env.site / "tgtdet" / "registry.py").read_text()
    # the standard library takes whichever os.listdir gives first
    first = next(n for n in os.listdir(site) if n.startswith("tgtdet-"))
    assert [e[2] for e in stdlib_entry_points(site)] == [first.split("-")[1][: -len(".dist")]]

    result = scan([site])

    assert discovered(site) == [("tgtdet", "tgtdet", "2.0", "tgtdet.registry", None)]
    (diagnostic,) = result.diagnostics
    assert diagnostic.path == os.path.join(site, "tgtdet-1.0.dist-info")
    assert "second install of tgtdet (version 1.0)" in diagnostic.message
    assert "uses the newest version, 2.0" in diagnostic.message

    out = env.run("check").stdout
    flat = " ".join(out.split())
    assert (
        f"warning: discovery skipped {os.path.join('site-packages', 'tgtdet-1.0.dist-info')}"
        in (flat)
    )
    assert "second install of tgtdet (version 1.0)" in flat
    assert out.endswith("check passed: 1 of 1 plugin loaded; 1 warning\n")
    (plugin,) = env.json("check")["plugins"]
    assert (plugin["version"], plugin["status"]) == ("2.0", "loaded")
    assert plugin["path"] == os.path.join(site, "tgtdet-2.0.dist-info")


@pytest.mark.parametrize(
    ("names", "winner"),
    [
        (("toydet-1.0.dist-info", "toydet-2.0.dist-info"), "2.0"),
        (("toydet-10.0.dist-info", "toydet-9.0.dist-info"), "10.0"),
        (("Toy.Det-1.0rc1.dist-info", "toy_det-1.0.dist-info"), "1.0"),
        (("toydet-2023.1_custom.dist-info", "toydet-0.1.dist-info"), "0.1"),
    ],
)
def test_the_newest_of_two_installs_in_one_folder_wins(
    tmp_path: Path, names: tuple[str, str], winner: str
) -> None:
    site = tmp_path / "site"
    for name in names:
        version = name.rpartition(".")[0].partition("-")[2].replace("_", "-")
        write_tree(
            site,
            {
                name: {
                    "METADATA": f"Metadata-Version: 2.1\nName: toydet\nVersion: {version}\n",
                    "entry_points.txt": f"[{GROUP}]\ntoydet = toydet.v{len(version)}\n",
                }
            },
        )
    result = scan([str(site)])
    (record,) = result.entry_points
    assert record.version == winner
    (diagnostic,) = result.diagnostics
    assert os.path.basename(diagnostic.path) != os.path.basename(record.path)
    if "custom" in "".join(names):
        assert "'2023.1-custom' is not a PEP 440 version, so it cannot be compared" in (
            diagnostic.message
        )


def test_an_older_install_that_still_advertises_loses_to_a_newer_one_that_does_not(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    write_tree(
        site,
        {
            "toydet-1.0.dist-info": {
                "METADATA": "Metadata-Version: 2.1\nName: toydet\nVersion: 1.0\n",
                "entry_points.txt": f"[{GROUP}]\ntoydet = toydet.registry\n",
            },
            "toydet-2.0.dist-info": {"METADATA": "Name: toydet\nVersion: 2.0\n"},
            "toydet-3.0.dist-info": {},  # a leftover without METADATA: not an install
        },
    )
    result = scan([str(site)])
    assert result.entry_points == ()
    assert [os.path.basename(d.path) for d in result.diagnostics] == [
        "toydet-1.0.dist-info",
        "toydet-3.0.dist-info",
    ]
    assert "and so are its registry_core.scopes entry points" in result.diagnostics[0].message


# -- 3. pip's stash of an interrupted upgrade --------------------------------------------


@pytest.fixture
def bare_venv(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A virtualenv without pip, its site-packages, and an environment that runs our pip in it."""
    import pip as pip_package

    root = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(root)
    python = root / ("Scripts" if os.name == "nt" else "bin") / "python"
    only_pip = tmp_path / "only-pip"
    only_pip.mkdir()
    (only_pip / "pip").symlink_to(Path(pip_package.__file__).parent, target_is_directory=True)
    env = child_env(PYTHONPATH=str(only_pip))
    purelib = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], env=env
    ).stdout.strip()
    return python, Path(purelib), env


#: Runs pip, killed (os._exit) at one point of an upgrade, as a Ctrl-C or a kill would.
KILLED_PIP = """
import os, sys
import pip._internal.req.req_install as req_install
original = req_install.InstallRequirement.install
def install(self, *args, **kwargs):
    if sys.argv[1] == "after":
        original(self, *args, **kwargs)  # the new version is in place; the stash is not gone
    os._exit(9)
req_install.InstallRequirement.install = install
from pip._internal.cli.main import main
main(["install", "--no-index", "--no-deps", "-q", "--upgrade", sys.argv[2]])
"""


@pytest.mark.parametrize("killed", ["after", "before"])
def test_pip_stash_of_an_interrupted_upgrade_is_ignored(
    bare_venv: tuple[Path, Path, dict[str, str]], tmp_path: Path, killed: str
) -> None:
    python, site, env = bare_venv
    wheels = tmp_path / "wheels"
    pip("install", build_wheel(wheels, "tgtdet", "1.0"), python=python, env=env)
    run([python, "-c", KILLED_PIP, killed, build_wheel(wheels, "tgtdet", "2.0")], code=9, env=env)
    stashes = sorted(n for n in os.listdir(site) if n.startswith("~") and n.endswith(".dist-info"))
    assert stashes == ["~gtdet-1.0.dist-info"]  # pip's name for the stashed tgtdet-1.0.dist-info
    stash = os.path.join(site, stashes[0])

    result = scan([str(site)])

    # The standard library reads the stash as one more distribution named tgtdet:
    stdlib = stdlib_entry_points(site)
    assert ("tgtdet", "tgtdet", "1.0", "tgtdet.registry", None) in stdlib
    if killed == "after":
        assert discovered(site) == [("tgtdet", "tgtdet", "2.0", "tgtdet.registry", None)]
        assert len(stdlib) == 2  # so with importlib.metadata alone the scope is claimed twice
    else:
        assert discovered(site) == []
    (diagnostic,) = result.diagnostics
    assert diagnostic.path == stash
    assert "It is ignored, as pip ignores it" in diagnostic.message
    assert "pip install --force-reinstall tgtdet" in diagnostic.message


# -- 4. legacy egg-info: requirements only in requires.txt ---------------------------------

#: The egg-info folder setuptools 65.5 writes (``setup.py egg_info``) for a project with
#: ``install_requires=["registry-core<0.1"]`` and two extras sections: no Requires-Dist.
OLD_EGG_INFO = {
    "PKG-INFO": "Metadata-Version: 2.1\nName: eggdet\nVersion: 1.0\nProvides-Extra: torch\n",
    "SOURCES.txt": "setup.py\neggdet/__init__.py\neggdet/registry.py\n",
    "dependency_links.txt": "\n",
    "entry_points.txt": f"[{GROUP}]\neggdet = eggdet.registry\n",
    "requires.txt": "registry-core<0.1\n\n[:python_version>='3']\nnumpy\n\n[torch]\ntorch>=2\n",
    "top_level.txt": "eggdet\n",
}


def test_requires_txt_of_a_legacy_egg_info_is_read(plugin_site: PluginSite) -> None:
    plugin_site.add(
        {
            "eggdet.egg-info": OLD_EGG_INFO,
            "eggdet": {"__init__.py": "", "registry.py": registry_source()},
        }
    )
    site = str(plugin_site.path)
    (record,) = scan([site]).entry_points
    assert list(record.requires) == stdlib_requires("eggdet", site)
    assert record.requires == (
        "registry-core<0.1",
        "numpy; python_version>='3'",
        'torch>=2; extra == "torch"',
    )
    with pytest.raises(IncompatiblePluginError, match=r"it requires registry-core<0\.1"):
        MODELS.get("eggdet.NetA")
    assert "eggdet" not in sys.modules


def test_requires_dist_wins_over_requires_txt(plugin_site: PluginSite) -> None:
    info = dict(OLD_EGG_INFO, **{"PKG-INFO": OLD_EGG_INFO["PKG-INFO"] + "Requires-Dist: numpy\n"})
    plugin_site.add({"eggdet.egg-info": info})
    site = str(plugin_site.path)
    (record,) = scan([site]).entry_points
    assert list(record.requires) == stdlib_requires("eggdet", site) == ["numpy"]


def setuptools_project(root: Path, *, requires: Sequence[str] = ("registry-core>=0.1",)) -> Path:
    """A setup.py project ``eggdet`` whose registry module registers ``NetA``."""
    write_tree(
        root,
        {
            "setup.py": textwrap.dedent(
                f"""\
                from setuptools import setup
                setup(
                    name="eggdet",
                    version="1.0",
                    packages=["eggdet"],
                    zip_safe=True,
                    install_requires={list(requires)!r},
                    extras_require={{"torch": ["torch>=2"]}},
                    entry_points={{"{GROUP}": ["eggdet = eggdet.registry"]}},
                )
                """
            ),
            "eggdet": {"__init__.py": "", "registry.py": registry_source()},
        },
    )
    return root


def test_setuptools_egg_info_requirements_agree(tmp_path: Path) -> None:
    project = setuptools_project(tmp_path / "project", requires=["registry-core<0.1", "numpy"])
    run([sys.executable, "setup.py", "-q", "egg_info"], cwd=project, env=child_env())
    assert (project / "eggdet.egg-info" / "requires.txt").exists()

    (record,) = scan([str(project)]).entry_points

    assert list(record.requires) == stdlib_requires("eggdet", project)
    assert record.requires[:2] == ("registry-core<0.1", "numpy")


# -- 5. eggs and zips on sys.path ------------------------------------------------------------


@pytest.fixture
def egg(tmp_path: Path) -> Path:
    """A zipped egg that setuptools built (``setup.py bdist_egg``)."""
    project = setuptools_project(tmp_path / "egg-project")
    run(
        [sys.executable, "setup.py", "-q", "bdist_egg", "--dist-dir", tmp_path / "eggs"],
        cwd=project,
        env=child_env(),
    )
    (built,) = (tmp_path / "eggs").iterdir()
    return built


def check_loads(on_path: list[str], entry: Path, scope: str) -> None:
    add_to_path(on_path, entry)
    info = registry_core.available_scopes()[scope]
    assert info.path.startswith(str(entry))
    assert MODELS.get(f"{scope}.NetA") is not None
    assert registry_core.available_scopes()[scope].status == "loaded"


def test_a_zipped_egg_on_sys_path(egg: Path, on_path: list[str]) -> None:
    assert egg.suffix == ".egg" and zipfile.is_zipfile(egg)
    expected = [("eggdet", "eggdet", "1.0", "eggdet.registry", None)]
    assert discovered(egg) == stdlib_entry_points(egg) == expected
    (record,) = scan([str(egg)]).entry_points
    assert record.path == os.path.join(egg, "EGG-INFO")
    assert list(record.requires) == stdlib_requires("eggdet", egg)
    check_loads(on_path, egg, "eggdet")
    assert sys.modules["eggdet.registry"].__file__.startswith(str(egg))


def test_an_egg_folder_on_sys_path(egg: Path, tmp_path: Path, on_path: list[str]) -> None:
    folder = (
        tmp_path / "unzipped" / egg.name
    )  # what easy_install made of an egg that is not zip-safe
    with zipfile.ZipFile(egg) as archive:
        archive.extractall(folder)
    assert (folder / "EGG-INFO" / "PKG-INFO").is_file()
    expected = [("eggdet", "eggdet", "1.0", "eggdet.registry", None)]
    assert discovered(folder) == stdlib_entry_points(folder) == expected
    check_loads(on_path, folder, "eggdet")


def test_a_wheel_on_sys_path(tmp_path: Path, on_path: list[str]) -> None:
    wheel = build_wheel(
        tmp_path / "wheels",
        "whldet",
        "3.1",
        entry_points=f"[{GROUP}]\nwhldet = whldet.registry:NetA\n",
    )
    expected = [("whldet", "whldet", "3.1", "whldet.registry", "NetA")]
    assert discovered(wheel) == stdlib_entry_points(wheel) == expected
    check_loads(on_path, wheel, "whldet")


def test_a_zipped_target_folder_on_sys_path(tmp_path: Path, on_path: list[str]) -> None:
    target = tmp_path / "target"
    wheels = tmp_path / "wheels"
    pip("install", "--target", target, build_wheel(wheels, "tgtdet", "1.0"))
    pip("install", "--target", target, "--upgrade", build_wheel(wheels, "tgtdet", "2.0"))
    archive = Path(shutil.make_archive(str(tmp_path / "bundle"), "zip", target))

    assert discovered(archive) == [("tgtdet", "tgtdet", "2.0", "tgtdet.registry", None)]
    assert [e[2] for e in stdlib_entry_points(archive)] in (["1.0"], ["2.0"])  # the zip's order
    assert [os.path.basename(d.path) for d in scan([str(archive)]).diagnostics] == [
        "tgtdet-1.0.dist-info"
    ]
    check_loads(on_path, archive, "tgtdet")
    assert MODELS.get("tgtdet.NetA").version == "2.0"


def test_zips_are_read_without_importlib_metadata(egg: Path, deps: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_tree(site, {"dirdet-1.0.dist-info": {"METADATA": "Name: dirdet\nVersion: 1.0\n"}})
    code = textwrap.dedent(
        """\
        import sys, json, registry_core
        first = registry_core.available_scopes()
        seen = {"zipfile": "zipfile" in sys.modules}
        sys.path.append(sys.argv[1])
        net = registry_core.MODELS.get("eggdet.NetA")
        seen["found"] = net is not None and net.__module__ == "eggdet.registry"
        seen["metadata"] = "importlib.metadata" in sys.modules
        seen["first"] = sorted(first)
        print(json.dumps(seen))
        """
    )
    done = run(
        [sys.executable, "-S", "-c", code, egg],
        env=child_env(PYTHONPATH=os.pathsep.join([str(deps), str(site)])),
        cwd=tmp_path,
    )
    assert json.loads(done.stdout) == {
        "zipfile": False,  # no file on the path: zipfile is never imported
        "found": True,  # the egg, added at run time, is found at the first lookup
        "metadata": False,
        "first": [],
    }


# -- 6. versions that are not PEP 440 --------------------------------------------------------

#: What setuptools 65.5 writes for ``version="2023.1-custom"`` (with a warning).
CUSTOM_EGG_INFO = {
    "PKG-INFO": "Metadata-Version: 2.1\nName: customdet\nVersion: 2023.1-custom\n",
    "entry_points.txt": f"[{GROUP}]\ncustomdet = customdet.registry\n",
    "requires.txt": "registry-core>=0.1\n",
    "top_level.txt": "customdet\n",
}


def test_a_version_that_is_not_pep_440_is_listed(plugin_site: PluginSite) -> None:
    plugin_site.add(
        {
            "customdet-2023.1_custom-py3.11.egg-info": CUSTOM_EGG_INFO,
            "customdet": {"__init__.py": "", "registry.py": registry_source()},
        }
    )
    site = str(plugin_site.path)
    assert discovered(site) == stdlib_entry_points(site)
    info = registry_core.available_scopes()["customdet"]
    assert (info.version, info.status) == ("2023.1-custom", "discovered")
    assert MODELS.get("customdet.NetA") is not None  # its requirement accepts the running version


def test_a_plugin_with_a_version_that_is_not_pep_440_can_be_incompatible(
    plugin_site: PluginSite,
) -> None:
    info = dict(CUSTOM_EGG_INFO, **{"requires.txt": "registry-core<0.1\n"})
    plugin_site.add({"customdet-2023.1_custom-py3.11.egg-info": info})
    with pytest.raises(IncompatiblePluginError) as error:
        MODELS.get("customdet.NetA")
    assert "from distribution customdet 2023.1-custom is not compatible" in str(error.value)
    assert error.value.version == "2023.1-custom"


def test_a_running_version_that_is_not_pep_440_cannot_be_compared(
    deps: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    plugins = {"gedet": "registry-core>=0.1", "eqdet": "registry-core===0.1.0-custom", "anydet": ""}
    for name, requirement in plugins.items():
        write_tree(
            site,
            {
                f"{name}-1.0.dist-info": {
                    "METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
                    + (f"Requires-Dist: {requirement}\n" if requirement else ""),
                    "entry_points.txt": f"[{GROUP}]\n{name} = {name}.registry\n",
                },
                name: {"__init__.py": "", "registry.py": registry_source()},
            },
        )
    # a registry-core built by an old setuptools from a fork: the running version
    write_tree(
        site,
        {
            "registry_core-0.1.0_custom.dist-info": {
                "METADATA": "Metadata-Version: 2.1\nName: registry-core\nVersion: 0.1.0-custom\n"
            }
        },
    )
    code = textwrap.dedent(
        """\
        import json, registry_core
        table = registry_core.load_all()
        print(json.dumps([registry_core.__version__]
                         + [[s, i.status, i.error] for s, i in table.items()]))
        """
    )
    done = run(
        [sys.executable, "-S", "-c", code],
        env=child_env(
            PYTHONPATH=os.pathsep.join([str(site), str(deps)]), REGISTRY_CORE_CACHE_DIR=""
        ),
        cwd=tmp_path,
    )
    running, *rows = json.loads(done.stdout)
    assert running == "0.1.0-custom"
    statuses = {scope: status for scope, status, _ in rows}
    assert statuses == {"anydet": "loaded", "eqdet": "loaded", "gedet": "incompatible"}
    (error,) = [e for scope, _, e in rows if scope == "gedet"]
    assert (
        "it requires registry-core>=0.1, and the running version '0.1.0-custom' is not a PEP 440 "
        "version, so it cannot be compared with >=0.1"
    ) in error


# -- 7. a plugin installed while the process runs ------------------------------------------


def test_pip_install_while_the_process_runs(tmp_path: Path, deps: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    wheel = build_wheel(tmp_path / "wheels", "latedet", "1.0")
    code = textwrap.dedent(
        """\
        import subprocess, sys, registry_core
        print(registry_core.MODELS.get("latedet.NetA"))  # scans: nothing there yet
        subprocess.run([sys.argv[1], "-m", "pip", "install", "-q", "--no-index", "--no-deps",
                        "--target", sys.argv[2], sys.argv[3]], check=True)
        net = registry_core.MODELS.get("latedet.NetA")  # no refresh()
        print(net.__module__, registry_core.available_scopes()["latedet"].status)
        """
    )
    done = run(
        [sys.executable, "-S", "-c", code, sys.executable, site, wheel],
        env=child_env(PYTHONPATH=os.pathsep.join([str(deps), str(site)])),
        cwd=tmp_path,
    )
    assert done.stdout.splitlines() == ["None", "latedet.registry loaded"]


def test_stdlib_helpers_see_what_they_are_given(tmp_path: Path) -> None:
    """The comparison helpers read the path they are given, and only that."""
    site = tmp_path / "site"
    write_tree(
        site,
        {
            "a-1.0.dist-info": {
                "METADATA": "Name: a\nVersion: 1.0\nRequires-Dist: b\n",
                "entry_points.txt": f"[{GROUP}]\na = a.registry:make [x]\n",
            }
        },
    )
    assert stdlib_entry_points(site) == [("a", "a", "1.0", "a.registry", "make")]
    assert stdlib_entry_points(tmp_path) == []
    assert stdlib_requires("a", site) == ["b"]
