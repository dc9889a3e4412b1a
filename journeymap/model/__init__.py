"""Domain types: pure data, no file or engine access. Users import from ``journeymap``."""

from journeymap.model.eventlog import ColumnMapping, EventLog, QualityReport
from journeymap.model.journeymap import END, START, JourneyMap

__all__ = ["END", "START", "ColumnMapping", "EventLog", "JourneyMap", "QualityReport"]
