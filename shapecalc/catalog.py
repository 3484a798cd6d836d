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


ULTRALYTICS = "ultralytics"  # the folder of Ultralytics' own configs, among the built-ins
SCALES = "nsmlx"  # the scales every one of them has


def builtin_names() -> list[str]:
    """Return the names of the built-in models, sorted; `_name.yaml` files are libraries.

    An Ultralytics config is a model at each scale, named as Ultralytics names them: the
    scale's letter after the version (`yolov8-seg.yaml` is `yolov8n-seg` to `yolov8x-seg`).
    """
    files = os.listdir(builtin_dir())
    names = [name.removesuffix(SUFFIX) for name in files if name.endswith(SUFFIX)]
    names += list(ultralytics_configs())
    return sorted(name for name in names if not name.startswith("_"))


def ultralytics_configs() -> dict[str, str]:
    """Return the built-in Ultralytics models' names, each with its config's file name."""
    folder = os.path.join(builtin_dir(), ULTRALYTICS)
    found: dict[str, str] = {}
    for config in os.listdir(folder):
        version, dash, task = config.removesuffix(SUFFIX).partition("-")
        for scale in SCALES:
            found[f"{version}{scale}{dash}{task}"] = config
    return found


def locate(model: str) -> tuple[str, str]:
    """Return the spec file for a built-in name or a path, and the name to show for it.

    `yolov8n.yaml`, as Ultralytics users write it, is the built-in config when no such file
    is here.
    """
    stem = model.removesuffix(SUFFIX)
    if stem != model and "/" not in model and not os.path.exists(model):
        model = stem  # `yolov8n.yaml` with no such file here: the built-in, if it is one
    if _looks_like_path(model):
        return model, model
    name = f"{model}{SUFFIX}"
    path = os.path.join(builtin_dir(), name)
    if os.path.isfile(path):
        return path, name
    config = ultralytics_configs().get(model)
    if config is not None:
        return os.path.join(builtin_dir(), ULTRALYTICS, config), name
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
