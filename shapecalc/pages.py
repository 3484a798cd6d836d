"""Model pages: docs/models/<name>.md for every built-in model, an index, and a few pictures.

Regenerate them all, and specs/index.json, which `--list` reads, from the repository's top
folder, with:

    python -m shapecalc.pages

A test fails when a committed page or the index differs from what this makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from shapecalc import api, catalog
from shapecalc.engine import Result
from shapecalc.files import write_output
from shapecalc.formats import models as listing
from shapecalc.formats.text import compact, grouped

FOLDER = Path("docs") / "models"
COMMAND = "python -m shapecalc.pages"
OVERVIEW = 100  # edges of a page's diagram at most, unless even depth 1 has more
# The models whose data flow docs/diagrams.md shows as a picture, at these depths.
SHOWN = {"resnet18": 3, "googlenet": 2, "densenet121": 2, "yolov8n": 2}


def page(name: str) -> str:
    """Return the page of the built-in model `name`, at its default input."""
    model = api.load(name)
    result = api.infer(model)
    table = api.render(result, "markdown")
    size = "×".join(str(dim) for dim in model.input.dims)
    depth = _overview_depth(result)
    diagram = api.render(result, "mermaid", depth=depth)
    return (
        f"# {name}\n\n"
        f"{model.description}\n\n"
        f"Input {size}. Made by `shapecalc {name} --format markdown`; every page here is made "
        f"by `{COMMAND}`.\n\n"
        f"{table}\n"
        f"## Data flow\n\n"
        f"`shapecalc {name} --depth {depth} --format mermaid` ([Diagrams](../diagrams.md)):\n\n"
        f"```mermaid\n{diagram}```\n"
    )


def _overview_depth(result: Result) -> int:
    """Return the depth a page's diagram shows: 2, unless it would hold over OVERVIEW edges."""
    from shapecalc import dataflow

    return 2 if len(dataflow.of(result, 2).edges) <= OVERVIEW else 1


def index() -> str:
    """Return the index of the model pages: each model's input, params and MACs."""
    lines = [
        "# Built-in models\n",
        f"Made by `{COMMAND}`.\n",
        "| model | input | params | MACs | description |",
        "| :-- | :-- | --: | --: | :-- |",
    ]
    for name in catalog.builtin_names():
        model = api.load(name)
        result = api.infer(model)
        size = "×".join(str(dim) for dim in model.input.dims)
        lines.append(
            f"| [{name}]({name}.md) | {size} | {grouped(result.total_params)} | "
            f"{compact(result.total_macs, space=' ')} | {model.description} |"
        )
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """Return every page by file name, the index and the pictures of SHOWN included."""
    made = {f"{name}.md": page(name) for name in catalog.builtin_names()}
    made["README.md"] = index()
    for name, depth in SHOWN.items():
        result = api.infer(api.load(name))
        made[f"{name}.svg"] = api.render(result, "svg", depth=depth, view="graph")
    return made


def main(argv: list[str] | None = None) -> None:
    """Write every page into the folder named by the first argument, else docs/models."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, text in pages().items():
        write_output(str(folder / file_name), text)
        print(f"wrote {folder / file_name}")
    if not args:  # the index --list reads, beside the built-in specs
        index = Path(catalog.builtin_dir()) / listing.INDEX
        write_output(str(index), listing.index_text())
        print(f"wrote {index}")


if __name__ == "__main__":
    main()
