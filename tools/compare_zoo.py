"""Compare built-in models with torchvision live, at many random sizes, and say how it went.

Run where torch and torchvision are installed:

    /tmp/tv/bin/python tools/compare_zoo.py [--count N] [--largest S] [--seed K]
        [--set KEY=VALUE ...] [NAME ...]

For each model (else every one in record_zoo.ZOO), N random sizes (16 by default, each axis
from 1 to S, 320 by default; video clips from 1 to 24 frames) must give every row equal to
torchvision's, or both must refuse the input at the same module. Prints one line per model
and exits 1 if any differs. `--set` builds both with constructor arguments, as
`shapecalc NAME --set KEY=VALUE` does (values as Python literals; in_channels=C replaces
torchvision's first convolution, as record_zoo.py --set does).
"""

from __future__ import annotations

import argparse
import ast
import random
import sys
from pathlib import Path

import torch
from record_torch import failure, module_rows  # beside this script
from record_zoo import VIDEO, ZOO, build, with_channels
from torchvision.models import get_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from shapecalc import catalog  # the checkout's, by the line above
from shapecalc.engine import attempt
from shapecalc.shape import Shape


def built(name: str, kwargs: dict[str, object]) -> torch.nn.Module:
    """Return torchvision's `name` built with `kwargs`, in_channels by replacing a conv."""
    given = dict(kwargs)
    channels = given.pop("in_channels", 3)
    if not given and channels == 3:
        return build(name)
    model = get_model(name, weights=None, **ZOO[name], **given).eval()
    return with_channels(model, channels) if channels != 3 else model  # type: ignore[arg-type]


def differs(
    name: str, size: tuple[int, ...], kwargs: dict[str, object] | None = None
) -> str | None:
    """Return how shapecalc and torchvision differ on `name` at `size`, or None."""
    kwargs = kwargs or {}
    channels = kwargs.get("in_channels", 3)
    assert isinstance(channels, int)
    ours = attempt(catalog.load(name, kwargs), Shape((channels, *size)))
    model = built(name, kwargs)
    failed = failure(model, size, channels)
    if failed:
        stopped = getattr(ours, "error", None)
        if stopped is None or not stopped.where.endswith(failed["path"]):
            return f"torchvision refuses at {failed['path']}, shapecalc: {stopped or 'accepts'}"
        return None
    if hasattr(ours, "error"):
        return f"shapecalc refuses ({ours.error}), torchvision accepts"
    got = [
        {
            "path": row.path,
            "type": row.type,
            "shape": row.shape and list(row.shape.dims),
            "params": row.params,
            "macs": row.macs,
        }
        for row in ours.rows
    ]
    want = module_rows(model, size, "cpu", channels)
    for mine, theirs in zip(got, want, strict=False):
        if mine != theirs:
            return f"first differing row: ours {mine}, torchvision {theirs}"
    return None if len(got) == len(want) else f"{len(got)} rows against {len(want)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--count", type=int, default=16)
    parser.add_argument("--largest", type=int, default=320)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    options = parser.parse_args()
    pairs = (text.partition("=") for text in options.set)
    kwargs = {key: ast.literal_eval(value) for key, _, value in pairs}
    torch.set_num_threads(1)
    draw = random.Random(options.seed)
    bad = 0
    for name in options.names or ZOO:
        sizes = [
            ((draw.randint(1, 24),) if name in VIDEO else ())
            + (draw.randint(1, options.largest), draw.randint(1, options.largest))
            for _ in range(options.count)
        ]
        problems = [(size, problem) for size in sizes if (problem := differs(name, size, kwargs))]
        bad += bool(problems)
        shown = ", ".join("x".join(map(str, size)) for size in sizes)
        print(f"{name}: {len(sizes) - len(problems)}/{len(sizes)} equal ({shown})", flush=True)
        for size, problem in problems:
            print(f"  {'x'.join(map(str, size))}: {problem}", flush=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
