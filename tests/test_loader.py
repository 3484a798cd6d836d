"""Reading spec files: located values, and every way a file can fail to be YAML we accept."""

from __future__ import annotations

from pathlib import Path

import pytest

from shapecalc.errors import Mark, SpecError
from shapecalc.loader import MAX_DEPTH, load, parse
from shapecalc.source import YList, YMap, YScalar


def test_values_remember_where_they_were_written() -> None:
    doc = parse("a: 1\nb: [x, true, null, 1.5, '7']\n", "f.yaml")
    assert isinstance(doc, YMap)
    assert [key.value for key, _ in doc.entries] == ["a", "b"]
    b = doc.get("b")
    assert isinstance(b, YList)
    assert [item.value for item in b.items if isinstance(item, YScalar)] == [
        "x",
        True,
        None,
        1.5,
        "7",
    ]
    assert b.items[0].mark == Mark("f.yaml", 2, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("a: 1\na: 2\n", "f.yaml:2:1: duplicate key 'a' (first at line 1)", id="dup"),
        pytest.param(
            "a: &x 1\nb: *x\n",
            "f.yaml:2:4: YAML aliases (*name) are not supported; use a block",
            id="alias",
        ),
        pytest.param(
            "a: [1\n",
            "f.yaml:2:1: invalid YAML: did not find expected ',' or ']' "
            "(while parsing a flow sequence at line 1)",
            id="syntax",
        ),
        pytest.param("", "f.yaml:1:1: the file is empty; a spec is a mapping", id="empty"),
        pytest.param(
            "--- 1\n--- 2\n",
            "f.yaml:2:1: a spec is one YAML document, not several",
            id="two-documents",
        ),
        pytest.param("a: !foo 1\n", "f.yaml:1:4: YAML tag !foo is not supported", id="tag"),
        pytest.param("a: !!int abc\n", "f.yaml:1:4: 'abc' is not a valid YAML int", id="bad-int"),
        pytest.param("a: !!float x\n", "f.yaml:1:4: 'x' is not a valid YAML float", id="bad-float"),
        pytest.param("a: !!bool x\n", "f.yaml:1:4: 'x' is not a valid YAML bool", id="bad-bool"),
        pytest.param(
            "? [a]\n: 1\n", "f.yaml:1:3: a mapping key must be a plain value", id="complex-key"
        ),
        pytest.param(
            "[" * (MAX_DEPTH + 1),
            f"f.yaml:1:{MAX_DEPTH + 1}: nesting is deeper than {MAX_DEPTH} levels",
            id="deep",
        ),
    ],
)
def test_parse_refuses(text: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse(text, "f.yaml")
    assert str(caught.value) == message


def test_one_and_true_are_different_keys() -> None:
    doc = parse("1: a\ntrue: b\n", "f.yaml")
    assert isinstance(doc, YMap)
    assert len(doc.entries) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"a: 1\x00\n", "net.yaml: is a binary file, not a YAML spec", id="binary"),
        pytest.param(
            b"a: \xff\n", "net.yaml: is not UTF-8 text (byte 0xff at offset 3)", id="latin1"
        ),
    ],
)
def test_load_refuses_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "net.yaml"
    path.write_bytes(content)
    with pytest.raises(SpecError) as caught:
        load(path, "net.yaml")
    assert str(caught.value) == message


def test_load_refuses_a_directory_and_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"^d: is a directory, not a spec file$"):
        load(tmp_path, "d")
    with pytest.raises(SpecError, match=r"^gone\.yaml: no such file$"):
        load(tmp_path / "gone.yaml", "gone.yaml")


def test_load_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    doc = load(path, "bom.yaml")
    assert isinstance(doc, YMap)
    assert [key.value for key, _ in doc.entries] == ["a"]


HOSTILE = {
    "billion-laughs": "lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"l{level}: &{chr(98 + level)} [{', '.join([f'*{chr(97 + level)}'] * 9)}]\n"
        for level in range(9)
    ),
    "deep-lists": "[" * 100_000 + "]" * 100_000,
    "deep-mappings": "{a: " * 100_000 + "1" + "}" * 100_000,
    "deep-block-lists": "".join("- " * depth + "\n" for depth in range(1, 2000)),
}
MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "shapecalc", sys.argv[1]], capture_output=True,
                      text=True)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(done.returncode, done.stderr.strip())
"""


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_fast_and_small(tmp_path: Path, name: str) -> None:
    """Refused in under a second with under 100 MB, measured in a process of their own."""
    import subprocess
    import sys

    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE[name], encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, check=True
    )
    timing, outcome = done.stdout.splitlines()
    seconds, peak_kb = timing.split()
    status, message = outcome.split(" ", 1)
    assert (status, message.startswith(f"error: {path}:")) == ("1", True), message
    assert float(seconds) < 1.0
    assert int(peak_kb) < 100_000
