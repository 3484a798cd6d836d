"""A layered layout of a directed graph, top to bottom, in linear passes over its nodes.

Sugiyama's method, kept small for the graphs networks make, which are mostly chains that
split and join: nodes go in layers by their longest path from a source; an edge that spans
layers passes through a point in each, so that nothing crosses a node; each layer's order
starts from the order the nodes ran in (a branch left of the branches after it, a long edge
beside the nodes it passes) and is improved by barycentre sweeps only where edges cross;
and each layer's positions are the closest, in least squares, to its neighbours' that keep
the order and the spacing (isotonic regression, one pass per layer), in sweeps down and up.

Below each node is a band for its label, beside the edge leaving its centre, then a band where
edges bend: a label never meets an edge, a node or another label.

Every pass is linear in the nodes and points, but for the order's sorting and crossing
count, n log n in a layer.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence

from shapecalc.limits import MAX_DIAGRAM_POINTS
from shapecalc.value import frozen

GAP = 24.0  # between neighbours in a layer
BEND = 28.0  # the band where edges bend between layers
SWEEPS = 6  # rounds of ordering and of positioning
# Weights (see _Layout.positions): a node holds its place firmly, a point of a long edge
# barely; a point pulls a node barely; a node with no neighbour on the side looked at, not at all.
_NODE, _POINT, _LOOSE = 1.0, 0.001, 0.0001


Pulls = tuple[list[tuple[int, float]], float]  # neighbours with how much each pulls; their sum


class TooLargeError(Exception):
    """A graph whose layout would hold more than MAX_DIAGRAM_POINTS nodes and points."""


@frozen
class Size:
    """A node's box, and the label under it: its width right of the node's centre, height."""

    width: float
    height: float
    label_width: float = 0.0
    label_height: float = 0.0


@frozen
class Placed:
    """Where everything went: each node's centre and top, each edge's points from the bottom
    of its source to the top of its target (reversed edges too: the first point is the
    source's), and each node's label's top-left corner."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    routes: tuple[tuple[tuple[float, float], ...], ...]
    labels: tuple[tuple[float, float], ...]
    width: float
    height: float
    upward: tuple[bool, ...]  # each edge's: drawn from its target, above, to its source


def layout(sizes: Sequence[Size], edges: Sequence[tuple[int, int]]) -> Placed:
    """Lay out nodes of these sizes joined by these edges (source, target by place)."""
    work = _Layout(sizes, edges)
    layers = work.order()
    return work.place(layers, work.positions(layers))


def _layers(count: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    """Return each node's layer: one below its lowest source.

    Where a cycle must be broken (a collapsed module can feed one that fed it), the node that
    ran first goes first, and edges against that order run upwards.
    """
    after: list[list[int]] = [[] for _ in range(count)]
    needs = [0] * count
    for source, target in edges:
        after[source].append(target)
        needs[target] += 1
    rank, ready = [-1] * count, [node for node in range(count) if not needs[node]]
    heapq.heapify(ready)
    waiting = 0  # the first node not yet ranked, for breaking a cycle
    for turn in range(count):
        if not ready:
            while rank[waiting] >= 0:
                waiting += 1
            ready.append(waiting)
        node = heapq.heappop(ready)
        rank[node] = turn
        for target in after[node]:
            needs[target] -= 1
            if not needs[target] and rank[target] < 0:
                heapq.heappush(ready, target)
    above: list[list[int]] = [[] for _ in range(count)]
    for source, target in edges:
        upper, lower = (source, target) if rank[source] < rank[target] else (target, source)
        above[lower].append(upper)
    layer = [0] * count
    for node in sorted(range(count), key=lambda node: rank[node]):
        layer[node] = max((layer[upper] + 1 for upper in above[node]), default=0)
    return layer


class _Layout:
    """A graph being laid out: its nodes, then the points its long edges pass through.

    `chains` are each edge's nodes and points, top to bottom; `level` is each one's layer;
    `above` and `below` are each one's neighbours in the layers beside it.
    """

    def __init__(self, sizes: Sequence[Size], edges: Sequence[tuple[int, int]]) -> None:
        self.sizes, self.edges, self.real = sizes, edges, len(sizes)
        self.level = _layers(len(sizes), edges)
        self.chains: list[list[int]] = []
        for source, target in edges:
            top, bottom = sorted((source, target), key=lambda node: self.level[node])
            span = self.level[bottom] - self.level[top]
            first = len(self.level)
            if first + span - 1 > MAX_DIAGRAM_POINTS:
                raise TooLargeError
            self.level += range(self.level[top] + 1, self.level[bottom])
            self.chains.append([top, *range(first, len(self.level)), bottom])
        count = len(self.level)
        self.above: list[list[int]] = [[] for _ in range(count)]
        self.below: list[list[int]] = [[] for _ in range(count)]
        for chain in self.chains:
            for upper, lower in itertools.pairwise(chain):
                self.below[upper].append(lower)
                self.above[lower].append(upper)
        # Each one's half widths, left and right of its centre: a node's label is on its right.
        self.halves = [(size.width / 2, max(size.width / 2, size.label_width)) for size in sizes]
        self.halves += [(0.0, 0.0)] * (count - self.real)

    def order(self) -> list[list[int]]:
        """Return each layer's nodes and points, left to right.

        They start in the order the nodes ran, each point just before the node its edge goes
        to: right of the branch that leads there directly. Barycentre sweeps then run only
        while edges cross, and the order with the fewest crossings is kept.
        """
        key = [float(node) for node in range(self.real)] + [0.0] * (len(self.level) - self.real)
        for chain in self.chains:
            for point in chain[1:-1]:
                key[point] = chain[-1] - 0.5
        layers: list[list[int]] = [[] for _ in range(max(self.level, default=0) + 1)]
        for node in sorted(range(len(self.level)), key=lambda node: key[node]):
            layers[self.level[node]].append(node)
        best, fewest = [list(nodes) for nodes in layers], self.crossings(layers)
        for sweep in range(SWEEPS * 2):
            if not fewest:
                break
            down = sweep % 2 == 0
            for index in range(1, len(layers)) if down else range(len(layers) - 2, -1, -1):
                beside = layers[index - 1] if down else layers[index + 1]
                _by_barycentre(layers[index], beside, self.above if down else self.below)
            crossings = self.crossings(layers)
            if crossings < fewest:
                best, fewest = [list(nodes) for nodes in layers], crossings
        return best

    def crossings(self, layers: list[list[int]]) -> int:
        """Count the edges that cross between each layer and the next."""
        total = 0
        for upper, lower in itertools.pairwise(layers):
            place = {node: index for index, node in enumerate(lower)}
            ends = [sorted(place[other] for other in self.below[node]) for node in upper]
            total += _inversions([end for node_ends in ends for end in node_ends])
        return total

    def positions(self, layers: list[list[int]]) -> list[float]:
        """Return each node's and point's x: packed, then moved towards its neighbours.

        Each sweep takes the layers in turn, down then up, and gives each node the x, keeping
        its layer's order and spacing, closest in least squares to the weighted mean of its
        neighbours' in the layer before. Points weigh little, on their own places and on a
        node's: a chain runs straight down, a join sits under the branch that leads to it
        directly, and a long edge bends round them.
        """
        spacing = [self.offsets(nodes) for nodes in layers]  # the order is settled: once
        x = [0.0] * len(self.level)
        for nodes, offsets in zip(layers, spacing, strict=True):
            for node, offset in zip(nodes, offsets, strict=True):
                x[node] = offset
        # Each one's neighbours above and below, with their pulls and the pulls' sum.
        sides = [
            [self.pulls(node, near[node]) for node in range(len(x))]
            for near in (self.above, self.below)
        ]
        settled = list(x)
        for _ in range(SWEEPS):
            for nodes, offsets in zip(layers, spacing, strict=True):
                self.move(nodes, offsets, sides[0], x)
            for nodes, offsets in zip(reversed(layers), reversed(spacing), strict=True):
                self.move(nodes, offsets, sides[1], x)
            if max(map(abs, map(float.__sub__, x, settled)), default=0.0) < 0.5:
                break  # a round down and up that moved nothing to be seen is the last
            settled = list(x)
        left = min((x[node] - self.halves[node][0] for node in range(len(x))), default=0.0)
        return [at - left for at in x]

    def move(
        self, nodes: list[int], offsets: list[float], side: list[Pulls], x: list[float]
    ) -> None:
        """Move a layer's nodes towards their neighbours on one side, keeping their spacing."""
        targets, weights = [], []
        for node in nodes:
            near, total = side[node]
            if total:
                targets.append(sum(x[other] * weight for other, weight in near) / total)
                weights.append(_POINT if node >= self.real else _NODE)
            else:
                targets.append(x[node])
                weights.append(_LOOSE)
        fitted = targets if len(nodes) == 1 else _fit(targets, weights, offsets)
        for node, at in zip(nodes, fitted, strict=True):
            x[node] = at

    def pulls(self, node: int, near: list[int]) -> Pulls:
        """Return how much each neighbour pulls a node (barely, a point on a long edge a
        node), and their sum."""
        pulls = [(other, _POINT if node < self.real <= other else _NODE) for other in near]
        return pulls, sum(weight for _, weight in pulls)

    def offsets(self, nodes: list[int]) -> list[float]:
        """Return the least distance of each one's centre from the first's, in order: points
        of long edges need half the gap."""
        offsets, at = [0.0], 0.0
        for before, node in itertools.pairwise(nodes):
            gap = GAP if node < self.real and before < self.real else GAP / 2
            at += self.halves[before][1] + self.halves[node][0] + gap
            offsets.append(at)
        return offsets[: len(nodes)]

    def place(self, layers: list[list[int]], x: list[float]) -> Placed:
        """Return the layout, once each layer's top and each edge's ends are known."""
        sizes, real, level = self.sizes, self.real, self.level
        tops, ends, at = [], [], 0.0
        for nodes in layers:
            row = max((sizes[node].height for node in nodes if node < real), default=0.0)
            band = max((sizes[node].label_height for node in nodes if node < real), default=0.0)
            tops.append(at)
            ends.append(at + row + band)
            at += row + band + BEND
        ports = self.ports(x)
        routes = []
        for chain, port in zip(self.chains, ports, strict=True):
            top = chain[0]
            points = [(x[top], tops[level[top]] + sizes[top].height), (x[top], ends[level[top]])]
            for point in chain[1:-1]:
                points += [(x[point], tops[level[point]]), (x[point], ends[level[point]])]
            points.append((port, tops[level[chain[-1]]]))
            routes.append(tuple(points))
        bottoms = [tops[level[node]] + max(
            (sizes[other].height for other in layers[level[node]] if other < real), default=0.0
        ) for node in range(real)]  # fmt: skip
        return Placed(
            x=tuple(x[:real]),
            y=tuple(tops[level[node]] for node in range(real)),
            routes=tuple(routes),
            labels=tuple((x[node] + 6.0, bottoms[node]) for node in range(real)),
            width=max((x[node] + self.halves[node][1] for node in range(real)), default=0.0),
            height=ends[-1] if ends else 0.0,
            upward=tuple(level[source] > level[target] for source, target in self.edges),
        )

    def ports(self, x: list[float]) -> list[float]:
        """Return where each edge meets the top of the node it ends at: spread over the top
        in the order of where they come from, left to right, so that they do not cross there
        (the node's title says the order a join takes them in, where it is not this)."""
        arriving: dict[int, list[int]] = {}
        for index, chain in enumerate(self.chains):
            arriving.setdefault(chain[-1], []).append(index)
        ports = [0.0] * len(self.chains)
        for node, indices in arriving.items():
            indices.sort(key=lambda index: x[self.chains[index][-2]])
            step = min(16.0, self.sizes[node].width / (len(indices) + 1))
            middle = (len(indices) - 1) / 2
            for place, index in enumerate(indices):
                ports[index] = x[node] + (place - middle) * step
        return ports


def _by_barycentre(nodes: list[int], fixed: list[int], near: list[list[int]]) -> None:
    """Sort a layer by the mean place of each node's neighbours in the fixed layer beside."""
    place = {node: index for index, node in enumerate(fixed)}
    keys = {}
    for index, node in enumerate(nodes):
        places = [place[other] for other in near[node]]
        keys[node] = sum(places) / len(places) if places else float(index)
    nodes.sort(key=lambda node: keys[node])


def _inversions(values: list[int]) -> int:
    """Count the pairs out of order, by merge sort."""
    if len(values) < 2:
        return 0
    middle = len(values) // 2
    left, right = sorted(values[:middle]), sorted(values[middle:])
    count = _inversions(values[:middle]) + _inversions(values[middle:])
    smaller = 0
    for value in left:
        while smaller < len(right) and right[smaller] < value:
            smaller += 1
        count += smaller
    return count


def _fit(targets: list[float], weights: list[float], offsets: list[float]) -> list[float]:
    """Return the xs closest to `targets` (weighted least squares) that are at least
    `offsets` apart, in order: pool-adjacent-violators on the targets less the offsets."""
    blocks: list[tuple[float, float, int]] = []  # each: weighted mean, weight, count
    for target, weight, offset in zip(targets, weights, offsets, strict=True):
        mean, total, count = target - offset, weight, 1
        while blocks and blocks[-1][0] > mean:
            before, held, many = blocks.pop()
            mean = (before * held + mean * total) / (held + total)
            total, count = held + total, many + count
        blocks.append((mean, total, count))
    fitted = [mean for mean, _, count in blocks for _ in range(count)]
    return [at + offset for at, offset in zip(fitted, offsets, strict=True)]
