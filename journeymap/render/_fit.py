"""Fitting text into boxes on a matplotlib figure by measuring it, not guessing.

Names are wrapped at spaces to the measured width; a word wider than the box is split only
when no font size in the allowed range keeps it whole. Text is never cut.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from journeymap.render._text import clean

__all__ = ["TextFitter"]

FONT = "DejaVu Sans"
LINE_HEIGHT = 1.2  # line spacing as a multiple of the font size
SHRINK = (1.0, 0.92, 0.84, 0.76, 0.68, 0.6)


class TextFitter:
    """Measures and wraps text for one figure (inches; sizes in points)."""

    def __init__(self, fig: Any) -> None:
        self._renderer = fig.canvas.get_renderer()
        self._dpi = fig.dpi
        self._measure = lru_cache(maxsize=8192)(self._measure_uncached)

    def _measure_uncached(self, text: str, points: float, bold: bool) -> float:
        from matplotlib.font_manager import FontProperties

        prop = FontProperties(family=FONT, weight="bold" if bold else "normal", size=points)
        width, _, _ = self._renderer.get_text_width_height_descent(text, prop, ismath=False)
        return width / self._dpi

    def width(self, text: str, points: float, *, bold: bool = False) -> float:
        """Width of one line of text, in inches."""
        return self._measure(text, round(points, 2), bold)

    def wrap(
        self, text: Any, width: float, points: float, *, bold: bool = False
    ) -> tuple[list[str], bool]:
        """Greedy wrap to ``width`` inches; also says whether a word had to be split."""
        lines: list[str] = []
        split = False
        for paragraph in clean(text).split("\n"):
            current = ""
            for word in paragraph.split():
                candidate = f"{current} {word}" if current else word
                if self.width(candidate, points, bold=bold) <= width:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                current = word
                while self.width(current, points, bold=bold) > width and len(current) > 1:
                    split = True
                    cut = self._longest_prefix(current, width, points, bold)
                    lines.append(current[:cut])
                    current = current[cut:]
            lines.append(current)
        return lines, split

    def _longest_prefix(self, word: str, width: float, points: float, bold: bool) -> int:
        low, high = 1, len(word) - 1
        while low < high:
            mid = (low + high + 1) // 2
            if self.width(word[:mid], points, bold=bold) <= width:
                low = mid
            else:
                high = mid - 1
        return max(low, 1)

    def fit(
        self,
        text: Any,
        width: float,
        points: float,
        *,
        bold: bool = False,
        height: float | None = None,
        max_lines: int | None = None,
        scale: float = 1.0,
    ) -> tuple[list[str], float]:
        """The wrapped lines and the size (a fraction of ``points``, before ``scale``).

        Tries the size, then smaller ones down to 60%: the first that fits ``height`` and
        ``max_lines`` with every word whole wins; otherwise the first that fits at all;
        otherwise the smallest.
        """
        fallback: tuple[list[str], float] | None = None
        lines: list[str] = [clean(text)]
        size = points
        for factor in SHRINK:
            size = points * factor
            lines, split = self.wrap(text, width, size * scale, bold=bold)
            too_tall = height is not None and len(lines) * size * scale * LINE_HEIGHT / 72 > height
            too_many = max_lines is not None and len(lines) > max_lines
            if not too_tall and not too_many:
                if not split:
                    return lines, size
                fallback = fallback or (lines, size)
        return fallback or (lines, size)
