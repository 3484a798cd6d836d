"""Expand a spec's module nodes into the module tree: blocks, parameters, repetition.

A module node is one of:

- a string: a layer type or block with its default arguments (`ReLU`);
- a mapping with `type` and arguments (`{type: Conv2d, out_channels: 64, kernel_size: 3}`);
- a mapping with exactly one of `children`, `add` or `cat`: a container;
- a list: shorthand for a Sequential whose children are numbered from 0;
- null, or a node whose `when` is false: no module at all, as `self.x = None` in PyTorch.

`repeat: N` in a list stands for N consecutive children; `functional: true` marks work
done in `forward()` rather than by a registered module: it has no row, and the children
of a functional container belong to the enclosing module; `run: false` registers a module
that runs only where a `use` runs it (see _scope.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from shapecalc.errors import LayerError, Mark, SpecError, describe, did_you_mean, quote
from shapecalc.layers import KINDS, Builder, Layer
from shapecalc.limits import MAX_BLOCK_USES, MAX_MODULES, MAX_NESTING
from shapecalc.modules import Combine, Container, Leaf, Module, Reuse
from shapecalc.spec._graph import Steps, taking
from shapecalc.spec._scope import Scope, Site, runs_here, use_target, waiting
from shapecalc.spec.blocks import Block, bind
from shapecalc.spec.expr import Env, is_literal, value_of
from shapecalc.spec.names import join_path
from shapecalc.spec.nodes import (
    args,
    branches_of,
    check_container_keys,
    flag,
    join_options,
    own_parameters,
    repeat_count,
    resize_mode,
    returned,
    type_of,
)
from shapecalc.spec.source import YList, YMap, YNode, YScalar
from shapecalc.spec.syntax import ENTRY_KEYS, INDEX, STRUCTURE
from shapecalc.value import replace

M = TypeVar("M", Leaf, Container)
_Built = tuple[YMap, Layer, dict[str, Mark]]  # a leaf node, its layer, its arguments' marks


class Expander:
    """Expand module nodes with the spec's blocks, counting every module made."""

    def __init__(self, blocks: Mapping[str, Block]) -> None:
        self.blocks = blocks
        self.active: list[str] = []
        self.count = 0  # modules made, functional ones and uses included
        self.uses = 0  # blocks used
        self.depth = 0  # modules being made, each within the one before
        self.shorthands: dict[tuple[str, Mark], YMap] = {}
        self.literal: dict[tuple[int, type[Layer]], _Built] = {}
        self.layers = Builder()
        self.shared: dict[str, Leaf] = {}  # the layer each `shared:` name first made

    def root(self, node: YNode, env: Env | None = None) -> Module:
        """Expand the model's root module, which has the empty path, with the spec's `env`."""
        steps = Steps()
        self._entry(node, env or {}, Site(None), steps)
        if len(steps.modules) != 1:
            raise SpecError(node.mark, "the model must be exactly one module")
        return steps.modules[0]

    def _children(self, node: YNode, env: Env, scope: Scope) -> Steps:
        """Expand a mapping of named children, or a list of numbered ones."""
        steps = Steps()
        if isinstance(node, YMap):
            for key, value in node.entries:
                self._entry(value, env, Site(scope, key), steps)
        elif isinstance(node, YList):
            numbered = Site(scope)  # one for all: a site is a value
            for item in node.items:
                self._entry(item, env, numbered, steps)
        elif not (isinstance(node, YScalar) and value_of(node, env) in (None, "identity")):
            raise SpecError(node.mark, "expected a mapping of named modules or a list of modules")
        return steps

    def _entry(self, node: YNode, env: Env, site: Site, steps: Steps) -> None:
        """Expand one child into `steps`: none when absent, several when repeated."""
        if isinstance(node, YList):
            node = YMap(((YScalar("children", node.mark), node),), node.mark)
        elif isinstance(node, YScalar):
            kind = value_of(node, env)
            if kind is None:
                return
            if not isinstance(kind, str):
                raise SpecError(node.mark, f"expected a module, got {describe(kind)}")
            node = self._shorthand(kind, node.mark)
        when = node.get("when")
        if when is not None and not flag(when, env, "when"):
            return
        count = repeat_count(node, env, site.name)
        sourced = "from" in node.index
        if count is None:
            module = self._module(node, env, site.named(env))
            steps.modules.append(
                self._sourced(module, node, env, site, steps) if sourced else module
            )
            return
        for index in range(count):
            indexed = {**env, INDEX: index}
            module = self._module(node, indexed, site.named(indexed))
            steps.modules.append(
                self._sourced(module, node, indexed, site, steps) if sourced else module
            )

    def _sourced(self, module: Module, node: YMap, env: Env, site: Site, steps: Steps) -> Module:
        """Return a module that takes its input where its `from:` says."""
        if site.scope is None:
            raise SpecError(node.mark, "from: is for a sequence's steps; the model takes the input")
        if not isinstance(module, Reuse) and not module.functional and not module.runs:
            raise SpecError(
                node.mark,
                "from: is for a step that runs here; this one runs where a use runs it, "
                "which takes from: instead",
            )
        steps.graph = True
        return replace(module, takes=taking(node, env, steps, site.scope.path))

    def _shorthand(self, kind: str, mark: Mark) -> YMap:
        """Return `{type: kind}` for a module written as its type alone, made once."""
        key = (kind, mark)
        if key not in self.shorthands:
            self.shorthands[key] = YMap(((YScalar("type", mark), YScalar(kind, mark)),), mark)
        return self.shorthands[key]

    def _module(
        self,
        node: YMap,
        env: Env,
        site: Site,
        *,
        label: str | None = None,
        functional: bool = False,
    ) -> Module:
        """Build the module a mapping node describes; `label` names a block's own type."""
        if site.scope is not None:  # the root is not counted: it is the model
            self.count += 1
            if self.count > MAX_MODULES:
                raise SpecError(
                    node.mark, f"the model expands to more than {MAX_MODULES:,} modules"
                )
        return self._within(node, env, site, label=label, functional=functional)

    def _within(
        self, node: YMap, env: Env, site: Site, *, label: str | None, functional: bool
    ) -> Module:
        """Build a module inside those being built, refusing to nest without bound."""
        if self.depth >= MAX_NESTING:
            raise SpecError(
                node.mark, f"modules nest deeper than {MAX_NESTING} levels, blocks included"
            )
        self.depth += 1
        try:
            return self._made(node, env, site, label=label, functional=functional)
        finally:
            self.depth -= 1

    def _made(
        self, node: YMap, env: Env, site: Site, *, label: str | None, functional: bool
    ) -> Module:
        use = node.get("use")
        if use is not None:
            return self._reuse(node, use, env=env, site=site)
        functional = functional or flag(node.get("functional"), env, "functional")
        runs = runs_here(node, env, functional=functional)
        structure = [key for key in STRUCTURE if key in node.index]  # fewer than a node's keys
        if len(structure) > 1:
            raise SpecError(node.mark, "a module has only one of children, add, mul, cat and dense")
        kind = type_of(node, env)
        if "shared" in node.index and structure:
            raise SpecError(node.mark, "shared: is for layers; a container is not shared")
        if structure:
            return self._container(
                node,
                env,
                site,
                key=structure[0],
                kind=kind or label,
                functional=functional,
                runs=runs,
            )
        if kind is None:
            what = "a module needs a type, or children, add or cat"
            names = [str(key.value) for key, _ in args(node)]
            if names:  # most often, named children written without `children:`
                what += f"; to name children ({', '.join(names)}), put them under children:"
            raise SpecError(node.mark, what)
        block = self.blocks.get(kind)
        if block is not None:
            made = self._block(block, node, env=env, site=site, functional=functional)
            shared = node.index.get("shared")
            if shared is not None:  # a block of one layer, shared as that layer
                if not isinstance(made, Leaf):
                    raise SpecError(node.mark, "shared: is for layers; a container is not shared")
                return self._shared(made if runs else replace(made, runs=False), shared, env)
            return made if runs else waiting(made, site)
        return self._leaf(kind, node, env=env, site=site, functional=functional, runs=runs)

    def _reuse(self, node: YMap, use: YNode, *, env: Env, site: Site) -> Reuse:
        """Build a step that runs a layer of the enclosing module again."""
        for key, _ in node.entries:
            if key.value not in ENTRY_KEYS and key.value not in ("use", "from"):
                raise SpecError(key.mark, f"a use step takes no argument {quote(str(key.value))}")
        if not isinstance(use, YScalar) or not _can_name(use.value) or site.scope is None:
            raise SpecError(use.mark, "use: expected the name of a layer of the enclosing module")
        target = use_target(use, env)
        site.scope.uses.append((target, use.mark, len(site.scope.registered)))
        label = "" if site.name is None else str(site.name.value)
        scope = site.scope
        path = join_path(scope.path, label, node.mark)
        return Reuse(label, path, scope.depth, target, node.mark)

    def _container(
        self,
        node: YMap,
        env: Env,
        site: Site,
        *,
        key: str,
        kind: str | None,
        functional: bool,
        runs: bool,
    ) -> Container:
        check_container_keys(node, key)
        combine = STRUCTURE[key]
        joins = combine in (Combine.ADD, Combine.MUL, Combine.CAT)
        dim, crop = join_options(node, env) if joins else (1, False)
        if kind is None and combine is not Combine.SEQUENCE and not functional:
            raise SpecError(node.mark, f"a module made by {key} needs a type (its class name)")
        text, path, depth = self._register(site, functional=functional, mark=node.mark)
        inner = site.scope if functional and site.scope else Scope(path, depth + 1)
        body = node.get(key)
        assert body is not None
        try:
            kept = branches_of(body, combine, env)
            expanded = [self._children(branch, env, inner) for branch in kept]
            branches = tuple(tuple(steps.modules) for steps in expanded)
        except SpecError as error:
            raise error.within(path) from None
        if inner is not site.scope:
            inner.check_uses()
        if len(branches) == 1 and combine in (Combine.ADD, Combine.MUL, Combine.CAT):
            combine = Combine.SEQUENCE  # the other branches were left out
        graph = any(steps.graph for steps in expanded)
        if graph and combine is Combine.DENSE:
            raise SpecError(
                node.mark, "from: is for a sequence's steps; dense feeds each its input"
            )
        kind = kind or "Sequential"
        own, resize = own_parameters(node, env), resize_mode(node, env)
        made = Container(
            text,
            path,
            depth,
            kind,
            combine,
            branches,
            node.mark,
            functional,
            dim,
            crop,
            own,
            resize,
            runs,
            returned(node, env, branches),
            None,  # takes: by position, as every field here, which makes it much faster
            graph,
        )
        return self._record(site, made)

    def _block(self, block: Block, call: YMap, *, env: Env, site: Site, functional: bool) -> Module:
        if block.name in self.active:
            cycle = " → ".join([*self.active[self.active.index(block.name) :], block.name])
            raise SpecError(call.mark, f"block {block.name} uses itself ({cycle})")
        self.uses += 1
        if self.uses > MAX_BLOCK_USES:
            raise SpecError(call.mark, f"the model uses blocks more than {MAX_BLOCK_USES:,} times")
        if "from" in block.body.index:
            raise SpecError(
                block.body.mark, f"from: belongs where {block.name} is used, not in its body"
            )
        bound = bind(block, args(call), env=env, mark=call.mark)
        self.active.append(block.name)
        try:
            return self._within(block.body, bound, site, label=block.name, functional=functional)
        finally:
            self.active.pop()

    def _leaf(
        self, kind: str, node: YMap, *, env: Env, site: Site, functional: bool, runs: bool
    ) -> Leaf | Reuse:
        layer_kind = KINDS.get(kind)
        if layer_kind is None:
            hint = did_you_mean(kind, [*KINDS, *self.blocks])
            raise SpecError(
                node.mark, f"unknown type '{kind}': no layer or block has that name{hint}"
            )
        text, path, depth = self._register(site, functional=functional, mark=node.mark)
        built = self.literal.get(literal_key(node, layer_kind))
        _, layer, marks = built or self._layer(layer_kind, node, env, path)
        subclass = type_of(node, env, "class")
        leaf = Leaf(text, path, depth, layer, node.mark, marks, functional, subclass, runs, None)
        shared = node.index.get("shared")
        made = leaf if shared is None else self._shared(leaf, shared, env)
        return self._record(site, made) if made is leaf else made

    def _shared(self, leaf: Leaf, node: YNode, env: Env) -> Leaf | Reuse:
        """Return the layer a `shared:` name makes where it first appears; after, a use of it.

        PyTorch's `named_modules()` lists a module object once, where it first appears:
        the later places have no row, and run the first place's layer.
        """
        name = value_of(node, env)
        if name is None:  # `shared: null`, as an expression may give: a layer of its own
            return leaf
        if not isinstance(name, str) or not name or leaf.functional or not leaf.runs:
            raise SpecError(node.mark, "shared: expected a name, for a layer that runs here")
        first = self.shared.setdefault(name, leaf)
        if first is leaf:
            return leaf
        if (first.type, first.layer) != (leaf.type, leaf.layer):
            raise SpecError(
                node.mark,
                f"shared: {quote(name)} is a {first.type} at {first.path}, with other "
                "arguments or of another type: one module object is one layer",
            )
        return Reuse(leaf.name, leaf.path, leaf.depth, first.path, leaf.mark, shares=first)

    def _layer(self, kind: type[Layer], node: YMap, env: Env, path: str) -> _Built:
        """Build a node's layer, and say where each argument was written.

        A node whose arguments hold no expression makes the same layer at every use of its
        type, so it is built once (see `literal_key`).
        """
        given = args(node)
        marks = {str(key.value): value.mark for key, value in given}
        try:
            layer = self.layers.build(
                kind, {str(key.value): value_of(value, env) for key, value in given}
            )
        except LayerError as error:
            names = {str(key.value): key.mark for key, _ in given}
            mark = (names if error.unknown else marks).get(error.arg or "", node.mark)
            raise SpecError(mark, error.what, path=path) from None
        except SpecError as error:
            raise error.within(path) from None
        built = (node, layer, marks)
        if all(is_literal(value) for _, value in given):
            self.literal[literal_key(node, kind)] = built
        return built

    def _record(self, site: Site, module: M) -> M:
        """Let `use` steps of the enclosing module find a registered `module`."""
        if site.scope is not None and not module.functional:
            site.scope.record(module.name, module)
        return module

    def _register(self, site: Site, *, functional: bool, mark: Mark) -> tuple[str, str, int]:
        """Name a new module in its scope; return its name, path and depth."""
        scope = site.scope
        if scope is None:
            return "", "", 0
        if functional:
            text = "" if site.name is None else str(site.name.value)
            return text, join_path(scope.path, text, mark), scope.depth
        if site.name is None:
            text = str(scope.counter)
            scope.counter += 1
        else:
            text = str(site.name.value)
            first = scope.names.get(text)
            if first is not None:
                raise SpecError(
                    site.name.mark,
                    f"a module named {quote(text)} is already in "
                    f"{scope.path or 'the model'} (line {first.line})",
                )
            scope.names[text] = site.name.mark
        return text, join_path(scope.path, text, mark), scope.depth


def _can_name(value: object) -> bool:
    """Whether a value written in a spec can name a module: text, or a number for a list's."""
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def literal_key(node: YMap, kind: type[Layer]) -> tuple[int, type[Layer]]:
    """Key a node's literal layer by the node and its type: `type: $kind` may differ per use.

    Nodes are keyed by identity, and kept in the entry, so that no other takes the id.
    """
    return id(node), kind
