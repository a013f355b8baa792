"""Lookup through a tree of scopes.

The tree every test here uses (scope names in brackets, names registered in
each node after the colon)::

                        [zoo] root: Animal
                       /                  \\
            [hound]: Hound, Shared      [cat]: Cat, Shared
             /            \\                      \\
   [little_hound]:   [mid_hound]: Mid        [tabby]: Tabby
     Dachshund                \\
                          [tiny]: Tiny, Animal

It is four levels deep, so own names, the parent walk, children, siblings,
uncles, cousins and multi-level keys can all be exercised.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry_core import NotRegisteredError, Registry, _keys


class Tree:
    def __init__(self) -> None:
        self.zoo = Registry("animal", scope="zoo")
        self.hound = Registry("animal", parent=self.zoo, scope="hound")
        self.little = Registry("animal", parent=self.hound, scope="little_hound")
        self.mid = Registry("animal", parent=self.hound, scope="mid_hound")
        self.tiny = Registry("animal", parent=self.mid, scope="tiny")
        self.cat = Registry("animal", parent=self.zoo, scope="cat")
        self.tabby = Registry("animal", parent=self.cat, scope="tabby")
        self.objects: dict[tuple[str, str], type] = {}
        for node, names in [
            (self.zoo, ["Animal"]),
            (self.hound, ["Hound", "Shared"]),
            (self.little, ["Dachshund"]),
            (self.mid, ["Mid"]),
            (self.tiny, ["Tiny", "Animal"]),
            (self.cat, ["Cat", "Shared"]),
            (self.tabby, ["Tabby"]),
        ]:
            for name in names:
                cls = type(name, (), {})
                node.register_module(module=cls)
                self.objects[(node.scope, name)] = cls

    def obj(self, scope: str, name: str) -> type:
        return self.objects[(scope, name)]


@pytest.fixture
def tree() -> Tree:
    return Tree()


def test_own_name(tree: Tree) -> None:
    assert tree.tiny.get("Tiny") is tree.obj("tiny", "Tiny")


def test_parent_walk_nearest_first(tree: Tree) -> None:
    # tiny -> mid_hound -> hound -> zoo
    assert tree.tiny.get("Hound") is tree.obj("hound", "Hound")
    assert tree.tiny.get("Mid") is tree.obj("mid_hound", "Mid")
    # tiny's own Animal shadows the root's
    assert tree.tiny.get("Animal") is tree.obj("tiny", "Animal")
    assert tree.mid.get("Animal") is tree.obj("zoo", "Animal")


def test_unscoped_never_looks_down_or_sideways(tree: Tree) -> None:
    assert tree.zoo.get("Hound") is None
    assert tree.cat.get("Hound") is None
    assert tree.little.get("Mid") is None


def test_child_scope(tree: Tree) -> None:
    assert tree.zoo.get("hound.Hound") is tree.obj("hound", "Hound")
    assert tree.hound.get("little_hound.Dachshund") is tree.obj("little_hound", "Dachshund")


def test_sibling_uncle_cousin(tree: Tree) -> None:
    # sibling
    assert tree.little.get("mid_hound.Mid") is tree.obj("mid_hound", "Mid")
    # uncle: cat is tiny's great-uncle, tabby a cousin's child
    assert tree.tiny.get("cat.Cat") is tree.obj("cat", "Cat")
    assert tree.little.get("tabby.Tabby") is tree.obj("tabby", "Tabby")
    # cousin towards the hound side
    assert tree.tabby.get("little_hound.Dachshund") is tree.obj("little_hound", "Dachshund")


def test_scoped_rest_walks_up_from_the_scope(tree: Tree) -> None:
    # 'tiny.Hound': Hound is not in tiny itself, but in its ancestor hound
    assert tree.zoo.get("tiny.Hound") is tree.obj("hound", "Hound")
    # 'hound.Shared' and 'cat.Shared' differ: the scope decides
    assert tree.tabby.get("hound.Shared") is tree.obj("hound", "Shared")
    assert tree.little.get("cat.Shared") is tree.obj("cat", "Shared")


def test_multi_level_keys(tree: Tree) -> None:
    assert tree.zoo.get("hound.little_hound.Dachshund") is tree.obj("little_hound", "Dachshund")
    assert tree.cat.get("hound.mid_hound.tiny.Tiny") is tree.obj("tiny", "Tiny")
    assert tree.zoo.get("hound.mid_hound.Hound") is tree.obj("hound", "Hound")


def test_own_scope_prefix_resolves_to_itself(tree: Tree) -> None:
    assert tree.hound.get("hound.Hound") is tree.obj("hound", "Hound")
    assert tree.tiny.get("zoo.Animal") is tree.obj("zoo", "Animal")


def test_breadth_first_prefers_own_subtree() -> None:
    """A scope under the registry itself wins over the same scope elsewhere."""
    root = Registry("m", scope="r0")
    a = Registry("m", parent=root, scope="a")
    b = Registry("m", parent=root, scope="b")
    shared_a = Registry("m", parent=a, scope="shared")
    shared_b = Registry("m", parent=b, scope="shared")
    x_a = shared_a.register_module(name="X", module=type("XA", (), {}))
    x_b = shared_b.register_module(name="X", module=type("XB", (), {}))
    assert a.get("shared.X") is x_a
    assert b.get("shared.X") is x_b
    assert root.get("shared.X") is x_a  # breadth-first, children in creation order


@pytest.mark.parametrize(
    "key",
    ["", ".", "hound.", ".Hound", "hound..Hound", "nowhere.Hound", "Nothing", "hound.Nothing"],
)
def test_misses_are_none(tree: Tree, key: str) -> None:
    assert tree.zoo.get(key) is None
    assert key not in tree.zoo
    assert tree.zoo.get(key, "fallback") == "fallback"
    with pytest.raises(NotRegisteredError):
        tree.zoo[key]


@pytest.mark.parametrize("key", [1, None, b"Hound", ("hound",), ["x"]])
def test_non_str_keys_raise_type_error(tree: Tree, key: object) -> None:
    with pytest.raises(TypeError, match="registry keys are str"):
        tree.zoo.get(key)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="registry keys are str"):
        tree.zoo[key]  # type: ignore[index]
    with pytest.raises(TypeError, match="registry keys are str"):
        _ = key in tree.zoo


def test_getitem_and_contains_agree_with_get(tree: Tree) -> None:
    assert tree.tabby["cat.Cat"] is tree.obj("cat", "Cat")
    assert "cat.Cat" in tree.tabby
    assert "Cat" in tree.tabby
    assert "Cat" not in tree.hound


def test_not_registered_message(tree: Tree) -> None:
    with pytest.raises(NotRegisteredError) as info:
        tree.cat["Hund"]
    error = info.value
    text = str(error)
    assert text.startswith("Hund is not in the cat::animal registry")
    assert not text.startswith("'")  # no KeyError quotes
    assert error.key == "Hund"
    assert error.registry == "animal"
    assert error.scope == "cat"

    with pytest.raises(NotRegisteredError) as info:
        tree.cat["Dachshund"]
    assert info.value.found_in == ("little_hound",)
    assert "little_hound (as 'little_hound.Dachshund')" in str(info.value)

    with pytest.raises(NotRegisteredError) as info:
        tree.cat["cat.Tabbi"]
    # 'Tabby' is not visible from cat: the suggestion is the key that works from there
    assert info.value.suggestions == ("tabby.Tabby",)
    with pytest.raises(NotRegisteredError) as info:
        tree.tabby["Tabbi"]
    assert "Did you mean: 'Tabby'?" in str(info.value)
    assert info.value.suggestions == ("Tabby",)


def test_close_matches_ignore_case(tree: Tree) -> None:
    with pytest.raises(NotRegisteredError) as info:
        tree.hound["hound"]
    assert info.value.suggestions[0] == "Hound"


def _difflib_close_matches(word: str, candidates: list[str], limit: int = 3) -> list[str]:
    """What ``close_matches`` returned before it skipped difflib (the reference), with
    issue 19's floor (0.65: 'depth' is no match for 'width') and never the word itself."""
    import difflib

    pool = sorted(set(candidates) - {word})
    if not pool:
        return []
    folded = word.casefold()
    same_case_free = [c for c in pool if c.casefold() == folded and c != word]
    by_case = {c.casefold(): c for c in pool}
    similar = [
        by_case[m] for m in difflib.get_close_matches(folded, list(by_case), n=limit, cutoff=0.65)
    ]
    return list(dict.fromkeys(same_case_free + similar))[:limit]


_NAMES = st.text(alphabet="abcAB_xyzXYZ.", max_size=12)


@settings(max_examples=400, deadline=None)
@given(word=_NAMES, candidates=st.lists(_NAMES, max_size=8), limit=st.integers(1, 4))
def test_close_matches_are_difflibs(word: str, candidates: list[str], limit: int) -> None:
    assert _keys.close_matches(word, candidates, limit) == _difflib_close_matches(
        word, candidates, limit
    )


def test_close_matches_skip_difflib_when_no_length_can_match() -> None:
    code = (
        "import sys\n"
        "from registry_core import _keys\n"
        "print(_keys.close_matches('mmdet', ['registry_core', 'a']), 'difflib' in sys.modules)\n"
        "print(_keys.close_matches('mmdet', ['mmdet2', 'MMDET']), 'difflib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[] False", "['MMDET', 'mmdet2'] True"]


def test_key_never_imports_a_module(tree: Tree) -> None:
    """Deliberately unlike MMEngine: no dotted import-path fallback."""
    before = set(sys.modules)
    for key in ["os", "os.path.join", "json.dumps", "xml.dom.minidom.parseString", "antigravity"]:
        assert tree.zoo.get(key) is None
    assert set(sys.modules) == before


def test_listing_is_sorted_and_counts_aliases() -> None:
    reg = Registry("m", scope="listing")
    reg.register_module(name=["b", "a"], module=len)
    reg.register_module(name="c", module=abs)
    assert len(reg) == 3
    assert list(reg) == ["a", "b", "c"]
    assert reg.items() == [("a", len), ("b", len), ("c", abs)]
    assert dict(reg.module_dict) == {"a": len, "b": len, "c": abs}


def test_views_are_read_only(tree: Tree) -> None:
    with pytest.raises(TypeError):
        tree.zoo.children["x"] = tree.cat  # type: ignore[index]
    with pytest.raises(TypeError):
        tree.zoo.module_dict["x"] = len  # type: ignore[index]
    assert set(tree.zoo.children) == {"hound", "cat"}
    assert tree.tiny.root is tree.zoo
    assert tree.tiny.parent is tree.mid
    assert tree.zoo.parent is None


def test_cache_sees_later_registrations(tree: Tree) -> None:
    """A cached hit never hides a nearer registration made afterwards."""
    assert tree.tiny.get("Hound") is tree.obj("hound", "Hound")
    nearer = tree.mid.register_module(name="Hound", module=type("NearHound", (), {}))
    assert tree.tiny.get("Hound") is nearer
    assert tree.zoo.get("hound.mid_hound.tiny.Hound") is nearer


def test_cache_sees_new_children(tree: Tree) -> None:
    assert tree.zoo.get("bird.Bird") is None
    bird = Registry("animal", parent=tree.cat, scope="bird")
    cls = bird.register_module(name="Bird", module=type("Bird", (), {}))
    assert tree.zoo.get("bird.Bird") is cls


@pytest.fixture
def located(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A package whose registry lists ``loc_pkg_demo.models`` as a location."""
    package = tmp_path / "loc_pkg_demo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "from loc_pkg_demo.registry import REG\n@REG.register_module()\nclass Located: pass\n"
    )
    (package / "registry.py").write_text(
        "from registry_core import Registry\n"
        "REG = Registry('m', scope='loc_pkg_demo', locations=['loc_pkg_demo.models'])\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        from loc_pkg_demo.registry import REG  # type: ignore[import-not-found]

        yield REG
    finally:
        for name in [m for m in sys.modules if m.startswith("loc_pkg_demo")]:
            del sys.modules[name]


def test_locations_imported_on_first_lookup(located: Registry) -> None:
    assert "loc_pkg_demo.models" not in sys.modules
    assert located.children == {}  # children imports nothing
    assert "loc_pkg_demo.models" not in sys.modules
    assert located.get("Located") is sys.modules["loc_pkg_demo.models"].Located


@pytest.mark.parametrize(
    "listing",
    [len, list, lambda r: r.items(), lambda r: r.module_dict],
    ids=["len", "iter", "items", "module_dict"],
)
def test_locations_imported_on_listing(located: Registry, listing) -> None:  # type: ignore[no-untyped-def]
    assert "loc_pkg_demo.models" not in sys.modules
    listing(located)
    assert "loc_pkg_demo.models" in sys.modules
    assert list(located) == ["Located"]


def test_failing_location_raises_with_note_and_retries(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "loc_broken_demo.py").write_text("raise RuntimeError('broken location')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = Registry("m", scope="loc_broken", locations=["loc_broken_demo"])
    for _ in range(2):  # not marked done: the next lookup tries again
        with pytest.raises(RuntimeError, match="broken location") as info:
            reg.get("X")
        assert "listed in the locations of the loc_broken::m registry" in info.value.__notes__[0]


def test_found_in_hint_covers_names_in_unimported_locations(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "loc_hint_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "registry.py").write_text(
        "import registry_core\n"
        "FUNCS = registry_core.Registry('function', parent=registry_core.FUNCTIONS,\n"
        "                               scope='loc_hint', locations=['loc_hint_pkg.funcs'])\n"
    )
    (package / "funcs.py").write_text(
        "from loc_hint_pkg.registry import FUNCS\n"
        "@FUNCS.register_module()\n"
        "def hinted(): return 1\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    from registry_core import FUNCTIONS

    importlib.import_module("loc_hint_pkg.registry")
    assert "loc_hint_pkg.funcs" not in sys.modules
    with pytest.raises(NotRegisteredError) as info:
        FUNCTIONS["hinted"]
    assert info.value.found_in == ("loc_hint",)
    assert str(info.value) == (
        "hinted is not in the registry_core::function registry. "
        "'hinted' is registered in scope: loc_hint (as 'loc_hint.hinted')"
    )
