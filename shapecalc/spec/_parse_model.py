"""Ultralytics' parse_model, rule by rule: each config row as the call of a block.

ultralytics 8.4.190, nn/tasks.py: repeats scaled and rounded; a base module's channels
scaled, capped and made divisible by 8, and the repeat count passed into the modules that
take it; C3k2 taking c3k at scales m, l and x, and ending the legacy heads; Concat summing
its inputs' channels; heads given reg_max, end2end and every input's channels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from shapecalc.errors import Mark, SpecError, describe, did_you_mean, quote
from shapecalc.layers.args import Value
from shapecalc.limits import MAX_REPEAT
from shapecalc.spec._yolo_settings import Settings, plain
from shapecalc.spec.blocks import Block
from shapecalc.spec.source import YList, YMap, YNode, YScalar

# Modules whose first argument is their output channels, scaled by width (parse_model's
# base_modules that shapecalc has), and those that take the repeat count inside.
_BASE = frozenset(
    {"Classify", "Conv", "DWConv", "Bottleneck", "SPPF", "C2PSA", "C2f", "C3k2", "C3"}
)
_REPEATING = frozenset({"C2f", "C3k2", "C3", "C2PSA"})
_HEADS = {"Detect": "detect", "Segment": "segment", "Pose": "pose", "OBB": "obb"}
_TORCH = {"nn.Upsample": ("Upsample", ("size", "scale_factor", "mode", "align_corners"))}
# A row's block, its arguments by position and by name, its channels out, and its copies.
_Made = tuple[str, list[Value], dict[str, Value], int, int]


class Parser:
    """parse_model reading a config's rows: the channels of each layer so far, whether its
    heads are the legacy ones, and the task its last layer makes."""

    def __init__(self, settings: Settings, blocks: Mapping[str, Block]) -> None:
        self.settings = settings
        self.blocks = blocks
        self.legacy = True  # until a C3k2
        self.task = "detect"

    def rows(self, doc: YMap) -> YList:
        """Return the `model` Sequential's steps: each config row as parse_model builds it."""
        items: list[YNode] = []
        for part in ("backbone", "head"):
            node = doc.get(part)
            if node is None:
                raise SpecError(doc.mark, "an Ultralytics config needs backbone and head")
            if not isinstance(node, YList):
                raise SpecError(
                    node.mark, f"{part}: expected a list of [from, repeats, module, args] rows"
                )
            items.extend(node.items)
        channels: list[int] = [self.settings.channels]
        steps: list[YNode] = []
        for index, row in enumerate(items):
            step, out = self._row(index, row, channels)
            if index == 0:
                channels = []
            channels.append(out)
            steps.append(step)
        return YList(tuple(steps), doc.mark)

    def _row(self, index: int, row: YNode, channels: list[int]) -> tuple[YMap, int]:
        if not isinstance(row, YList) or len(row.items) != 4:
            raise SpecError(row.mark, f"layer {index}: expected [from, repeats, module, args]")
        f_node, n_node, m_node, args_node = row.items
        taken = _from(f_node, index)
        module = plain(m_node)
        if not isinstance(module, str):
            raise SpecError(
                m_node.mark, f"layer {index}: expected a module's name, got {describe(module)}"
            )
        args = _args(args_node, index, self.settings.names())
        repeats = plain(n_node)
        if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
            raise SpecError(n_node.mark, f"layer {index}: repeats: expected a whole number ≥ 1")
        if repeats > MAX_REPEAT:  # before it is scaled: a float holds no such number
            raise SpecError(
                n_node.mark, f"layer {index}: repeats: {repeats:,} is more than {MAX_REPEAT:,}"
            )
        n = max(round(repeats * self.settings.depth), 1) if repeats > 1 else repeats
        if n > MAX_REPEAT:
            raise SpecError(
                n_node.mark,
                f"layer {index}: repeats: {repeats:,} at depth {self.settings.depth} make {n:,} "
                f"copies, more than {MAX_REPEAT:,}",
            )
        ins = tuple(_channels(channels, x, f_node.mark, index) for x in taken)
        kind, given, named, out, n = self._module(module, args, ins, n, _Where(m_node.mark, index))
        node = _call(kind, given, named, self.blocks, _Where(row.mark, index))
        if n > 1:  # nn.Sequential of n copies
            node = YMap(((YScalar("children", row.mark), YList((node,) * n, row.mark)),), row.mark)
        if taken != [-1]:
            taking = (YScalar("from", f_node.mark), value_node(plain(f_node), f_node.mark))
            node = YMap((*node.entries, taking), node.mark)
        return node, out

    def _module(
        self, module: str, args: list[Value], ins: tuple[int, ...], n: int, where: _Where
    ) -> _Made:
        """Apply parse_model's rule for a module."""
        if module == "Classify":
            self.task = "classify"
        if module in _BASE:
            return self._base(module, args, ins[0], n, where)
        if module == "Concat":
            return module, args, {}, sum(ins), n
        if module in _HEADS:
            return self._head(module, args, ins, n, where)
        if module in _TORCH:
            kind, keys = _TORCH[module]
            if len(args) > len(keys):
                raise SpecError(
                    where.mark,
                    f"layer {where.index}: {module} takes at most {len(keys)} arguments here",
                )
            return kind, [], dict(zip(keys, args, strict=False)), ins[0], n
        known = sorted({*_BASE, "Concat", *_HEADS, *_TORCH})
        raise SpecError(
            where.mark,
            f"layer {where.index}: module {quote(module)} is not one shapecalc reads"
            f"{did_you_mean(module, known)}; it reads {', '.join(known)}",
        )

    def _base(self, module: str, args: list[Value], c1: int, n: int, where: _Where) -> _Made:
        """A module whose first argument is its output channels, scaled by width."""
        c2 = _whole(args[0] if args else None, where, "its first argument")
        if module != "Classify":  # a classifier's output stays at nc
            c2 = _divisible(min(c2, self.settings.max_channels) * self.settings.width)
        args = [c1, c2, *args[1:]]
        if module == "C2PSA" and c1 != c2:  # its constructor asserts c1 == c2
            raise SpecError(
                where.mark,
                f"layer {where.index}: C2PSA keeps its channels, but it takes {c1} and the row "
                f"makes {c2} (Ultralytics asserts c1 == c2)",
            )
        if module in _REPEATING:
            args.insert(2, n)
            n = 1
        if module == "C3k2":
            self.legacy = False
            if self.settings.scale in {"m", "l", "x"}:
                args[3:4] = [True]
        legacy = module == "SPPF" and len(args) <= 3  # such rows: cv1 takes the shared act
        return module, args, {"cv1_act": True} if legacy else {}, c2, n

    def _head(
        self, module: str, args: list[Value], ins: tuple[int, ...], n: int, where: _Where
    ) -> _Made:
        """A detection head: reg_max, end2end and every input's channels after its own."""
        args = [*args, self.settings.reg_max, False, ins]
        if module == "Segment":
            npr = _whole(args[2] if len(args) > 2 else None, where, "npr")
            args[2] = _divisible(min(npr, self.settings.max_channels) * self.settings.width)
        self.task = _HEADS[module]
        return module, args, {"legacy": self.legacy}, ins[0], n


class _Where:
    """A row's module, where it is written, and its layer's index, for messages."""

    __slots__ = ("index", "mark")

    def __init__(self, mark: Mark, index: int) -> None:
        self.mark, self.index = mark, index


def _positional(
    kind: str, args: Sequence[Value], blocks: Mapping[str, Block], where: _Where
) -> dict[str, Value]:
    """Name a module's positional arguments by its block's parameters, in order."""
    if not args:
        return {}
    params = blocks[kind].params
    if len(args) > len(params):
        raise SpecError(
            where.mark,
            f"layer {where.index}: {kind} takes at most {len(params)} arguments "
            f"({', '.join(param.name for param in params)}), got {len(args)}",
        )
    return {param.name: value for param, value in zip(params, args, strict=False)}


def _call(
    kind: str,
    args: list[Value],
    keywords: dict[str, Value],
    blocks: Mapping[str, Block],
    where: _Where,
) -> YMap:
    """Return the node calling `kind` with `args` and `keywords`, written where the row is."""
    named = {**_positional(kind, args, blocks, where), **keywords}
    mark = where.mark
    entries: list[tuple[YScalar, YNode]] = [(YScalar("type", mark), YScalar(kind, mark))]
    entries += [(YScalar(key, mark), value_node(value, mark)) for key, value in named.items()]
    return YMap(tuple(entries), mark)


def value_node(value: Value | list[Value], mark: Mark) -> YNode:
    """Return a value as a node written at `mark`: a config's text is never an expression."""
    if isinstance(value, (tuple, list)):
        return YList(tuple(value_node(item, mark) for item in value), mark)
    if isinstance(value, str) and "$" in value:  # a config's text is data, never an expression
        raise SpecError(mark, f"{quote(value)}: a $ has no meaning in an Ultralytics config")
    return YScalar(value, mark)


def _from(node: YNode, index: int) -> list[int]:
    """Return a row's `from`: the layers it takes, -1 the one before."""
    value = plain(node)
    refs = list(value) if isinstance(value, tuple) else [value]
    if not refs or not all(isinstance(x, int) and not isinstance(x, bool) for x in refs):
        raise SpecError(
            node.mark,
            f"layer {index}: from: expected a layer's index or a list of them, "
            f"got {describe(value)}",
        )
    return refs  # type: ignore[return-value]


def _channels(channels: list[int], ref: int, mark: Mark, index: int) -> int:
    """Return the channels of layer `ref`'s output, as parse_model's ch[f]."""
    if -len(channels) <= ref < len(channels) and (ref < 0 or ref < index):
        return channels[ref]
    span = f"0 to {index - 1}, or -1 to -{index}" if index else "only -1, the input"
    raise SpecError(mark, f"layer {index}: from: {ref} is no earlier layer: it takes {span}")


def _args(node: YNode, index: int, names: Mapping[str, Value]) -> list[Value]:
    """Return a row's arguments, names and Python literals written as text read as
    parse_model reads them (`nc`, `None`)."""
    value = plain(node)
    if not isinstance(value, tuple):
        raise SpecError(node.mark, f"layer {index}: args: expected a list, got {describe(value)}")
    return [_literal(item, names) for item in value]


def _literal(value: Value, names: Mapping[str, Value]) -> Value:
    if not isinstance(value, str):
        return value
    if value in names:
        return names[value]
    return {"None": None, "True": True, "False": False}.get(value, value)


def _whole(value: Value, where: _Where, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(
            where.mark,
            f"layer {where.index}: {what}: expected a whole number ≥ 1, got {describe(value)}",
        )
    return value


def _divisible(channels: float) -> int:
    """Ultralytics' make_divisible(x, 8): x rounded up to a multiple of 8."""
    return math.ceil(channels / 8) * 8
