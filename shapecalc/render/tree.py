"""A rich tree: every module with its type and output shape, in aligned columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from rich.tree import Tree

from shapecalc.engine import Result

GUIDE = 4  # columns rich's tree guides take per level
GAP = 2


@dataclass(frozen=True, slots=True)
class ShapeTree:
    """A renderable tree of a result: root with the input, a line per module, then the output."""

    result: Result

    @property
    def width(self) -> int:
        """Columns the widest line needs."""
        name_end, type_width = self._columns()
        shapes = (len(str(row.shape)) for row in self.result.rows)
        widest_row = name_end + GAP + type_width + GAP + max(shapes, default=0)
        return max(widest_row, len(self._root().plain), len(self._output().plain))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        name_end, type_width = self._columns()
        tree = Tree(self._root(), guide_style="bright_black")
        parents = [tree]
        for row in self.result.rows:
            label = Text.assemble(
                (row.name, "bold" if not row.is_leaf else ""),
                " " * (name_end - GUIDE * row.depth - len(row.name) + GAP),
                (row.type.ljust(type_width + GAP), "blue"),
                (str(row.shape), "cyan"),
            )
            del parents[row.depth :]
            parents.append(parents[-1].add(label))
        yield tree
        yield self._output()

    def _columns(self) -> tuple[int, int]:
        rows = self.result.rows
        name_end = max((GUIDE * row.depth + len(row.name) for row in rows), default=0)
        type_width = max((len(row.type) for row in rows), default=0)
        return name_end, type_width

    def _root(self) -> Text:
        model = self.result.model
        return Text.assemble(
            (model.name, "bold"),
            " ",
            (model.type, "blue"),
            "  input ",
            (str(self.result.input), "cyan"),
        )

    def _output(self) -> Text:
        return Text.assemble("output ", (str(self.result.output), "bold cyan"))


def write(result: Result, stream: TextIO) -> None:
    """Print the tree, in colour on a terminal; lines are never wrapped or cut."""
    view = ShapeTree(result)
    console = Console(file=stream, highlight=False)
    # A narrow terminal wraps long lines itself, which beats rich splitting a label.
    console.width = max(console.width, view.width)
    console.print(view)
