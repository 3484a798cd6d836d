"""shapecalc's data flow in the terms tools/record_flow.py records PyTorch's in.

tests/data/torch_flow.json holds, for each built-in torchvision model, every call of a leaf
module ("path#k": the k-th call of the module at `path`, from 0) with its output shape, and
the edges between calls through functional operations only. `ours` derives the same from
`shapecalc._trace.trace`: a layer's first run (Op.LAYER) and its later runs (Op.AGAIN) are
calls; a functional layer (Op.FUNCTION) and a container's join, resize or pass (Op.JOIN,
Op.RESIZE, Op.PASS) are seen through, as the recorder sees through torch's functional ops.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shapecalc._trace import MODEL_INPUT, Op, trace
from shapecalc.modules import Model
from shapecalc.shape import Shape

RECORDED = Path(__file__).resolve().parent / "data" / "torch_flow.json"
INPUT = "input"  # an edge's source: the model's input
OUTPUT = "output"  # an edge's destination: what the model returns

Call = tuple[str, int, Shape]
Edge = tuple[str, str]
RecordedCall = tuple[str, int, tuple[int, ...]]


def ours(model: Model, shape: Shape) -> tuple[list[Call], set[Edge]]:
    """Return the calls of `model`'s layers on a `shape` input, in the order they run, as
    (path, k, output shape), and the edges between them: ("input" or "path#k", "path#k" or
    "output"), where the destination takes what the source gave through no other call."""
    walked = trace(model, shape)
    calls: list[Call] = []
    edges: set[Edge] = set()
    counts: dict[str, int] = {}
    # What each event's output depends on: its own call, or the calls (or the input) that
    # what it took depends on, for an event seen through.
    made: list[frozenset[str]] = []

    def sources(indices: tuple[int, ...]) -> frozenset[str]:
        found: set[str] = set()
        for index in indices:
            found |= {INPUT} if index == MODEL_INPUT else made[index]
        return frozenset(found)

    for event in walked.events:
        taken = sources(event.sources)
        if event.op in (Op.LAYER, Op.AGAIN):
            path = event.module.path
            k = counts.get(path, 0)
            counts[path] = k + 1
            call = f"{path}#{k}"
            calls.append((path, k, event.flow.shape))
            edges |= {(source, call) for source in taken}
            made.append(frozenset({call}))
        else:  # FUNCTION, JOIN, RESIZE, PASS: work on what flows, no module call
            made.append(taken)
    edges |= {(source, OUTPUT) for source in sources(walked.outputs)}
    return calls, edges


def recorded() -> dict[str, dict[str, Any]]:
    """Return tests/data/torch_flow.json's models by name (its first line is a header)."""
    lines = RECORDED.read_text(encoding="utf-8").splitlines()[1:]
    models = (json.loads(line) for line in lines)
    return {model["model"]: model for model in models}


def torch_flow(model: dict[str, Any]) -> tuple[list[RecordedCall], set[Edge]]:
    """Return one recorded model's calls (path, k, shape without batch) and edges."""
    calls = [(path, int(k), tuple(shape)) for path, k, shape in model["calls"]]
    edges = {(source, destination) for source, destination in model["edges"]}
    return calls, edges
