"""The errors shapecalc reports to its user, each with the place it is about."""

from __future__ import annotations

from shapecalc.limits import MAX_INT_BITS, MAX_QUOTED
from shapecalc.value import frozen


@frozen
class Mark:
    """A position in a spec file, 1-based as editors count."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class ShapecalcError(Exception):
    """An error meant for the user: `where` it is, `what` is wrong, and the exit status."""

    exit_code = 1

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}" if where else what)
        self.where = where
        self.what = what


class SpecError(ShapecalcError):
    """A spec that cannot be read or does not describe a network.

    `mark` is where in the file, `path` the module being built when that is known.
    """

    def __init__(self, mark: Mark | str, what: str, *, path: str = "") -> None:
        super().__init__(f"{mark}: {path}" if path else str(mark), what)
        self.mark = mark
        self.path = path

    def within(self, path: str) -> SpecError:
        """Return this error located in module `path`, unless it already names one."""
        return self if self.path or not path else SpecError(self.mark, self.what, path=path)


class ShapeError(ShapecalcError):
    """A network that cannot take its input: a layer would collapse or shapes disagree."""

    def __init__(self, path: str, what: str, *, mark: Mark | None = None) -> None:
        super().__init__(": ".join(str(part) for part in (mark, path) if part), what)
        self.path = path


class UsageError(ShapecalcError):
    """A command line that asks for something impossible, such as an input of size 0."""

    exit_code = 2


class LayerError(Exception):
    """Raised by a layer about itself; the caller adds where the layer is.

    `arg` names the argument at fault, when one is, so the caller can point at it: at its
    name when the layer has no such argument (`unknown`), else at its value.
    """

    def __init__(self, what: str, *, arg: str | None = None, unknown: bool = False) -> None:
        super().__init__(what)
        self.what = what
        self.arg = arg
        self.unknown = unknown


def quote(text: str, limit: int = MAX_QUOTED) -> str:
    """Quote text from a spec or the command line for a message, as data.

    Characters that are not printable (controls, bidi and other format characters, line
    separators) are escaped as Python's repr escapes them; text longer than `limit`
    characters is cut, with `…` before the closing quote.
    """
    if len(text) <= limit:
        return repr(text)
    shown = repr(text[:limit])
    return f"{shown[:-1]}…{shown[-1]}"


def describe(value: object) -> str:
    """Show a value as a spec author would write it in YAML, cut to a readable length."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, tuple):
        return _describe_list(value)
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        return f"an integer of {value.bit_length():,} bits"  # str() of it could take long
    return str(value)


def _describe_list(items: tuple[object, ...]) -> str:
    """Show a list's items until the text is long enough; the rest is `…`."""
    parts: list[str] = []
    length = 0
    for item in items:
        if length > MAX_QUOTED:
            parts.append("…")
            break
        parts.append(describe(item))
        length += len(parts[-1]) + 2
    return "[" + ", ".join(parts) + "]"


def did_you_mean(word: str, choices: object) -> str:
    """Suggest the closest of `choices` to a misspelt `word`, as ` (did you mean 'x'?)`.

    Comparing is quadratic in the names' lengths: the choices are taken in order while the
    characters compared stay within a budget, so that many long names cost a fraction of a
    second, not minutes.
    """
    from difflib import get_close_matches  # only an error ever needs it

    budget, names = _SUGGESTING, []
    for choice in choices:  # type: ignore[attr-defined]
        name = str(choice)
        budget -= max(len(word), 1) * max(len(name), 1)
        if budget < 0:
            break
        names.append(name)
    close = get_close_matches(word, names, n=1, cutoff=0.6)
    return f" (did you mean {quote(close[0])}?)" if close else ""


_SUGGESTING = 1_000_000  # characters compared, the word's by each choice's
