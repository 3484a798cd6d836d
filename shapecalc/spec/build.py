"""Turn a spec document into a Model: its name, default input, blocks and module tree.

A spec is a YAML mapping:

    name: resnet18            # optional; the file's name without .yaml by default
    description: ...          # optional
    include: _resnet.yaml     # optional: files (or a list) whose blocks this spec uses
    params: [num_classes: 1000]  # optional: the model's own parameters (see settings.py)
    input: [3, 224, 224]      # the default input, without the batch dimension
    blocks: {...}             # optional: reusable, parameterised modules
    model: {...}              # the root module (see expand.py for module nodes)
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from shapecalc.errors import Mark, SpecError, describe, did_you_mean, quote
from shapecalc.limits import MAX_INCLUDES, MAX_PATH_LENGTH
from shapecalc.modules import Argument, Model, Module, Reuse
from shapecalc.shape import Shape
from shapecalc.spec import loader, names, settings
from shapecalc.spec.blocks import Block, parse_blocks
from shapecalc.spec.expand import Expander
from shapecalc.spec.expr import Env, Work, value_of
from shapecalc.spec.source import YList, YMap, YNode, YScalar

TOP_KEYS = ("name", "description", "include", "params", "input", "blocks", "model")
SUFFIXES = (".yaml", ".yml")


def load_spec(
    path: str | os.PathLike[str], source: str, values: Mapping[str, object] | None = None
) -> Model:
    """Read the spec file at `path`, called `source` in messages.

    `values` sets its top-level parameters: text as `--set` takes it, or a Python value.
    """
    budget = loader.Budget()
    doc = loader.load(path, source, budget)
    stem = os.path.splitext(os.path.basename(source))[0]
    if isinstance(doc, YMap) and "backbone" in doc.index and "model" not in doc.index:
        # An Ultralytics model config, not a spec: few runs read one.
        from shapecalc.catalog import builtin_dir
        from shapecalc.spec import yolo

        library = os.path.join(builtin_dir(), yolo.LIBRARY)
        file = os.fspath(path)
        return yolo.build_config(
            doc, source=source, default_name=stem, file=file, library=library, values=values
        )
    return build_model(
        doc, source=source, default_name=stem, file=os.fspath(path), budget=budget, values=values
    )


def build_model(
    doc: YNode,
    *,
    source: str,
    default_name: str,
    file: str | None = None,
    budget: loader.Budget | None = None,
    values: Mapping[str, object] | None = None,
) -> Model:
    """Build the Model a parsed spec document describes.

    `file` is where the document was read from, which its `include`s are relative to;
    they read from `budget`, what the spec and everything it includes may hold, as do
    `values`, which set its top-level parameters.
    """
    _check_top(doc)
    assert isinstance(doc, YMap)
    name = _name(doc, source, default_name)
    described = doc.get("description")
    description = "" if described is None else names.description(_text(described), described.mark)
    budget = budget or loader.Budget()
    library = _Library(file, budget)
    with Work():  # the spec's expressions share one budget of work, and the values set
        arguments = settings.arguments(doc.get("params"), values or {}, budget, name)
        shape = _input(_required(doc, "input"), settings.environment(arguments))
        expander = Expander(library.blocks(doc, source))
        root = _expanded(expander, _required(doc, "model"), arguments)
    if isinstance(root, Reuse) or root.functional:
        raise SpecError(root.mark, "the model itself cannot be functional")
    files = tuple(library.files)
    return Model(name, shape, root, source, description, files, arguments)


def _expanded(expander: Expander, node: YNode, arguments: tuple[Argument, ...]) -> Module:
    """Expand the model; an error says which values were set, which the spec never saw."""
    try:
        return expander.root(node, settings.environment(arguments))
    except SpecError as error:
        given = [f"{item.name}={describe(item.value)}" for item in arguments if item.given]
        if not given:
            raise
        what = f"{error.what} (with --set {', --set '.join(given)})"
        raise SpecError(error.mark, what, path=error.path) from None


def _name(doc: YMap, source: str, default: str) -> str:
    """Return the model's name: the spec's `name:`, else its file's name without .yaml."""
    node = doc.get("name")
    if node is None:
        return names.check(default, Mark(source, 1, 1), "the model's name (its file's name)")
    return names.check(_text(node, "name"), node.mark, "the model's name")


def _check_top(doc: YNode) -> None:
    if not isinstance(doc, YMap):
        raise SpecError(doc.mark, "a spec is a mapping with input and model (and blocks)")
    for key, _ in doc.entries:
        if key.value not in TOP_KEYS:
            hint = did_you_mean(str(key.value), TOP_KEYS)
            raise SpecError(
                key.mark,
                f"unknown key {quote(str(key.value))}{hint}; a spec has " + ", ".join(TOP_KEYS),
            )


class _Library:
    """The blocks of a spec and of the files it includes, each file read once.

    Includes reach only YAML files in the folder of the spec that was read, or below it,
    so that a spec from elsewhere cannot make shapecalc read other files.
    """

    def __init__(self, file: str | None, budget: loader.Budget) -> None:
        self.file = file
        self.budget = budget
        self.files = [] if file is None else [os.path.realpath(file)]  # every file read
        self.read: dict[str, dict[str, Block]] = {}  # an included file's blocks, by real path

    def blocks(self, doc: YMap, source: str) -> dict[str, Block]:
        """Return the blocks of the spec's document, its includes' with them."""
        if self.file is None:
            return self._blocks(doc, source, "", ())
        return self._blocks(doc, source, os.path.abspath(self.file), (self.files[0],))

    def _blocks(
        self, doc: YMap, source: str, here: str, within: tuple[str, ...]
    ) -> dict[str, Block]:
        """Return the blocks a document includes and defines; its own replace included ones.

        `here` is the document's file; `within` the real paths of the files being read,
        innermost last, to refuse a cycle.
        """
        blocks: dict[str, Block] = {}
        origins: dict[str, str] = {}
        for node in _includes(doc.get("include")):
            lexical, name = self._resolve(node, source, here)
            path = os.path.realpath(lexical)
            if path in within:
                raise SpecError(node.mark, f"{node.value} includes itself, through this include")
            included = self._included(lexical, name, (*within, path), node.mark)
            for block_name, block in included.items():
                if blocks.get(block_name, block) is not block:  # one file by two paths is fine
                    raise SpecError(
                        node.mark,
                        f"block {block_name} comes from both {origins[block_name]} and {name}",
                    )
                blocks[block_name] = block
                origins.setdefault(block_name, name)
        blocks.update(parse_blocks(doc.get("blocks")))
        return blocks

    def _included(
        self, lexical: str, name: str, within: tuple[str, ...], mark: Mark
    ) -> dict[str, Block]:
        """Return the blocks of an included file, reading it the first time only.

        `mark` is the include's, where a file that cannot be read is reported.
        """
        path = within[-1]
        if path not in self.read:
            if len(self.files) > MAX_INCLUDES:  # the spec itself, and as many includes
                raise SpecError(mark, f"include: a spec may include at most {MAX_INCLUDES} files")
            try:
                included = loader.load(lexical, name, self.budget, regular=True)
            except SpecError as error:
                if isinstance(error.mark, Mark):  # within the file: its own place
                    raise
                raise SpecError(mark, f"include: {name}: {error.what}") from None
            _check_top(included)
            assert isinstance(included, YMap)
            if "params" in included.index:  # they would go unseen: say so
                key = next(key for key, _ in included.entries if key.value == "params")
                raise SpecError(key.mark, "params belong to the model's spec, not to an include")
            self.files.append(path)
            self.read[path] = self._blocks(included, name, lexical, within)
        return self.read[path]

    def _resolve(self, node: YScalar, source: str, here: str) -> tuple[str, str]:
        """Return an included file's path, relative to the including one, and its name."""
        if self.file is None:
            raise SpecError(node.mark, "include works only in a spec read from a file")
        relative = names.check(str(node.value), node.mark, "include:", limit=MAX_PATH_LENGTH)
        if os.path.isabs(relative) or not relative.endswith(SUFFIXES):
            raise SpecError(
                node.mark, f"include: {quote(relative)} is not a relative path to a .yaml file"
            )
        top = os.path.dirname(os.path.abspath(self.file))
        lexical = os.path.normpath(os.path.join(os.path.dirname(here), relative))
        if os.path.commonpath([top, lexical]) != top:
            raise SpecError(
                node.mark,
                f"include: {quote(relative)} is outside the spec's folder; includes reach that "
                "folder and those below it",
            )
        if not os.path.lexists(lexical):
            raise SpecError(node.mark, f"include: no spec file {relative} beside {source}")
        parent = os.path.dirname(source)
        return lexical, relative if parent in {"", "."} else os.path.join(parent, relative)


def _includes(node: YNode | None) -> list[YScalar]:
    if node is None:
        return []
    items = node.items if isinstance(node, YList) else (node,)
    for item in items:
        if not isinstance(item, YScalar) or not isinstance(item.value, str):
            raise SpecError(item.mark, "include: expected a spec file's path, or a list of them")
    return list(items)  # type: ignore[arg-type]


def _required(doc: YMap, key: str) -> YNode:
    node = doc.get(key)
    if node is None:
        raise SpecError(doc.mark, f"the spec needs '{key}'")
    return node


def _text(node: YNode, key: str = "description") -> str:
    if not isinstance(node, YScalar) or not isinstance(node.value, str):
        raise SpecError(node.mark, f"{key}: expected text")
    return node.value


def _input(node: YNode, env: Env) -> Shape:
    dims = value_of(node, env)
    if (
        isinstance(dims, tuple)
        and dims
        and all(isinstance(dim, int) and not isinstance(dim, bool) and dim >= 1 for dim in dims)
    ):
        return Shape(dims)  # type: ignore[arg-type]
    raise SpecError(node.mark, "input: expected a list of sizes ≥ 1, such as [3, 224, 224]")
