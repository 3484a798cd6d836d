"""The `shapecalc` command: a thin click layer over catalog, engine and render."""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click

from shapecalc import __version__
from shapecalc.errors import ShapecalcError, UsageError
from shapecalc.render import Format
from shapecalc.shape import Shape

EXAMPLES = """\b
Examples:
  shapecalc resnet18                     the tree at the spec's default input
  shapecalc resnet18 --input 97x131      any H×W, square or not
  shapecalc resnet18 -i 1x64x64          C×H×W: a different channel count
  shapecalc resnet18 --format listing    the blog's listing, name:C@H*W
  shapecalc my_net.yaml --format json    a spec file of your own, as JSON
  shapecalc --list                       the built-in models
"""
SEPARATORS = "xX×*"


def parse_size(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[int, ...] | None:
    """Read `224` (H = W), `224x320` (H×W) or `3x224x224` (C×H×W)."""
    if value is None:
        return None
    text = value.strip()
    for separator in SEPARATORS:
        text = text.replace(separator, "x")
    parts = text.split("x")
    if 1 <= len(parts) <= 3 and all(part.isdigit() and int(part) >= 1 for part in parts):
        return tuple(int(part) for part in parts)
    raise click.BadParameter(
        f"{value!r} is not a size; use 224 (H = W), 224x320 (H×W) or 3x224x224 (C×H×W), "
        "each a whole number ≥ 1",
        ctx,
        param,
    )


class Command(click.Command):
    """A command that reports every failure as one `error:` line on stderr and an exit status."""

    def main(  # type: ignore[override]
        self, args: list[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> NoReturn:
        extra["standalone_mode"] = False
        try:
            status = super().main(args, prog_name or "shapecalc", **extra)
        except click.UsageError as error:
            status = _fail(_usage_message(error), 2)
        except ShapecalcError as error:
            status = _fail(str(error), error.exit_code)
        except click.Abort:
            status = _fail("interrupted", 130)
        except OutputClosedError:
            # Stop quietly, as Python's docs advise, but never report the output complete.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            status = 1
        sys.exit(status if isinstance(status, int) else 0)


@click.command(
    cls=Command, epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.argument("model", required=False)
@click.option(
    "-i",
    "--input",
    "size",
    callback=parse_size,
    metavar="SIZE",
    help="Input size: 224, 224x320 (H×W) or 3x224x224 (C×H×W). Default: the spec's input.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice([f.value for f in Format]),
    default=Format.TREE.value,
    show_default=True,
    help="Output format.",
)
@click.option("-l", "--list", "list_models", is_flag=True, help="List the built-in models.")
@click.version_option(
    __version__, "-V", "--version", prog_name="shapecalc", message="%(prog)s %(version)s"
)
def main(model: str | None, size: tuple[int, ...] | None, fmt: str, list_models: bool) -> None:
    """Print every layer's output shape for MODEL, a built-in name or a spec file.

    Shapes come from PyTorch's size arithmetic alone: no PyTorch, no forward pass.
    """
    if list_models:
        click.echo(_models(), nl=False)
        return
    if model is None:
        raise click.UsageError("missing MODEL: a built-in name (see --list) or a spec file")
    from shapecalc import catalog, engine, render

    network = catalog.load(model)
    result = engine.infer(network, _input(network.input, size))
    try:
        render.write(result, Format(fmt), sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        raise OutputClosedError from None  # past click, which would otherwise report success


class OutputClosedError(Exception):
    """Standard output was closed before the output was complete, as `| head` does."""


def _input(default: Shape, size: tuple[int, ...] | None) -> Shape:
    """Apply `--input` to the spec's default input shape."""
    if size is None:
        return default
    if len(size) == 3:
        return Shape(size)
    if not default.is_map:
        raise UsageError("--input", f"the model takes a {default} input, not a C×H×W image")
    height, width = size if len(size) == 2 else (size[0], size[0])
    return Shape((default.channels, height, width))


def _models() -> str:
    from shapecalc import catalog

    rows = []
    for name in catalog.builtin_names():
        model = catalog.load(name)
        rows.append((name, "×".join(map(str, model.input.dims)), model.description))
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    return "".join(
        f"{name.ljust(widths[0])}  {size.ljust(widths[1])}  {about}".rstrip() + "\n"
        for name, size, about in rows
    )


def _fail(message: str, status: int) -> int:
    click.echo(f"error: {message}", err=True)
    return status


def _usage_message(error: click.UsageError) -> str:
    """Say a usage error in one line: the option at fault, then what is wrong with it."""
    if isinstance(error, click.BadParameter) and error.param is not None:
        name = (
            max(error.param.opts, key=len)
            if error.param.param_type_name == "option"
            else (error.param.human_readable_name)
        )
        return f"{name}: {error.message}"
    if isinstance(error, click.NoSuchOption):
        hint = f" (did you mean {error.possibilities[0]}?)" if error.possibilities else ""
        return f"{error.option_name}: no such option{hint}; see shapecalc --help"
    return f"{error.format_message()}; see shapecalc --help"
