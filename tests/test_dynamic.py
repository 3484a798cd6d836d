"""Dynamic shapes for export: what --format dynamic declares, and what torch.export said of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import torch_data

from shapecalc import api

Run = Callable[..., Result]
RECORDED = torch_data("torch_export.json")  # by tools/record_export.py
RESNET18 = """\
import torch
from torch.export import Dim

H = Dim('H', min=33)
W = Dim('W', min=33)
dynamic_shapes = {"x": {2: H, 3: W}}
example = torch.randn(1, 3, 224, 224)  # one of those sizes
# torch.export.export(model, (example,), dynamic_shapes=dynamic_shapes)

# Or only the sizes where no strided layer rounds:
# H = 32 * Dim('H_32', min=2)
# W = 32 * Dim('W_32', min=2)

# torch.onnx.export(..., dynamic_axes={"x": {2: "H", 3: "W"}})
"""


def test_resnet18(run: Run) -> None:
    result = run("resnet18", "-i", "HxW", "-f", "dynamic", "-q")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# resnet18 · 3@H×W · figures at H = 224, W = 224"
    assert lines[1].startswith("# H: valid for every H ≥ 1 (with W = 224)")
    assert "\n".join(lines[3:]) + "\n" == RESNET18
    compile(result.stdout, "export.py", "exec")  # Python, to paste


def test_a_periodic_set_is_a_multiple(run: Run) -> None:
    result = run("examples/volume_3d.yaml", "-i", "1xSxSxS", "-f", "dynamic", "-q")
    assert "S = 4 * Dim('S_4', min=2)\n" in result.stdout  # at S = 4, sizes of 1 inside
    assert "# Or only" not in result.stdout  # the same sizes: no alternative
    assert 'dynamic_shapes = {"x": {2: S, 3: S, 4: S}}' in result.stdout


def test_a_keyword_is_no_name(run: Run) -> None:
    result = run("resnet18", "-i", "ifxW", "-f", "dynamic", "-q")
    assert "if_ = Dim('if', min=33)" in result.stdout
    compile(result.stdout, "export.py", "exec")


def test_without_names_is_refused(run: Run) -> None:
    result = run("resnet18", "-f", "dynamic")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --format: dynamic needs sizes to name: give --input with symbols, such as HxW\n",
    )


def test_a_py_file_is_dynamic(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "export.py"
    result = run("resnet18", "-i", "HxW", "-o", str(target), "-q")
    assert result.exit_code == 0 and "dynamic_shapes = " in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(RECORDED), ids=str)
def test_torch_export_takes_what_is_declared(name: str) -> None:
    """torch.export took the very snippet written today, and not one step lower."""
    record = RECORDED[name]
    assert api.render(api.infer(name, "HxW"), "dynamic") == record["declared"]
    assert record["exports"] is None
    assert record["one_less"] is not None


def test_a_ceil_mode_pool_puts_the_multiples_first(run: Run) -> None:
    result = run("squeezenet1_1", "-i", "HxW", "-f", "dynamic", "-q")
    code = result.stdout
    assert code.index("H = 16 * Dim('H_16', min=2) + 2") < code.index("# H = Dim('H', min=33)")
    assert "example = torch.randn(1, 3, 226, 226)" in code  # 224 is not of the form 16·k + 2
