"""Every layer's output shape of a convolutional network, by pure arithmetic."""

from __future__ import annotations

__version__ = "0.1.0"
