"""Read a spec file into located YAML values; the only module that imports yaml.

It builds the tree from the parser's events itself, iteratively, so that no input can
recurse deeply, expand aliases or construct arbitrary objects.
"""

from __future__ import annotations

import os
from typing import Any

import yaml

from shapecalc.errors import Mark, SpecError
from shapecalc.source import ScalarValue, YList, YMap, YNode, YScalar

MAX_DEPTH = 100
MAX_NODES = 200_000
_TAG = "tag:yaml.org,2002:"
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(path: str | os.PathLike[str], name: str) -> YNode:
    """Read and parse the spec file at `path`, called `name` in messages."""
    return parse(read(path, name), name)


def read(path: str | os.PathLike[str], name: str) -> str:
    """Return the file's text, refusing what is not a readable UTF-8 text file."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        raise SpecError(name, "no such file") from None
    except IsADirectoryError:
        raise SpecError(name, "is a directory, not a spec file") from None
    except OSError as error:
        raise SpecError(name, f"cannot be read: {error.strerror or error}") from None
    if b"\0" in data:
        raise SpecError(name, "is a binary file, not a YAML spec")
    # A BOM is dropped by hand: the utf-8-sig codec is one more module to import.
    text = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as error:
        byte, offset = text[error.start], error.start + len(data) - len(text)
        raise SpecError(name, f"is not UTF-8 text (byte 0x{byte:02x} at offset {offset})") from None


def parse(text: str, name: str) -> YNode:
    """Parse one YAML document into located values."""
    loader = _Loader(text)
    try:
        return _Builder(loader, name).document()
    except yaml.MarkedYAMLError as error:
        raise SpecError(_where(name, error.problem_mark), _describe(error)) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        what = f"invalid YAML: character #x{error.character:04x}: {error.reason}"
        raise SpecError(Mark(name, line, column), what) from None
    except yaml.YAMLError as error:
        raise SpecError(name, "invalid YAML: " + " ".join(str(error).split())) from None
    finally:
        loader.dispose()


def _where(name: str, mark: Any) -> Mark:
    if mark is None:
        return Mark(name, 1, 1)
    return Mark(name, mark.line + 1, mark.column + 1)


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
        self.items: list[YNode] = []
        self.keys: dict[tuple[type, ScalarValue], YScalar] = {}
        self.key: YScalar | None = None

    def add(self, node: YNode) -> None:
        if not self.is_map:
            self.items.append(node)
        elif self.key is not None:
            self.items.append(node)
            self.key = None
        else:
            self.key = self._key(node)
            self.items.append(self.key)

    def _key(self, node: YNode) -> YScalar:
        if not isinstance(node, YScalar):
            raise SpecError(node.mark, "a mapping key must be a plain value")
        key = (type(node.value), node.value)  # so that 1 and true differ
        first = self.keys.get(key)
        if first is not None:
            raise SpecError(
                node.mark, f"duplicate key '{node.value}' (first at line {first.mark.line})"
            )
        self.keys[key] = node
        return node

    def finish(self) -> YNode:
        if not self.is_map:
            return YList(tuple(self.items), self.mark)
        pairs = zip(self.items[0::2], self.items[1::2], strict=True)
        return YMap(tuple((key, value) for key, value in pairs), self.mark)  # type: ignore[misc]


class _Builder:
    def __init__(self, loader: Any, name: str) -> None:
        self.loader = loader
        self.name = name
        self.count = 0
        self.scalars: dict[tuple[str | None, str, tuple[bool, bool]], ScalarValue] = {}

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
        get_event, name, stack = self.loader.get_event, self.name, list[_Frame]()
        while True:
            event = get_event()
            kind = event.__class__
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                node = stack.pop().finish()
            else:
                start = event.start_mark
                mark = Mark(name, start.line + 1, start.column + 1)
                self._count(mark)
                if kind is yaml.ScalarEvent:
                    node = YScalar(self._scalar(event, mark), mark)
                elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                    if len(stack) >= MAX_DEPTH:
                        raise SpecError(mark, f"nesting is deeper than {MAX_DEPTH} levels")
                    stack.append(_Frame(mark, is_map=kind is yaml.MappingStartEvent))
                    continue
                else:  # an alias: refusing it makes "billion laughs" impossible
                    raise SpecError(mark, "YAML aliases (*name) are not supported; use a block")
            if not stack:
                return node
            stack[-1].add(node)

    def _count(self, mark: Mark) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise SpecError(mark, f"the spec has more than {MAX_NODES:,} YAML values")

    def _scalar(self, event: Any, mark: Mark) -> ScalarValue:
        """Return a scalar's value; a spec repeats its words, so each is resolved once."""
        key = (event.tag, event.value, event.implicit)
        if key not in self.scalars:
            self.scalars[key] = self._resolve(event, mark)
        return self.scalars[key]

    def _resolve(self, event: Any, mark: Mark) -> ScalarValue:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        kind = tag.removeprefix(_TAG)
        if kind == tag:
            raise SpecError(mark, f"YAML tag {tag} is not supported")
        node = yaml.ScalarNode(tag, event.value)
        try:
            if kind == "null":
                return None
            if kind == "bool":
                return bool(self.loader.construct_yaml_bool(node))
            if kind == "int":
                return int(self.loader.construct_yaml_int(node))
            if kind == "float":
                return float(self.loader.construct_yaml_float(node))
        except (ValueError, KeyError):  # only an explicit tag, such as !!int abc, gets here
            raise SpecError(mark, f"{event.value!r} is not a valid YAML {kind}") from None
        return str(event.value)
