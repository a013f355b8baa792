"""The scan of installed-distribution metadata (``registry_core.discovery._scan``).

Every test builds site folders under ``tmp_path`` with the fake-distribution
helpers and scans them in process: ``scan`` is pure, it imports nothing found.
"""

from __future__ import annotations

import doctest
import errno
import importlib
import importlib.metadata
import os
import sys

import pytest

from registry_core import _fakedist
from registry_core._fakedist import distribution_tree, write_tree
from registry_core.discovery import _layout, _metadata, _records, _scan
from registry_core.discovery._scan import (
    GROUP,
    Diagnostic,
    EntryPointRecord,
    PathWatch,
    ScanResult,
    find_version,
    normalize_name,
    path_fingerprint,
    scan,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path
    from typing import Any


# -- helpers ------------------------------------------------------------------


def make_site(path: Path, *trees: Mapping[str, Any]) -> str:
    """Write the trees into the folder ``path``; return it as a ``sys.path`` entry."""
    path.mkdir(parents=True, exist_ok=True)
    for tree in trees:
        write_tree(path, tree)
    return str(path)


def plugin(
    name: str = "toydet",
    version: str = "1.0",
    scopes: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """A distribution advertising ``scopes`` (by default ``{name}`` -> ``{name}.registry``)."""
    if scopes is None:
        scopes = {name: f"{name}.registry"}
    return distribution_tree(name, version, scopes=scopes, **kwargs)


def with_file(tree: dict[str, Any], filename: str, content: object) -> dict[str, Any]:
    """Replace one file of the tree's ``.dist-info``: a dict makes a folder, ``None`` removes."""
    (info,) = (value for key, value in tree.items() if key.endswith(".dist-info"))
    if content is None:
        del info[filename]
    else:
        info[filename] = content
    return tree


def record(
    site: str,
    folder: str,
    scope: str,
    module: str,
    *,
    distribution: str = "toydet",
    key: str | None = None,
    version: str = "1.0",
    requires: Sequence[str] = (),
    attr: str | None = None,
) -> EntryPointRecord:
    return EntryPointRecord(
        scope=scope,
        module=module,
        attr=attr,
        distribution=distribution,
        key=normalize_name(distribution) if key is None else key,
        version=version,
        requires=tuple(requires),
        path=os.path.join(site, folder),
    )


def only(*records: EntryPointRecord) -> ScanResult:
    return ScanResult(entry_points=records, diagnostics=())


def leftover_message(path: str, metadata: str = "METADATA", *, advertised: bool = False) -> str:
    also = f", and so are its {GROUP} entry points" if advertised else ""
    return (
        f"{path} has no {metadata} file, so it is not an installed distribution and is "
        f"ignored{also}. It is probably left over from an interrupted install or uninstall: "
        "delete the leftover folder."
    )


def malformed_message(ep_path: str, problem: str, name: str = "toydet") -> str:
    return (
        f"{ep_path}, {problem}, so none of {name}'s {GROUP} entry points are used. "
        f"Reinstall it: pip install --force-reinstall {name} (if the file was edited or "
        "damaged), else report this to its authors."
    )


TOYDET = "toydet-1.0.dist-info"


def stdlib_eps(*entries: str, raising: bool = True) -> list[Any] | None:
    """Our group's entry points as ``importlib.metadata.entry_points`` gives them with
    ``sys.path`` set to ``entries``; with ``raising=False``, ``None`` where it raises."""
    saved = sys.path[:]
    sys.path[:] = list(entries)
    importlib.invalidate_caches()
    try:
        return list(importlib.metadata.entry_points(group=GROUP))
    except Exception:
        if raising:
            raise
        return None
    finally:
        sys.path[:] = saved
        importlib.invalidate_caches()


def stdlib_entry_points(*entries: str, raising: bool = True) -> list[tuple[str, str]] | None:
    """``(name, module)`` of each of :func:`stdlib_eps`."""
    eps = stdlib_eps(*entries, raising=raising)
    return None if eps is None else [(ep.name, ep.module) for ep in eps]


# -- plain plugins --------------------------------------------------------------


def test_plain_plugin_gives_one_record(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        plugin(
            "toydet",
            "1.2.0",
            requires=["registry-core>=0.1"],
            modules={"toydet/__init__.py": "", "toydet/registry.py": "X = 1\n"},
        ),
    )

    assert scan([site]) == only(
        record(
            site,
            "toydet-1.2.0.dist-info",
            "toydet",
            "toydet.registry",
            version="1.2.0",
            requires=["registry-core>=0.1"],
        )
    )


def test_every_scope_of_a_distribution_in_file_order(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        distribution_tree(
            "Toy_Det",
            scopes={"toydet": "toydet.registry", "toydet_seg": "toydet.seg.registry"},
            entry_points={"console_scripts": {"toydet": "toydet.cli:main"}},
        ),
    )

    assert scan([site]) == only(
        record(site, "Toy_Det-1.0.dist-info", "toydet", "toydet.registry", distribution="Toy_Det"),
        record(
            site,
            "Toy_Det-1.0.dist-info",
            "toydet_seg",
            "toydet.seg.registry",
            distribution="Toy_Det",
        ),
    )


def test_tolerated_entry_points_syntax(tmp_path: Path) -> None:
    text = (
        "# written by hand\r\n\r\n[console_scripts]\r\ntoydet = toydet.cli:main\r\n"
        f"[{GROUP}]\r\n   toydet   =   toydet.registry   \r\n"
        f"[{GROUP}.extra]\r\nother = other.registry\r\n[ {GROUP} ]\r\nspaced = spaced.registry\r\n"
        f"[[{GROUP}]]\r\n\tbracketed=bracketed.registry\r\n"
    )
    site = make_site(tmp_path / "site", with_file(plugin(), "entry_points.txt", text))

    assert scan([site]) == only(
        record(site, TOYDET, "toydet", "toydet.registry"),
        record(site, TOYDET, "bracketed", "bracketed.registry"),
    )
    assert stdlib_entry_points(site) == [
        ("toydet", "toydet.registry"),
        ("bracketed", "bracketed.registry"),
    ]


def test_egg_info_directories(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "hound.egg-info": {
                "PKG-INFO": "Metadata-Version: 1.2\nName: hound\nVersion: 0.3.dev0\n",
                "entry_points.txt": f"[{GROUP}]\nhound = hound.registry\n",
            },
            "Little_Hound-2.0-py3.11.egg-info": {
                "PKG-INFO": "Metadata-Version: 2.1\nName: little-hound\nVersion: 2.0\n",
                "entry_points.txt": f"[{GROUP}]\nlittle_hound = little_hound.registry\n",
            },
        },
    )

    assert scan([site]) == only(
        record(
            site,
            "Little_Hound-2.0-py3.11.egg-info",
            "little_hound",
            "little_hound.registry",
            distribution="little-hound",
            version="2.0",
        ),
        record(
            site,
            "hound.egg-info",
            "hound",
            "hound.registry",
            distribution="hound",
            version="0.3.dev0",
        ),
    )


def test_two_distributions_with_one_scope_are_both_returned(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        plugin("toydet", scopes={"det": "toydet.registry"}),
        plugin("otherdet", scopes={"det": "otherdet.registry"}),
    )

    assert scan([site]) == only(
        record(site, "otherdet-1.0.dist-info", "det", "otherdet.registry", distribution="otherdet"),
        record(site, TOYDET, "det", "toydet.registry"),
    )


# -- one distribution seen several times ------------------------------------------


def test_a_path_listed_twice_is_scanned_once(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", plugin(), {"toydet-0.9.dist-info": {}})
    leftover = os.path.join(site, "toydet-0.9.dist-info")

    expected = ScanResult(
        entry_points=(record(site, TOYDET, "toydet", "toydet.registry"),),
        diagnostics=(
            Diagnostic(path=leftover, distribution=None, message=leftover_message(leftover)),
        ),
    )
    assert scan([site, site]) == expected
    assert scan([site, site + os.sep, os.path.join(site, ".")]) == expected


def test_a_symlinked_site_is_scanned_once_under_its_first_spelling(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", plugin())
    link = tmp_path / "link"
    try:
        link.symlink_to(site, target_is_directory=True)
    except OSError:  # pragma: no cover - symlinks need a privilege on Windows
        pytest.skip("cannot create symlinks here")

    assert scan([str(link), site]) == only(record(str(link), TOYDET, "toydet", "toydet.registry"))
    assert scan([site, str(link)]) == only(record(site, TOYDET, "toydet", "toydet.registry"))


def test_the_first_install_on_the_path_wins(tmp_path: Path) -> None:
    user = make_site(tmp_path / "user", plugin("Toy.Det", "2.0", scopes={"toydet": "toydet.v2"}))
    system = make_site(tmp_path / "system", plugin("toy_det", "1.0", scopes={"old": "toydet.v1"}))

    assert scan([user, system]) == only(
        record(
            user,
            "Toy_Det-2.0.dist-info",
            "toydet",
            "toydet.v2",
            distribution="Toy.Det",
            version="2.0",
        )
    )
    assert scan([system, user]) == only(
        record(system, "toy_det-1.0.dist-info", "old", "toydet.v1", distribution="toy_det")
    )


def test_an_earlier_install_shadows_even_when_it_advertises_nothing(tmp_path: Path) -> None:
    editable = make_site(tmp_path / "editable", distribution_tree("toydet", "2.0.dev0"))
    regular = make_site(tmp_path / "regular", plugin())
    legacy = make_site(tmp_path / "legacy", {"toydet-0.5-py3.11.egg-info": "Name: toydet\n"})

    assert scan([editable, regular]) == only()
    assert scan([legacy, regular]) == only()
    assert scan([regular, editable]) == only(record(regular, TOYDET, "toydet", "toydet.registry"))


# -- leftovers ---------------------------------------------------------------------


def test_an_empty_leftover_does_not_shadow_and_is_reported(tmp_path: Path) -> None:
    stale = make_site(tmp_path / "stale", {"toydet-0.9.dist-info": {}, "numpy-1.0.dist-info": {}})
    site = make_site(tmp_path / "site", plugin())
    late = make_site(tmp_path / "late", {"ToyDet-0.1.dist-info": {"RECORD": ""}})
    first = os.path.join(stale, "toydet-0.9.dist-info")
    last = os.path.join(late, "ToyDet-0.1.dist-info")

    assert scan([stale, site, late]) == ScanResult(
        entry_points=(record(site, TOYDET, "toydet", "toydet.registry"),),
        diagnostics=(
            Diagnostic(path=first, distribution=None, message=leftover_message(first)),
            Diagnostic(path=last, distribution=None, message=leftover_message(last)),
        ),
    )


def test_a_dist_info_without_metadata_is_reported_and_shadows_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", with_file(plugin(), "METADATA", None))
    egg_site = make_site(
        tmp_path / "eggs", {"hound.egg-info": {"entry_points.txt": f"[{GROUP}]\nhound = hound.r\n"}}
    )
    real = make_site(tmp_path / "real", plugin("toydet", "2.0"))
    path = os.path.join(site, TOYDET)
    egg = os.path.join(egg_site, "hound.egg-info")

    assert scan([site, egg_site, real]) == ScanResult(
        entry_points=(
            record(real, "toydet-2.0.dist-info", "toydet", "toydet.registry", version="2.0"),
        ),
        diagnostics=(
            Diagnostic(
                path=path, distribution=None, message=leftover_message(path, advertised=True)
            ),
            Diagnostic(
                path=egg,
                distribution=None,
                message=leftover_message(egg, "PKG-INFO", advertised=True),
            ),
        ),
    )


# -- broken entry_points.txt ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scopes", "problems"),
    [
        (
            f"toydet = toydet.registry\n[{GROUP}]\n",
            [],
            [
                "line 1: 'toydet = toydet.registry' comes before the first [section] header, "
                "so it is ignored, as importlib.metadata ignores it."
            ],
        ),
        (
            f"[{GROUP}]\ntoydet\ngood = toydet.good\n",
            ["good"],
            [
                "line 2: 'toydet' is not a 'name = value' line, so it is skipped; "
                "importlib.metadata fails on the whole file, which breaks every tool that "
                "lists entry points: fix or delete the line."
            ],
        ),
        (
            f"[{GROUP}\ntoydet = toydet.registry\n",
            [],
            [
                f"line 1: '[{GROUP}' and 1 more line come before the first [section] header, "
                "so they are ignored, as importlib.metadata ignores them."
            ],
        ),
        (f"[{GROUP}]\ntoydet = toydet.registry\n[ ]\nx = y\n", ["toydet"], []),
        (
            f"[{GROUP}]\ntoydet = toydet.registry\n\n[console_scripts]\ntoydet-cli\n",
            ["toydet"],
            [
                "line 5: 'toydet-cli' is not a 'name = value' line, so it is skipped; "
                "importlib.metadata fails on the whole file, which breaks every tool that "
                "lists entry points: fix or delete the line."
            ],
        ),
        (
            f"[{GROUP}]\n[console_scripts\ntoydet = toydet.registry\n",
            ["toydet"],  # the broken header starts no section: the entry stays in ours
            [
                "line 2: '[console_scripts' is neither a [section] header nor a 'name = value' "
                "line, so it is skipped; importlib.metadata fails on the whole file, which "
                "breaks every tool that lists entry points: fix or delete the line."
            ],
        ),
    ],
)
def test_a_bad_line_is_skipped_and_the_rest_is_read(
    tmp_path: Path, text: str, scopes: list[str], problems: list[str]
) -> None:
    site = make_site(tmp_path / "site", with_file(plugin(), "entry_points.txt", text))
    path = os.path.join(site, TOYDET)
    ep_path = os.path.join(path, "entry_points.txt")
    modules = {"toydet": "toydet.registry", "good": "toydet.good"}

    assert scan([site]) == ScanResult(
        entry_points=tuple(record(site, TOYDET, s, modules[s]) for s in scopes),
        diagnostics=tuple(
            Diagnostic(path=path, distribution="toydet", message=f"{ep_path}, {p}")
            for p in problems
        ),
    )
    stdlib = stdlib_entry_points(site, raising=False)
    if stdlib is not None:  # where the standard library does not fail, it agrees
        assert stdlib == [(s, modules[s]) for s in scopes]


# -- hand-edited entry_points.txt ----------------------------------------------------------


def hand_edited(tmp_path: Path, text: str | bytes) -> tuple[str, ScanResult, list[str]]:
    """Scan a site whose toydet has ``text`` as its entry_points.txt.

    Returns the site, the result, and the diagnostics' messages with the file's path cut.
    """
    site = make_site(tmp_path / "site", with_file(plugin(), "entry_points.txt", text))
    result = scan([site])
    prefix = os.path.join(site, TOYDET, "entry_points.txt") + ", "
    assert all(d.message.startswith(prefix) for d in result.diagnostics)
    return site, result, [d.message[len(prefix) :] for d in result.diagnostics]


def test_a_semicolon_comment_is_skipped_with_a_warning(tmp_path: Path) -> None:
    text = f"[{GROUP}]\n; disabled for now\ntoydet = toydet.registry\n"
    site, result, messages = hand_edited(tmp_path, text)

    assert result.entry_points == (record(site, TOYDET, "toydet", "toydet.registry"),)
    assert messages == [
        "line 2: '; disabled for now' is a ';' comment, so it is skipped; importlib.metadata "
        "does not know ';' comments and fails on the whole file, which breaks every tool "
        "that lists entry points: write '#' comments instead."
    ]
    with pytest.raises(TypeError):  # what the standard library does with it
        stdlib_eps(site)


def test_an_entry_commented_out_with_a_semicolon(tmp_path: Path) -> None:
    text = f"[{GROUP}]\n;old = old.registry\ntoydet = toydet.registry\n"
    site, result, messages = hand_edited(tmp_path, text)

    assert result.entry_points == (record(site, TOYDET, "toydet", "toydet.registry"),)
    assert messages == [
        "line 2: ';old = old.registry' looks like an entry point commented out with ';', "
        "which importlib.metadata reads as an entry point named ';old'; discovery ignores "
        "it: comment it out with '#' instead."
    ]
    assert stdlib_entry_points(site) == [(";old", "old.registry"), ("toydet", "toydet.registry")]


def test_a_byte_order_mark_with_crlf_hides_the_first_section_as_for_the_stdlib(
    tmp_path: Path,
) -> None:
    text = (
        f"[{GROUP}]\r\ntoydet = toydet.registry\r\n\r\n[console_scripts]\r\n"
        "toydet = toydet.cli:main\r\n"
    ).encode("utf-8-sig")
    site, result, messages = hand_edited(tmp_path, text)

    assert result.entry_points == ()
    assert stdlib_entry_points(site) == []
    assert messages == [
        f"line 1: '\\ufeff[{GROUP}]' and 1 more line come before the first [section] header, "
        "so they are ignored, as importlib.metadata ignores them. The file starts with a "
        "UTF-8 byte-order mark, which importlib.metadata reads as part of the first line, so "
        "that the section header on it does not count: save the file as UTF-8 without a "
        "byte-order mark."
    ]


def test_a_byte_order_mark_before_a_comment_hides_nothing(tmp_path: Path) -> None:
    text = f"# generated\r\n[{GROUP}]\r\ntoydet = toydet.registry\r\n".encode("utf-8-sig")
    site, result, messages = hand_edited(tmp_path, text)

    assert result.entry_points == (record(site, TOYDET, "toydet", "toydet.registry"),)
    assert stdlib_entry_points(site) == [("toydet", "toydet.registry")]
    assert messages == []


def test_hand_edited_files_never_hide_other_distributions(tmp_path: Path) -> None:
    broken = {
        "semi": f"[{GROUP}]\n; note\nsemi = semi.registry\n",
        "stray": f"stray line\n[{GROUP}]\nstray = stray.registry\n",
        "other": f"[console_scripts]\nno equals sign\n[{GROUP}]\nother = other.registry\n",
        "twice": f"[{GROUP}]\ntwice = twice.a\ntwice = twice.b\n",
        "bom": f"# hi\r\n[{GROUP}]\r\nbom = bom.registry\r\n".encode("utf-8-sig"),
    }
    trees = [with_file(plugin(name), "entry_points.txt", text) for name, text in broken.items()]
    site = make_site(tmp_path / "site", *trees, plugin("gooddet"))

    result = scan([site])

    assert sorted((r.scope, r.module) for r in result.entry_points) == [
        ("bom", "bom.registry"),
        ("gooddet", "gooddet.registry"),
        ("other", "other.registry"),
        ("semi", "semi.registry"),
        ("stray", "stray.registry"),
        ("twice", "twice.a"),
    ]
    assert sorted({os.path.basename(d.path) for d in result.diagnostics}) == [
        "other-1.0.dist-info",
        "semi-1.0.dist-info",
        "stray-1.0.dist-info",
        "twice-1.0.dist-info",
    ]


def test_undecodable_entry_points_drop_the_distribution(tmp_path: Path) -> None:
    text = f"[{GROUP}]\ntoydet = toydet.registry\n# caf\xe9\n".encode("latin-1")
    site = make_site(tmp_path / "site", with_file(plugin(), "entry_points.txt", text))
    path = os.path.join(site, TOYDET)
    problem = "line 3: byte 0xe9 is not valid UTF-8"

    assert scan([site]) == ScanResult(
        entry_points=(),
        diagnostics=(
            Diagnostic(
                path=path,
                distribution="toydet",
                message=malformed_message(os.path.join(path, "entry_points.txt"), problem),
            ),
        ),
    )


def test_undecodable_metadata_is_read_with_replacement(tmp_path: Path) -> None:
    metadata = b"Metadata-Version: 2.1\nName: toyd\xffet\nVersion: 1.0\nSummary: caf\xe9\n"
    site = make_site(tmp_path / "site", with_file(plugin(), "METADATA", metadata))

    assert scan([site]) == only(
        record(site, TOYDET, "toydet", "toydet.registry", distribution="toyd\ufffdet", key="toydet")
    )


# -- broken entries --------------------------------------------------------------------


def entry_message(ep_path: str, line: int, scope: str, value: str, what: str) -> str:
    return (
        f"{ep_path}, line {line}: the {GROUP} entry point {scope!r} = {value!r} {what}, so it "
        "is ignored. Report this to the authors of toydet."
    )


NOT_A_MODULE = (
    "does not name a module (expected 'module', 'module:attribute' or either followed by "
    "'[extras]', with dotted Python names such as 'toydet.registry')"
)
BAD_SCOPE = "has an invalid scope name (it must be non-empty, without '.' or whitespace)"


@pytest.mark.parametrize(
    "value",
    [
        "1abc",
        "",
        "toydet..registry",
        ".toydet",
        "toydet/registry",
        "toydet.registry # comment",
        "toydet.registry:",
        "toydet.registry:a:b",
        "toydet.registry:1st",
        ":attr",
        "toydet.registry [extra",
        "toydet registry",
    ],
)
def test_a_value_that_is_not_a_module_path_is_skipped(tmp_path: Path, value: str) -> None:
    tree = plugin(scopes={"bad": value, "good": "toydet.good"})
    site = make_site(tmp_path / "site", tree)
    path = os.path.join(site, TOYDET)
    ep_path = os.path.join(path, "entry_points.txt")

    assert scan([site]) == ScanResult(
        entry_points=(record(site, TOYDET, "good", "toydet.good"),),
        diagnostics=(
            Diagnostic(
                path=path,
                distribution="toydet",
                message=entry_message(ep_path, 2, "bad", value, NOT_A_MODULE),
            ),
        ),
    )


@pytest.mark.parametrize(
    ("value", "module", "attr"),
    [
        ("toydet.registry", "toydet.registry", None),
        ("toydet.registry:setup", "toydet.registry", "setup"),
        ("toydet.registry:Holder.setup", "toydet.registry", "Holder.setup"),
        ("toydet.registry [torch]", "toydet.registry", None),
        ("toydet.registry:setup [torch, cuda]", "toydet.registry", "setup"),
        ("toydet.registry : setup", "toydet.registry", "setup"),
        ("toydet.registry[torch]", "toydet.registry", None),
        ("toydet [a] [b]", "toydet", None),
    ],
)
def test_entry_point_values_with_attributes_and_extras(
    tmp_path: Path, value: str, module: str, attr: str | None
) -> None:
    site = make_site(tmp_path / "site", plugin(scopes={"toydet": value}))

    assert scan([site]) == only(record(site, TOYDET, "toydet", module, attr=attr))
    eps = stdlib_eps(site)
    assert eps is not None
    assert [(ep.module, ep.attr) for ep in eps] == [(module, attr)]


@pytest.mark.parametrize("scope", ["", "toy.det", "toy det", "toy\tdet"])
def test_an_invalid_scope_name_is_skipped(tmp_path: Path, scope: str) -> None:
    text = f"[{GROUP}]\n{scope} = toydet.registry\ngood = toydet.good\n"
    site = make_site(tmp_path / "site", with_file(plugin(), "entry_points.txt", text))
    path = os.path.join(site, TOYDET)
    ep_path = os.path.join(path, "entry_points.txt")

    assert scan([site]) == ScanResult(
        entry_points=(record(site, TOYDET, "good", "toydet.good"),),
        diagnostics=(
            Diagnostic(
                path=path,
                distribution="toydet",
                message=entry_message(ep_path, 2, scope, "toydet.registry", BAD_SCOPE),
            ),
        ),
    )


def test_a_scope_declared_twice_keeps_the_first(tmp_path: Path) -> None:
    text = (
        f"[{GROUP}]\ntoydet = toydet.registry\nbad = bad/attr\n\n"
        f"[{GROUP}]\ntoydet = toydet.other\nbad = bad.registry\n"
    )
    site = make_site(tmp_path / "site", with_file(plugin(), "entry_points.txt", text))
    path = os.path.join(site, TOYDET)
    ep_path = os.path.join(path, "entry_points.txt")

    def again(line: int, scope: str, first: int) -> str:
        return (
            f"{ep_path}, line {line}: scope {scope!r} is declared again (first on line {first}); "
            "only the first declaration is used, as importlib.metadata uses it. Report this to "
            "the authors of toydet."
        )

    assert scan([site]) == ScanResult(
        entry_points=(record(site, TOYDET, "toydet", "toydet.registry"),),
        diagnostics=(
            Diagnostic(
                path=path,
                distribution="toydet",
                message=entry_message(ep_path, 3, "bad", "bad/attr", NOT_A_MODULE),
            ),
            Diagnostic(path=path, distribution="toydet", message=again(6, "toydet", 2)),
            Diagnostic(path=path, distribution="toydet", message=again(7, "bad", 3)),
        ),
    )
    eps = stdlib_eps(site)
    assert eps is not None
    assert importlib.metadata.EntryPoints(eps)["toydet"].value == "toydet.registry"


def test_the_framework_scope_is_reserved(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        plugin(scopes={"registry_core": "toydet.registry", "toydet": "toydet.registry"}),
    )
    path = os.path.join(site, TOYDET)
    ep_path = os.path.join(path, "entry_points.txt")
    what = "claims the scope 'registry_core', which is reserved for the framework's own registries"

    assert scan([site]) == ScanResult(
        entry_points=(record(site, TOYDET, "toydet", "toydet.registry"),),
        diagnostics=(
            Diagnostic(
                path=path,
                distribution="toydet",
                message=entry_message(ep_path, 2, "registry_core", "toydet.registry", what),
            ),
        ),
    )


# -- broken METADATA ---------------------------------------------------------------------


def reinstall_message(metadata: str, problem: str, name: str = "toydet") -> str:
    return (
        f"{metadata} {problem}, so the distribution is ignored. "
        f"Reinstall it: pip install --force-reinstall {name}"
    )


@pytest.mark.parametrize(
    "version", ["2023.1-custom", "1.0 final", "latest", "1.0-", "1.0+", "2!", "\u0661.\u0660"]
)
def test_a_version_that_is_not_pep_440_is_kept_as_written(tmp_path: Path, version: str) -> None:
    site = make_site(tmp_path / "site", plugin(version=version))
    (folder,) = os.listdir(site)

    assert scan([site]) == only(record(site, folder, "toydet", "toydet.registry", version=version))
    assert importlib.metadata.Distribution.at(os.path.join(site, folder)).version == version


@pytest.mark.parametrize(
    "version", ["v1.0", "2!1.0rc1.post2.dev3+local.7", "1.0-1", "1.0.POST", "0.3.dev0"]
)
def test_permissive_pep440_versions_are_kept_as_written(tmp_path: Path, version: str) -> None:
    site = make_site(tmp_path / "site", plugin(version=version))
    (folder,) = os.listdir(site)

    assert scan([site]) == only(record(site, folder, "toydet", "toydet.registry", version=version))


@pytest.mark.parametrize(
    ("metadata", "distribution", "problem"),
    [
        ("Metadata-Version: 2.1\nVersion: 1.0\n", None, "has no Name field"),
        ("Metadata-Version: 2.1\nName:   \nVersion: 1.0\n", None, "has no Name field"),
        ("Metadata-Version: 2.1\nName: toydet\n", "toydet", "has no Version field"),
        ("Name: toydet\n\nVersion: 1.0\n", "toydet", "has no Version field"),
    ],
)
def test_missing_name_or_version_drops_the_distribution(
    tmp_path: Path, metadata: str, distribution: str | None, problem: str
) -> None:
    site = make_site(tmp_path / "site", with_file(plugin(), "METADATA", metadata))
    path = os.path.join(site, TOYDET)

    assert scan([site]) == ScanResult(
        entry_points=(),
        diagnostics=(
            Diagnostic(
                path=path,
                distribution=distribution,
                message=reinstall_message(os.path.join(path, "METADATA"), problem),
            ),
        ),
    )


def test_requires_dist_in_order_with_markers(tmp_path: Path) -> None:
    metadata = (
        "Metadata-Version: 2.1\n"
        "Name: toydet\n"
        "version: 1.0\n"
        "Requires-Dist: registry-core>=0.1,<2\n"
        "requires-dist: numpy>=1.20;\n"
        '  python_version >= "3.10"\n'
        "Summary: a toy detector\n"
        "   over two lines\n"
        'REQUIRES-DIST: torch; extra == "torch"\n'
        "\n"
        "Requires-Dist: not-a-header\n"
    )
    expected = (
        "registry-core>=0.1,<2",
        'numpy>=1.20;  python_version >= "3.10"',
        'torch; extra == "torch"',
    )
    lf = make_site(tmp_path / "lf", with_file(plugin(), "METADATA", metadata))
    crlf = make_site(
        tmp_path / "crlf", with_file(plugin(), "METADATA", metadata.replace("\n", "\r\n"))
    )

    for site in (lf, crlf):
        assert scan([site]) == only(
            record(site, TOYDET, "toydet", "toydet.registry", requires=expected)
        )


def test_distribution_tree_requires_are_kept(tmp_path: Path) -> None:
    requires = ["registry-core>=0.1", "numpy; python_version >= '3.10'", 'torch; extra == "torch"']
    site = make_site(tmp_path / "site", plugin(requires=requires))

    assert scan([site]).entry_points[0].requires == tuple(requires)


def test_only_the_metadata_header_block_is_read(tmp_path: Path) -> None:
    header = "Metadata-Version: 2.1\r\nName: toydet\r\nVersion: 1.0\r\n\r\n"
    body = "A long description.\n" * 10_000
    site = make_site(tmp_path / "site", with_file(plugin(), "METADATA", header + body))

    read = _layout.read(os.path.join(site, TOYDET, "METADATA"), header_only=True)

    assert read is not None
    assert read.startswith(header.encode())
    assert len(read) < len(body) // 10
    assert scan([site]) == only(record(site, TOYDET, "toydet", "toydet.registry"))


# -- unreadable files --------------------------------------------------------------------


def test_a_metadata_file_that_cannot_be_read_shadows_and_is_reported(tmp_path: Path) -> None:
    broken = make_site(tmp_path / "broken", with_file(plugin(), "METADATA", {"oops": ""}))
    site = make_site(tmp_path / "site", plugin())
    path = os.path.join(broken, TOYDET)
    metadata = os.path.join(path, "METADATA")
    message = (
        f"cannot read {metadata} ({os.strerror(errno.EISDIR)}), so the distribution is "
        "ignored. Fix the file or reinstall it: pip install --force-reinstall toydet"
    )

    assert scan([broken, site]) == ScanResult(
        entry_points=(),
        diagnostics=(Diagnostic(path=path, distribution=None, message=message),),
    )


def test_an_entry_points_file_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", with_file(plugin(), "entry_points.txt", {"oops": ""}))
    path = os.path.join(site, TOYDET)
    ep_path = os.path.join(path, "entry_points.txt")
    message = (
        f"cannot read {ep_path} ({os.strerror(errno.EISDIR)}), so the distribution is "
        "ignored. Fix the file or reinstall it: pip install --force-reinstall toydet"
    )

    assert scan([site]) == ScanResult(
        entry_points=(),
        diagnostics=(Diagnostic(path=path, distribution="toydet", message=message),),
    )


# -- what is not ours -------------------------------------------------------------------


def test_unrelated_distributions_never_produce_diagnostics(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        plugin(),
        {
            "numpy-1.0.dist-info": {},
            "stray.dist-info": "a file, not a folder",
            "old-1.0-py3.11.egg-info": "Metadata-Version: 1.0\nName: old\n",
            "garbage-1.0.dist-info": {"entry_points.txt": b"[console_scripts]\n\xff\xfe = x\n"},
            "broken-1.0.dist-info": {
                "METADATA": "Version: not a version\n",
                "entry_points.txt": "stray line\n[console_scripts\n",
            },
            "Registry_Core_Lookalike-1.0.dist-info": {
                "METADATA": "Name: lookalike\n",
                "entry_points.txt": "[Registry_Core.Scopes]\nx = 1abc\n",
            },
        },
        distribution_tree("cli", entry_points={"console_scripts": {"cli": "cli:main"}}),
    )

    assert scan([site]) == only(record(site, TOYDET, "toydet", "toydet.registry"))


def test_a_file_merely_mentioning_the_group_gives_nothing(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        distribution_tree(
            "toydet",
            entry_points={
                f"{GROUP}.extra": {"toydet": "toydet.registry"},
                "console_scripts": {"show": f"show:{GROUP.replace('.', '_')}"},
            },
        ),
    )

    assert scan([site]) == only()


def test_path_entries_that_are_not_directories_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site", plugin())
    archive = tmp_path / "python311.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))
    monkeypatch.chdir(site)
    entries: list[Any] = [
        str(tmp_path / "missing"),
        str(archive),
        "bad\0path",
        tmp_path / "site",  # not a str: skipped, as the import system does
        "",
    ]

    assert scan(entries) == only(record(os.getcwd(), TOYDET, "toydet", "toydet.registry"))
    assert scan([]) == only()


def test_many_distributions_only_the_advertising_ones(tmp_path: Path) -> None:
    plugins = {0: "plugin0", 250: "plugin1", 500: "plugin2", 750: "plugin3", 999: "plugin4"}
    trees: list[Mapping[str, Any]] = []
    for i in range(1000):
        name = f"pkg{i:04d}"
        if i in plugins:
            trees.append(plugin(name, scopes={plugins[i]: f"{name}.registry"}))
        elif i % 10:
            groups = {"console_scripts": {name: f"{name}.cli:main"}, "pytest11": {name: name}}
            trees.append(distribution_tree(name, entry_points=groups))
        else:
            trees.append(distribution_tree(name))
    site = make_site(tmp_path / "site", *trees)

    assert scan([site]) == only(
        *(
            record(
                site,
                f"pkg{i:04d}-1.0.dist-info",
                scope,
                f"pkg{i:04d}.registry",
                distribution=f"pkg{i:04d}",
            )
            for i, scope in plugins.items()
        )
    )


def test_diagnostics_come_in_path_order(tmp_path: Path) -> None:
    first = make_site(tmp_path / "a", {"zeta-1.0.dist-info": {"entry_points.txt": f"[{GROUP}]\n"}})
    second = make_site(
        tmp_path / "b", {"alpha-1.0.dist-info": {"entry_points.txt": f"[{GROUP}]\n"}}
    )
    zeta = os.path.join(first, "zeta-1.0.dist-info")
    alpha = os.path.join(second, "alpha-1.0.dist-info")

    result = scan([first, second])

    assert [d.path for d in result.diagnostics] == [zeta, alpha]
    assert result.diagnostics[1] == Diagnostic(
        path=alpha, distribution=None, message=leftover_message(alpha, advertised=True)
    )


# -- names pip ignores, eggs -------------------------------------------------------------


@pytest.mark.parametrize(
    "folder", ["~oydet-1.0.dist-info", "~-ydet-1.0.dist-info", "_toydet-1.0.dist-info"]
)
def test_folders_whose_name_pip_rejects_are_ignored(tmp_path: Path, folder: str) -> None:
    stash = with_file(plugin(), "METADATA", "Metadata-Version: 2.1\nName: toydet\nVersion: 0.9\n")
    site = make_site(tmp_path / "site", {folder: stash.pop(TOYDET)}, plugin())

    result = scan([site])

    assert result.entry_points == (record(site, TOYDET, "toydet", "toydet.registry"),)
    (diagnostic,) = result.diagnostics
    assert diagnostic.path == os.path.join(site, folder)
    assert "It is ignored, as pip ignores it" in diagnostic.message
    if folder.startswith("~"):
        assert "pip install --force-reinstall toydet" in diagnostic.message


def test_a_stash_that_advertises_nothing_is_not_reported(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"~umpy-1.0.dist-info": {"METADATA": "Name: numpy\n"}})
    assert scan([site]) == only()


def test_egg_info_folders_count_in_eggs_only(tmp_path: Path) -> None:
    info = {
        "PKG-INFO": "Metadata-Version: 1.2\nName: hound\nVersion: 0.3\n",
        "entry_points.txt": f"[{GROUP}]\nhound = hound.registry\n",
    }
    plain = make_site(tmp_path / "plain", {"EGG-INFO": info})
    egg = make_site(tmp_path / "eggs" / "Hound-0.3-py3.11.egg", {"EGG-INFO": info})

    assert scan([plain]) == only()
    assert stdlib_entry_points(plain) == []
    assert scan([egg]) == only(
        record(egg, "EGG-INFO", "hound", "hound.registry", distribution="hound", version="0.3")
    )
    assert stdlib_entry_points(egg) == [("hound", "hound.registry")]


def test_a_zip_without_metadata_and_a_broken_zip_give_nothing(tmp_path: Path) -> None:
    import zipfile

    empty = tmp_path / "python311.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("os.py", "")
    broken = tmp_path / "broken.whl"
    broken.write_bytes(b"PK\x03\x04 not really a zip")

    assert scan([str(empty), str(broken)]) == only()


def test_a_zip_member_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    import zipfile

    wheel = tmp_path / "toydet-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{TOYDET}/entry_points.txt", f"[{GROUP}]\ntoydet = toydet.registry\n")
        archive.writestr(
            f"{TOYDET}/METADATA", "Metadata-Version: 2.1\nName: toydet\nVersion: 1.0\n"
        )
    data = bytearray(wheel.read_bytes())
    assert b"Metadata-Version" not in data  # deflated: corrupt the compressed bytes
    header = data.index(f"{TOYDET}/METADATA".encode()) + len(f"{TOYDET}/METADATA")
    data[header : header + 4] = b"\xff\xff\xff\xff"
    wheel.write_bytes(bytes(data))

    result = scan([str(wheel)])

    assert result.entry_points == ()
    (diagnostic,) = result.diagnostics
    assert diagnostic.message.startswith(f"cannot read {os.path.join(wheel, TOYDET, 'METADATA')} (")


# -- path_fingerprint -----------------------------------------------------------------------

LONG_AGO = (1_000_000_000, 1_000_000_000)


def test_the_fingerprint_changes_when_an_entry_changes(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", plugin())
    other = make_site(tmp_path / "other")
    for folder in (site, other):
        os.utime(folder, LONG_AGO)
    before = path_fingerprint([site, other])

    assert path_fingerprint([site, other]) == before
    assert scan([site, other]).fingerprint == before
    assert path_fingerprint([site]) != before  # an entry left sys.path
    assert path_fingerprint([site, other, str(tmp_path / "new")]) != before
    write_tree(site, plugin("latedet"))  # an install: a new folder in the site
    os.utime(site, (LONG_AGO[0], LONG_AGO[1] + 1))
    assert path_fingerprint([site, other]) != before


def test_a_fingerprint_taken_right_after_a_change_never_matches(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", plugin())  # modified just now
    first = path_fingerprint([site])

    assert path_fingerprint([site]) != first
    os.utime(site, LONG_AGO)
    assert path_fingerprint([site]) == path_fingerprint([site])


def test_a_path_watch_looks_again_when_the_path_is_not_settled(tmp_path: Path) -> None:
    import time

    site = make_site(tmp_path / "site", plugin())
    os.utime(site, LONG_AGO)
    settled = PathWatch(path_fingerprint([site]))
    racy = PathWatch(path_fingerprint([make_site(tmp_path / "fresh", plugin())]))

    assert not settled.changed([site])
    assert racy.changed([str(tmp_path / "fresh")])
    # a loop of lookups does not rescan on every one: the next look is 0.1 s away ...
    assert not racy.changed([str(tmp_path / "fresh")])
    time.sleep(0.2)
    assert racy.changed([str(tmp_path / "fresh")])  # ... and finds it changed, until it settles
    assert PathWatch().changed([site])  # nothing scanned yet: a changed path


def test_a_settled_path_watch_sees_a_change_after_its_pause(tmp_path: Path) -> None:
    import time

    site = make_site(tmp_path / "site", plugin())
    os.utime(site, LONG_AGO)
    watch = PathWatch(path_fingerprint([site]))
    assert not watch.changed([site])
    os.utime(site, (LONG_AGO[0], LONG_AGO[1] + 1))
    time.sleep(0.2)  # a "no" holds for 0.1 s
    assert watch.changed([site])


def test_scan_results_compare_without_their_fingerprint(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", plugin())
    assert scan([site]) == scan([site])
    assert scan([site]).fingerprint != ()


# -- find_version -------------------------------------------------------------------------


def test_find_version_reads_the_first_install_with_metadata(tmp_path: Path) -> None:
    stale = make_site(tmp_path / "stale", {"registry_core-0.0.dist-info": {}})
    site = make_site(tmp_path / "site", distribution_tree("registry-core", "1.2.3"))
    older = make_site(tmp_path / "older", distribution_tree("registry_core", "0.9"))
    broken = make_site(
        tmp_path / "broken", {"registry_core-5.dist-info": {"METADATA": "Name: x\n"}}
    )

    assert find_version("registry-core", [stale, site, older]) == "1.2.3"
    assert find_version("Registry.Core", [older, site]) == "0.9"
    assert find_version("registry-core", [broken, site]) is None
    assert find_version("registry-core", [stale]) is None
    assert find_version("toydet", [stale, site, older, str(tmp_path / "missing")]) is None


def test_find_version_takes_the_newest_of_two_installs_in_one_folder(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        distribution_tree("registry-core", "0.9"),
        distribution_tree("registry_core", "0.10"),
        {"~egistry_core-5.0.dist-info": {"METADATA": "Name: registry-core\nVersion: 5.0\n"}},
    )
    later = make_site(tmp_path / "later", distribution_tree("registry-core", "9.0"))

    assert find_version("registry-core", [site, later]) == "0.10"


@pytest.mark.parametrize(
    "layout",
    [
        ("stale", "site", "older"),
        ("older", "site"),
        ("broken", "site"),
        ("stale",),
        ("two", "later"),
        (),
    ],
)
def test_the_scan_finds_the_framework_version_as_find_version_does(
    tmp_path: Path, layout: tuple[str, ...]
) -> None:
    # Issue 17 (discovery speed): the running version comes from the scan's own walk.
    folders = {
        "stale": ({"registry_core-0.0.dist-info": {}},),
        "site": (distribution_tree("registry-core", "1.2.3"),),
        "older": (distribution_tree("registry_core", "0.9"),),
        "broken": ({"registry_core-5.dist-info": {"METADATA": "Name: x\n"}},),
        "two": (
            distribution_tree("registry-core", "0.9"),
            distribution_tree("registry_core", "0.10"),
        ),
        "later": (distribution_tree("registry-core", "9.0"),),
    }
    paths = [make_site(tmp_path / name, plugin(), *folders[name]) for name in layout]

    assert scan(paths).framework_version == find_version("registry-core", paths)
    assert scan(paths, bridge=False).framework_version == find_version("registry-core", paths)


@pytest.mark.parametrize("size", [8191, 8192, 8193, 16384, 20_000])
def test_entry_points_are_read_to_their_end_whatever_their_size(tmp_path: Path, size: int) -> None:
    # A file is read in chunks of 8 KiB, and a chunk shorter than asked for is
    # its end: the group at the very end of a file around that size is found.
    head, tail = "[console_scripts]\ntool = ", f"\n\n[{GROUP}]\ntoydet = toydet.registry\n"
    text = head + "m" * (size - len(head) - len(tail)) + tail
    assert len(text.encode()) == size
    site = make_site(tmp_path / "site", with_file(plugin(), "entry_points.txt", text))

    (record,) = scan([site]).entry_points
    assert (record.scope, record.module) == ("toydet", "toydet.registry")


# -- value objects, names, doctests ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "normalized"),
    [
        ("toydet", "toydet"),
        ("Toy_Det", "toy-det"),
        ("zope.interface", "zope-interface"),
        ("A-_.B__c", "a-b-c"),
        ("registry_core", "registry-core"),
    ],
)
def test_normalize_name(name: str, normalized: str) -> None:
    assert normalize_name(name) == normalized


def test_value_objects_compare_hash_and_print_by_their_fields() -> None:
    a = Diagnostic(path="p", distribution=None, message="m")

    assert a == Diagnostic(path="p", distribution=None, message="m")
    assert a != Diagnostic(path="p", distribution="x", message="m")
    assert a != ("p", None, "m")
    assert len({a, Diagnostic(path="p", distribution=None, message="m")}) == 1
    assert repr(a) == "Diagnostic(path='p', distribution=None, message='m')"
    assert repr(ScanResult(entry_points=(), diagnostics=(a,))) == (
        f"ScanResult(entry_points=(), diagnostics=({a!r},))"
    )
    r = record("/s", TOYDET, "toydet", "toydet.registry")
    assert repr(r) == (
        "EntryPointRecord(scope='toydet', module='toydet.registry', attr=None, "
        "distribution='toydet', "
        f"key='toydet', version='1.0', requires=(), path={os.path.join('/s', TOYDET)!r})"
    )


@pytest.mark.parametrize("module", [_scan, _records, _metadata, _fakedist])
def test_doctests(module: Any) -> None:
    outcome = doctest.testmod(module)

    assert outcome.attempted > 0
    assert outcome.failed == 0


# -- the fake-distribution helpers --------------------------------------------------------


def test_distribution_tree_builds_a_wheel_install() -> None:
    tree = distribution_tree(
        "Toy-_Det",
        "1.0-1",
        scopes={"toydet": "toydet.registry"},
        requires=["registry-core>=0.1", "numpy; python_version >= '3.10'"],
        modules={"toydet/__init__.py": "", "toydet/nn/net.py": "X = 1\n", "toydet.pth": "/x\n"},
        entry_points={"console_scripts": {"toydet": "toydet.cli:main"}},
        metadata_extra=["Requires-Python: >=3.10"],
    )

    assert tree == {
        "Toy_Det-1.0_1.dist-info": {
            "METADATA": (
                "Metadata-Version: 2.1\nName: Toy-_Det\nVersion: 1.0-1\n"
                "Requires-Dist: registry-core>=0.1\n"
                "Requires-Dist: numpy; python_version >= '3.10'\n"
                "Requires-Python: >=3.10\n"
            ),
            "RECORD": "",
            "entry_points.txt": (
                f"[{GROUP}]\ntoydet = toydet.registry\n\n"
                "[console_scripts]\ntoydet = toydet.cli:main\n"
            ),
        },
        "toydet": {"__init__.py": "", "nn": {"net.py": "X = 1\n"}},
        "toydet.pth": "/x\n",
    }
    assert "entry_points.txt" not in distribution_tree("plain")["plain-1.0.dist-info"]
    assert distribution_tree("e", scopes={})["e-1.0.dist-info"]["entry_points.txt"] == (
        f"[{GROUP}]\n"
    )


def test_distribution_tree_refuses_ambiguous_input() -> None:
    with pytest.raises(ValueError, match="as scopes= or in entry_points="):
        distribution_tree("t", scopes={"a": "a"}, entry_points={GROUP: {"b": "b"}})
    with pytest.raises(ValueError, match="runs through the file 'toydet'"):
        distribution_tree("t", modules={"toydet": "", "toydet/registry.py": ""})
    with pytest.raises(ValueError, match="is also a folder"):
        distribution_tree("t", modules={"toydet/registry.py": "", "toydet": ""})


def test_write_tree_writes_files_as_given(tmp_path: Path) -> None:
    write_tree(
        tmp_path / "root",
        {
            "text.txt": "caf\u00e9\r\nline\n",
            "data.bin": b"\x00\xff",
            "pkg": {"__init__.py": "", "sub": {}},
            "deep/er/file.py": "X = 1\n",
        },
    )
    write_tree(str(tmp_path / "root"), {"pkg": {"more.py": "Y = 2\n"}})
    root = tmp_path / "root"

    assert (root / "text.txt").read_bytes() == "caf\u00e9\r\nline\n".encode()
    assert (root / "data.bin").read_bytes() == b"\x00\xff"
    assert sorted(os.listdir(root / "pkg")) == ["__init__.py", "more.py", "sub"]
    assert os.listdir(root / "pkg" / "sub") == []
    assert (root / "deep" / "er" / "file.py").read_text() == "X = 1\n"


@pytest.mark.parametrize("name", ["", "../escape", "/abs", "a//b", "a/../../b"])
def test_write_tree_refuses_names_outside_the_root(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="is not a relative file or folder name"):
        write_tree(tmp_path, {name: ""})


def test_write_tree_refuses_other_contents(tmp_path: Path) -> None:
    bad: Any = {"x.py": 1}
    with pytest.raises(TypeError, match=r"'x\.py' must be str, bytes or a mapping, not int"):
        write_tree(tmp_path, bad)


def test_the_helpers_use_the_scanned_group() -> None:
    assert _fakedist.GROUP == GROUP == "registry_core.scopes"
