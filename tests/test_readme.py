"""Every `$ shapecalc …` sample in the README is what the command really prints."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner

from shapecalc.cli import main

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^( *)```text\n(.*?)^\1```", re.DOTALL | re.MULTILINE)


def samples() -> Iterator[tuple[str, list[str]]]:
    """Yield each sample command and the lines the README shows under it."""
    for match in FENCE.finditer((ROOT / "README.md").read_text(encoding="utf-8")):
        command: str | None = None
        shown: list[str] = []
        for line in dedent(match.group(2)).splitlines():
            if line.startswith("$ "):
                if command:
                    yield command, shown
                command, shown = line[2:], []
            else:
                shown.append(line)
        if command and command.startswith("shapecalc "):
            yield command, shown


def elided(line: str) -> bool:
    return line.strip() == "..." or line.rstrip().endswith("── ...")


@pytest.mark.parametrize(
    ("command", "shown"), [pytest.param(*sample, id=sample[0]) for sample in samples()]
)
def test_readme_sample(command: str, shown: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    words = shlex.split(command)
    to_null = words[-2:] == [">", "/dev/null"]
    args = words[1:-2] if to_null else words[1:]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    printed = result.stderr if to_null else result.stdout + result.stderr
    lines = iter(printed.splitlines())
    for line in (line for line in shown if not elided(line)):
        assert any(line == actual for actual in lines), f"{command}: not printed: {line!r}"


def test_every_sample_is_checked() -> None:
    commands = [command for command, _ in samples()]
    assert len(commands) >= 10
    assert "shapecalc resnet18 --input 224" in commands


def test_python_samples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
    assert blocks
    for block in blocks:
        namespace: dict[str, object] = {}
        exec(compile(block, "README.md", "exec"), namespace)
        assert isinstance(namespace["page"], str)
        assert "| layer" in namespace["page"]


def test_the_readme_states_every_limit() -> None:
    """Each constant of shapecalc/limits.py has its row, with its value, in the Limits table."""
    from shapecalc import limits

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [name for name in vars(limits) if name.startswith("MAX_")]
    assert len(names) >= 20
    missing = [name for name in names if f"| `{name}` | {getattr(limits, name):,} |" not in text]
    assert missing == []
