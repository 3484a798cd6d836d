"""The codebase's own rules: lint, types, and which module may import which framework."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "shapecalc"
# The only modules allowed to import each third-party framework.
FRAMEWORKS = {
    "yaml": ["spec/loader.py"],
    "rich": [
        "formats/_export.py",
        "formats/_fit.py",
        "formats/export.py",
        "formats/tree.py",
    ],
    "click": [
        "cli/_base.py",
        "cli/_complete.py",
        "cli/_diff.py",
        "cli/_info.py",
        "cli/_main.py",
        "cli/_pager.py",
        "cli/_watch.py",
    ],
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_each_framework_is_imported_in_one_module(framework: str) -> None:
    importers = sorted(
        str(path.relative_to(PACKAGE)).replace("\\", "/")
        for path in PACKAGE.rglob("*.py")
        if framework in imported_roots(path)
    )
    assert importers == FRAMEWORKS[framework]


def shapecalc_imports(path: Path) -> set[str]:
    """Return the shapecalc modules a module imports, by dotted name."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return {name for name in names if name.startswith("shapecalc.")}


def modules_under(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules_under("formats"), ids=lambda path: path.name)
def test_formats_never_import_layer_classes(path: Path) -> None:
    """Formats print what layers describe (shapecalc.arith); none knows a layer's class."""
    assert not {name for name in shapecalc_imports(path) if name.startswith("shapecalc.layers")}


def test_the_spec_front_end_is_reached_through_its_package_only() -> None:
    """Outside shapecalc/spec/, only the catalog reads specs, and only by load_spec."""
    outside = [
        path for path in PACKAGE.rglob("*.py") if "spec" not in path.relative_to(PACKAGE).parts[:1]
    ]
    users = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in shapecalc_imports(path) if name.startswith("shapecalc.spec")
        )
        for path in outside
    }
    assert {path: names for path, names in users.items() if names} == {
        "catalog.py": ["shapecalc.spec", "shapecalc.spec.load_spec"]
    }


# Modules a run must not import (json but for JSON): each costs start-up time (issue 7).
HEAVY = (
    "rich",
    "torch",
    "importlib.metadata",
    "json",
    "pathlib",
    "locale",
    "dataclasses",
    "difflib",
    "tempfile",
    "encodings.utf_8_sig",
    "fractions",
    "shapecalc.formula",  # formulas are for symbolic inputs only
)


@pytest.mark.parametrize("fmt", ["json", "listing", "mermaid", "dot", "svg"])
def test_a_run_imports_nothing_heavy(fmt: str) -> None:
    """Nor do the diagrams, the SVG picture (--view graph) included, import rich."""
    view = ", '--view', 'graph'" if fmt == "svg" else ""
    code = (
        "import sys\n"
        "from shapecalc.cli import main\n"
        "try:\n"
        f"    main(['resnet18', '--input', '224', '--format', {fmt!r}{view}])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    expected = "['json']" if fmt == "json" else "[]"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == expected


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["ruff", "check", "--quiet", "."], id="ruff-check"),
        pytest.param(["ruff", "format", "--check", "--quiet", "."], id="ruff-format"),
        pytest.param(["mypy"], id="mypy-strict"),
    ],
)
def test_linters_pass(command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
