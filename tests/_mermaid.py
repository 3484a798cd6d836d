"""Mermaid's own parser as a test oracle: tools/mermaid/check.mjs under Node.js.

Skips the calling test when node is not on PATH or `npm ci --prefix tools/mermaid` has not
been run. It checks syntax only (mermaid.parse lays nothing out), plus Mermaid's 500-edge
and 50,000-character limits. One call starts node and loads Mermaid (about two seconds),
so check many texts in one parse_errors_many call.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "mermaid"
TIMEOUT = 120.0  # seconds for one node run, whatever the number of texts


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH: the Mermaid check runs Mermaid's parser under Node.js")
    for package in ("mermaid", "jsdom"):
        if not (TOOL / "node_modules" / package).is_dir():
            pytest.skip(f"tools/mermaid/node_modules/{package} is missing: npm ci --prefix {TOOL}")
    return node


def parse_errors_many(texts: list[str], kind: str = "flowchart") -> list[str | None]:
    """For each text, None when Mermaid parses it as a `kind` diagram, else its message."""
    if not texts:
        return []
    run = subprocess.run(
        [_node(), str(TOOL / "check.mjs"), "--type", kind, "--json"],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        check=False,
    )
    try:
        results: object = json.loads(run.stdout) if run.returncode in (0, 1) else None
    except json.JSONDecodeError:
        results = None
    if not (
        isinstance(results, list)
        and len(results) == len(texts)
        and all(r is None or isinstance(r, str) for r in results)
    ):
        raise RuntimeError(f"check.mjs failed (exit {run.returncode}): {run.stderr.strip()}")
    return results


def parse_errors(text: str, kind: str = "flowchart") -> str | None:
    """None when Mermaid parses text as a `kind` diagram, else Mermaid's message."""
    return parse_errors_many([text], kind)[0]
