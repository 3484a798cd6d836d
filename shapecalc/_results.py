"""Results of large cached models, stored beside them: a second run at a size skips the engine.

A result is stored only for the model the model cache last served (see `_cache.tag`), named
by a hash of what identifies that model's entry (its key, with shapecalc's code, and its
files' stats) and of the input shape: an edited spec or include, or another shapecalc, is
another entry and so another result. The rows' modules and the model are written as
references into the model served, so that reading a result makes only the rows, their
shapes and fields: for efficientnet_v2_l about a third of what the engine takes. Below
MIN_MODULES modules the engine is quicker than a file. A layer's refusal is never stored;
any failure to read or write is a miss, never an error.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from shapecalc import _cache, engine
from shapecalc.modules import Model, descendants
from shapecalc.rows import Result, Stopped
from shapecalc.shape import Shape

if TYPE_CHECKING:
    from shapecalc.formula import Dims

MAGIC = "shapecalc-result-cache-1"
# Below this many modules the engine takes a few milliseconds at most: not worth a file for
# every size, whose writing costs about as much again as the engine does.
MIN_MODULES = 300


def attempt(model: Model, shape: Shape, formulas: Dims | None = None) -> Result | Stopped:
    """Return `engine.attempt(model, shape)`, from the cache when it holds the result.

    A result with formulas (see `engine.infer`) is not cached.
    """
    tag = _cache.tag(model)
    folder = _cache.where()
    if tag is None or folder is None or formulas is not None:
        return engine.attempt(model, shape, formulas=formulas)
    references: list[object] = [model, *descendants(model.root)]
    if len(references) <= MIN_MODULES:
        return engine.attempt(model, shape)
    name = _cache.digest(repr((MAGIC, tag, shape.dims))) + _cache.RESULT_SUFFIX
    fd = _cache.open_folder(folder)
    if fd is None:
        return engine.attempt(model, shape)
    try:
        found = _lookup(fd, name, references, tag, shape)
        if found is not None:
            return found
        outcome = engine.attempt(model, shape)
        if isinstance(outcome, Result):
            _store(fd, name, (MAGIC, tag, outcome), references)
        return outcome
    finally:
        os.close(fd)


def _lookup(fd: int, name: str, references: list[object], tag: str, shape: Shape) -> Result | None:
    try:
        entry = _cache.unpickle(_cache.read(fd, name), references)
    except Exception:  # a missing, truncated, corrupt or foreign entry is a miss
        return None
    return _valid(entry, references[0], tag, shape)


def _valid(entry: Any, model: object, tag: str, shape: Shape) -> Result | None:
    if type(entry) is not tuple or len(entry) != 3 or entry[:2] != (MAGIC, tag):
        return None
    result = entry[2]
    if not isinstance(result, Result) or result.model is not model or result.input != shape:
        return None
    return result


def _store(fd: int, name: str, entry: tuple[object, ...], references: list[object]) -> None:
    try:
        _cache.write(fd, name, entry, references)
    except Exception:  # a cache that cannot be written is no cache, not an error
        return
