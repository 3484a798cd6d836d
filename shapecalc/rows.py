"""What a walk of a model gives: a row per module, and the result or where it stopped."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from shapecalc.errors import ShapeError
from shapecalc.field import Field
from shapecalc.layers import Layer
from shapecalc.modules import Container, Leaf, Model, Registered, descendants
from shapecalc.shape import Shape
from shapecalc.value import attributes, frozen

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims


@frozen
class Row:
    """One module for one input: what it takes and gives, and what it costs.

    `params` and `macs` count the module and all its descendants. `field` is the receptive
    field of one output element, or None when the model's input is not a C×H×W map (or
    fields were not asked for). A module registered but never run has no input or shape
    (None); a ModuleList, which runs only through its children, shows its last child's
    output that ran. `formulas` and `input_formulas` give `shape`'s and `input`'s
    dimensions as formulas of the model input's symbols, when it has some (see Result).
    Of the MACs, `attention_macs` are attention's matrix products, and `unbatched_macs`
    are done once a pass whatever the batch, on what does not come from the input: none but
    in a SplitRow.
    """

    module: Registered
    input: Shape | None
    shape: Shape | None
    params: int
    macs: int
    field: Field | None
    formulas: Dims | None = None
    input_formulas: Dims | None = None
    attention_macs: ClassVar[int] = 0
    unbatched_macs: ClassVar[int] = 0

    @property
    def path(self) -> str:
        return self.module.path

    @property
    def name(self) -> str:
        return self.module.name

    @property
    def type(self) -> str:
        return self.module.type

    @property
    def depth(self) -> int:
        return self.module.depth

    def batch_macs(self, batch: int) -> int:
        """Return the MACs of a pass of `batch` samples."""
        return (self.macs - self.unbatched_macs) * batch + self.unbatched_macs

    def batch_attention_macs(self, batch: int) -> int:
        """Return the attention MACs of a pass of `batch` samples: each sample's its own."""
        return self.attention_macs * batch

    @property
    def ran(self) -> bool:
        """Whether the module (or a module within it) ran: a row without it has no shape."""
        return self.shape is not None

    @property
    def is_leaf(self) -> bool:
        """Whether the module has no children, as PyTorch's leaves: a layer, or a container
        of none (Ultralytics' Concat, which joins the inputs it is given)."""
        module = self.module
        return isinstance(module, Leaf) or not any(module.branches)

    @property
    def layer(self) -> Layer | None:
        """The layer of a leaf's row; None for a container's."""
        return self.module.layer if isinstance(self.module, Leaf) else None


@frozen
class Requirement:
    """A check the walk made that depends on the input's symbols.

    A layer (`module` a Leaf) took `inputs[0]`, or a container joined its branches'
    outputs, `inputs`: each dims as formulas, with its shape at the symbols' sizes the walk
    used (for what does not change with them: the rank, a channels-last order).
    """

    module: Leaf | Container
    inputs: tuple[Dims, ...]
    shapes: tuple[Shape, ...]


@frozen
class SplitRow(Row):
    """A row some of whose MACs are attention's, or done once a pass (see Row).

    Apart from Row so that the rows of most models, which have neither, are made as fast.
    """

    attention_macs: int = 0  # type: ignore[misc]
    unbatched_macs: int = 0  # type: ignore[misc]

    @staticmethod
    def of(row: Row, attention_macs: int, unbatched_macs: int) -> Row:
        """Return `row` with these MACs apart; the row itself if there are none."""
        if not attention_macs and not unbatched_macs:
            return row
        fields = (getattr(row, declared.name) for declared in attributes(Row))
        # Its two fields stand for Row's class variables, which mypy takes for no fields.
        return SplitRow(*fields, attention_macs, unbatched_macs)  # type: ignore[call-arg]


@frozen
class Inline:
    """A layer run in forward(), with no row of its own (functional), and its input and output.

    Its work counts in the rows of the modules around it.
    """

    leaf: Leaf
    input: Shape
    output: Shape


@frozen
class Result:
    """A model's rows for one input, in PyTorch's `named_modules()` order, root left out.

    The totals count every layer, including work done in `forward()` that has no row.
    With symbols in the input, `input_formulas` gives its dimensions (symbols and numbers),
    `input` their values at one size, and the output and rows are given both ways;
    `requirements` are the checks that decide which sizes of the symbols the model takes.
    `inline` are the layers run in forward(), in the order they ran. Of the MACs,
    `attention_macs` and `unbatched_macs` are as a Row's.
    """

    model: Model
    input: Shape
    output: Shape
    rows: tuple[Row, ...]
    total_params: int
    total_macs: int
    input_formulas: Dims | None = None
    output_formulas: Dims | None = None
    requirements: tuple[Requirement, ...] = ()
    inline: tuple[Inline, ...] = ()
    attention_macs: int = 0
    unbatched_macs: int = 0

    def batch_macs(self, batch: int) -> int:
        """Return the MACs of a pass of `batch` samples."""
        return (self.total_macs - self.unbatched_macs) * batch + self.unbatched_macs

    def batch_attention_macs(self, batch: int) -> int:
        """Return the attention MACs of a pass of `batch` samples: each sample's its own."""
        return self.attention_macs * batch

    @property
    def symbols(self) -> dict[str, int]:
        """Return each symbol of the input with its size in `input`; empty without symbols."""
        from shapecalc.formula import named_sizes

        return named_sizes(self.input_formulas or (), self.input.dims)


@frozen
class Stopped:
    """A model run for an input up to the layer that refused it, and why.

    `done` is in row order: a finished module's row, or the module itself for one the
    failure interrupted (the failing layer and the containers around it).
    """

    model: Model
    input: Shape
    done: tuple[Row | Registered, ...]
    error: ShapeError


def idle_row(module: Registered, rows: dict[int, Row]) -> tuple[Row, int]:
    """Return the row of a module that never ran, and the parameters nothing counted yet.

    Its parameters are a layer's that need no input, or a container's own and its
    children's; a container whose children ran (a ModuleList) shows the last one's output.
    """
    if isinstance(module, Leaf):
        params = module.layer.fixed_params()
        if params is None:
            raise ShapeError(
                module.path,
                f"{module.type} never runs (run: false, and no use runs it), so no input says "
                "how many parameters it has",
                mark=module.mark,
            )
        return Row(module, None, None, params, 0, None), params
    children = [rows[id(child)] for child in descendants(module)[1:]]
    children = [row for row in children if row.depth == module.depth + 1]
    ran = [row for row in children if row.ran]
    params = module.own + sum(row.params for row in children)
    macs = sum(row.macs for row in children)
    attention = sum(row.attention_macs for row in children)
    unbatched = sum(row.unbatched_macs for row in children)
    # A module returning a dict of its children's outputs shows the first.
    shown = [row for row in ran if row.name == module.returns[0]] if module.returns else ran[-1:]
    if not shown:
        return SplitRow.of(
            Row(module, None, None, params, macs, None), attention, unbatched
        ), module.own
    first, taken = shown[0], ran[0]
    row = Row(
        module,
        taken.input,
        first.shape,
        params,
        macs,
        first.field,
        first.formulas,
        taken.input_formulas,
    )
    return SplitRow.of(row, attention, unbatched), module.own
