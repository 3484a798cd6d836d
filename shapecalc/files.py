"""Writing output files: whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from shapecalc.errors import ShapecalcError


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` to `path` through a temporary file beside it, so that a reader never
    sees half a file and a failure leaves any earlier file as it was."""
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        raise _cannot_write(target, error) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _cannot_write(target, error) from None


def _cannot_write(target: Path, error: OSError) -> ShapecalcError:
    return ShapecalcError(str(target), f"cannot write: {error.strerror or error}")
