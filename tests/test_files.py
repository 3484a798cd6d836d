"""--output writes as `open(path, "w")` would, but whole or not at all, and never the spec."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shapecalc.errors import ShapecalcError, UsageError
from shapecalc.files import write_output

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="making device nodes and chown need root")


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    """Let a test set the umask; put the old one back afterwards."""
    before = os.umask(0o022)
    yield os.umask
    os.umask(before)


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    write_output(str(target), "first\n")
    write_output(str(target), "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    assert names(tmp_path) == ["out.md"]


@pytest.mark.parametrize(
    ("mask", "expected"),
    [pytest.param(0o022, 0o644, id="umask-022"), pytest.param(0o077, 0o600, id="umask-077")],
)
def test_a_new_file_gets_the_umasks_mode(
    tmp_path: Path, umask: Callable[[int], int], mask: int, expected: int
) -> None:
    umask(mask)
    write_output(str(tmp_path / "out.md"), "x\n")
    assert mode(tmp_path / "out.md") == expected


@pytest.mark.parametrize("kept", [0o640, 0o755, 0o2750], ids=["640", "755", "setgid-2750"])
def test_an_existing_file_keeps_its_mode(
    tmp_path: Path, umask: Callable[[int], int], kept: int
) -> None:
    umask(0o077)
    target = tmp_path / "out.md"
    target.write_text("earlier\n", encoding="utf-8")
    target.chmod(kept)
    write_output(str(target), "later\n")
    assert (mode(target), target.read_text(encoding="utf-8")) == (kept, "later\n")


@needs_root
def test_root_leaves_a_users_file_the_users(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("earlier\n", encoding="utf-8")
    os.chown(target, 4321, 8765)
    write_output(str(target), "later\n")
    assert (target.stat().st_uid, target.stat().st_gid) == (4321, 8765)


@pytest.mark.parametrize("exists", [True, False], ids=["to-a-file", "dangling"])
def test_a_symlink_is_written_through(tmp_path: Path, exists: bool) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.md"
    if exists:
        target.write_text("earlier\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(Path("real") / "out.md")
    write_output(str(link), "later\n")
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "later\n"
    assert (names(tmp_path), names(tmp_path / "real")) == (["link.md", "real"], ["out.md"])


def test_a_fifo_is_written_into(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # The reader opens first, without blocking, so the writer's open cannot wait forever
    # and the text (far below a pipe's buffer) sits in the pipe until read.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_output(str(fifo), "through the pipe\n")
        got = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert got == b"through the pipe\n"
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert names(tmp_path) == ["pipe"]


@needs_root
def test_a_character_device_is_written_into(tmp_path: Path) -> None:
    null = tmp_path / "null"  # /dev/null's numbers, in a folder of our own
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    write_output(str(null), "gone\n")
    assert stat.S_ISCHR(null.stat().st_mode)
    assert null.stat().st_rdev == os.makedev(1, 3)
    assert names(tmp_path) == ["null"]


def test_a_fifo_that_became_a_file_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.mkfifo(tmp_path / "pipe")
    was_a_fifo = os.stat(tmp_path / "pipe")
    target = tmp_path / "out.md"
    target.write_text("earlier, and longer\n", encoding="utf-8")
    monkeypatch.setattr(os, "stat", lambda *_, **__: was_a_fifo)  # as if swapped after stat
    with pytest.raises(ShapecalcError, match="changed while being opened"):
        write_output(str(target), "later\n")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "earlier, and longer\n"


def make_block_device(path: Path) -> None:
    if not ROOT:
        pytest.skip("making a device node needs root")
    # Major 240 is for local, experimental use: no disk answers to it here.
    os.mknod(path, 0o600 | stat.S_IFBLK, os.makedev(240, 0))


def make_socket(path: Path) -> None:
    if len(str(path)) >= 100:
        pytest.skip("tmp_path is too long for a Unix socket's address")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        pytest.param(make_block_device, "a block device", id="block-device"),
        pytest.param(Path.mkdir, "a directory", id="directory"),
        pytest.param(make_socket, "a socket", id="socket"),
    ],
)
def test_other_kinds_of_file_are_refused(
    tmp_path: Path, make: Callable[[Path], None], kind: str
) -> None:
    path = tmp_path / "thing"
    make(path)
    before = path.lstat()
    with pytest.raises(ShapecalcError, match=f"is {kind}; --output writes regular files"):
        write_output(str(path), "x\n")
    after = path.lstat()
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode,
        before.st_ino,
        before.st_rdev,
    )
    assert names(tmp_path) == ["thing"]


@pytest.mark.parametrize(
    ("output", "protect"),
    [
        pytest.param("sub/../spec.yaml", ["./spec.yaml"], id="other-relative-path"),
        pytest.param("link.yaml", ["spec.yaml"], id="through-a-symlink"),
        pytest.param("spec.yaml", ["link.yaml"], id="protected-through-a-symlink"),
        pytest.param("hard.yaml", ["spec.yaml"], id="through-a-hard-link"),
        pytest.param("lib.yaml", ["spec.yaml", "lib.yaml"], id="an-include"),
    ],
)
def test_the_spec_being_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str, protect: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    for name in ("spec.yaml", "lib.yaml"):
        (tmp_path / name).write_text("model: []\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to("spec.yaml")
    os.link(tmp_path / "spec.yaml", tmp_path / "hard.yaml")
    with pytest.raises(UsageError, match="is a spec this run reads") as caught:
        write_output(output, "x\n", protect=protect)
    assert caught.value.where == "--output"
    assert (tmp_path / output).read_text(encoding="utf-8") == "model: []\n"
    assert (tmp_path / "link.yaml").is_symlink()
    assert names(tmp_path) == ["hard.yaml", "lib.yaml", "link.yaml", "spec.yaml", "sub"]


def test_other_files_are_not_protected(tmp_path: Path) -> None:
    spec, target = tmp_path / "spec.yaml", tmp_path / "out.md"
    spec.write_text("model: []\n", encoding="utf-8")
    target.write_text("earlier\n", encoding="utf-8")
    write_output(str(target), "later\n", protect=[str(spec), str(tmp_path / "gone.yaml")])
    assert target.read_text(encoding="utf-8") == "later\n"


def test_a_read_only_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.md"
    target.write_text("earlier\n", encoding="utf-8")
    target.chmod(0o444)
    if ROOT:  # root may write anything, so os.access says yes: answer as for a user
        monkeypatch.setattr(os, "access", lambda *_, **__: False)
    with pytest.raises(ShapecalcError, match="cannot write: Permission denied"):
        write_output(str(target), "later\n")
    assert (target.read_text(encoding="utf-8"), mode(target)) == ("earlier\n", 0o444)
    assert names(tmp_path) == ["out.md"]


def no_space(*_: object) -> None:
    raise OSError(28, "No space left on device")


def interrupt(*_: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("step", "fail", "raised"),
    [
        pytest.param("write", no_space, ShapecalcError, id="write-no-space"),
        pytest.param("fchmod", no_space, ShapecalcError, id="fchmod-fails"),
        pytest.param("replace", no_space, ShapecalcError, id="replace-fails"),
        pytest.param("write", interrupt, KeyboardInterrupt, id="write-interrupted"),
    ],
)
def test_a_failure_leaves_the_file_as_it_was_and_nothing_behind(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    fail: Callable[..., None],
    raised: type[BaseException],
) -> None:
    target = tmp_path / "out.md"
    target.write_text("earlier\n", encoding="utf-8")
    monkeypatch.setattr(os, step, fail)
    with pytest.raises(raised):
        write_output(str(target), "later\n")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "earlier\n"
    assert names(tmp_path) == ["out.md"]


def test_the_temporary_file_is_hidden_beside_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def replace(source: str, _: str) -> None:
        seen.append(source)
        no_space()

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ShapecalcError, match=r"out\.md: cannot write: No space left on device"):
        write_output(str(tmp_path / "out.md"), "x\n")
    assert os.path.dirname(seen[0]) == str(tmp_path)
    assert os.path.basename(seen[0]).startswith(".out.md.")


def symlink_loop(folder: Path) -> Path:
    path = folder / "loop.md"
    path.symlink_to(path)
    return path


@pytest.mark.parametrize(
    ("make", "error"),
    [
        pytest.param(lambda folder: folder / "gone" / "out.md", "No such file", id="no-folder"),
        pytest.param(symlink_loop, "Too many levels of symbolic links", id="symlink-loop"),
    ],
)
def test_a_path_that_cannot_be_written_is_an_error(
    tmp_path: Path, make: Callable[[Path], Path], error: str
) -> None:
    path = make(tmp_path)
    before = names(tmp_path)
    with pytest.raises(ShapecalcError, match=f"cannot write: {error}"):
        write_output(str(path), "x\n")
    assert names(tmp_path) == before
