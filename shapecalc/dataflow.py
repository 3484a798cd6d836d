"""A model's data flow as a graph: a node per module at a depth, an edge per tensor passed.

The diagram formats draw it. A module at the depth asked for (or a leaf above it) is one node,
whatever ran within it; above that depth, a container's own work is drawn as nodes of their
own: its join (add, mul, cat), its resize, and the layers its forward() runs again or calls
as functions. Each edge carries the shape that passes along it.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from shapecalc._trace import MODEL_INPUT, Event, Op, Trace, trace
from shapecalc.modules import Container, Leaf, Module, Registered, Reuse
from shapecalc.rows import Result, Row
from shapecalc.shape import Shape
from shapecalc.value import frozen

if TYPE_CHECKING:
    from shapecalc.formula import Dims


class Kind(Enum):
    """What a node stands for."""

    INPUT = "input"
    OUTPUT = "output"
    MODULE = "module"  # a registered module, with its row: a layer, or a container drawn whole
    LAYER = "layer"  # a model that is one layer, which has no row
    AGAIN = "again"  # a layer run again where its container's forward() runs it
    FUNCTION = "function"  # a functional layer: work in forward() that is no module
    JOIN = "join"  # a container's join of its branches: add, mul, cat, dense
    RESIZE = "resize"  # a container's output interpolated back to its input's size


_KINDS = {
    Op.LAYER: Kind.LAYER,
    Op.PASS: Kind.LAYER,
    Op.AGAIN: Kind.AGAIN,
    Op.FUNCTION: Kind.FUNCTION,
    Op.JOIN: Kind.JOIN,
    Op.RESIZE: Kind.RESIZE,
}


@frozen
class Node:
    """A node: the model's input or output, a module's row, or a container's own work.

    `module` is the row's module, or for work of a container's own, the layer it runs or the
    container that joins or resizes (None for the input and output). `group` is the place in
    `Graph.groups` of the innermost container drawn open around it, if any.
    """

    kind: Kind
    module: Leaf | Container | None = None
    row: Row | None = None
    group: int | None = None
    owner: Registered | None = None  # for a container's own work, the registered container


@frozen
class Edge:
    """A tensor passed from node `source` to node `target`, by their places in `Graph.nodes`.

    `formulas` are its dimensions as formulas of the input's symbols, when it has some.
    """

    source: int
    target: int
    shape: Shape
    formulas: Dims | None = None


@frozen
class Group:
    """A container drawn open, its children nodes of their own; `parent` is the group around it."""

    row: Row
    parent: int | None


@frozen
class Graph:
    """The nodes in the order they first ran (the input first, the output last), the edges
    in the order their tensors were taken, and the containers drawn open."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    groups: tuple[Group, ...]
    depth: int | None

    def inputs(self, node: int) -> list[Edge]:
        """Return the edges into `node`, in the order it takes them."""
        return [edge for edge in self.edges if edge.target == node]


def of(result: Result, depth: int | None = None, *, flow: Trace | None = None) -> Graph:
    """Return the data flow of `result`'s model with modules deeper than `depth` drawn whole.

    `flow` is the model's trace (`traced(result)`), to draw it at several depths.
    """
    if flow is None:
        flow = traced(result)
    return _Builder(result, depth).build(flow)


def traced(result: Result) -> Trace:
    """Return the trace of `result`'s model at its input: what `of` draws."""
    return trace(result.model, result.input, result.input_formulas)


class _Builder:
    def __init__(self, result: Result, depth: int | None) -> None:
        self.depth = depth
        self.root = result.model.root
        self.rows = {id(row.module): row for row in result.rows}
        self.parents = _parents(self.root)
        self.places: dict[tuple[str, int], int] = {}  # each node's key, to its place
        self.nodes: list[Node] = [Node(Kind.INPUT)]
        self.groups: list[Group] = []
        self.group_places: dict[int, int] = {}  # by the container's id

    def build(self, flow: Trace) -> Graph:
        at = [self.place(event, index) for index, event in enumerate(flow.events)]
        self.nodes.append(Node(Kind.OUTPUT))
        at.append(len(self.nodes) - 1)
        edges: list[Edge] = []
        seen: set[tuple[int, int, int]] = set()
        taken = [(event.sources, index) for index, event in enumerate(flow.events)]
        for sources, index in [*taken, (flow.outputs, -1)]:
            for source in sources:
                start = 0 if source == MODEL_INPUT else at[source]
                key = (start, at[index], source)
                if start != at[index] and key not in seen:
                    seen.add(key)
                    passed = flow.flow(source)
                    edges.append(Edge(start, at[index], passed.shape, passed.dims))
        return Graph(tuple(self.nodes), tuple(edges), tuple(self.groups), self.depth)

    def place(self, event: Event, index: int) -> int:
        """Return the place of the node an event is drawn in, adding the node if new."""
        owner, depth = event.owner, self.depth
        if depth is not None and owner.depth > depth:
            return self.module(self.ancestor(owner, depth))
        if owner is not self.root and (
            event.op in (Op.LAYER, Op.PASS)
            or owner.depth == depth
            or (owner is event.module and self.rows[id(owner)].is_leaf)  # a Concat
        ):
            return self.module(owner)
        node = Node(_KINDS[event.op], event.module, None, self.group(owner), owner)
        return self.add(("op", index), node)

    def module(self, module: Registered) -> int:
        key = ("module", id(module))
        if key in self.places:
            return self.places[key]
        parent = self.parents.get(id(module))
        return self.add(key, Node(Kind.MODULE, module, self.rows[id(module)], self.group(parent)))

    def add(self, key: tuple[str, int], node: Node) -> int:
        self.places[key] = len(self.nodes)
        self.nodes.append(node)
        return len(self.nodes) - 1

    def group(self, container: Registered | None) -> int | None:
        """Return the place of the group a container drawn open is, adding it if new."""
        if container is None or container is self.root:
            return None
        place = self.group_places.get(id(container))
        if place is None:
            parent = self.group(self.parents.get(id(container)))
            place = self.group_places[id(container)] = len(self.groups)
            self.groups.append(Group(self.rows[id(container)], parent))
        return place

    def ancestor(self, module: Registered, depth: int) -> Registered:
        while module.depth > depth:
            module = self.parents[id(module)]
        return module


def _parents(root: Registered) -> dict[int, Registered]:
    """Return each registered module's parent, by the module's id: the registered module
    whose row counts it, past the functional containers between them."""
    parents: dict[int, Registered] = {}
    pending: list[tuple[Module, Registered]] = [(root, root)]
    while pending:
        module, parent = pending.pop()
        if isinstance(module, Reuse):
            continue
        if not module.functional and module is not root:
            parents[id(module)] = parent
        if isinstance(module, Container):
            within = parent if module.functional else module
            pending.extend((child, within) for branch in module.branches for child in branch)
    return parents
