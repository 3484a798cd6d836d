"""Bytes: of each output, of the parameters, and the totals, at a chosen element type.

And the batch: shapes are one sample's, but a batch of N holds N inputs and N of every
layer's output and costs N times the MACs, but for work done once a pass on what does not
come from the input (Row.batch_macs); the parameters are shared. Every format scales its
figures through `memory` and `nbytes` here and `batch_macs`, so that they agree.
"""

from __future__ import annotations

from enum import Enum

from shapecalc.engine import Result
from shapecalc.shape import Shape
from shapecalc.value import frozen


class DType(Enum):
    """Element types and their sizes in bytes."""

    FLOAT32 = "float32"
    FLOAT16 = "float16"
    BFLOAT16 = "bfloat16"
    FLOAT64 = "float64"
    INT8 = "int8"

    @property
    def size(self) -> int:
        return _SIZES[self]


_SIZES = {DType.FLOAT32: 4, DType.FLOAT16: 2, DType.BFLOAT16: 2, DType.FLOAT64: 8, DType.INT8: 1}


@frozen
class Memory:
    """What a forward pass of `batch` samples holds, in bytes.

    `activations` is every layer's output (each module that has a row and no children),
    counted once, as a forward pass that keeps them for the backward pass stores them.
    `forward_backward` is torchinfo's "forward/backward pass size": the outputs of the layers
    with parameters only, twice (for their gradients); with the input and the parameters it
    makes torchinfo's "estimated total size". All but `params` scale with the batch.
    """

    dtype: DType
    input: int
    activations: int
    params: int
    forward_backward: int
    batch: int = 1

    @property
    def total(self) -> int:
        return self.input + self.activations + self.params

    @property
    def torchinfo_total(self) -> int:
        return self.input + self.forward_backward + self.params


def nbytes(shape: Shape, dtype: DType, batch: int = 1) -> int:
    """Return the bytes a tensor of `shape` takes, `batch` of them."""
    return shape.numel * dtype.size * batch


def memory(result: Result, dtype: DType = DType.FLOAT32, batch: int = 1) -> Memory:
    """Add up the bytes of a result's input, layer outputs and parameters, at `batch`."""
    outputs = weighted = 0
    for row in result.rows:
        if row.is_leaf and row.shape:
            outputs += row.shape.numel
            weighted += row.shape.numel if row.params else 0
    return Memory(
        dtype,
        nbytes(result.input, dtype, batch),
        outputs * dtype.size * batch,
        result.total_params * dtype.size,
        2 * weighted * dtype.size * batch,
        batch,
    )
