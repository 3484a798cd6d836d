"""--watch: the output again after each change to the spec or its includes, until Ctrl-C."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_streams import COMMAND, environment

from shapecalc.cli import _watch

SPEC = """\
input: [3, 32, 32]
model:
  children:
    conv: {type: Conv2d, out_channels: 8, kernel_size: 3, stride: 2}
"""
BROKEN = SPEC + "    odd: {type: Nope}\n"
INCLUDING = "include: _blocks.yaml\n" + SPEC + "    more: {type: Pair}\n"
BLOCKS = """\
blocks:
  Pair:
    children:
      - {type: MaxPool2d, kernel_size: 2}
"""
DEADLINE = 20  # seconds for any one render to show, on a busy machine


class Watcher:
    """The command under --watch, read as it goes: each render ends with a `watching` line."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.out = self.err = ""
        self.selector = selectors.DefaultSelector()
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            os.set_blocking(stream.fileno(), False)
            self.selector.register(stream, selectors.EVENT_READ)

    def render(self) -> tuple[str, str]:
        """Return the next render's standard output and error."""
        deadline = time.monotonic() + DEADLINE
        while "watching" not in self.err:
            assert time.monotonic() < deadline, (self.out, self.err)
            for key, _ in self.selector.select(timeout=0.1):
                chunk = key.fileobj.read().decode("utf-8")  # type: ignore[union-attr]
                if key.fileobj is self.process.stdout:
                    self.out += chunk
                else:
                    self.err += chunk
        while not self.err.endswith("\n"):  # the rest of the `watching` line
            self.err += (self.process.stderr.read() or b"").decode()  # type: ignore[union-attr]
        done, self.out = self.out, ""
        errors, self.err = self.err.rstrip("\n"), ""
        return done, errors


@pytest.fixture
def watch(tmp_path: Path) -> Iterator[Watcher]:
    (tmp_path / "net.yaml").write_text(SPEC)
    with subprocess.Popen(
        [*COMMAND, str(tmp_path / "net.yaml"), "--watch", "-f", "listing"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    ) as process:
        yield Watcher(process)
        if process.poll() is None:
            process.kill()


def test_each_change_shows_again_until_ctrl_c(watch: Watcher, tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    out, err = watch.render()
    assert out == "Input:3@32*32\nconv:8@15*15\n"
    assert err.endswith("watching 1 file for changes; Ctrl-C stops")
    spec.write_text(BROKEN)  # mid-edit: the error, and the watch goes on
    out, err = watch.render()
    assert out == ""
    assert err.startswith(f"error: {spec}:5:10: unknown type 'Nope'")
    spec.write_text(INCLUDING)  # includes a file not yet written
    out, err = watch.render()
    assert "include: no spec file _blocks.yaml" in err
    (tmp_path / "_blocks.yaml").write_text(BLOCKS)  # seen: beside a spec that failed
    out, err = watch.render()
    assert out.endswith("more:\n\t0:8@7*7\n")
    assert err.endswith("watching 2 files for changes; Ctrl-C stops")
    (tmp_path / "_blocks.yaml").write_text(BLOCKS.replace("kernel_size: 2", "kernel_size: 3"))
    out, err = watch.render()
    assert out.endswith("more:\n\t0:8@5*5\n")
    watch.process.send_signal(signal.SIGINT)
    assert watch.process.wait(DEADLINE) == 0
    assert watch.process.stderr is not None
    assert (watch.process.stderr.read() or b"") == b""  # quietly


def test_a_file_saved_by_renaming_is_seen(watch: Watcher, tmp_path: Path) -> None:
    watch.render()
    new = tmp_path / "net.yaml.new"
    new.write_text(SPEC.replace("out_channels: 8", "out_channels: 9"))
    new.replace(tmp_path / "net.yaml")  # as vim and many editors save
    out, _ = watch.render()
    assert out == "Input:3@32*32\nconv:9@15*15\n"


@pytest.mark.parametrize(
    "change",
    [
        lambda path: path.write_text("input: [1]\n"),
        lambda path: path.unlink(),
        lambda path: os.utime(path, ns=(0, 0)),
    ],
    ids=["written", "deleted", "touched"],
)
def test_changed_returns_once_a_change_has_settled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], object]
) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(SPEC)
    looks: list[float] = []

    def sleep(seconds: float) -> None:
        looks.append(seconds)
        if len(looks) == 3:
            change(path)
        assert len(looks) < 10, "the change was not seen"

    monkeypatch.setattr(time, "sleep", sleep)
    _watch.changed([str(path)])
    assert looks == [_watch.INTERVAL] * 3 + [_watch.SETTLE]


def test_changed_waits_while_a_file_is_being_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(SPEC)
    looks: list[float] = []

    def sleep(seconds: float) -> None:
        looks.append(seconds)
        if len(looks) <= 3:  # truncated, then written in two steps
            path.write_text(SPEC[: len(looks) * 20])
        assert len(looks) < 10, "the change never settled"

    monkeypatch.setattr(time, "sleep", sleep)
    _watch.changed([str(path)])
    assert looks == [_watch.INTERVAL] + [_watch.SETTLE] * 3


def test_changed_compares_with_the_stamps_before_the_run(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(SPEC)
    before = {str(path): _watch.stamps([str(path)])[0]}
    path.write_text(BROKEN)  # saved while the command ran
    _watch.changed([str(path)], before, interval=10)  # returns at once


def test_stamps_are_equal_while_nothing_changes(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(SPEC)
    files = [str(path), str(tmp_path / "missing.yaml")]
    assert _watch.stamps(files) == _watch.stamps(files)
    assert _watch.stamps(files)[1] is None
