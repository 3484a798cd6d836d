"""Standard output and error, written whole or not at all: every write the command makes.

A text stream can lose part of a write without a word: with PYTHONUNBUFFERED=1, sys.stdout
passes each write to an unbuffered file, which may take some of it and drop the rest. So
text goes to the stream's file descriptor, encoded here, write after write until all of it
is taken, waiting whenever a non-blocking descriptor is full. A stream without a descriptor
(click's test runner, io.StringIO) is written through its own write().
"""

from __future__ import annotations

import codecs
import os
import sys
from typing import IO, Any, TextIO, cast

from shapecalc.errors import ShapecalcError

# How shapecalc's own symbols read where the stream's encoding has no room for them
# (ASCII, latin-1...); box drawing is rich's: its guides as it draws them on an ASCII console.
SPELLINGS = {
    "×": "x",
    "·": "*",
    "−": "-",
    "–": "-",
    "—": "--",
    "…": "...",
    "→": "->",
    "≤": "<=",
    "≥": ">=",
    "⌊": "floor(",
    "⌋": ")",
    "⌈": "ceil(",
    "⌉": ")",
    "✗": "x",
    "─": "-",
    "━": "-",
    "═": "=",
    "│": "|",
    "┃": "|",
    "║": "|",
    "└": "`",
    "┗": "`",
    "╚": "`",
}
BOX_DRAWING = range(0x2500, 0x2580)  # any other piece of a box is a corner or a crossing
SPELL = "shapecalc.spell"  # the codec error handler that spells what cannot be encoded


def write(stream: IO[str], text: str) -> None:
    """Write all of `text` to `stream`, or raise OSError (BrokenPipeError: the reader left).

    Characters the stream's encoding lacks are spelt in ASCII (SPELLINGS) or escaped as
    backslashreplace escapes them.
    """
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        _write_text(stream, text)
        return
    flush(stream, descriptor)
    write_all(descriptor, _encode(text, getattr(stream, "encoding", None)))


def write_all(descriptor: int, data: bytes) -> None:
    """Write all of `data`, however little each write takes, waiting while it would block."""
    rest = memoryview(data)
    while rest:
        try:
            rest = rest[os.write(descriptor, rest) :]
        except BlockingIOError:
            _wait_writable(descriptor)


def flush(stream: IO[str], descriptor: int | None = None) -> None:
    """Flush what `stream` holds, waiting while its descriptor is non-blocking and full."""
    while True:
        try:
            stream.flush()
            return
        except BlockingIOError:  # the buffer keeps what was not written: flush again
            _wait_writable(stream.fileno() if descriptor is None else descriptor)


def _wait_writable(descriptor: int) -> None:
    import select  # only a non-blocking descriptor needs it

    select.select([], [descriptor], [])


def _write_text(stream: IO[str], text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:  # nothing was written: the text is encoded before
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.write(_encode(text, encoding).decode(encoding))


def encode(text: str, stream: IO[str]) -> bytes:
    """Return `text` as `stream` would take it: in its encoding, spelling what that lacks."""
    return _encode(text, getattr(stream, "encoding", None))


def _encode(text: str, encoding: str | None) -> bytes:
    encoding = encoding or "utf-8"
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        codecs.register_error(SPELL, _spell)
        return text.encode(encoding, SPELL)


def _spell(error: UnicodeError) -> tuple[str, int]:
    """Replace characters an encoding lacks: spelt in ASCII, else escaped with a backslash."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    spelt = [_ascii(char) for char in error.object[error.start : error.end]]
    return "".join(spelt), error.end


def _ascii(char: str) -> str:
    if char in SPELLINGS:
        return SPELLINGS[char]
    if ord(char) in BOX_DRAWING:
        return "+"
    return char.encode("ascii", "backslashreplace").decode("ascii")


class _Whole:
    """A stream whose writes go through `write`; anything else is the stream's own."""

    __slots__ = ("stream",)

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        write(self.stream, text)
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def whole(stream: TextIO) -> TextIO:
    """Return `stream` with every write made through `write`: whole, or an error."""
    return cast(TextIO, _Whole(stream))  # it has what a caller writing text uses


def cannot_write(error: OSError) -> ShapecalcError:
    """Say that standard output could not be written, and why."""
    return ShapecalcError("standard output", f"cannot write: {error.strerror or error}")


def error_line(message: str) -> None:
    """Write `error: <message>` on standard error, in one line; nothing if it cannot."""
    say(f"error: {one_line(message)}\n")


def say(text: str) -> bool:
    """Write `text` on standard error; return False if it could not be written whole.

    A standard error closed from the start (`2>&-`) takes nothing, as its user asked.
    """
    if sys.stderr is None:
        return True
    try:
        write(sys.stderr, text)
    except OSError:
        return False
    return True


# The labels of advice on standard error, coloured where it is a terminal that shows colour.
LABEL_COLOURS = {"warning:": "\x1b[33m", "note:": "\x1b[36m"}  # yellow, cyan
RESET = "\x1b[0m"


def advise(line: str) -> bool:
    """Write a `warning:` or `note:` line on standard error; return False if it could not.

    On a terminal its label is in colour (unless NO_COLOR or TERM=dumb says not) and it is
    wrapped at spaces to the terminal's width, continued under its first word, rather than
    cut wherever the terminal's edge falls.
    """
    if _is_terminal(sys.stderr):
        line = _wrapped(line)
        if not (os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb"):
            label, space, rest = line.partition(" ")
            colour = LABEL_COLOURS.get(label)
            line = f"{colour}{label}{RESET}{space}{rest}" if colour else line
    return say(f"{line}\n")


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def _wrapped(line: str) -> str:
    """Return `line` broken at spaces to fit the terminal, continued under its text."""
    import shutil
    import textwrap  # only advice on a terminal needs it

    label = line.partition(" ")[0]
    width = max(shutil.get_terminal_size().columns, 40)
    indent = " " * (len(label) + 1)
    return (
        "\n".join(textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False))
        or line
    )


def one_line(message: str) -> str:
    """Return `message` as one line that prints as it reads, whatever it quotes.

    Line breaks become spaces; any other character that is not printable (controls, ESC,
    bidi controls) is escaped as repr escapes it, so none can move the cursor, set a
    window's title or forge a line.
    """
    joined = " ".join(message.splitlines())
    if joined.isprintable():
        return joined
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in joined)
