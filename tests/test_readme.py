"""Every `$ shapecalc …` sample in the README and docs/*.md is what the command really prints.

docs/development.md ("Samples in the documentation") describes the samples and how output may be
elided; docs/models/ is generated, and tests/test_pages.py checks it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path
from textwrap import dedent
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from shapecalc.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^( *)```text\n(.*?)^\1```", re.DOTALL | re.MULTILINE)
ANY_FENCE = re.compile(r"^ *```.*?^ *```", re.DOTALL | re.MULTILINE)
LINK = re.compile(r"\]\(([^)\s]+)\)")


class Sample(NamedTuple):
    where: str  # file:line of the command, as a test id
    command: str
    shown: list[str]


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def samples_in(path: Path) -> Iterator[Sample]:
    """Yield each `$ shapecalc` command of a document's text blocks, with the lines under it."""
    text = path.read_text(encoding="utf-8")
    for match in FENCE.finditer(text):
        first = text.count("\n", 0, match.start(2)) + 1
        lines = dedent(match.group(2)).splitlines()
        starts = [number for number, line in enumerate(lines) if line.startswith("$ ")]
        for start, end in pairwise([*starts, len(lines)]):
            command = lines[start][2:]
            if command.startswith("shapecalc "):
                where = f"{relative(path)}:{first + start}"
                yield Sample(where, command, lines[start + 1 : end])


def samples() -> list[Sample]:
    return [sample for path in DOCUMENTS for sample in samples_in(path)]


def elided(line: str) -> bool:
    """Say whether a shown line stands for lines left out: `...`, or a tree guide's `── ...`."""
    return line.strip() == "..." or line.rstrip().endswith("── ...")


def unprinted(shown: Iterable[str], printed: str) -> str | None:
    """Return the first shown line that is not printed, in order; None when all are."""
    lines = iter(printed.splitlines())
    for line in (line for line in shown if not elided(line)):
        if not any(line == actual for actual in lines):
            return line
    return None


def run_sample(command: str) -> tuple[int, str]:
    """Run a sample's command in-process: its exit status, and what it shows."""
    words = shlex.split(command)
    to_null = words[-2:] == [">", "/dev/null"]
    args = words[1:-2] if to_null else words[1:]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.stderr if to_null else result.stdout + result.stderr


@pytest.mark.parametrize("sample", [pytest.param(s, id=s.where) for s in samples()])
def test_sample_prints_what_is_shown(sample: Sample, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    status, printed = run_sample(sample.command)
    missing = unprinted(sample.shown, printed)
    assert missing is None, f"{sample.where}: {sample.command}: not printed: {missing!r}"
    fails = any(line.startswith("error: ") for line in sample.shown)
    assert (status != 0) == fails, f"{sample.where}: {sample.command}: exit {status}"


@pytest.mark.parametrize(
    ("shown", "printed", "missing"),
    [
        (["a", "...", "c"], "a\nb\nc\n", None),
        (["a", "│   ├── ...", "c"], "a\nb\nc\n", None),
        (["c", "a"], "a\nb\nc\n", "a"),
        (["a", "b "], "a\nb\n", "b "),
        (["a", ".."], "a\nb\n", ".."),
    ],
    ids=["ellipsis", "tree-guide", "out-of-order", "trailing-space", "not-an-ellipsis"],
)
def test_only_marked_lines_are_elided(shown: list[str], printed: str, missing: str | None) -> None:
    assert unprinted(shown, printed) == missing


def test_every_document_with_samples_is_read() -> None:
    found = samples()
    files = {sample.where.split(":")[0] for sample in found}
    assert {"README.md", "docs/cli.md", "docs/errors.md", "docs/examples.md"} <= files
    assert len(found) >= 20
    readme = [sample.command for sample in found if sample.where.startswith("README.md:")]
    assert "shapecalc resnet18 --input 224" in readme


def test_sample_ids_name_the_command_line() -> None:
    sample = next(s for s in samples() if s.command == "shapecalc resnet18 --input 224")
    number = int(sample.where.split(":")[1])
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[number - 1] == "$ shapecalc resnet18 --input 224"


@pytest.mark.parametrize("path", DOCUMENTS, ids=relative)
def test_python_samples_run(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    text = path.read_text(encoding="utf-8")
    for block in re.findall(r"^```python\n(.*?)^```", text, re.DOTALL | re.MULTILINE):
        namespace: dict[str, object] = {}
        exec(compile(block, relative(path), "exec"), namespace)
        assert isinstance(namespace["page"], str)
        assert "| layer" in namespace["page"]


def test_the_docs_state_every_limit() -> None:
    """Each constant of shapecalc/limits.py has its row, with its value, in the Limits table."""
    from shapecalc import limits

    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    names = [name for name in vars(limits) if name.startswith("MAX_")]
    assert len(names) >= 20
    missing = [name for name in names if f"| `{name}` | {getattr(limits, name):,} |" not in text]
    assert missing == []


def test_docs_describe_every_option() -> None:
    """Each option --help lists has its row in docs/cli.md's table."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    options = [opt for param in main.params for opt in param.opts if opt.startswith("--")]
    assert "--sweep" in options
    assert [opt for opt in options if f"`{opt}" not in text] == []


def anchor(heading: str) -> str:
    """Return the anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    prose = ANY_FENCE.sub("", path.read_text(encoding="utf-8"))
    return {anchor(line.lstrip("#")) for line in prose.splitlines() if line.startswith("#")}


def broken_links(path: Path) -> Iterator[str]:
    """Yield each relative link of a document whose file or heading does not exist."""
    for target in LINK.findall(ANY_FENCE.sub("", path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue
        name, _, fragment = target.partition("#")
        linked = (path.parent / name).resolve() if name else path
        if not linked.exists() or (fragment and fragment not in anchors(linked)):
            yield target


@pytest.mark.parametrize("path", DOCUMENTS, ids=relative)
def test_links_lead_somewhere(path: Path) -> None:
    assert list(broken_links(path)) == []


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Top part\n\n```sh\n# not a heading\n```\n", "utf-8")
    page = tmp_path / "b.md"
    page.write_text("[ok](a.md#top-part) [x](a.md#not-a-heading) [y](c.md) [z](#b)\n", "utf-8")
    assert list(broken_links(page)) == ["a.md#not-a-heading", "c.md", "#b"]
