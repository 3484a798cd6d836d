"""Turn a spec document into a Model: its name, default input, blocks and module tree.

A spec is a YAML mapping:

    name: resnet18            # optional; the file's name without .yaml by default
    description: ...          # optional
    input: [3, 224, 224]      # the default input, without the batch dimension
    blocks: {...}             # optional: reusable, parameterised modules
    model: {...}              # the root module (see expand.py for module nodes)
"""

from __future__ import annotations

from pathlib import Path

from shapecalc import loader
from shapecalc.errors import Mark, SpecError, did_you_mean
from shapecalc.expand import ENTRY_KEYS, NODE_KEYS, STRUCTURE, Block, Expander, Param, value_of
from shapecalc.layers import KINDS
from shapecalc.modules import Model
from shapecalc.shape import Shape
from shapecalc.source import YList, YMap, YNode, YScalar

TOP_KEYS = ("name", "description", "input", "blocks", "model")
RESERVED = frozenset({*ENTRY_KEYS, *NODE_KEYS, *STRUCTURE, "params"})


def load_spec(path: Path, source: str) -> Model:
    """Read the spec file at `path`, called `source` in messages."""
    return build_model(loader.load(path, source), source=source, default_name=path.stem)


def build_model(doc: YNode, *, source: str, default_name: str) -> Model:
    """Build the Model a parsed spec document describes."""
    if not isinstance(doc, YMap):
        raise SpecError(doc.mark, "a spec is a mapping with input and model (and blocks)")
    for key, _ in doc.entries:
        if key.value not in TOP_KEYS:
            hint = did_you_mean(str(key.value), TOP_KEYS)
            raise SpecError(
                key.mark, f"unknown key '{key.value}'{hint}; a spec has " + ", ".join(TOP_KEYS)
            )
    name = _text(doc.get("name"), "name") or default_name
    description = _text(doc.get("description"), "description") or ""
    shape = _input(_required(doc, "input"))
    expander = Expander(_blocks(doc.get("blocks")))
    root = expander.root(_required(doc, "model"))
    if root.functional:
        raise SpecError(root.mark, "the model itself cannot be functional")
    return Model(name, shape, root, source, description)


def _required(doc: YMap, key: str) -> YNode:
    node = doc.get(key)
    if node is None:
        raise SpecError(doc.mark, f"the spec needs '{key}'")
    return node


def _text(node: YNode | None, key: str) -> str | None:
    if node is None:
        return None
    if not isinstance(node, YScalar) or not isinstance(node.value, str):
        raise SpecError(node.mark, f"{key}: expected text")
    return node.value


def _input(node: YNode) -> Shape:
    dims = value_of(node, {})
    if (
        isinstance(dims, tuple)
        and dims
        and all(isinstance(dim, int) and not isinstance(dim, bool) and dim >= 1 for dim in dims)
    ):
        return Shape(dims)  # type: ignore[arg-type]
    raise SpecError(node.mark, "input: expected a list of sizes ≥ 1, such as [3, 224, 224]")


def _blocks(node: YNode | None) -> dict[str, Block]:
    if node is None:
        return {}
    if not isinstance(node, YMap):
        raise SpecError(node.mark, "blocks: expected a mapping of block names to definitions")
    blocks: dict[str, Block] = {}
    for key, body in node.entries:
        name = str(key.value)
        if not name.isidentifier():
            raise SpecError(key.mark, f"'{name}' cannot name a block: use a Python identifier")
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
    return Block(name, _params(body.get("params"), name), YMap(entries, body.mark))


def _params(node: YNode | None, block: str) -> tuple[Param, ...]:
    if node is None:
        return ()
    if not isinstance(node, YList):
        raise SpecError(node.mark, f"block {block}: params is a list such as [planes, stride: 1]")
    params: dict[str, Param] = {}
    for item in node.items:
        param = _param(item, block)
        if param.name in params:
            raise SpecError(item.mark, f"block {block}: parameter '{param.name}' is listed twice")
        params[param.name] = param
    return tuple(params.values())


def _param(item: YNode, block: str) -> Param:
    if isinstance(item, YScalar):
        name, default, required, mark = item.value, None, True, item.mark
    elif isinstance(item, YMap) and len(item.entries) == 1:
        key, value = item.entries[0]
        name, default, required, mark = key.value, value_of(value, {}), False, key.mark
    else:
        raise SpecError(item.mark, f"block {block}: a parameter is a name, or name: default")
    _check_param_name(name, block, mark)
    return Param(str(name), default, required)


def _check_param_name(name: object, block: str, mark: Mark) -> None:
    if not isinstance(name, str) or not name.isidentifier():
        raise SpecError(mark, f"block {block}: parameter {name!r} is not an identifier")
    if name in RESERVED:
        raise SpecError(mark, f"block {block}: '{name}' is a reserved key, not a parameter")
