"""Comparing results: one model at several inputs, and two models matched by path."""

from __future__ import annotations

import time

import pytest
from conftest import spec

from shapecalc.compare import Diff, Sides, Status
from shapecalc.engine import Row, attempt, infer
from shapecalc.modules import Model
from shapecalc.shape import Shape


def sides(model: Model, *sizes: int) -> Sides:
    return Sides(model, tuple(attempt(model, model.input.with_spatial((n, n))) for n in sizes))


def stepping(found: Sides, depth: int | None = 1) -> dict[str, bool]:
    return {row.module.path: row.in_step for row in found.rows(depth)}


def test_sizes_that_scale_alike_are_in_step(resnet18: Model) -> None:
    """224 and 320 are both multiples of 32: every size differs, none out of step."""
    assert all(stepping(sides(resnet18, 224, 320), None).values())


def test_the_layers_that_round_one_size_differently_are_out_of_step(resnet18: Model) -> None:
    marked = [path for path, step in stepping(sides(resnet18, 224, 225), None).items() if not step]
    assert marked[:2] == ["conv1", "maxpool"]
    assert "layer2.0.conv1" in marked and "layer2.0.conv2" not in marked
    assert "avgpool" not in marked  # the same output for every input: they meet again


def test_a_third_size_is_compared_with_the_first(resnet18: Model) -> None:
    assert not stepping(sides(resnet18, 224, 320, 225))["conv1"]
    assert stepping(sides(resnet18, 224, 320, 448))["conv1"]


@pytest.mark.parametrize(
    ("sizes", "in_step"),
    [((8, 16), True), ((8, 12), True), ((9, 16), False)],
    ids=["double", "one-and-a-half", "odd"],
)
def test_each_axis_scales_on_its_own(sizes: tuple[int, int], in_step: bool) -> None:
    model = spec("input: [1, 8, 8]\nmodel:\n  children:\n    - {type: MaxPool2d, kernel_size: 2}\n")
    outcomes = tuple(attempt(model, Shape((1, size, 8))) for size in sizes)
    (row,) = Sides(model, outcomes).rows()
    assert row.in_step is in_step


def test_a_stopped_input_has_its_rows_up_to_the_failure() -> None:
    model = spec(
        "input: [1, 8, 8]\nmodel:\n  children:\n"
        "    - {type: MaxPool2d, kernel_size: 2}\n    - {type: MaxPool2d, kernel_size: 4}\n"
    )
    found = Sides(model, (attempt(model, Shape((1, 8, 8))), attempt(model, Shape((1, 4, 4)))))
    first, second = found.rows()
    assert isinstance(first.cells[1], Row) and first.cells[1].shape == Shape((1, 2, 2))
    assert second.cells[0] is not None and not isinstance(second.cells[1], Row)
    assert found.results[1] is None


def test_when_every_input_stops_the_furthest_gives_the_rows() -> None:
    model = spec(
        "input: [1, 8, 8]\nmodel:\n  children:\n"
        "    - {type: MaxPool2d, kernel_size: 2}\n    - {type: MaxPool2d, kernel_size: 8}\n"
    )
    found = Sides(model, (attempt(model, Shape((1, 1, 1))), attempt(model, Shape((1, 4, 4)))))
    assert [row.module.path for row in found.rows()] == ["0", "1"]


def changes(a: str, b: str, depth: int | None = None) -> list[tuple[str, str]]:
    diff = Diff(infer(spec(a), Shape((1, 8, 8))), infer(spec(b), Shape((1, 8, 8))))
    return [(change.status.value, change.row.path) for change in diff.changes(depth)]


STACK = "input: [1, 8, 8]\nmodel:\n  children:\n{}"
CONV = "    {}: {{type: Conv2d, out_channels: {}, kernel_size: 3, padding: 1}}\n"


@pytest.mark.parametrize(
    ("b", "expected"),
    [
        (CONV.format("a", 4) + CONV.format("b", 4), [(" ", "a"), (" ", "b")]),
        (CONV.format("a", 4) + CONV.format("b", 8), [(" ", "a"), ("~", "b")]),
        (CONV.format("a", 4), [(" ", "a"), ("-", "b")]),
        (CONV.format("b", 4), [("-", "a"), ("~", "b")]),
        (
            CONV.format("a", 4) + CONV.format("x", 4) + CONV.format("b", 4),
            [(" ", "a"), ("+", "x"), (" ", "b")],
        ),
    ],
    ids=["same", "changed", "removed-last", "removed-first", "added-between"],
)
def test_rows_are_matched_by_path(b: str, expected: list[tuple[str, str]]) -> None:
    a = STACK.format(CONV.format("a", 4) + CONV.format("b", 4))
    assert changes(a, STACK.format(b)) == expected


def test_a_changed_row_says_what_changed(resnet18: Model) -> None:
    diff = Diff(infer(resnet18, Shape((3, 224, 224))), infer(resnet18, Shape((3, 225, 225))))
    found = {change.row.path: change for change in diff.changes(1)}
    assert found["conv1"].differs == ("output", "macs")
    assert found["fc"].status is Status.UNCHANGED
    assert not diff.same
    assert Diff(diff.a, diff.a).same


def test_matching_is_linear() -> None:
    """Ten times the rows take about ten times as long, never a hundred."""

    def timed(count: int) -> float:
        body = "".join(f"    m{n}: ReLU\n" for n in range(count))
        a, b = infer(spec(STACK.format(body)), Shape((1, 8, 8))), None
        b = infer(spec(STACK.format(body.replace("m1:", "x1:"))), Shape((1, 8, 8)))
        start = time.perf_counter()
        Diff(a, b).changes()
        return time.perf_counter() - start

    small, large = min(timed(2_000) for _ in range(3)), min(timed(20_000) for _ in range(3))
    assert large < 40 * small
