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

__all__ = [
    "ACTIVE_GAP_MINUTES",
    "KINDS",
    "WAIT_WEIGHT",
    "Friction",
    "frictions_frame",
    "rank_frictions",
    "severity_score",
    "split_minutes",
]

WAIT_WEIGHT = 1 / 240
"""What a minute of waiting weighs against a minute of effort: a day of waiting weighs like
6 minutes of effort, a week like 42 minutes — less than the hour a lost conversion weighs, since
a customer who waited a week still got there (see docs/frictions.md)."""

ACTIVE_GAP_MINUTES = 30.0
"""The longest a gap between two events counts as effort: the session timeout of web
analytics. Beyond it the customer has left and is waiting."""

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


def split_minutes(minutes: float, gaps: float = 1.0) -> tuple[float, float]:
    """Split elapsed minutes made of ``gaps`` gaps between events into (active, waiting).

    Each gap counts as effort up to :data:`ACTIVE_GAP_MINUTES`, the rest is waiting; on a
    median, ``active = min(minutes, gaps × 30)``.

    >>> split_minutes(5)
    (5.0, 0.0)
    >>> split_minutes(24 * 60, gaps=2)
    (60.0, 1380.0)
    """
    minutes = max(_finite(minutes), 0.0)
    active = min(minutes, max(_finite(gaps), 0.0) * ACTIVE_GAP_MINUTES)
    return active, minutes - active


def _finite(x: float) -> float:
    return 0.0 if x is None or x != x else float(x)


def severity_score(
    *,
    journeys: float,
    active_minutes: float = 0.0,
    wait_minutes: float = 0.0,
    lost_conversions: float = 0.0,
    conversion_minutes: float = 60.0,
    wait_weight: float = WAIT_WEIGHT,
) -> float:
    """The one severity scale shared by every kind of friction, in customer-hours of effort.

    ``severity = (journeys × (active_minutes + wait_weight × wait_minutes)
    + lost_conversions × conversion_minutes) / 60``

    - ``journeys``: journeys affected;
    - ``active_minutes``: customer effort the friction adds to each affected journey (time at
      extra steps, repeated contacts, detours — each gap between events up to
      :data:`ACTIVE_GAP_MINUTES`), in minutes;
    - ``wait_minutes``: elapsed time the friction adds to each affected journey while the
      customer is idle (a slow transition's extra wait, the days between bounces or between
      repeated contacts), in minutes;
    - ``lost_conversions``: goal completions the friction costs (affected journeys × the drop
      in conversion rate they suffer);
    - ``conversion_minutes``: what one lost conversion weighs in minutes of effort (default 60:
      losing a customer weighs like an hour of customers' effort);
    - ``wait_weight``: what a minute of waiting weighs in minutes of effort (default
      :data:`WAIT_WEIGHT`, 1/240: a day of waiting weighs like 6 minutes of effort).

    So a severity of 10 reads "as bad as ten hours of customers' effort".

    >>> severity_score(journeys=120, active_minutes=5)
    10.0
    >>> severity_score(journeys=100, lost_conversions=20)
    20.0
    >>> severity_score(journeys=10, wait_minutes=4 * 24 * 60)  # 4 days: 24 minutes each
    4.0
    """
    weight = max(_finite(wait_weight), 0.0)
    per_journey = max(_finite(active_minutes), 0.0) + weight * max(_finite(wait_minutes), 0.0)
    minutes = max(_finite(journeys), 0.0) * per_journey
    minutes += max(_finite(lost_conversions), 0.0) * conversion_minutes
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
