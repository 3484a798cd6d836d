"""Read an Ultralytics YOLO model config as it is, into the module tree Ultralytics builds.

A config lists `[from, repeats, module, args]` rows under `backbone:` and `head:`; its
`scales` give each scale's depth, width and channel cap, the scale named by the letter in
the file's name (`yolov8n.yaml`: n) as Ultralytics guesses it. This follows Ultralytics'
`parse_model` (ultralytics 8.4.190, nn/tasks.py) rule by rule: repeats scaled and rounded,
channels scaled, capped and made divisible by 8, the repeat count passed into the modules
that take it, Concat summing channels, heads given every input's channels. Each row becomes
a call of the block of the same name in specs/_ultralytics.yaml, a step of the model's
`model` Sequential taking `from:` what the row says, so that rows have PyTorch's paths.
"""

from __future__ import annotations

import ast
import math
import os
import re
from collections.abc import Mapping, Sequence

from shapecalc.errors import Mark, SpecError, describe, did_you_mean, quote
from shapecalc.layers import KINDS
from shapecalc.layers.args import Value
from shapecalc.modules import Argument, Model, Reuse
from shapecalc.shape import Shape
from shapecalc.spec import loader, names
from shapecalc.spec.blocks import Block, parse_blocks
from shapecalc.spec.expand import Expander
from shapecalc.spec.expr import Work
from shapecalc.spec.source import YList, YMap, YNode, YScalar
from shapecalc.value import attributes

LIBRARY = "_ultralytics.yaml"
DEFAULT_ACT = "DefaultAct"  # the library's block for Conv.default_act
# Modules whose first argument is their output channels, scaled by width (parse_model's
# base_modules that shapecalc has), and those that take the repeat count inside.
_BASE = frozenset(
    {"Classify", "Conv", "DWConv", "Bottleneck", "SPPF", "C2PSA", "C2f", "C3k2", "C3"}
)
_REPEATING = frozenset({"C2f", "C3k2", "C3", "C2PSA"})
_HEADS = {"Detect": "detect", "Segment": "segment", "Pose": "pose", "OBB": "obb"}
_TASKS = {
    "detect": "DetectionModel",
    "segment": "SegmentationModel",
    "pose": "PoseModel",
    "obb": "OBBModel",
    "classify": "ClassificationModel",
}
_TORCH = {"nn.Upsample": ("Upsample", ("size", "scale_factor", "mode", "align_corners"))}
_SCALE = re.compile(r"yolo(e-)?[v]?\d+([nslmx])")


def is_config(doc: YNode) -> bool:
    """Whether a document is an Ultralytics model config rather than a shapecalc spec."""
    return isinstance(doc, YMap) and "backbone" in doc.index and "head" in doc.index


def guess_scale(source: str) -> str:
    """Return the scale letter a config's file name gives, as Ultralytics guesses it, or ''."""
    found = _SCALE.search(os.path.splitext(os.path.basename(source))[0])
    return found.group(2) if found else ""


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
    budget = loader.Budget()
    blocks = parse_blocks(_library(library, budget).get("blocks"))
    config = _Config(doc, source, values or {})
    given = doc.get("activation")
    if given is not None:  # Conv.default_act = eval(activation): every Conv's, shared
        blocks = {**blocks, DEFAULT_ACT: Block(DEFAULT_ACT, (), activation(given))}
    with Work():
        rows = config.rows(blocks)
        root = YMap(
            (
                (YScalar("type", doc.mark), YScalar(_TASKS[config.task], doc.mark)),
                (
                    YScalar("children", doc.mark),
                    YMap(((YScalar("model", doc.mark), rows),), doc.mark),
                ),
            ),
            doc.mark,
        )
        model = Expander(blocks).root(root, {})
    assert not isinstance(model, Reuse)
    name = names.check(default_name, Mark(source, 1, 1), "the model's name (its file's name)")
    size = 224 if config.task == "classify" else 640
    files = tuple(os.path.realpath(path) for path in (file, library) if path is not None)
    shape = Shape((config.channels, size, size))
    description = config.description()
    return Model(name, shape, model, source, description, files, config.arguments, ultralytics=True)


def activation(node: YNode) -> YMap:
    """Return the layer a config's `activation:` makes, `nn.ReLU()` or `nn.LeakyReLU(0.1)`:
    a torch.nn class called with literal arguments, read, never evaluated."""
    text = _plain(node)
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
    entries += [(YScalar(key, node.mark), _value(value, node.mark)) for key, value in given]
    return YMap(tuple(entries), node.mark)


def _library(path: str, budget: loader.Budget) -> YMap:
    doc = loader.load(path, LIBRARY, budget, regular=True)
    assert isinstance(doc, YMap)
    return doc


class _Config:
    """A config's settings, and parse_model's state as it reads the rows."""

    def __init__(self, doc: YMap, source: str, values: Mapping[str, object]) -> None:
        self.doc, self.source = doc, source
        unknown = set(values) - {"scale", "nc"}
        if unknown:
            raise SpecError(
                Mark(source, 1, 1),
                f"--set {sorted(unknown)[0]}: an Ultralytics config takes scale and nc",
            )
        self.nc = self._setting("nc", values, 80)
        scales = doc.get("scales")
        guessed = guess_scale(source)
        self.scale = str(values.get("scale", guessed))
        self.depth, self.width = self._number("depth_multiple"), self._number("width_multiple")
        self.max_channels: float = math.inf
        self.scale_given = "scale" in values or bool(guessed)
        if scales is not None:
            self._scaled(scales)
        self.kpt_shape = self._plain("kpt_shape", (17, 3))
        self.reg_max = self._plain("reg_max", 16)
        self.channels = int(self._plain("channels", 3))  # type: ignore[arg-type]
        self._refuse_unsupported()
        self.legacy = True  # parse_model's: until a C3k2 or later module
        self.task = "detect"
        self.arguments = (
            Argument("scale", guessed or None, self.scale or None, "scale" in values),
            Argument("nc", self._plain("nc", 80), self.nc, "nc" in values),
        )

    def _setting(self, key: str, values: Mapping[str, object], default: Value) -> Value:
        if key in values:
            value = values[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SpecError(
                    Mark(self.source, 1, 1), f"--set {key}: expected a whole number ≥ 1"
                )
            return value
        return self._plain(key, default)

    def _plain(self, key: str, default: Value) -> Value:
        node = self.doc.get(key)
        if node is None:
            return default
        return _plain(node)

    def _number(self, key: str) -> float:
        value = self._plain(key, 1.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            node = self.doc.get(key)
            assert node is not None
            raise SpecError(node.mark, f"{key}: expected a number > 0, got {describe(value)}")
        return float(value)

    def _scaled(self, node: YNode) -> None:
        if not isinstance(node, YMap) or not node.entries:
            raise SpecError(
                node.mark,
                "scales: expected a mapping of scale letters to [depth, width, max_channels]",
            )
        if not self.scale:
            self.scale = str(node.entries[0][0].value)  # Ultralytics takes the first, warning
        chosen = node.get(self.scale)
        if chosen is None:
            known = [str(key.value) for key, _ in node.entries]
            raise SpecError(
                node.mark,
                f"scales: no scale {quote(self.scale)}{did_you_mean(self.scale, known)}; "
                f"this config has {', '.join(known)}",
            )
        triple = _plain(chosen)
        if not (
            isinstance(triple, tuple)
            and len(triple) == 3
            and all(
                isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0 for x in triple
            )
        ):
            raise SpecError(
                chosen.mark,
                f"scales: {self.scale}: expected [depth, width, max_channels], "
                f"got {describe(triple)}",
            )
        self.depth, self.width, self.max_channels = (float(x) for x in triple)  # type: ignore[arg-type]

    def _refuse_unsupported(self) -> None:
        node = self.doc.get("end2end")
        if node is not None and _plain(node) is not False:
            raise SpecError(
                node.mark,
                f"end2end: {describe(_plain(node))} is not supported: shapecalc builds "
                "Ultralytics' heads with their one-to-many outputs",
            )
        if self.reg_max in (0, 1) or not isinstance(self.reg_max, int):
            node = self.doc.get("reg_max")
            raise SpecError(
                node.mark if node else self.doc.mark, "reg_max: expected a whole number > 1"
            )

    def description(self) -> str:
        """Say which config and scale the model is, in Ultralytics' terms."""
        if not self.scale:
            return f"Ultralytics {self.task} model, depth {self.depth:g}, width {self.width:g}"
        cap = "" if self.max_channels == math.inf else f", max channels {self.max_channels:g}"
        how = "" if self.scale_given else " (the first: the file's name gives none)"
        return (
            f"Ultralytics {self.task} model, scale {self.scale}{how}: depth {self.depth:g}, "
            f"width {self.width:g}{cap}"
        )

    def rows(self, blocks: Mapping[str, Block]) -> YList:
        """Return the `model` Sequential's steps: each config row as parse_model builds it."""
        items: list[YNode] = []
        for part in ("backbone", "head"):
            node = self.doc.get(part)
            if node is None:
                raise SpecError(self.doc.mark, "an Ultralytics config needs backbone and head")
            if not isinstance(node, YList):
                raise SpecError(
                    node.mark, f"{part}: expected a list of [from, repeats, module, args] rows"
                )
            items.extend(node.items)
        channels: list[int] = [self.channels]
        steps: list[YNode] = []
        for index, row in enumerate(items):
            step, out = self._row(index, row, channels, blocks)
            if index == 0:
                channels = []
            channels.append(out)
            steps.append(step)
        return YList(tuple(steps), self.doc.mark)

    def _row(
        self, index: int, row: YNode, channels: list[int], blocks: Mapping[str, Block]
    ) -> tuple[YMap, int]:
        if not isinstance(row, YList) or len(row.items) != 4:
            raise SpecError(row.mark, f"layer {index}: expected [from, repeats, module, args]")
        f_node, n_node, m_node, args_node = row.items
        taken = _from(f_node, index)
        module = _plain(m_node)
        if not isinstance(module, str):
            raise SpecError(
                m_node.mark, f"layer {index}: expected a module's name, got {describe(module)}"
            )
        args = _args(args_node, index, self._locals())
        repeats = _plain(n_node)
        if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
            raise SpecError(n_node.mark, f"layer {index}: repeats: expected a whole number ≥ 1")
        n = max(round(repeats * self.depth), 1) if repeats > 1 else repeats
        ins = tuple(_channels(channels, x, f_node.mark, index) for x in taken)
        kind, made, out, n = self._module(
            module, args, ins=ins, n=n, node=m_node, index=index, blocks=blocks
        )
        node = _call(kind, made, blocks, row.mark, index)
        if n > 1:  # nn.Sequential of n copies
            node = YMap(((YScalar("children", row.mark), YList((node,) * n, row.mark)),), row.mark)
        if taken != [-1]:
            node = YMap(
                (
                    *node.entries,
                    (YScalar("from", f_node.mark), _value(_written(f_node), f_node.mark)),
                ),
                node.mark,
            )
        return node, out

    def _locals(self) -> dict[str, Value]:
        return {"nc": self.nc, "kpt_shape": self.kpt_shape, "reg_max": self.reg_max}

    def _module(
        self,
        module: str,
        args: list[Value],
        *,
        ins: tuple[int, ...],
        n: int,
        node: YNode,
        index: int,
        blocks: Mapping[str, Block],
    ) -> tuple[str, dict[str, Value] | list[Value], int, int]:
        """Apply parse_model's rule for a module; return its block, arguments, channels out
        and how many copies make the row."""
        c1 = ins[0]
        if module == "Classify":
            self.task = "classify"
        if module in _BASE:
            c2 = _whole(args[0] if args else None, node.mark, index, "its first argument")
            if module != "Classify":  # a classifier's output stays at nc
                c2 = _divisible(min(c2, self.max_channels) * self.width)
            args = [c1, c2, *args[1:]]
            if module in _REPEATING:
                args.insert(2, n)
                n = 1
            if module == "C3k2":
                self.legacy = False
                if self.scale in {"m", "l", "x"}:
                    args[3:4] = [True]
            if module == "SPPF" and len(args) <= 3:  # legacy rows: cv1 takes the shared act
                return (
                    module,
                    {**_positional(module, args, blocks, node, index), "cv1_act": True},
                    c2,
                    n,
                )
            return module, args, c2, n
        if module == "Concat":
            return module, args, sum(ins), n
        if module in _HEADS:
            args = [*args, self.reg_max, False, ins]
            if module == "Segment":
                npr = _whole(args[2] if len(args) > 2 else None, node.mark, index, "npr")
                args[2] = _divisible(min(npr, self.max_channels) * self.width)
            self.task = _HEADS[module]
            return (
                module,
                {**_positional(module, args, blocks, node, index), "legacy": self.legacy},
                c1,
                n,
            )
        if module in _TORCH:
            kind, keys = _TORCH[module]
            if len(args) > len(keys):
                raise SpecError(
                    node.mark, f"layer {index}: {module} takes at most {len(keys)} arguments here"
                )
            return kind, dict(zip(keys, args, strict=False)), c1, n
        known = sorted({*_BASE, "Concat", *_HEADS, *_TORCH})
        raise SpecError(
            node.mark,
            f"layer {index}: module {quote(module)} is not one shapecalc reads"
            f"{did_you_mean(module, known)}; it reads {', '.join(known)}",
        )


def _positional(
    kind: str, args: Sequence[Value], blocks: Mapping[str, Block], node: YNode, index: int
) -> dict[str, Value]:
    """Name a module's positional arguments by its block's parameters, in order."""
    params = blocks[kind].params
    if len(args) > len(params):
        raise SpecError(
            node.mark,
            f"layer {index}: {kind} takes at most {len(params)} arguments "
            f"({', '.join(param.name for param in params)}), got {len(args)}",
        )
    return {param.name: value for param, value in zip(params, args, strict=False)}


def _call(
    kind: str,
    args: dict[str, Value] | list[Value],
    blocks: Mapping[str, Block],
    mark: Mark,
    index: int,
) -> YMap:
    """Return the node calling `kind` with `args`, each written where the row is."""
    named = (
        _positional(kind, args, blocks, YScalar(kind, mark), index)
        if isinstance(args, list)
        else args
    )
    entries: list[tuple[YScalar, YNode]] = [(YScalar("type", mark), YScalar(kind, mark))]
    entries += [(YScalar(key, mark), _value(value, mark)) for key, value in named.items()]
    return YMap(tuple(entries), mark)


def _value(value: Value | list[Value], mark: Mark) -> YNode:
    if isinstance(value, (tuple, list)):
        return YList(tuple(_value(item, mark) for item in value), mark)
    if isinstance(value, str) and "$" in value:  # a config's text is data, never an expression
        raise SpecError(mark, f"{quote(value)}: a $ has no meaning in an Ultralytics config")
    return YScalar(value, mark)


def _plain(node: YNode) -> Value:
    """Return a node's value as written: a config holds no expressions."""
    if isinstance(node, YScalar):
        return node.value
    if isinstance(node, YList):
        return tuple(_plain(item) for item in node.items)
    raise SpecError(node.mark, "expected a value, got a mapping")


def _from(node: YNode, index: int) -> list[int]:
    """Return a row's `from`: the layers it takes, -1 the one before."""
    value = _plain(node)
    refs = list(value) if isinstance(value, tuple) else [value]
    if not refs or not all(isinstance(x, int) and not isinstance(x, bool) for x in refs):
        raise SpecError(
            node.mark,
            f"layer {index}: from: expected a layer's index or a list of them, "
            f"got {describe(value)}",
        )
    return refs  # type: ignore[return-value]


def _written(node: YNode) -> Value:
    return _plain(node)


def _channels(channels: list[int], ref: int, mark: Mark, index: int) -> int:
    """Return the channels of layer `ref`'s output, as parse_model's ch[f]."""
    if -len(channels) <= ref < len(channels) and (ref < 0 or ref < index):
        return channels[ref]
    span = f"0 to {index - 1}, or -1 to -{index}" if index else "only -1, the input"
    raise SpecError(mark, f"layer {index}: from: {ref} is no earlier layer: it takes {span}")


def _args(node: YNode, index: int, names: Mapping[str, Value]) -> list[Value]:
    """Return a row's arguments, names and Python literals written as text read as
    parse_model reads them (`nc`, `None`)."""
    value = _plain(node)
    if not isinstance(value, tuple):
        raise SpecError(node.mark, f"layer {index}: args: expected a list, got {describe(value)}")
    return [_literal(item, names) for item in value]


def _literal(value: Value, names: Mapping[str, Value]) -> Value:
    if not isinstance(value, str):
        return value
    if value in names:
        return names[value]
    return {"None": None, "True": True, "False": False}.get(value, value)


def _whole(value: Value, mark: Mark, index: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(
            mark, f"layer {index}: {what}: expected a whole number ≥ 1, got {describe(value)}"
        )
    return value


def _divisible(channels: float) -> int:
    """Ultralytics' make_divisible(x, 8): x rounded up to a multiple of 8."""
    return math.ceil(channels / 8) * 8
