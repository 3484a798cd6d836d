"""Record the data flow between leaf-module calls of torchvision's built-in models, as test data.

Run where torch and torchvision are installed (never a dependency of shapecalc):

    /tmp/tv/bin/python tools/record_flow.py [NAME ...]

For each model named (else every one tools/record_zoo.py records), built as record_zoo
builds it (weights=None, eval mode), it runs one forward pass at the evaluation size
(record_zoo's `evaluation_size`, the built-in spec's default input), batch 1, under
torch.no_grad, and records which calls of LEAF modules (modules with no children) feed
which. It writes tests/data/torch_flow.json, one model per line:

- `calls`: `[path, k, shape]` for every leaf call in the order they ran: `k` counts the
  module's earlier calls (0 for its first), `shape` is its output's without the batch (a
  tuple's or dict's first tensor's);
- `edges`: `[src, dst]`, `src` being "input" or "path#k", `dst` "path#k" or "output": dst's
  input depends on src's output through functional operations only (add, cat, flatten,
  interpolate, getitem, view, F.relu, ...), never through another module call. "output"
  stands for every tensor the model returns (a dict's or tuple's included).

Each tensor is mapped, by object identity, to the calls (or "input") it was made from: a
leaf's forward hook maps its output to its call; a TorchFunctionMode maps the result of
every torch function run outside a leaf call to the union of its tensor arguments'
sources. An in-place operation (ReLU(inplace=True), `x += y`) returns the same object, whose
sources are then replaced: the latest producer wins. So does a leaf that returns its input
object unchanged (Identity, Dropout in eval mode).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import torch
import torchvision
from record_torch import versions  # beside this script
from record_zoo import ZOO, build, evaluation_size  # beside this script
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten
from torch.utils.weak import WeakIdKeyDictionary

OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "torch_flow.json"
Sources = frozenset[str]


def tensors(*values: Any) -> Iterable[torch.Tensor]:
    """Return the tensors among `values`, however nested in tuples, lists and dicts."""
    leaves, _ = tree_flatten(values)
    return (leaf for leaf in leaves if isinstance(leaf, torch.Tensor))


class Flow(TorchFunctionMode):  # type: ignore[misc]
    """Maps every tensor to the leaf calls (or the input) it depends on through functional
    operations, and records each leaf call and the edges into it."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.sources: WeakIdKeyDictionary = WeakIdKeyDictionary()
        self.calls: list[list[Any]] = []
        self.edges: dict[tuple[str, str], None] = {}  # ordered, without repeats
        self.counts: dict[str, int] = {}
        self.running: list[str] = []  # the leaf calls under way (none nest in torchvision)
        self.handles = []
        for path, module in model.named_modules():
            if path and not list(module.children()):
                self.handles.append(
                    module.register_forward_pre_hook(self.enter(path), with_kwargs=True)
                )
                self.handles.append(module.register_forward_hook(self.leave(path)))

    def of(self, values: Iterable[torch.Tensor]) -> Sources:
        found: set[str] = set()
        for tensor in values:
            found |= self.sources.get(tensor, frozenset())
        return frozenset(found)

    def feed(self, sources: Sources, destination: str) -> None:
        for source in sorted(sources):
            self.edges[source, destination] = None

    def enter(self, path: str) -> Any:
        def note(_module: nn.Module, args: Any, kwargs: Any) -> None:
            if self.running:  # a module called from within a leaf's forward: not a call
                self.running.append("")
                return
            call = f"{path}#{self.counts.get(path, 0)}"
            self.counts[path] = self.counts.get(path, 0) + 1
            self.feed(self.of(tensors(args, kwargs)), call)
            self.running.append(call)

        return note

    def leave(self, path: str) -> Any:
        def note(_module: nn.Module, _args: Any, output: Any) -> None:
            call = self.running.pop()
            if not call:
                return
            made = list(tensors(output))
            for tensor in made:
                self.sources[tensor] = frozenset({call})
            shape = list(made[0].shape[1:]) if made else None
            self.calls.append([path, int(call.rpartition("#")[2]), shape])

        return note

    def __torch_function__(
        self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: Any = None
    ) -> Any:
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        if not self.running:
            made = list(tensors(result))
            if made:
                sources = self.of(tensors(args, kwargs))
                for tensor in made:  # an in-place op's result is its input: replaced
                    self.sources[tensor] = sources
        return result

    def close(self) -> None:
        for handle in self.handles:
            handle.remove()


def record(name: str) -> dict[str, Any]:
    """Run `name` once at its evaluation size; return its leaf calls and the edges between."""
    model = build(name)
    size = evaluation_size(name)
    flow = Flow(model)
    x = torch.zeros(1, 3, *size)
    flow.sources[x] = frozenset({"input"})
    try:
        with torch.no_grad(), flow:
            output = model(x)
    finally:
        flow.close()
    flow.feed(flow.of(tensors(output)), "output")
    return {
        "model": name,
        "input": [3, *size],
        "calls": flow.calls,
        "edges": [list(edge) for edge in flow.edges],
    }


def main() -> None:
    """Record the models named as arguments, else every one of ZOO, into torch_flow.json
    (models recorded before and not named now are kept)."""
    torch.set_num_threads(1)  # leave the other cores to whatever else the machine runs
    names = sys.argv[1:] or list(ZOO)
    for name in names:
        if name not in ZOO:
            sys.exit(f"no model {name!r} in record_zoo's ZOO")
    kept: dict[str, Any] = {}
    if sys.argv[1:] and OUTPUT.exists():
        lines = OUTPUT.read_text(encoding="utf-8").splitlines()[1:]
        kept = {model["model"]: model for model in map(json.loads, lines)}
    began = time.perf_counter()
    for name in names:
        started = time.perf_counter()
        kept[name] = record(name)
        took = time.perf_counter() - started
        print(f"recorded {name}: {len(kept[name]['calls'])} calls in {took:.1f} s")
    header = versions() | {
        "script": "tools/record_flow.py",
        "command": "/tmp/tv/bin/python tools/record_flow.py [NAME ...]",
        "format": "line 1 this header; then one model a line: model, input (C, spatial), "
        "calls [path, k, shape without batch] in call order, edges [src, dst] "
        '("input" | "path#k" -> "path#k" | "output") through functional ops only',
    }
    order = [name for name in ZOO if name in kept]
    lines = [json.dumps(header, separators=(",", ":"))]
    lines += [json.dumps(kept[name], separators=(",", ":")) for name in order]
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    took = time.perf_counter() - began
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size:,} bytes) in {took:.1f} s")


if __name__ == "__main__":
    assert torchvision.__version__.startswith("0.29"), torchvision.__version__
    main()
