"""Standard output and error: every byte written or one error line, never a traceback."""

from __future__ import annotations

import fcntl
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from shapecalc import _streams

COMMAND = [sys.executable, "-m", "shapecalc"]
NO_SPACE = "error: standard output: cannot write: No space left on device\n"
ASCII_ENVIRONMENTS = {
    "pythonioencoding": {"PYTHONIOENCODING": "ascii"},
    "c-locale": {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
}
CJK_SPEC = """\
description: 卷积网络, a café of layers
input: [3, 32, 32]
model:
  children:
    卷积: {type: Conv2d, out_channels: 8, kernel_size: 3, stride: 2}
    池化: {type: MaxPool2d, kernel_size: 2}
"""


def environment(**changes: str) -> dict[str, str]:
    """This process's environment without what picks an encoding, then `changes`."""
    names = {"PYTHONIOENCODING", "PYTHONUTF8", "PYTHONCOERCECLOCALE", "LANG", "LANGUAGE"}
    names |= {"NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TERM", "COLORTERM", "COLUMNS"}
    kept = {
        key: value
        for key, value in os.environ.items()
        if key not in names and not key.startswith("LC_")
    }
    return {**kept, "LANG": "C.UTF-8", **changes}


def shapecalc(*args: str, **changes: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, env=environment(**changes), check=False
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ["resnet18"],
        ["resnet18", "-f", "json"],
        ["resnet18", "-f", "listing"],
        ["alexnet", "-i", "8"],  # the tree up to the failure
        ["resnet18", "--sweep", "1:64"],
        ["--help"],
    ],
    ids=["tree", "json", "listing", "partial-tree", "sweep", "help"],
)
def test_a_full_disk_is_one_error_line(args: list[str]) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = subprocess.run(
            [*COMMAND, *args], stdout=full, stderr=subprocess.PIPE, text=True, check=False
        )
    assert (done.returncode, done.stderr) == (1, NO_SPACE)


PIPE_SIZE = 4096


def read_slowly(descriptor: int) -> bytes:
    """Read a pipe to its end, a little at a time, so that its writer finds it full."""
    chunks = []
    while chunk := os.read(descriptor, 4096):
        chunks.append(chunk)
        time.sleep(0.001)
    return b"".join(chunks)


@pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="sets a pipe's size: Linux")
@pytest.mark.parametrize(
    "args",
    [["densenet121", "-f", "json"], ["densenet121"], ["densenet121", "-f", "listing"]],
    ids=["json", "tree", "listing"],
)
def test_a_non_blocking_pipe_gets_every_byte(args: list[str]) -> None:
    expected = shapecalc(*args, "--quiet")
    reading, writing = os.pipe()
    fcntl.fcntl(writing, fcntl.F_SETPIPE_SZ, PIPE_SIZE)  # small, for the output to fill
    os.set_blocking(writing, False)
    with subprocess.Popen(
        [*COMMAND, *args, "--quiet"], stdout=writing, stderr=subprocess.PIPE
    ) as process:
        os.close(writing)
        output = read_slowly(reading)
        os.close(reading)
        assert process.stderr is not None
        errors = process.stderr.read()
    assert (process.returncode, errors) == (0, b"")
    assert len(expected.stdout) > PIPE_SIZE
    assert output == expected.stdout


@pytest.mark.parametrize("encoding", sorted(ASCII_ENVIRONMENTS))
@pytest.mark.parametrize(
    ("args", "status", "shown"),
    [
        pytest.param(["resnet18"], 0, "|   `-- 1 ", id="tree"),
        pytest.param(["resnet18", "-f", "table", "-d", "1"], 0, "layer4    Sequential", id="table"),
        pytest.param(["resnet18", "-f", "listing"], 0, "conv1:64@112*112", id="listing"),
        pytest.param(
            ["resnet18", "-i", "225", "-d", "1", "--explain"],
            0,
            "= floor((225 + 2*3 - 1*(7 - 1) - 1) / 2) + 1",
            id="explain",
        ),
        pytest.param(
            ["alexnet", "-i", "8", "-f", "listing"],
            1,
            "output would be 0x0 (H: floor((1 + 2*0",
            id="error-floor",
        ),
        pytest.param(
            ["resnet18", "--input", "225", "-f", "json"],
            0,
            "input 225x225 is not a multiple",
            id="warnings",
        ),
        pytest.param(["resnet18", "--smallest"], 0, "square", id="smallest"),
        pytest.param(["--list"], 0, "3x224x224", id="list"),
        pytest.param(["CJK", "-f", "listing"], 0, "\\u5377\\u79ef:8@15*15", id="cjk-listing"),
        pytest.param(["CJK"], 0, "`-- \\u6c60\\u5316  MaxPool2d", id="cjk-tree"),
        pytest.param(["CJK", "-f", "json"], 0, '"name": "\\u5377\\u79ef"', id="cjk-json"),
        pytest.param(["CJK", "-i", "1"], 1, "error: ", id="cjk-error"),
    ],
)
def test_an_ascii_stream_gets_ascii_spellings(
    args: list[str], status: int, shown: str, encoding: str, tmp_path: Path
) -> None:
    spec = tmp_path / "cjk.yaml"
    spec.write_text(CJK_SPEC, encoding="utf-8")
    done = shapecalc(
        *(str(spec) if arg == "CJK" else arg for arg in args), **ASCII_ENVIRONMENTS[encoding]
    )
    assert done.returncode == status
    assert done.stdout.isascii() and done.stderr.isascii()
    assert shown in (done.stdout + done.stderr).decode("ascii")
    for line in done.stderr.decode("ascii").splitlines():  # nothing split, no traceback
        assert line.startswith(("error: ", "warning: ", "note: "))


def read_terminal(descriptor: int) -> bytes:
    """Read a pseudo-terminal until its other side is closed."""
    chunks = []
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # EIO: the other side is closed (Linux)
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
@pytest.mark.parametrize(
    ("changes", "seen", "unseen"),
    [
        ({}, ["\x1b[36m64@112×112", "\x1b[90m├── "], []),
        ({"NO_COLOR": "1"}, ["├── conv1    Conv2d"], ["\x1b[3", "\x1b[9"]),
        ({"PYTHONIOENCODING": "ascii"}, ["\x1b[36m64@112x112", "\x1b[90m+-- "], ["\\u"]),
    ],
    ids=["colour", "no-color", "ascii"],
)
def test_a_terminal_gets_the_tree_as_rich_draws_it(
    changes: dict[str, str], seen: list[str], unseen: list[str]
) -> None:
    import pty

    controller, terminal = pty.openpty()
    with subprocess.Popen(
        [*COMMAND, "resnet18", "-d", "1"],
        stdout=terminal,
        stderr=subprocess.PIPE,
        env=environment(TERM="xterm", **changes),
    ) as process:
        os.close(terminal)
        output = read_terminal(controller)
        os.close(controller)
        assert process.stderr is not None
        errors = process.stderr.read()
    assert (process.returncode, errors) == (0, b"")
    text = output.decode("utf-8")
    assert all(part in text for part in seen)
    assert not any(part in text for part in unseen)
    assert text.splitlines()[-1].endswith("activations")  # all of it, the summary wrapped at 80


@pytest.mark.parametrize("attempt", range(4), ids=lambda attempt: f"attempt-{attempt}")
def test_a_truncated_unbuffered_pipe_is_never_success(attempt: int) -> None:
    """With PYTHONUNBUFFERED=1, a text stream drops what a write leaves over (a race)."""
    with subprocess.Popen(
        [*COMMAND, "densenet121", "-f", "json", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(PYTHONUNBUFFERED="1"),
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert len(process.stdout.read(10)) == 10
        process.stdout.close()
        errors = process.stderr.read()
    assert (process.returncode, errors) == (1, b"")


# The command as `python -m shapecalc` runs it, once the interpreter and the package are
# loaded; "ready" on stderr says so. Interrupts before that are Python's own.
INTERRUPTIBLE = """\
import os, sys
import shapecalc.__main__
sys.argv[1:] = ["resnet18", "-f", "json"]
os.write(2, b"ready\\n")
shapecalc.__main__.run()
"""


@pytest.mark.parametrize(
    "delay", [0, 2, 5, 10, 15, 20, 30, 40, 50, 60, 75, 90, 110, 130, 150], ids=lambda ms: f"{ms}ms"
)
def test_ctrl_c_at_any_moment_is_one_line(delay: int) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", INTERRUPTIBLE],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment(),
    ) as process:
        assert process.stderr is not None
        assert process.stderr.readline() == b"ready\n"
        time.sleep(delay / 1000)
        process.send_signal(signal.SIGINT)
        errors = process.stderr.read().decode()
    assert "Traceback" not in errors
    if process.returncode == 0:  # it had finished
        assert errors == ""
    else:
        assert (process.returncode, errors.split()) == (130, ["error:", "interrupted"])


# Python prints and ignores an exception raised where it cannot raise one (a __del__, a
# weakref callback while a module loads): Ctrl-C landing there must still end the command.
SWALLOWED = """\
import shapecalc.__main__, shapecalc.cli

class Dying:
    def __del__(self):
        raise KeyboardInterrupt

def main():
    Dying()
    print("went on")

shapecalc.cli.main = main
shapecalc.__main__.run()
"""


# An interrupt while modules load may leave the ones that write the error line unusable.
HALF_LOADED = """\
import sys
import shapecalc.__main__, shapecalc.cli

def main():
    sys.modules["shapecalc._streams"] = None  # importing it now raises ImportError
    del sys.modules["shapecalc"]._streams
    raise KeyboardInterrupt

shapecalc.cli.main = main
shapecalc.__main__.run()
"""


def test_an_interrupt_is_said_even_when_its_writer_cannot_load() -> None:
    result = subprocess.run(
        [sys.executable, "-c", HALF_LOADED], capture_output=True, env=environment(), check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (130, b"", b"error: interrupted\n")


def test_an_interrupt_python_would_ignore_still_ends_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SWALLOWED], capture_output=True, env=environment(), check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (130, b"", b"error: interrupted\n")


@pytest.mark.parametrize(
    ("args", "escaped"),
    [
        (["a\x1b]0;owned\x07b\nc\u202ed.yaml"], ["a\\x1b]0;owned\\x07b", "c\\u202ed.yaml"]),
        (["x\u2028\x1b[2J.yaml"], ["\\x1b[2J.yaml"]),
        (["resnet18", "-i", "\x1b[31m7"], ["'\\x1b[31m7'"]),
        (["resnet18", "-o", "out\x1b[K\r.zzz"], ["out\\x1b[K"]),
    ],
    ids=["spec-path", "line-separator", "input", "output-name"],
)
def test_an_error_line_holds_nothing_a_terminal_acts_on(
    run: Callable[..., Result], args: list[str], escaped: list[str], tmp_path: Path
) -> None:
    args = [str(tmp_path / arg) if arg.endswith(".yaml") else arg for arg in args]
    result = run(*args)
    line = result.stderr
    assert result.exit_code in (1, 2)
    assert line.startswith("error: ") and line.endswith("\n") and line.count("\n") == 1
    assert line[:-1].isprintable()
    assert all(part in line for part in escaped)


INTERNAL = """\
import sys
import shapecalc.cli._main
def fail(*args, **kwargs):
    raise {error}
shapecalc.cli._main._report = fail
sys.argv[1:] = ["resnet18"]
from shapecalc.__main__ import run
run()
"""


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            'RuntimeError("no\\x1b[2J\\nway")',
            "error: internal error: RuntimeError: no\\x1b[2J way; please report it\n",
        ),
        ("RecursionError()", "error: internal error: RecursionError; please report it\n"),
        ("MemoryError()", "error: out of memory\n"),
        ("KeyboardInterrupt()", "error: interrupted\n"),
    ],
    ids=["runtime-error", "recursion", "memory", "interrupt"],
)
def test_anything_unexpected_is_one_line(error: str, line: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", INTERNAL.format(error=error)],
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
    )
    status = 130 if "interrupted" in line else 1
    assert (done.returncode, done.stdout, done.stderr.lstrip("\n")) == (status, "", line)


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("3@224×224 ⌊(225 + 2·3 − 7)/2⌋ ⌈x⌉ – … ≤ ≥ ✗ → —", "ascii", None),
        ("├── a\n│   └── b\n━┃┣", "ascii", "+-- a\n|   `-- b\n-|+"),
        ("卷积 é \udcff", "ascii", "\\u5377\\u79ef \\xe9 \\udcff"),
        ("3@224×224 é ⌊", "latin-1", "3@224×224 é floor("),
        ("3@224×224 ⌊", "utf-8", "3@224×224 ⌊"),
    ],
    ids=["symbols", "guides", "others-escaped", "latin-1-keeps-its-own", "utf-8-untouched"],
)
def test_what_an_encoding_lacks_is_spelt(text: str, encoding: str, expected: str | None) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)  # no descriptor
    _streams.write(stream, text)
    stream.flush()
    written = raw.getvalue().decode(encoding)
    if expected is None:
        assert written == "3@224x224 floor((225 + 2*3 - 7)/2) ceil(x) - ... <= >= x -> --"
    else:
        assert written == expected


def test_a_stream_with_a_descriptor_is_written_whole(tmp_path: Path) -> None:
    with open(tmp_path / "out", "w", encoding="ascii") as stream:
        stream.write("held ")  # in the text stream's buffer: written first
        _streams.write(stream, "3×3 " * 100_000)
    assert (tmp_path / "out").read_text() == "held " + "3x3 " * 100_000


@pytest.mark.parametrize(
    ("message", "line"),
    [
        ("plain", "plain"),
        ("two\nlines\r\nthree", "two lines three"),
        ("esc \x1b]0;title\x07 tab\t nul\x00", "esc \\x1b]0;title\\x07 tab\\t nul\\x00"),
        ("bidi \u202e \u2066 soft\xad", "bidi \\u202e \\u2066 soft\\xad"),
        ("卷积 café ×", "卷积 café ×"),
    ],
    ids=["plain", "line-breaks", "controls", "format-characters", "printable-kept"],
)
def test_one_line_escapes_what_is_not_printable(message: str, line: str) -> None:
    assert _streams.one_line(message) == line


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environment", "terminal", "shown"),
    [
        pytest.param({}, True, "\x1b[33mwarning:\x1b[0m conv1 rounds\n", id="terminal"),
        pytest.param({}, False, "warning: conv1 rounds\n", id="pipe"),
        pytest.param({"NO_COLOR": "1"}, True, "warning: conv1 rounds\n", id="no-color"),
        pytest.param({"TERM": "dumb"}, True, "warning: conv1 rounds\n", id="dumb-terminal"),
        pytest.param(
            {"COLUMNS": "40", "NO_COLOR": "1"},
            True,
            "warning: layer2.0.conv1 (Conv2d): input\n         57×57 is not a multiple of its\n"
            "         stride 2\n",
            id="wrapped",
        ),
        pytest.param(
            {"COLUMNS": "40"},
            False,
            "warning: layer2.0.conv1 (Conv2d): input 57×57 is not a multiple of its stride 2\n",
            id="pipe-unwrapped",
        ),
    ],
)
def test_advice_is_coloured_and_wrapped_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], terminal: bool, shown: str
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "stderr", _Terminal() if terminal else io.StringIO())
    long = "COLUMNS" in environment
    line = "layer2.0.conv1 (Conv2d): input 57×57 is not a multiple of its stride 2"
    assert _streams.advise(f"warning: {line if long else 'conv1 rounds'}")
    assert sys.stderr.getvalue() == shown  # type: ignore[union-attr]
