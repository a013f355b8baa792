"""Toy classification models, registered in toycls's ``MODELS``.

They hold plain numbers instead of tensors, so the demo runs without torch: what they show is
how a codebase names its parts so that configs can refer to them.
"""

import functools
from typing import Any, ClassVar

from toycls.registry import MODELS


@MODELS.register_module()
class ResNetTiny:
    """A residual network described by its depth alone.

    Args:
        depth: Number of layers: 10, 18 or 34.
        base_channels: Width of the first stage; each later stage doubles it.

    Examples:
        >>> import registry_core
        >>> registry_core.MODELS.build(dict(type="toycls.ResNetTiny", depth=18))
        ResNetTiny(depth=18, out_channels=128)
    """

    arch_settings: ClassVar[dict[int, tuple[int, ...]]] = {
        10: (1, 1, 1, 1),
        18: (2, 2, 2, 2),
        34: (3, 4, 6, 3),
    }

    def __init__(self, depth: int = 18, base_channels: int = 16) -> None:
        if depth not in self.arch_settings:
            raise ValueError(f"depth must be one of {sorted(self.arch_settings)}, got {depth!r}")
        self.depth = depth
        self.stage_blocks = self.arch_settings[depth]
        self.out_channels = base_channels * 2 ** (len(self.stage_blocks) - 1)

    def __repr__(self) -> str:
        return f"ResNetTiny(depth={self.depth}, out_channels={self.out_channels})"


# A registry holds any callable, not only classes: here a preset, registered by a call.
MODELS.register_module(name="resnet_tiny10", module=functools.partial(ResNetTiny, depth=10))


@MODELS.register_module(name=["MLP", "LinearHead"])
class MLP:
    """A classification head of fully connected layers, also registered as ``LinearHead``.

    Args:
        in_channels: Width of the features it receives.
        num_classes: Number of output classes.
        hidden: Widths of the hidden layers; empty for a single linear layer.
    """

    def __init__(
        self, in_channels: int, num_classes: int = 10, hidden: tuple[int, ...] = ()
    ) -> None:
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.widths = (in_channels, *hidden, num_classes)

    def __repr__(self) -> str:
        return "MLP(" + " -> ".join(map(str, self.widths)) + ")"


@MODELS.register_module()
class ImageClassifier:
    """A backbone followed by a head, both built from configs.

    The head is built with ``in_channels`` defaulting to the backbone's ``out_channels``.

    Args:
        backbone: Config of the backbone (built from toycls's ``MODELS``).
        head: Config of the head.

    Examples:
        >>> import registry_core
        >>> registry_core.MODELS.build(dict(
        ...     type="toycls.ImageClassifier",
        ...     backbone=dict(type="ResNetTiny", depth=34),
        ...     head=dict(type="LinearHead", num_classes=5),
        ... ))
        ImageClassifier(backbone=ResNetTiny(depth=34, out_channels=128), head=MLP(128 -> 5))
    """

    def __init__(self, backbone: dict[str, Any], head: dict[str, Any]) -> None:
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head, default_args={"in_channels": self.backbone.out_channels})

    def __repr__(self) -> str:
        return f"ImageClassifier(backbone={self.backbone!r}, head={self.head!r})"
