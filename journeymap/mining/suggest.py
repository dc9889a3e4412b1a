"""``suggest_target``: a starting target journey for designers who start from data."""

from __future__ import annotations

import math
from typing import Any

from journeymap.errors import ParameterError
from journeymap.model.target import Stage, TargetJourney, TargetStep

__all__ = ["suggest_target"]


def suggest_target(jmap: Any, *, name: str | None = None, stages: int | None = None) -> Any:
    """A starting design from a mined map: the most common converting path, in stages.

    Rules: the variant with the most converted journeys (the most common variant when the map
    has no goal), each touchpoint kept at its first visit; split into ``stages`` stages (default:
    one per three steps, at most five) at the longest median waits between consecutive steps,
    named "Stage 1", "Stage 2"...; each step gets its usual channel and, as ``max_wait``, the
    90th-percentile wait to the next step rounded up. No step is optional: that is the
    designer's call.

    Example:
        >>> import pandas as pd, journeymap as jm
        >>> df = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
        ...     "touchpoint": ["Visit", "Buy", "Visit", "Buy", "Visit"],
        ...     "timestamp": ["2025-01-01 10:00", "2025-01-01 10:05"] * 2 + ["2025-01-02"]})
        >>> jm.TargetJourney.suggest(jm.mine(jm.read_log(df), goal="Buy")).touchpoints
        ('Visit', 'Buy')
    """
    variants = jmap.variants
    if variants.empty:
        raise ParameterError("The map has no journeys to suggest a target journey from.")
    score = variants["journeys"] * (variants["conversion_rate"].fillna(0) if jmap.has_goal else 1)
    best = variants.loc[score.idxmax()]
    path = list(dict.fromkeys(best["path"]))
    waits = {
        (s, t): p90
        for s, t, p90 in jmap.transitions[["source", "target", "p90_s"]].itertuples(index=False)
    }
    medians = {
        (s, t): m
        for s, t, m in jmap.transitions[["source", "target", "median_s"]].itertuples(index=False)
    }
    channels = dict(zip(jmap.steps["step"], jmap.steps["channel"], strict=True))
    steps = []
    for i, touchpoint in enumerate(path):
        nxt = path[i + 1] if i + 1 < len(path) else None
        p90 = waits.get((touchpoint, nxt)) if nxt else None
        channel = channels.get(touchpoint)
        steps.append(
            TargetStep(
                touchpoint=touchpoint,
                channel=channel if isinstance(channel, str) else None,
                max_wait_s=_round_up(p90) if p90 and p90 == p90 and p90 > 0 else None,
            )
        )
    n_stages = stages or max(1, min(5, math.ceil(len(steps) / 3)))
    n_stages = min(n_stages, len(steps))
    gaps = sorted(
        range(1, len(path)),
        key=lambda i: (-(medians.get((path[i - 1], path[i])) or 0.0), i),
    )[: n_stages - 1]
    bounds = [0, *sorted(gaps), len(steps)]
    stage_list = [
        Stage(name=f"Stage {i + 1}", steps=tuple(steps[bounds[i] : bounds[i + 1]]))
        for i in range(len(bounds) - 1)
    ]
    goal = tuple(g for g in jmap.goal if g in path) or (path[-1],)
    converted = round(best["journeys"] * (best["conversion_rate"] or 0)) if jmap.has_goal else 0
    source = jmap.quality.source if jmap.quality is not None else "the log"
    what = (
        f"the most common converting path ({converted:,} converted journeys, "
        f"{best['share']:.0%} of all)"
        if jmap.has_goal
        else f"the most common path ({int(best['journeys']):,} journeys, {best['share']:.0%})"
    )
    return TargetJourney(
        name=name or "Suggested journey",
        stages=tuple(stage_list),
        goal=goal,
        description=f"Suggested from {source}: {what}. Rename the stages, mark optional steps, "
        "set channels, effort and waits as designed.",
    )


def _round_up(seconds: float) -> float:
    """Round a wait up to a whole number of minutes, hours or days, for a readable max_wait."""
    for size in (86400, 3600, 60):
        if seconds >= size:
            return math.ceil(seconds / size) * size
    return 60.0
