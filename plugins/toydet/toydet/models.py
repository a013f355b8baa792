"""Toy detection models, registered in toydet's ``MODELS``.

They hold plain numbers instead of tensors, so the demo runs without torch. ``Detector`` builds
its parts from configs, and a part may come from another codebase: toydet never imports
toycls, yet ``dict(type="toycls.ResNetTiny")`` works as its backbone once toycls is installed.
"""

from typing import Any

from toydet.registry import MODELS


@MODELS.register_module()
class NetA:
    """A stand-in backbone.

    Args:
        depth: Number of layers.
        out_channels: Width of the features it produces.
    """

    def __init__(self, depth: int = 50, out_channels: int = 256) -> None:
        self.depth = depth
        self.out_channels = out_channels

    def __repr__(self) -> str:
        return f"NetA(depth={self.depth}, out_channels={self.out_channels})"


@MODELS.register_module()
class TinyFPN:
    """A neck that maps the backbone's features to a fixed width.

    Args:
        in_channels: Width of the backbone's features (``Detector`` fills it in).
        out_channels: Width of the features it produces.
    """

    def __init__(self, in_channels: int, out_channels: int = 64) -> None:
        self.in_channels = in_channels
        self.out_channels = out_channels

    def __repr__(self) -> str:
        return f"TinyFPN({self.in_channels} -> {self.out_channels})"


@MODELS.register_module()
class Detector:
    """A backbone, an optional neck and a number of classes.

    The parts are configs, built from toydet's ``MODELS``: an unscoped type such as ``"NetA"``
    is looked up in toydet, then in registry_core's root; a scoped one such as
    ``"toycls.ResNetTiny"`` in that codebase, which registry_core finds and imports on demand.

    Args:
        backbone: Config of the backbone; what it builds must have ``out_channels``.
        neck: Config of the neck, built with ``in_channels`` defaulting to the backbone's
            ``out_channels``; ``None`` for no neck.
        num_classes: Number of object classes.

    Examples:
        >>> import registry_core
        >>> registry_core.MODELS.build(dict(
        ...     type="toydet.Detector",
        ...     backbone=dict(type="toycls.ResNetTiny", depth=18),
        ...     neck=dict(type="TinyFPN"),
        ... ))
        Detector(backbone=ResNetTiny(depth=18, out_channels=128), neck=TinyFPN(128 -> 64), num_classes=80)
    """  # noqa: E501

    def __init__(
        self,
        backbone: dict[str, Any],
        neck: dict[str, Any] | None = None,
        num_classes: int = 80,
    ) -> None:
        self.backbone = MODELS.build(backbone)
        self.neck = None
        if neck is not None:
            self.neck = MODELS.build(neck, default_args={"in_channels": self.backbone.out_channels})
        self.num_classes = num_classes

    def __repr__(self) -> str:
        return (
            f"Detector(backbone={self.backbone!r}, neck={self.neck!r}, "
            f"num_classes={self.num_classes})"
        )
