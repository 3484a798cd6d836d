"""Output formats; each lives in its own module and is imported only when used."""

from __future__ import annotations

from enum import Enum
from typing import TextIO

from shapecalc.engine import Result


class Format(Enum):
    """The formats `--format` offers."""

    TREE = "tree"
    LISTING = "listing"
    JSON = "json"


def write(result: Result, fmt: Format, stream: TextIO) -> None:
    """Write `result` to `stream` in `fmt`."""
    if fmt is Format.TREE:
        from shapecalc.render import tree  # rich is imported only for the tree

        tree.write(result, stream)
    elif fmt is Format.LISTING:
        from shapecalc.render import listing

        stream.write(listing.render(result))
    else:
        from shapecalc.render import json

        stream.write(json.render(result))
