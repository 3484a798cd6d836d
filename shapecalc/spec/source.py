"""A spec file's YAML as plain values that remember where they were written."""

from __future__ import annotations

from typing import TypeAlias

from shapecalc.errors import Mark
from shapecalc.value import attribute, frozen

ScalarValue: TypeAlias = "int | float | bool | str | None"


@frozen
class YScalar:
    value: ScalarValue
    mark: Mark


@frozen
class YList:
    items: tuple[YNode, ...]
    mark: Mark


@frozen
class YMap:
    """A mapping, in the order written; the loader has refused duplicate keys."""

    entries: tuple[tuple[YScalar, YNode], ...]
    mark: Mark
    # The values by text key: a block's nodes are read again at each of its uses.
    index: dict[str, YNode] = attribute(init=False, compare=False, repr=False, default=None)

    def __post_init__(self) -> None:
        index = {key.value: value for key, value in self.entries if isinstance(key.value, str)}
        object.__setattr__(self, "index", index)

    def get(self, key: str) -> YNode | None:
        return self.index.get(key)


YNode: TypeAlias = "YScalar | YList | YMap"
