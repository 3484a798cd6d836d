"""Which sizes of each symbol a model takes, said as people ask it, and as JSON data.

`H: valid for every H ≥ 32; clean (no rounding anywhere) when H ≡ 0 (mod 32), e.g. 32, 64,
…, 224, 256`; `H: valid for H = 188, 204, … (H ≥ 188, H ≡ 12 (mod 16))`.
"""

from __future__ import annotations

from shapecalc.valid import Unknown, Valid

EXAMPLES = 2  # sizes shown from the start of a pattern, and around the size shown


def lines(found: list[Valid | Unknown], sizes: dict[str, int]) -> list[str]:
    """Return one `note:` per symbol; `sizes` are the symbols' sizes the figures are at."""
    return [f"note: {line(each, sizes)}" for each in found]


def line(found: Valid | Unknown, sizes: dict[str, int]) -> str:
    """Say which sizes of one symbol the model takes, the other symbols at `sizes`."""
    name = found.symbol
    others = ", ".join(f"{other} = {size}" for other, size in sizes.items() if other != name)
    held = f" (with {others})" if others else ""
    if isinstance(found, Unknown):
        return f"{name}: which sizes work is not worked out{held}: {found.reason}"
    if found.smallest is None:
        return f"{name}: no size works{held}"
    text = (
        f"{name}: valid for {_set(name, found.listed, found.start, found.period, found.residues)}"
    )
    clean = _clean(found, sizes[name])
    return f"{text}{held}; {clean}"


def _set(
    name: str, listed: tuple[int, ...], start: int, period: int, residues: tuple[int, ...]
) -> str:
    """Say a set of sizes: listed ones below `start`, then residues modulo `period`."""
    head = f"{name} = {_listing(listed)} and " if listed else ""
    if len(residues) == period:
        return f"{head}every {name} ≥ {start}"
    if not residues:
        return f"{name} = {_listing(listed)} only" if listed else "no size"
    first = _first(start, period, residues)
    return f"{head}{name} ≥ {first} with {name} ≡ {_residues(residues)} (mod {period})"


def _clean(found: Valid, size: int) -> str:
    """Say where no strided layer rounds, with examples from the first and around `size`."""
    if not found.clean:
        if found.clean_listed:
            return (
                f"clean (no rounding anywhere) at {found.symbol} = {_listing(found.clean_listed)}"
            )
        return "never clean: some strided layer rounds at every size"
    if len(found.clean) == found.period:
        return f"clean (no rounding anywhere) for every {found.symbol} ≥ {found.clean_start}"
    first = _first(found.clean_start, found.period, found.clean)
    examples = _examples(first, found.period, found.clean, size)
    congruent = f"{found.symbol} ≡ {_residues(found.clean)} (mod {found.period})"
    return f"clean (no rounding anywhere) when {congruent}, e.g. {examples}"


def _first(start: int, period: int, residues: tuple[int, ...]) -> int:
    return min(start + (residue - start) % period for residue in residues)


def _examples(first: int, period: int, residues: tuple[int, ...], near: int) -> str:
    """Return the first few sizes of a pattern, then those around `near`."""
    early = [first]
    while len(early) < EXAMPLES:
        early.append(_next(early[-1], period, residues))
    around = [_next(max(near, first) - 1, period, residues)]
    around.append(_next(around[0], period, residues))
    late = [each for each in around if each > early[-1]]
    if not late:
        return ", ".join(map(str, early)) + ", …"
    gap = ", …" if late[0] > _next(early[-1], period, residues) else ""
    return ", ".join(map(str, early)) + f"{gap}, " + ", ".join(map(str, late)) + ", …"


def _next(size: int, period: int, residues: tuple[int, ...]) -> int:
    size += 1
    while size % period not in residues:
        size += 1
    return size


def _residues(residues: tuple[int, ...]) -> str:
    return ", ".join(map(str, residues))


def _listing(sizes: tuple[int, ...]) -> str:
    """Say sizes, runs of three or more as `a–b`."""
    runs: list[list[int]] = []
    for size in sizes:
        if runs and size == runs[-1][-1] + 1:
            runs[-1].append(size)
        else:
            runs.append([size])
    parts = [f"{run[0]}–{run[-1]}" if len(run) >= 3 else ", ".join(map(str, run)) for run in runs]
    return ", ".join(parts)


def data(found: Valid | Unknown) -> dict[str, object]:
    """Return one symbol's sizes as JSON data: the smallest, and the pattern exactly.

    A size `s` works when it is in `listed`, or `s ≥ start` and `s % period` is in
    `residues`; `clean` says the same of the sizes where no strided layer rounds (of the
    listed ones, those in its `listed`).
    """
    if isinstance(found, Unknown):
        return {"unknown": found.reason}
    return {
        "min": found.smallest,
        "listed": list(found.listed),
        "start": found.start,
        "period": found.period,
        "residues": list(found.residues),
        "clean": {
            "listed": list(found.clean_listed),
            "start": found.clean_start,
            "residues": list(found.clean),
        },
    }
