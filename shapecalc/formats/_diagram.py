"""What the diagram formats write on a node and an edge: the same words in Mermaid, DOT and SVG."""

from __future__ import annotations

from shapecalc.dataflow import Edge, Graph, Group, Kind, Node
from shapecalc.engine import Result
from shapecalc.formats import Options
from shapecalc.formats.columns import Column, sources, text
from shapecalc.formats.text import shape_text
from shapecalc.modules import Combine, Container

# What a node says of its module: its name and type say themselves, its output is on its edges.
_SAID = frozenset({Column.LAYER, Column.PATH, Column.NAME, Column.TYPE, Column.OUTPUT})
_JOINS = {Combine.ADD: "add", Combine.MUL: "mul", Combine.CAT: "cat", Combine.DENSE: "cat"}
_DOING = {
    Kind.AGAIN: "again",
    Kind.FUNCTION: "in forward()",
}


def graph_of(result: Result, options: Options) -> Graph:
    """Return the graph a diagram of `result` draws, at the options' depth."""
    from shapecalc import dataflow

    return dataflow.of(result, options.depth)


def title(result: Result, node: Node, *, full: bool) -> str:
    """Return a node's first line: its module's name, or with `full` its path."""
    if node.kind is Kind.INPUT:
        return "input"
    if node.kind is Kind.OUTPUT:
        return "output"
    module = node.module
    assert module is not None
    if node.kind is Kind.JOIN or node.kind is Kind.RESIZE:
        assert isinstance(module, Container)
        word = join_word(module) if node.kind is Kind.JOIN else "resize"
        where = node.owner.path if full and node.owner is not None else ""
        return f"{where} {word}" if where else word
    if node.kind is Kind.LAYER:
        return result.model.name
    name = module.path if full else module.name
    if node.kind is Kind.MODULE and module.takes is not None:  # as the tree says it: 11 ← [-1, 6]
        return f"{name} ← {sources(module.takes)}"
    return name


def detail(result: Result, node: Node) -> str:
    """Return a node's second line: its type, the shape of the model's input or output, or
    what a container's own work does."""
    match node.kind:
        case Kind.INPUT:
            return shape_text(result.input, result.input_formulas)
        case Kind.OUTPUT:
            return shape_text(result.output, result.output_formulas)
        case Kind.JOIN:
            assert isinstance(node.module, Container)
            return _join_detail(node.module)
        case Kind.RESIZE:
            assert isinstance(node.module, Container)
            return f"interpolate {node.module.resize_to_input}"
    assert node.module is not None
    kind = node.row.type if node.row is not None else node.module.type
    doing = _DOING.get(node.kind)
    return f"{kind} {doing}" if doing else kind


def join_word(container: Container) -> str:
    """Return the word for how a container joins: add, mul or cat, cropped first if so."""
    word = _JOINS[container.combine]
    return f"crop + {word}" if container.crop else word


def _join_detail(container: Container) -> str:
    if container.combine in (Combine.CAT, Combine.DENSE):
        dense = " (dense)" if container.combine is Combine.DENSE else ""
        return f"dim {container.dim}{dense}"
    return "broadcast"


def figures(node: Node, options: Options) -> list[str]:
    """Return the lines of the columns asked for that a node has: `params 9,408`."""
    row = node.row
    if row is None or not options.columns:
        return []
    return [
        f"{column.heading} {text(column, row, options.dtype, options.batch)}"
        for column in options.columns
        if column not in _SAID
    ]


def label(edge: Edge) -> str:
    """Return an edge's label: the shape it carries."""
    return shape_text(edge.shape, edge.formulas)


def group_title(group: Group) -> str:
    """Return the title of a container drawn open: its path and type."""
    return f"{group.row.path} · {group.row.type}"


def style(node: Node) -> str:
    """Return the name of a node's style: by its kind, a container drawn whole its own."""
    if node.kind is Kind.MODULE:
        return "layer" if node.row is not None and node.row.is_leaf else "module"
    return str(node.kind.value)


def nested(graph: Graph) -> list[tuple[str, int]]:
    """Return the nodes in groups, in order: ("node", place), ("open", group), ("close", group).

    Each group holds its nodes and groups, in the order the first of each ran; the input is
    first and the output last, outside every group.
    """
    within: dict[int | None, list[tuple[str, int]]] = {None: []}
    for place, node in enumerate(graph.nodes):
        item, group = ("node", place), node.group
        while group is not None and group not in within:  # its group is new: so may its parent be
            within[group] = []
            within[group].append(item)
            item, group = ("open", group), graph.groups[group].parent
        within[group].append(item)
    order: list[tuple[str, int]] = []
    pending = list(reversed(within[None]))
    while pending:
        item = pending.pop()
        order.append(item)
        if item[0] == "open":
            pending.append(("close", item[1]))
            pending.extend(reversed(within[item[1]]))
    return order
