"""journeymap: customer journey mapping and friction detection from touchpoint logs.

>>> import journeymap as jm
>>> log = jm.read_log("sample_logs/online_shop.csv")          # doctest: +SKIP
>>> jmap = jm.mine(log, goal="Order confirmed")               # doctest: +SKIP
>>> jmap.steps.head()                                         # doctest: +SKIP

The public names are loaded on first use, so ``journeymap --help`` and the app start without
importing pandas, Ibis or pm4py first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from journeymap import errors

# public name -> module that defines it (add each new public name here, in __all__ and in the
# TYPE_CHECKING block below; tests/test_public_api.py checks the three agree)
_EXPORTS: dict[str, str] = {
    "read_log": "journeymap.mining.ingest",
    "mine": "journeymap.mining.mine",
    "END": "journeymap.model.journeymap",
    "START": "journeymap.model.journeymap",
    "JourneyMap": "journeymap.model.journeymap",
    "ColumnMapping": "journeymap.model.eventlog",
    "EventLog": "journeymap.model.eventlog",
    "QualityReport": "journeymap.model.eventlog",
    "KINDS": "journeymap.model.friction",
    "Friction": "journeymap.model.friction",
    "severity_score": "journeymap.model.friction",
    "EffortWeights": "journeymap.mining.scores",
    "filter_log": "journeymap.mining.filters",
    "attribute_values": "journeymap.mining.filters",
    "TargetJourney": "journeymap.model.target",
    "Stage": "journeymap.model.target",
    "TargetStep": "journeymap.model.target",
    "Comparison": "journeymap.model.comparison",
    "compare": "journeymap.mining.conformance",
}

__all__ = [  # noqa: RUF022 - grouped like _EXPORTS
    "errors",
    "read_log",
    "mine",
    "END",
    "START",
    "JourneyMap",
    "ColumnMapping",
    "EventLog",
    "QualityReport",
    "KINDS",
    "Friction",
    "severity_score",
    "EffortWeights",
    "filter_log",
    "attribute_values",
    "TargetJourney",
    "Stage",
    "TargetStep",
    "Comparison",
    "compare",
]

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from journeymap.mining.conformance import compare
    from journeymap.mining.filters import attribute_values, filter_log
    from journeymap.mining.ingest import read_log
    from journeymap.mining.mine import mine
    from journeymap.mining.scores import EffortWeights
    from journeymap.model.comparison import Comparison
    from journeymap.model.eventlog import ColumnMapping, EventLog, QualityReport
    from journeymap.model.friction import KINDS, Friction, severity_score
    from journeymap.model.journeymap import END, START, JourneyMap
    from journeymap.model.target import Stage, TargetJourney, TargetStep


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'journeymap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
