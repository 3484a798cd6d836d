"""Names and text from a spec: data, shown as written, that no output can mistake for more.

One rule for every name a spec gives — module names, types, the model's name, include
paths — and its description: printable characters only (no controls, escapes, bidi or other
format characters, line separators; Python's `str.isprintable`, which lets the plain space
through), and a bounded length. What passes is shown as written everywhere; each format
escapes its own markup (rich, HTML, SVG, Markdown, CSV, JSON) at its edge.
"""

from __future__ import annotations

from shapecalc.errors import Mark, SpecError, quote
from shapecalc.limits import MAX_NAME_LENGTH, MAX_PATH_LENGTH, MAX_TEXT_LENGTH


def check(text: str, mark: Mark | str, what: str, *, limit: int = MAX_NAME_LENGTH) -> str:
    """Return `text` if it is printable and at most `limit` characters, else raise.

    `what` names the text in the message, as in `module name`.
    """
    if len(text) > limit:
        raise SpecError(mark, f"{what} {quote(text)} is longer than {limit:,} characters")
    if not text.isprintable():
        bad = next(char for char in text if not char.isprintable())
        raise SpecError(
            mark,
            f"{what} {quote(text)} holds {quote(bad)}, which is not printable: names and text "
            "may not hold control, format or line-separator characters",
        )
    return text


def description(text: str, mark: Mark) -> str:
    """Return a description with its white space folded, as YAML's `>` does, and checked."""
    return check(" ".join(text.split()), mark, "description", limit=MAX_TEXT_LENGTH)


def join_path(prefix: str, name: str, mark: Mark) -> str:
    """Return a module's dotted path, refusing one longer than the limit."""
    path = f"{prefix}.{name}" if prefix else name
    if len(path) > MAX_PATH_LENGTH:
        raise SpecError(
            mark, f"the module path {quote(path)} is longer than {MAX_PATH_LENGTH:,} characters"
        )
    return path
