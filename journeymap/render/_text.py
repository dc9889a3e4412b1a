"""Text for every output: touchpoint names made safe for DOT, HTML and matplotlib, and wrapped.

Touchpoint names come from customers' logs and can hold anything: quotes, backslashes, ``<``,
``>``, ``&``, newlines, ``$`` (matplotlib's math marker) or control characters. Each output
format gets its own escaping function here, and nothing else in ``render`` builds such text.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from typing import Any

__all__ = ["clean", "dot_html", "dot_quoted", "fmt_count", "fmt_duration", "fmt_pct", "wrap"]

# C0/C1 control characters except newline and tab: not allowed in XML, invisible anyway.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: Any) -> str:
    """A displayable string: ``str(value)`` without control characters, CRLF as newline."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def wrap(value: Any, width: int, *, max_lines: int | None = None) -> list[str]:
    """Split a name into lines of at most ``width`` characters, at spaces when possible.

    Names are wrapped, never cut: ``max_lines`` only merges the overflow into the last line.

    >>> wrap("Print and send confirmation of receipt", 14)
    ['Print and send', 'confirmation', 'of receipt']
    """
    lines: list[str] = []
    for part in clean(value).split("\n"):
        lines += textwrap.wrap(part, width=max(width, 4), break_on_hyphens=True) or [""]
    if max_lines and len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return lines


def dot_quoted(value: Any) -> str:
    r"""A DOT double-quoted string that Graphviz shows as exactly ``value``.

    Backslashes and quotes are escaped; newlines become ``\n`` (a centred line break).

    >>> print(dot_quoted('say "hi" \\ <b>'))
    "say \"hi\" \\ <b>"
    """
    text = clean(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def dot_html(value: Any) -> str:
    """Text for inside a Graphviz HTML-like label (``<...>``): entities escaped, newlines as BR.

    >>> dot_html('<script>alert("x")</script> & co')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co'
    """
    return "<BR/>".join(html.escape(line, quote=True) for line in clean(value).split("\n"))


def mpl(value: Any) -> str:
    """Text for matplotlib: callers also pass ``parse_math=False``, this only cleans."""
    return clean(value)


def fmt_count(value: Any) -> str:
    """``1,234`` or an en dash when missing."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if not math.isfinite(number) else f"{number:,.0f}"


def fmt_pct(value: Any, digits: int = 0) -> str:
    """``12%`` or an en dash when missing."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if not math.isfinite(number) else f"{number:.{digits}%}"


def fmt_duration(seconds: Any) -> str:
    """``4.2 h``, ``3.0 min``, ``12 s`` or an en dash when missing."""
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(value):
        return "–"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value:.0f} s"
