"""Fuzzing: mutated built-in specs and random command lines never crash the command.

Every example must end in exit 0 with a complete result, or exit 1 or 2 with one
`error:` line on standard error, never a traceback, and within a time bound.
CI runs the same examples each time (the "ci" profile in conftest.py); to explore, run
`SHAPECALC_HYPOTHESIS=explore SHAPECALC_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shapecalc import catalog
from shapecalc.cli import main
from shapecalc.errors import SpecError
from shapecalc.layers import KINDS
from shapecalc.spec import load_spec

# The built-in specs and libraries, and Ultralytics' configs, which read their library from
# the built-ins wherever they are.
BUILT_IN = Path(catalog.builtin_dir())
SPECS = sorted(BUILT_IN.glob("*.yaml")) + sorted((BUILT_IN / catalog.ULTRALYTICS).glob("*.yaml"))
LIBRARIES = [
    path for path in SPECS if path.name.startswith("_") and path.name != "_ultralytics.yaml"
]
SPECS = [path for path in SPECS if path.name != "_ultralytics.yaml"]
SOURCES = {path.name: path for path in SPECS}
# One model of each family and construct (the 78 would make each example slower, not the
# command lines more varied): dense, inception, SE, never-run modules, channels last, a
# backbone feeding one head through uses, resizing to the input, 3-D.
MODELS = [
    "alexnet",
    "vgg11",
    "resnet18",
    "resnet50",
    "squeezenet1_1",
    "densenet121",
    "googlenet",
    "mobilenet_v2",
    "mobilenet_v3_small",
    "efficientnet_b0",
    "mnasnet0_5",
    "shufflenet_v2_x0_5",
    "regnet_y_400mf",
    "convnext_tiny",
    "lraspp_mobilenet_v3_large",
    "r3d_18",
]
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


@cache
def including() -> dict[str, list[str]]:
    """Return, for each library, the model specs that include it, directly or not."""
    found: dict[str, list[str]] = {path.name: [] for path in LIBRARIES}
    for name in catalog.builtin_names():
        if name in catalog.ultralytics_configs():
            continue
        for file in catalog.load(name).files:
            if Path(file).name in found:
                found[Path(file).name].append(f"{name}.yaml")
    return found


def run(args: list[str]) -> None:
    started = time.perf_counter()
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    check(result, time.perf_counter() - started)


@SETTINGS
@given(spec=mutated_spec(), fmt=st.sampled_from(["json", "tree", "listing", "csv"]))
def test_mutated_specs(spec: tuple[str, str], fmt: str, tmp_path_factory: Any) -> None:
    folder = tmp_path_factory.mktemp("specs")
    name, text = spec
    targets = [name] if not name.startswith("_") else including()[name][:1]
    for path in LIBRARIES:  # a model includes libraries only
        shutil.copy(path, folder / path.name)
    for target in targets:
        shutil.copy(SOURCES[target], folder / target)
    (folder / name).write_bytes(text.encode("utf-8", "surrogateescape"))
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


@st.composite
def include_graph(draw: st.DrawFn) -> dict[str, list[str] | str]:
    """Files _f0 … _fN: each includes some others (itself, twice, or a missing one),
    or is something that is not a spec file (a FIFO, a folder)."""
    count = draw(st.integers(1, 6))
    names = [f"_f{n}.yaml" for n in range(count)]
    graph: dict[str, list[str] | str] = {}
    for name in names:
        kind = draw(st.sampled_from(["spec"] * 6 + ["fifo", "folder"]))
        if kind != "spec":
            graph[name] = kind
            continue
        targets = st.sampled_from([*names, "_gone.yaml", "../up.yaml"])
        graph[name] = draw(st.lists(targets, max_size=4))
    return graph


def write_graph(folder: Path, graph: dict[str, list[str] | str]) -> None:
    for index, (name, node) in enumerate(graph.items()):
        path = folder / name
        if node == "fifo":
            os.mkfifo(path)
        elif node == "folder":
            path.mkdir()
        else:
            path.write_text(
                f"include: [{', '.join(node)}]\nblocks:\n  B{index % 2}: {{type: ReLU}}\n",
                encoding="utf-8",
            )


def reaches_a_cycle(graph: dict[str, list[str] | str], start: str) -> bool:
    """Whether following includes from `start` through spec files comes back to a file."""
    stack: list[tuple[str, tuple[str, ...]]] = [(start, ())]
    while stack:
        name, seen = stack.pop()
        node = graph.get(name)
        if not isinstance(node, list):
            continue
        if name in seen:
            return True
        stack.extend((target, (*seen, name)) for target in node)
    return False


@SETTINGS
@given(graph=include_graph())
def test_include_graphs_load_or_fail_cleanly(
    graph: dict[str, list[str] | str], tmp_path_factory: Any
) -> None:
    """Any graph of includes loads, or is one SpecError, quickly; a diamond is never refused."""
    folder = tmp_path_factory.mktemp("graph")
    write_graph(folder, graph)
    top = folder / "net.yaml"
    top.write_text("include: _f0.yaml\ninput: [3, 8, 8]\nmodel: ReLU\n", encoding="utf-8")
    started = time.perf_counter()
    try:
        load_spec(top, "net.yaml")
    except SpecError as error:
        message = str(error)
        assert message.count("\n") == 0
        assert any(
            part in message
            for part in (
                "includes itself",
                "no spec file",
                "is a FIFO",
                "is a directory",
                "outside the spec's folder",
                "comes from both",
            )
        ), message
        if "comes from both" in message:  # only different files may clash
            first, second = message.rsplit("comes from both ", 1)[1].split(" and ")
            assert first != second
    else:
        assert not reaches_a_cycle(graph, "_f0.yaml")
    assert time.perf_counter() - started < TIME_BOUND / 10


HOSTILE_ALPHABET = st.sampled_from(
    [
        *"ab[]/<>&\"'=+-@|*_`~\\!#:;(){} ",
        *("[/red]", "[link=javascript:alert(1)]", "<script>", "&lt;", "=HYPERLINK(", "卷", "😀"),
        *("\x1b", "\x1b]0;t\x07", "\n", "\r", "\t", "\x07", "\x7f", "\x85", "\u202e"),
        *("\u2066", "\u2028", "\u200b", "\ufeff", ".", "$", "${"),
    ]
)
FORMATS = ["tree", "table", "listing", "json", "csv", "markdown", "html", "svg"]


def yaml_quoted(text: str) -> str:
    """Write `text` as a YAML double-quoted scalar that reads back exactly as `text`."""
    escaped = (
        char.replace("\\", "\\\\").replace('"', '\\"')
        if char.isprintable()
        else f"\\U{ord(char):08x}"
        for char in text
    )
    return '"' + "".join(escaped) + '"'


def is_name(text: str) -> bool:
    """Whether PyTorch and shapecalc both take `text` as a module's name."""
    return 0 < len(text) <= 100 and text.isprintable() and "." not in text and "$" not in text


def show_literally(fmt: str, text: str, name: str) -> None:
    """Check that `name` appears in `text`, in `fmt`, as data and nothing more."""
    if fmt == "json":
        assert json.loads(text)["layers"][0]["name"] == name
    elif fmt == "csv":
        record = next(csv.DictReader(io.StringIO(text)))
        assert record["name"] == ("'" + name if name.startswith(tuple("=+-@")) else name)
    elif fmt == "markdown":
        heading, _, row = text.splitlines()[2:5]  # under the caption and a blank line
        assert len(re.findall(r"(?<!\\)\|", row)) == len(re.findall(r"\|", heading))
    elif fmt in ("html", "svg"):
        assert "<script" not in text.replace("&lt;script", "")
        assert "javascript:" not in text.replace("link=javascript:", "")
        assert re.search(r"<a[\s>]", text) is None
    else:
        assert name in text


@SETTINGS
@given(parts=st.lists(HOSTILE_ALPHABET, min_size=1, max_size=6), fmt=st.sampled_from(FORMATS))
def test_hostile_names_are_data_in_every_format(parts: list[str], fmt: str) -> None:
    """A name is refused at load, or every format shows it as written and nothing more."""
    import shapecalc
    from shapecalc.spec import build_model
    from shapecalc.spec.loader import parse

    name = "".join(parts)
    quoted = yaml_quoted(name)
    text = f"name: {quoted}\ninput: [3, 8, 8]\nmodel:\n  children:\n    {quoted}: ReLU\n"
    try:
        model = build_model(parse(text, "net.yaml"), source="net.yaml", default_name="net")
    except SpecError as error:
        assert not is_name(name) or "the model's name" in str(error)
        assert str(error).isprintable()
        return
    assert is_name(name)
    show_literally(fmt, shapecalc.render(shapecalc.infer(model), fmt), name)


ENVIRONMENTS = st.fixed_dictionaries(
    {},
    optional={
        "PYTHONIOENCODING": st.sampled_from(["ascii", "latin-1", "utf-8", "cp1252"]),
        "PYTHONUNBUFFERED": st.just("1"),
        "LC_ALL": st.sampled_from(["C", "POSIX"]),
        "PYTHONCOERCECLOCALE": st.just("0"),
        "PYTHONUTF8": st.sampled_from(["0", "1"]),
        "NO_COLOR": st.just("1"),
    },
)


@settings(SETTINGS, max_examples=max(SETTINGS.max_examples // 60, 10))
@given(
    model=st.sampled_from(["resnet18", "squeezenet1_1", "nope"]), options=OPTIONS, env=ENVIRONMENTS
)
def test_command_lines_in_any_environment(
    model: str, options: list[tuple[str, ...]], env: dict[str, str]
) -> None:
    """In any encoding, buffered or not: exit 0 with output the stream can hold, or one error."""
    args = [model, *(part for option in options for part in option)]
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LC_", "LANG", "PYTHON"))
    }
    done = subprocess.run(
        [sys.executable, "-m", "shapecalc", *args],
        capture_output=True,
        env={**environment, **env, "PYTHONPATH": str(Path(__file__).parent.parent)},
        timeout=TIME_BOUND,
        check=False,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stdout + done.stderr, stderr
    assert done.returncode in (0, 1, 2), stderr
    lines = stderr.splitlines()
    assert all(line.startswith(("error: ", "warning: ", "note: ")) for line in lines), lines
    assert sum(line.startswith("error: ") for line in lines) == (done.returncode != 0)
    encoding = env.get("PYTHONIOENCODING")
    if encoding == "ascii" or (
        encoding is None and "LC_ALL" in env and env.get("PYTHONUTF8") == "0"
    ):
        assert done.stdout.isascii(), done.stdout
        assert done.stderr.isascii(), stderr
