"""A nested node's missing argument, followed through the constructors it is handed to.

Issue 19, item 2 (second round): MMPretrain's ``ImageClassifier`` puts ``train_cfg`` into its
data preprocessor's config, which hands it to ``RandomBatchAugment(**batch_augments)``, which
builds each augment through a registry; a ``Mixup`` without ``alpha`` fails that build, three
constructors away from the node's parent. These classes do the same in small, and really
build: each error asserted here is a build that fails, each warning one that is not sure to.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from registry_core import ConfigError, Registry
from registry_core.validation import _chain

CHAIN = Registry("thing", scope="chain_rule")


@CHAIN.register_module()
class Aug:
    def __init__(self, alpha: float, prob: float = 1.0) -> None:
        self.alpha = alpha


class Batch:  # not registered: its callers name it
    def __init__(self, augments: Any, probs: Any = None) -> None:
        if not isinstance(augments, (list, tuple)):
            augments = [augments]
        self.augments = []
        for aug in augments:
            if isinstance(aug, dict):
                self.augments.append(CHAIN.build(aug))


@CHAIN.register_module()
class Pre:
    def __init__(self, scale: float = 1.0, batch_augments: dict | None = None) -> None:
        self.batch = Batch(**batch_augments) if batch_augments else None


@CHAIN.register_module()
class Classifier:
    def __init__(self, width: int = 8, train_cfg: dict | None = None, pre: dict | None = None):
        pre = pre or {}
        pre.setdefault("type", "Pre")
        pre.setdefault("batch_augments", train_cfg)
        self.pre = CHAIN.build(pre)


def issues(cfg: dict[str, Any]) -> list[tuple[str, str]]:
    try:
        found = CHAIN.validate(cfg).issues
    except ConfigError as exc:
        found = exc.issues
    return [(i.path, i.severity) for i in found]


def test_a_node_built_three_constructors_away_without_its_argument_is_an_error() -> None:
    listed = dict(type="Classifier", train_cfg=dict(augments=[dict(type="Aug")]))
    single = dict(type="Classifier", train_cfg=dict(augments=dict(type="Aug")))  # x = [x]
    typed = dict(listed, pre=dict(type="Pre", scale=2.0))  # the type the config gives
    for cfg in (listed, single, typed):
        with pytest.raises(TypeError, match="alpha"):  # the build fails...
            CHAIN.build(copy.deepcopy(cfg))  # (Classifier sets batch_augments into `pre`)
    # ...and validate says so, at the node's path, naming who builds it and how it got there
    with pytest.raises(ValueError) as caught:
        CHAIN.validate(listed)
    issue = caught.value.issues[0]  # type: ignore[attr-defined]
    assert (issue.path, issue.severity) == ("train_cfg.augments[0].alpha", "error")
    assert "Batch builds this node through a registry without passing it" in issue.message
    assert "handed on Classifier -> Pre -> Batch" in issue.message
    with pytest.raises(ValueError, match=r"train_cfg\.augments\.alpha"):
        CHAIN.validate(single)
    with pytest.raises(ValueError, match=r"train_cfg\.augments\[0\]\.alpha"):
        CHAIN.validate(typed)
    assert CHAIN.validate(dict(listed, train_cfg=dict(augments=[dict(type="Aug", alpha=1)]))).ok


@CHAIN.register_module()
class Assigned:
    def __init__(self, train_cfg: dict, pre: dict | None = None) -> None:
        pre = pre or {}
        pre.setdefault("type", "Pre")
        if "batch_augments" not in pre:  # a condition the reader does not weigh
            pre["batch_augments"] = train_cfg
        self.pre = CHAIN.build(pre)


def test_an_entry_set_by_assignment_is_followed_unless_the_config_has_it() -> None:
    node = dict(augments=[dict(type="Aug")])
    cfg = dict(type="Assigned", train_cfg=node)
    with pytest.raises(TypeError, match="alpha"):
        CHAIN.build(copy.deepcopy(cfg))
    assert issues(cfg) == [("train_cfg.augments[0].alpha", "error")]
    own = dict(type="Assigned", train_cfg=node, pre=dict(batch_augments=dict(augments=[])))
    CHAIN.build(copy.deepcopy(own))
    assert issues(own) == [("train_cfg.augments[0].alpha", "warning")]


@CHAIN.register_module()
class Wrap:
    def __init__(self, cfg: dict) -> None:
        self.inner = CHAIN.build(cfg)


@CHAIN.register_module()
class ByPosition:
    def __init__(self, loss: dict) -> None:
        self.loss = Wrap(loss)


@CHAIN.register_module()
class ByKeyword:
    def __init__(self, loss: dict) -> None:
        self.loss = Wrap(cfg=loss)


@CHAIN.register_module()
class Filled:
    def __init__(self, loss: dict) -> None:
        self.loss = Keep(cfg=loss)


@CHAIN.register_module()
class Listed:
    def __init__(self, items: list) -> None:
        self.items = [CHAIN.build(item) for item in items]


class Keep:
    def __init__(self, cfg: dict) -> None:
        self.inner = CHAIN.build(cfg, default_args=dict(alpha=0.5))


def test_handed_on_by_position_or_keyword_and_what_the_builder_passes() -> None:
    for name in ("ByPosition", "ByKeyword"):
        cfg = dict(type=name, loss=dict(type="Aug"))
        with pytest.raises(TypeError, match="alpha"):
            CHAIN.build(cfg)
        assert issues(cfg) == [("loss.alpha", "error")]
    # built in a comprehension: each item of the list
    with pytest.raises(TypeError, match="alpha"):
        CHAIN.build(dict(type="Listed", items=[dict(type="Aug")]))
    assert issues(dict(type="Listed", items=[dict(type="Aug")])) == [("items[0].alpha", "error")]
    CHAIN.build(dict(type="Filled", loss=dict(type="Aug")))  # Keep passes alpha
    assert CHAIN.validate(dict(type="Filled", loss=dict(type="Aug"))).ok


# -- where the chain cannot be followed for sure, the missing argument stays a warning --------


def pick() -> type:
    return Batch


@CHAIN.register_module()
class LocalName:
    def __init__(self, batch_augments: dict) -> None:
        Batch = pick()  # a name bound here: which class it is, only running it tells
        self.batch = Batch(**batch_augments)


@CHAIN.register_module()
class Updated:
    def __init__(self, train_cfg: dict, extra: dict | None = None) -> None:
        train_cfg.update(extra or {})  # keys the source does not show
        self.batch = Batch(**train_cfg)


@CHAIN.register_module()
class TwoDefaults:
    def __init__(self, train_cfg: dict, pre: dict | None = None) -> None:
        pre = pre or {}
        if train_cfg.get("fast"):
            pre.setdefault("type", "Other")
        else:
            pre.setdefault("type", "Pre")
        pre.setdefault("batch_augments", train_cfg)
        self.pre = CHAIN.build(pre)


def test_a_chain_that_cannot_be_followed_for_sure_leaves_a_warning() -> None:
    node = dict(augments=[dict(type="Aug")])
    # the preprocessor brings its own batch_augments: train_cfg is never built
    own = dict(augments=[dict(type="Aug", alpha=1.0)])
    kept = dict(type="Classifier", train_cfg=node, pre=dict(batch_augments=own))
    CHAIN.build(copy.deepcopy(kept))
    assert issues(kept) == [("train_cfg.augments[0].alpha", "warning")]
    # a name bound in the constructor itself; keys updated from what the source hides;
    # a type the constructor picks at run time
    assert issues(dict(type="LocalName", batch_augments=node)) == [
        ("batch_augments.augments[0].alpha", "warning")
    ]
    assert issues(dict(type="Updated", train_cfg=node)) == [
        ("train_cfg.augments[0].alpha", "warning")
    ]
    assert issues(dict(type="TwoDefaults", train_cfg=node)) == [
        ("train_cfg.augments[0].alpha", "warning")
    ]
    # a preprocessor type that does not resolve: its own error, the node's a warning
    unknown = dict(type="Classifier", train_cfg=node, pre=dict(type="Nowhere"))
    assert ("train_cfg.augments[0].alpha", "warning") in issues(unknown)


@CHAIN.register_module()
class Hop1:
    def __init__(self, cfg: dict) -> None:
        self.next = Hop2(cfg=cfg)


class Hop2:
    def __init__(self, cfg: dict) -> None:
        self.next = Hop3(cfg=cfg)


class Hop3:
    def __init__(self, cfg: dict) -> None:
        self.next = Hop4(cfg=cfg)


class Hop4:
    def __init__(self, cfg: dict) -> None:
        self.inner = CHAIN.build(cfg)


@CHAIN.register_module()
class Hop0:
    def __init__(self, cfg: dict) -> None:
        self.next = Hop1(cfg=cfg)


@CHAIN.register_module()
class Loop:
    def __init__(self, cfg: dict, depth: int = 0) -> None:
        self.next = Loop(cfg=cfg, depth=depth + 1) if depth < 3 else None


def test_chains_are_followed_a_bounded_number_of_constructors_deep() -> None:
    assert _chain.MAX_HOPS == 4
    # Hop1 -> Hop2 -> Hop3 -> Hop4: four constructors, followed
    assert issues(dict(type="Hop1", cfg=dict(type="Aug"))) == [("cfg.alpha", "error")]
    # one more is beyond the bound: a warning, though the build fails
    with pytest.raises(TypeError, match="alpha"):
        CHAIN.build(dict(type="Hop0", cfg=dict(type="Aug")))
    assert issues(dict(type="Hop0", cfg=dict(type="Aug"))) == [("cfg.alpha", "warning")]
    # a constructor that hands the node to itself ends at the bound too
    CHAIN.build(dict(type="Loop", cfg=dict(type="Aug")))
    assert issues(dict(type="Loop", cfg=dict(type="Aug"))) == [("cfg.alpha", "warning")]
