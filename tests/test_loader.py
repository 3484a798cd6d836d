"""Reading spec files: located values, YAML 1.2 scalars, names as written, and bounds."""

from __future__ import annotations

import datetime
import math
import os
import stat
import time
from pathlib import Path

import pytest
import yaml
from conftest import PEAK_KB, SECONDS, measure

from shapecalc.errors import Mark, SpecError
from shapecalc.limits import (
    MAX_INT_BITS,
    MAX_SPEC_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_VALUES,
)
from shapecalc.spec import loader
from shapecalc.spec.loader import Budget, load, parse
from shapecalc.spec.source import ScalarValue, YList, YMap, YScalar

TOO_LARGE = f"goes beyond the {MAX_SPEC_BYTES:,} bytes a spec and its includes may hold"
TOO_MANY = f"a spec and its includes hold more than {MAX_YAML_VALUES:,} YAML values"


def value(text: str) -> ScalarValue:
    """Return the value `text` is read as, written after `a: `."""
    doc = parse(f"a: {text}\n", "f.yaml")
    assert isinstance(doc, YMap)
    node = doc.get("a")
    assert isinstance(node, YScalar)
    return node.value


def refusal(text: str) -> str:
    with pytest.raises(SpecError) as caught:
        parse(text, "f.yaml")
    return str(caught.value)


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


# What a scalar is read as: by PyYAML's YAML 1.1 resolver, as before, and by YAML 1.2's core
# schema, how a person reads it and how shapecalc does.
RESOLVED = [
    pytest.param("0", 0, 0, id="zero"),
    pytest.param("-0", 0, 0, id="minus-zero"),
    pytest.param("+0", 0, 0, id="plus-zero"),
    pytest.param("42", 42, 42, id="int"),
    pytest.param("+42", 42, 42, id="plus-int"),
    pytest.param("-42", -42, -42, id="minus-int"),
    pytest.param("0x10", 16, 16, id="hex"),
    pytest.param("0xFf", 255, 255, id="hex-mixed-case"),
    pytest.param("0o17", "0o17", 15, id="octal-0o"),
    pytest.param("1_000", 1000, "1_000", id="underscores"),
    pytest.param("0b101", 5, "0b101", id="binary"),
    pytest.param("2:00", 120, "2:00", id="sexagesimal"),
    pytest.param("1:30", 90, "1:30", id="sexagesimal-time"),
    pytest.param("1:2:3", 3723, "1:2:3", id="sexagesimal-long"),
    pytest.param("-0x10", -16, "-0x10", id="signed-hex"),
    pytest.param("+0o7", "+0o7", "+0o7", id="signed-0o"),
    pytest.param("1.5", 1.5, 1.5, id="float"),
    pytest.param("1.", 1.0, 1.0, id="float-trailing-dot"),
    pytest.param(".5", 0.5, 0.5, id="float-leading-dot"),
    pytest.param("-.5", "-.5", -0.5, id="float-minus-leading-dot"),
    pytest.param("1e3", "1e3", 1000.0, id="exponent"),
    pytest.param("1.5E-2", 0.015, 0.015, id="exponent-upper"),
    pytest.param("010.5", 10.5, 10.5, id="float-leading-zero"),
    pytest.param("1_000.5", 1000.5, "1_000.5", id="float-underscores"),
    pytest.param("1:30.5", 90.5, "1:30.5", id="sexagesimal-float"),
    pytest.param("1e-400", "1e-400", 0.0, id="float-underflow"),
    pytest.param(".inf", math.inf, math.inf, id="inf"),
    pytest.param("+.Inf", math.inf, math.inf, id="plus-inf"),
    pytest.param("-.INF", -math.inf, -math.inf, id="minus-inf"),
    pytest.param(".Nan", ".Nan", ".Nan", id="nan-odd-case"),
    pytest.param("true", True, True, id="true"),
    pytest.param("True", True, True, id="True"),
    pytest.param("FALSE", False, False, id="FALSE"),
    pytest.param("tRUE", "tRUE", "tRUE", id="true-odd-case"),
    pytest.param("on", True, "on", id="on"),
    pytest.param("off", False, "off", id="off"),
    pytest.param("yes", True, "yes", id="yes"),
    pytest.param("No", False, "No", id="No"),
    pytest.param("y", "y", "y", id="y"),
    pytest.param("null", None, None, id="null"),
    pytest.param("Null", None, None, id="Null"),
    pytest.param("NULL", None, None, id="NULL"),
    pytest.param("~", None, None, id="tilde"),
    pytest.param("", None, None, id="empty"),
    pytest.param("nULL", "nULL", "nULL", id="null-odd-case"),
    pytest.param("2001-12-14", datetime.date(2001, 12, 14), "2001-12-14", id="date"),
    pytest.param("'010'", "010", "010", id="single-quoted"),
    pytest.param('"true"', "true", "true", id="double-quoted"),
    pytest.param("''", "", "", id="quoted-empty"),
    pytest.param("|\n  010\n", "010\n", "010\n", id="literal-block"),
    pytest.param("Conv2d", "Conv2d", "Conv2d", id="word"),
]


@pytest.mark.parametrize(("text", "yaml_1_1", "yaml_1_2"), RESOLVED)
def test_scalars_are_read_by_yaml_1_2(text: str, yaml_1_1: object, yaml_1_2: ScalarValue) -> None:
    got = value(text)
    assert (type(got), got) == (type(yaml_1_2), yaml_1_2)


@pytest.mark.parametrize(("text", "yaml_1_1", "yaml_1_2"), RESOLVED)
def test_the_table_says_what_yaml_1_1_read(text: str, yaml_1_1: object, yaml_1_2: object) -> None:
    got = yaml.safe_load(f"a: {text}\n")["a"]
    assert (type(got), got) == (type(yaml_1_1), yaml_1_1)


def test_nan() -> None:
    for text in (".nan", ".NaN", ".NAN"):
        got = value(text)
        assert isinstance(got, float)
        assert math.isnan(got)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "010",
            "'010' has a leading zero: YAML 1.1 reads it as octal 8, YAML 1.2 as 10; "
            "write 10, or 0o10 for octal",
            id="octal-looking",
        ),
        pytest.param(
            "+010",
            "'+010' has a leading zero: YAML 1.1 reads it as octal 8, YAML 1.2 as 10; "
            "write 10, or 0o10 for octal",
            id="plus-octal-looking",
        ),
        pytest.param(
            "-010",
            "'-010' has a leading zero: YAML 1.1 reads it as octal -8, YAML 1.2 as -10; "
            "write -10, or -8 for octal",
            id="minus-octal-looking",
        ),
        pytest.param(
            "-07",
            "'-07' has a leading zero: YAML 1.1 reads it as octal -7, YAML 1.2 as -7; write -7",
            id="same-either-way",
        ),
        pytest.param(
            "00",
            "'00' has a leading zero: YAML 1.1 reads it as octal 0, YAML 1.2 as 0; write 0",
            id="double-zero",
        ),
        pytest.param(
            "08",
            "'08' has a leading zero: YAML 1.1 reads it as a string, YAML 1.2 as 8; "
            "write 8, or quote it for text",
            id="not-octal",
        ),
        pytest.param(
            "!!int 010",
            "'010' has a leading zero: YAML 1.1 reads it as octal 8, YAML 1.2 as 10; "
            "write 10, or 0o10 for octal",
            id="tagged",
        ),
        pytest.param(
            "1e400", "the number '1e400' is too large for a float; write .inf", id="float-overflow"
        ),
        pytest.param(
            "-" + "9" * 400 + ".0",
            f"the number '-{'9' * 79}…' is too large for a float; write .inf",
            id="float-overflow-digits",
        ),
    ],
)
def test_ambiguous_and_overflowing_numbers_are_refused(text: str, message: str) -> None:
    assert refusal(f"a: {text}\n") == f"f.yaml:1:4: {message}"


LARGEST = 2**MAX_INT_BITS - 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(str(LARGEST), LARGEST, id="decimal"),
        pytest.param(str(-LARGEST), -LARGEST, id="negative"),
        pytest.param(f"0x{LARGEST:x}", LARGEST, id="hex"),
        pytest.param(f"0x{LARGEST:064x}".replace("0x", "0x0000"), LARGEST, id="hex-zeros"),
        pytest.param(f"0o{LARGEST:o}", LARGEST, id="octal"),
        pytest.param(f"!!int {LARGEST}", LARGEST, id="tagged"),
    ],
)
def test_integers_of_the_largest_size_are_read(text: str, expected: int) -> None:
    assert value(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(str(LARGEST + 1), id="decimal"),
        pytest.param(str(-LARGEST - 1), id="negative"),
        pytest.param(f"0x{LARGEST + 1:x}", id="hex"),
        pytest.param(f"0o{LARGEST + 1:o}", id="octal"),
        pytest.param(f"!!int {LARGEST + 1}", id="tagged"),
        pytest.param("7" * 5000, id="5000-digits"),  # past int()'s 4,300 digits
        pytest.param("0x" + "f" * 20_000, id="long-hex"),
        pytest.param("0" + "7" * 100, id="leading-zero-and-long"),
    ],
)
def test_integers_over_the_bit_limit_are_refused(text: str) -> None:
    written = text.removeprefix("!!int ")
    shown = repr(written) if len(written) <= 80 else repr(written[:80])[:-1] + "…'"
    assert refusal(f"a: {text}\n") == (
        f"f.yaml:1:4: the integer {shown} has more than {MAX_INT_BITS} bits"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("!!str 010", "010", id="str"),
        pytest.param("! 010", "010", id="non-specific"),
        pytest.param("! true", "true", id="non-specific-bool"),
        pytest.param("!!int 0x1F", 31, id="int-hex"),
        pytest.param("!!int '7'", 7, id="int-quoted"),
        pytest.param("!!float 1", 1.0, id="float-of-int"),
        pytest.param("!!float .inf", math.inf, id="float-inf"),
        pytest.param("!!bool FALSE", False, id="bool"),
        pytest.param("!!null ~", None, id="null"),
        pytest.param("!<tag:yaml.org,2002:int> 5", 5, id="verbatim"),
    ],
)
def test_explicit_tags_use_the_1_2_forms(text: str, expected: ScalarValue) -> None:
    got = value(text)
    assert (type(got), got) == (type(expected), expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("a: !foo 1\n", "f.yaml:1:4: YAML tag !foo is not supported", id="local"),
        pytest.param(
            "a: !!binary x\n", "f.yaml:1:4: YAML tag !!binary is not supported", id="binary"
        ),
        pytest.param(
            "a: !!timestamp 2001-12-14\n",
            "f.yaml:1:4: YAML tag !!timestamp is not supported",
            id="timestamp",
        ),
        pytest.param("a: !%07 x\n", "f.yaml:1:4: YAML tag '!\\x07' is not supported", id="control"),
        pytest.param("a: !!int abc\n", "f.yaml:1:4: 'abc' is not a valid YAML int", id="bad-int"),
        pytest.param(
            "a: !!int 1_000\n", "f.yaml:1:4: '1_000' is not a valid YAML int", id="int-1.1"
        ),
        pytest.param("a: !!float x\n", "f.yaml:1:4: 'x' is not a valid YAML float", id="bad-float"),
        pytest.param("a: !!bool on\n", "f.yaml:1:4: 'on' is not a valid YAML bool", id="bool-1.1"),
        pytest.param("a: !!null 0\n", "f.yaml:1:4: '0' is not a valid YAML null", id="bad-null"),
        pytest.param(
            "a: !!seq x\n", "f.yaml:1:4: YAML tag !!seq does not apply to a single value", id="seq"
        ),
        pytest.param(
            "a: !!str [1]\n", "f.yaml:1:4: YAML tag !!str does not apply to a list", id="str-list"
        ),
        pytest.param(
            "a: !!map [1]\n", "f.yaml:1:4: YAML tag !!map does not apply to a list", id="map-list"
        ),
        pytest.param(
            "a: !!seq {b: 1}\n",
            "f.yaml:1:4: YAML tag !!seq does not apply to a mapping",
            id="seq-mapping",
        ),
        pytest.param(
            "a: !foo {b: 1}\n", "f.yaml:1:4: YAML tag !foo is not supported", id="local-mapping"
        ),
        pytest.param("a: !!set {b: 1}\n", "f.yaml:1:4: YAML tag !!set is not supported", id="set"),
        pytest.param(
            "!!int 1: a\n",
            "f.yaml:1:1: YAML tag !!int does not apply to a mapping key, which is a name",
            id="int-key",
        ),
        pytest.param("!foo a: 1\n", "f.yaml:1:1: YAML tag !foo is not supported", id="local-key"),
        pytest.param(
            "a: !%ED%A0%80 x\n",  # a surrogate: libyaml checks only the UTF-8 bytes' shape
            "f.yaml:1:2: invalid YAML: the next tag's %-escapes are not UTF-8 text",
            id="surrogate-escape",
        ),
    ],
)
def test_tags_refused(text: str, message: str) -> None:
    assert refusal(text) == message


def test_collections_take_their_own_tags() -> None:
    doc = parse("a: !!seq [1]\nb: !!map {c: 2}\nc: ! [3]\n", "f.yaml")
    assert isinstance(doc, YMap)
    assert [type(node) for _, node in doc.entries] == [YList, YMap, YList]


def test_keys_are_names_as_written() -> None:
    text = "{0x10: a, 1:30: b, 010: c, true: d, null: e, 1e3: f, ~: g, '': h, !!str 7: i, ! 8: j}"
    doc = parse(text, "f.yaml")
    assert isinstance(doc, YMap)
    keys = [key.value for key, _ in doc.entries]
    assert keys == ["0x10", "1:30", "010", "true", "null", "1e3", "~", "", "7", "8"]
    assert doc.get("1:30") == YScalar("b", Mark("f.yaml", 1, 17))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("a: 1\na: 2\n", "f.yaml:2:1: duplicate key 'a' (first at line 1)", id="dup"),
        pytest.param(
            "1: a\n'1': b\n", "f.yaml:2:1: duplicate key '1' (first at line 1)", id="quoted"
        ),
        pytest.param(
            "!!str x: a\nx: b\n", "f.yaml:2:1: duplicate key 'x' (first at line 1)", id="tagged"
        ),
        pytest.param(
            'a: 1\n"\\x07": 2\n"\\a": 3\n',
            "f.yaml:3:1: duplicate key '\\x07' (first at line 2)",
            id="escaped",
        ),
    ],
)
def test_duplicate_keys_are_found_by_their_text(text: str, message: str) -> None:
    assert refusal(text) == message


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("1: a\n1.0: b\n", id="int-float"),
        pytest.param("true: a\nTrue: b\n", id="bool-cases"),
        pytest.param("null: a\n~: b\n", id="null-spellings"),
        pytest.param("0x10: a\n16: b\n", id="hex-decimal"),
    ],
)
def test_keys_that_differ_in_text_are_different(text: str) -> None:
    doc = parse(text, "f.yaml")
    assert isinstance(doc, YMap)
    assert len(doc.entries) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
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
        pytest.param(
            "? [a]\n: 1\n", "f.yaml:1:3: a mapping key must be a plain value", id="list-key"
        ),
        pytest.param(
            "{{a: 1}: 2}\n", "f.yaml:1:2: a mapping key must be a plain value", id="mapping-key"
        ),
        pytest.param(
            "[" * (MAX_YAML_DEPTH + 1),
            f"f.yaml:1:{MAX_YAML_DEPTH + 1}: nesting is deeper than {MAX_YAML_DEPTH} levels",
            id="deep",
        ),
        pytest.param(
            'a: "\\U00110000"\n',
            "f.yaml:1:7: invalid YAML: found invalid Unicode character escape code "
            "(while parsing a quoted scalar at line 1)",
            id="beyond-unicode",
        ),
    ],
)
def test_parse_refuses(text: str, message: str) -> None:
    assert refusal(text) == message


def test_nesting_to_the_limit_is_read() -> None:
    doc = parse("[" * MAX_YAML_DEPTH + "]" * MAX_YAML_DEPTH, "f.yaml")
    assert isinstance(doc, YList)


# A lone surrogate is no character: no output could show it. libyaml refuses its escape, at
# the escape's digits; PyYAML's own parser (where libyaml is missing) makes it, at the value.
SURROGATES = [
    pytest.param('a: "\\ud800"\n', "1:7", "1:4", "'\\ud800' (U+D800)", id="value"),
    pytest.param('"x\\udfff": 1\n', "1:5", "1:1", "'\\udfff' (U+DFFF)", id="key"),
    pytest.param('a: !!str "\\U0000dc00"\n', "1:13", "1:4", "'\\udc00' (U+DC00)", id="tagged"),
    pytest.param(  # YAML has no surrogate pairs: \U0001F600 is the character
        'a:\n- "caf\u00e9 \\ud83d\\ude00"\n', "2:11", "2:3", "'\\ud83d' (U+D83D)", id="pair"
    ),
]


@pytest.mark.parametrize(("text", "at_escape", "at_value", "char"), SURROGATES)
def test_a_lone_surrogate_is_refused(text: str, at_escape: str, at_value: str, char: str) -> None:
    shown, code = char.split()
    assert (
        refusal(text) == f"f.yaml:{at_escape}: {shown} is a lone surrogate {code}, not a character"
    )


@pytest.mark.parametrize(("text", "at_escape", "at_value", "char"), SURROGATES)
def test_a_lone_surrogate_is_refused_by_the_python_parser_too(
    text: str, at_escape: str, at_value: str, char: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "_Loader", yaml.SafeLoader)
    shown, code = char.split()
    assert (
        refusal(text) == f"f.yaml:{at_value}: {shown} is a lone surrogate {code}, not a character"
    )


def test_text_beyond_ascii_is_kept() -> None:
    assert value('"caf\\u00e9 \\U0001F600"') == "café \U0001f600"


def test_values_are_counted_against_the_budget() -> None:
    budget = Budget()
    assert (budget.bytes, budget.values) == (MAX_SPEC_BYTES, MAX_YAML_VALUES)
    parse("a: [1, 2]\n", "f.yaml", budget)
    assert budget.values == MAX_YAML_VALUES - 5  # the mapping, a, the list, 1 and 2
    budget.values = 5  # as if the files read before had taken the rest
    parse("b: [3, 4]\n", "g.yaml", budget)
    assert budget.values == 0
    with pytest.raises(SpecError) as caught:
        parse("[]", "h.yaml", budget)
    assert str(caught.value) == f"h.yaml:1:1: {TOO_MANY}"
    budget.values = 2
    with pytest.raises(SpecError) as caught:
        parse("a: [1, 2]\n", "i.yaml", budget)
    assert str(caught.value) == f"i.yaml:1:4: {TOO_MANY}"


def test_a_spec_and_its_includes_share_the_bytes(tmp_path: Path) -> None:
    spec, library = tmp_path / "net.yaml", tmp_path / "_lib.yaml"
    spec.write_text("a: 1\n", encoding="utf-8")
    library.write_text("b: 22\n", encoding="utf-8")
    budget = Budget()
    load(spec, "net.yaml", budget)
    assert (budget.bytes, budget.values) == (MAX_SPEC_BYTES - 5, MAX_YAML_VALUES - 3)
    budget.bytes = 6
    load(library, "_lib.yaml", budget)  # exactly what is left
    assert budget.bytes == 0
    with pytest.raises(SpecError) as caught:
        load(spec, "net.yaml", budget)
    assert str(caught.value) == f"net.yaml: {TOO_LARGE}"


def test_a_spec_may_hold_the_bytes_allowed(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text("a: 1\n" + "#" * (MAX_SPEC_BYTES - 6) + "\n", encoding="utf-8")
    assert isinstance(load(path, "net.yaml"), YMap)
    path.write_text("a: 1\n" + "#" * (MAX_SPEC_BYTES - 5) + "\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load(path, "net.yaml")
    assert str(caught.value) == f"net.yaml: {TOO_LARGE}"


def test_load_reads_a_pipe() -> None:
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"a: 1\n")
        os.close(write_end)
        doc = load(f"/dev/fd/{read_end}", "pipe")
    finally:
        os.close(read_end)
    assert isinstance(doc, YMap)
    assert doc.get("a") == YScalar(1, Mark("pipe", 1, 4))


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_load_stops_reading_a_device_at_the_limit() -> None:
    with pytest.raises(SpecError) as caught:
        load("/dev/zero", "zero")
    assert str(caught.value) == f"zero: {TOO_LARGE}"


@pytest.mark.parametrize(
    ("mode", "kind"),
    [
        pytest.param(stat.S_IFIFO, "a FIFO", id="fifo"),
        pytest.param(stat.S_IFCHR, "a character device", id="character-device"),
        pytest.param(stat.S_IFBLK, "a block device", id="block-device"),
        pytest.param(stat.S_IFSOCK, "a socket", id="socket"),
    ],
)
def test_a_regular_file_is_demanded_without_opening(
    mode: int, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "node.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    real_stat = os.stat

    def fake_stat(target: object, *args: object, **kwargs: object) -> os.stat_result:
        found = real_stat(target, *args, **kwargs)  # type: ignore[arg-type]
        if target != path:
            return found
        return os.stat_result((mode | 0o644, *tuple(found)[1:]))

    def refuse(*_: object) -> object:
        raise AssertionError("opened")

    monkeypatch.setattr(os, "stat", fake_stat)
    monkeypatch.setattr(loader, "open", refuse, raising=False)
    with pytest.raises(SpecError) as caught:
        load(path, "node.yaml", regular=True)
    assert str(caught.value) == f"node.yaml: is {kind}, not a spec file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_real_fifo_and_device_are_not_spec_files(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(SpecError, match=r"^fifo\.yaml: is a FIFO, not a spec file$"):
        load(fifo, "fifo.yaml", regular=True)  # opening it would wait for a writer
    with pytest.raises(SpecError, match=r"^null: is a character device, not a spec file$"):
        load(os.devnull, "null", regular=True)
    with pytest.raises(SpecError, match=r"^null:1:1: the file is empty; a spec is a mapping$"):
        load(os.devnull, "null")


def test_a_regular_file_is_read_when_demanded(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert isinstance(load(path, "net.yaml", regular=True), YMap)
    with pytest.raises(SpecError, match=r"^gone\.yaml: no such file$"):
        load(tmp_path / "gone.yaml", "gone.yaml", regular=True)
    with pytest.raises(SpecError, match=r"^d: is a directory, not a spec file$"):
        load(tmp_path, "d", regular=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"a: 1\x00\n", "net.yaml: is a binary file, not a YAML spec", id="binary"),
        pytest.param(
            b"a: \xff\n", "net.yaml: is not UTF-8 text (byte 0xff at offset 3)", id="latin1"
        ),
        pytest.param(
            b'a: "\xed\xa0\x80"\n',
            "net.yaml: is not UTF-8 text (byte 0xed at offset 4)",
            id="encoded-surrogate",
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


def big_spec(modules: int) -> str:
    """Return a spec of `modules` named convolutions: 8 YAML values and 76 bytes each."""
    rows = (
        f"  layer_{i:06d}_convolution: {{type: Conv2d, out_channels: 8, kernel_size: 3}}\n"
        for i in range(modules)
    )
    return "input: [3, 8, 8]\nmodel:\n" + "".join(rows)


def test_a_large_spec_is_read_in_time(tmp_path: Path) -> None:
    """1.8 MB and 190,000 values, near both limits, are parsed in under 2 s (about 0.6 s).

    In CPU time: the tests share the machine, and what is measured is the parser's work.
    """
    path = tmp_path / "big.yaml"
    path.write_text(big_spec(23_700), encoding="utf-8")
    budget = Budget()
    started = time.process_time()
    load(path, "big.yaml", budget)
    seconds = time.process_time() - started
    assert MAX_YAML_VALUES - budget.values > 189_000
    assert MAX_SPEC_BYTES - budget.bytes > 1_800_000
    assert seconds < 2.0


def spec_with(value: str) -> str:
    return f"input: [3, 8, 8]\nmodel: [{{type: Conv2d, out_channels: {value}, kernel_size: 3}}]\n"


HOSTILE = {
    "billion-laughs": "lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"l{level}: &{chr(98 + level)} [{', '.join([f'*{chr(97 + level)}'] * 9)}]\n"
        for level in range(9)
    ),
    "deep-lists": "[" * 100_000 + "]" * 100_000,
    "deep-mappings": "{a: " * 100_000 + "1" + "}" * 100_000,
    "deep-block-lists": "".join("- " * depth + "\n" for depth in range(1, 2000)),
    # PyYAML's YAML 1.1 read this as one base-60 number, in quadratic time.
    "sexagesimal": spec_with(":".join(str(part % 60) for part in range(1, 100_001))),
    "5000-digits": spec_with("7" * 5000),
    "long-hex": spec_with("0x" + "f" * 20_000),
    "3-megabytes": big_spec(40_000),
    "too-many-values": "[" + "0, " * MAX_YAML_VALUES + "]",
}


def assert_refused_fast_and_small(path: str, message: str) -> None:
    """Refused with `message` within the bounds every command keeps (see conftest.measure)."""
    seconds, peak_kb, status, stderr = measure(path)
    assert (status, stderr.startswith(message)) == (1, True), stderr
    assert seconds < SECONDS
    assert peak_kb < PEAK_KB


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_fast_and_small(tmp_path: Path, name: str) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE[name], encoding="utf-8")
    assert_refused_fast_and_small(str(path), f"error: {path}:")


def test_a_sparse_300_mb_file_is_refused_fast_and_small(tmp_path: Path) -> None:
    path = tmp_path / "sparse.yaml"
    path.touch()
    os.truncate(path, 300_000_000)  # sparse: no disk is written
    assert_refused_fast_and_small(str(path), f"error: {path}: {TOO_LARGE}")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_is_refused_fast_and_small() -> None:
    assert_refused_fast_and_small("/dev/zero", f"error: /dev/zero: {TOO_LARGE}")
