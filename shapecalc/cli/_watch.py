"""--watch: run the command again whenever its spec, or a file the spec includes, changes.

The files are polled: each one's inode, size and modification time, every INTERVAL. A
spec has a handful of files, so a look costs microseconds and needs no dependency; an
editor that saves by renaming a new file into place changes the inode, which is seen.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import click

from shapecalc import _streams, catalog
from shapecalc.cli import _pager
from shapecalc.errors import ShapecalcError

INTERVAL = 0.25  # seconds between looks: a change shows after half of it, on average
SETTLE = 0.05  # seconds a changed file must stay as it is before it is read
FILES = "shapecalc.watch.files"  # in ctx.meta: the files the last run read
_WANTED = "shapecalc.watch"  # in ctx.meta: --watch was given
_WATCHING = "shapecalc.watching"  # in ctx.meta: the command is being run by the loop
_CLEAR = "\x1b[H\x1b[2J"  # cursor home, erase the screen: what `clear` writes
_YAML = (".yaml", ".yml")  # what an include can be
Stamp = tuple[int, int, int] | None  # inode, size, mtime_ns; None: missing


def option(function: Callable[..., Any]) -> Callable[..., Any]:
    """Declare --watch; `start` runs the loop it asks for."""

    def remember(ctx: click.Context, _: click.Parameter, value: bool) -> None:
        ctx.meta[_WANTED] = value

    return click.option(
        "-w",
        "--watch",
        is_flag=True,
        expose_value=False,
        callback=remember,
        help="Show the output again whenever the spec or a file it includes changes, until Ctrl-C.",
    )(function)


def start(ctx: click.Context, model: str) -> bool:
    """Run the command in a loop if --watch asks for one; return whether it ran."""
    if ctx.meta.get(_WATCHING) or not ctx.meta.get(_WANTED):
        return False
    spec = os.path.realpath(catalog.locate(model)[0])
    ctx.meta[_WATCHING] = True
    ctx.meta[_pager.PAGING] = False  # a pager would hold the loop until it quits
    try:
        files: Sequence[str] = [spec, *_nearby(spec)]
        while True:
            # Stamped before the run reads them: an edit saved during the run is a change.
            before = dict(zip(files, stamps(files), strict=True))
            files = _run(ctx, files, spec)
            # A file first read by this run (a new include) is stamped now, before the
            # status line invites the next edit.
            before = {**dict(zip(files, stamps(files), strict=True)), **before}
            _status(files)
            changed(files, before)
    except KeyboardInterrupt:  # the way to stop: not a failure
        if _is_terminal(sys.stderr):
            _streams.say("\n")  # after the terminal's ^C
    return True


def _run(ctx: click.Context, files: Sequence[str], spec: str) -> Sequence[str]:
    """Run the command once, a failure shown as its error line; return the files to watch.

    A spec that cannot be read names no files: the last ones known are watched still, and
    the YAML files beside it, any of which it may include.
    """
    if _is_terminal(sys.stdout):
        _streams.write(sys.stdout, _CLEAR)
    ctx.meta.pop(FILES, None)
    try:
        ctx.invoke(ctx.command.callback, **ctx.params)  # type: ignore[arg-type]
    except ShapecalcError as error:
        _streams.error_line(str(error))
    read = ctx.meta.get(FILES)
    return sorted({spec, *read} if read is not None else {spec, *files, *_nearby(spec)})


def _status(files: Sequence[str]) -> None:
    """Say on standard error when the output was shown, and that the loop goes on."""
    count = sum(not os.path.isdir(path) for path in files)
    many = "s" if count > 1 else ""
    when = time.strftime("%H:%M:%S")
    _streams.say(f"{when} watching {count} file{many} for changes; Ctrl-C stops\n")


def _nearby(spec: str) -> list[str]:
    """Return the spec's folder and the YAML files in it: the includes of a spec that failed.

    A file being created, renamed or deleted there changes the folder's modification time.
    """
    folder = os.path.dirname(spec)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [folder] + [os.path.join(folder, name) for name in names if name.endswith(_YAML)]


def changed(
    files: Sequence[str], before: Mapping[str, Stamp] | None = None, interval: float = INTERVAL
) -> None:
    """Return once any of `files` has changed, appeared or gone since `before` (or now)."""
    known = before or {}
    then = tuple(known[path] if path in known else _stamp(path) for path in files)
    while (now := stamps(files)) == then:
        time.sleep(interval)
    # A save is often a truncation, then writes: wait for the files to stay as they are.
    while True:
        time.sleep(SETTLE)
        then, now = now, stamps(files)
        if now == then:
            return


def stamps(files: Sequence[str]) -> tuple[Stamp, ...]:
    """Return what tells each file's versions apart: inode, size and modification time."""
    return tuple(map(_stamp, files))


def _stamp(path: str) -> Stamp:
    try:
        status = os.stat(path)
    except OSError:  # missing, or not readable now: either way, a state of its own
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns


def _is_terminal(stream: Any) -> bool:
    try:
        return stream is not None and bool(stream.isatty())
    except ValueError:  # closed
        return False
