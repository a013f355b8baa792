"""A toy classification dataset, registered in toycls's ``DATASETS``."""

from collections.abc import Sequence
from typing import Any

from toycls.registry import DATASETS, TRANSFORMS


@DATASETS.register_module()
class ToyImageNet:
    """``num_samples`` in-memory four-pixel "images", each with a class label.

    Every sample goes through ``pipeline``, a list of transform configs built from toycls's
    ``TRANSFORMS``.

    Args:
        num_samples: Number of samples.
        num_classes: Labels run over ``range(num_classes)``.
        pipeline: Configs of the transforms applied to each sample, in order.

    Examples:
        >>> import registry_core
        >>> ds = registry_core.DATASETS.build(dict(
        ...     type="toycls.ToyImageNet", num_samples=4, pipeline=[dict(type="Normalize")]))
        >>> len(ds), ds[1]["label"]
        (4, 1)
    """

    def __init__(
        self,
        num_samples: int = 8,
        num_classes: int = 10,
        pipeline: Sequence[dict[str, Any]] = (),
    ) -> None:
        self.num_classes = num_classes
        self.pipeline = [TRANSFORMS.build(cfg) for cfg in pipeline]
        self._images = [
            [float((31 * i + 17 * j) % 256) for j in range(4)] for i in range(num_samples)
        ]

    def __len__(self) -> int:
        return len(self._images)

    def __getitem__(self, index: int) -> dict[str, Any]:
        sample = {
            "index": index,
            "img": list(self._images[index]),
            "label": index % self.num_classes,
        }
        for transform in self.pipeline:
            sample = transform(sample)
        return sample

    def __repr__(self) -> str:
        return (
            f"ToyImageNet(num_samples={len(self)}, num_classes={self.num_classes}, "
            f"pipeline={self.pipeline!r})"
        )
