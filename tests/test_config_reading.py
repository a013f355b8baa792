"""How a config file's bytes become its text: UTF-8, a BOM dropped, line ends as Python reads them.

The loader reads a file in one ``read`` of its bytes (issue 18, speed), not through a
text-mode reader; these tests hold it to what the text-mode reader gave: a UTF-8 BOM
is dropped, ``\\r\\n`` and ``\\r`` line ends read as ``\\n`` (in multi-line strings too),
and a file that is not UTF-8 is a ``ConfigError`` naming the byte.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from registry_core import ConfigError, load_config

BOM = b"\xef\xbb\xbf"

FILES = {
    "c.py": b"a = dict(x=1)\nnote = '''one\ntwo'''\n",
    "c.json": b'{"a": {"x": 1}, "note": "one\\ntwo"}\n',
    "c.yaml": b"a:\n  x: 1\nnote: |-\n  one\n  two\n",
    "c.toml": b'note = """one\ntwo"""\n[a]\nx = 1\n',
}


@pytest.mark.parametrize("name", sorted(FILES))
@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_bom_and_line_ends_read_as_a_text_file(
    tmp_path: Path, name: str, bom: bool, newline: bytes
) -> None:
    data = FILES[name].replace(b"\n", newline)
    path = tmp_path / name
    path.write_bytes((BOM if bom else b"") + data)
    assert load_config(path) == {"a": {"x": 1}, "note": "one\ntwo"}


def test_a_file_that_is_not_utf8_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes(b"a = 'caf\xe9'\n")
    with pytest.raises(
        ConfigError, match=r"not UTF-8 text \(invalid continuation byte at byte 8\)"
    ):
        load_config(path)
    path.write_bytes(BOM + b"a = 'caf\xe9'\n")  # the BOM is not counted, as before
    with pytest.raises(ConfigError, match=r"at byte 8\)"):
        load_config(path)


def test_a_large_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.py"
    path.write_text("x = [\n" + "    'item',\n" * 50_000 + "]\n")
    assert len(load_config(path)["x"]) == 50_000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("name", ["pipe.py", "pipe.json"])
def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path, name: str) -> None:
    # The file's existence is looked at only once a load fails (one stat less per load):
    # reading must then refuse a pipe at once, as the check before every load did.
    pipe = tmp_path / name
    os.mkfifo(pipe)
    failures: list[BaseException] = []

    def load() -> None:
        try:
            load_config(pipe)
        except BaseException as exc:  # handed to the test's thread
            failures.append(exc)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "load_config waited on a named pipe"
    assert len(failures) == 1 and isinstance(failures[0], ConfigError)
    assert f"{pipe}: no such config file" in str(failures[0])
    assert failures[0].file == str(pipe)


def test_a_folder_or_a_missing_file_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "folder.py").mkdir()
    with pytest.raises(ConfigError, match=r"folder\.py: no such config file \(it is a folder\)"):
        load_config(tmp_path / "folder.py")
    with pytest.raises(ConfigError, match=r"gone\.py: no such config file$"):
        load_config(tmp_path / "gone.py")
