"""The shape of one sample flowing between layers, without the batch dimension."""

from __future__ import annotations

from shapecalc.value import frozen


@frozen
class Shape:
    """Dimensions of one sample: `(C, H, W)` for a feature map, `(F,)` for a vector."""

    dims: tuple[int, ...]

    @property
    def is_map(self) -> bool:
        """Whether this is a C×H×W feature map."""
        return len(self.dims) == 3

    @property
    def channels(self) -> int:
        return self.dims[0]

    @property
    def spatial(self) -> tuple[int, int]:
        """Height and width of a feature map."""
        return self.dims[1], self.dims[2]

    @property
    def numel(self) -> int:
        """Number of elements."""
        count = 1
        for dim in self.dims:
            count *= dim
        return count

    def __str__(self) -> str:
        """Format as the document does: `64@56×56` for a map, `1000` for a vector."""
        if self.is_map:
            return f"{self.dims[0]}@{self.dims[1]}×{self.dims[2]}"
        return "×".join(str(dim) for dim in self.dims)
