"""Exceptions raised by journeymap.

Every error the library raises on purpose derives from :class:`JourneymapError`, so one
``except journeymap.errors.JourneymapError`` catches them all. Each also derives from the built-in
exception a caller would otherwise expect, so ``except ValueError`` keeps working::

    JourneymapError
    ├── ParameterError (ValueError)            a function was called with a bad argument
    ├── LogError (ValueError)                  a touchpoint log cannot be read or used
    │   ├── LogFormatError                     not a readable CSV/Parquet/JSONL/XES file
    │   ├── ColumnError (+ KeyError)           a column is missing, unknown or ambiguous
    │   ├── TimestampError                     timestamps cannot be parsed or mix time zones
    │   └── EmptyLogError                      no usable event is left
    ├── TargetError (ValueError)               a target journey file or definition is invalid
    └── MissingDependencyError (ImportError)   an optional package is not installed

Messages name the file, the column or rows, what was expected, and how to fix it.

Warnings: :class:`TargetWarning` (a ``UserWarning``) when a target journey and a log do not fit
together, e.g. a designed touchpoint never occurs in the log.
"""

from __future__ import annotations

__all__ = [
    "ColumnError",
    "EmptyLogError",
    "JourneymapError",
    "LogError",
    "LogFormatError",
    "MissingDependencyError",
    "ParameterError",
    "TargetError",
    "TargetWarning",
    "TimestampError",
]


class JourneymapError(Exception):
    """Base class of every error journeymap raises on purpose."""


class ParameterError(JourneymapError, ValueError):
    """A function was called with an argument outside its documented values."""


class LogError(JourneymapError, ValueError):
    """A touchpoint log cannot be read or used.

    ``source`` names the file (or ``"DataFrame"``) when it is known.
    """

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class LogFormatError(LogError):
    """The file is not a readable CSV, Parquet, JSON Lines or XES file."""


class ColumnError(LogError, KeyError):
    """A column is missing, unknown, or cannot be guessed unambiguously."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class TimestampError(LogError):
    """Timestamps cannot be parsed, or mix time-zone-aware and naive values."""


class EmptyLogError(LogError):
    """No usable event is left after validation."""


class TargetError(JourneymapError, ValueError):
    """A target journey (YAML file or dict) is invalid.

    ``source``, ``line`` and ``key`` locate the problem when known; the message starts with them:
    ``online_shop.target.yaml, line 12, key 'max_wait': ...``.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.source, self.line, self.key = source, line, key
        where = [part for part in (source, f"line {line}" if line else None) if part]
        if key:
            where.append(f"key {key!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class TargetWarning(UserWarning):
    """A target journey and a log do not fit together (e.g. a designed step never occurs)."""


class MissingDependencyError(JourneymapError, ImportError):
    """An optional dependency is not installed; the message says what to install."""
