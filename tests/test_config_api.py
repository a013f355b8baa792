"""The public face of the config side: lazy names, and what ``import registry_core`` costs."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

import registry_core
from registry_core import ConfigError, RegistryError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

# (``import registry_core`` imports nothing of the config side: tests/test_import_cost.py)


def test_the_config_names_load_on_first_use() -> None:
    code = (
        "import sys\n"
        "import registry_core\n"
        "assert 'registry_core.config' not in sys.modules\n"
        "load = registry_core.load_config\n"
        "print('registry_core.config' in sys.modules, 'registry_core.discovery' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # loading the config side does not start discovery either
    assert out.stdout.split() == ["True", "False"]


def test_the_public_names() -> None:
    from registry_core import config

    assert registry_core.load_config is config.load_config
    assert registry_core.dump_config is config.dump_config
    assert registry_core.Config is config.Config
    assert {"Config", "load_config", "dump_config"} <= set(registry_core.__all__)
    assert {"Config", "load_config", "dump_config"} <= set(dir(registry_core))


def test_load_errors_are_config_errors_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "cfg.py"
    path.write_text("a = 1\nimport os\n")
    with pytest.raises(ConfigError) as info:
        registry_core.load_config(path)
    error = info.value
    assert isinstance(error, RegistryError) and isinstance(error, ValueError)
    assert (error.file, error.line, error.issues) == (str(path), 2, ())
    twin = pickle.loads(pickle.dumps(error))
    assert (twin.file, twin.line, str(twin)) == (error.file, error.line, str(error))


def test_load_config_takes_paths_and_checks_trusted(tmp_path: Path) -> None:
    (tmp_path / "cfg.json").write_text('{"a": 1}')
    assert registry_core.load_config(str(tmp_path / "cfg.json")) == {"a": 1}
    with pytest.raises(TypeError, match="trusted is a bool"):
        registry_core.load_config(tmp_path / "cfg.json", trusted="yes")  # type: ignore[arg-type]
