"""A spec file's YAML as plain values that remember where they were written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeAlias

from shapecalc.errors import Mark
from shapecalc.value import frozen

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

    def get(self, key: str) -> YNode | None:
        for name, value in self.entries:
            if name.value == key:
                return value
        return None

    def names(self) -> Iterator[str]:
        """Return the keys as text."""
        return (str(name.value) for name, _ in self.entries)


YNode: TypeAlias = "YScalar | YList | YMap"
