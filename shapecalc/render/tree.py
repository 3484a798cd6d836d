"""A rich tree: every module with its type, output shape, params, MACs and receptive field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from rich.tree import Tree

from shapecalc.engine import Result, Row
from shapecalc.render import Options, summary
from shapecalc.render.explain import arithmetic
from shapecalc.render.text import compact, field

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


@dataclass(frozen=True, slots=True)
class ShapeTree:
    """A renderable tree of a result, with aligned columns and a summary under it.

    With `options.explain`, each change of H or W shows its arithmetic after its line.
    """

    result: Result
    options: Options

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        heading, root, labels = self._lines()
        yield heading
        tree = Tree(root, guide_style="bright_black")
        parents = [tree]
        for depth, label in labels:
            del parents[depth:]
            parents.append(parents[-1].add(label))
        yield tree
        yield from self._summary()

    @property
    def width(self) -> int:
        """Columns the widest line needs."""
        heading, root, labels = self._lines()
        widths = [len(heading), len(root), *(GUIDE * depth + len(label) for depth, label in labels)]
        return max(*widths, *(len(line) for line in self._summary()))

    def _lines(self) -> tuple[Text, Text, list[tuple[int, Text]]]:
        """Return the heading, the root's line and each row's depth and line."""
        result = self.result
        layout = _Layout.of(result)
        labels = []
        for row in result.rows:
            line = layout.line(_Cells.of(row), depth=row.depth, bold=not row.is_leaf)
            note = arithmetic(row) if self.options.explain else None
            if note:
                line.append(f"  {note}", style="yellow")
            labels.append((row.depth, line))
        root = layout.line(_root(result), depth=0, bold=True)
        return Text(layout.heading(), style="bold"), root, labels

    def _summary(self) -> list[Text]:
        entries = summary.entries(self.result, self.options.dtype)
        width = max(len(label) for label, _ in entries)
        return [Text.assemble((label.ljust(width + GAP), "bold"), text) for label, text in entries]


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
    def of(result: Result) -> _Layout:
        cells = [(row.depth, _Cells.of(row)) for row in result.rows]
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


def write(result: Result, stream: TextIO, options: Options) -> None:
    """Print the tree, in colour on a terminal; lines are never wrapped or cut."""
    view = ShapeTree(result, options)
    console = Console(file=stream, highlight=False)
    # A narrow terminal wraps long lines itself, which beats rich splitting a label.
    console.width = max(console.width, view.width)
    console.print(view)
