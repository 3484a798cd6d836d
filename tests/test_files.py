"""Output files are written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from shapecalc.errors import ShapecalcError
from shapecalc.files import write_atomically


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    write_atomically(target, "first\n")
    write_atomically(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    assert [path.name for path in tmp_path.iterdir()] == ["out.md"]


def test_a_failure_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.md"
    target.write_text("earlier\n", encoding="utf-8")

    def refuse(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", refuse)
    with pytest.raises(ShapecalcError, match="cannot write: No space left on device"):
        write_atomically(target, "later\n")
    assert target.read_text(encoding="utf-8") == "earlier\n"
    assert [path.name for path in tmp_path.iterdir()] == ["out.md"]


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ShapecalcError, match=r"cannot write: No such file or directory"):
        write_atomically(tmp_path / "gone" / "out.md", "x")
