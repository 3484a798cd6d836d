"""One spec file per class of mistake, each with the exact message it must give.

Each file in tests/errors/ ends with a comment `# expect: error: …`: the one line the
command must print on standard error, with exit status 1.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecalc.cli import main
from shapecalc.errors import did_you_mean, quote
from shapecalc.spec import loader

ERRORS = Path(__file__).resolve().parent / "errors"
FILES = sorted(ERRORS.glob("*.yaml"))
EXPECT = "# expect: "


def expected(path: Path) -> str:
    last = path.read_text(encoding="utf-8").splitlines()[-1]
    assert last.startswith(EXPECT), f"{path.name} does not end with '{EXPECT}…'"
    return last.removeprefix(EXPECT)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_error_class(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ERRORS)
    started = time.perf_counter()
    result = CliRunner().invoke(main, [path.name, "--format", "json"], catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected(path) + "\n")
    assert time.perf_counter() - started < 10


def test_every_class_has_its_file() -> None:
    names = {path.stem for path in FILES}
    assert {
        "yaml_syntax",
        "not_a_mapping",
        "unknown_layer_type",
        "misspelt_argument",
        "missing_argument",
        "duplicate_argument",
        "duplicate_name",
        "string_for_int",
        "float_for_int",
        "bool_for_int",
        "negative",
        "zero",
        "wrong_length",
        "channels_disagree",
        "residual_shapes",
        "concat_sizes",
        "undefined_block",
        "recursive_block",
        "repeat_zero",
        "repeat_negative",
        "repeat_absurd",
        "too_many_modules",
        "collapse",
        "alias",
        "deep_nesting",
    } <= names


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"input: [3, 8, 8]\nmodel: [ReLU]\n\xff\xfe",
            "is not UTF-8 text (byte 0xff at offset 31)",
            id="not-utf8",
        ),
        pytest.param(
            b"\x7fELF\x02\x01\x01\x00\x00", "is a binary file, not a YAML spec", id="binary"
        ),
    ],
)
def test_unreadable_contents(
    content: bytes, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("spec.yaml").write_bytes(content)
    result = CliRunner().invoke(main, ["spec.yaml"], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (1, f"error: spec.yaml: {message}\n")


def test_a_directory_and_an_unreadable_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("specs.yaml").mkdir()
    result = CliRunner().invoke(main, ["specs.yaml"], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (
        1,
        "error: specs.yaml: is a directory, not a spec file\n",
    )
    Path("locked.yaml").write_text("input: [1]\nmodel: ReLU\n", encoding="utf-8")

    def refuse(*_: object) -> object:
        raise PermissionError(13, "Permission denied")

    # A real unreadable file would not do: the tests may run as root, who reads anything.
    monkeypatch.setattr(loader, "open", refuse, raising=False)
    result = CliRunner().invoke(main, ["locked.yaml"], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (
        1,
        "error: locked.yaml: cannot be read: Permission denied\n",
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("conv1", "'conv1'", id="plain"),
        pytest.param("a\x1b]0;title\x07b", "'a\\x1b]0;title\\x07b'", id="escape"),
        pytest.param("x\u202eb", "'x\\u202eb'", id="bidi"),
        pytest.param("line\nerror: forged", "'line\\nerror: forged'", id="newline"),
        pytest.param("it's", '"it\'s"', id="quote"),
        pytest.param("卷积", "'卷积'", id="printable-unicode"),
        pytest.param("n" * 200, "'" + "n" * 80 + "…'", id="long"),
    ],
)
def test_quoted_text_is_escaped_and_cut(text: str, shown: str) -> None:
    assert quote(text) == shown


def test_suggestions_stay_fast_over_many_long_names() -> None:
    names = [f"{'ab' * 50}{n}" for n in range(100_000)]
    started = time.perf_counter()
    assert did_you_mean("ab" * 50 + "x", names) != ""
    assert time.perf_counter() - started < 1
    assert did_you_mean("Conv2D", ["Conv2d", "ReLU"]) == " (did you mean 'Conv2d'?)"
