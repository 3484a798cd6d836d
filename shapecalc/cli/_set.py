"""`--set NAME=VALUE`: the values a model's top-level parameters are given on the command line."""

from __future__ import annotations

from shapecalc.errors import UsageError, quote

HELP = (
    "Set a parameter the spec declares, such as num_classes=10 or layers=[2,2,2,2] (a YAML "
    "value); repeatable. `shapecalc info MODEL` lists them."
)


def settings(_ctx: object, _param: object, given: tuple[str, ...]) -> dict[str, str]:
    """Return the values set, by name, each as written (an option's callback for click)."""
    values: dict[str, str] = {}
    for text in given:
        name, equals, value = text.partition("=")
        name = name.strip()
        if not equals or not name:
            raise UsageError("--set", f"{quote(text)} is not NAME=VALUE, such as num_classes=10")
        if name in values:
            raise UsageError("--set", f"{quote(name)} is set twice")
        values[name] = value
    return values
