"""Reusing what was read of a base file whose path, modification time and size are unchanged.

The tests show reuse by its one visible effect: a base rewritten in place with
the same size and its old modification time restored is *not* read again.
That is what the cache promises (and why a file modified in the last two
seconds is never kept: a rewrite within one tick of the file-system clock
would look the same).
"""

from __future__ import annotations

import os
import time

import pytest

from registry_core import load_config
from registry_core.config import _cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

OLD_NS = time.time_ns() - 3600 * 10**9


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    _cache.clear()
    yield
    _cache.clear()


def age(*paths: Path) -> None:
    for path in paths:
        os.utime(path, ns=(OLD_NS, OLD_NS))


def rewrite_in_place(path: Path, text: str) -> None:
    """New content, same size, same inode, the old modification time."""
    assert len(text.encode()) == path.stat().st_size
    with open(path, "r+", encoding="utf-8") as f:
        f.write(text)
    age(path)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    base = tmp_path / "base.py"
    child = tmp_path / "child.py"
    base.write_text("depth = 50\n")
    child.write_text("_base_ = 'base.py'\n")
    age(base, child)
    return base, child


def test_an_unchanged_base_is_not_read_again(files: tuple[Path, Path]) -> None:
    base, child = files
    assert load_config(child) == {"depth": 50}
    rewrite_in_place(base, "depth = 18\n")
    assert load_config(child) == {"depth": 50}  # reused: path, mtime and size unchanged
    assert load_config(base) == {"depth": 50}


def test_a_new_modification_time_is_read_again(files: tuple[Path, Path]) -> None:
    base, child = files
    assert load_config(child) == {"depth": 50}
    rewrite_in_place(base, "depth = 18\n")
    os.utime(base, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert load_config(child) == {"depth": 18}


def test_a_new_size_is_read_again(files: tuple[Path, Path]) -> None:
    base, child = files
    assert load_config(child) == {"depth": 50}
    base.write_text("depth = 101\n")
    age(base)
    assert load_config(child) == {"depth": 101}


def test_a_recently_modified_file_is_not_kept(tmp_path: Path) -> None:
    base = tmp_path / "base.py"
    base.write_text("depth = 50\n")  # modified just now
    assert load_config(base) == {"depth": 50}
    with open(base, "r+", encoding="utf-8") as f:
        f.write("depth = 18\n")
    stat = base.stat()
    os.utime(base, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert load_config(base) == {"depth": 18}


def test_a_changed_environment_variable_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "base.yaml"
    child = tmp_path / "child.json"
    base.write_text("root: '{{$RC_ROOT:/default}}'\n")
    child.write_text('{"_base_": "base.yaml"}')
    age(base, child)
    monkeypatch.delenv("RC_ROOT", raising=False)
    assert load_config(child) == {"root": "/default"}
    monkeypatch.setenv("RC_ROOT", "/data")
    assert load_config(child) == {"root": "/data"}
    monkeypatch.setenv("RC_ROOT", "/other")
    assert load_config(base) == {"root": "/other"}


def test_a_deleted_base_is_noticed(files: tuple[Path, Path]) -> None:
    base, child = files
    assert load_config(child) == {"depth": 50}
    base.unlink()
    with pytest.raises(Exception, match="does not exist"):
        load_config(child)


def test_every_load_gets_its_own_values(files: tuple[Path, Path]) -> None:
    _, child = files
    first = load_config(child)
    first["depth"] = 0
    first["new"] = [1]
    assert load_config(child) == {"depth": 50}


def test_safe_and_trusted_loads_are_kept_apart(tmp_path: Path) -> None:
    base = tmp_path / "base.py"
    base.write_text("import os\nsep = os.sep\n")
    age(base)
    assert load_config(base, trusted=True) == {"sep": os.sep}
    with pytest.raises(Exception, match="an import of os"):
        load_config(base)
