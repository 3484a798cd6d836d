"""Reading a module node's own keys: type, when, repeat, names, branches and arguments."""

from __future__ import annotations

import re

from shapecalc.errors import Mark, SpecError, describe, quote
from shapecalc.layers.args import Value
from shapecalc.limits import MAX_INT_BITS, MAX_REPEAT
from shapecalc.modules import Combine, Module, registered_among
from shapecalc.spec.expr import Env, ExprError, evaluate, value_of
from shapecalc.spec.names import check
from shapecalc.spec.source import YList, YMap, YNode, YScalar
from shapecalc.spec.syntax import CONTAINER_KEYS, ENTRY_KEYS, NODE_KEYS

# A pattern, compiled (and cached by re) when a name first uses it: most specs never do.
# Its group makes re.split keep each ${…}, at the odd places of what it returns.
_TEMPLATE = r"(\$\{[^}]*\})"


def repeat_count(node: YMap, env: Env, name: YScalar | None) -> int | None:
    """Return how many times a node repeats, or None when it does not."""
    repeat = node.get("repeat")
    if repeat is None:
        return None
    if name is not None and "$" not in str(name.value):
        raise SpecError(
            repeat.mark,
            f"a repeated child needs a number, in a list, or a name such as "
            f"'{name.value}${{i + 1}}' that ${{i}} makes different",
        )
    count = value_of(repeat, env)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_REPEAT:
        raise SpecError(
            repeat.mark,
            f"repeat: expected an integer from 1 to {MAX_REPEAT:,}, "
            f"got {describe(count)}; use `when` to leave a module out",
        )
    return count


def branches_of(body: YNode, combine: Combine, env: Env) -> tuple[YNode, ...]:
    """Return the branches a container joins; a branch that is null is left out."""
    if combine in (Combine.SEQUENCE, Combine.DENSE):
        return (body,)
    if isinstance(body, YList) and not body.items:
        return ()  # a join of the several inputs `from:` gives it, as Ultralytics' Concat
    if not isinstance(body, YList) or len(body.items) < 2:
        raise SpecError(
            body.mark,
            f"{combine.value} takes a list of two or more branches, or [] to join its inputs",
        )
    kept = tuple(
        branch
        for branch in body.items
        if not (isinstance(branch, YScalar) and value_of(branch, env) is None)
    )
    if not kept:
        raise SpecError(body.mark, f"{combine.value}: every branch is null")
    return kept


_OWN_KEYS = ENTRY_KEYS | NODE_KEYS  # a node's own keys, not its layer's arguments


def args(node: YMap) -> list[tuple[YScalar, YNode]]:
    """Return a node's arguments: every entry whose key is not the node's own."""
    return [(key, value) for key, value in node.entries if key.value not in _OWN_KEYS]


_JOINS = {"dim": (Combine.CAT,), "crop": (Combine.ADD, Combine.MUL, Combine.CAT)}


def check_container_keys(node: YMap, structure: str) -> None:
    for key, _ in node.entries:
        if key.value == "class":
            raise SpecError(key.mark, "class is for layers; a container's type is its class")
        if key.value == structure or key.value in ENTRY_KEYS | NODE_KEYS | CONTAINER_KEYS:
            continue
        joins = _JOINS.get(str(key.value), ())
        if joins and not any(combine.value == structure for combine in joins):
            takers = " and ".join(combine.value for combine in joins)
            raise SpecError(key.mark, f"{key.value} is for {takers} containers, not {structure}")
        if not joins:
            raise SpecError(key.mark, f"a container takes no argument {quote(str(key.value))}")


def join_options(node: YMap, env: Env) -> tuple[int, bool]:
    """Return a container's `dim` (1 unless given) and whether it crops (`crop: center`)."""
    dim, crop = 1, False
    dim_node, crop_node = node.get("dim"), node.get("crop")
    if dim_node is not None:
        value = value_of(dim_node, env)
        if not isinstance(value, int) or isinstance(value, bool):
            raise SpecError(dim_node.mark, f"dim: expected an integer, got {describe(value)}")
        dim = value
    if crop_node is not None:
        value = value_of(crop_node, env)
        if value != "center":
            raise SpecError(
                crop_node.mark, f"crop: expected 'center', the only crop, got {describe(value)}"
            )
        crop = True
    return dim, crop


def own_parameters(node: YMap, env: Env) -> int:
    """Return how many parameters a container's `parameters:` declares: name → shape."""
    declared = node.get("parameters")
    if declared is None:
        return 0
    if not isinstance(declared, YMap):
        raise SpecError(declared.mark, "parameters: expected a mapping of names to shapes")
    total = 0
    for key, shape_node in declared.entries:
        name = quote(module_name(key, env))  # a parameter is named as a module is
        shape = value_of(shape_node, env)
        if not isinstance(shape, tuple) or not all(_size(dim) for dim in shape):
            raise SpecError(
                shape_node.mark,
                f"parameters: {name}: expected a shape, a list of sizes ≥ 1 such as "
                f"[96, 1, 1], got {describe(shape)}",
            )
        count = 1
        for dim in shape:
            assert isinstance(dim, int)
            count *= dim
            if count.bit_length() > MAX_INT_BITS:
                raise SpecError(
                    shape_node.mark,
                    f"parameters: {name}: more than 2^{MAX_INT_BITS} elements",
                )
        total += count
    return total


def _size(value: Value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def resize_mode(node: YMap, env: Env) -> str | None:
    """Return a container's `resize_to_input` mode, or None without one."""
    given = node.get("resize_to_input")
    if given is None:
        return None
    from shapecalc.layers.resample import MODES  # only a few models need it

    mode = value_of(given, env)
    if mode not in MODES:
        raise SpecError(
            given.mark,
            f"resize_to_input: expected a mode of F.interpolate ({', '.join(MODES)}), "
            f"got {describe(mode)}",
        )
    return str(mode)


def returned(node: YMap, env: Env, branches: tuple[tuple[Module, ...], ...]) -> tuple[str, ...]:
    """Return the children whose outputs a container's `returns:` says it gives, in a dict."""
    given = node.get("returns")
    if given is None:
        return ()
    names = value_of(given, env)
    children = registered_among(branches)
    if (
        not isinstance(names, tuple)
        or not names
        or not all(isinstance(name, str) and name in children for name in names)
    ):
        raise SpecError(
            given.mark,
            f"returns: expected a list of the module's children's names, got {describe(names)}",
        )
    return names  # type: ignore[return-value]


def type_of(node: YMap, env: Env, key: str = "type") -> str | None:
    """Return a node's type (or `class`), `$` parts evaluated in `env`; None when it has none."""
    kind_node = node.get(key)
    if kind_node is None:
        return None
    if isinstance(kind_node, YScalar) and isinstance(kind_node.value, str):
        kind = filled(kind_node.value, kind_node.mark, env)
    else:
        kind = value_of(kind_node, env)
    if not isinstance(kind, str) or not kind:
        raise SpecError(kind_node.mark, f"{key}: expected a class name, got {describe(kind)}")
    return check(kind, kind_node.mark, f"the {key}")


def flag(node: YNode | None, env: Env, key: str) -> bool:
    if node is None:
        return False
    value = value_of(node, env)
    if not isinstance(value, bool):
        raise SpecError(node.mark, f"{key}: expected true or false, got {describe(value)}")
    return value


def module_name(key: YScalar, env: Env) -> str:
    """Return the name a child's key gives it, its `$` parts evaluated in `env`."""
    text = _text(filled(str(key.value), key.mark, env), key.mark)
    if not text or "." in text:
        raise SpecError(
            key.mark, f"{quote(text)} cannot name a module (PyTorch forbids '.' and '')"
        )
    return check(text, key.mark, "the module name")


def filled(text: str, mark: Mark, env: Env) -> Value:
    """Evaluate text that names something, written with `$` or not.

    `$name` or `${expression}` alone is its value; elsewhere each `${…}` part is replaced
    by its value as text, and any other `$` is refused rather than kept as written.
    """
    if "$" not in text:
        return text
    whole = text.startswith("${") and text.endswith("}") and text.count("${") == 1
    try:
        if whole or text[1:].isidentifier():
            return evaluate(text, env)
        pieces = re.split(_TEMPLATE, text)
        if any("$" in literal for literal in pieces[0::2]):
            raise SpecError(
                mark, f"{quote(text)} has a $ outside ${{…}}: compute a part as ${{i + 1}}"
            )
        return "".join(
            piece if index % 2 == 0 else _text(evaluate(piece, env), mark)
            for index, piece in enumerate(pieces)
        )
    except ExprError as error:
        raise SpecError(mark, str(error)) from None


def _text(value: Value, mark: Mark) -> str:
    """Return a computed part of a name as text: only text and whole numbers make names."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise SpecError(
        mark, f"a name's ${{…}} must give text or a whole number, got {describe(value)}"
    )
