"""``import registry_core`` imports no plugin code and no metadata machinery."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ["importlib.metadata", "packaging", "registry_core.discovery", "typing", "torch"]


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
