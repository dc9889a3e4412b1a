"""journeymap: customer journey mapping and friction detection from touchpoint logs.

>>> import journeymap as jm
>>> log = jm.read_log("sample_logs/online_shop.csv")          # doctest: +SKIP
>>> jmap = jm.mine(log, goal="Order confirmed")               # doctest: +SKIP
>>> jmap.steps.head()                                         # doctest: +SKIP
"""

from journeymap import errors
from journeymap.mining.ingest import read_log
from journeymap.mining.mine import mine
from journeymap.model import (
    END,
    KINDS,
    START,
    ColumnMapping,
    EventLog,
    Friction,
    JourneyMap,
    QualityReport,
)

__all__ = [
    "END",
    "KINDS",
    "START",
    "ColumnMapping",
    "EventLog",
    "Friction",
    "JourneyMap",
    "QualityReport",
    "errors",
    "mine",
    "read_log",
]

__version__ = "0.1.0"
