"""What MMEngine code uses, and that costs nothing to offer, is here under MMEngine's names.

(The roots themselves are compared with MMEngine's own ``root.py`` in
``tests/test_author_mistakes.py``; the deliberate differences are pinned in
``tests/test_mmengine_differences.py``.)
"""

from __future__ import annotations

import json

import pytest

import registry_core
from registry_core import (
    MODELS,
    Registry,
    count_registered_modules,
    traverse_registry_tree,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def test_register_module_works_without_parentheses() -> None:
    R = Registry("thing", scope="no_parens")

    @R.register_module
    class Plain:
        pass

    @R.register_module()
    class WithParens:
        pass

    assert R.get("Plain") is Plain and R.get("WithParens") is WithParens
    assert R.register_module(len) is len and R.get("len") is len  # a callable, positionally
    with pytest.raises(TypeError, match="name must be None, a str or a list/tuple of str"):
        R.register_module(42)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("key", "split"),
    [("mmdet.ResNet", ("mmdet", "ResNet")), ("ResNet", (None, "ResNet")), ("a.b.C", ("a", "b.C"))],
)
def test_split_scope_key(key: str, split: tuple[str | None, str]) -> None:
    assert Registry.split_scope_key(key) == split
    assert MODELS.split_scope_key(key) == split


def test_traverse_registry_tree_has_mmengines_shape(capsys: pytest.CaptureFixture[str]) -> None:
    root = Registry("thing", scope="parity_root")
    child = Registry("thing", parent=root, scope="parity_child")
    # names grouped by the folder of their module, as MMEngine does ('json.decoder' -> 'json')
    child.register_module(name="Decoder", module=json.decoder.JSONDecoder)
    child.register_module(name="Encoder", module=json.encoder.JSONEncoder)
    child.register_module(name="Dumps", module=json.dumps)
    info = traverse_registry_tree(child)
    assert info == [
        {"num_modules": 0, "scope": "parity_root"},
        {"num_modules": 3, "scope": "parity_child", "json": ["Decoder", "Encoder"], "": ["Dumps"]},
    ]
    assert capsys.readouterr().out.splitlines() == [
        "Find 0 modules in parity_root's 'thing' registry",
        "Find 3 modules in parity_child's 'thing' registry",
    ]
    assert traverse_registry_tree(root, verbose=False) == info
    assert capsys.readouterr().out == ""


def test_count_registered_modules_covers_every_root(tmp_path: Path) -> None:
    child = Registry("model", parent=MODELS, scope="parity_count")
    child.register_module(name="Net", module=dict)
    scan = count_registered_modules(save_path=str(tmp_path), verbose=False)
    assert set(scan) == {"scan_date", "registries"}
    assert list(scan["registries"]) == list(registry_core.roots.ROOTS)
    models = scan["registries"]["MODELS"]
    assert {"num_modules": 1, "scope": "parity_count", "": ["Net"]} in models
    saved = json.loads((tmp_path / "modules_statistic_results.json").read_text())
    assert saved == scan
