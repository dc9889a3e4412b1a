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
    └── MissingDependencyError (ImportError)   an optional package is not installed

Messages name the file, the column or rows, what was expected, and how to fix it.
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


class MissingDependencyError(JourneymapError, ImportError):
    """An optional dependency is not installed; the message says what to install."""
