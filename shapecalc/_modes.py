"""What each way of running the command takes, and what each format honours: none ignored.

An option that would change nothing is refused with exit 2, rather than accepted and
silently dropped: `--columns` with the tree, `--depth` with `--sweep`, a model with `--list`.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import Enum

from shapecalc.errors import UsageError
from shapecalc.formats import Format, View


class Mode(Enum):
    """What the command does; the value is the option that asks for it."""

    REPORT = ""  # one input size's rows: the default
    LIST = "--list"
    SWEEP = "--sweep"
    SMALLEST = "--smallest"


_ANY = frozenset({"--format", "--output"})
# What each mode takes besides --format and --output, by command-line name.
TAKES = {
    Mode.REPORT: _ANY
    | {"MODEL", "--input", "--depth", "--columns", "--view", "--dtype", "--explain", "--quiet"}
    | {"--batch"},
    Mode.LIST: _ANY,
    Mode.SWEEP: _ANY | {"MODEL"},
    Mode.SMALLEST: _ANY | {"MODEL", "--input"},
}
for _mode in (Mode.REPORT, Mode.SWEEP, Mode.SMALLEST):  # the model's own parameters
    TAKES[_mode] = TAKES[_mode] | {"--set"}
# How the output is shown rather than what it is: --no-pager anywhere, --watch (re-run as
# the spec changes) wherever a spec is read.
TAKES = {
    mode: takes | {"--no-pager"} | ({"--watch"} if "MODEL" in takes else set())
    for mode, takes in TAKES.items()
}
_SUMMARIES = (Format.TABLE, Format.JSON, Format.CSV, Format.MARKDOWN)
FORMATS = {
    Mode.REPORT: tuple(Format),
    Mode.LIST: _SUMMARIES,
    Mode.SWEEP: _SUMMARIES,
    Mode.SMALLEST: (Format.TABLE, Format.JSON),
}
# The formats of a report that honour each option; the others have nothing it could change.
HONOURED = {
    "--columns": frozenset(
        {Format.TABLE, Format.MARKDOWN, Format.CSV, Format.HTML, Format.SVG}
        | {Format.MERMAID, Format.DOT}
    ),
    "--view": frozenset({Format.HTML, Format.SVG}),
    "--explain": frozenset(Format) - {Format.JSON, Format.DYNAMIC, Format.MERMAID, Format.DOT},
    "--dtype": frozenset(Format) - {Format.LISTING, Format.DYNAMIC},
    "--batch": frozenset(Format) - {Format.LISTING, Format.DYNAMIC},
}
_WHY = {
    "--columns": "has no columns",
    "--view": "has one view",
    "--explain": "holds no arithmetic",
    "--dtype": "shows no bytes",
    "--batch": "shows no MACs or bytes for a batch to scale",
}


def default(mode: Mode) -> Format:
    """Return the format a mode writes when none is named: the tree, else a text table."""
    return Format.TREE if mode is Mode.REPORT else Format.TABLE


def check_mode(mode: Mode, given: Collection[str]) -> None:
    """Refuse an option `mode` does not take; `given` are the options named, MODEL too."""
    for name in sorted(set(given) - TAKES[mode]):
        if name == "MODEL":
            raise UsageError(mode.value, "lists every built-in model: leave out MODEL")
        raise UsageError(name, f"{mode.value or 'this'} does not use it; leave it out")


def check_format(mode: Mode, fmt: Format, named_by: str) -> None:
    """Refuse a format `mode` cannot write; `named_by` is the option that chose it."""
    formats = FORMATS[mode]
    if fmt not in formats:
        names = ", ".join(each.value for each in formats[:-1]) + f" or {formats[-1].value}"
        raise UsageError(named_by, f"{mode.value} writes {names}, not {fmt.value}")


def check_options(fmt: Format, given: Collection[str], view: View = View.TABLE) -> None:
    """Refuse an option that `fmt` would ignore; `given` are the options named."""
    for name in sorted(set(given) & HONOURED.keys()):
        if fmt not in HONOURED[name]:
            takers = sorted(each.value for each in HONOURED[name])
            raise UsageError(
                name, f"the {fmt.value} format {_WHY[name]}; these use it: {', '.join(takers)}"
            )
    if "--columns" in given and view is View.TREE:
        raise UsageError("--columns", "the tree view has no columns; use --view table")
    if "--explain" in given and view is View.GRAPH and fmt in HONOURED["--view"]:
        raise UsageError("--explain", "the graph view holds no arithmetic; use --view table")
