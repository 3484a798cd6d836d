"""A rich tree: every module with its type, output shape, params, MACs and receptive field."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from rich.tree import Tree

from shapecalc.engine import Result, Row
from shapecalc.errors import ShapeError
from shapecalc.formats import Options, summary
from shapecalc.formats.columns import visible
from shapecalc.formats.explain import arithmetic
from shapecalc.formats.text import compact, field
from shapecalc.modules import Container, Leaf, Model
from shapecalc.shape import Shape
from shapecalc.value import frozen

GUIDE = 4  # columns rich's tree guides take per level
GAP = 2
HEADINGS = ("output", "params", "MACs", "field")


@frozen
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


_Line = tuple[int, bool, "_Cells", str | None]  # depth, bold, cells, a note after them


class ShapeTree:
    """A renderable tree with aligned columns, a line per module, and text under it.

    Built by `of` for a result (its summary under it) or by `partial` for a failure (the
    modules done so far, and where it stopped). The lines are laid out once.
    """

    __slots__ = ("footer", "heading", "labels", "root")

    def __init__(self, root: _Cells, lines: list[_Line], footer: list[Text]) -> None:
        layout = _Layout.of([(depth, cells) for depth, _, cells, _ in lines] + [(0, root)])
        self.heading = Text(layout.heading(), style="bold", no_wrap=True)
        self.root = layout.line(root, depth=0, bold=True)
        self.labels: list[tuple[int, Text]] = []
        for depth, bold, cells, note in lines:
            line = layout.line(cells, depth=depth, bold=bold)
            if note:
                line.append(f"  {note}", style="yellow")
            self.labels.append((depth, line))
        self.footer = footer

    @staticmethod
    def of(result: Result, options: Options) -> ShapeTree:
        """The tree of a result, each change of H or W explained if `options.explain`."""
        lines = [
            (
                row.depth,
                not row.is_leaf,
                _Cells.of(row),
                arithmetic(row) if options.explain else None,
            )
            for row in visible(result, options.depth)
        ]
        entries = summary.entries(result, options.dtype)
        width = max(len(label) for label, _ in entries)
        footer = [
            Text.assemble((label.ljust(width + GAP), "bold"), text, no_wrap=True)
            for label, text in entries
        ]
        return ShapeTree(_root(result), lines, footer)

    @staticmethod
    def partial(model: Model, shape: Shape, error: ShapeError) -> ShapeTree:
        """The tree up to the failure: unfinished modules have no figures."""
        lines: list[_Line] = []
        for item in error.partial:
            if isinstance(item, Row):
                lines.append((item.depth, not item.is_leaf, _Cells.of(item), None))
            elif isinstance(item, (Leaf, Container)):
                cells = _Cells(item.name, item.type, "…", "", "", "")
                lines.append((item.depth, True, cells, None))
        root = _Cells(model.name, model.type, str(shape), "", "", "")
        stop = Text.assemble(
            ("✗ stopped at ", "bold red"),
            (error.path or model.type, "bold"),
            ": see the error below",
            no_wrap=True,
        )
        return ShapeTree(root, lines, [stop])

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.heading
        tree = Tree(self.root, guide_style="bright_black")
        parents = [tree]
        for depth, label in self.labels:
            del parents[depth:]
            parents.append(parents[-1].add(label))
        yield tree
        yield from self.footer

    @property
    def width(self) -> int:
        """Columns the widest line needs."""
        rows = (GUIDE * depth + len(label) for depth, label in self.labels)
        others = (len(line) for line in (self.heading, self.root, *self.footer))
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


@frozen
class _Layout:
    """Column widths: the name column includes the tree's guides."""

    widths: tuple[int, ...]

    @staticmethod
    def of(cells: list[tuple[int, _Cells]]) -> _Layout:
        """Fit the columns to each line's depth and cells."""
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
            no_wrap=True,  # the console is as wide as the widest line: wrapping is work wasted
        )
        for value, width in zip(
            (cells.params, cells.macs, cells.field), self.widths[3:], strict=True
        ):
            text.append(" " * GAP + value.rjust(width), "dim" if value == "–" else "")
        text.rstrip()
        return text


def _count(value: int) -> str:
    return compact(value) if value else "–"
