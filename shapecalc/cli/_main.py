"""The main command: a model's rows, its sweep, its smallest input, or the built-in list."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TextIO, TypeVar

import click

from shapecalc import __version__, _streams, inputs
from shapecalc._modes import Mode, check_format, check_mode, check_options, default
from shapecalc.cli import _pager, _set, _watch
from shapecalc.cli._base import (
    OutputClosedError,
    OutputFile,
    Root,
    batch_option,
    choice,
    completer,
    completion_option,
    deliver,
    exit_with,
    guard,
    reader,
    readers,
)
from shapecalc.errors import UsageError, quote
from shapecalc.formats import EXTENSIONS, Format, View
from shapecalc.formats.columns import Column
from shapecalc.formats.columns import parse as parse_columns
from shapecalc.memory import DType

if TYPE_CHECKING:
    from shapecalc.api import Result, Stopped

T = TypeVar("T")
EXAMPLES = """\b
Examples:
  shapecalc resnet18                     the tree at the spec's default input
  shapecalc resnet18 --input 97x131      any H×W, square or not
  shapecalc vgg11 --set in_channels=1    one input channel: grey images
  shapecalc resnet18 --format listing    the blog's listing, name:C@H*W
  shapecalc resnet18 -i 225 --explain    each size's arithmetic, and why 225 rounds
  shapecalc resnet18 -i 224 -i 225       two sizes side by side: where they part
  shapecalc resnet18 --batch 8           MACs and memory of a batch of 8
  shapecalc resnet18 --sweep 1:1024      which input sizes are clean, uneven or invalid
  shapecalc resnet18 --smallest          the smallest input it accepts
  shapecalc resnet18 -d 1 -o r18.md      a Markdown table of the top modules, to a file
  shapecalc my_net.yaml --format json    a spec file of your own, as JSON
  shapecalc vgg11 --set num_classes=10   a constructor argument, as torchvision takes it
  shapecalc info resnet18                the model's arguments, their defaults, its totals
  shapecalc diff resnet18 resnet34       two models (or specs) compared row by row
  shapecalc --list                       the built-in models
"""


@click.command(
    "shapecalc",
    cls=Root,
    epilog=EXAMPLES,
    # Help, --version and --output are declared here rather than with click's own helpers,
    # which translate their text through gettext as the command is built: that imports
    # locale, a tenth of the start-up budget of issue 7.
    add_help_option=False,
)
@click.argument("model", required=False, shell_complete=completer("models"))
@click.option(
    "-i",
    "--input",
    "sizes",
    multiple=True,
    callback=readers(inputs.parse_input, "a size"),
    metavar="SIZE",
    help="Input size: 224 (every spatial size), 224x320 (H×W: height first, where PIL writes "
    "W×H), 3x224x224 (C×H×W), 1x3x224x224 or (1, 3, 224, 224) as torchinfo; for a 1-D model "
    "16000 or 1x16000, for a 3-D one 3x16x112x112. A spatial size may be a symbol, HxW or "
    "3xHx224: every output is then a formula of it. Default: the spec's input. Give it "
    "again for more sizes side by side: -i 224 -i 320.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice([f.value for f in Format]),
    help="Output format. Default: tree, or what --output's extension says.",
)
@click.option(
    "-o",
    "--output",
    type=OutputFile(),
    help="Write to FILE (whole, or not at all) instead of standard output; the format "
    "follows its extension: .md .csv .json .html .svg .mmd .dot .txt.",
)
@click.option(
    "-d", "--depth", type=click.IntRange(min=1), help="Show modules down to this depth only."
)
@click.option(
    "-c",
    "--columns",
    callback=reader(parse_columns),
    shell_complete=completer("columns"),
    metavar="NAMES",
    help="Columns of the table, markdown, csv, html and svg formats (figures on the nodes of "
    "mermaid, dot and the graph view), comma-separated, from: "
    + ", ".join(column.value for column in Column)
    + ".",
)
@choice(
    "--view",
    default=View.TABLE,
    help="What the html and svg formats show: the table, the tree, or the graph of the data "
    "flow with shapes on its edges.",
)
@choice("--dtype", default=DType.FLOAT32, help="Element type for the memory figures.")
@batch_option(
    "Samples per batch: multiplies the MACs and the input and activation memory; "
    "shapes stay one sample's. As a leading --input size: 8x3x224x224. Default: 1."
)
@click.option(
    "-e", "--explain", is_flag=True, help="Show the arithmetic of each change of a spatial size."
)
@click.option(
    "--sweep",
    metavar="START:STOP[:STEP]",
    callback=reader(inputs.parse_sweep, "a sweep"),
    help="Try each input size from START to STOP (inclusive) on every spatial axis: the size "
    "after each stage, and whether it is clean, uneven or invalid.",
)
@click.option(
    "--smallest",
    is_flag=True,
    help="Find the smallest input accepted: along each spatial axis, and on all at once.",
)
@click.option(
    "--set",
    "values",
    multiple=True,
    metavar="NAME=VALUE",
    callback=_set.settings,
    help=_set.HELP,
)
@click.option("-q", "--quiet", is_flag=True, help="Leave out the warnings about uneven strides.")
@click.option("-l", "--list", "list_models", is_flag=True, help="List the built-in models.")
@_pager.option
@_watch.option
@completion_option
@exit_with(
    lambda _: f"shapecalc {__version__}", "-V", "--version", help="Show the version and exit."
)
@exit_with(click.Context.get_help, "-h", "--help", help="Show this message and exit.")
def main(  # noqa: PLR0917 - click passes every option positionally
    model: str | None,
    sizes: tuple[tuple[int | str, ...], ...],
    fmt: str | None,
    output: str | None,
    depth: int | None,
    columns: tuple[Column, ...] | None,
    view: str,
    dtype: str,
    batch: int | None,
    explain: bool,
    sweep: range | None,
    smallest: bool,
    values: dict[str, str],
    quiet: bool,
    list_models: bool,
) -> None:
    """Print every layer's output shape for MODEL, a built-in name or a spec file.

    Shapes, parameters, MACs and receptive fields come from PyTorch's arithmetic alone:
    no PyTorch, no forward pass.
    """
    ctx = click.get_current_context()
    mode = _mode(list_models=list_models, sweep=sweep is not None, smallest=smallest)
    given = _given(ctx) - {mode.value}
    check_mode(mode, given)
    chosen = _format(mode, fmt, output)
    from shapecalc import api

    if mode is Mode.LIST:
        deliver(api.models(chosen), output)
        return
    if model is None:
        raise click.UsageError("missing MODEL: a built-in name (see --list) or a spec file")
    if _watch.start(ctx, model):
        return
    network = api.load(model, set=values)
    ctx.meta[_watch.FILES] = network.files
    if any(isinstance(part, str) for size in sizes for part in size) and (
        len(sizes) > 1 or mode is not Mode.REPORT
    ):
        raise UsageError(
            "--input", "a size with symbols is for one model's rows: give numbers here"
        )
    if sweep is not None:
        deliver(api.sweep(network, sweep, chosen), output, network)
        return
    if smallest:
        if len(sizes) > 1:
            raise UsageError("--input", f"{mode.value} takes one size; give --input once")
        size = sizes[0] if sizes else None
        deliver(api.smallest(network, size, chosen), output, network)  # type: ignore[arg-type]
        return
    sizes, batch = inputs.take_batch(network.input, sizes, batch)
    if len(sizes) > 1:
        from shapecalc.cli._side import report_sides

        numbers: tuple[tuple[int, ...], ...] = sizes  # type: ignore[assignment]  # as checked
        report_sides(
            network, numbers, chosen, given=given, output=output, quiet=quiet,
            depth=depth, dtype=DType(dtype), batch=batch or 1,
        )  # fmt: skip
        return
    check_options(chosen, given, View(view))

    def settled(function: Callable[..., T]) -> Callable[..., T]:
        """Give `function` (render or show) the format and options asked for."""
        return partial(
            function, format=chosen, depth=depth, columns=columns, dtype=DType(dtype),
            explain=explain, view=View(view), batch=batch or 1,
        )  # fmt: skip

    render, show = settled(api.render), settled(api.show)
    outcome = api.attempt(network, sizes[0] if sizes else None)
    warn = partial(api.warnings, format=chosen, depth=depth)
    _report(outcome, render, show, warn, output=output, quiet=quiet)


def _mode(*, list_models: bool, sweep: bool, smallest: bool) -> Mode:
    """Return what the command line asks for: the list, a sweep, the smallest input, or rows."""
    if list_models:
        return Mode.LIST
    return Mode.SWEEP if sweep else Mode.SMALLEST if smallest else Mode.REPORT


def _given(ctx: click.Context) -> set[str]:
    """Return the options named on the command line (by their long names), and MODEL."""
    from click.core import ParameterSource

    given = set()
    for param in ctx.command.params:
        if param.name and ctx.get_parameter_source(param.name) not in (
            None,
            ParameterSource.DEFAULT,
        ):
            long = max(param.opts, key=len)
            given.add("MODEL" if isinstance(param, click.Argument) else long)
    return given


def _format(mode: Mode, fmt: str | None, output: str | None) -> Format:
    """Return the format asked for, else the one --output's extension names, else the mode's.

    `.txt` names plain text: the tree of a report, the table of the other modes.
    """
    if fmt is not None:
        chosen, named_by = Format(fmt), "--format"
    elif output is None:
        return default(mode)
    else:
        extension = os.path.splitext(output)[1].lower()
        found = default(mode) if extension == ".txt" else EXTENSIONS.get(extension)
        if found is None:
            raise UsageError(
                "--output",
                f"cannot tell a format from {quote(os.path.basename(output))}; "
                "name one with --format",
            )
        chosen, named_by = found, "--output"
    check_format(mode, chosen, named_by)
    return chosen


def _report(
    outcome: Result | Stopped,
    render: Callable[[Result], str],
    show: Callable[[Result | Stopped, TextIO], None],
    warn: Callable[[Result], list[str]],
    *,
    output: str | None,
    quiet: bool,
) -> None:
    """Write the model's rows, then any warnings about the input size.

    A model that stopped shows its tree up to the failure on standard output, then the error.
    """
    from shapecalc import api

    if isinstance(outcome, api.Stopped):
        if output is None:
            guard(partial(show, outcome))
        raise outcome.error
    if output is None:
        guard(partial(show, outcome))
    else:
        deliver(render(outcome), output, outcome.model)
    if not quiet:
        for line in warn(outcome):
            if not _streams.advise(line):
                raise OutputClosedError  # nobody is left to tell
