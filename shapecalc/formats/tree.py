"""The tree: every module with its type, output shape, params, MACs and receptive field.

The tree and the table are drawn from pieces of text made once, each with a paint that
names its style: a name is always text, never markup, and thousands of lines render in a
fraction of a second, where rich's own Tree and Text spent about 0.1 ms a line. Rich's
segments and styles are made only to print on a terminal or export: piped text imports
nothing of rich.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from shapecalc.engine import Result, Row, Stopped
from shapecalc.formats import Options, summary
from shapecalc.formats._fit import TYPE_WIDTHS, fitted, shorten, width_of, wrap
from shapecalc.formats._rounding import Rounded, rounded
from shapecalc.formats.columns import Column, Sheet, sources, visible
from shapecalc.formats.explain import arithmetic
from shapecalc.formats.text import (
    NOT_RUN,
    batched,
    compact,
    field,
    grouped,
    input_text,
    output_text,
)
from shapecalc.limits import MAX_DRAWN_ROWS
from shapecalc.memory import DType
from shapecalc.value import frozen

if TYPE_CHECKING:  # rich is imported only to print on a terminal or export
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.style import Style

GUIDE = 4  # columns the tree's guides take per level
GAP = 2
HEADINGS = ("output", "params", "MACs", "field")
# The guides rich's Tree draws: under a last child, under another, before a child, before a last.
SPACE, DOWN, FORK, END = "    ", "│   ", "├── ", "└── "
_ASCII = str.maketrans("│├└─", "|+`-")  # the same guides and rules, as rich draws them in ASCII


class Paint(Enum):
    """A piece's style, by name; its value is the rich Style's arguments."""

    PLAIN = ()  # rich's Style(), not None: rich's HTML export joined runs of one style
    BOLD = (("bold", True),)
    BLUE = (("color", "blue"),)
    CYAN = (("color", "cyan"),)
    DIM = (("dim", True),)
    YELLOW = (("color", "yellow"),)
    STOP = (("bold", True), ("color", "red"))
    GUIDE = (("color", "bright_black"), ("bold", False), ("underline2", False))  # rich Tree's

    @property
    def style(self) -> Style:
        """Return the rich Style, made once."""
        style = _STYLES.get(self)
        if style is None:
            from rich.style import Style

            style = _STYLES[self] = Style(**dict(self.value))
        return style


_STYLES: dict[Paint, Style] = {}
PLAIN, BOLD, BLUE, CYAN = Paint.PLAIN, Paint.BOLD, Paint.BLUE, Paint.CYAN
DIM, YELLOW, STOP, GUIDE_STYLE = Paint.DIM, Paint.YELLOW, Paint.STOP, Paint.GUIDE


class Piece(NamedTuple):
    """Text in one style."""

    text: str
    paint: Paint


Line = tuple[str, list[Piece]]  # a lead of guides or rules, then the line's text


def ljust(text: str, width: int) -> str:
    """Pad `text` on the right to `width` columns."""
    return text + " " * (width - width_of(text))


def rjust(text: str, width: int) -> str:
    """Pad `text` on the left to `width` columns."""
    return " " * (width - width_of(text)) + text


def segments(pieces: Iterable[tuple[str, Paint]]) -> list[Piece]:
    """Make a line's pieces: runs of one paint joined, the trailing spaces cut."""
    merged: list[tuple[str, Paint]] = []
    for text, style in pieces:
        if merged and merged[-1][1] is style:
            merged[-1] = (merged[-1][0] + text, style)
        elif text:
            merged.append((text, style))
    while merged and not merged[-1][0].rstrip():
        merged.pop()
    if merged:
        merged[-1] = (merged[-1][0].rstrip(), merged[-1][1])
    return [Piece(text, paint) for text, paint in merged]


class Drawing:
    """Lines of styled text drawn as they are: never read as markup, never wrapped or cut.

    Each line is a lead of box-drawing characters (a tree's guides, a table's rule), drawn in
    `lead_style` and in ASCII on a console that cannot show them, then the line's segments.
    """

    __slots__ = ("lead_style", "lines")

    def __init__(self, lines: list[Line], lead_style: Paint = PLAIN) -> None:
        self.lines = lines
        self.lead_style = lead_style

    @property
    def width(self) -> int:
        """Columns the widest line needs."""
        texts = (lead + "".join(part.text for part in line) for lead, line in self.lines)
        return max(map(width_of, texts), default=0)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        ascii_only = options.ascii_only
        style = self.lead_style.style
        styles = {paint: paint.style for paint in Paint}
        new_line = Segment("\n")
        for lead, line in self.lines:
            if lead:
                yield Segment(lead.translate(_ASCII) if ascii_only else lead, style)
            for text, paint in line:
                yield Segment(text, styles[paint])
            yield new_line

    def plain(self) -> str:
        """Return the lines as plain text, each ended by a newline."""
        return "".join(
            lead + "".join(part.text for part in line) + "\n" for lead, line in self.lines
        )


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
    def each(rows: list[Row], batch: int = 1) -> list[_Cells]:
        """Return each row's cells, as `of` makes them (MACs of `batch` samples), each shape,
        field and count once."""
        sheet = Sheet(rows, DType.FLOAT32, batch=batch)
        counts: dict[int, str] = {}
        params = [counts.get(n) or counts.setdefault(n, _count(n)) for n in map(_PARAMS, rows)]
        macs = [counts.get(n) or counts.setdefault(n, _count(n)) for n in sheet.numbers(MACS)]
        return list(
            map(
                _Cells,
                map(_label, rows),
                map(_TYPE, rows),
                sheet.texts(Column.OUTPUT),
                params,
                macs,
                sheet.texts(Column.FIELD),
            )
        )

    @staticmethod
    def of(row: Row) -> _Cells:
        return _Cells(
            _label(row),
            row.type,
            output_text(row.shape, row.formulas),
            _count(row.params),
            _count(row.macs),
            field(row.field),
        )


_TYPE = attrgetter("type")


def _label(row: Row) -> str:
    """Return a row's name, and where its input comes from when not the step before."""
    takes = row.module.takes
    return row.name if takes is None else f"{row.name} ← {sources(takes)}"


_PARAMS = attrgetter("params")
MACS = Column.MACS
_Entry = tuple[int, bool, "_Cells", str | None]  # depth, bold, cells, a note after them


class ShapeTree(Drawing):
    """The tree: the input, a heading, the root, a line per module under guides, and text
    under it.

    Built by `of` for a result (its summary under it) or by `partial` for a failure (the
    modules done so far, and where it stopped). The lines are laid out once.
    """

    __slots__ = ()

    @staticmethod
    def build(
        caption: str,
        root: _Cells,
        entries: list[_Entry],
        footer: list[list[Piece]],
        width: int | None = None,
        *,
        long_notes: bool = False,
    ) -> ShapeTree:
        """Lay out the caption, the heading, the root's line, a line per entry, the footer,
        fitted to `width` columns if given; `long_notes` (--explain's arithmetic, longer than
        most terminals) are left out of the fit, to wrap."""
        layout = _Layout.of(
            [(depth, cells) for depth, _, cells, _ in entries] + [(0, root)],
            [] if long_notes else [note for _, _, _, note in entries if note],
            width,
        )
        lines: list[Line] = [
            ("", [Piece(caption, PLAIN)]),
            ("", [Piece(layout.heading(), BOLD)]),
            ("", layout.line(root, depth=0, bold=True)),
        ]
        depths = [depth for depth, _, _, _ in entries]
        for guide, (depth, bold, cells, note) in zip(guides(depths), entries, strict=True):
            line = layout.line(cells, depth=depth, bold=bold)
            if note:
                line.append(Piece(f"  {note}", YELLOW))
            lines.append((guide, line))
        lines.extend(("", line) for line in footer)
        return ShapeTree(lines, GUIDE_STYLE)

    @staticmethod
    def of(result: Result, options: Options) -> ShapeTree:
        """The tree of a result: a layer that rounds its output is marked `rounded`, and each
        change of a spatial size explained if `options.explain`."""
        marks = rounded(result, options.depth)
        rows = visible(result, options.depth)
        entries = [
            (
                row.depth,
                not row.is_leaf,
                cells,
                _note(row, marks.get(row.path), explain=options.explain),
            )
            for row, cells in zip(rows, _Cells.each(rows, options.batch), strict=True)
        ]
        caption = f"input {input_text(result.input, options.batch, result.input_formulas)}"
        footer = summary_lines(result, options)
        root = _root(result, options.batch)
        return ShapeTree.build(
            caption, root, entries, footer, options.width, long_notes=options.explain
        )

    @staticmethod
    def partial(stopped: Stopped, width: int | None = None) -> ShapeTree:
        """The tree up to the failure: unfinished modules have no figures.

        Past MAX_DRAWN_ROWS modules, only the unfinished ones (the failing layer and the
        modules around it) are drawn, and the footer says how many were left out.
        """
        model, error, items = stopped.model, stopped.error, stopped.done
        capped = len(items) > MAX_DRAWN_ROWS
        entries: list[_Entry] = []
        for item in items:
            if isinstance(item, Row):
                if not capped:
                    entries.append((item.depth, not item.is_leaf, _Cells.of(item), None))
            else:
                cells = _Cells(item.name, item.type, "…", "", "", "")
                entries.append((item.depth, True, cells, None))
        root = _Cells(model.name, model.type, "…", "", "", "")
        footer = []
        if capped:
            done = grouped(sum(isinstance(item, Row) for item in items))
            limit = grouped(MAX_DRAWN_ROWS)
            note = f"{done} finished modules not drawn: a drawing holds {limit} rows"
            footer.append([Piece(note, PLAIN)])
        stop = [
            Piece("✗ stopped at ", STOP),
            Piece(error.path or model.type, BOLD),
            Piece(": see the error below", PLAIN),
        ]
        return ShapeTree.build(f"input {stopped.input}", root, entries, [*footer, stop], width)


def _note(row: Row, mark: Rounded | None, *, explain: bool) -> str | None:
    """Return what follows a row: that it rounds its output, and its arithmetic."""
    explained = arithmetic(row) if explain else None
    if mark is Rounded.HERE:
        return "rounded" if explained is None else f"rounded: {explained}"
    if mark is Rounded.WITHIN:
        return "rounded within"
    return explained


def guides(depths: list[int]) -> list[str]:
    """Return each line's guides, from the depths of the lines in order (the root's is 0)."""
    later: list[bool] = []  # at each depth, whether a sibling follows the line
    lasts = []
    for depth in reversed(depths):
        del later[depth:]
        later.extend([False] * (depth - len(later)))
        lasts.append(not later[depth - 1])
        later[depth - 1] = True
    guides = []
    bases = [""]  # at each depth, the guides of the lines' ancestors
    for depth, last in zip(depths, reversed(lasts), strict=True):
        del bases[depth:]
        guides.append(bases[-1] + (END if last else FORK))
        bases.append(bases[-1] + (SPACE if last else DOWN))
    return guides


def summary_lines(result: Result, options: Options) -> list[list[Piece]]:
    """Return the summary's lines: each label in bold, padded to the longest; the text
    wrapped at spaces to `options.width`, under itself."""
    entries = summary.entries(result, options.dtype, options.batch)
    indent = max(len(label) for label, _ in entries) + GAP
    lines = []
    for label, text in entries:
        parts = [text] if options.width is None else wrap(text, fitted(options.width) - indent)
        lines.append([Piece(label.ljust(indent), BOLD), Piece(parts[0], PLAIN)])
        lines += [[Piece(" " * indent + part, PLAIN)] for part in parts[1:]]
    return lines


def _root(result: Result, batch: int = 1) -> _Cells:
    """The root's line: the model's output and totals, of `batch` samples (its input is the
    caption's)."""
    return _Cells(
        result.model.name,
        result.model.type,
        batched(result.output, batch, result.output_formulas),
        _count(result.total_params),
        _count(result.batch_macs(batch)),
        "",
    )


@frozen
class _Layout:
    """Column widths, 0 for a column left out: the name column includes the tree's guides,
    and names and types wider than theirs are cut; `note` is the widest note's."""

    widths: tuple[int, ...]
    note: int = 0

    @staticmethod
    def of(lines: list[tuple[int, _Cells]], notes: list[str], width: int | None) -> _Layout:
        """Fit the columns to each line's depth and cells, then to `width` (see _fit)."""
        natural = _Layout(
            (
                max(GUIDE * depth + width_of(cell.name) for depth, cell in lines),
                max(width_of(cell.type) for _, cell in lines),
                max(len(HEADINGS[0]), *(len(cell.shape) for _, cell in lines)),
                max(len(HEADINGS[1]), *(len(cell.params) for _, cell in lines)),
                max(len(HEADINGS[2]), *(len(cell.macs) for _, cell in lines)),
                max(len(HEADINGS[3]), *(len(cell.field) for _, cell in lines)),
            ),
            max((GAP + width_of(note) for note in notes), default=0),
        )
        if width is None:
            return natural
        width = fitted(width)
        for layout in natural._steps():
            if layout.width <= width:
                return layout
        deepest = max(depth for depth, _ in lines)
        name = max(natural.widths[0] - (layout.width - width), GUIDE * deepest + 4)
        return _Layout((min(name, natural.widths[0]), *layout.widths[1:]), layout.note)

    def _steps(self) -> list[_Layout]:
        """Return the layouts _fit's steps make, in turn: each leaves out more."""
        name, kind, shape, params, macs, _ = self.widths
        steps = [
            (name, kind, shape, params, macs, 0),
            (name, min(kind, TYPE_WIDTHS[0]), shape, params, macs, 0),
            (name, min(kind, TYPE_WIDTHS[0]), shape, params, 0, 0),
            (name, min(kind, TYPE_WIDTHS[1]), shape, params, 0, 0),
            (name, min(kind, TYPE_WIDTHS[1]), shape, 0, 0, 0),
        ]
        return [self, *(_Layout(widths, self.note) for widths in steps)]

    @property
    def width(self) -> int:
        """Columns the widest line takes."""
        return sum(self.widths) + GAP * (sum(map(bool, self.widths)) - 1) + self.note

    def heading(self) -> str:
        shape_at = self.widths[0] + GAP + self.widths[1] + GAP
        numbers = "".join(
            f"{' ' * GAP}{title:>{width}}"
            for title, width in zip(HEADINGS[1:], self.widths[3:], strict=True)
            if width
        )
        return f"{' ' * shape_at}{HEADINGS[0]:<{self.widths[2]}}{numbers}".rstrip()

    def line(self, cells: _Cells, *, depth: int, bold: bool) -> list[Piece]:
        name = shorten(cells.name, self.widths[0] - GUIDE * depth)
        pieces: list[tuple[str, Paint]] = [
            (ljust(name, self.widths[0] - GUIDE * depth + GAP), BOLD if bold else PLAIN),
            (ljust(shorten(cells.type, self.widths[1]), self.widths[1] + GAP), BLUE),
            (cells.shape.ljust(self.widths[2]), DIM if cells.shape == NOT_RUN else CYAN),
        ]
        for value, width in zip(
            (cells.params, cells.macs, cells.field), self.widths[3:], strict=True
        ):
            if width:
                pieces.append((" " * GAP + value.rjust(width), DIM if value == "–" else PLAIN))
        return segments(pieces)


def _count(value: int) -> str:
    return compact(value) if value else "–"
