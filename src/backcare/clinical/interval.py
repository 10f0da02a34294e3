"""The Wilson score interval for a proportion (Wilson 1927), the method Newcombe (1998)
recommends over the simple normal approximation for small counts and rates near 0 or 1."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


@dataclass(frozen=True)
class Rate:
    count: int
    total: int
    low: float
    high: float

    @property
    def proportion(self) -> float:
        return self.count / self.total if self.total else 0.0


def wilson(count: int, total: int, z: float = Z_95) -> Rate:
    """``count`` of ``total`` with its two-sided interval (95% unless ``z`` says otherwise)."""
    if not 0 <= count <= total:
        raise ValueError(f"{count} of {total} is not a proportion")
    if total == 0:
        return Rate(0, 0, 0.0, 1.0)
    p = count / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    return Rate(count, total, max(0.0, centre - half), min(1.0, centre + half))
