"""Finding models: built-in names, paths, and the specs an installed wheel carries."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_listing import document_listing

from shapecalc import catalog
from shapecalc.errors import ShapecalcError

ROOT = Path(__file__).resolve().parent.parent


def test_builtin_names_are_the_specs_folder() -> None:
    assert "resnet18" in catalog.builtin_names()
    assert Path(catalog.builtin_dir()) == ROOT / "specs"


@pytest.mark.parametrize(
    ("model", "path", "source"),
    [
        pytest.param("resnet18", ROOT / "specs" / "resnet18.yaml", "resnet18.yaml", id="name"),
        pytest.param("nets/x.yaml", Path("nets/x.yaml"), "nets/x.yaml", id="relative-path"),
        pytest.param("x.yml", Path("x.yml"), "x.yml", id="yml"),
    ],
)
def test_locate(model: str, path: Path, source: str) -> None:
    found, shown = catalog.locate(model)
    assert (Path(found), shown) == (path, source)


def test_unknown_name_suggests_a_builtin() -> None:
    with pytest.raises(ShapecalcError, match=r"did you mean 'resnet18'\?"):
        catalog.locate("resnet-18")


def test_load_by_name(resnet18: object) -> None:
    assert catalog.load("resnet18") == resnet18


def test_installed_wheel_finds_its_specs(tmp_path: Path) -> None:
    """Build the wheel, unpack it alone on sys.path, and run the command from it."""
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path / "dist"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("shapecalc-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "shapecalc/specs/resnet18.yaml" in archive.namelist()
        archive.extractall(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    where = subprocess.run(
        [sys.executable, "-c", "from shapecalc import catalog; print(catalog.builtin_dir())"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
    )
    assert where.stdout.strip() == str(tmp_path / "site" / "shapecalc" / "specs")
    listing = subprocess.run(
        [sys.executable, "-m", "shapecalc", "resnet18", "-f", "listing"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
    )
    assert listing.stdout == document_listing()
