"""A toy detection dataset, registered in toydet's ``DATASETS``."""

from typing import Any

from toydet.registry import DATASETS


@DATASETS.register_module()
class ToyCocoDataset:
    """``num_images`` in-memory annotated images, COCO-style: boxes and their labels.

    The annotations are computed from the image index, so every run sees the same data.

    Args:
        num_images: Number of images.
        num_classes: Labels run over ``range(num_classes)``.
        image_size: Width and height of every image, in pixels.

    Examples:
        >>> import registry_core
        >>> ds = registry_core.DATASETS.build(dict(type="toydet.ToyCocoDataset", num_images=3))
        >>> len(ds), ds[2]["boxes"]
        (3, [(20, 40, 52, 72), (40, 60, 72, 92), (60, 80, 92, 112)])
    """

    def __init__(self, num_images: int = 4, num_classes: int = 80, image_size: int = 128) -> None:
        self.num_classes = num_classes
        self.image_size = image_size
        self._annotations = [self._annotate(i) for i in range(num_images)]

    def _annotate(self, index: int) -> dict[str, Any]:
        boxes = []
        for k in range(index % 3 + 1):
            x, y = (20 * (k + 1)) % self.image_size, (20 * (k + 2)) % self.image_size
            boxes.append((x, y, min(x + 32, self.image_size), min(y + 32, self.image_size)))
        labels = [(index + k) % self.num_classes for k in range(len(boxes))]
        return {"image_id": index, "boxes": boxes, "labels": labels}

    def __len__(self) -> int:
        return len(self._annotations)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self._annotations[index]

    def __repr__(self) -> str:
        return f"ToyCocoDataset(num_images={len(self)}, num_classes={self.num_classes})"
