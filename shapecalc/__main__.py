"""Start the command line: the `shapecalc` script and `python -m shapecalc`."""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn


def run() -> NoReturn:
    """Run the command line, imports included, and leave without tearing the process down.

    A run lasts a fraction of a second and makes no garbage cycles worth finding, while the
    collector would walk every object of click and yaml again and again as modules load;
    and freeing every object and module at exit is work nobody sees. Together they were
    about 11 ms of a 79 ms `--format json` run (issue 7); mypy leaves the same way.
    """
    gc.disable()
    from shapecalc.cli import main

    status = 0
    try:
        main()
    except SystemExit as done:  # the command always leaves with a status of its own
        status = done.code if isinstance(done.code, int) else 1
    for stream in (sys.stdout, sys.stderr):  # _exit would not flush them
        try:
            if stream is not None:  # None: the stream was closed when the command started
                stream.flush()
        except OSError:
            status = status or 1
    os._exit(status)


if __name__ == "__main__":
    run()
