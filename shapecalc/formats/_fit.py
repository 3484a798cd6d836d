"""Fitting the tree and the table to a terminal's width, as they are laid out.

On a terminal the tree and the table are laid out for its width (COLUMNS, if set, as rich
reads it) so that no line wraps; piped or written to a file, they keep their natural width,
so that a file's text is the same wherever it is made. A layout tries, in order, steps that
each lose less than the next, and takes the first that fits:

1. figures abbreviated to three significant digits (`11.7M`, as the tree always shows them)
   and narrower gaps between the table's columns;
2. the receptive field dropped: it is the figure least often looked at, and the
   explanation of a field needs the layers around it anyway;
3. type names shortened to 12 columns (`Conv2dNormA…`): the start of a type says what
   it is;
4. the table's window dropped (its layer types and output shapes say most of it);
5. MACs dropped, then type names shortened to 8 columns, then params dropped:
   the output shape, which shapecalc is for, and the names stay to the last;
6. names cut with an ellipsis to fit what is left (paths lose their start, where they
   are alike).

Columns picked with `--columns` are never dropped: only steps 1, 3 and 6 apply to them;
nor is the rounded column, a few columns wide. --explain's arithmetic, longer than most
terminals, is left out of the fit and wraps. Below MIN_WIDTH columns a layout is made for
MIN_WIDTH and the terminal wraps it. The summary under them wraps at spaces, never inside
a figure, each entry's lines under its first.
"""

from __future__ import annotations

import re

MIN_WIDTH = 60  # the narrowest terminal the tree and the table are laid out for
TYPE_WIDTHS = (12, 8)  # type names are shortened to these, in turn
ELLIPSIS = "…"
_NARROW = frozenset(map(chr, range(0x20, 0x7F)))
_WIDER = re.compile("[^\x00-\x7f×–…≤·−⌊⌋⌈⌉✗│├└─]")  # what may take other than one column
# A figure is never parted from its unit (`1.81 G`), from what comes before it (`params
# 46.76`, `+ 0.60`), nor `=` and `×` from what they join.
_UNBROKEN = re.compile(r" (?=[A-Z][A-Za-z]?\b)| (?=[0-9])| (?=[=×] )|(?<=[=×]) ")


def narrow(text: str) -> bool:
    """Tell whether each character of `text` takes one column, as most names' do: ASCII,
    and the signs the formats write themselves."""
    return text.isascii() or _WIDER.search(text) is None


def width_of(text: str) -> int:
    """Return the columns `text` takes on a terminal: a wide character such as 卷 takes two."""
    return len(text) if narrow(text) else cell_len(text)


def cell_len(text: str) -> int:
    """Return rich's measure of `text`, importing rich only for text that needs it."""
    from rich.cells import cell_len

    return cell_len(text)


def fitted(width: int) -> int:
    """Return the width to lay out for on a terminal `width` columns wide."""
    return max(width, MIN_WIDTH)


def shorten(text: str, width: int, *, start: bool = False) -> str:
    """Cut `text` to `width` terminal columns, its end (or `start`) replaced by an ellipsis."""
    if text.isascii():
        if len(text) <= width:
            return text
        keep = max(width - 1, 0)
        return ELLIPSIS + text[len(text) - keep :] if start else text[:keep] + ELLIPSIS
    if width_of(text) <= width:
        return text
    kept, used = [], 0
    for char in reversed(text) if start else text:
        used += 1 if char in _NARROW else cell_len(char)
        if used > width - 1:
            break
        kept.append(char)
    return ELLIPSIS + "".join(reversed(kept)) if start else "".join(kept) + ELLIPSIS


def wrap(text: str, width: int) -> list[str]:
    """Break `text` into lines of at most `width` columns at spaces, never inside a figure.

    A word longer than a line (a figure of a hundred digits) is a line of its own.
    """
    words = _UNBROKEN.sub("\xa0", text).split(" ")
    lines: list[str] = []
    line = ""
    for word in words:
        if line and width_of(line) + 1 + width_of(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return [line.replace("\xa0", " ") for line in lines]
