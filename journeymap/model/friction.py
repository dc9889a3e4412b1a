"""``Friction``: one finding, where it is, whom it hits, what it costs, and the evidence.

Kinds (spelled exactly so everywhere): ``dropoff``, ``loop``, ``ping_pong``, ``channel_switch``,
``repeat_contact``, ``unnecessary_step``, ``slow_transition`` and ``deviation`` (from a target
journey).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

__all__ = ["KINDS", "Friction", "frictions_frame", "rank_frictions", "severity_score"]

KINDS = (
    "dropoff",
    "loop",
    "ping_pong",
    "channel_switch",
    "repeat_contact",
    "unnecessary_step",
    "slow_transition",
    "deviation",
)

FRAME_COLUMNS = [
    "rank",
    "kind",
    "steps",
    "stage",
    "journeys",
    "share",
    "severity",
    "explanation",
    "suggestion",
]


@dataclass(frozen=True)
class Friction:
    """A finding about the journey, with the numbers that justify it.

    Attributes:
        kind: one of :data:`KINDS`.
        steps: the touchpoints concerned (one for a step, two for a transition or a pair).
        journeys: journeys affected.
        share: journeys affected as a share of all journeys (0–1).
        severity: the ranking figure (one scale across kinds; see the scoring docs).
        explanation: one sentence a CX designer understands, with the numbers.
        suggestion: what to look at or try.
        evidence: the figures behind the finding (rates, counts, test p-values, waits...).
        stage: the target-journey stage it belongs to, when known.
        rank: 1 for the most severe; 0 until ranked.

    Example:
        >>> f = Friction(kind="loop", steps=("Enter address",), journeys=120, share=0.12,
        ...              severity=42.0, explanation="12% of customers enter their address twice.",
        ...              suggestion="Keep the address between attempts.",
        ...              evidence={"extra_visits": 150})
        >>> f.where
        'Enter address'
    """

    kind: str
    steps: tuple[str, ...]
    journeys: int
    share: float
    severity: float
    explanation: str
    suggestion: str = ""
    evidence: Mapping[str, Any] = field(default_factory=dict)
    stage: str | None = None
    rank: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Friction kind must be one of {KINDS}. Got {self.kind!r} instead.")
        object.__setattr__(self, "steps", tuple(self.steps))

    @property
    def where(self) -> str:
        """The steps concerned, joined with arrows: ``'Payment → Call: payment'``."""
        return " → ".join(self.steps)


def severity_score(
    *,
    journeys: float,
    extra_minutes: float = 0.0,
    lost_conversions: float = 0.0,
    conversion_minutes: float = 60.0,
) -> float:
    """The one severity scale shared by every kind of friction, in customer-hours.

    ``severity = (journeys × extra_minutes + lost_conversions × conversion_minutes) / 60``

    - ``journeys``: journeys affected;
    - ``extra_minutes``: customer time the friction adds to each affected journey (waits, extra
      steps, repeated contacts), in minutes;
    - ``lost_conversions``: goal completions the friction costs (affected journeys × the drop
      in conversion rate they suffer);
    - ``conversion_minutes``: what one lost conversion weighs in customer minutes (default 60:
      losing a customer weighs like wasting an hour of customers' time).

    So a severity of 10 reads "as bad as ten hours of customers' time".

    >>> severity_score(journeys=120, extra_minutes=5)
    10.0
    >>> severity_score(journeys=100, lost_conversions=20)
    20.0
    """
    minutes = max(journeys, 0.0) * max(extra_minutes, 0.0)
    minutes += max(lost_conversions, 0.0) * conversion_minutes
    return round(minutes / 60.0, 6)


def rank_frictions(frictions: Iterable[Friction]) -> tuple[Friction, ...]:
    """Sort by severity (highest first; ties by journeys, kind, steps) and number from 1."""
    ordered = sorted(frictions, key=lambda f: (-f.severity, -f.journeys, f.kind, f.steps))
    return tuple(replace(f, rank=i) for i, f in enumerate(ordered, start=1))


def frictions_frame(frictions: Iterable[Friction]) -> pd.DataFrame:
    """The findings as a DataFrame: the fixed columns, then one column per evidence figure.

    >>> frictions_frame([]).columns.tolist()[:3]
    ['rank', 'kind', 'steps']
    """
    rows = []
    for f in frictions:
        row = {
            "rank": f.rank,
            "kind": f.kind,
            "steps": list(f.steps),
            "stage": f.stage,
            "journeys": f.journeys,
            "share": f.share,
            "severity": f.severity,
            "explanation": f.explanation,
            "suggestion": f.suggestion,
        }
        for key, value in f.evidence.items():
            row.setdefault(key, value)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    extra = [c for c in frame.columns if c not in FRAME_COLUMNS]
    return frame[FRAME_COLUMNS + extra]
