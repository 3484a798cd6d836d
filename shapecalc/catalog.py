"""Find a model by built-in name or by path, and list the built-in ones."""

from __future__ import annotations

from pathlib import Path

from shapecalc.errors import ShapecalcError, did_you_mean
from shapecalc.modules import Model

SUFFIX = ".yaml"


def builtin_dir() -> Path:
    """Return the folder of built-in specs: in the package when installed, else the checkout's."""
    here = Path(__file__).resolve().parent
    packaged = here / "specs"
    return packaged if packaged.is_dir() else here.parent / "specs"


def builtin_names() -> list[str]:
    """Return the names of the built-in models, sorted; `_name.yaml` files are libraries."""
    names = (path.name.removesuffix(SUFFIX) for path in builtin_dir().glob(f"*{SUFFIX}"))
    return sorted(name for name in names if not name.startswith("_"))


def locate(model: str) -> tuple[Path, str]:
    """Return the spec file for a built-in name or a path, and the name to show for it."""
    if _looks_like_path(model):
        return Path(model), model
    path = builtin_dir() / f"{model}{SUFFIX}"
    if path.is_file():
        return path, path.name
    hint = did_you_mean(model, builtin_names())
    raise ShapecalcError(
        model,
        f"no built-in model or spec file of that name{hint}; "
        "`shapecalc --list` shows the built-in models",
    )


def load(model: str) -> Model:
    """Load a built-in model by name, or a spec file by path."""
    from shapecalc.spec import load_spec

    path, source = locate(model)
    return load_spec(path, source)


def _looks_like_path(model: str) -> bool:
    return (
        "/" in model or "\\" in model or model.endswith((".yaml", ".yml")) or Path(model).is_file()
    )
