"""The DOT format: graphviz's dot takes it, names stay text, goldens hold."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import named

from shapecalc import api, catalog
from shapecalc.formats import Format, Options, text
from shapecalc.modules import Model

HOSTILE = ['a"b', "back\\slash", "\\N\\G\\l", "amp&lt;", "<b>x</b>", "{rec|ord}", "中文 ×"]


def dot(model: Model, depth: int | None = None) -> str:
    return text(api.infer(model), Format.DOT, Options(depth=depth))


def graphviz(source: str, output: str = "svg") -> str:
    """Return what `dot` makes of `source`; skip where graphviz is not installed."""
    if shutil.which("dot") is None:
        pytest.skip("graphviz's dot is not installed (apt-get install graphviz)")
    done = subprocess.run(
        ["dot", f"-T{output}"],
        input=source,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "Error" not in done.stderr, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    ("name", "depth"),
    [
        ("resnet18", None),
        ("googlenet", 2),
        ("densenet121", None),
        ("yolov8n", 2),
        ("examples/unet.yaml", None),
        ("lraspp_mobilenet_v3_large", 3),
    ],
    ids=["resnet18", "googlenet", "densenet121", "yolov8n", "unet", "lraspp"],
)
def test_graphviz_draws_every_diagram(name: str, depth: int | None) -> None:
    source = dot(catalog.load(name), depth)
    drawn = graphviz(source)
    assert drawn.count('class="node"') == len(re.findall(r"^ *n\d+ \[label=", source, re.M))
    assert drawn.count('class="edge"') == len(re.findall(r"^ *n\d+ -> n\d+ ", source, re.M))


def test_names_are_text_in_every_label() -> None:
    """Graphviz's own SVG shows each name as written: no escape (\\N, \\l), entity or record."""
    drawn = graphviz(dot(named(HOSTILE)))
    shown = [
        re.sub(r"&#(\d+);", lambda code: chr(int(code[1])), line)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&amp;", "&")
        for line in re.findall(r"<text[^>]*>([^<]*)</text>", drawn)
    ]
    for name in HOSTILE:
        assert name in shown, (name, shown)


@pytest.mark.parametrize(
    ("name", "depth"),
    [("resnet18", None), ("googlenet", 2)],
    ids=["resnet18", "googlenet-depth-2"],
)
def test_golden(name: str, depth: int | None, golden: object) -> None:
    suffix = "" if depth is None else f"_d{depth}"
    golden(f"diagram_{name}{suffix}.dot", dot(catalog.load(name), depth))  # type: ignore[operator]
