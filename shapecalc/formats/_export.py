"""A drawing as rich's Console.export_svg and export_html would write it, byte for byte, fast.

Rich exports what a console recorded segment by segment, working out each segment's style,
cell length and attributes anew: about 0.1 ms a line, 90 ms for efficientnet_b7's table. A
drawing is made of a few styles and one or two segments a line, so the same text is written
here from its lines, each style's rules worked out once. tests/test_formats.py checks both
against rich's own export.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from math import ceil

from rich._export_format import CONSOLE_SVG_FORMAT
from rich.cells import cell_len
from rich.color import blend_rgb
from rich.style import Style
from rich.terminal_theme import DEFAULT_TERMINAL_THEME, SVG_EXPORT_THEME

from shapecalc.formats._fit import narrow
from shapecalc.formats.tree import Drawing, Paint

Piece = tuple[str, Style | None]
# Rich's SVG geometry (export_svg's defaults: Fira Code's aspect ratio, its margins).
CHAR_HEIGHT = 20
CHAR_WIDTH = CHAR_HEIGHT * 0.61
LINE_HEIGHT = CHAR_HEIGHT * 1.22
MARGIN, PADDING_TOP, PADDING = 1, 40, 8


def pieces(drawing: Drawing) -> Iterator[Piece]:
    """Yield the segments a console records of `drawing`, as text and style."""
    lead_style = drawing.lead_style.style
    styles = {paint: paint.style for paint in Paint}
    for lead, line in drawing.lines:
        if lead:
            yield lead, lead_style
        for text, paint in line:
            yield text, styles[paint]
        yield "\n", None


def html(drawing: Drawing, page: str) -> str:
    """Return the drawing as export_html(inline_styles=True, code_format=page) writes it."""
    theme = DEFAULT_TERMINAL_THEME
    rules: dict[Style, str] = {}
    fragments = []
    for text, style in _simplified(pieces(drawing)):
        shown = escape(text)
        if style:
            rule = rules.get(style)
            if rule is None:
                rule = rules[style] = style.get_html_style(theme)
            if rule:
                shown = f'<span style="{rule}">{shown}</span>'
        fragments.append(shown)
    return page.format(
        code="".join(fragments),
        stylesheet="",
        foreground=theme.foreground_color.hex,
        background=theme.background_color.hex,
    )


def _simplified(made: Iterator[Piece]) -> Iterator[Piece]:
    """Join neighbours of equal styles, as Segment.simplify does."""
    last = next(made, None)
    if last is None:
        return
    for piece in made:
        if last[1] == piece[1]:
            last = (last[0] + piece[0], last[1])
        else:
            yield last
            last = piece
    yield last


def svg(drawing: Drawing, width: int, title: str, unique_id: str) -> str:
    """Return the drawing as export_svg(title=title, unique_id=unique_id) writes it from a
    console `width` columns wide."""
    classes: dict[str, int] = {}  # a style's rules, numbered as they first appear
    numbers: dict[Style | None, int] = {}
    texts = []
    y = 0
    for y, line in enumerate(_lines(drawing, width)):
        x = 0
        top = _g(y * LINE_HEIGHT + CHAR_HEIGHT)
        for text, style, length in line:
            number = numbers.get(style)
            if number is None:
                number = numbers[style] = classes.setdefault(_svg_rules(style), len(classes) + 1)
            if text.strip(" "):  # not blank, as rich skips
                texts.append(
                    f'<text class="{unique_id}-r{number}" x="{_g(x * CHAR_WIDTH)}" y="{top}" '
                    f'textLength="{_g(CHAR_WIDTH * len(text))}" '
                    f'clip-path="url(#{unique_id}-line-{y})">{_svg_text(text)}</text>'
                )
            x += length
    if any(style and (style.bgcolor or style.reverse) for style in numbers):
        raise ValueError("a drawing's style has a background, which rich would draw")
    matrix = "".join(texts)
    return _svg_page(width, y, title=title, unique_id=unique_id, classes=classes, matrix=matrix)


def _lines(drawing: Drawing, width: int) -> Iterator[list[tuple[str, Style | None, int]]]:
    """Yield each line's pieces and their lengths in cells, padded to `width`, then its
    newline, as export_svg sees them."""
    line: list[tuple[str, Style | None, int]] = []
    used = 0
    for text, style in pieces(drawing):
        if text == "\n":
            if used < width:
                line.append((" " * (width - used), None, width - used))
            line.append(("\n", None, 0))
            yield line
            line, used = [], 0
        else:
            length = len(text) if narrow(text) else cell_len(text)
            line.append((text, style, length))
            used += length


def _svg_page(
    width: int, y: int, *, title: str, unique_id: str, classes: dict[str, int], matrix: str
) -> str:
    """Fill in rich's SVG template around the text, as export_svg does."""
    theme = SVG_EXPORT_THEME
    clip = (
        f'<rect x="0" y="{{}}" width="{_g(CHAR_WIDTH * width)}" height="{_g(LINE_HEIGHT + 0.25)}"/>'
    )
    lines = "\n".join(
        f"""<clipPath id="{unique_id}-line-{number}">
    {clip.format(_g(number * LINE_HEIGHT + 1.5))}
            </clipPath>"""
        for number in range(y)
    )
    styles = "\n".join(f".{unique_id}-r{number} {{ {css} }}" for css, number in classes.items())
    terminal_width = ceil(width * CHAR_WIDTH + 2 * PADDING)
    terminal_height = (y + 1) * LINE_HEIGHT + PADDING_TOP + PADDING
    chrome = (
        f'<rect fill="{theme.background_color.hex}" stroke="rgba(255,255,255,0.35)" '
        f'stroke-width="1" x="{MARGIN}" y="{MARGIN}" width="{terminal_width}" '
        f'height="{_g(terminal_height)}" rx="8"/>'
    )
    if title:
        chrome += (
            f'<text class="{unique_id}-title" fill="{theme.foreground_color.hex}" '
            f'text-anchor="middle" x="{terminal_width // 2}" y="{MARGIN + CHAR_HEIGHT + 6}">'
            f"{_svg_text(title)}</text>"
        )
    chrome += """
            <g transform="translate(26,22)">
            <circle cx="0" cy="0" r="7" fill="#ff5f57"/>
            <circle cx="22" cy="0" r="7" fill="#febc2e"/>
            <circle cx="44" cy="0" r="7" fill="#28c840"/>
            </g>
        """
    return CONSOLE_SVG_FORMAT.format(
        unique_id=unique_id,
        char_width=CHAR_WIDTH,
        char_height=CHAR_HEIGHT,
        line_height=LINE_HEIGHT,
        terminal_width=CHAR_WIDTH * width - 1,
        terminal_height=(y + 1) * LINE_HEIGHT - 1,
        width=terminal_width + 2 * MARGIN,
        height=terminal_height + 2 * MARGIN,
        terminal_x=MARGIN + PADDING,
        terminal_y=MARGIN + PADDING_TOP,
        styles=styles,
        chrome=chrome,
        backgrounds="",  # no style of a drawing has a background
        matrix=matrix,
        lines=lines,
    )


def _svg_rules(style: Style | None) -> str:
    """Return a style's CSS rules, as export_svg's get_svg_style makes them."""
    theme = SVG_EXPORT_THEME
    style = style or Style()
    color = (
        theme.foreground_color
        if style.color is None or style.color.is_default
        else style.color.get_truecolor(theme)
    )
    background = theme.background_color
    if style.dim:
        color = blend_rgb(color, background, 0.4)
    rules = [f"fill: {color.hex}"]
    if style.bold:
        rules.append("font-weight: bold")
    if style.italic:
        rules.append("font-style: italic;")
    if style.underline:
        rules.append("text-decoration: underline;")
    if style.strike:
        rules.append("text-decoration: line-through;")
    return ";".join(rules)


def _svg_text(text: str) -> str:
    return escape(text).replace(" ", "&#160;")


def _g(value: float) -> str:
    return format(value, "g")
