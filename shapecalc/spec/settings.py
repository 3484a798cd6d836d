"""A model's top-level parameters: the spec's `params:`, and what `--set NAME=VALUE` gives them.

    params: [num_classes: 1000, in_channels: 3]    # each with its default
    input: [$in_channels, 224, 224]
    model: {type: ResNet, num_classes: $num_classes, in_channels: $in_channels}

A value set is read as a YAML value in a spec is (`10`, `0.5`, `[2, 2, 2, 2]`, `true`),
by the same loader, from the same budget of bytes and YAML values as the spec and its
includes, and evaluated within the spec's budget of work: the command line reaches no
further than a spec could.
"""

from __future__ import annotations

from collections.abc import Mapping

from shapecalc.errors import SpecError, UsageError, describe, did_you_mean, quote
from shapecalc.layers.args import Value
from shapecalc.modules import Argument
from shapecalc.spec import loader
from shapecalc.spec.blocks import Param, parse_params
from shapecalc.spec.expr import Env, value_of
from shapecalc.spec.source import YNode

OPTION = "--set"
EXAMPLE = "[num_classes: 1000]"


def arguments(
    node: YNode | None, settings: Mapping[str, object], budget: loader.Budget, model: str
) -> tuple[Argument, ...]:
    """Return the parameters `node` (the spec's `params:`) declares, with `settings` applied.

    `settings` holds each value as written on the command line, or a Python value (a
    number, bool, None, or a list of them) given through the API; `model` names the model
    for a name it does not declare.
    """
    declared = parse_params(node, "params", example=EXAMPLE, defaults=True)
    return set_values(declared, settings, budget, model)


def set_values(
    declared: tuple[Param, ...],
    settings: Mapping[str, object],
    budget: loader.Budget,
    model: str,
) -> tuple[Argument, ...]:
    """Return `declared` parameters with `settings` applied, as `--set` applies them."""
    names = [param.name for param in declared]
    for name in settings:
        if name not in names:
            raise UsageError(OPTION, _unknown(str(name), names, model))
    return tuple(_argument(param, settings, budget) for param in declared)


def written(value: object, where: str) -> str:
    """Return a value given through the API as `--set` would take it: text as it is."""
    if isinstance(value, str):
        return value
    import json  # JSON is YAML's flow style: a number, true, null, [1, 2]

    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        what = f"expected a number, bool, None, text or a list of them, got {type(value).__name__}"
        raise UsageError(where, what) from None


def environment(arguments: tuple[Argument, ...]) -> Env:
    """Return the parameters' values by name, as `$name` finds them at the top level."""
    return {argument.name: argument.value for argument in arguments}


def _unknown(name: str, names: list[str], model: str) -> str:
    if not names:
        return f"{model} declares no parameters, so {quote(name)} cannot be set"
    return (
        f"{model} has no parameter {quote(name)}{did_you_mean(name, names)}; "
        f"it has {', '.join(names)}"
    )


def _argument(param: Param, settings: Mapping[str, object], budget: loader.Budget) -> Argument:
    if param.name not in settings:
        return Argument(param.name, param.default, param.default)
    where = f"{OPTION} {param.name}"
    value = _read(written(settings[param.name], where), where, budget)
    _check_kind(value, param.default, where)
    return Argument(param.name, param.default, value, given=True)


def _read(text: str, where: str, budget: loader.Budget) -> Value:
    """Read a value as written in a spec, taking its bytes and YAML values from `budget`."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # bytes a UTF-8 locale could not decode, as a surrogate each
        raise UsageError(where, f"{quote(text)} is not UTF-8 text") from None
    if size > budget.bytes:
        raise UsageError(where, "the value is longer than what a spec may still hold")
    budget.bytes -= size
    try:
        node = loader.parse(text, where, budget)
        return value_of(node, {})
    except SpecError as error:
        raise UsageError(where, error.what) from None


def _check_kind(value: Value, default: Value, where: str) -> None:
    """Refuse a value of another kind than the parameter's default (any, when it is null)."""
    wanted, got = _kind(default), _kind(value)
    if wanted is None or got == wanted or (wanted == "a number" and got == "a whole number"):
        return
    raise UsageError(
        where, f"expected {wanted}, as the default {describe(default)} is, got {describe(value)}"
    )


def _kind(value: Value) -> str | None:
    """Name a value's kind as a spec reads it (a bool is no number); None for null."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return None if value is None else "a list"
