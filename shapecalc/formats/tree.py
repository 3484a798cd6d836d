"""A rich tree: every module with its type, output shape, params, MACs and receptive field."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from rich.tree import Tree

from shapecalc.engine import Result, Row
from shapecalc.formats import Options, summary
from shapecalc.formats.columns import visible
from shapecalc.formats.explain import arithmetic
from shapecalc.formats.text import compact, field

GUIDE = 4  # columns rich's tree guides take per level
GAP = 2
HEADINGS = ("output", "params", "MACs", "field")


@dataclass(frozen=True, slots=True)
class _Cells:
    """One line's text per column, before padding."""

    name: str
    type: str
    shape: str
    params: str
    macs: str
    field: str

    @staticmethod
    def of(row: Row) -> _Cells:
        return _Cells(
            row.name,
            row.type,
            str(row.shape),
            _count(row.params),
            _count(row.macs),
            field(row.field),
        )


class ShapeTree:
    """A renderable tree of a result, with aligned columns and a summary under it.

    With `options.explain`, each change of H or W shows its arithmetic after its line.
    The lines are laid out once, on construction.
    """

    __slots__ = ("heading", "labels", "root", "summary")

    def __init__(self, result: Result, options: Options) -> None:
        rows = visible(result, options.depth)
        cells = [_Cells.of(row) for row in rows]
        layout = _Layout.of(result, list(zip(rows, cells, strict=True)))
        self.heading = Text(layout.heading(), style="bold")
        self.root = layout.line(_root(result), depth=0, bold=True)
        self.labels: list[tuple[int, Text]] = []
        for row, cell in zip(rows, cells, strict=True):
            line = layout.line(cell, depth=row.depth, bold=not row.is_leaf)
            note = arithmetic(row) if options.explain else None
            if note:
                line.append(f"  {note}", style="yellow")
            self.labels.append((row.depth, line))
        entries = summary.entries(result, options.dtype)
        label_width = max(len(label) for label, _ in entries)
        self.summary = [
            Text.assemble((label.ljust(label_width + GAP), "bold"), text) for label, text in entries
        ]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.heading
        tree = Tree(self.root, guide_style="bright_black")
        parents = [tree]
        for depth, label in self.labels:
            del parents[depth:]
            parents.append(parents[-1].add(label))
        yield tree
        yield from self.summary

    @property
    def width(self) -> int:
        """Columns the widest line needs."""
        rows = (GUIDE * depth + len(label) for depth, label in self.labels)
        others = (len(line) for line in (self.heading, self.root, *self.summary))
        return max(*rows, *others)


def _root(result: Result) -> _Cells:
    """The root's line: the input, and the model's totals."""
    return _Cells(
        result.model.name,
        result.model.type,
        str(result.input),
        _count(result.total_params),
        _count(result.total_macs),
        "",
    )


@dataclass(frozen=True, slots=True)
class _Layout:
    """Column widths: the name column includes the tree's guides."""

    widths: tuple[int, ...]

    @staticmethod
    def of(result: Result, rows: list[tuple[Row, _Cells]]) -> _Layout:
        """Fit the columns to the rows' cells and the root's."""
        cells = [(row.depth, cell) for row, cell in rows]
        cells.append((0, _root(result)))
        widths = (
            max(GUIDE * depth + len(cell.name) for depth, cell in cells),
            max(len(cell.type) for _, cell in cells),
            max(len(HEADINGS[0]), *(len(cell.shape) for _, cell in cells)),
            max(len(HEADINGS[1]), *(len(cell.params) for _, cell in cells)),
            max(len(HEADINGS[2]), *(len(cell.macs) for _, cell in cells)),
            max(len(HEADINGS[3]), *(len(cell.field) for _, cell in cells)),
        )
        return _Layout(widths)

    @property
    def width(self) -> int:
        return sum(self.widths) + GAP * (len(self.widths) - 1)

    def heading(self) -> str:
        shape_at = self.widths[0] + GAP + self.widths[1] + GAP
        numbers = "".join(
            f"{' ' * GAP}{title:>{width}}"
            for title, width in zip(HEADINGS[1:], self.widths[3:], strict=True)
        )
        return f"{' ' * shape_at}{HEADINGS[0]:<{self.widths[2]}}{numbers}".rstrip()

    def line(self, cells: _Cells, *, depth: int, bold: bool) -> Text:
        name_width = self.widths[0] - GUIDE * depth
        text = Text.assemble(
            (cells.name.ljust(name_width + GAP), "bold" if bold else ""),
            (cells.type.ljust(self.widths[1] + GAP), "blue"),
            (cells.shape.ljust(self.widths[2]), "cyan"),
        )
        for value, width in zip(
            (cells.params, cells.macs, cells.field), self.widths[3:], strict=True
        ):
            text.append(" " * GAP + value.rjust(width), "dim" if value == "–" else "")
        text.rstrip()
        return text


def _count(value: int) -> str:
    return compact(value) if value else "–"
