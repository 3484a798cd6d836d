"""Reading a module node's own keys: type, when, repeat, names, branches and arguments."""

from __future__ import annotations

import re

from shapecalc.errors import SpecError
from shapecalc.expr import Env, ExprError, evaluate, value_of
from shapecalc.layers.args import describe
from shapecalc.modules import Combine
from shapecalc.source import YList, YMap, YNode, YScalar
from shapecalc.syntax import ENTRY_KEYS, NODE_KEYS

MAX_REPEAT = 100_000
# A pattern, compiled (and cached by re) when a name first uses it: most specs never do.
_TEMPLATE = r"\$\{[^}]*\}"


def repeat_count(node: YMap, env: Env, name: YScalar | None) -> int | None:
    """Return how many times a node repeats, or None when it does not."""
    repeat = node.get("repeat")
    if repeat is None:
        return None
    if name is not None and "${" not in str(name.value):
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


def indexed_name(name: YScalar | None, env: Env) -> YScalar | None:
    """Return a repeated child's name, its `${…}` parts evaluated in `env`."""
    if name is None or "${" not in str(name.value):
        return name
    mark = name.mark
    try:
        text = re.sub(_TEMPLATE, lambda part: str(evaluate(part.group(0), env)), str(name.value))
    except ExprError as error:
        raise SpecError(mark, str(error)) from None
    return YScalar(text, mark)


def branches_of(body: YNode, combine: Combine, env: Env) -> tuple[YNode, ...]:
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


def args(node: YMap) -> list[tuple[YScalar, YNode]]:
    """Return a node's arguments: every entry whose key is not the node's own."""
    return [
        (key, value)
        for key, value in node.entries
        if key.value not in ENTRY_KEYS and key.value not in NODE_KEYS
    ]


def check_container_keys(node: YMap, structure: str) -> None:
    for key, _ in node.entries:
        if key.value != structure and key.value not in ENTRY_KEYS | NODE_KEYS:
            raise SpecError(key.mark, f"a container takes no argument '{key.value}'")


def type_of(node: YMap, env: Env) -> str | None:
    kind_node = node.get("type")
    if kind_node is None:
        return None
    kind = value_of(kind_node, env)
    if not isinstance(kind, str) or not kind:
        raise SpecError(kind_node.mark, f"type: expected a class name, got {describe(kind)}")
    return kind


def flag(node: YNode | None, env: Env, key: str) -> bool:
    if node is None:
        return False
    value = value_of(node, env)
    if not isinstance(value, bool):
        raise SpecError(node.mark, f"{key}: expected true or false, got {describe(value)}")
    return value


def module_name(key: YScalar) -> str:
    text = str(key.value)
    if key.value is None or isinstance(key.value, bool) or not text or "." in text:
        raise SpecError(key.mark, f"'{text}' cannot name a module (PyTorch forbids '.' and '')")
    return text


def join_path(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name
