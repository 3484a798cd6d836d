"""The Mermaid format: Mermaid's own parser takes it, names stay text, goldens hold."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _mermaid import parse_errors, parse_errors_many
from conftest import named, spec

from shapecalc import api, catalog
from shapecalc.formats import Format, Options, text
from shapecalc.modules import Model

ROOT = Path(__file__).resolve().parent.parent
# Names with every character a label could mistake for syntax or markup, and the sequences
# Mermaid reads in labels: entities, icons, maths, escapes, a directive, its placeholders.
HOSTILE = [
    'a"b|c#d;e',
    "<b>bold</b>&amp;",
    "fa:fa-car x^2 {curly}",
    "back\\nslash `tick`",
    "%%{init: {}}%% end",
    "¶ß ﬂ° 中文 😀 ×",
    " spaced ",
]


def mermaid(model: Model, depth: int | None = None, **options: object) -> str:
    return text(api.infer(model), Format.MERMAID, Options(depth=depth, **options))  # type: ignore[arg-type]


def labels(diagram: str) -> list[str]:
    """Return every quoted label of a flowchart, its entity codes decoded as Mermaid does."""
    quoted = re.findall(r'"([^"]*)"', diagram)
    return [re.sub(r"#(\d+);", lambda code: chr(int(code[1])), each) for each in quoted]


def test_mermaid_parses_every_diagram_it_is_given() -> None:
    texts = [
        mermaid(catalog.load("resnet18")),
        mermaid(catalog.load("googlenet"), 2),
        mermaid(catalog.load("densenet121"), 2),
        mermaid(catalog.load("mobilenet_v2"), 2),
        mermaid(catalog.load("lraspp_mobilenet_v3_large"), 3),
        mermaid(catalog.load("yolov8n"), 2),
        mermaid(catalog.load("examples/unet.yaml")),
        mermaid(named(HOSTILE)),
    ]
    assert parse_errors_many(texts) == [None] * len(texts)


def test_every_model_pages_diagram_parses() -> None:
    """docs/models/*.md each hold a model's data flow, which GitHub draws with Mermaid."""
    pages = sorted((ROOT / "docs" / "models").glob("*.md"))
    blocks = [
        re.findall(r"```mermaid\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
        for page in pages
    ]
    texts = [found[0] for found in blocks if found]
    assert len(texts) == len(catalog.builtin_names())
    assert parse_errors_many(texts) == [None] * len(texts)


def test_mermaids_parser_refuses_what_is_not_a_flowchart() -> None:
    """The oracle can fail: a label left unquoted with a quote in it is refused."""
    broken = mermaid(catalog.load("resnet18"), 1).replace('("conv1', '(conv1"', 1)
    assert parse_errors(broken) is not None


def test_names_are_text_in_every_label() -> None:
    diagram = mermaid(named(HOSTILE))
    said = labels(diagram)
    for name in HOSTILE:
        assert any(name in label for label in said), name
    plain = mermaid(named([f"m{index}" for index in range(len(HOSTILE))]))
    assert re.sub(r'"[^"]*"', '""', diagram) == re.sub(r'"[^"]*"', '""', plain)  # the syntax


def test_a_comment_holds_a_caption_on_one_line() -> None:
    model = spec("input: [4, 8, 8]\nmodel:\n  - {type: ReLU}\n")
    head = mermaid(model).splitlines()[0]
    assert head.startswith("%% net · 4@8×8")


@pytest.mark.parametrize(
    ("name", "depth"),
    [("resnet18", None), ("googlenet", 2), ("densenet121", 2)],
    ids=["resnet18", "googlenet-depth-2", "densenet121-depth-2"],
)
def test_golden(name: str, depth: int | None, golden: object) -> None:
    suffix = "" if depth is None else f"_d{depth}"
    golden(f"diagram_{name}{suffix}.mmd", mermaid(catalog.load(name), depth))  # type: ignore[operator]


def test_columns_put_figures_on_the_nodes() -> None:
    from shapecalc.formats.columns import Column

    diagram = mermaid(catalog.load("resnet18"), 1, columns=(Column.PARAMS, Column.MACS))
    assert "conv1\nConv2d\nparams 9.41K\nMACs 118M" in "\n".join(labels(diagram))  # as the tree


def test_a_diagram_past_mermaids_edges_says_so_and_names_a_depth_under_them(
    run: Callable[..., Any],
) -> None:
    done = run("resnet152", "--format", "mermaid")
    assert done.exit_code == 0
    assert done.stderr == (
        "note: the diagram has 566 edges; Mermaid draws at most 500 unless the site's "
        "configuration raises maxEdges; --depth 2 keeps it under\n"
    )
    assert (parse_errors(done.stdout) or "").startswith("Edge limit exceeded")  # Mermaid agrees
    assert run("resnet152", "--format", "mermaid", "--depth", "2").stderr == ""
    assert run("resnet152", "--format", "mermaid", "--quiet").stderr == ""
