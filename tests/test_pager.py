"""The pager: long output on a terminal goes through it, as git's does; nothing else does."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from test_streams import COMMAND, environment, read_terminal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")

ROWS, COLUMNS = 24, 100
# A pager that records what it was given, and the LESS it was run with.
RECORDER = """\
#!/bin/sh
printf '%s\\n' "${LESS-unset}" > "$0.less"
cat > "$0.got"
"""
LONG = ["resnet18"]  # about 70 lines
SHORT = ["resnet18", "-d", "1"]  # about 15


def recorder(folder: Path, name: str = "pager") -> Path:
    script = folder / name
    script.write_text(RECORDER)
    script.chmod(0o755)
    return script


def run(args: list[str], *, terminal: bool = True, **changes: str) -> tuple[int, str, str]:
    """Run the command with standard output on a terminal of ROWS×COLUMNS, or on a pipe.

    Return its status, what reached the terminal (or pipe), and its standard error.
    """
    import pty

    controller, screen = pty.openpty()
    fcntl.ioctl(screen, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    stdout = screen if terminal else subprocess.PIPE
    env = environment(TERM="xterm", **changes)
    with subprocess.Popen(
        [*COMMAND, *args], stdout=stdout, stderr=subprocess.PIPE, env=env
    ) as process:
        os.close(screen)
        if terminal:
            shown = read_terminal(controller)
        else:
            assert process.stdout is not None
            shown = process.stdout.read()
        os.close(controller)
        assert process.stderr is not None
        errors = process.stderr.read()
    return process.returncode, shown.decode("utf-8"), errors.decode("utf-8")


def test_long_output_on_a_terminal_goes_through_the_pager_in_colour(tmp_path: Path) -> None:
    pager = recorder(tmp_path)
    status, shown, errors = run(LONG, PAGER=str(pager))
    got = Path(f"{pager}.got").read_text(encoding="utf-8")
    assert (status, shown, errors) == (0, "", "")
    assert "\x1b[36m64@112×112" in got  # rich's colours, for less -R
    assert got.rstrip().endswith("activations")  # all of it, to the summary's last line
    assert Path(f"{pager}.less").read_text() == "FRX\n"


@pytest.mark.parametrize(
    ("args", "changes", "terminal"),
    [
        (["--no-pager", *LONG], {}, True),
        (LONG, {}, False),
        (SHORT, {}, True),
        (["-o", "/dev/stdout", "-f", "tree", *LONG], {}, True),
        (LONG, {"SHAPECALC_PAGER": ""}, True),
    ],
    ids=["no-pager", "not-a-terminal", "short", "output-file", "empty-pager"],
)
def test_no_pager(tmp_path: Path, args: list[str], changes: dict[str, str], terminal: bool) -> None:
    pager = recorder(tmp_path)
    status, shown, errors = run(args, terminal=terminal, PAGER=str(pager), **changes)
    assert (status, errors) == (0, "")
    assert shown.rstrip().endswith("activations")  # the summary's last line
    assert not Path(f"{pager}.got").exists()


def test_pager_cat_means_none(tmp_path: Path) -> None:
    """PAGER=cat writes directly, as git does: a `cat` of our own is never run."""
    recorder(tmp_path, "cat")
    path = f"{tmp_path}{os.pathsep}{os.environ['PATH']}"
    status, shown, errors = run(LONG, PAGER="cat", PATH=path)
    assert (status, errors) == (0, "")
    assert shown.rstrip().endswith("activations")  # the summary's last line
    assert not (tmp_path / "cat.got").exists()


def test_shapecalc_pager_comes_before_pager_and_less_is_kept(tmp_path: Path) -> None:
    ours, theirs = recorder(tmp_path, "ours"), recorder(tmp_path, "theirs")
    status, _, _ = run(LONG, SHAPECALC_PAGER=f"{ours}", PAGER=str(theirs), LESS="-R")
    assert status == 0
    assert Path(f"{ours}.got").exists() and not Path(f"{theirs}.got").exists()
    assert Path(f"{ours}.less").read_text() == "-R\n"


def test_a_pager_that_is_not_installed_is_none(tmp_path: Path) -> None:
    status, shown, errors = run(LONG, PAGER=str(tmp_path / "missing"))
    assert (status, errors) == (0, "")
    assert shown.rstrip().endswith("activations")  # the summary's last line


def test_warnings_follow_the_pager_and_quitting_early_is_no_error(tmp_path: Path) -> None:
    pager = tmp_path / "quitter"
    pager.write_text('#!/bin/sh\nhead -n 1 > "$0.got"\n')  # `q` after the first line
    pager.chmod(0o755)
    status, shown, errors = run(["densenet121", "-i", "225"], PAGER=str(pager))
    assert (status, shown) == (0, "")
    assert Path(f"{pager}.got").read_text(encoding="utf-8").startswith("input 3@225×225")
    assert errors.startswith("note: the total stride is 32")


def test_ctrl_c_belongs_to_the_pager(tmp_path: Path) -> None:
    """Ctrl-C reaches every process of the terminal's group: ours waits for the pager."""
    import pty

    pager = tmp_path / "pager"
    pager.write_text(f"#!/bin/sh\ntrap '' INT\ntouch {tmp_path}/started\nsleep 1\ncat >/dev/null\n")
    pager.chmod(0o755)
    controller, screen = pty.openpty()
    fcntl.ioctl(screen, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    with subprocess.Popen(
        [*COMMAND, *LONG],
        stdout=screen,
        stderr=subprocess.PIPE,
        env=environment(TERM="xterm", PAGER=str(pager)),
        start_new_session=True,
    ) as process:
        os.close(screen)
        while not (tmp_path / "started").exists() and process.poll() is None:
            pass
        os.killpg(process.pid, signal.SIGINT)
        read_terminal(controller)
        os.close(controller)
        assert process.stderr is not None
        errors = process.stderr.read()
    assert (process.returncode, errors) == (0, b"")
