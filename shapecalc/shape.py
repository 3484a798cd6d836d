"""The shape of one sample flowing between layers, without the batch dimension."""

from __future__ import annotations

from shapecalc.value import frozen

# What each spatial axis is called, by how many there are: C@L, C@H×W, C@D×H×W.
AXIS_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


def axis_names(rank: int) -> tuple[str, ...]:
    """Name `rank` spatial axes: `L`; `H`, `W`; `D`, `H`, `W`; else `axis 1`, `axis 2`, …."""
    return AXIS_NAMES.get(rank) or tuple(f"axis {n}" for n in range(1, rank + 1))


@frozen
class Shape:
    """Dimensions of one sample: `(C, *spatial)` for a feature map, `(F,)` for a vector.

    A map has channels and one spatial axis (a signal), two (an image) or three (a volume).
    A map whose axes a Permute moved (ConvNeXt's channels-last H×W×C) says in `order` which
    axis of the map each dimension holds (0 for the channels, 1… for the spatial axes); it
    is shown as plain dimensions. Layers see `dims` as PyTorch does, whatever the order.
    """

    dims: tuple[int, ...]
    order: tuple[int, ...] = ()  # empty: the map's own order

    @property
    def is_map(self) -> bool:
        """Whether this is a feature map: channels and at least one spatial axis."""
        return len(self.dims) >= 2

    @property
    def rank(self) -> int:
        """The number of spatial axes: 0 for a vector."""
        return len(self.dims) - 1

    @property
    def channels(self) -> int:
        return self.dims[0]

    @property
    def spatial(self) -> tuple[int, ...]:
        """The sizes of a feature map's spatial axes, e.g. (H, W)."""
        return self.dims[1:]

    @property
    def numel(self) -> int:
        """Number of elements."""
        count = 1
        for dim in self.dims:
            count *= dim
        return count

    def holds_spatial(self, index: int) -> bool:
        """Whether dimension `index` holds one of the map's spatial axes."""
        return (self.order[index] if self.order else index) != 0

    def spatial_index(self, axis: int) -> int:
        """Return where `dims` holds the map's spatial axis `axis` (from 0), wherever moved."""
        return self.order.index(axis + 1) if self.order else axis + 1

    @property
    def placed_spatial(self) -> tuple[int, ...]:
        """The map's spatial sizes in its own order, (H, W), wherever its dims hold them."""
        if not self.order:
            return self.dims[1:]
        return tuple(self.dims[self.spatial_index(axis)] for axis in range(self.rank))

    def with_spatial(self, sizes: tuple[int, ...]) -> Shape:
        """Return this map with other spatial sizes, its channels kept."""
        return Shape((self.dims[0], *sizes))

    def __str__(self) -> str:
        """Format as the document does: `64@56×56` for a map, `1000` for a vector."""
        if self.is_map and not self.order:
            return f"{self.dims[0]}@" + "×".join(map(str, self.dims[1:]))
        return "×".join(map(str, self.dims))
