"""Where a step takes its input: `from:`, an earlier step of its sequence, or several.

A sequence's steps run in turn, each on the output of the one before, unless it says
`from:` — an index among the sequence's steps (from 0; negative counts back, so -1 is the
step before, and before the first the sequence's input), an earlier step's name, `input`
(the sequence's own input) or `input.N` (element N of an input of several), or a list of
them (an item may be an expression that makes a list): the step then takes them all, as
Ultralytics' Concat and Detect take a list.
"""

from __future__ import annotations

from collections.abc import Sequence

from shapecalc.errors import Mark, SpecError, describe, did_you_mean, quote
from shapecalc.layers.args import Value
from shapecalc.modules import INPUT, From, Module, Reuse, element
from shapecalc.spec.expr import Env, value_of
from shapecalc.spec.nodes import filled
from shapecalc.spec.source import YList, YMap, YNode, YScalar

_INPUT = "input"


class Steps:
    """The steps of a sequence so far; whether one takes `from:` elsewhere (a graph)."""

    __slots__ = ("graph", "indexed", "modules", "places")

    def __init__(self) -> None:
        self.modules: list[Module] = []
        self.graph = False
        self.places: dict[str, int] = {}  # the latest step of each name, of those indexed
        self.indexed = 0

    def place(self, name: str) -> int | None:
        """Return the place of the latest step named `name`, indexing names when first asked:
        most sequences never are."""
        for at in range(self.indexed, len(self.modules)):
            self.places[self.modules[at].name] = at
        self.indexed = len(self.modules)
        return self.places.get(name)


def taking(node: YMap, env: Env, earlier: Steps, where: str) -> From:
    """Return where a step takes its input from, as its `from:` says.

    `earlier` are the steps before it in its sequence, `where` the sequence's path.
    """
    given = node.index["from"]
    many, written = _written(given, env)
    if not written:
        raise SpecError(given.mark, "from: expected a step, or a list of one or more")
    steps = tuple(_place(ref, given.mark, earlier, where) for ref in written)
    return From(steps, many, written, given.mark)


def _written(node: YNode, env: Env) -> tuple[bool, tuple[int | str, ...]]:
    """Return whether `from` lists its references, and each as written, `$` parts filled."""
    if isinstance(node, YList):  # an item an expression made a list of adds its references
        written: list[int | str] = []
        for item in node.items:
            value = _value(item, env)
            for each in value if isinstance(value, tuple) else (value,):
                written.append(_reference(each, item.mark))
        return True, tuple(written)
    value = _value(node, env)
    if isinstance(value, tuple):  # a list an expression computed
        return True, tuple(_reference(item, node.mark) for item in value)
    return False, (_reference(value, node.mark),)


def _value(node: YNode, env: Env) -> Value:
    if isinstance(node, YScalar) and isinstance(node.value, str):
        return filled(node.value, node.mark, env)
    return value_of(node, env)


def _reference(value: Value, mark: Mark) -> int | str:
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return value
    raise SpecError(
        mark,
        f"from: expected a step's index or name, 'input', or a list of them, got {describe(value)}",
    )


def _place(ref: int | str, mark: Mark, earlier: Steps, where: str) -> int:
    """Return the `From` step a reference names, or raise saying what it could name."""
    count = len(earlier.modules)
    if isinstance(ref, int):
        place = ref + count if ref < 0 else ref
        if place == -1:
            return INPUT
        if 0 <= place < count:
            return _output_of(earlier.modules, place, ref, mark)
        span = f"0 to {count - 1}, or -1 to -{count} counting back" if count else "only -1"
        raise SpecError(
            mark,
            f"from: {ref} is no step before this one: it is step {count} of "
            f"{where or 'the model'}, so from: takes {span} (-{count + 1} or 'input' is the "
            "sequence's input)"
            if count
            else f"from: {ref}: this is the first step of {where or 'the model'}, which takes "
            "only -1 or 'input', the sequence's input",
        )
    if ref == _INPUT:
        return INPUT
    if ref.startswith(_INPUT + "."):
        index = ref[len(_INPUT) + 1 :]
        if index.isdigit() and len(index) < 4:
            return element(int(index))
        raise SpecError(mark, f"from: {quote(ref)}: expected input.N, N a number from 0")
    found = earlier.place(ref) if ref else None  # an unnamed step is named by index
    if found is not None:
        return _output_of(earlier.modules, found, ref, mark)
    hint = did_you_mean(ref, [name for name in earlier.places if name])
    raise SpecError(mark, f"from: no step before this one is named {quote(ref)}{hint}")


def _output_of(earlier: Sequence[Module], place: int, ref: int | str, mark: Mark) -> int:
    """Return `place`, refusing a module registered not to run: it has no output there."""
    step = earlier[place]
    if not isinstance(step, Reuse) and not step.functional and not step.runs:
        raise SpecError(
            mark,
            f"from: {quote(str(ref))} is registered with run: false, so it gives no output "
            "there; take from the use that runs it",
        )
    return place
