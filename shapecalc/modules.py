"""The module tree a spec expands to: named, nested, with every argument checked."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeAlias

from shapecalc.errors import Mark
from shapecalc.layers import Layer
from shapecalc.layers.args import Value
from shapecalc.shape import Shape
from shapecalc.value import attribute, frozen


class Combine(Enum):
    """How a container joins its branches; the value is the spec's key for it."""

    SEQUENCE = "children"
    ADD = "add"
    MUL = "mul"
    CAT = "cat"
    DENSE = "dense"  # each child takes the concatenation of the input and earlier outputs


@frozen
class From:
    """Where a step of a sequence takes its input, as its `from:` says: not the step before.

    `steps` are where each input comes from: a step of the same sequence by its place from
    0, `INPUT` for the sequence's own input, or `element(k)` for element k of a sequence's
    input made of several. With `many` the step takes a tuple of inputs, even of one (a
    `from` list). `written` is each reference as the spec writes it: an index, a name.
    """

    steps: tuple[int, ...]
    many: bool
    written: tuple[int | str, ...]
    mark: Mark  # of the `from:` value


INPUT = -1  # a `From` step: the sequence's own input


def element(index: int) -> int:
    """Return the `From` step of element `index` of a sequence's input of several."""
    return -2 - index


@frozen
class Leaf:
    """A PyTorch layer at `path`, as `named_modules()` names it.

    `subclass` is the class the model makes of the layer's, where it is one of its own (as
    torchvision's Conv3DSimple is of Conv3d): rows show it as the type. A layer that does not
    `run` where it is registered runs only where a `Reuse` names it, if anywhere.
    """

    name: str
    path: str
    depth: int
    layer: Layer
    mark: Mark
    arg_marks: Mapping[str, Mark]
    functional: bool = False
    subclass: str | None = None
    runs: bool = True
    takes: From | None = None

    @property
    def type(self) -> str:
        return self.subclass or type(self.layer).__name__


@frozen
class Container:
    """A module made of others: each branch is a sequence, the branches are joined by `combine`.

    A Sequential has one branch; a residual block adds a main path and a shortcut (an empty
    branch is the identity), and a gate multiplies, both broadcasting as PyTorch does;
    concatenation joins branches along `dim` (counting the batch, as `torch.cat`). A dense
    container, as DenseNet's blocks, has one branch whose every child takes the
    concatenation of the container's input and all earlier children's outputs, and gives
    that of all of them. With `crop`, every branch is first cropped about its centre to the
    smallest spatial size among them, as U-Net crops a skip to the path it joins.

    `own` counts the parameters the module holds itself rather than through a child (as
    ConvNeXt's `layer_scale`). With `resize_to_input`, the output is interpolated back to
    the input's spatial size in that mode (`F.interpolate(x, size=input.shape[-2:])`). A
    module that does not `run` where it is registered runs where a `Reuse` names it, or its
    children do (a ModuleList), if anywhere; one that `returns` the outputs of some of its
    children, in a dict (torchvision's IntermediateLayerGetter), shows the first one's.
    """

    name: str
    path: str
    depth: int
    type: str
    combine: Combine
    branches: tuple[tuple[Module, ...], ...]
    mark: Mark
    functional: bool = False
    dim: int = 1
    crop: bool = False
    own: int = 0
    resize_to_input: str | None = None
    runs: bool = True
    returns: tuple[str, ...] = ()
    takes: From | None = None
    graph: bool = False  # a step of a branch takes `from` elsewhere than the step before
    # What it registers, by name, once asked (see `registered`): derived, so not compared.
    names: dict[str, Registered] | None = attribute(
        init=False, compare=False, repr=False, default=None
    )


@frozen
class Reuse:
    """A further run of a layer registered in the same module, as `forward()` may do.

    torchvision's Bottleneck registers one `relu` after `bn3` and runs it after `bn1`, `bn2`
    and the addition; its SqueezeExcitation registers `fc2` before `activation` and runs it
    after. `target` names the module among the enclosing module's registered children (see
    `registered`), dotted for one within them (`convs.0`): a layer, or a module registered
    not to run there. The expander checked that it is one. It has no row.

    A use of a `shares` layer runs that layer, wherever it is registered: one module
    object in several places, as Ultralytics' Conv blocks share one activation, which
    `named_modules()` lists once, where it first appears.
    """

    name: str
    path: str
    depth: int
    target: str
    mark: Mark
    functional: bool = True
    takes: From | None = None
    shares: Leaf | None = None


Module: TypeAlias = "Leaf | Container | Reuse"
Registered: TypeAlias = "Leaf | Container"  # a module with a row: a `use` is a step, not one


@frozen
class Argument:
    """A top-level parameter of a spec, as its constructor's: its default and its value.

    `given` when the value was set (`--set NAME=VALUE`), even to the default.
    """

    name: str
    default: Value
    value: Value
    given: bool = False


@frozen
class Model:
    """A network from a spec: its root module and the input it takes by default."""

    name: str
    input: Shape
    root: Registered
    source: str
    description: str = ""
    files: tuple[str, ...] = ()  # the real paths of the spec file and of what it includes
    arguments: tuple[Argument, ...] = ()  # its top-level parameters, as declared
    ultralytics: bool = False  # read from an Ultralytics config: its summary is in its terms

    @property
    def type(self) -> str:
        return self.root.type


def registered(module: Container) -> dict[str, Registered]:
    """Return the modules `module` registers, by name: its children, and those of the
    functional containers among them, which belong to it.

    Worked out once a container, as a walk's `use`s ask at every run; not to be changed.
    """
    names = module.names
    if names is None:
        names = registered_among(module.branches)
        object.__setattr__(module, "names", names)  # a cache of a frozen value's
    return names


def registered_among(branches: tuple[tuple[Module, ...], ...]) -> dict[str, Registered]:
    """Return the modules a container of these branches registers, by name."""
    found: dict[str, Registered] = {}
    pending = [child for branch in branches for child in branch]
    while pending:
        child = pending.pop()
        if isinstance(child, Container) and child.functional:
            pending.extend(grandchild for branch in child.branches for grandchild in branch)
        elif not isinstance(child, Reuse):
            found[child.name] = child
    return found


def descendants(module: Registered) -> list[Registered]:
    """Return `module` and the modules registered within it, in `named_modules()` order."""
    found: list[Registered] = []
    pending: list[Module] = [module]
    while pending:
        current = pending.pop()
        if isinstance(current, Reuse):
            continue
        if not current.functional:
            found.append(current)
        if isinstance(current, Container):
            pending.extend(reversed([child for branch in current.branches for child in branch]))
    return found


def count(root: Module) -> int:
    """Return how many modules a tree holds, `root`, functional ones and uses included."""
    total, pending = 0, [root]
    while pending:
        module = pending.pop()
        total += 1
        if isinstance(module, Container):
            for branch in module.branches:
                pending.extend(branch)
    return total
