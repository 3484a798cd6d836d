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
from shapecalc.blocks import parse_blocks
from shapecalc.errors import SpecError, did_you_mean
from shapecalc.expand import Expander
from shapecalc.expr import value_of
from shapecalc.modules import Model
from shapecalc.shape import Shape
from shapecalc.source import YMap, YNode, YScalar

TOP_KEYS = ("name", "description", "input", "blocks", "model")


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
    expander = Expander(parse_blocks(doc.get("blocks")))
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
