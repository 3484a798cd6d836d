"""Expanding module nodes: each use of a block is its own, names are evaluated, work is bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PEAK_KB, SECONDS, TESTS, measure, spec, torch_data

from shapecalc.engine import infer
from shapecalc.errors import Mark, SpecError
from shapecalc.layers import KINDS
from shapecalc.limits import MAX_BLOCK_USES, MAX_MODULES, MAX_NESTING
from shapecalc.shape import Shape
from shapecalc.spec import load_spec
from shapecalc.spec.expand import literal_key
from shapecalc.spec.source import YMap


@pytest.mark.parametrize("case", range(2), ids=["12x12", "9x14"])
def test_each_use_of_a_block_matches_pytorch(case: int) -> None:
    """A parameter used only as a layer's type, and ${…} in names outside repeat, per use."""
    recorded = torch_data("torch_per_use.json")["cases"][case]
    model = load_spec(TESTS / "specs" / "per_use.yaml", "per_use.yaml")
    result = infer(model, Shape(tuple(recorded["input"])))
    rows = [
        {
            "path": row.path,
            "type": row.type,
            "shape": row.shape and list(row.shape.dims),
            "params": row.params,
            "macs": row.macs,
        }
        for row in result.rows
    ]
    assert rows == recorded["rows"]


def test_a_literal_layer_is_cached_by_its_node_and_its_type() -> None:
    node, other = YMap((), Mark("net.yaml", 1, 1)), YMap((), Mark("net.yaml", 1, 1))
    keys = {literal_key(node, KINDS[kind]) for kind in ("Identity", "Flatten", "Identity")}
    assert len(keys) == 2
    assert literal_key(node, KINDS["ReLU"]) != literal_key(other, KINDS["ReLU"])


BLOCK_TYPES = """
input: [3, 8, 8]
blocks:
  Stage:
    params: [kind]
    children: [{type: $kind}]
model:
  children:
    a: {type: Stage, kind: Identity}
    b: {type: Stage, kind: Flatten}
    c: {type: Stage, kind: Identity}
"""


def test_a_type_parameter_gives_each_use_its_own_layer() -> None:
    rows = infer(spec(BLOCK_TYPES), Shape((3, 8, 8))).rows
    assert [(row.path, row.type, str(row.shape)) for row in rows if row.is_leaf] == [
        ("a.0", "Identity", "3@8×8"),
        ("b.0", "Flatten", "192"),
        ("c.0", "Identity", "192"),
    ]


def paths(text: str) -> list[str]:
    model = spec(text)
    return [row.path for row in infer(model, model.input).rows]


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        pytest.param("block${n}: ReLU", ["s", "s.block3"], id="template"),
        pytest.param("${n * 2}: ReLU", ["s", "s.6"], id="whole-template"),
        pytest.param("$name: ReLU", ["s", "s.act"], id="parameter"),
        pytest.param("b${n}_${name}: ReLU", ["s", "s.b3_act"], id="two-parts"),
        pytest.param("'0x10': ReLU", ["s", "s.0x10"], id="as-written"),
    ],
)
def test_names_are_evaluated_wherever_they_are_written(children: str, expected: list[str]) -> None:
    text = f"""
    input: [3, 8, 8]
    blocks:
      S:
        params: [n, name: act]
        children:
          {children}
    model:
      children:
        s: {{type: S, n: 3}}
    """
    assert paths(text) == expected


def test_types_and_use_targets_are_evaluated_too() -> None:
    text = """
    input: [3, 8, 8]
    blocks:
      S:
        params: [n]
        type: Stage${n}
        children:
          act${n}: ReLU
          again: {use: "act${n}"}
    model:
      children:
        s: {type: S, n: 2}
    """
    model = spec(text)
    rows = infer(model, model.input).rows
    assert [(row.path, row.type) for row in rows] == [("s", "Stage2"), ("s.act2", "ReLU")]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        pytest.param(
            "block$n",
            "net.yaml:8:7: 'block$n' has a $ outside ${…}: compute a part as ${i + 1}",
            id="dollar-outside",
        ),
        pytest.param(
            "b${n / 2}",
            "net.yaml:8:7: a name's ${…} must give text or a whole number, got 1.5",
            id="float-in-name",
        ),
        pytest.param(
            "b${[n]}",
            "net.yaml:8:7: a name's ${…} must give text or a whole number, got [3]",
            id="list-part",
        ),
        pytest.param(
            "'${n}.x'",
            "net.yaml:8:7: '3.x' cannot name a module (PyTorch forbids '.' and '')",
            id="dot",
        ),
        pytest.param(
            '"a\\e]0;owned\\ab"',
            "net.yaml:8:7: the module name 'a\\x1b]0;owned\\x07b' holds '\\x1b', which is not "
            "printable: names and text may not hold control, format or line-separator "
            "characters",
            id="escape",
        ),
        pytest.param(
            '"x\\u202eb"',
            "net.yaml:8:7: the module name 'x\\u202eb' holds '\\u202e', which is not printable: "
            "names and text may not hold control, format or line-separator characters",
            id="bidi",
        ),
        pytest.param(
            '"line\\nerror: forged"',
            "net.yaml:8:7: the module name 'line\\nerror: forged' holds '\\n', which is not "
            "printable: names and text may not hold control, format or line-separator "
            "characters",
            id="newline",
        ),
        pytest.param(
            "n" * 101,
            f"net.yaml:8:7: the module name '{'n' * 80}…' is longer than 100 characters",
            id="long",
        ),
    ],
)
def test_bad_names_are_refused(key: str, message: str) -> None:
    text = f"""
    input: [3, 8, 8]
    blocks:
      S:
        params: [n]
        children:
          ok: ReLU
          {key}: ReLU
    model:
      children:
        s: {{type: S, n: 3}}
    """
    with pytest.raises(SpecError) as caught:
        spec(text)
    assert str(caught.value).replace("net.yaml:8:7: s: ", "net.yaml:8:7: ") == message


def test_a_long_path_is_refused() -> None:
    name = "n" * 99
    nested = f"{{children: {{{name}: " * 5 + "ReLU" + "}}" * 5
    with pytest.raises(SpecError, match=r"the module path .* is longer than 400 characters"):
        spec(f"input: [3, 8, 8]\nmodel: {nested}\n")


def chain(count: int, last: str, wrap: str = "{type: B%d}") -> str:
    """A spec whose blocks B0 … B{count-1} each hold only the next (`wrap`); the last, `last`."""
    blocks = "".join(f"  B{n}: {wrap % (n + 1)}\n" for n in range(count - 1))
    return f"input: [3, 8, 8]\nblocks:\n{blocks}  B{count - 1}: {last}\nmodel: {{type: B0}}\n"


HOSTILE = {
    "block-chain": (
        chain(2000, "{type: Sequential, children: [ReLU]}"),
        f"modules nest deeper than {MAX_NESTING} levels, blocks included",
    ),
    "functional-nesting": (
        chain(2000, "{type: ReLU}", wrap="{functional: true, children: [{type: B%d}]}"),
        f"modules nest deeper than {MAX_NESTING} levels, blocks included",
    ),
    "functional-repeats": (
        "input: [3, 8, 8]\nmodel:\n  - {repeat: 100000, functional: true, children: "
        "[{type: ReLU, repeat: 100000, functional: true}]}\n",
        f"the model expands to more than {MAX_MODULES:,} modules",
    ),
    "use-repeats": (
        "input: [3, 8, 8]\nmodel:\n  children:\n    act: ReLU\n    again${i}: "
        "{repeat: 100000, functional: true, children: [{use: act, repeat: 100000}]}\n",
        f"the model expands to more than {MAX_MODULES:,} modules",
    ),
    "suggestions-among-many-long-names": (
        "input: [3, 8, 8]\nmodel:\n  children:\n"
        f"    {'ab' * 45}${{i}}: {{type: ReLU, repeat: 30000}}\n"
        f"    again: {{use: {'ab' * 45}x}}\n",
        "has no module named",
    ),
    "block-uses": (
        chain(90, "{type: ReLU}").replace(
            "model: {type: B0}", "model: [{type: B0, repeat: 100000}]"
        ),
        f"the model uses blocks more than {MAX_BLOCK_USES:,} times",
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_expansions_are_refused_fast_and_small(tmp_path: Path, name: str) -> None:
    text, message = HOSTILE[name]
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    seconds, peak_kb, status, stderr = measure(str(path), "--format", "json")
    assert (status, stderr.startswith(f"error: {path}:"), message in stderr) == (1, True, True), (
        stderr
    )
    assert seconds < SECONDS
    assert peak_kb < PEAK_KB
