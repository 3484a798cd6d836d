"""Writing --output files as a careful tool does: whole or not at all, modes kept."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection
from contextlib import suppress

from shapecalc._streams import write_all
from shapecalc.errors import ShapecalcError, UsageError, quote

_STREAMS = "--output writes regular files, FIFOs and character devices such as /dev/stdout"


def write_output(path: str, text: str, *, protect: Collection[str] = ()) -> None:
    """Write `text` to `path` as `open(path, "w")` would, but whole or not at all.

    A new file gets the umask's mode, an existing one keeps its mode and owner, a symlink
    is written through, a FIFO or character device (/dev/stdout) is written into. Refused:
    any other kind of file, a read-only file, and one of `protect` (the files the run read).
    """
    try:
        status: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        status = None  # a new file, or a dangling symlink whose target is created
    except OSError as error:
        raise _cannot_write(path, error) from None
    if status is not None and not stat.S_ISREG(status.st_mode):
        _write_into(path, text, status)
        return
    if status is not None:
        _check_replaceable(path, status, protect)
    _replace(path, text, status)


def _check_replaceable(path: str, status: os.stat_result, protect: Collection[str]) -> None:
    """Refuse to replace a file the run read, or one an ordinary write could not open."""
    if any(_same_file(status, other) for other in protect):
        raise UsageError("--output", f"{quote(path)} is a spec this run reads; name another file")
    if not os.access(path, os.W_OK):
        raise _cannot_write(path, PermissionError(errno.EACCES, os.strerror(errno.EACCES)))


def _same_file(status: os.stat_result, other: str) -> bool:
    try:
        found = os.stat(other)
    except OSError:
        return False
    return (found.st_dev, found.st_ino) == (status.st_dev, status.st_ino)


def _replace(path: str, text: str, status: os.stat_result | None) -> None:
    """Write a hidden temporary file beside the real target, then rename it over that."""
    target = os.path.realpath(path)  # so a symlink stays a link and its target changes
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{os.urandom(4).hex()}")
    try:
        # 0o666 less the umask, applied by the kernel, as for any new file.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        _fill(handle, text, status)
        os.replace(temporary, target)
    except BaseException as error:  # an interrupt too: leave nothing behind
        _remove(temporary)
        if isinstance(error, OSError):
            raise _cannot_write(path, error) from None
        raise


def _fill(handle: int, text: str, status: os.stat_result | None) -> None:
    """Write the new file, with the owner and mode of the one it replaces, and close it."""
    try:
        if status is not None:
            _keep_owner_and_mode(handle, status)
        write_all(handle, text.encode("utf-8"))
    finally:
        os.close(handle)


def _keep_owner_and_mode(handle: int, status: os.stat_result) -> None:
    # So that root overwriting a user's file leaves it the user's; a user who may not give
    # a file away gets it as theirs, as `cp` does.
    with suppress(PermissionError):
        os.fchown(handle, status.st_uid, status.st_gid)
    os.fchmod(handle, stat.S_IMODE(status.st_mode))  # after chown, which clears set-id bits


def _write_into(path: str, text: str, status: os.stat_result) -> None:
    """Write into a FIFO or character device in place; refuse any other kind of file."""
    if not (stat.S_ISFIFO(status.st_mode) or stat.S_ISCHR(status.st_mode)):
        raise ShapecalcError(path, f"is {_kind(status.st_mode)}; {_STREAMS}")
    try:
        # No O_CREAT or O_TRUNC: if the path became a regular file meanwhile, fstat says so.
        handle = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        mode = os.fstat(handle).st_mode
        if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise ShapecalcError(path, f"changed while being opened; {_STREAMS}")
        write_all(handle, text.encode("utf-8"))
    except OSError as error:
        raise _cannot_write(path, error) from None
    finally:
        os.close(handle)


def _kind(mode: int) -> str:
    kinds = {stat.S_IFDIR: "a directory", stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}
    return kinds.get(stat.S_IFMT(mode), "not a regular file")


def _remove(temporary: str) -> None:
    with suppress(OSError):  # already gone
        os.unlink(temporary)


def _cannot_write(path: str, error: OSError) -> ShapecalcError:
    return ShapecalcError(path, f"cannot write: {error.strerror or error}")
