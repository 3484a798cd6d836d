"""Turn a spec document into a Model: its name, default input, blocks and module tree.

A spec is a YAML mapping:

    name: resnet18            # optional; the file's name without .yaml by default
    description: ...          # optional
    include: _resnet.yaml     # optional: files (or a list) whose blocks this spec uses
    input: [3, 224, 224]      # the default input, without the batch dimension
    blocks: {...}             # optional: reusable, parameterised modules
    model: {...}              # the root module (see expand.py for module nodes)
"""

from __future__ import annotations

import os

from shapecalc import loader
from shapecalc.blocks import Block, parse_blocks
from shapecalc.errors import SpecError, did_you_mean
from shapecalc.expand import Expander
from shapecalc.expr import value_of
from shapecalc.modules import Model
from shapecalc.shape import Shape
from shapecalc.source import YList, YMap, YNode, YScalar

TOP_KEYS = ("name", "description", "include", "input", "blocks", "model")


def load_spec(path: str | os.PathLike[str], source: str) -> Model:
    """Read the spec file at `path`, called `source` in messages."""
    doc = loader.load(path, source)
    stem = os.path.splitext(os.path.basename(path))[0]
    return build_model(doc, source=source, default_name=stem, file=os.fspath(path))


def build_model(doc: YNode, *, source: str, default_name: str, file: str | None = None) -> Model:
    """Build the Model a parsed spec document describes.

    `file` is where the document was read from, which its `include`s are relative to.
    """
    _check_top(doc)
    assert isinstance(doc, YMap)
    name = _text(doc.get("name"), "name") or default_name
    description = _text(doc.get("description"), "description") or ""
    shape = _input(_required(doc, "input"))
    within = () if file is None else (os.path.realpath(file),)
    expander = Expander(_library(doc, source=source, within=within))
    root = expander.root(_required(doc, "model"))
    if root.functional:
        raise SpecError(root.mark, "the model itself cannot be functional")
    return Model(name, shape, root, source, description)


def _check_top(doc: YNode) -> None:
    if not isinstance(doc, YMap):
        raise SpecError(doc.mark, "a spec is a mapping with input and model (and blocks)")
    for key, _ in doc.entries:
        if key.value not in TOP_KEYS:
            hint = did_you_mean(str(key.value), TOP_KEYS)
            raise SpecError(
                key.mark, f"unknown key '{key.value}'{hint}; a spec has " + ", ".join(TOP_KEYS)
            )


def _library(doc: YMap, *, source: str, within: tuple[str, ...]) -> dict[str, Block]:
    """Return the blocks a document includes and defines; its own replace included ones.

    `within` are the files being read, innermost last, to refuse an include cycle.
    """
    blocks: dict[str, Block] = {}
    origins: dict[str, str] = {}
    for node in _includes(doc.get("include")):
        path, name = _resolve(node, source=source, within=within)
        included = loader.load(path, name)
        _check_top(included)
        assert isinstance(included, YMap)
        for block_name, block in _library(included, source=name, within=(*within, path)).items():
            if block_name in blocks:
                raise SpecError(
                    node.mark,
                    f"block {block_name} comes from both {origins[block_name]} and {name}",
                )
            blocks[block_name] = block
            origins[block_name] = name
    blocks.update(parse_blocks(doc.get("blocks")))
    return blocks


def _includes(node: YNode | None) -> list[YScalar]:
    if node is None:
        return []
    items = node.items if isinstance(node, YList) else (node,)
    for item in items:
        if not isinstance(item, YScalar) or not isinstance(item.value, str):
            raise SpecError(item.mark, "include: expected a spec file's path, or a list of them")
    return list(items)  # type: ignore[arg-type]


def _resolve(node: YScalar, *, source: str, within: tuple[str, ...]) -> tuple[str, str]:
    """Return an included file's path, relative to the including one, and its name."""
    if not within:
        raise SpecError(node.mark, "include works only in a spec read from a file")
    relative = str(node.value)
    path = os.path.realpath(os.path.join(os.path.dirname(within[-1]), relative))
    folder = os.path.dirname(source)
    name = relative if folder in {"", "."} else os.path.join(folder, relative)
    if path in within:
        raise SpecError(node.mark, f"{relative} includes itself, through this include")
    if not os.path.isfile(path):
        raise SpecError(node.mark, f"include: no spec file {relative} beside {source}")
    return path, name


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
