"""Expand a spec's module nodes into the module tree: blocks, parameters, repetition.

A module node is one of:

- a string: a layer type or block with its default arguments (`ReLU`);
- a mapping with `type` and arguments (`{type: Conv2d, out_channels: 64, kernel_size: 3}`);
- a mapping with exactly one of `children`, `add` or `cat`: a container;
- a list: shorthand for a Sequential whose children are numbered from 0;
- null, or a node whose `when` is false: no module at all, as `self.x = None` in PyTorch.

`repeat: N` in a list stands for N consecutive children; `functional: true` marks work
done in `forward()` rather than by a registered module: it has no row, and the children
of a functional container belong to the enclosing module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from shapecalc.blocks import Block, bind
from shapecalc.errors import LayerError, Mark, SpecError, did_you_mean
from shapecalc.expr import Env, ExprError, evaluate, value_of
from shapecalc.layers import KINDS, build
from shapecalc.layers.args import describe
from shapecalc.modules import Combine, Container, Leaf, Module
from shapecalc.source import YList, YMap, YNode, YScalar
from shapecalc.syntax import ENTRY_KEYS, INDEX, NODE_KEYS, STRUCTURE

MAX_MODULES = 250_000
MAX_REPEAT = 100_000
MAX_NESTING = 100
_TEMPLATE = re.compile(r"\$\{[^}]*\}")


@dataclass(slots=True)
class _Scope:
    """The module that registers children: where names are unique and numbers count."""

    path: str
    depth: int
    names: dict[str, Mark] = field(default_factory=dict)
    counter: int = 0


@dataclass(frozen=True, slots=True)
class _Site:
    """Where a new module goes: its scope (none for the root) and its name (none: numbered)."""

    scope: _Scope | None
    name: YScalar | None = None


class Expander:
    """Expand module nodes with the spec's blocks, counting every module made."""

    def __init__(self, blocks: Mapping[str, Block]) -> None:
        self.blocks = blocks
        self.active: list[str] = []
        self.count = 0

    def root(self, node: YNode) -> Module:
        """Expand the model's root module, which has the empty path."""
        modules = self._entry(node, {}, _Site(None))
        if len(modules) != 1:
            raise SpecError(node.mark, "the model must be exactly one module")
        return modules[0]

    def _children(self, node: YNode, env: Env, scope: _Scope) -> list[Module]:
        """Expand a mapping of named children, or a list of numbered ones."""
        modules: list[Module] = []
        if isinstance(node, YMap):
            for key, value in node.entries:
                modules.extend(self._entry(value, env, _Site(scope, key)))
        elif isinstance(node, YList):
            for item in node.items:
                modules.extend(self._entry(item, env, _Site(scope)))
        elif not (isinstance(node, YScalar) and value_of(node, env) in (None, "identity")):
            raise SpecError(node.mark, "expected a mapping of named modules or a list of modules")
        return modules

    def _entry(self, node: YNode, env: Env, site: _Site) -> list[Module]:
        """Expand one child: none when absent, several when repeated."""
        if isinstance(node, YList):
            node = YMap(((YScalar("children", node.mark), node),), node.mark)
        elif isinstance(node, YScalar):
            kind = value_of(node, env)
            if kind is None:
                return []
            if not isinstance(kind, str):
                raise SpecError(node.mark, f"expected a module, got {describe(kind)}")
            node = YMap(((YScalar("type", node.mark), YScalar(kind, node.mark)),), node.mark)
        when = node.get("when")
        if when is not None and not _flag(when, env, "when"):
            return []
        count = _repeat(node, env, site)
        if count is None:
            return [self._module(node, env, site)]
        modules = []
        for index in range(count):
            indexed = {**env, INDEX: index}
            modules.append(self._module(node, indexed, _Site(site.scope, _named(site, indexed))))
        return modules

    def _module(
        self,
        node: YMap,
        env: Env,
        site: _Site,
        *,
        label: str | None = None,
        functional: bool = False,
    ) -> Module:
        """Build the module a mapping node describes; `label` names a block's own type."""
        functional = functional or _flag(node.get("functional"), env, "functional")
        structure = [key for key in node.names() if key in STRUCTURE]
        if len(structure) > 1:
            raise SpecError(node.mark, "a module has only one of children, add and cat")
        kind = _type(node, env)
        if structure:
            return self._container(
                node, env, site, key=structure[0], kind=kind or label, functional=functional
            )
        if kind is None:
            what = "a module needs a type, or children, add or cat"
            names = [str(key.value) for key, _ in _args(node)]
            if names:  # most often, named children written without `children:`
                what += f"; to name children ({', '.join(names)}), put them under children:"
            raise SpecError(node.mark, what)
        block = self.blocks.get(kind)
        if block is not None:
            return self._block(block, node, env=env, site=site, functional=functional)
        return self._leaf(kind, node, env=env, site=site, functional=functional)

    def _container(
        self, node: YMap, env: Env, site: _Site, *, key: str, kind: str | None, functional: bool
    ) -> Container:
        _check_keys(node, key)
        combine = STRUCTURE[key]
        if kind is None and combine is not Combine.SEQUENCE and not functional:
            raise SpecError(node.mark, f"a module made by {key} needs a type (its class name)")
        text, path, depth = self._register(site, functional=functional, mark=node.mark)
        inner = site.scope if functional and site.scope else _Scope(path, depth + 1)
        if inner.depth > MAX_NESTING:
            raise SpecError(node.mark, f"modules nest deeper than {MAX_NESTING} levels")
        body = node.get(key)
        assert body is not None
        try:
            kept = _branches(body, combine, env)
            branches = tuple(tuple(self._children(branch, env, inner)) for branch in kept)
        except SpecError as error:
            raise error.within(path) from None
        if len(branches) == 1 and combine in (Combine.ADD, Combine.CAT):
            combine = Combine.SEQUENCE  # the other branches were left out
        kind = kind or "Sequential"
        return Container(text, path, depth, kind, combine, branches, node.mark, functional)

    def _block(
        self, block: Block, call: YMap, *, env: Env, site: _Site, functional: bool
    ) -> Module:
        if block.name in self.active:
            cycle = " → ".join([*self.active[self.active.index(block.name) :], block.name])
            raise SpecError(call.mark, f"block {block.name} uses itself ({cycle})")
        bound = bind(block, _args(call), env=env, mark=call.mark)
        self.active.append(block.name)
        try:
            return self._module(block.body, bound, site, label=block.name, functional=functional)
        finally:
            self.active.pop()

    def _leaf(self, kind: str, node: YMap, *, env: Env, site: _Site, functional: bool) -> Leaf:
        layer_kind = KINDS.get(kind)
        if layer_kind is None:
            hint = did_you_mean(kind, [*KINDS, *self.blocks])
            raise SpecError(node.mark, f"unknown layer type '{kind}'{hint}")
        text, path, depth = self._register(site, functional=functional, mark=node.mark)
        given = _args(node)
        marks = {str(key.value): value.mark for key, value in given}
        try:
            layer = build(
                layer_kind, {str(key.value): value_of(value, env) for key, value in given}
            )
        except LayerError as error:
            names = {str(key.value): key.mark for key, _ in given}
            mark = (names if error.unknown else marks).get(error.arg or "", node.mark)
            raise SpecError(mark, error.what, path=path) from None
        except SpecError as error:
            raise error.within(path) from None
        return Leaf(text, path, depth, layer, node.mark, marks, functional)

    def _register(self, site: _Site, *, functional: bool, mark: Mark) -> tuple[str, str, int]:
        """Name a new module in its scope; return its name, path and depth."""
        scope = site.scope
        if scope is None:
            return "", "", 0
        if functional:
            text = "" if site.name is None else str(site.name.value)
            return text, _join(scope.path, text), scope.depth
        if site.name is None:
            text = str(scope.counter)
            scope.counter += 1
        else:
            text = _name(site.name)
            first = scope.names.get(text)
            if first is not None:
                raise SpecError(
                    site.name.mark,
                    f"a module named '{text}' is already in "
                    f"{scope.path or 'the model'} (line {first.line})",
                )
            scope.names[text] = site.name.mark
        self.count += 1
        if self.count > MAX_MODULES:
            raise SpecError(mark, f"the model expands to more than {MAX_MODULES:,} modules")
        return text, _join(scope.path, text), scope.depth


def _repeat(node: YMap, env: Env, site: _Site) -> int | None:
    """Return how many times a node repeats, or None when it does not."""
    repeat = node.get("repeat")
    if repeat is None:
        return None
    if site.name is not None and "${" not in str(site.name.value):
        raise SpecError(
            repeat.mark,
            f"a repeated child needs a number, in a list, or a name such as "
            f"'{site.name.value}${{i + 1}}' that ${{i}} makes different",
        )
    count = value_of(repeat, env)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_REPEAT:
        raise SpecError(
            repeat.mark,
            f"repeat: expected an integer from 1 to {MAX_REPEAT:,}, "
            f"got {describe(count)}; use `when` to leave a module out",
        )
    return count


def _named(site: _Site, env: Env) -> YScalar | None:
    """Return a repeated child's name, its `${…}` parts evaluated in `env`."""
    if site.name is None:
        return None
    mark = site.name.mark
    try:
        text = _TEMPLATE.sub(lambda part: str(evaluate(part.group(0), env)), str(site.name.value))
    except ExprError as error:
        raise SpecError(mark, str(error)) from None
    return YScalar(text, mark)


def _branches(body: YNode, combine: Combine, env: Env) -> tuple[YNode, ...]:
    """Return the branches a container joins; a branch that is null is left out."""
    if combine in (Combine.SEQUENCE, Combine.DENSE):
        return (body,)
    if not isinstance(body, YList) or len(body.items) < 2:
        raise SpecError(body.mark, f"{combine.value} takes a list of two or more branches")
    kept = tuple(
        branch
        for branch in body.items
        if not (isinstance(branch, YScalar) and value_of(branch, env) is None)
    )
    if not kept:
        raise SpecError(body.mark, f"{combine.value}: every branch is null")
    return kept


def _args(node: YMap) -> list[tuple[YScalar, YNode]]:
    """Return a node's arguments: every entry whose key is not the node's own."""
    return [
        (key, value)
        for key, value in node.entries
        if key.value not in ENTRY_KEYS and key.value not in NODE_KEYS
    ]


def _check_keys(node: YMap, structure: str) -> None:
    for key, _ in node.entries:
        if key.value != structure and key.value not in ENTRY_KEYS | NODE_KEYS:
            raise SpecError(key.mark, f"a container takes no argument '{key.value}'")


def _type(node: YMap, env: Env) -> str | None:
    kind_node = node.get("type")
    if kind_node is None:
        return None
    kind = value_of(kind_node, env)
    if not isinstance(kind, str) or not kind:
        raise SpecError(kind_node.mark, f"type: expected a class name, got {describe(kind)}")
    return kind


def _flag(node: YNode | None, env: Env, key: str) -> bool:
    if node is None:
        return False
    value = value_of(node, env)
    if not isinstance(value, bool):
        raise SpecError(node.mark, f"{key}: expected true or false, got {describe(value)}")
    return value


def _name(key: YScalar) -> str:
    text = str(key.value)
    if key.value is None or isinstance(key.value, bool) or not text or "." in text:
        raise SpecError(key.mark, f"'{text}' cannot name a module (PyTorch forbids '.' and '')")
    return text


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name
