"""Where modules are registered: a module's scope of names, and what runs where.

A module registers its children (and those of the functional containers among them) by
name; `use` steps run a registered layer again, or a module registered with `run: false`
where it runs.
"""

from __future__ import annotations

from shapecalc.errors import Mark, SpecError, did_you_mean, quote
from shapecalc.modules import Container, Leaf, Module, Registered, Reuse, registered
from shapecalc.spec.expr import Env
from shapecalc.spec.nodes import flag, module_name
from shapecalc.spec.source import YMap, YScalar
from shapecalc.value import frozen, replace


class Scope:
    """The module that registers children: where names are unique and numbers count."""

    __slots__ = ("counter", "depth", "names", "path", "registered", "uses")

    def __init__(self, path: str, depth: int) -> None:
        self.path = path
        self.depth = depth
        self.names: dict[str, Mark] = {}
        self.counter = 0
        self.registered: dict[str, Leaf | Container] = {}
        self.uses: list[tuple[str, Mark, int]] = []  # and how many were registered before

    def record(self, name: str, module: Leaf | Container) -> None:
        """Keep a registered module by name, for `use` steps to find."""
        self.registered[name] = module

    def check_uses(self) -> None:
        """Refuse a `use` of what this module does not register, or cannot run there.

        A layer may run again anywhere; a module registered with `run: false` (or one
        within it) runs where a `use` after it names it, and a layer so registered, where a
        use before it does too (torchvision's Bottleneck registers its relu after bn3, and
        runs it after bn1, bn2 and the addition).
        """
        order = {name: index for index, name in enumerate(self.registered)}
        for target, mark, before in self.uses:
            first, *rest = target.split(".")
            found: Registered | None = self.registered.get(first)
            waits = found is not None and not found.runs
            for name in rest:
                inner = registered(found) if isinstance(found, Container) else {}
                found = inner.get(name)
                waits = waits or (found is not None and not found.runs)
            if found is None:
                where = self.path or "the model"
                hint = did_you_mean(target, self.registered) if not rest else ""
                raise SpecError(mark, f"use: {where} has no module named {quote(target)}{hint}")
            if waits and order[first] >= before and (rest or not isinstance(found, Leaf)):
                raise SpecError(
                    mark,
                    f"use: {quote(target)} is registered below, with run: false; a use runs "
                    "such a module after it",
                )
            if not waits and not isinstance(found, Leaf):
                raise SpecError(
                    mark,
                    f"use: {quote(target)} is a {found.type} that runs where it is registered; "
                    "only a layer runs again (register a module with run: false to run it "
                    "elsewhere)",
                )


@frozen
class Site:
    """Where a new module goes: its scope (none for the root) and its name (none: numbered).

    The name is its key as written until `named` evaluates it for one use.
    """

    scope: Scope | None
    name: YScalar | None = None

    def named(self, env: Env) -> Site:
        """Return this site with its name's `$` parts evaluated in `env`, and checked."""
        if self.name is None:
            return self
        text = module_name(self.name, env)
        return self if text == self.name.value else Site(self.scope, YScalar(text, self.name.mark))


def runs_here(node: YMap, env: Env, *, functional: bool) -> bool:
    """Return whether a module runs where it is registered (`run: false` says not)."""
    given = node.get("run")
    if given is None:
        return True
    runs = flag(given, env, "run")
    if not runs and functional:
        raise SpecError(given.mark, "run: false is for registered modules; this one is functional")
    return runs


def waiting(module: Module, site: Site) -> Module:
    """Return a block's module registered not to run where it is, in its scope too."""
    if isinstance(module, Reuse) or module.functional:
        return module  # the block's body is a use or functional: runs_here refused `run` there
    made = replace(module, runs=False)
    if site.scope is not None:
        site.scope.record(made.name, made)
    return made


def use_target(use: YScalar, env: Env) -> str:
    """Return what a `use` names: a module, or one within modules, dotted (`convs.0`)."""
    return ".".join(module_name(YScalar(part, use.mark), env) for part in str(use.value).split("."))
