"""Figures to bytes and files: one place that knows formats, sizes and the Agg backend."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from journeymap.render._data import check_choice

__all__ = ["FIGURE_FORMATS", "SIZES", "figure_bytes", "new_figure", "save_figure"]

FIGURE_FORMATS = ("png", "svg", "pdf")

# Page sizes in inches (width, height).
SIZES = {
    "a3": (16.54, 11.69),
    "16:9": (13.333, 7.5),
    "a4": (11.69, 8.27),
}


def use_agg() -> None:
    """Select matplotlib's Agg backend for journeymap's drawings (never at package import)."""
    import matplotlib

    if matplotlib.get_backend().lower() != "agg":
        matplotlib.use("Agg", force=True)


def new_figure(size: str | tuple[float, float]) -> Any:
    """A blank matplotlib Figure of a named size (``"a3"``, ``"16:9"``, ``"a4"``) or inches.

    The Figure is not registered with pyplot, so nothing leaks between drawings.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    use_agg()
    if isinstance(size, str):
        check_choice(size, tuple(SIZES), name="size", func="journey_map")
        width, height = SIZES[size]
    else:
        width, height = size
    fig = Figure(figsize=(width, height), facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def figure_bytes(fig: Any, fmt: str = "png", *, dpi: int = 150) -> bytes:
    """A Figure as PNG, SVG or PDF bytes, at exactly the figure's size.

    SVG keeps text as text (so names can be searched and edited), in DejaVu Sans.

    Example:
        >>> from journeymap.render.output import new_figure
        >>> figure_bytes(new_figure((2, 1)), "png")[:4]
        b'\\x89PNG'
    """
    import matplotlib

    check_choice(fmt, FIGURE_FORMATS, name="fmt", func="figure_bytes")
    buffer = io.BytesIO()
    rc = {"svg.fonttype": "none", "pdf.fonttype": 42, "font.family": "DejaVu Sans"}
    meta = {"Creator": "journeymap"} if fmt in {"pdf", "svg"} else None
    with matplotlib.rc_context(rc):
        fig.savefig(buffer, format=fmt, dpi=dpi, facecolor="white", metadata=meta)
    return buffer.getvalue()


def save_figure(fig: Any, path: str | Path, *, dpi: int = 150) -> Path:
    """Write a Figure to ``path``; the format is the file's suffix (png, svg or pdf)."""
    path = Path(path)
    path.write_bytes(figure_bytes(fig, path.suffix.lstrip(".").lower(), dpi=dpi))
    return path
