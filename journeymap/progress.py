"""Progress reporting shared by the library, the command line and the app.

Long functions take ``progress=``: a callable receiving a short message and the fraction done
(0.0 to 1.0). The CLI passes a rich progress bar, the app a Streamlit one; scripts can pass
``print``-like functions or nothing.

>>> seen = []
>>> report = as_reporter(lambda message, fraction: seen.append((message, fraction)))
>>> report("reading", 0.5)
>>> seen
[('reading', 0.5)]
"""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[str, float], None]

__all__ = ["ProgressCallback", "as_reporter"]


def _silent(message: str, fraction: float) -> None:
    return None


def as_reporter(progress: ProgressCallback | None) -> ProgressCallback:
    """Return ``progress`` itself, or a callable that does nothing when it is None."""
    return progress if progress is not None else _silent
