"""Dynamic shapes for export: the sizes of each symbol as torch.export and ONNX take them.

torch.export traces with symbolic sizes, and guards every size it may not assume: a size
of 1 inside the model (which it specializes), two branches' sizes that agree only for some
inputs. A dimension declared as the sizes the model takes, each past 1 all the way through,
raises no guard: `Dim("H", min=33)` for ResNet-18, or `32 * Dim("H_32", min=2)` for only
the sizes that round nowhere. A ceil-mode pool decides whether to drop its last window by a
comparison that torch.export cannot prove the same for every size (SqueezeNet's `2·⌊(X −
1)/2⌋ < X + 1`), though it is: for a model with one, the multiples come first. The text
written is Python, to paste.
"""

from __future__ import annotations

from keyword import iskeyword

from shapecalc.arith import Window
from shapecalc.engine import Result
from shapecalc.errors import UsageError
from shapecalc.formats import Options
from shapecalc.formats.text import caption
from shapecalc.formats.valid import line
from shapecalc.formula import Symbol
from shapecalc.valid import Unknown, Valid, valid_sizes
from shapecalc.value import frozen

ARGUMENT = "x"  # torchvision's models take their input as `x`
EVERY = "Every size the model takes, each past 1 inside"
CLEAN = "Or only the sizes where no strided layer rounds"
EXPORT = "# torch.export.export(model, (example,), dynamic_shapes=dynamic_shapes)"
CEIL_MODE = (
    "# The sizes where no strided layer rounds: torch.export cannot prove a ceil-mode",
    "# pool's guard for every size the model takes.",
)


def render(result: Result, options: Options) -> str:
    """Return a Python snippet declaring each symbol for torch.export, and the ONNX axes."""
    if result.input_formulas is None:
        raise UsageError(
            "--format", "dynamic needs sizes to name: give --input with symbols, such as HxW"
        )
    found = valid_sizes(result)
    sizes = result.symbols
    axes = _axes(result)
    head = [f"# {caption(result.model, result.input, 1, result.input_formulas)}"]
    head += [f"# {line(each, sizes)}" for each in found]
    every = [_every(each) for each in found]
    clean = [made for made in map(_clean, found) if made is not None]
    shapes = f'dynamic_shapes = {{"{ARGUMENT}": {_mapping(axes, found)}}}'
    body = ["import torch", "from torch.export import Dim", ""]
    multiples = len(clean) == len(found) and _rounds_up(result)
    first, other = (clean, every) if multiples else (every, clean)
    if multiples:
        body += CEIL_MODE
    body += [*(made.text for made in first), shapes, _example(result, first, sizes), EXPORT]
    if len(other) == len(found) and other != first:  # an alternative, if it is one
        body += ["", f"# {EVERY if multiples else CLEAN}:"]
        body += [f"# {made.text}" for made in other]
    body += ["", f'# torch.onnx.export(..., dynamic_axes={{"{ARGUMENT}": {_onnx(axes)}}})']
    return "\n".join([*head, *body, ""])


def _example(result: Result, declared: list[_Declared], sizes: dict[str, int]) -> str:
    """Say an input to trace with: one of the declared sizes, the nearest above the spec's."""
    chosen = {made.symbol: made.at_least(sizes[made.symbol]) for made in declared}
    dims = [
        chosen.get(dim.name, size) if isinstance(dim, Symbol) else size
        for dim, size in zip(result.input_formulas or (), result.input.dims, strict=True)
    ]
    return f"example = torch.randn({', '.join(map(str, [1, *dims]))})  # one of those sizes"


def _rounds_up(result: Result) -> bool:
    """Whether a ceil-mode window takes a size that depends on a symbol."""
    for need in result.requirements:
        shape = need.shapes[0]
        layer = getattr(need.module, "layer", None)
        if layer is None or not shape.is_map:
            continue
        for dim, op in zip(need.inputs[0][1:], layer.axes(shape) or (), strict=False):
            if isinstance(op, Window) and op.ceil_mode and not isinstance(dim, int):
                return True
    return False


def _axes(result: Result) -> dict[int, str]:
    """Return each dimension of the batched input that a symbol names, with the symbol."""
    dims = enumerate(result.input_formulas or (), start=1)
    return {index: dim.name for index, dim in dims if isinstance(dim, Symbol)}


def _variable(name: str) -> str:
    """Return a Python name for a symbol's Dim: its own, unless Python or the snippet has it."""
    return f"{name}_" if iskeyword(name) or name in ("Dim", "dynamic_shapes") else name


@frozen
class _Declared:
    """A symbol's Dim as Python, and its sizes: `first`, then every `period` (1: each)."""

    symbol: str
    text: str
    first: int
    period: int = 1

    def at_least(self, size: int) -> int:
        """Return the smallest declared size from `size` on."""
        if size <= self.first:
            return self.first
        return self.first + -(-(size - self.first) // self.period) * self.period


def _every(found: Valid | Unknown) -> _Declared:
    """Declare every size the model takes, each past 1 inside, as one Dim."""
    name = found.symbol
    variable = _variable(name)
    if isinstance(found, Unknown):
        return _Declared(name, f"{variable} = Dim({name!r})  # not worked out: {found.reason}", 2)
    if not found.residues:
        listed = ", ".join(map(str, found.listed))
        return _Declared(name, f"{variable} = None  # not dynamic: only {listed} work", 1)
    start = max(found.start, found.beyond_one)
    if len(found.residues) == found.period:
        return _Declared(name, f"{variable} = Dim({name!r}, min={start})", start)
    return _stepped(name, found.period, found.residues, start)


def _clean(found: Valid | Unknown) -> _Declared | None:
    """Declare the sizes where no strided layer rounds, as a multiple of a Dim; None if none."""
    if isinstance(found, Unknown) or not found.clean or not found.residues:
        return None
    start = max(found.clean_start, found.beyond_one)
    return _stepped(found.symbol, found.period, found.clean, start)


def _stepped(name: str, period: int, residues: tuple[int, ...], start: int) -> _Declared:
    """Declare the sizes `period·k + r` from `start` on, r the first residue reached."""
    first = min(start + (residue - start) % period for residue in residues)
    remainder = first % period
    count = first // period
    offset = f" + {remainder}" if remainder else ""
    note = "" if len(residues) == 1 else f"  # of {name} ≡ {', '.join(map(str, residues))}"
    declared = f"Dim({f'{name}_{period}'!r}, min={count})"
    return _Declared(
        name, f"{_variable(name)} = {period} * {declared}{offset}{note}", first, period
    )


def _mapping(axes: dict[int, str], found: list[Valid | Unknown]) -> str:
    static = {each.symbol for each in found if isinstance(each, Valid) and not each.residues}
    pairs = [f"{index}: {_variable(name)}" for index, name in axes.items() if name not in static]
    return "{" + ", ".join(pairs) + "}"


def _onnx(axes: dict[int, str]) -> str:
    return "{" + ", ".join(f'{index}: "{name}"' for index, name in axes.items()) + "}"
