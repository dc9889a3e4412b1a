"""Deviations from the target journey as :class:`Friction` findings, in CX words.

Kinds: ``deviation`` (a required step skipped, two steps out of the designed order, a step on
another channel than designed), ``slow_transition`` (waits over the designed ``max_wait``) and
``unnecessary_step`` (a touchpoint outside the design that does not raise conversion).

An out-of-order finding names a pair of steps designed as ``a`` then ``b`` (the pairs that the
per-step ``out_of_order_rate`` found broken) and its rate is the share of journeys reaching
``a`` or ``b`` that reach ``b`` first — before ``a``, or without ``a`` at all (a customer who
sees ``b`` first and leaves still met the steps in the wrong order). A pair is reported only
when at least half of the journeys that reach ``b`` first do ``a`` afterwards: otherwise the
finding is about a missing step, which the skip finding already names.

Each finding compares the journeys it hits (*affected*) with comparable journeys it spares
(*reference*) and costs the difference on the one severity scale
(:func:`journeymap.model.friction.severity_score`, customer-hours of effort):

- ``lost_conversions``: affected journeys that are not open × (reference conversion − affected
  conversion), counted only when the difference is significant (two-proportion z ≥ 1.96);
- ``active_minutes`` and ``wait_minutes``: the median duration of affected journeys that
  converted minus that of reference journeys that converted (when positive and both groups
  have 5 or more), split as one gap (:func:`journeymap.model.friction.split_minutes`: effort up
  to 30 minutes, the rest waiting); for a slow transition, the median time waited beyond
  ``max_wait``, all waiting; for a touchpoint outside the design, its visits per journey times
  its median dwell (the time from it to the next event), each visit one gap.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from journeymap.model.friction import (
    WAIT_WEIGHT,
    Friction,
    rank_frictions,
    severity_score,
    split_minutes,
)
from journeymap.model.target import TargetJourney, format_duration

__all__ = ["Effect", "effect", "name_frictions"]

MIN_GROUP = 5  # fewest journeys in a group for a comparison of conversion or duration


@dataclass(frozen=True)
class Effect:
    """How affected journeys fare against reference journeys."""

    conversion_affected: float
    conversion_reference: float
    significant: bool
    lost_conversions: float
    active_minutes: float
    wait_minutes: float

    @property
    def lift(self) -> float:
        """Affected conversion minus reference conversion (NaN when unknown)."""
        return self.conversion_affected - self.conversion_reference

    def evidence(self) -> dict[str, float]:
        return {
            "conversion_affected": self.conversion_affected,
            "conversion_reference": self.conversion_reference,
            "lost_conversions": round(self.lost_conversions, 3),
            "active_minutes": round(self.active_minutes, 3),
            "wait_minutes": round(self.wait_minutes, 3),
        }


def effect(j: pd.DataFrame, affected: np.ndarray, reference: np.ndarray) -> Effect:
    """Compare conversion and time-to-goal of two groups of journeys (boolean masks over ``j``)."""
    converted = j["converted"].to_numpy(dtype=bool)
    closed = j["closed"].to_numpy(dtype=bool)
    a, r = affected & closed, reference & closed
    na, nr = int(a.sum()), int(r.sum())
    ca = float(converted[a].mean()) if na else math.nan
    cr = float(converted[r].mean()) if nr else math.nan
    significant = False
    if na >= MIN_GROUP and nr >= MIN_GROUP:
        pooled = (converted[a].sum() + converted[r].sum()) / (na + nr)
        se = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nr))
        significant = bool(se > 0 and abs(ca - cr) / se >= 1.96)
    lost = na * (cr - ca) if significant and cr > ca else 0.0
    duration = j["duration_s"].to_numpy(dtype=float)
    da, dr = duration[affected & converted], duration[reference & converted]
    extra = 0.0
    if len(da) >= MIN_GROUP and len(dr) >= MIN_GROUP:
        extra = max(0.0, float(np.median(da) - np.median(dr)) / 60.0)
    return Effect(ca, cr, significant, float(lost), *split_minutes(extra))


def name_frictions(
    target: TargetJourney,
    steps: pd.DataFrame,
    extra: pd.DataFrame,
    j: pd.DataFrame,
    flags: Any,
    masks: Any,
    *,
    min_rate: float,
    total: int,
    wait_weight: float = WAIT_WEIGHT,
) -> tuple[Friction, ...]:
    """Every deviation at or above ``min_rate``, ranked.

    ``flags`` holds the per-variant step flags, ``masks(k)`` returns per-journey
    ``(channel mismatch, over max_wait, excess seconds)`` arrays for designed step ``k``;
    ``wait_weight`` is the journey map's (``mine(wait_weight=)``), so that deviations rank on
    the same scale as its frictions.
    """
    _friction = functools.partial(_make_friction, wait_weight=wait_weight)
    pv = j["pv"].to_numpy()
    found: list[Friction] = []
    pairs: dict[tuple[int, int], str] = {}
    names = target.touchpoints
    for k, row in enumerate(steps.itertuples(index=False)):
        name, stage = row.step, row.stage
        passed = flags.passed[pv, k]
        should = flags.should[pv, k]
        mismatch, over, excess = masks(k)
        if not row.optional and row.skipped_rate >= min_rate:
            skipped = should & ~passed
            eff = effect(j, skipped, passed)
            if name in target.goal:  # skipping the goal is not converting: no effect to show
                eff = replace(eff, conversion_affected=math.nan, lost_conversions=0.0)
            found.append(
                _friction(
                    "deviation",
                    (name,),
                    skipped,
                    eff,
                    total,
                    stage,
                    f"{_p(row.skipped_rate)} of customers who go past {name!r} skip it; the "
                    f"design requires it.{_effect_text(eff, 'skip it', 'take it')}",
                    "Skipping it does not hurt: consider making it optional in the design."
                    if not (eff.significant and eff.lift < 0)
                    else f"Find out why customers bypass {name!r}: those who do convert less.",
                    {"deviation": "skipped", "skipped_rate": row.skipped_rate},
                )
            )
        for relation, other in flags.relations.get(k, {}):
            # the pair as designed (a before b) that this step broke, counted once
            a, b = (other, k) if relation == "before" else (k, other)
            pairs.setdefault((a, b), stage)
        if row.channel and row.channel_mismatch_rate >= min_rate:
            actual = masks.top_channel(k)
            eff = effect(j, mismatch, passed & ~mismatch)
            found.append(
                _friction(
                    "deviation",
                    (name,),
                    mismatch,
                    eff,
                    total,
                    stage,
                    f"{_p(row.channel_mismatch_rate)} of customers do {name!r} on another "
                    f"channel than the designed {row.channel!r}, most often {actual!r}."
                    f"{_effect_text(eff, f'use {actual}', f'use {row.channel}')}",
                    f"Find out what pushes customers off {row.channel!r} at {name!r}.",
                    {
                        "deviation": "channel",
                        "channel_mismatch_rate": row.channel_mismatch_rate,
                        "designed_channel": row.channel,
                        "actual_channel": actual,
                    },
                )
            )
        if row.max_wait_s == row.max_wait_s and row.over_max_wait_rate >= min_rate:
            eff = effect(j, over, masks.continuing(k) & ~over)
            beyond = float(np.median(excess[over])) / 60.0 if over.any() else 0.0
            eff = replace(eff, active_minutes=0.0, wait_minutes=beyond)  # waiting, no effort
            found.append(
                _friction(
                    "slow_transition",
                    (name,),
                    over,
                    eff,
                    total,
                    stage,
                    f"{_p(row.over_max_wait_rate)} of customers wait longer than the designed "
                    f"{format_duration(row.max_wait_s)} after {name!r} (median wait "
                    f"{_duration(row.median_wait_s)}, {_duration(beyond * 60)} beyond the "
                    f"design for those who wait too long)."
                    f"{_effect_text(eff, 'wait too long', 'do not')}",
                    f"Shorten the wait after {name!r} or tell customers what happens next.",
                    {
                        "over_max_wait_rate": row.over_max_wait_rate,
                        "median_wait_s": row.median_wait_s,
                        "max_wait_s": row.max_wait_s,
                    },
                )
            )
    for (a, b), stage in pairs.items():
        either, b_first, both = masks.first_of_pair(a, b)
        rate = float(b_first.sum() / either.sum()) if either.any() else 0.0
        # about order, not about a missing step (the skip finding says that): most of those
        # who get to b first must do a afterwards
        if rate < min_rate or both.sum() < 0.5 * b_first.sum():
            continue
        eff = effect(j, b_first, either & ~b_first)
        step_b = steps.iloc[b]
        found.append(
            _friction(
                "deviation",
                (names[b], names[a]),
                b_first,
                eff,
                total,
                stage,
                f"{_p(rate)} of customers who reach {names[a]!r} or {names[b]!r} get to "
                f"{names[b]!r} first, against the designed order."
                f"{_effect_text(eff, 'do', 'keep to the order')}",
                f"Check whether {names[b]!r} can really come after {names[a]!r}; if customers "
                "prefer this order, design for it.",
                {
                    "deviation": "out_of_order",
                    "pair_rate": rate,
                    "out_of_order_rate": float(step_b.out_of_order_rate),
                    "designed_order": f"{names[a]} → {names[b]}",
                    "then_both": int(both.sum()),
                },
            )
        )
    for row in extra.itertuples(index=False):
        base = masks.base(row.after_step)
        has = masks.has_extra(row.touchpoint)
        share_of_base = float((has & base).sum() / base.sum()) if base.any() else 0.0
        if row.helps or share_of_base < min_rate:
            continue
        eff = effect(j, has & base, base & ~has)
        # the time an extra touchpoint costs is the time spent on it, until the next event
        dwell = row.median_dwell_s if row.median_dwell_s == row.median_dwell_s else 0.0
        active, wait = split_minutes(dwell / 60.0)
        visits = row.visits_per_journey
        eff = replace(eff, active_minutes=visits * active, wait_minutes=visits * wait)
        where = "at the start" if row.after_step.startswith("▶") else f"after {row.after_step!r}"
        found.append(
            _friction(
                "unnecessary_step",
                (row.touchpoint,),
                has,
                eff,
                total,
                row.after_stage,
                f"{_p(row.share)} of customers go through {row.touchpoint!r}, most often "
                f"{where}; it is not in the designed journey" + _extra_effect_text(eff) + ".",
                f"Find out why customers need {row.touchpoint!r}; remove the cause, or add the "
                "step to the design if it serves them.",
                {
                    "after_step": row.after_step,
                    "share_after_step": share_of_base,
                    "conversion_with": row.conversion_with,
                    "conversion_without": row.conversion_without,
                },
            )
        )
    return rank_frictions(found)


def _make_friction(
    kind: str,
    steps: tuple[str, ...],
    affected: np.ndarray,
    eff: Effect,
    total: int,
    stage: str | None,
    explanation: str,
    suggestion: str,
    evidence: dict[str, Any],
    *,
    wait_weight: float,
) -> Friction:
    n = int(affected.sum())
    return Friction(
        kind=kind,
        steps=steps,
        journeys=n,
        share=n / total if total else 0.0,
        severity=severity_score(
            journeys=n,
            active_minutes=eff.active_minutes,
            wait_minutes=eff.wait_minutes,
            lost_conversions=eff.lost_conversions,
            wait_weight=wait_weight,
        ),
        explanation=explanation,
        suggestion=suggestion,
        evidence={**evidence, **eff.evidence(), "wait_weight": wait_weight},
        stage=stage,
    )


def _effect_text(eff: Effect, affected: str, reference: str) -> str:
    a, r = eff.conversion_affected, eff.conversion_reference
    if not _compared(a, r):
        return ""
    if not eff.significant:
        return f" Those who {affected} convert just as often ({_p(a)} vs {_p(r)})."
    more = "more" if a > r else "less"
    return (
        f" Those who {affected} convert {more} often ({_p(a)} vs {_p(r)} of those who {reference})."
    )


def _extra_effect_text(eff: Effect) -> str:
    with_, without = eff.conversion_affected, eff.conversion_reference
    if not _compared(with_, without):
        return ""
    if not eff.significant:
        return (
            f" and those who skip it convert just as often ({_p(without)} vs {_p(with_)} with it)"
        )
    return f" and those who skip it convert more often ({_p(without)} vs {_p(with_)} with it)"


def _compared(a: float, b: float) -> bool:
    """Whether two conversion rates say something worth a sentence: both known, and not
    everyone converting in both groups (as after the goal, where "100% vs 100%" tells a
    designer nothing; the friction sentences follow the same rule)."""
    return not (math.isnan(a) or math.isnan(b)) and min(a, b) < 0.995


def _p(rate: float) -> str:
    return f"{rate:.0%}"


def _duration(seconds: float) -> str:
    if seconds is None or seconds != seconds:
        return "–"
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"
