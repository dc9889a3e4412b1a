"""Domain types: pure data, no file or engine access. Users import from ``journeymap``."""

from journeymap.model.eventlog import ColumnMapping, EventLog, QualityReport
from journeymap.model.friction import (
    KINDS,
    Friction,
    frictions_frame,
    rank_frictions,
    severity_score,
)
from journeymap.model.journeymap import END, START, JourneyMap

__all__ = [
    "END",
    "KINDS",
    "START",
    "ColumnMapping",
    "EventLog",
    "Friction",
    "JourneyMap",
    "QualityReport",
    "frictions_frame",
    "rank_frictions",
    "severity_score",
]
