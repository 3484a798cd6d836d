"""What every shapecalc command shares: errors as one line, option readers, writing output."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

import click

from shapecalc import _streams, inputs
from shapecalc.cli import _pager
from shapecalc.errors import ShapecalcError, quote

if TYPE_CHECKING:
    from shapecalc.modules import Model

T = TypeVar("T")
# The commands besides the main one, by the word that names them first on the command line:
# each module's `command` runs it. A spec file of that name is read as ./NAME.
SUBCOMMANDS: dict[str, str] = {
    "diff": "shapecalc.cli._diff",
    "info": "shapecalc.cli._info",
}


def reader(
    parse: Callable[[str], T], what: str = ""
) -> Callable[[click.Context, click.Parameter, str | None], T | None]:
    """Return an option callback that reads a value with `parse`, or says what it takes."""

    def read(ctx: click.Context, param: click.Parameter, value: str | None) -> T | None:
        try:
            return None if value is None else parse(value)
        except ValueError as error:
            message = f"{quote(str(value))} is not {what}; {error}" if what else str(error)
            raise click.BadParameter(message, ctx, param) from None

    return read


def readers(
    parse: Callable[[str], T], what: str = ""
) -> Callable[[click.Context, click.Parameter, tuple[str, ...]], tuple[T, ...]]:
    """Return the callback of an option given many times, reading each value with `parse`."""
    read = reader(parse, what)

    def read_each(
        ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
    ) -> tuple[T, ...]:
        return tuple(
            value for value in (read(ctx, param, each) for each in values) if value is not None
        )

    return read_each


def completer(name: str) -> Callable[[click.Context, click.Parameter, str], list[Any]]:
    """Return a shell_complete callback that runs `_complete.<name>`, loaded only on a Tab."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from shapecalc.cli import _complete

        return getattr(_complete, name)(ctx, param, incomplete)  # type: ignore[no-any-return]

    return complete


def batch_option(help: str) -> Callable[[Any], Any]:
    """Declare -b/--batch N, read as --input reads a leading batch."""
    return click.option(
        "-b", "--batch", callback=reader(inputs.parse_batch, "a batch"), metavar="N", help=help
    )


def exit_with(text: Callable[[click.Context], str], *names: str, help: str) -> Callable[[Any], Any]:
    """Declare a flag that prints `text` and exits, as --help and --version do."""

    def show(ctx: click.Context, _: click.Parameter, value: bool) -> None:
        if value:
            deliver(text(ctx) + "\n", None)
            ctx.exit()

    return click.option(
        *names, is_flag=True, expose_value=False, is_eager=True, callback=show, help=help
    )


def completion_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """Declare --completion SHELL, which prints the script that sets up SHELL's completion."""

    def show(ctx: click.Context, _: click.Parameter, shell: str | None) -> None:
        if shell is not None:
            from shapecalc.cli import _complete

            deliver(_complete.script(ctx.command, shell), None)
            ctx.exit()

    return click.option(
        "--completion",
        type=click.Choice(["bash", "zsh", "fish"]),
        expose_value=False,
        is_eager=True,
        callback=show,
        help="Print the script that makes the shell complete model names, spec files, formats "
        'and columns, and exit: eval "$(shapecalc --completion bash)" in ~/.bashrc; zsh: the '
        "same in ~/.zshrc; fish: shapecalc --completion fish | source, in config.fish.",
    )(function)


class OutputFile(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """A file to write: anything but a directory."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if os.path.isdir(value):
            self.fail(f"{quote(str(value))} is a directory", param, ctx)
        return str(value)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
        """Offer the shell's own file completion."""
        return completer("files")(ctx, param, incomplete)


def choice(name: str, *, default: Enum, help: str) -> Callable[[Any], Any]:
    """Declare an option that takes one of an enum's values, `default` unless given."""
    values = [member.value for member in type(default)]
    return click.option(
        name, type=click.Choice(values), default=default.value, show_default=True, help=help
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
            if sys.stdout is not None:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            status = 1
        sys.exit(status if isinstance(status, int) else 0)


class Root(Command):
    """The main command, which hands the command line to a subcommand named first."""

    def main(  # type: ignore[override]
        self, args: list[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> NoReturn:
        if "_SHAPECALC_COMPLETE" in os.environ:  # a Tab in the shell: see _complete
            from shapecalc.cli import _complete  # noqa: F401 - its bash script replaces click's
        words = sys.argv[1:] if args is None else list(args)
        if words and words[0] in SUBCOMMANDS:
            command = importlib.import_module(SUBCOMMANDS[words[0]]).command
            command.main(words[1:], f"{prog_name or 'shapecalc'} {words[0]}", **extra)
        super().main(words, prog_name, **extra)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        """Complete option names, and where nothing else fits, a file, as the shell would."""
        from shapecalc.cli import _complete

        return _complete.fallback(super().shell_complete(ctx, incomplete), incomplete)


def deliver(text: str, output: str | None, network: Model | None = None) -> None:
    """Write `text` to the --output file, whole, or to standard output.

    The files `network` was read from are never written over.
    """
    if output is not None:
        from shapecalc.files import write_output

        write_output(output, text, protect=network.files if network else ())
    else:
        guard(lambda stdout: stdout.write(text))


def guard(write: Callable[[TextIO], object]) -> None:
    """Call `write` with standard output, which writes whole or raises (see _streams).

    A reader that has gone, or was never there, stops the command quietly; a full disk
    and other failures are an error.
    """
    if sys.stdout is None:  # started with standard output closed, as `>&-` does
        raise OutputClosedError
    if _pager.wanted():
        text = _pager.capture(write)
        if _pager.page(text):
            return
        write = partial(_write, text)
    try:
        write(_streams.whole(sys.stdout))
    except BrokenPipeError:
        raise OutputClosedError from None  # past click, which would otherwise report success
    except OSError as error:  # a full disk, say
        raise _streams.cannot_write(error) from None


def _write(text: str, stdout: TextIO) -> None:
    stdout.write(text)


class OutputClosedError(Exception):
    """Standard output or error was closed before the output was complete, as `| head` does."""


def _fail(message: str, status: int) -> int:
    _streams.error_line(message)  # nothing if standard error cannot take it: the status says
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
        return f"{error.option_name}: no such option{hint}; see {_path(error)} --help"
    return f"{error.format_message()}; see {_path(error)} --help"


def _path(error: click.UsageError) -> str:
    """Return the command the error was made in, as typed: `shapecalc` or `shapecalc diff`."""
    return error.ctx.command_path if error.ctx is not None else "shapecalc"
