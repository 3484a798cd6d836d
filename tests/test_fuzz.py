"""Fuzzing: mutated built-in specs and random command lines never crash the command.

Every example must end in exit 0 with a complete result, or exit 1 or 2 with one
`error:` line on standard error, never a traceback, and within a time bound.
CI runs the same examples each time (the "ci" profile in conftest.py); to explore, run
`SHAPECALC_HYPOTHESIS=explore SHAPECALC_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py`.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shapecalc import catalog
from shapecalc.cli import main
from shapecalc.layers import KINDS

SPECS = sorted(Path(catalog.builtin_dir()).glob("*.yaml"))
MODELS = catalog.builtin_names()
TIME_BOUND = 10.0  # seconds for one command, on a slow CI machine
SETTINGS = settings(
    max_examples=int(os.environ.get("SHAPECALC_FUZZ_EXAMPLES", "1500")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
VALUES = st.one_of(
    st.integers(-3, 5),
    st.sampled_from([0, 10**9, 10**30, 2**63, -(10**12)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["$planes", "${1 // 0}", "${i}", "${layers[9]}", "identity", "same"]),
    st.lists(st.integers(-2, 9), max_size=4),
    st.dictionaries(
        st.sampled_from(["type", "children", "repeat", "x"]), st.integers(0, 3), max_size=2
    ),
)
TYPES = st.sampled_from([*KINDS, "BasicBlock", "Bottleneck", "Nope", "", "$block"])


def places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a parsed document: a key of a mapping or an index of a list."""
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += places(value, (*path, index))
    return found


def parent_of(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


@st.composite
def mutated_spec(draw: st.DrawFn) -> tuple[str, str]:
    """Return a spec file's name and a mutated text of it."""
    source = draw(st.sampled_from(SPECS))
    text = source.read_text(encoding="utf-8")
    how = draw(st.sampled_from(["delete", "duplicate", "retype", "revalue", "truncate", "bytes"]))
    if how == "truncate":
        return source.name, text[: draw(st.integers(0, len(text)))]
    if how == "bytes":
        at = draw(st.integers(0, len(text)))
        noise = draw(st.binary(min_size=1, max_size=8)).decode("latin-1")
        return source.name, text[:at] + noise + text[at:]
    doc = yaml.safe_load(text)
    for _ in range(draw(st.integers(1, 3))):
        spots = places(doc)
        if not spots:
            break
        path = draw(st.sampled_from(spots))
        parent, last = parent_of(doc, path), path[-1]
        if how == "delete":
            del parent[last]
        elif how == "duplicate" and isinstance(parent, list):
            parent.insert(last, parent[last])
        elif how == "retype" and isinstance(parent, dict):
            parent["type"] = draw(TYPES)
        else:
            parent[last] = draw(VALUES)
    return source.name, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def check(result: Result, seconds: float) -> None:
    """Exit 0 with output, or 1/2 with one error line; never a traceback; quickly."""
    assert seconds < TIME_BOUND
    assert result.exit_code in (0, 1, 2), result.exception
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    others = [
        line
        for line in result.stderr.splitlines()
        if not line.startswith(("error: ", "warning: ", "note: "))
    ]
    assert others == [], others
    if result.exit_code == 0:
        assert errors == []
    else:
        assert len(errors) == 1 and result.stderr.endswith(errors[0] + "\n")


def run(args: list[str]) -> None:
    started = time.perf_counter()
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    check(result, time.perf_counter() - started)


@SETTINGS
@given(spec=mutated_spec(), fmt=st.sampled_from(["json", "tree", "listing", "csv"]))
def test_mutated_specs(spec: tuple[str, str], fmt: str, tmp_path_factory: Any) -> None:
    folder = tmp_path_factory.mktemp("specs")
    for path in SPECS:
        shutil.copy(path, folder / path.name)
    name, text = spec
    (folder / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    targets = (
        [name]
        if not name.startswith("_")
        else [
            path.name for path in SPECS if f"include: {name}" in path.read_text(encoding="utf-8")
        ][:1]
    )
    for target in targets:
        run([str(folder / target), "-f", fmt])


SIZES = st.one_of(
    st.integers(-2, 400).map(str),
    st.tuples(st.integers(0, 300), st.integers(0, 300)).map(lambda pair: f"{pair[0]}x{pair[1]}"),
    st.sampled_from(
        [
            "3x32x32",
            "1x64x64",
            "224x",
            "x",
            "",
            "abc",
            "²",
            "9" * 40,
            "1e3",
            "100000x3",
            "3 x 7",
            "-1x5",
        ]
    ),
)
OPTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("--input"), SIZES),
        st.tuples(
            st.sampled_from(["--format", "-f"]),
            st.sampled_from(
                ["tree", "table", "listing", "json", "markdown", "csv", "html", "svg", "xml", ""]
            ),
        ),
        st.tuples(st.just("--depth"), st.sampled_from(["0", "1", "2", "9", "-1", "x"])),
        st.tuples(
            st.just("--columns"),
            st.sampled_from(["layer,output", "path,macs,bytes", "flops", "", ",,"]),
        ),
        st.tuples(st.just("--dtype"), st.sampled_from(["float16", "int8", "int4"])),
        st.tuples(st.just("--view"), st.sampled_from(["tree", "table", "graph"])),
        st.tuples(
            st.just("--sweep"),
            st.sampled_from(["1:64", "60:70:3", "5:1", "0:9", "1:", "a:b", "1:300:50"]),
        ),
        st.sampled_from(
            [
                ("--explain",),
                ("--smallest",),
                ("--quiet",),
                ("--list",),
                ("--version",),
                ("--help",),
                ("--bogus",),
                ("extra",),
            ]
        ),
    ),
    max_size=4,
)


@SETTINGS
@given(model=st.sampled_from([*MODELS, "resnet19", "nope.yaml", ""]), options=OPTIONS)
def test_random_command_lines(model: str, options: list[tuple[str, ...]]) -> None:
    args = [model] if model else []
    for option in options:
        args.extend(option)
    run(args)


@pytest.mark.parametrize("fmt", ["json", "tree"])
def test_the_checker_catches_a_crash(fmt: str) -> None:
    """The assertions above can fail: a command that raised would not pass them."""
    crashed = Result(
        runner=CliRunner(),
        stdout_bytes=b"",
        stderr_bytes=b"Traceback (most recent call)\n",
        output_bytes=b"",
        return_value=None,
        exit_code=1,
        exception=RuntimeError(fmt),
    )
    with pytest.raises(AssertionError):
        check(crashed, 0.1)
