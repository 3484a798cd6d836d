"""The spec front-end: YAML read with positions, expressions, blocks, and the module tree.

    loader     YAML text → located nodes (source), within the limits
    expr       `$` expressions, evaluated safely (with _evaluator and _work's budget)
    blocks     reusable blocks and their parameters
    nodes      what a module node says: its name, type, branches, options
    expand     module nodes → the module tree
    build      a spec document → a Model

`load_spec` and `build_model` are imported on first use: reading a spec is all that needs yaml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shapecalc.spec.build import build_model, load_spec

__all__ = ["build_model", "load_spec"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from shapecalc.spec import build

        return getattr(build, name)
    raise AttributeError(f"module 'shapecalc.spec' has no attribute {name!r}")
