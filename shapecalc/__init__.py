"""Every layer's output shape of a convolutional network, by pure arithmetic.

`load`, `infer`, `render` and `valid_sizes` (see shapecalc.api) are imported when first
used, so that `import shapecalc` costs next to nothing.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["infer", "load", "render", "valid_sizes"]

# Not typing's: importing it takes long enough for a Ctrl-C to land before the command
# can catch it (see __main__.run).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from shapecalc.api import infer, load, render, valid_sizes


def __getattr__(name: str) -> Any:
    if name in __all__:
        from shapecalc import api

        return getattr(api, name)
    raise AttributeError(f"module 'shapecalc' has no attribute {name!r}")
