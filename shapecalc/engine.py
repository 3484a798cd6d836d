"""Walk a model's module tree with an input shape and return every module's output shape."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from shapecalc._flow import Flow, Input, first, one, same_module, source
from shapecalc._joins import joined_field, joined_formulas, joined_shape
from shapecalc.errors import LayerError, Mark, ShapeError, quote
from shapecalc.field import start
from shapecalc.layers import Layer
from shapecalc.limits import MAX_INT_BITS
from shapecalc.modules import (
    Combine,
    Container,
    Leaf,
    Model,
    Module,
    Registered,
    Reuse,
    descendants,
    registered,
)
from shapecalc.rows import Inline, Requirement, Result, Row, SplitRow, Stopped, idle_row
from shapecalc.shape import Shape
from shapecalc.value import replace

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims

__all__ = ["Result", "Row", "Stopped", "attempt", "infer", "passes"]
Check = Callable[[Layer, Shape, Shape], bool]  # of a layer run: its input and output


def infer(
    model: Model, shape: Shape, *, fields: bool = True, formulas: Dims | None = None
) -> Result:
    """Compute every module's output, parameters, MACs and receptive field for `shape`.

    `shape` leaves out the batch dimension. Without `fields`, rows have no receptive field:
    a third less work for callers that try many sizes and look only at shapes. With
    `formulas`, the input's dimensions as formulas of symbols (`shape` their values at one
    size), every row's output is given as formulas too. Raises ShapeError where a layer
    refuses its input.
    """
    outcome = attempt(model, shape, fields=fields, formulas=formulas)
    if isinstance(outcome, Stopped):
        raise outcome.error
    return outcome


def attempt(
    model: Model, shape: Shape, *, fields: bool = True, formulas: Dims | None = None
) -> Result | Stopped:
    """As `infer`, but return how far it got where a layer refuses its input."""
    walk = _Walk()
    try:
        _bounded(shape, "", None, "the input")
        field = start(shape.spatial) if fields and shape.is_map else None
        output = first(walk.body(model.root, Flow(shape, field, formulas)))
        walk.idle()
        walk.settle()
    except ShapeError as error:
        return Stopped(model, shape, walk.done(), error)
    rows: tuple[Row, ...] = tuple(walk.rows)  # type: ignore[arg-type]  # idle() placed them all
    needs = tuple(walk.requirements.values())
    return Result(
        model,
        shape,
        output.shape,
        rows,
        walk.params,
        walk.macs,
        formulas,
        output.dims,
        needs,
        tuple(walk.inline),
        walk.attention,
        walk.unbatched,
    )


def passes(model: Model, shape: Shape, check: Check) -> bool:
    """Whether `model` takes `shape` with `check(layer, input, output)` true of every layer run.

    The walk stops at the first layer that fails the check or refuses its input: a search
    that tries many sizes mostly learns "no" from the first few layers.
    """
    walk = _Walk(check)
    try:
        _bounded(shape, "", None, "the input")
        walk.body(model.root, Flow(shape, None))
        walk.idle()
    except (ShapeError, _CheckFailedError):
        return False
    return True


class _CheckFailedError(Exception):
    """A layer failed the check `passes` was given: nothing after it need be computed."""


class _Walk:
    def __init__(self, check: Check | None = None) -> None:
        self.check = check
        self.rows: list[Row | Registered] = []  # a module holds its row's place until done
        self.params = 0  # running totals: a container's share is their growth across it
        self.macs = 0
        self.attention = 0  # of the MACs, those of attention's matrix products
        self.unbatched = 0  # of the MACs, those done once a pass, on what is not the input's
        self.first: dict[int, tuple[Flow, Flow]] = {}  # each layer's first run, by id
        self.scopes: list[Container] = []  # the modules that register what a `use` runs
        self.waiting: dict[int, int] = {}  # the places of modules registered, not yet run
        # Layers a use ran before the module they wait in did: the use's path, their params;
        # and each one the module ran again: its path, the use's, its params.
        self.ahead: dict[int, tuple[str, int]] = {}
        self.lent: list[tuple[str, str, int]] = []
        # With symbols, each check the walk made that depends on them, once each.
        self.requirements: dict[tuple[object, ...], Requirement] = {}
        self.inline: list[Inline] = []  # the layers run in forward(), which have no rows

    def module(self, module: Module, flow: Input) -> Input:
        """Return the module's output, recording its row before its descendants' rows."""
        if isinstance(module, Reuse):
            return self.reuse(module, flow)
        if module.functional:
            return self.body(module, flow)
        if not module.runs:  # its rows wait, in place, for a `use` to run it
            if self.first and id(module) in self.first:  # a use before its place ran it
                self.placed_late(module)  # type: ignore[arg-type]  # only a layer runs early
                return flow
            if id(module) not in self.waiting:  # else a module around it made them wait
                for within in descendants(module):
                    self.waiting[id(within)] = len(self.rows)
                    self.rows.append(within)
            return flow
        return self.run(module, flow)

    def placed_late(self, leaf: Leaf) -> None:
        """Give a layer that a use ran before its place its row there, and its parameters,
        which its first run, as a use's, did not count."""
        before, shown = self.first[id(leaf)]
        params = leaf.layer.params(before.shape)
        self.params += params
        macs = leaf.layer.macs(before.shape, shown.shape)
        row = Row(
            leaf, before.shape, shown.shape, params, macs, shown.field, shown.dims, before.dims
        )
        attention = leaf.layer.attention_macs(before.shape, shown.shape)
        unbatched = 0 if shown.batched else macs
        self.rows.append(SplitRow.of(row, attention, unbatched))

    def run(self, module: Registered, flow: Input) -> Input:
        """Run a registered module, in the place its row has or takes."""
        if self.ahead and id(module) in self.ahead:  # a use ran it first: it has its row
            beside, params = self.ahead[id(module)]
            self.lent.append((module.path, beside, params))  # but not the modules around it
            return self.leaf(module, flow, again=True)  # type: ignore[arg-type]
        slot, params, macs = len(self.rows), self.params, self.macs
        attention, unbatched = self.attention, self.unbatched
        if self.waiting and id(module) in self.waiting:  # most models have none waiting
            slot = self.waiting.pop(id(module))
        else:
            self.rows.append(module)
        output = self.body(module, flow)
        # A layer that a `use` ran earlier shows that first run, as PyTorch's hooks first see it.
        if isinstance(module, Leaf):
            before, shown = self.first[id(module)]
        elif type(flow) is Flow and type(output) is Flow:
            before, shown = flow, output
        else:
            before, shown = first(flow), first(output)
        if isinstance(module, Container) and module.returns:  # a dict, shown by its first
            shown = self.returned(module, slot) or shown
        row = Row(
            module,
            before.shape,
            shown.shape,
            self.params - params,
            self.macs - macs,
            shown.field,
            shown.dims,
            before.dims,
        )
        if self.attention != attention or self.unbatched != unbatched:
            row = SplitRow.of(row, self.attention - attention, self.unbatched - unbatched)
        self.rows[slot] = row
        return output

    def body(self, module: Module, flow: Input) -> Input:
        """Return the module's output without recording a row for it."""
        if isinstance(module, Leaf):
            return self.leaf(module, flow)
        if isinstance(module, Reuse):
            return self.reuse(module, flow)
        if not module.functional:  # it registers what a `use` inside runs
            self.scopes.append(module)
        self.params += module.own
        if module.combine is Combine.SEQUENCE:
            output = self.branch(module, module.branches[0], flow)
        elif isinstance(flow, list):
            output = self.merge(module, self.zipped(module, flow))
        elif module.combine is Combine.DENSE:
            output = self.dense(module, flow)
        elif not module.branches:
            raise ShapeError(
                module.path,
                f"{module.type} joins several inputs, a from: list; it is given one",
                mark=module.mark,
            )
        else:
            outputs = [self.branch(module, branch, flow) for branch in module.branches]
            output = self.merge(module, outputs)
        if module.resize_to_input:
            output = self.resize(module, first(flow), first(output))
        if not module.functional:  # a failure leaves the walk, scopes and all
            self.scopes.pop()
        return output

    def returned(self, module: Container, slot: int) -> Flow | None:
        """Return the output of the first child a module returns, from its row, if it ran."""
        path = f"{module.path}.{module.returns[0]}" if module.path else module.returns[0]
        row = next(row for row in self.rows[slot + 1 :] if row.path == path)
        if isinstance(row, Row) and row.shape:
            return Flow(row.shape, row.field, row.formulas)  # a child's output, batched
        return None

    def zipped(self, module: Container, flows: list[Flow]) -> list[Flow]:
        """Return the outputs a join makes of several inputs: the inputs themselves, when it
        has no branches, else each input through its branch, in order."""
        branches = module.branches
        if not branches:
            return flows
        if module.combine is Combine.DENSE:
            raise ShapeError(
                module.path,
                f"{module.type} is dense: it takes one input, and from: gives it {len(flows)}",
                mark=module.mark,
            )
        if len(branches) != len(flows):
            raise ShapeError(
                module.path,
                f"{module.type} takes {len(flows)} input{'s' if len(flows) > 1 else ''} "
                f"(from:) but has {len(branches)} branches: a join of several inputs has no "
                "branches, or one for each",
                mark=module.mark,
            )
        outputs = [
            self.branch(module, branch, flow) for branch, flow in zip(branches, flows, strict=True)
        ]
        return [one(module, output) for output in outputs]

    def reuse(self, use: Reuse, flow: Input) -> Input:
        """Run what a `use` names: for the first time where it waits, else a layer again."""
        target = use.shares or self.target(use)
        if id(target) in self.waiting:
            params = self.params
            output = self.run(target, flow)
            if isinstance(target, Leaf):  # where it is registered, it runs again
                self.ahead[id(target)] = (use.path, self.params - params)
            return output
        if isinstance(target, Container):
            raise ShapeError(
                use.path,
                f"use: {quote(use.target)} has run already; only a layer runs again",
                mark=use.mark,
            )
        if id(target) in self.first:
            same_module(use, target, self.first[id(target)][0].shape, one(use, flow).shape)
        return self.leaf(target, flow, again=True)

    def target(self, use: Reuse) -> Registered:
        """Return the module a `use` runs: one its enclosing module registers."""
        scope: Registered = self.scopes[-1]
        for name in use.target.split("."):
            assert isinstance(scope, Container)  # the expander checked the path
            scope = registered(scope)[name]
        return scope

    def resize(self, module: Container, before: Flow, output: Flow) -> Flow:
        """Interpolate a container's output back to its input's spatial size."""
        from shapecalc.layers.resample import Upsample  # only a few models need it

        assert module.resize_to_input is not None
        layer = Upsample(size=before.shape.spatial, mode=module.resize_to_input)
        try:
            after = layer.output(output.shape)
        except LayerError as error:
            raise ShapeError(
                module.path, f"resize_to_input: {error.what}", mark=module.mark
            ) from None
        field = layer.field(output.field, output.shape, after) if output.field else None
        dims = None
        if output.dims is not None and before.dims is not None:  # the input's spatial sizes
            dims = (output.dims[0], *before.dims[1:])
        return Flow(after, field, dims, output.batched)

    def idle(self) -> None:
        """Give the modules that never ran their rows: parameters, and what ran within.

        Parameters that nothing ran to count (a layer's own, a container's `own`) count
        for every module around them, and in the total.
        """
        if not self.waiting:
            return
        rows = {id(row.module): row for row in self.rows if isinstance(row, Row)}
        for slot in sorted(self.waiting.values(), reverse=True):  # children before parents
            module = self.rows[slot]
            assert not isinstance(module, Row)
            row, uncounted = idle_row(module, rows)
            self.rows[slot] = rows[id(module)] = row
            if uncounted:
                self.params += uncounted
                self.enclosing(module.path, uncounted)
        self.waiting.clear()

    def settle(self) -> None:
        """Count the parameters of a layer a use ran first, where it is registered, in the
        modules around it that are not around the use, which counted them."""
        for path, beside, params in self.lent:
            self.enclosing(path, params, beside)

    def enclosing(self, path: str, params: int, beside: str | None = None) -> None:
        """Add `params` to the rows of the modules around the one at `path`; with `beside`,
        only to those not around that path too."""
        slots = {row.path: slot for slot, row in enumerate(self.rows)}
        while "." in path:
            path = path.rpartition(".")[0]
            if beside is not None and beside.startswith(path + "."):
                return
            slot = slots[path]
            row = self.rows[slot]
            if isinstance(row, Row):  # one still waiting counts its own when its turn comes
                self.rows[slot] = replace(row, params=row.params + params)

    def done(self) -> tuple[Row | Registered, ...]:
        """Return the rows so far, without the places of modules still waiting to run."""
        waiting = set(self.waiting.values())
        return tuple(row for slot, row in enumerate(self.rows) if slot not in waiting)

    def dense(self, module: Container, flow: Flow) -> Flow:
        """Feed each child the concatenation of the input and every earlier child's output.

        The concatenation grows by one output at a time, so that a long block costs linear
        time; only a failure goes over them all again, to say what each gave.
        """
        features, joined = [flow], flow
        for child in module.branches[0]:
            features.append(one(child, self.module(child, joined)))
            try:
                joined = self.merge(module, [joined, features[-1]])
            except ShapeError:
                _merge(module, features)  # raises, naming every output
                raise
        return joined

    def merge(self, module: Container, outputs: Sequence[Input]) -> Flow:
        """Join branches' outputs, remembering the join where their sizes are formulas."""
        flows = [each if type(each) is Flow else one(module, each) for each in outputs]
        if flows[0].dims is not None:
            self.require(module, flows)
        return _merge(module, flows)

    def require(self, module: Leaf | Container, flows: list[Flow]) -> None:
        """Remember that `module` took these inputs, if their sizes are formulas."""
        inputs = tuple(flow.dims for flow in flows)
        if all(dims is not None for dims in inputs):
            shapes = tuple(flow.shape for flow in flows)
            # What decides the check: the layer, shared by equal modules, or how one joins.
            how = (
                id(module.layer)
                if isinstance(module, Leaf)
                else (module.combine, module.dim, module.crop)
            )
            # By identity: the walk passes one tuple on through the layers that keep it, and
            # hashing formulas would cost a symbolic walk a sixth of its time.
            key = (how, tuple(map(id, inputs)), tuple(shape.order for shape in shapes))
            if key not in self.requirements:
                self.requirements[key] = Requirement(module, inputs, shapes)  # type: ignore[arg-type]

    def branch(self, module: Container, modules: tuple[Module, ...], flow: Input) -> Input:
        """Run a branch's steps in turn; in a graph, each from where its `from` says."""
        if not module.graph:
            for step in modules:
                flow = self.module(step, flow)
            return flow
        given, outputs = flow, list[Input]()
        for step in modules:
            if step.takes is not None:
                sources = [source(step, place, given, outputs) for place in step.takes.steps]
                flow = [one(step, source) for source in sources] if step.takes.many else sources[0]
            flow = self.module(step, flow)
            outputs.append(flow)
        return flow

    def leaf(self, leaf: Leaf, given: Input, *, again: bool = False) -> Flow:
        """Run a layer; `again` when a `use` runs it, whose parameters are counted once."""
        flow = given if type(given) is Flow else one(leaf, given)  # a list: several inputs
        layer, before, dims = leaf.layer, flow.shape, flow.dims
        if dims is not None:
            self.require(leaf, [flow])
        after = _bounded(_output(leaf, before), leaf.path, leaf.mark)
        if self.check is not None and not self.check(layer, before, after):
            raise _CheckFailedError
        if leaf.functional:
            self.inline.append(Inline(leaf, before, after))
        if not again:
            self.params += layer.params(before)
        macs = layer.macs(before, after)
        self.macs += macs
        batched = flow.batched
        if layer.COUNTED_APART or not batched:  # few layers: most models have none
            batched = self.apart(layer, before, after, macs, batched)
        field = layer.field(flow.field, before, after) if flow.field else None
        if dims is not None:
            dims = layer.formulas(before, dims, after)
        output = Flow(after, field, dims, batched)
        self.first.setdefault(id(leaf), (flow, output))
        return output

    def apart(self, layer: Layer, before: Shape, after: Shape, macs: int, batched: bool) -> bool:
        """Count a layer's MACs in attention, and those a batch does not multiply; return
        whether its output is batched."""
        self.attention += layer.attention_macs(before, after)
        batched = batched and layer.FROM_INPUT
        if not batched:
            self.unbatched += macs
        return batched


def _output(leaf: Leaf, shape: Shape) -> Shape:
    try:
        return leaf.layer.output(shape)
    except LayerError as error:
        # Point at the argument at fault, else at the layer itself.
        mark = leaf.arg_marks.get(error.arg, leaf.mark) if error.arg else leaf.mark
        raise ShapeError(leaf.path, f"{leaf.type}: {error.what}", mark=mark) from None


def _bounded(shape: Shape, path: str, mark: Mark | None, what: str = "the output") -> Shape:
    """Return `shape`, or raise when a size is beyond what any number here may be."""
    bits = max(shape.dims, default=0).bit_length()
    if bits > MAX_INT_BITS:
        raise ShapeError(
            path,
            f"a size of {what} has more than {MAX_INT_BITS} bits (about 10^{bits * 3 // 10}): "
            "no tensor is that large",
            mark=mark,
        )
    return shape


def _merge(module: Container, flows: list[Flow]) -> Flow:
    """Add, multiply or concatenate parallel outputs; their field is the largest of theirs."""
    shape = joined_shape(module, [flow.shape for flow in flows])
    shape = _bounded(shape, module.path, module.mark)
    fields = [flow.field for flow in flows]
    field = joined_field(fields, shape) if all(fields) else None  # type: ignore[arg-type]
    dims = None
    if flows[0].dims is not None:  # all or none have formulas: the input has symbols or not
        formulas = [flow.dims for flow in flows]
        dims = joined_formulas(module, formulas, [flow.shape for flow in flows], shape)  # type: ignore[arg-type]
    # Batched if any input is: the first, mostly.
    return Flow(shape, field, dims, flows[0].batched or any(flow.batched for flow in flows))
