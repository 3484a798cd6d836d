"""Measure shapecalc's speed and memory against its targets, on this machine.

Run from the repository's top folder, in the environment the README's commands make:

    .venv/bin/python benchmarks/bench.py

Each figure is the median of several runs; it is printed beside its target, and the exit
status is 1 when a target is missed. Processes run as installed Python runs them, writing and
reading bytecode caches (PYTHONDONTWRITEBYTECODE is cleared), after one round to warm them.
The start-up commands are timed in turns, one of each per round, so that a machine that
speeds up or slows down during the run moves every figure of a ratio alike.
"""

from __future__ import annotations

import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TypeVar
from unittest.mock import patch

K = TypeVar("K")

ROUNDS = 21
LIST_LIMIT = 1.5  # --list, which reads every model's figures from an index
ROWS = (1_000, 10_000, 100_000)
FLOOR = "import click, rich.console, rich.tree, yaml"
PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
# The largest built-in models (by rows: efficientnet_v2_l 1,409, efficientnet_b7 1,105,
# densenet201 713, regnet_y_128gf 564, densenet121 433, resnet152 423, convnext_large 383),
# and each format's target as a whole process against the floor (issue 14).
BIGGEST = (
    "densenet121",
    "resnet152",
    "densenet201",
    "efficientnet_b7",
    "efficientnet_v2_l",
    "regnet_y_128gf",
    "convnext_large",
)
SIZE_LIMITS = {
    "tree": 1.25,
    "table": 1.5,
    "html": 2.0,
    "svg": 2.0,
    "markdown": 0.9,
    "csv": 0.9,
    "json": 0.9,
    # The diagrams (issue 17): densenet121 at full depth drawn as SVG within 2× the floor.
    "graph": 2.0,
    "mermaid": 1.25,  # a diagram traces the data flow and makes its graph, beyond the rows
    "dot": 1.25,
}
# How each of SIZE_LIMITS is asked for, where not by --format alone.
SIZE_ARGS = {"graph": ["--format", "svg", "--view", "graph"]}
SIZE_ROUNDS = 5
BIGGEST_BY_ROWS = "efficientnet_v2_l"
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def walls(
    commands: dict[str, list[str]], rounds: int = ROUNDS, env: Mapping[str, str] = ENV
) -> dict[str, float]:
    """Return each command's median wall time as a whole process, in seconds."""
    times = each_round(commands, rounds, env)
    return {name: statistics.median(spent) for name, spent in times.items()}


def each_round(
    commands: dict[str, list[str]], rounds: int = ROUNDS, env: Mapping[str, str] = ENV
) -> dict[str, list[float]]:
    """Return each command's wall times, one a round, after a round that warms the caches."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds + 1):
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=env)
            times[name].append(time.perf_counter() - started)
    return {name: spent[1:] for name, spent in times.items()}


def timed(works: Mapping[K, Callable[[], object]], rounds: int) -> dict[K, float]:
    """Return each work's median time in this process, in seconds, taken in turns.

    The collector is off, as in the command.
    """
    times: dict[K, list[float]] = {name: [] for name in works}
    gc.disable()
    try:
        for _ in range(rounds):
            for name, work in works.items():
                started = time.perf_counter()
                work()
                times[name].append(time.perf_counter() - started)
    finally:
        gc.enable()
        gc.collect()
    return {name: statistics.median(spent) for name, spent in times.items()}


def deep_spec(rows: int, folder: Path) -> Path:
    """Write a spec of `rows` rows: a block of a container and three layers, repeated."""
    path = folder / f"deep{rows}.yaml"
    path.write_text(
        "input: [8, 32, 32]\n"
        "blocks:\n"
        "  Block:\n"
        "    children:\n"
        "      conv: {type: Conv2d, out_channels: 8, kernel_size: 3, padding: 1}\n"
        "      bn: BatchNorm2d\n"
        "      relu: ReLU\n"
        f"model: [{{type: Block, repeat: {rows // 4}}}]\n",
        encoding="utf-8",
    )
    return path


class Report:
    """Print each figure beside its target as it comes, and remember the misses."""

    def __init__(self) -> None:
        self.missed = 0

    def __call__(
        self, name: str, value: float, unit: str, target: str = "", ok: bool = True
    ) -> None:
        self.missed += not ok
        print(f"{name:<44} {value:>10.3f} {unit:<4} {target:<14} {'ok' if ok else 'MISSED'}")


def startup(report: Report, python: str, command: str) -> None:
    """Whole-process times of the three outputs against the floor and a bare interpreter."""
    limits = {"tree": 1.25, "json": 0.85, "listing": 0.85}
    commands = {
        "bare": [python, "-c", "pass"],
        "floor": [python, "-c", FLOOR],
        **{
            name: [
                command,
                "resnet18",
                "--input",
                "224",
                *([] if name == "tree" else ["--format", name]),
            ]
            for name in limits
        },
    }
    commands["list"] = [command, "--list"]  # 78 models' figures, from specs/index.json
    seconds = walls(commands)
    report("python -c pass", seconds["bare"], "s")
    report("dependency floor (click, rich, yaml)", seconds["floor"], "s")
    for name, limit in limits.items():
        ratio = seconds[name] / seconds["floor"]
        report(f"shapecalc resnet18 ({name})", seconds[name], "s")
        report(f"  ratio to the floor ({name})", ratio, "×", f"≤ {limit}", ratio <= limit)
        report(f"  ratio to python -c pass ({name})", seconds[name] / seconds["bare"], "×")
    ratio = seconds["list"] / seconds["floor"]
    report("shapecalc --list", seconds["list"], "s")
    report("  ratio to the floor (--list)", ratio, "×", f"≤ {LIST_LIMIT}", ratio <= LIST_LIMIT)


def at_size(report: Report, python: str, command: str) -> None:
    """Whole-process times of each format of the largest built-in models, against the floor.

    Fewer rounds than start-up's: 56 commands of a third of a second each. Each model's
    formats are timed right after a floor of their own, and each ratio is the median of a
    round's: the machine's speed drifts over the seconds a round takes.
    """
    commands = {}
    for model in BIGGEST:
        commands[f"floor {model}"] = [python, "-c", FLOOR]
        for fmt in SIZE_LIMITS:
            args = SIZE_ARGS.get(fmt, ["--format", fmt])
            commands[f"{model} {fmt}"] = [command, model, *args, "--quiet"]
    times = each_round(commands, rounds=SIZE_ROUNDS)
    floors = [each for name, spent in times.items() if name.startswith("floor ") for each in spent]
    report("dependency floor (click, rich, yaml)", statistics.median(floors), "s")
    for model in BIGGEST:
        floor = times[f"floor {model}"]
        for fmt, limit in SIZE_LIMITS.items():
            spent = times[f"{model} {fmt}"]
            ratio = statistics.median(a / b for a, b in zip(spent, floor, strict=True))
            report(f"  {model} ({fmt}), to the floor", ratio, "×", f"≤ {limit}", ratio <= limit)


def scaling(report: Report, command: str) -> None:
    """Cost per row of generated specs, in this process, and 100,000 rows as a command.

    Smaller specs run repeatedly, 100,000 rows in all each turn, so that every figure spans
    a like stretch of time. The model cache is off: these figures are of reading the spec
    and inferring, which a cache would skip from the second run on.
    """
    uncached = {**ENV, "SHAPECALC_NO_CACHE": "1"}
    with tempfile.TemporaryDirectory() as folder:
        paths = {rows: deep_spec(rows, Path(folder)) for rows in ROWS}
        repeats = {rows: ROWS[-1] // rows for rows in ROWS}
        works = {rows: partial(_to_json, paths[rows], repeats[rows]) for rows in ROWS}
        with patch.dict(os.environ, {"SHAPECALC_NO_CACHE": "1"}):
            seconds = timed(works, rounds=3)
        per_row = {rows: seconds[rows] / ROWS[-1] for rows in ROWS}
        for rows in ROWS:
            each = seconds[rows] / repeats[rows]
            report(f"{rows:,} rows: load, infer, JSON (in process)", each, "s")
            report("  per row", per_row[rows] * 1e6, "µs")
        spread = max(per_row.values()) / min(per_row.values())
        report("per-row cost, largest / smallest", spread, "×", "≤ 1.5", spread <= 1.5)
        big = [command, str(paths[100_000]), "--format", "json", "--quiet"]
        whole = walls({"big": big}, rounds=3, env=uncached)["big"]
        report("100,000 rows to JSON (whole process)", whole, "s", "< 3", whole < 3)


def _to_json(path: Path, times: int) -> None:
    import shapecalc

    for _ in range(times):
        shapecalc.render(shapecalc.infer(shapecalc.load(path)), "json")


def sweeps(report: Report, command: str) -> None:
    """ResNet18 at every square size from 1 to 1024."""
    import shapecalc
    from shapecalc.formats import Format
    from shapecalc.formats.checks import sweep_text
    from shapecalc.sizes import sweep

    model = shapecalc.load("resnet18")
    seconds = timed(
        {"sweep": lambda: sweep_text(list(sweep(model, range(1, 1025))), Format.TABLE)}, rounds=5
    )["sweep"]
    report("sweep 1..1024 of resnet18 (in process)", seconds, "s", "< 1", seconds < 1)
    seconds = walls({"sweep": [command, "resnet18", "--sweep", "1:1024"]}, rounds=5)["sweep"]
    report("sweep 1..1024 of resnet18 (whole process)", seconds, "s", "< 1", seconds < 1)


def symbolic(report: Report) -> None:
    """Symbolic inference of the largest built-in model against numeric inference and its tree.

    Issue 15: with symbols, a walk takes no longer than a numeric one and its printing.
    """
    from shapecalc import api, engine
    from shapecalc.formula import Dims, Symbol
    from shapecalc.shape import axis_names

    model = api.load(BIGGEST_BY_ROWS)
    shape = model.input
    dims: Dims = (shape.channels, *(Symbol(name) for name in axis_names(shape.rank)))
    numeric = engine.infer(model, shape)
    seconds = timed(
        {
            "symbolic": lambda: engine.infer(model, shape, formulas=dims),
            "numeric": lambda: engine.infer(model, shape),
            "tree": lambda: api.render(numeric, "tree"),
        },
        rounds=9,
    )
    budget = seconds["numeric"] + seconds["tree"]
    report(f"{BIGGEST_BY_ROWS} symbolic inference (in process)", seconds["symbolic"], "s")
    report("  numeric inference + printing its tree", budget, "s")
    ratio = seconds["symbolic"] / budget
    report("  symbolic, to numeric + printing", ratio, "×", "≤ 1", ratio <= 1)


def peak(report: Report, python: str, command: str) -> None:
    """The largest resident set of the ResNet18 tree command."""
    done = subprocess.run(
        [python, "-c", PEAK, command, "resnet18", "--input", "224"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    megabytes = int(done.stdout.split()[-1]) / 1024
    report("peak RSS of shapecalc resnet18", megabytes, "MB", "< 40", megabytes < 40)


def main() -> int:
    python = sys.executable
    beside = Path(python).parent / "shapecalc"  # the environment's own command, first
    command = str(beside) if beside.exists() else shutil.which("shapecalc") or "shapecalc"
    report = Report()
    startup(report, python, command)
    print("speed at size: the largest built-in models")
    at_size(report, python, command)
    scaling(report, command)
    sweeps(report, command)
    symbolic(report)
    peak(report, python, command)
    return 1 if report.missed else 0


if __name__ == "__main__":
    sys.exit(main())
