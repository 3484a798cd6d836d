"""Read an Ultralytics YOLO model config as it is, into the module tree Ultralytics builds.

A config lists `[from, repeats, module, args]` rows under `backbone:` and `head:`; its
`scales` give each scale's depth, width and channel cap, the scale named by the letter in
the file's name (`yolov8n.yaml`: n) as Ultralytics guesses it (_yolo_settings.py). Each row
becomes, as Ultralytics' parse_model builds it (_parse_model.py), a call of the block of the
same name in specs/_ultralytics.yaml, a step of the model's `model` Sequential taking
`from:` what the row says, so that rows have PyTorch's paths.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Mapping

from shapecalc.errors import Mark, SpecError, describe
from shapecalc.layers import KINDS
from shapecalc.modules import Model, Reuse
from shapecalc.shape import Shape
from shapecalc.spec import loader, names
from shapecalc.spec._parse_model import Parser, value_node
from shapecalc.spec._yolo_settings import Settings, guess_scale, plain
from shapecalc.spec.blocks import Block, parse_blocks
from shapecalc.spec.expand import Expander
from shapecalc.spec.expr import Work
from shapecalc.spec.source import YMap, YNode, YScalar
from shapecalc.value import attributes

__all__ = ["DEFAULT_ACT", "LIBRARY", "activation", "build_config", "guess_scale"]

LIBRARY = "_ultralytics.yaml"
DEFAULT_ACT = "DefaultAct"  # the library's block for Conv.default_act
_TASKS = {
    "detect": "DetectionModel",
    "segment": "SegmentationModel",
    "pose": "PoseModel",
    "obb": "OBBModel",
    "classify": "ClassificationModel",
}


def build_config(
    doc: YMap,
    *,
    source: str,
    default_name: str,
    file: str | None,
    library: str,
    values: Mapping[str, object] | None = None,
) -> Model:
    """Build the model an Ultralytics config describes; `values` may set `scale` and `nc`."""
    blocks = parse_blocks(_library(library, loader.Budget()).get("blocks"))
    settings = Settings(doc, source, values or {}, default_name)
    given = doc.get("activation")
    if given is not None:  # Conv.default_act = eval(activation): every Conv's, shared
        blocks = {**blocks, DEFAULT_ACT: Block(DEFAULT_ACT, (), activation(given))}
    parser = Parser(settings, blocks)
    with Work():
        steps = parser.rows(doc)
        root = _root(_TASKS[parser.task], steps, doc.mark)
        model = Expander(blocks).root(root, {})
    assert not isinstance(model, Reuse)
    name = names.check(default_name, Mark(source, 1, 1), "the model's name (its file's name)")
    size = 224 if parser.task == "classify" else 640
    files = tuple(os.path.realpath(path) for path in (file, library) if path is not None)
    shape = Shape((settings.channels, size, size))
    description = settings.description(parser.task)
    return Model(
        name, shape, model, source, description, files, settings.arguments, ultralytics=True
    )


def _root(kind: str, steps: YNode, mark: Mark) -> YMap:
    """Return the model's node: the task's model class, its `model` Sequential of steps."""
    model = YMap(((YScalar("model", mark), steps),), mark)
    return YMap(
        ((YScalar("type", mark), YScalar(kind, mark)), (YScalar("children", mark), model)), mark
    )


def activation(node: YNode) -> YMap:
    """Return the layer a config's `activation:` makes, `nn.ReLU()` or `nn.LeakyReLU(0.1)`:
    a torch.nn class called with literal arguments, read, never evaluated."""
    text = plain(node)
    try:
        call = ast.parse(str(text), mode="eval").body if isinstance(text, str) else None
    except SyntaxError:
        call = None
    written = ast.unparse(call.func) if isinstance(call, ast.Call) else ""
    name = written.removeprefix("torch.").removeprefix("nn.")
    kind = KINDS.get(name) if written.startswith(("nn.", "torch.nn.")) else None
    if not isinstance(call, ast.Call) or kind is None:
        raise SpecError(
            node.mark,
            f"activation: expected a torch.nn activation as Ultralytics writes it, such as "
            f"nn.ReLU() or nn.LeakyReLU(0.1), got {describe(text)}",
        )
    names = [each.name for each in attributes(kind)]
    try:
        given = [(names[at], ast.literal_eval(each)) for at, each in enumerate(call.args)]
        given += [(str(each.arg), ast.literal_eval(each.value)) for each in call.keywords]
    except (ValueError, IndexError, TypeError, SyntaxError):
        raise SpecError(
            node.mark, f"activation: {describe(text)}: expected arguments written as values"
        ) from None
    entries: list[tuple[YScalar, YNode]] = [(YScalar("type", node.mark), YScalar(name, node.mark))]
    entries += [(YScalar(key, node.mark), value_node(value, node.mark)) for key, value in given]
    return YMap(tuple(entries), node.mark)


def _library(path: str, budget: loader.Budget) -> YMap:
    doc = loader.load(path, LIBRARY, budget, regular=True)
    assert isinstance(doc, YMap)
    return doc
