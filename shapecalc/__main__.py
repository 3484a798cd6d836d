"""Start the command line: the `shapecalc` script and `python -m shapecalc`."""

from __future__ import annotations

import gc


def run() -> None:
    """Run the command line, imports included, without the cycle collector.

    A run lasts a fraction of a second and makes no garbage cycles worth finding, while the
    collector would walk every object of click and yaml again and again as modules load:
    about a twentieth of the start-up, and more for large models (issue 7).
    """
    gc.disable()
    from shapecalc.cli import main

    main()


if __name__ == "__main__":
    run()
