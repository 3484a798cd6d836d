"""Run the command line as `python -m shapecalc`."""

from __future__ import annotations

from shapecalc.cli import main

main()
