"""Read a spec file into located YAML values; the only module that imports yaml.

It builds the tree from the parser's events itself, iteratively, so that no input can
recurse deeply, expand aliases or construct arbitrary objects. Scalars are read by the YAML
1.2 core schema, not PyYAML's YAML 1.1 resolver: `on` stays text, `2:00` is not 120, and a
mapping key is always the text written.
"""

from __future__ import annotations

import gc
import os
import re
import stat
from math import inf, isinf, nan
from typing import Any, NoReturn

import yaml

from shapecalc.errors import Mark, SpecError, quote
from shapecalc.limits import (
    MAX_INT_BITS,
    MAX_QUOTED,
    MAX_SPEC_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_VALUES,
)
from shapecalc.spec.source import ScalarValue, YList, YMap, YNode, YScalar

_TAG = "tag:yaml.org,2002:"
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The YAML 1.2 core schema.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"([-+]?)([0-9]+)|0o([0-7]+)|0x([0-9a-fA-F]+)")
_HEX = re.compile(r"[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    **{f"{sign}.{word}": -inf if sign == "-" else inf for word in ("inf", "Inf", "INF")
       for sign in ("", "+", "-")},
    **{f".{word}": nan for word in ("nan", "NaN", "NAN")},
}  # fmt: skip
# The significant digits that can hold MAX_INT_BITS bits, by base.
_MAX_DIGITS = {10: len(str(2**MAX_INT_BITS)), 8: -(-MAX_INT_BITS // 3), 16: MAX_INT_BITS // 4}
_TOO_MANY = f"a spec and its includes hold more than {MAX_YAML_VALUES:,} YAML values"
_SCALAR_TAGS = frozenset({"str", "null", "bool", "int", "float"})
_NOT_FILES = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


class Budget:
    """What a spec and everything it includes may still read, shared by them all.

    Mutable on purpose: each file read takes its bytes and its YAML values from it.
    """

    __slots__ = ("bytes", "values")

    def __init__(self) -> None:
        self.bytes = MAX_SPEC_BYTES
        self.values = MAX_YAML_VALUES


def load(
    path: str | os.PathLike[str], name: str, budget: Budget | None = None, *, regular: bool = False
) -> YNode:
    """Read and parse the spec file at `path`, called `name` in messages.

    `budget` is shared with the files the spec includes (a fresh one by default).
    `regular` refuses what is not a regular file, such as a FIFO, without opening it.
    """
    budget = Budget() if budget is None else budget
    return parse(read(path, name, budget, regular=regular), name, budget)


def read(path: str | os.PathLike[str], name: str, budget: Budget, *, regular: bool = False) -> str:
    """Return the file's text, refusing what is not a readable UTF-8 text file."""
    left = budget.bytes
    try:
        if regular:
            _check_regular(path, name)
        with open(path, "rb") as file:
            data = file.read(left + 1)  # a pipe or a device may never end
    except FileNotFoundError:
        raise SpecError(name, "no such file") from None
    except IsADirectoryError:
        raise SpecError(name, "is a directory, not a spec file") from None
    except OSError as error:
        raise SpecError(name, f"cannot be read: {error.strerror or error}") from None
    if len(data) > left:
        what = f"goes beyond the {MAX_SPEC_BYTES:,} bytes a spec and its includes may hold"
        raise SpecError(name, what)
    budget.bytes -= len(data)
    return _decode(data, name)


def _check_regular(path: str | os.PathLike[str], name: str) -> None:
    kind = _NOT_FILES.get(stat.S_IFMT(os.stat(path).st_mode))
    if kind is not None:
        raise SpecError(name, f"is {kind}, not a spec file")


def _decode(data: bytes, name: str) -> str:
    if b"\0" in data:
        raise SpecError(name, "is a binary file, not a YAML spec")
    # A BOM is dropped by hand: the utf-8-sig codec is one more module to import.
    text = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as error:
        byte, offset = text[error.start], error.start + len(data) - len(text)
        raise SpecError(name, f"is not UTF-8 text (byte 0x{byte:02x} at offset {offset})") from None


def parse(text: str, name: str, budget: Budget | None = None) -> YNode:
    """Parse one YAML document into located values, taking them from `budget`."""
    loader = _Loader(text)
    collecting = gc.isenabled()
    # The tree holds no cycles, and collecting while it grows took a third of the time.
    gc.disable()
    try:
        return _Builder(loader, name, budget or Budget()).document()
    except yaml.MarkedYAMLError as error:
        where = _where(name, error.problem_mark)
        raise SpecError(where, _surrogate(text, error, where) or _describe(error)) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        what = f"invalid YAML: character #x{error.character:04x}: {error.reason}"
        raise SpecError(Mark(name, line, column), what) from None
    except yaml.YAMLError as error:
        raise SpecError(name, "invalid YAML: " + " ".join(str(error).split())) from None
    finally:
        loader.dispose()
        if collecting:
            gc.enable()


def _where(name: str, mark: Any) -> Mark:
    if mark is None:
        return Mark(name, 1, 1)
    return Mark(name, mark.line + 1, mark.column + 1)


def _surrogate(text: str, error: yaml.MarkedYAMLError, where: Mark) -> str | None:
    """Name the lone surrogate an escape such as \\ud800 asks for, which libyaml refuses."""
    if error.problem != "found invalid Unicode character escape code":
        return None
    lines, start = text.splitlines(), where.column - 1  # the mark is at the escape's digits
    line = lines[where.line - 1] if where.line <= len(lines) else ""
    digits = line[start : start + {"u": 4, "U": 8}.get(line[start - 1 : start], 0)]
    code = int(digits, 16) if _HEX.fullmatch(digits) else -1
    return _lone_surrogate(chr(code)) if 0xD800 <= code <= 0xDFFF else None


def _describe(error: yaml.MarkedYAMLError) -> str:
    text = f"invalid YAML: {error.problem}"
    if error.context and error.context_mark is not None:
        text += f" ({error.context} at line {error.context_mark.line + 1})"
    elif error.context:
        text += f" ({error.context})"
    return text


class _Frame:
    """A mapping or list being built, with the key that waits for its value."""

    def __init__(self, mark: Mark, *, is_map: bool) -> None:
        self.mark = mark
        self.is_map = is_map
        self.wants_key = is_map
        self.items: list[YNode] = []
        self.keys: dict[ScalarValue, YScalar] = {}

    def add(self, node: YNode) -> None:
        if self.wants_key:
            assert isinstance(node, YScalar)  # the builder reads a key as text
            first = self.keys.get(node.value)
            if first is not None:
                where = f"first at line {first.mark.line}"
                raise SpecError(node.mark, f"duplicate key {quote(str(node.value))} ({where})")
            self.keys[node.value] = node
            self.wants_key = False
        else:
            self.wants_key = self.is_map
        self.items.append(node)

    def finish(self) -> YNode:
        if not self.is_map:
            return YList(tuple(self.items), self.mark)
        pairs = zip(self.items[0::2], self.items[1::2], strict=True)
        return YMap(tuple((key, value) for key, value in pairs), self.mark)  # type: ignore[misc]


class _Builder:
    def __init__(self, loader: Any, name: str, budget: Budget) -> None:
        self.loader = loader
        self.name = name
        self.budget = budget
        self.last: Any = None  # the last value's event, to place an error the parser gives none

    def document(self) -> YNode:
        self.loader.get_event()  # stream start
        if self.loader.check_event(yaml.StreamEndEvent):
            raise SpecError(Mark(self.name, 1, 1), "the file is empty; a spec is a mapping")
        self.loader.get_event()  # document start
        root = self._node()
        self.loader.get_event()  # document end
        if not self.loader.check_event(yaml.StreamEndEvent):
            start = self.loader.peek_event().start_mark
            raise SpecError(_where(self.name, start), "a spec is one YAML document, not several")
        return root

    def _node(self) -> YNode:
        try:
            return self._build()
        except UnicodeDecodeError:  # libyaml let through a tag whose %-escapes are not UTF-8
            where = _where(self.name, self.last and self.last.end_mark)
            what = "invalid YAML: the next tag's %-escapes are not UTF-8 text"
            raise SpecError(where, what) from None

    def _build(self) -> YNode:
        get_event, name, budget = self.loader.get_event, self.name, self.budget
        stack: list[_Frame] = []
        scalars: dict[tuple[bool, str | None, str, object], ScalarValue] = {}
        while True:
            event = get_event()
            kind = event.__class__
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                node = stack.pop().finish()
            else:
                self.last, start = event, event.start_mark
                mark = Mark(name, start.line + 1, start.column + 1)
                budget.values -= 1
                if budget.values < 0:
                    raise SpecError(mark, _TOO_MANY)
                is_key = bool(stack) and stack[-1].wants_key
                if kind is yaml.ScalarEvent:
                    # A spec repeats its words and names: each is read once.
                    seen = (is_key, event.tag, event.value, event.implicit)
                    value = scalars.get(seen, _UNSEEN)
                    if value is _UNSEEN:
                        value = scalars[seen] = (_key if is_key else _resolve)(event, mark)
                    node = YScalar(value, mark)
                elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                    stack.append(_collection(event, mark, depth=len(stack), is_key=is_key))
                    continue
                else:  # an alias: refusing it makes "billion laughs" impossible
                    raise SpecError(mark, "YAML aliases (*name) are not supported; use a block")
            if not stack:
                return node
            stack[-1].add(node)


_UNSEEN: Any = object()


def _collection(event: Any, mark: Mark, *, depth: int, is_key: bool) -> _Frame:
    """Start a list or a mapping, refusing one where a name is due, or too deep."""
    if is_key:
        raise SpecError(mark, "a mapping key must be a plain value")
    if depth >= MAX_YAML_DEPTH:
        raise SpecError(mark, f"nesting is deeper than {MAX_YAML_DEPTH} levels")
    is_map = event.__class__ is yaml.MappingStartEvent
    tag = event.tag
    if tag is not None and tag != "!" and tag != _TAG + ("map" if is_map else "seq"):
        _refuse_tag(tag, "a mapping" if is_map else "a list", mark)
    return _Frame(mark, is_map=is_map)


def _key(event: Any, mark: Mark) -> str:
    """Return a mapping key: a name, the text as written, whatever it looks like."""
    tag, text = event.tag, event.value
    if tag is not None and tag != "!" and tag != _TAG + "str":
        _refuse_tag(tag, "a mapping key, which is a name", mark)
    return _text(text, mark)


def _resolve(event: Any, mark: Mark) -> ScalarValue:
    tag, text = event.tag, event.value
    if tag is None:  # plain, or quoted: the parser marks a plain scalar implicit
        return _plain(text, mark) if event.implicit[0] else _text(text, mark)
    kind = "str" if tag == "!" else tag.removeprefix(_TAG)
    if kind == tag or kind not in _SCALAR_TAGS:
        _refuse_tag(tag, "a single value", mark)
    if kind == "str":
        return _text(text, mark)
    if kind == "null" and text in _NULLS:
        return None
    if kind == "bool" and text in _BOOLS:
        return _BOOLS[text]
    number = _int(text, mark) if kind == "int" else _float(text, mark) if kind == "float" else None
    if number is None:
        raise SpecError(mark, f"{quote(text)} is not a valid YAML {kind}")
    return number


def _plain(text: str, mark: Mark) -> ScalarValue:
    """Read a plain scalar by the YAML 1.2 core schema: null, bool, int, float or text."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    number: float | None = _int(text, mark)
    if number is None:
        number = _float(text, mark)
    return _text(text, mark) if number is None else number


def _int(text: str, mark: Mark) -> int | None:
    """Read a 1.2 integer, or return None; refuse one too large or with a leading zero."""
    match = _INT.fullmatch(text)
    if match is None:
        return None
    sign, decimal, octal, hexadecimal = match.groups()
    base, digits = (10, decimal) if decimal else (8, octal) if octal else (16, hexadecimal)
    significant = digits.lstrip("0") or "0"
    # int() of a long decimal string takes quadratic time: count the digits first.
    number = int(significant, base) if len(significant) <= _MAX_DIGITS[base] else -1
    if number < 0 or number.bit_length() > MAX_INT_BITS:
        raise SpecError(mark, f"the integer {quote(text)} has more than {MAX_INT_BITS} bits")
    if base == 10 and len(digits) > 1 and digits[0] == "0":
        raise SpecError(mark, _leading_zero(text, sign, number))
    return -number if sign == "-" else number


def _leading_zero(text: str, sign: str, number: int) -> str:
    """Say how YAML 1.1 and 1.2 read a decimal with a leading zero, and what to write."""
    minus = "-" if sign == "-" else ""
    digits = text.lstrip("+-")
    if set(digits) <= set("01234567"):
        octal = int(digits, 8)
        old = f"octal {minus}{octal}"
        spelled = f"0o{octal:o}" if not minus else f"-{octal}"  # 1.2 has no signed 0o
        advice = f", or {spelled} for octal" if octal != number else ""
    else:  # 08 and 09 are no octal number: YAML 1.1 reads them as text
        old, advice = "a string", ", or quote it for text"
    return (
        f"{quote(text)} has a leading zero: YAML 1.1 reads it as {old}, "
        f"YAML 1.2 as {minus}{number}; write {minus}{number}{advice}"
    )


def _float(text: str, mark: Mark) -> float | None:
    """Read a 1.2 float, or return None; refuse one too large for a float."""
    special = _SPECIAL_FLOATS.get(text)
    if special is not None:
        return special
    if _FLOAT.fullmatch(text) is None:
        return None
    number = float(text)
    if isinf(number):
        raise SpecError(mark, f"the number {quote(text)} is too large for a float; write .inf")
    return number


def _text(text: str, mark: Mark) -> str:
    """Return text, refusing a lone surrogate: it is no character, and no output could show it."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise SpecError(mark, _lone_surrogate(text[error.start])) from None
    return text


def _lone_surrogate(char: str) -> str:
    return f"{quote(char)} is a lone surrogate (U+{ord(char):04X}), not a character"


def _refuse_tag(tag: str, what: str, mark: Mark) -> NoReturn:
    kind = tag.removeprefix(_TAG)
    shown = "!!" + kind if kind != tag else tag
    if not shown.isprintable() or len(shown) > MAX_QUOTED:
        shown = quote(shown)
    if kind != tag and (kind in _SCALAR_TAGS or kind in ("map", "seq")):
        raise SpecError(mark, f"YAML tag {shown} does not apply to {what}")
    raise SpecError(mark, f"YAML tag {shown} is not supported")
