"""`shapecalc info MODEL`: a model at a glance, with the parameters `--set` changes."""

from __future__ import annotations

import click

from shapecalc.cli import _set
from shapecalc.cli._base import Command, deliver, exit_with


@click.command("info", cls=Command, add_help_option=False)
@click.argument("model", required=False)
@click.option(
    "--set", "values", multiple=True, metavar="NAME=VALUE", callback=_set.settings, help=_set.HELP
)
@exit_with(click.Context.get_help, "-h", "--help", help="Show this message and exit.")
def command(model: str | None, values: dict[str, str]) -> None:
    """Show MODEL at a glance: what it is, its input, output and totals, and its parameters
    with their defaults, which --set changes."""
    if model is None:  # click's own message would be translated, which imports locale
        raise click.UsageError(
            "missing MODEL: a built-in name (see shapecalc --list) or a spec file"
        )
    from shapecalc import api

    network = api.load(model, set=values)
    deliver(api.info(network), None, network)
