"""Measure shapecalc's speed and memory against its targets, on this machine.

Run from the repository's top folder, in the environment the README's commands make:

    .venv/bin/python benchmarks/bench.py

Each figure is the median of several runs; it is printed beside its target, and the exit
status is 1 when a target is missed. Processes run as installed Python runs them, writing and
reading bytecode caches (PYTHONDONTWRITEBYTECODE is cleared), after one run to warm them.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

RUNS = 15
ROWS = (1_000, 10_000, 100_000)
FLOOR = "import click, rich.console, rich.tree, yaml"
PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def wall(command: list[str], runs: int = RUNS) -> float:
    """Median wall time of a whole process, in seconds, after a run that warms caches."""
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=ENV)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def timed(work: Callable[[], object], runs: int) -> float:
    """Median time of `work` in this process, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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


def main() -> int:
    import shapecalc
    from shapecalc.formats.checks import sweep_table
    from shapecalc.sizes import sweep

    python = sys.executable
    command = shutil.which("shapecalc") or f"{Path(python).parent / 'shapecalc'}"
    results: list[tuple[str, float, str, str, bool]] = []

    def report(name: str, value: float, unit: str, target: str, ok: bool) -> None:
        results.append((name, value, unit, target, ok))
        print(f"{name:<44} {value:>10.3f} {unit:<4} {target:<22} {'ok' if ok else 'MISSED'}")

    bare = wall([python, "-c", "pass"])
    floor = wall([python, "-c", FLOOR])
    report("python -c pass", bare, "s", "", True)
    report("dependency floor (click, rich, yaml)", floor, "s", "", True)
    for name, extra, limit in (
        ("tree", [], 1.25),
        ("json", ["--format", "json"], 0.85),
        ("listing", ["--format", "listing"], 0.85),
    ):
        seconds = wall([command, "resnet18", "--input", "224", *extra])
        report(f"shapecalc resnet18 ({name})", seconds, "s", "", True)
        report(
            f"  ratio to the floor ({name})",
            seconds / floor,
            "×",
            f"≤ {limit}",
            seconds / floor <= limit,
        )
        report(f"  ratio to python -c pass ({name})", seconds / bare, "×", "", True)

    with tempfile.TemporaryDirectory() as folder:
        per_row = {}
        for rows in ROWS:
            path = deep_spec(rows, Path(folder))
            seconds = timed(
                lambda path=path: shapecalc.render(shapecalc.infer(shapecalc.load(path)), "json"),
                runs=3 if rows < 100_000 else 1,
            )
            per_row[rows] = seconds / rows
            report(f"{rows:,} rows: load, infer, JSON (in process)", seconds, "s", "", True)
            report("  per row", per_row[rows] * 1e6, "µs", "", True)
        spread = max(per_row.values()) / min(per_row.values())
        report("per-row cost, largest / smallest", spread, "×", "≤ 1.5", spread <= 1.5)
        big = deep_spec(100_000, Path(folder))
        seconds = wall([command, str(big), "--format", "json", "--quiet"], runs=3)
        report("100,000 rows to JSON (whole process)", seconds, "s", "< 3", seconds < 3)

    model = shapecalc.load("resnet18")
    seconds = timed(lambda: sweep_table(sweep(model, range(1, 1025))), runs=5)
    report("sweep 1..1024 of resnet18 (in process)", seconds, "s", "< 1", seconds < 1)
    seconds = wall([command, "resnet18", "--sweep", "1:1024"], runs=5)
    report("sweep 1..1024 of resnet18 (whole process)", seconds, "s", "< 1", seconds < 1)

    peak = subprocess.run(
        [python, "-c", PEAK, command, "resnet18", "--input", "224"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    megabytes = int(peak.stdout.split()[-1]) / 1024
    report("peak RSS of shapecalc resnet18", megabytes, "MB", "< 40", megabytes < 40)
    return 0 if all(ok for *_, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
