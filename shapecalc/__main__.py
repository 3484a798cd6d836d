"""Start the command line: the `shapecalc` script and `python -m shapecalc`."""

from __future__ import annotations

import gc
import os
import sys

# Nothing else is imported before run() can catch an interrupt: typing takes a while.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


def run() -> NoReturn:
    """Run the command line, imports included, and leave without tearing the process down.

    Whatever happens, it leaves with a status and at most one `error:` line, never a
    traceback: Ctrl-C at any moment is `error: interrupted` and 130, anything the command
    did not expect is an internal error and 1.

    A run lasts a fraction of a second and makes no garbage cycles worth finding, while the
    collector would walk every object of click and yaml again and again as modules load;
    and freeing every object and module at exit is work nobody sees. Together they were
    about 11 ms of a 79 ms `--format json` run (issue 7); mypy leaves the same way.
    """
    gc.disable()
    sys.unraisablehook = _unraisable
    status = 1
    try:
        try:
            status = _flushed(_main())
        except BaseException as error:  # the last place anything is caught
            status = _last_words(error)
    except KeyboardInterrupt:  # Ctrl-C again, while the first failure was being reported
        status = 130
    except BaseException:  # no memory left to report the first, say
        status = 1
    os._exit(status)


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """Leave at once on an interrupt Python would only print and ignore.

    Ctrl-C landing in code whose exceptions Python cannot raise (a weakref callback while
    a module loads, a __del__) is otherwise printed with its traceback and lost.
    """
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        os._exit(_interrupted())
    sys.__unraisablehook__(unraisable)


def _main() -> int:
    from shapecalc.cli import main

    try:
        main()
    except SystemExit as done:  # the command always leaves with a status of its own
        return done.code if isinstance(done.code, int) else 1
    return 0  # not reached: main() always raises SystemExit


def _flushed(status: int) -> int:
    """Flush what the streams still hold (os._exit would not); return the status to leave with."""
    from shapecalc import _streams

    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # the stream was closed when the command started
            continue
        try:
            _streams.flush(stream)
        except OSError as error:
            if status == 0 and stream is sys.stdout and not isinstance(error, BrokenPipeError):
                _streams.error_line(str(_streams.cannot_write(error)))
            status = status or 1
    return status


def _last_words(error: BaseException) -> int:
    """Say what stopped the command, in one line; return the status to leave with."""
    if isinstance(error, KeyboardInterrupt):
        return _interrupted()
    from shapecalc import _streams

    if isinstance(error, MemoryError):
        _streams.error_line("out of memory")
    else:
        detail = str(error)
        what = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
        _streams.error_line(f"internal error: {what}; please report it")
    return 1


def _interrupted() -> int:
    """Say `error: interrupted`, even where the modules that write it cannot load; return 130.

    An interrupt may land while a module is loading, and leave it, or one it needs, unusable.
    """
    try:
        from shapecalc import _streams

        if sys.stderr is not None and sys.stderr.isatty():
            _streams.say("\n")  # after the terminal's ^C, as click does
        _streams.error_line("interrupted")
    except BaseException:  # a module half loaded, or Ctrl-C again: the line, written plainly
        try:  # noqa: SIM105 - contextlib.suppress would be one more module to load
            os.write(2, b"error: interrupted\n")
        except OSError:
            pass  # standard error closed: the status says it
    return 130


if __name__ == "__main__":
    run()
