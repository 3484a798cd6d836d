"""Shared fixtures: the CLI runner, a rich console, golden files, spec files on disk."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings
from rich.console import Console

from shapecalc import catalog
from shapecalc.modules import Model
from shapecalc.spec import build_model
from shapecalc.spec.loader import parse

# A shell starts a background job with SIGINT ignored, and a child inherits that, so that a
# command under test could not hear the Ctrl-C the tests send it (a --watch would run on).
# A handler here is reset to the default in every child, as a terminal's job would have it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Tests load models as they are written now, and leave the user's cache alone: the cache of
# loaded models is off, but in tests/test_cache.py, which turns it on in a folder of its own.
os.environ["SHAPECALC_NO_CACHE"] = "1"

TESTS = Path(__file__).resolve().parent
# The modules at depth 1 of torchvision's resnet18, in order.
RESNET18_TOP = [
    "conv1",
    "bn1",
    "relu",
    "maxpool",
    "layer1",
    "layer2",
    "layer3",
    "layer4",
    "avgpool",
    "fc",
]
GOLDEN = TESTS / "golden"
DATA = TESTS / "data"


# CI sees the same examples every run; "explore" draws new ones (SHAPECALC_HYPOTHESIS=explore).
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("SHAPECALC_HYPOTHESIS", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files from current output"
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME, or rewrite it under --update-golden."""
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no golden file {name}; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8")

    return check


@pytest.fixture
def run() -> Callable[..., Result]:
    """Run the command line in-process; stdout and stderr are kept apart."""
    from shapecalc.cli import main

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def console() -> Console:
    """A plain, wide console that renders into a string."""
    return Console(file=io.StringIO(), width=200, color_system=None, highlight=False)


@pytest.fixture(scope="session")
def resnet18() -> Model:
    return catalog.load("resnet18")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Turn the cache on (tests run with it off), in a folder of the test's own."""
    folder = tmp_path / "cache"
    monkeypatch.delenv("SHAPECALC_NO_CACHE", raising=False)
    monkeypatch.setenv("SHAPECALC_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the loads that read their spec, which a hit of the model cache does not."""
    read: list[str] = []
    real = catalog._load_spec

    def spy(path: str, source: str, values: object) -> Model:
        read.append(source)
        return real(path, source, values)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog, "_load_spec", spy)
    return read


def settled(*paths: Path) -> None:
    """Date files a minute back: the cache does not store a model of files just changed."""
    for number, path in enumerate(paths):
        when = time.time() - 60 - number
        os.utime(path, (when, when))


@pytest.fixture
def write_spec(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Write a spec text to a file and return its path."""

    def write(text: str, name: str = "net.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    yield write


def spec(text: str) -> Model:
    """Build a model from spec text, as if read from `net.yaml`."""
    return build_model(parse(dedent(text), "net.yaml"), source="net.yaml", default_name="net")


def named(names: Sequence[str]) -> Model:
    """Build a model of a 1×1 convolution named each of `names`, written as a spec writes them."""
    layer = "{type: Conv2d, out_channels: 4, kernel_size: 1}"
    children = "\n".join(f"    {json.dumps(name, ensure_ascii=False)}: {layer}" for name in names)
    return spec(f"input: [4, 8, 8]\nmodel:\n  type: Net\n  children:\n{children}\n")


def torch_data(name: str) -> Any:
    """Load what tools/record_torch.py recorded from PyTorch."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# Whatever a spec or command line of a few kilobytes asks, shapecalc answers within these:
# seconds of processor time, so that a loaded machine does not fail a test, and peak memory.
SECONDS = 2.0
PEAK_KB = 200_000
HANG = 20.0  # seconds of wall time: a command that waits for nothing must not wait at all
_MEASURE = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "shapecalc", *sys.argv[1:]], capture_output=True,
                      text=True, errors="replace", stdin=subprocess.DEVNULL)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
print(done.returncode)
sys.stdout.write(done.stderr)
"""


def measure(*args: str, cwd: Path | None = None) -> tuple[float, int, int, str]:
    """Run the command in a process of its own: its processor seconds, peak RSS in KB,
    status and standard error."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        timeout=HANG,
    )
    timing, status, stderr = done.stdout.split("\n", 2)
    seconds, peak_kb = timing.split()
    return float(seconds), int(peak_kb), int(status), stderr
