"""Output formats; each lives in its own module and is imported only when used."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TextIO

from shapecalc.engine import Result
from shapecalc.memory import DType


class Format(Enum):
    """The formats `--format` offers."""

    TREE = "tree"
    LISTING = "listing"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class Options:
    """What every format may take into account: element type, and whether to explain."""

    dtype: DType = DType.FLOAT32
    explain: bool = False


def write(result: Result, fmt: Format, stream: TextIO, options: Options = Options()) -> None:
    """Write `result` to `stream` in `fmt`."""
    if fmt is Format.TREE:
        from shapecalc.render import tree  # rich is imported only for the tree

        tree.write(result, stream, options)
    elif fmt is Format.LISTING:
        from shapecalc.render import listing

        stream.write(listing.render(result, options))
    else:
        from shapecalc.render import json

        stream.write(json.render(result, options))
