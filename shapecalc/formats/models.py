"""The built-in models as a text table: input, params, MACs and description.

Each model's own parameters (`--set NAME=VALUE`) are in the JSON; the table and Markdown
name them under the rows, and `shapecalc info MODEL` shows one model's with defaults.

Working these out parses and runs every built-in spec, which takes seconds for all of
them; `--list` reads them from specs/index.json instead, which `python -m shapecalc.pages`
writes with the model pages. The index names a checksum of every spec file it was made
from: when a file has changed since, the figures are worked out afresh.
"""

from __future__ import annotations

import os
import zlib

from shapecalc import catalog
from shapecalc.formats import Format
from shapecalc.formats.grid import Grid
from shapecalc.formats.text import compact

HEADINGS = ("model", "input", "params", "MACs", "description")
INDEX = "index.json"
# name, input, params, MACs, description, and the model's parameters with their defaults
_Entry = tuple[str, tuple[int, ...], int, int, str, dict[str, object]]


def render(fmt: Format = Format.TABLE) -> str:
    """Return one line per built-in model, at its default input, under a heading.

    The table and Markdown show counts in three figures (`11.7M`); CSV and JSON in full.
    """
    items = entries()
    if fmt is Format.JSON:
        return _json(items)
    count = str if fmt is Format.CSV else compact
    rows = tuple(
        (name, "×".join(map(str, dims)), count(params), count(macs), description)
        for name, dims, params, macs, description, _ in items
    )
    grid = Grid(HEADINGS, rows, frozenset({2, 3}), frozenset({0, 4})).render(fmt)
    return grid if fmt is Format.CSV else grid + parameters_note([item[5] for item in items])


def parameters_note(declared: list[dict[str, object]]) -> str:
    """Say under the rows which parameters every model takes, and which some do."""
    if not declared or not any(declared):
        return ""
    every = set.intersection(*(set(names) for names in declared))
    some = sorted(set().union(*declared) - every)
    from textwrap import fill

    first = f"Every model takes --set {', '.join(sorted(every))}. " if every else ""
    others = f"; some also take {', '.join(some)}" if some else ""
    text = f"{first}`shapecalc info MODEL` shows a model's parameters{others}."
    return "\n" + fill(text, 80, break_long_words=False, break_on_hyphens=False) + "\n"


def _listed(value: object) -> object:
    """Return a parameter's default as the index holds it, in JSON: its tuples as lists."""
    return [_listed(item) for item in value] if isinstance(value, tuple) else value


def entries() -> list[_Entry]:
    """Return each built-in model's figures, from the index while it is fresh."""
    import json

    try:
        with open(os.path.join(catalog.builtin_dir(), INDEX), encoding="utf-8") as file:
            index = json.load(file)
    except (OSError, ValueError):
        index = None
    if index is not None and index.get("checksum") == checksum():
        return [
            (
                item["model"],
                tuple(item["input"]),
                item["params"],
                item["macs"],
                item["description"],
                item.get("parameters", {}),
            )
            for item in index["models"]
        ]
    return computed()


def computed() -> list[_Entry]:
    """Return each built-in model's figures, parsing and running its spec."""
    from shapecalc.engine import infer

    items = []
    for name in catalog.builtin_names():
        model = catalog.load(name)
        result = infer(model, model.input, fields=False)
        declared = {item.name: _listed(item.default) for item in model.arguments}
        items.append(
            (
                name,
                model.input.dims,
                result.total_params,
                result.total_macs,
                model.description,
                declared,
            )
        )
    return items


def checksum() -> int:
    """Return a checksum of every built-in spec file, libraries included, and their names."""
    folder = catalog.builtin_dir()
    total = 0
    for name in sorted(os.listdir(folder)):
        if name.endswith(catalog.SUFFIX):
            with open(os.path.join(folder, name), "rb") as file:
                total = zlib.crc32(name.encode() + b"\0" + file.read(), total)
    return total


def index_text() -> str:
    """Return specs/index.json as it should be now."""
    return _json(computed(), {"checksum": checksum(), "made_by": "python -m shapecalc.pages"})


def _json(items: list[_Entry], header: dict[str, object] | None = None) -> str:
    from shapecalc.formats.json import dumps

    lines = (
        "  "
        + dumps(
            {
                "model": name,
                "input": list(dims),
                "params": params,
                "macs": macs,
                "description": description,
                "parameters": declared,
            }
        )
        for name, dims, params, macs, description, declared in items
    )
    listed = "[\n" + ",\n".join(lines) + "\n]"
    if header is None:
        return listed + "\n"
    fields = "".join(f"  {dumps(key)}: {dumps(value)},\n" for key, value in header.items())
    return "{\n" + fields + '  "models": ' + listed.replace("\n", "\n  ") + "\n}\n"
