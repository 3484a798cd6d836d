"""A cache of loaded models on disk, so that a second run of a spec skips YAML and the front-end.

An entry is one pickle, named by a hash of its key: shapecalc's version and code, Python's
version, the spec's path as written (its includes are found beside it), the name shown for it
and the `--set` values. It holds the Model and the (device, inode, size, mtime) of every file
the load read, checked on each use as Python checks a `.pyc`: an edited spec or include, or a
link to the spec that now leads elsewhere, is read again. (An include reached through a link
that is pointed elsewhere is not seen until a file changes.) Only successful loads are stored,
so errors are raised as ever. The folder must be the user's own, a real folder that no one
else may write (0700 when made here); a pickle there is trusted as `__pycache__` is, and its
classes are limited to shapecalc's. Any failure to read or write is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from shapecalc import __version__
from shapecalc.modules import Model

Load = Callable[[str, str, "Mapping[str, object] | None"], Model]
Key = tuple[object, ...]
Stats = tuple[tuple[str, int, int, int, int], ...]

MAGIC = "shapecalc-model-cache-1"
SUFFIX = ".model"
RESULT_SUFFIX = ".result"
MAX_ENTRY_BYTES = 20_000_000  # one model's pickle; efficientnet_v2_l's is about 100 KB
MAX_ENTRIES = 200  # entries in the folder; the oldest written are removed beyond either cap
MAX_FOLDER_BYTES = 200_000_000
# A file changed this recently may have changed while it was read (timestamps are coarse on
# some file systems: 2 s on FAT), so its model is not stored: the next run stores it.
SETTLE_NS = 2_000_000_000
_SIMPLE = (str, int, float, bool, type(None))


# The model last loaded from or stored in an entry, and what identifies that entry's contents
# (its key and its files' stats), for results of it to be cached beside it (see _results).
# One model only: a program that loads many keeps none of them alive.
_served: list[tuple[Model, str]] = []


def load(path: str, source: str, values: Mapping[str, object] | None, build: Load) -> Model:
    """Return the model `build(path, source, values)` returns, from the cache when it holds it."""
    _served.clear()
    folder = where()
    key = None if folder is None else _key(path, source, values)
    if folder is None or key is None:
        return build(path, source, values)
    name = digest(repr(key)) + SUFFIX
    cached = _lookup(folder, name, key)
    if cached is not None:
        return cached
    started = time.time_ns()
    model = build(path, source, values)
    _store(folder, name, key, model, started)
    return model


def tag(model: Model) -> str | None:
    """Return what identifies the entry `model` came from or went to; None for any other model."""
    for served, tagged in _served:
        if served is model:
            return tagged
    return None


def _serve(model: Model, key: Key, stats: Stats) -> Model:
    _served[:] = [(model, digest(repr((key, stats))))]
    return model


def where() -> str | None:
    """Return the cache folder's path, or None when caching is off or cannot be safe here."""
    if os.environ.get("SHAPECALC_NO_CACHE") or os.name != "posix":
        return None
    folder = os.environ.get("SHAPECALC_CACHE_DIR")
    if folder:
        return os.path.abspath(folder)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # as the XDG specification says, a relative one is ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "shapecalc") if os.path.isabs(base) else None


def _key(path: str, source: str, values: Mapping[str, object] | None) -> Key | None:
    """Return what the model depends on besides its files; None when a value is not plain data.

    The spec's path is as written, not resolved: its includes are found beside it.
    """
    try:
        given = sorted((values or {}).items())
        if not all(isinstance(name, str) and _plain(value) for name, value in given):
            return None
        where = os.path.dirname(os.path.abspath(__file__))
        code = _code_stamp(where)
    except Exception:  # values nested too deep to compare, a package that cannot be listed
        return None
    return (MAGIC, __version__, sys.version, where, code, os.path.abspath(path), source, given)


def _plain(value: object) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_plain(item) for item in value)
    return isinstance(value, _SIMPLE)


def _code_stamp(where: str) -> str:
    """Return a hash of the size and mtime of shapecalc's own modules.

    A checkout's version does not change as its code does; a changed front-end must not
    serve models it built before.
    """
    stamps = []
    pending = [where]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    found = entry.stat()
                    stamps.append((entry.path, found.st_size, found.st_mtime_ns))
    return digest(repr(sorted(stamps)))


def digest(text: str) -> str:
    """Return the SHA-256 of `text` in hex, without importing hashlib (3 ms) when Python can."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:
            from hashlib import sha256  # type: ignore[assignment,unused-ignore]
    return str(sha256(text.encode("utf-8", "surrogatepass")).hexdigest())


def open_folder(folder: str) -> int | None:
    """Open the cache folder, refusing a symbolic link, another's folder or a shared one."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(folder, flags)
        found = os.fstat(fd)  # of a descriptor just opened: it does not fail
    except OSError:
        return None
    if found.st_uid == os.geteuid() and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return fd
    os.close(fd)
    return None


def _lookup(folder: str, name: str, key: Key) -> Model | None:
    """Return the model stored under `name` for `key`, if its files are unchanged."""
    fd = open_folder(folder)
    if fd is None:
        return None
    try:
        return _valid(unpickle(read(fd, name)), key)
    except Exception:  # a missing, truncated, corrupt or foreign entry is a miss
        return None
    finally:
        os.close(fd)


def _valid(entry: Any, key: Key) -> Model | None:
    """Return the entry's model if it is one for `key` and its files are unchanged."""
    if type(entry) is not tuple or len(entry) != 4:
        return None
    magic, stored_key, stats, model = entry
    if magic != MAGIC or stored_key != key or not isinstance(model, Model):
        return None
    spec = str(key[-3])  # a link to it that now leads elsewhere reads another file
    if not model.files or os.path.realpath(spec) != model.files[0]:
        return None
    return _serve(model, key, stats) if _unchanged(stats, model) else None


def read(fd: int, name: str) -> bytes:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    entry = os.open(name, flags, dir_fd=fd)
    try:
        found = os.fstat(entry)
        if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_ENTRY_BYTES:
            raise OSError("not a cache entry")
        with os.fdopen(entry, "rb", closefd=False) as file:
            return file.read(MAX_ENTRY_BYTES + 1)
    finally:
        os.close(entry)


def unpickle(data: bytes, references: Sequence[object] = ()) -> Any:
    """Read a pickle whose classes are shapecalc's only; its references index `references`."""
    import _pickle
    import io

    def referenced(number: object) -> object:
        if type(number) is not int or not 0 <= number < len(references):
            raise _pickle.UnpicklingError("not a reference")
        return references[number]

    class Unpickler(_pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if (module, name) == (__name__, reference.__name__):
                return referenced
            if module == "shapecalc" or module.startswith("shapecalc."):
                return super().find_class(module, name)
            if module == "builtins" and name in ("frozenset", "set", "slice", "complex"):
                return super().find_class(module, name)
            raise _pickle.UnpicklingError(f"{module}.{name} is not a shapecalc class")

    return Unpickler(io.BytesIO(data)).load()


def reference(number: int) -> object:
    """Stand for the object `number` of the references a pickle is read with (see `write`)."""
    raise TypeError("a reference is resolved by the cache's unpickler only")


def _unchanged(stats: Stats, model: Model) -> bool:
    """Tell whether every file the model was read from is as it was then."""
    if type(stats) is not tuple or tuple(item[0] for item in stats) != model.files:
        return False
    return all(_stat(item[0]) == item for item in stats)


def _stat(path: str) -> tuple[str, int, int, int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (path, found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


def _store(folder: str, name: str, key: Key, model: Model, started: int) -> None:
    """Store the model under `name`, unless a file it was read from changed while it was."""
    stats = tuple(_stat(path) for path in model.files)
    if not model.files or any(item is None or item[4] >= started - SETTLE_NS for item in stats):
        return
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return
    fd = open_folder(folder)  # before pickling: a folder refused costs nothing more
    if fd is None:
        return
    try:
        write(fd, name, (MAGIC, key, stats, model))
    except Exception:  # a cache that cannot be written is no cache, not an error
        return
    finally:
        os.close(fd)
    _serve(model, key, stats)  # type: ignore[arg-type]  # none is None, checked above


def write(fd: int, name: str, entry: tuple[object, ...], references: Sequence[object] = ()) -> None:
    """Write an entry atomically: into a new file beside it, then renamed over it.

    Objects of `references` are written as their index in it.
    """
    import _pickle
    import copyreg
    import io

    numbers = {id(item): number for number, item in enumerate(references)}

    def reduce(item: object) -> str | tuple[Any, ...]:
        number = numbers.get(id(item))
        return item.__reduce_ex__(5) if number is None else (reference, (number,))

    buffer = io.BytesIO()
    pickler = _pickle.Pickler(buffer, protocol=5)
    # By type, so that only objects of the references' types are asked about (a hook for
    # every object, persistent_id, doubled the time of writing a result).
    kinds = {type(item) for item in references}
    pickler.dispatch_table = {**copyreg.dispatch_table, **dict.fromkeys(kinds, reduce)}
    pickler.dump(entry)
    data = buffer.getvalue()
    if len(data) > MAX_ENTRY_BYTES:
        return
    temporary = f"{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        with os.fdopen(os.open(temporary, flags, 0o600, dir_fd=fd), "wb") as file:
            file.write(data)
        os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
    except BaseException:  # Ctrl-C too: leave no half-written file behind
        _remove(fd, temporary)
        raise
    _evict(fd)


def _evict(fd: int) -> None:
    """Remove the oldest files beyond MAX_ENTRIES or MAX_FOLDER_BYTES.

    They include the temporary files of runs killed while writing.
    """
    entries = []
    for name in os.listdir(fd):
        if name.endswith((SUFFIX, RESULT_SUFFIX, ".tmp")):
            found = os.stat(name, dir_fd=fd, follow_symlinks=False)
            entries.append((found.st_mtime_ns, found.st_size, name))
    entries.sort(reverse=True)
    total = 0
    for count, (_, size, name) in enumerate(entries, 1):
        total += size
        if count > MAX_ENTRIES or total > MAX_FOLDER_BYTES:
            _remove(fd, name)


def _remove(fd: int, name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name, dir_fd=fd)
