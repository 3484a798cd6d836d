"""Compare the built-in vision transformers with torchvision live, and say how it went.

Run where torch and torchvision are installed:

    /tmp/tv/bin/python tools/compare_transformers.py [--count N] [--largest S] [--seed K]
        [NAME ...]

For each model (else every one in record_transformers.MODELS), its recorded sizes and
builds, then N random sizes (8 by default, each axis from 1 to S, 320 by default) and N near
its default size (within ±8, where ViT and MaxViT take one size or a few), must each give
every row's shape, parameters and MACs equal to torchvision's, counted as
record_transformers.py counts them; or both must refuse: at construction, or in the module
PyTorch was running (shapecalc may name work in that module's forward()). Prints one line
per model and exits 1 if any differs.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

import torch
from record_transformers import MODELS, REFUSALS, at, build, described  # beside this script

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from shapecalc import catalog  # the checkout's, by the line above
from shapecalc.engine import attempt
from shapecalc.errors import SpecError
from shapecalc.shape import Shape

Size = tuple[int, int]


_BUILT: dict[str, torch.nn.Module] = {}  # the last build, kept for the next size


def built(name: str, kwargs: dict[str, Any]) -> torch.nn.Module:
    """Return torchvision's `name` built with `kwargs`, once for sizes in a row (ViT-H is big)."""
    wanted = f"{name} {sorted(kwargs.items())}"
    if wanted not in _BUILT:
        _BUILT.clear()
        _BUILT[wanted] = build(name, kwargs)
    return _BUILT[wanted]


def differs(name: str, size: Size, kwargs: dict[str, Any] | None = None) -> str | None:
    """Return how shapecalc and torchvision differ on `name` built with `kwargs` at `size`."""
    kwargs = kwargs or {}
    try:
        model = built(name, kwargs)
    except REFUSALS as error:
        return _unbuilt(name, kwargs, error)
    ours = attempt(catalog.load(name, kwargs), Shape((3, *size)))
    theirs = at(model, size)
    stopped = getattr(ours, "error", None)
    if "error" in theirs:
        return _refused(theirs["path"], stopped)
    if stopped is not None:
        return f"shapecalc refuses ({stopped}), torchvision accepts"
    return _rows(ours, described(model), theirs)


def _unbuilt(name: str, kwargs: dict[str, Any], error: BaseException) -> str | None:
    """Say how shapecalc differs where torchvision refuses to build the model."""
    try:
        catalog.load(name, kwargs)
    except SpecError:
        return None
    return f"torchvision refuses to build it ({error}), shapecalc builds it"


def _refused(where: str, stopped: Any) -> str | None:
    """Say how shapecalc differs where torchvision refused the input in module `where`."""
    within = f"{where}." if where else ""  # the model's own forward(): any path
    if stopped is None or not (stopped.path == where or stopped.path.startswith(within)):
        return f"torchvision refuses in {where!r}, shapecalc: {stopped or 'accepts'}"
    return None


def _rows(ours: Any, want: dict[str, Any], theirs: dict[str, Any]) -> str | None:
    """Say how shapecalc's rows and totals differ from torchvision's."""
    rows = zip(
        want["paths"], want["types"], theirs["shapes"], want["params"], theirs["macs"], strict=True
    )
    got = [(row.path, row.type, row.shape and list(row.shape.dims), row.params, row.macs)
           for row in ours.rows]  # fmt: skip
    if len(got) != len(want["paths"]):
        return f"{len(got)} rows against {len(want['paths'])}"
    for mine, torchs in zip(got, rows, strict=True):
        if mine != torchs:
            return f"first differing row: ours {mine}, torchvision {torchs}"
    if ours.total_macs != theirs["total_macs"] or ours.total_params != want["total_params"]:
        return f"totals differ: ours {ours.total_params}, {ours.total_macs}"
    return None


def cases(
    name: str, count: int, largest: int, draw: random.Random
) -> list[tuple[Size, dict[str, Any]]]:
    """The recorded sizes and builds, `count` random sizes, and `count` near the default."""
    plan = MODELS[name]
    found: list[tuple[Size, dict[str, Any]]] = [(size, {}) for size in plan["sizes"]]
    height, width = plan["sizes"][0]
    for _ in range(count):
        found.append(((draw.randint(1, largest), draw.randint(1, largest)), {}))
        found.append(((height + draw.randint(-8, 8), width + draw.randint(-8, 8)), {}))
    return found + [(size, kwargs) for kwargs, sizes in plan.get("builds", []) for size in sizes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--largest", type=int, default=320)
    parser.add_argument("--seed", type=int, default=None)
    options = parser.parse_args()
    torch.set_num_threads(1)
    draw = random.Random(options.seed)
    bad = 0
    for name in options.names or MODELS:
        tried = cases(name, options.count, options.largest, draw)
        problems = [(size, kwargs, problem) for size, kwargs in tried
                    if (problem := differs(name, size, kwargs))]  # fmt: skip
        bad += bool(problems)
        accepted = sum(1 for size, kwargs in tried if _runs(name, size, kwargs))
        print(f"{name}: {len(tried) - len(problems)}/{len(tried)} equal "
              f"({accepted} run, {len(tried) - accepted} refused)", flush=True)  # fmt: skip
        for size, kwargs, problem in problems:
            print(f"  {'x'.join(map(str, size))} {kwargs or ''}: {problem}", flush=True)
    sys.exit(1 if bad else 0)


def _runs(name: str, size: Size, kwargs: dict[str, Any]) -> bool:
    try:
        model = catalog.load(name, kwargs)
    except SpecError:
        return False
    return not hasattr(attempt(model, Shape((3, *size))), "error")


if __name__ == "__main__":
    main()
