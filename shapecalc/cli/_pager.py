"""Long output on a terminal through a pager, as git does: `less` with LESS=FRX by default.

The pager is $SHAPECALC_PAGER, else $PAGER, else `less` (none on a dumb terminal, as git);
`cat` or an empty value means none, and so does a pager that is not installed. Output
goes through it only when standard output is a terminal, --no-pager was not given and
the text is taller than the screen: it is rendered first, in colour for the terminal,
then measured, then handed to the pager whole.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from typing import IO, Any, TextIO

import click

from shapecalc import _streams

PAGING = "shapecalc.paging"  # in ctx.meta: True where this command's output may be paged
LESS = "FRX"  # quit if it fits, pass colours through, leave the screen as it was (git's)
_SGR = "\x1b["  # the start of a colour code, which takes no room on the screen


def option(function: Callable[..., Any]) -> Callable[..., Any]:
    """Declare --no-pager on a command whose output may be long; paging is on without it."""

    def remember(ctx: click.Context, _: click.Parameter, value: bool) -> None:
        ctx.meta[PAGING] = not value

    return click.option(
        "--no-pager",
        is_flag=True,
        expose_value=False,
        callback=remember,
        help="Never page: by default long output on a terminal goes through $SHAPECALC_PAGER, "
        "$PAGER or less.",
    )(function)


def wanted() -> bool:
    """Return whether output may go through a pager now: asked for, and to a terminal."""
    ctx = click.get_current_context(silent=True)
    if ctx is None or not ctx.meta.get(PAGING) or not _is_terminal(sys.stdout):
        return False
    return command() is not None


def command() -> list[str] | None:
    """Return the pager's command line, or None when there is to be none."""
    import shlex
    import shutil

    text = os.environ.get("SHAPECALC_PAGER", os.environ.get("PAGER"))
    if text is None:
        text = "" if os.environ.get("TERM") == "dumb" else "less"
    try:
        words = shlex.split(text)
    except ValueError:  # an unclosed quote: not a command anyone could run
        return None
    if not words or words[0] == "cat" or shutil.which(words[0]) is None:
        return None
    return words


def capture(write: Callable[[TextIO], object]) -> str:
    """Return what `write` writes to standard output, drawn as for the terminal."""
    screen = _Screen(sys.stdout)
    write(_streams.whole(screen))
    return screen.getvalue()


def page(text: str) -> bool:
    """Show `text` through the pager if it is taller than the screen; return whether it was.

    A pager that quits before reading it all (`q` in less) is the reader's choice, not an
    error. Ctrl-C belongs to the pager while it runs: less uses it to stop a search.
    """
    words = command()
    size = os.get_terminal_size(sys.stdout.fileno())
    if words is None or not 0 < size.lines <= _rows(text, size.columns):  # 0: size unknown
        return False
    import signal
    import subprocess

    data = _streams.encode(text, sys.stdout)
    _streams.flush(sys.stdout)
    environment = {**os.environ, "LESS": os.environ.get("LESS", LESS)}
    try:
        pager = subprocess.Popen(words, stdin=subprocess.PIPE, env=environment)
    except OSError:  # found but not runnable: write as if there were none
        return False
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _feed(pager.stdin, data)
        pager.wait()
    finally:
        signal.signal(signal.SIGINT, interrupt)
    return True


def _feed(pipe: IO[bytes] | None, data: bytes) -> None:
    """Write `data` to the pager, stopping quietly when it has quit."""
    assert pipe is not None  # Popen made it
    try:
        _streams.write_all(pipe.fileno(), data)
        pipe.close()
    except BrokenPipeError:
        pass
    except OSError as error:
        raise _streams.cannot_write(error) from None


def _rows(text: str, columns: int) -> int:
    """Return how many rows of the screen `text` takes, long lines wrapped."""
    columns = max(columns, 1)
    rows = 0
    for line in text.splitlines():
        shown = _visible(line).expandtabs()
        rows += max(1, -(-len(shown) // columns))
    return rows


def _visible(line: str) -> str:
    """Return `line` without its colour codes."""
    if _SGR not in line:
        return line
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", line)


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except ValueError:  # closed
        return False


class _Screen(io.StringIO):
    """A buffer that passes for the terminal it stands in front of: rich draws for that."""

    def __init__(self, terminal: TextIO) -> None:
        super().__init__()
        self._encoding = terminal.encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]  # StringIO's is None
        return self._encoding

    def isatty(self) -> bool:
        return True
