"""Blocks: reusable, parameterised module definitions, and the calls that bind them.

blocks:
  BasicBlock:
    params: [planes, stride: 1]   # required first, then `name: default`, as in Python
    children: {...}               # the body: any module node, using $planes
"""

from __future__ import annotations

from shapecalc.errors import Mark, SpecError, did_you_mean, quote
from shapecalc.layers import KINDS
from shapecalc.layers.args import Value
from shapecalc.spec.expr import Env, value_of
from shapecalc.spec.names import check
from shapecalc.spec.source import YList, YMap, YNode, YScalar
from shapecalc.spec.syntax import ENTRY_KEYS, RESERVED, STRUCTURE
from shapecalc.value import frozen


@frozen
class Param:
    """A block parameter; `required` when the block gives it no default."""

    name: str
    default: Value
    required: bool


@frozen
class Block:
    """A reusable, parameterised module definition; `body` is a module node."""

    name: str
    params: tuple[Param, ...]
    body: YMap


def parse_blocks(node: YNode | None) -> dict[str, Block]:
    """Read the spec's `blocks:` mapping."""
    if node is None:
        return {}
    if not isinstance(node, YMap):
        raise SpecError(node.mark, "blocks: expected a mapping of block names to definitions")
    blocks: dict[str, Block] = {}
    for key, body in node.entries:
        name = check(str(key.value), key.mark, "the block name")
        if not name.isidentifier():
            raise SpecError(key.mark, f"{quote(name)} cannot name a block: use a Python identifier")
        if name in KINDS:
            raise SpecError(key.mark, f"block '{name}' would hide the PyTorch layer of that name")
        blocks[name] = _block(name, body)
    return blocks


def _block(name: str, body: YNode) -> Block:
    if not isinstance(body, YMap):
        raise SpecError(body.mark, f"block {name}: expected a mapping with params and a body")
    for key, _ in body.entries:
        if key.value in ENTRY_KEYS:
            raise SpecError(key.mark, f"block {name}: '{key.value}' belongs where it is used")
    entries = tuple(entry for entry in body.entries if entry[0].value != "params")
    if not any(key.value == "type" or key.value in STRUCTURE for key, _ in entries):
        raise SpecError(body.mark, f"block {name} needs a type, or children, add or cat")
    return Block(name, parse_params(body.get("params"), f"block {name}"), YMap(entries, body.mark))


def parse_params(
    node: YNode | None, owner: str, *, example: str = "[planes, stride: 1]", defaults: bool = False
) -> tuple[Param, ...]:
    """Read a `params:` list, `owner` (such as "block X") leading its errors.

    `defaults` refuses a parameter without one.
    """
    if node is None:
        return ()
    if not isinstance(node, YList):
        raise SpecError(node.mark, f"{owner}: params is a list such as {example}")
    params: dict[str, Param] = {}
    for item in node.items:
        param = _param(item, owner)
        if param.name in params:
            raise SpecError(item.mark, f"{owner}: parameter '{param.name}' is listed twice")
        if defaults and param.required:
            raise SpecError(
                item.mark, f"{owner}: parameter '{param.name}' needs a default, as in {example}"
            )
        params[param.name] = param
    return tuple(params.values())


def _param(item: YNode, owner: str) -> Param:
    if isinstance(item, YScalar):
        name, default, required, mark = item.value, None, True, item.mark
    elif isinstance(item, YMap) and len(item.entries) == 1:
        key, value = item.entries[0]
        name, default, required, mark = key.value, value_of(value, {}), False, key.mark
    else:
        raise SpecError(item.mark, f"{owner}: a parameter is a name, or name: default")
    _check_param_name(name, owner, mark)
    return Param(str(name), default, required)


def _check_param_name(name: object, owner: str, mark: Mark) -> None:
    if not isinstance(name, str) or not name.isidentifier():
        raise SpecError(mark, f"{owner}: parameter {quote(str(name))} is not an identifier")
    if name in RESERVED:
        raise SpecError(mark, f"{owner}: '{name}' is a reserved key, not a parameter")


def bind(
    block: Block, args: list[tuple[YScalar, YNode]], *, env: Env, mark: Mark
) -> dict[str, Value]:
    """Bind a call's arguments, evaluated in the caller's `env`, to the block's parameters.

    `mark` is where the call is written, for a parameter it leaves out.
    """
    params = {param.name: param for param in block.params}
    given: dict[str, YNode] = {}
    for key, node in args:
        name = str(key.value)
        if name not in params:
            hint = did_you_mean(name, params)
            raise SpecError(key.mark, f"block {block.name} has no parameter {quote(name)}{hint}")
        given[name] = node
    bound: dict[str, Value] = {}
    for param in block.params:
        if param.name in given:
            bound[param.name] = value_of(given[param.name], env)
        elif param.required:
            raise SpecError(mark, f"block {block.name} needs parameter '{param.name}'")
        else:
            bound[param.name] = param.default
    return bound
