"""`shapecalc diff A B`: two models or specs compared row by row, at one input."""

from __future__ import annotations

import click

from shapecalc import inputs
from shapecalc.cli._base import (
    Command,
    OutputFile,
    batch_option,
    choice,
    deliver,
    exit_with,
    reader,
)
from shapecalc.errors import UsageError, quote
from shapecalc.memory import DType

FORMATS = ("table", "markdown", "csv", "json")
EXAMPLES = """\b
Examples:
  shapecalc diff resnet18 resnet34               what the deeper model adds
  shapecalc diff my_net.yaml my_net_v2.yaml      a spec before and after an edit
  shapecalc diff <(git show HEAD:my_net.yaml) my_net.yaml
                                                 the spec against its last commit
  shapecalc diff resnet18 resnet34 -i 320 -d 1   at one input, the top modules only
"""


@click.command("diff", cls=Command, epilog=EXAMPLES, add_help_option=False)
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option(
    "-i",
    "--input",
    "size",
    callback=reader(inputs.parse_size, "a size"),
    metavar="SIZE",
    help="Input size for both, as the main command takes it. Default: each spec's input.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format. Default: table, or what --output's extension says.",
)
@click.option("-o", "--output", type=OutputFile(), help="Write to FILE instead of standard output.")
@click.option(
    "-d", "--depth", type=click.IntRange(min=1), help="Compare modules down to this depth only."
)
@choice("--dtype", default=DType.FLOAT32, help="Element type for the memory figures.")
@batch_option(
    "Samples per batch, for both: multiplies the MACs and the input and activation "
    "memory, as the main command's --batch. As a leading --input size: 8x3x224x224."
)
@click.option("-a", "--all", "every", is_flag=True, help="Show unchanged rows too.")
@click.option(
    "--exit-code", is_flag=True, help="Exit with 1 when the models differ, as git diff does."
)
@exit_with(click.Context.get_help, "-h", "--help", help="Show this message and exit.")
def command(  # noqa: PLR0917 - click passes every option positionally
    a: str,
    b: str,
    size: tuple[int, ...] | None,
    fmt: str | None,
    output: str | None,
    depth: int | None,
    dtype: str,
    batch: int | None,
    every: bool,
    exit_code: bool,
) -> None:
    """Compare A and B, each a built-in name or a spec file, module by module.

    Modules are matched by their dotted path: `+` marks one only B has, `-` one only A has,
    `~` one whose type, output, params or MACs changed; the totals' changes follow. To
    compare with a git revision, let the shell read it: <(git show REV:FILE).
    """
    from shapecalc import api

    chosen = _format(fmt, output)
    models = [api.load(a), api.load(b)]
    if size is not None:  # a leading batch, when A and B both read one there
        taken = {inputs.take_batch(model.input, (size,), batch) for model in models}
        if len(taken) == 1:
            ((size,), batch), *_ = taken
    diff = api.compare(models[0], models[1], size)  # a ShapeError names the file that failed
    text = api.render_diff(diff, chosen, depth=depth, dtype=dtype, all=every, batch=batch or 1)
    if output is None:
        deliver(text, None)
    else:
        from shapecalc.files import write_output

        write_output(output, text, protect=models[0].files + models[1].files)
    if exit_code and not diff.same:
        click.get_current_context().exit(1)


def _format(fmt: str | None, output: str | None) -> str:
    """Return the format named, else the one --output's extension names, else the table.

    `.txt` names the table, as it names plain text in the main command.
    """
    if fmt is not None or output is None:
        return fmt or "table"
    import os

    from shapecalc.formats import EXTENSIONS

    extension = os.path.splitext(output)[1].lower()
    found = "table" if extension == ".txt" else getattr(EXTENSIONS.get(extension), "value", None)
    if found not in FORMATS:
        raise UsageError(
            "--output",
            f"diff cannot tell a format from {quote(os.path.basename(output))}; "
            "name one of " + ", ".join(FORMATS) + " with --format",
        )
    return str(found)
