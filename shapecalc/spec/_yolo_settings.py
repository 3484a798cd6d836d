"""An Ultralytics config's settings: classes, scale and its depth, width and channel cap."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping

from shapecalc.errors import SpecError, UsageError, describe, did_you_mean, quote
from shapecalc.layers.args import Value
from shapecalc.spec import loader
from shapecalc.spec.blocks import Param
from shapecalc.spec.settings import set_values
from shapecalc.spec.source import YList, YMap, YNode, YScalar

_SCALE = re.compile(r"yolo(e-)?[v]?\d+([nslmx])")


def guess_scale(source: str) -> str:
    """Return the scale letter a config's file name gives, as Ultralytics guesses it, or ''."""
    found = _SCALE.search(os.path.splitext(os.path.basename(source))[0])
    return found.group(2) if found else ""


def plain(node: YNode) -> Value:
    """Return a node's value as written: a config holds no expressions."""
    if isinstance(node, YScalar):
        return node.value
    if isinstance(node, YList):
        return tuple(plain(item) for item in node.items)
    raise SpecError(node.mark, "expected a value, got a mapping")


class Settings:
    """What a config sets for all its rows, as parse_model reads it; `values` set by --set."""

    def __init__(self, doc: YMap, source: str, values: Mapping[str, object], name: str) -> None:
        """`values` set its parameters, `scale` and `nc`, as `--set` sets a spec's (`name`
        the model's, for messages)."""
        self.doc, self.source = doc, source
        guessed = guess_scale(source)
        declared = (
            Param("scale", guessed or None, False),
            Param("nc", self._plain("nc", 80), False),
        )
        self.arguments = set_values(declared, values, loader.Budget(), name)
        scale, nc = (argument.value for argument in self.arguments)
        self.nc = self._classes(nc, given=self.arguments[1].given)
        if scale is not None and not isinstance(scale, str):
            raise UsageError("--set scale", f"expected a scale's letter, got {describe(scale)}")
        self.scale = scale or ""
        self.scale_given = bool(self.scale)
        self.depth, self.width = self._number("depth_multiple"), self._number("width_multiple")
        self.max_channels: float = math.inf
        scales = doc.get("scales")
        if scales is not None:
            self._scaled(scales, given=self.arguments[0].given)
        self.kpt_shape = self._plain("kpt_shape", (17, 3))
        self.reg_max = self._plain("reg_max", 16)
        self.channels = int(self._plain("channels", 3))  # type: ignore[arg-type]
        self._refuse_unsupported()

    def _plain(self, key: str, default: Value) -> Value:
        node = self.doc.get(key)
        if node is None:
            return default
        return plain(node)

    def _classes(self, value: Value, *, given: bool) -> int:
        """Return the number of classes, a whole number ≥ 1, set or as the config says."""
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        what = f"expected a whole number of classes ≥ 1, got {describe(value)}"
        if given:
            raise UsageError("--set nc", what)
        node = self.doc.get("nc")
        raise SpecError(node.mark if node else self.doc.mark, f"nc: {what}")

    def _number(self, key: str) -> float:
        value = self._plain(key, 1.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            node = self.doc.get(key)
            assert node is not None
            raise SpecError(node.mark, f"{key}: expected a number > 0, got {describe(value)}")
        return float(value)

    def _scaled(self, node: YNode, *, given: bool) -> None:
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
            what = (
                f"no scale {quote(self.scale)}{did_you_mean(self.scale, known)}; "
                f"this config has {', '.join(known)}"
            )
            if given:
                raise UsageError("--set scale", what)
            raise SpecError(node.mark, f"scales: {what}")
        triple = plain(chosen)
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
        if node is not None and plain(node) is not False:
            raise SpecError(
                node.mark,
                f"end2end: {describe(plain(node))} is not supported: shapecalc builds "
                "Ultralytics' heads with their one-to-many outputs",
            )
        if self.reg_max in (0, 1) or not isinstance(self.reg_max, int):
            node = self.doc.get("reg_max")
            raise SpecError(
                node.mark if node else self.doc.mark, "reg_max: expected a whole number > 1"
            )

    def description(self, task: str) -> str:
        """Say which config and scale the model is, in Ultralytics' terms."""
        if not self.scale:
            return f"Ultralytics {task} model, depth {self.depth:g}, width {self.width:g}"
        cap = "" if self.max_channels == math.inf else f", max channels {self.max_channels:g}"
        how = "" if self.scale_given else " (the first: the file's name gives none)"
        return (
            f"Ultralytics {task} model, scale {self.scale}{how}: depth {self.depth:g}, "
            f"width {self.width:g}{cap}"
        )

    def names(self) -> dict[str, Value]:
        """Return the names a row's arguments may use, as parse_model's locals()."""
        return {"nc": self.nc, "kpt_shape": self.kpt_shape, "reg_max": self.reg_max}
