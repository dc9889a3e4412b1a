"""Colour-blind-safe colours: Okabe–Ito for categories, cividis for scales.

Every colour is a hex string so the same values serve matplotlib, Graphviz, pptx and HTML.
Scales run from light (low) to dark (high): "darker is worse" reads without a legend, and
cividis keeps its order for every kind of colour vision.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = [
    "CHANNEL_COLOURS",
    "OKABE_ITO",
    "channel_colours",
    "scale_colour",
    "text_colour_on",
]

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}

# Channel lanes: the order gives the most used channel the most distinct colour.
CHANNEL_COLOURS = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["green"],
    OKABE_ITO["purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["yellow"],
    "#7F7F7F",
)

# Meaning colours, used the same way in every artefact.
FRICTION = OKABE_ITO["vermillion"]
DESIGNED = OKABE_ITO["blue"]
NOT_DESIGNED = OKABE_ITO["vermillion"]
NOT_TAKEN = "#9A9A9A"
INK = "#1B1B1B"
MUTED = "#5F5F5F"
RULE = "#D0D0D0"
PAPER = "#FFFFFF"
START_COLOUR = OKABE_ITO["green"]
END_COLOUR = "#3A3A3A"

# cividis reversed (light yellow -> dark blue), eleven stops sampled from matplotlib.
_CIVIDIS_R = (
    "#fee838",
    "#e5cf52",
    "#c8b866",
    "#aea371",
    "#948e77",
    "#7d7c78",
    "#666970",
    "#4f576c",
    "#35456c",
    "#083370",
    "#00224e",
)
NO_VALUE = "#EDEDED"


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def scale_colour(value: float | None) -> str:
    """The colour of a value between 0 and 1 on the sequential scale (grey when missing).

    >>> scale_colour(0.0), scale_colour(1.0), scale_colour(float("nan"))
    ('#fee838', '#00224e', '#EDEDED')
    """
    if value is None or not math.isfinite(value):
        return NO_VALUE
    t = min(max(float(value), 0.0), 1.0) * (len(_CIVIDIS_R) - 1)
    i = min(int(t), len(_CIVIDIS_R) - 2)
    a, b = _rgb(_CIVIDIS_R[i]), _rgb(_CIVIDIS_R[i + 1])
    f = t - i
    return _hex(x + (y - x) * f for x, y in zip(a, b, strict=True))


def text_colour_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (WCAG relative luminance).

    >>> text_colour_on("#00224e"), text_colour_on("#fee838")
    ('#FFFFFF', '#1B1B1B')
    """

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in _rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return PAPER if luminance < 0.22 else INK


def lighten(colour: str, amount: float) -> str:
    """Blend ``colour`` with white (``amount`` 0 keeps it, 1 gives white)."""
    return _hex(c + (1.0 - c) * amount for c in _rgb(colour))


def channel_colours(channels: Iterable[str]) -> dict[str, str]:
    """One Okabe–Ito colour per channel, in the order given (most used first)."""
    out: dict[str, str] = {}
    for name in channels:
        if name not in out:
            out[name] = CHANNEL_COLOURS[len(out) % len(CHANNEL_COLOURS)]
    return out
