"""The one place where public parameters are checked.

Every message follows one template, so users learn it once:
"The 'level' parameter of score_steps must be one of {'step', 'journey'}. Got 'stpe' instead."
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from journeymap.errors import ParameterError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d|w)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {
    "ms": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "m": 60.0,
    "min": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "w": 604800.0,
}


def parse_duration(value: str | float | int | None, *, name: str, func: str) -> float | None:
    """Turn ``"30d"``, ``"2h"``, ``"15m"``, ``"45s"``, ``"1w"`` or a number of seconds into seconds.

    >>> parse_duration("2h", name="gap", func="read_log")
    7200.0
    >>> parse_duration(None, name="gap", func="read_log") is None
    True
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParameterError(
            _template(name, func, "a duration such as '30d', '2h' or '15m'", value)
        )
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ParameterError(
                _template(name, func, "a duration such as '30d', '2h', '15m' or '45s'", value)
            )
        unit = (match.group(2) or "s").lower()
        seconds = float(match.group(1)) * _UNIT_SECONDS[unit]
    if seconds <= 0:
        raise ParameterError(_template(name, func, "a positive duration", value))
    return seconds


_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


def check_memory(value: str | None, *, name: str, func: str) -> str | None:
    """Check a memory size such as ``"2GB"`` or ``"1.5GiB"`` (returned normalised, or None).

    >>> check_memory("1.5 gb", name="memory_limit", func="read_log")
    '1.5GB'
    """
    if value is None:
        return None
    match = _MEMORY.match(value) if isinstance(value, str) else None
    if not match or float(match.group(1)) <= 0:
        raise ParameterError(_template(name, func, "a memory size such as '2GB' or '512MB'", value))
    unit = match.group(2)
    return match.group(1) + (unit.upper() if unit[1:2].lower() != "i" else unit[0].upper() + "iB")


def format_duration(seconds: float) -> str:
    """A duration in the largest unit that keeps it readable.

    >>> format_duration(7200), format_duration(30 * 86400), format_duration(90)
    ('2 h', '30 d', '1.5 min')
    """
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"


def check_choice(value: object, choices: Iterable[object], *, name: str, func: str) -> None:
    """Raise :class:`ParameterError` unless ``value`` is one of ``choices``."""
    options = list(choices)
    if value not in options:
        shown = "{" + ", ".join(repr(c) for c in options) + "}"
        raise ParameterError(_template(name, func, f"one of {shown}", value))


def check_positive_int(value: object, *, name: str, func: str, allow_none: bool = True) -> None:
    """Raise :class:`ParameterError` unless ``value`` is a positive int (or None when allowed)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ParameterError(_template(name, func, "a positive integer", value))


def as_name_list(value: str | Sequence[str] | None, *, name: str, func: str) -> tuple[str, ...]:
    """Normalise a touchpoint name or a list of names to a tuple of non-empty strings."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    if not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise ParameterError(_template(name, func, "a touchpoint name or a list of names", value))
    return tuple(items)


def closest(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Names among ``candidates`` that look like ``word`` (for "did you mean" hints)."""
    pool = [str(c) for c in candidates]
    found = difflib.get_close_matches(word, pool, n=n, cutoff=0.5)
    if not found:
        lowered = word.lower()
        found = [c for c in pool if lowered in c.lower() or c.lower() in lowered][:n]
    return found


def _template(name: str, func: str, expected: str, got: object) -> str:
    return f"The '{name}' parameter of {func} must be {expected}. Got {got!r} instead."
