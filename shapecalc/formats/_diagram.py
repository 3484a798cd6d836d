"""What the diagram formats write on a node and an edge: the same words in Mermaid, DOT and SVG."""

from __future__ import annotations

from shapecalc._streams import one_line
from shapecalc.dataflow import Edge, Graph, Group, Kind, Node, of
from shapecalc.engine import Result, Row
from shapecalc.formats import Format, Options
from shapecalc.formats.columns import Column, check_drawable, sources, text, value
from shapecalc.formats.summary import entries
from shapecalc.formats.text import caption, compact, shape_text
from shapecalc.modules import Combine, Container
from shapecalc.value import frozen

# What a node says of its module: its name and type say themselves, its output is on its edges.
_SAID = frozenset({Column.LAYER, Column.PATH, Column.NAME, Column.TYPE, Column.OUTPUT})
_JOINS = {Combine.ADD: "add", Combine.MUL: "mul", Combine.CAT: "cat", Combine.DENSE: "cat"}
_DOING = {
    Kind.AGAIN: "again",
    Kind.FUNCTION: "in forward()",
}


@frozen
class Look:
    """How a kind of node is drawn in every diagram: light fills, told apart in grey by
    their borders (width and dashes) and, where the format has them, shapes."""

    fill: str
    stroke: str
    width: float
    dashes: str  # an SVG dash array, "" for a solid border
    legend: str  # what the picture's legend calls the kind


# By style (see `style`): the tree's colours, types blue and containers drawn whole in bold.
LOOKS = {
    "input": Look("#e7f5e9", "#2e7d32", 1.2, "", "input, output"),
    "output": Look("#e7f5e9", "#2e7d32", 1.2, "", "input, output"),
    "layer": Look("#eaf1fb", "#1f4e9c", 1.0, "", "layer"),
    "module": Look("#f3f3f3", "#222222", 2.4, "", "module drawn whole"),
    "join": Look("#fff4d6", "#8a5a00", 1.0, "", "join of branches"),
    "resize": Look("#e6f6f8", "#0b6b77", 1.0, "", "resize to the input"),
    "again": Look("#ffffff", "#1f4e9c", 1.0, "5 3", "layer run again"),
    "function": Look("#ffffff", "#555555", 1.0, "2 2", "function in forward()"),
}
TYPE, SHAPE, EDGE = "#1f4e9c", "#0b6b77", "#666666"  # types' text, shapes' text, edges


def graph_of(result: Result, fmt: Format, options: Options) -> Graph:
    """Return the graph a diagram of `result` draws, at the options' depth, once its rows
    are known to fit in a drawing (MAX_DRAWN_ROWS, as the tree's and the table's)."""
    check_drawable(result, fmt, options.depth)
    return of(result, options.depth)


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
        where = _where(node, module) if full else ""
        return f"{where} {word}" if where else word
    if node.kind is Kind.LAYER:
        return result.model.name
    name = module.path if full else module.name
    if node.kind is Kind.MODULE and module.takes is not None:  # as the tree says it: 11 ← [-1, 6]
        return f"{name} ← {sources(module.takes)}"
    return name


def _where(node: Node, container: Container) -> str:
    """Return whose work a join or resize is: the name the spec gives the work in forward(),
    if any (a U-Net's `skip4`), else the module whose forward() does it."""
    if container.functional and container.name:
        return container.path
    return node.owner.path if node.owner is not None else ""


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


def node_lines(result: Result, node: Node, options: Options, *, full: bool) -> list[str]:
    """Return what a node says, line by line: its title, its detail, the figures asked for."""
    said = [title(result, node, full=full), detail(result, node), *figures(node, options)]
    return [line for line in said if line]


def summary(result: Result, options: Options) -> list[str]:
    """Return the caption and the summary's lines, for a text format's comments: one line
    each, whatever a name holds."""
    said = caption(result.model, result.input, options.batch, result.input_formulas)
    lines = [said] + [
        f"{name}: {text}" for name, text in entries(result, options.dtype, options.batch)
    ]
    return [one_line(line) for line in lines]


def figures(node: Node, options: Options) -> list[str]:
    """Return the lines of the columns asked for that a node has, counts as the tree shows
    them: `params 9.41K`."""
    row = node.row
    if row is None or not options.columns:
        return []
    return [f"{column.heading} {_cell(column, row, options)}" for column in options.columns
            if column not in _SAID]  # fmt: skip


def _cell(column: Column, row: Row, options: Options) -> str:
    if column.numeric:
        return compact(int(value(column, row, options.dtype, options.batch)))
    return text(column, row, options.dtype, options.batch)


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


def nested(graph: Graph) -> list[tuple[str, int, int]]:
    """Return the nodes in groups, in order: ("node", place, level), ("open", group, level)
    and ("close", group, level), level counting the groups around.

    Each group holds its nodes and groups, in the order the first of each ran; the input is
    first and the output last, outside every group.
    """
    within: dict[int | None, list[tuple[str, int]]] = {None: []}
    for place, node in enumerate(graph.nodes):
        item, group = ("node", place), node.group
        while group is not None and group not in within:  # its group is new: so may its parent be
            within[group] = [item]
            item, group = ("open", group), graph.groups[group].parent
        within[group].append(item)
    order: list[tuple[str, int, int]] = []
    pending = [(*item, 0) for item in reversed(within[None])]
    while pending:
        kind, place, level = pending.pop()
        order.append((kind, place, level))
        if kind == "open":
            pending.append(("close", place, level))
            pending.extend((*item, level + 1) for item in reversed(within[place]))
    return order
