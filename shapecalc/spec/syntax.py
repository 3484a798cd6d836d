"""The spec's reserved words: keys that are part of the language, never arguments."""

from __future__ import annotations

from shapecalc.modules import Combine

ENTRY_KEYS = frozenset({"when", "repeat"})  # decide whether and how often a child is made
# Say what a module is, and where it takes its input: `from` (see _graph.py), and `shared`,
# one layer object in several places.
NODE_KEYS = frozenset({"type", "class", "functional", "use", "run", "from", "shared"})
STRUCTURE = {combine.value: combine for combine in Combine}  # children, add, mul, cat, dense
JOIN_KEYS = frozenset({"dim", "crop"})  # how a container joins its branches
# What a container holds or does besides its children: its own parameters (ConvNeXt's
# layer_scale) and an interpolation of its output back to its input's size (DeepLab's).
CONTAINER_KEYS = frozenset({"parameters", "resize_to_input", "returns"})
INDEX = "i"  # within a repeated node, its index from 0
RESERVED = frozenset({*ENTRY_KEYS, *NODE_KEYS, *STRUCTURE, "params", INDEX})
