"""Toy data transforms, registered in toycls's ``TRANSFORMS``.

A transform takes a sample (a dict) and returns the transformed sample.
"""

from collections.abc import Sequence
from typing import Any

from toycls.registry import TRANSFORMS


@TRANSFORMS.register_module()
class Normalize:
    """Subtract ``mean`` from every pixel and divide by ``std``.

    Args:
        mean: Value subtracted from every pixel.
        std: Value every pixel is divided by afterwards; not zero.
    """

    def __init__(self, mean: float = 127.5, std: float = 127.5) -> None:
        if std == 0:
            raise ValueError("std must not be zero")
        self.mean = mean
        self.std = std

    def __call__(self, sample: dict[str, Any]) -> dict[str, Any]:
        return {**sample, "img": [(p - self.mean) / self.std for p in sample["img"]]}

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean}, std={self.std})"


@TRANSFORMS.register_module()
class Flip:
    """Reverse the pixels of every ``every``-th sample (chosen by ``index``, so it is repeatable).

    Args:
        every: Flip one sample in this many; 1 flips them all.
    """

    def __init__(self, every: int = 2) -> None:
        self.every = every

    def __call__(self, sample: dict[str, Any]) -> dict[str, Any]:
        if sample["index"] % self.every:
            return sample
        img: Sequence[float] = sample["img"]
        return {**sample, "img": list(reversed(img))}

    def __repr__(self) -> str:
        return f"Flip(every={self.every})"
