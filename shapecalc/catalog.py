"""Find a model by built-in name or by path, and list the built-in ones."""

from __future__ import annotations

import os
from collections.abc import Mapping

from shapecalc.errors import ShapecalcError, did_you_mean
from shapecalc.modules import Model

SUFFIX = ".yaml"


# Paths are strings here and in the modules every run needs: pathlib costs more to import
# than all of a run's arithmetic.


def builtin_dir() -> str:
    """Return the folder of built-in specs: in the package when installed, else the checkout's."""
    here = os.path.dirname(os.path.realpath(__file__))
    packaged = os.path.join(here, "specs")
    return packaged if os.path.isdir(packaged) else os.path.join(os.path.dirname(here), "specs")


def builtin_names() -> list[str]:
    """Return the names of the built-in models, sorted; `_name.yaml` files are libraries."""
    files = os.listdir(builtin_dir())
    names = (name.removesuffix(SUFFIX) for name in files if name.endswith(SUFFIX))
    return sorted(name for name in names if not name.startswith("_"))


def locate(model: str) -> tuple[str, str]:
    """Return the spec file for a built-in name or a path, and the name to show for it."""
    if _looks_like_path(model):
        return model, model
    name = f"{model}{SUFFIX}"
    path = os.path.join(builtin_dir(), name)
    if os.path.isfile(path):
        return path, name
    hint = did_you_mean(model, builtin_names())
    raise ShapecalcError(
        model,
        f"no built-in model or spec file of that name{hint}; "
        "`shapecalc --list` shows the built-in models",
    )


def load(model: str, values: Mapping[str, object] | None = None) -> Model:
    """Load a built-in model by name, or a spec file by path.

    `values` sets its top-level parameters (see `shapecalc.api.load`). A model loaded before
    comes from the cache (see _cache) while its files are unchanged.
    """
    from shapecalc import _cache

    path, source = locate(model)
    return _cache.load(path, source, values, _load_spec)


def _load_spec(path: str, source: str, values: Mapping[str, object] | None) -> Model:
    from shapecalc.spec import load_spec

    return load_spec(path, source, values)


def _looks_like_path(model: str) -> bool:
    return (
        "/" in model or "\\" in model or model.endswith((".yaml", ".yml")) or os.path.isfile(model)
    )
