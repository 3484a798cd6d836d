"""The `shapecalc` command: a thin click layer over the API, sizes and formats.

The only part of shapecalc that imports click.
"""

from shapecalc.cli._main import EXAMPLES, main

__all__ = ["EXAMPLES", "main"]
