"""``import registry_core`` imports no plugin code and no metadata machinery."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

FORBIDDEN = [
    *("importlib.metadata", "packaging", "registry_core.discovery", "typing", "torch"),
    # the config side: loading, validating, and what they need
    *("registry_core.config", "registry_core.validation", "ast", "json", "tomllib", "tomli"),
    "yaml",
]


def test_import_is_lazy() -> None:
    code = (
        "import sys, json\n"
        "before = set(sys.modules)\n"
        "import registry_core\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": ":".join(p for p in sys.path if p)},
    )
    added = json.loads(out.stdout)
    assert "registry_core.registry" in added
    for name in FORBIDDEN:
        assert not any(m == name or m.startswith(name + ".") for m in added), (name, added)


def test_version_and_discovery_load_on_first_use() -> None:
    code = (
        "import sys\n"
        "import registry_core\n"
        "assert 'registry_core.discovery' not in sys.modules\n"
        "v = registry_core.__version__\n"
        "print(v, 'importlib.metadata' in sys.modules, 'packaging' in sys.modules)\n"
        "registry_core.available_scopes\n"
        "print('registry_core.discovery' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    version_line, discovery_line = out.stdout.splitlines()
    version, metadata_imported, packaging_imported = version_line.split()
    from registry_core._version import VERSION

    assert version == VERSION
    assert (metadata_imported, packaging_imported) == ("False", "False")
    assert discovery_line == "True"


def test_one_scan_on_first_need() -> None:
    code = (
        "import registry_core, sys\n"
        "R = registry_core.Registry('m', scope='local')\n"
        "R.register_module(name='X', module=len)\n"
        "assert R.get('X') is len and R.get('Y') is None and R.build({'type': dict}) == {}\n"
        "assert 'registry_core.discovery' not in sys.modules, 'unscoped lookups never scan'\n"
        "from registry_core.discovery import _scan\n"
        "calls = []\n"
        "real = _scan.scan\n"
        "import registry_core.discovery._loader as st\n"
        "st.scan = lambda paths: calls.append(1) or real(paths)\n"
        "for _ in range(3):\n"
        "    R.get('nowhere.X'); registry_core.available_scopes()\n"
        "print(len(calls))\n"
        "registry_core.refresh()\n"
        "print(len(calls))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "2"]


def test_validate_command_of_unknown_types_imports_only_what_it_needs(tmp_path: Path) -> None:
    """``registry-core validate`` of a config whose types are all unknown (an
    OpenMMLab config without its codebase) reads no signature and asks no
    terminal: no ``inspect``, ``dataclasses``, ``shutil``, ``difflib``, ``json``,
    ``textwrap``, and no scan for the installed version (that is for ``--version``)."""
    (tmp_path / "base.py").write_text("model = dict(type='Detector', depth=50)\n")
    config = tmp_path / "config.py"
    config.write_text(
        textwrap.dedent(
            """\
            _base_ = ['./base.py']
            default_scope = 'mmdet'
            train_pipeline = [dict(type='LoadImageFromFile'), dict(type='Resize', scale=(1, 2))]
            """
        )
    )
    code = (
        "import sys\n"
        "from registry_core.cli import main\n"
        f"status = main(['validate', {str(config)!r}])\n"
        "print(status, sorted(m for m in ('inspect', 'dataclasses', 'shutil', 'difflib', 'json',"
        " 'textwrap', 'registry_core._version') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": ":".join(p for p in sys.path if p)},
    )
    assert "model: unknown type 'Detector'" in out.stdout
    assert out.stdout.splitlines()[-1] == "1 []"
