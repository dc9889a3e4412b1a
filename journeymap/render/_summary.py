"""Headlines and key figures shared by the canvas, the deck and the report (read, not computed)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from journeymap.render._text import clean, fmt_count, fmt_pct

__all__ = [
    "KIND_LABELS",
    "comparison_fitness",
    "friction_title",
    "frictions_of",
    "headline",
    "summary_parts",
]

KIND_LABELS = {
    "dropoff": "Drop-off hotspot",
    "loop": "Loop",
    "ping_pong": "Ping-pong",
    "channel_switch": "Channel switch",
    "repeat_contact": "Repeat contact",
    "unnecessary_step": "Unnecessary step",
    "slow_transition": "Slow transition",
    "deviation": "Deviation from the design",
}


def headline(jmap: Any, target: Any = None, title: str | None = None) -> str:
    """``Customer journey: <target name>``, or ``… to “<goal>”``, or a given title."""
    if title:
        return clean(title)
    name = getattr(target, "name", None)
    if name:
        return f"Customer journey: {clean(name)}"
    if jmap.goal:
        return f"Customer journey to “{clean(', '.join(jmap.goal))}”"
    return "Customer journey"


def comparison_fitness(comparison: Any) -> float | None:
    """The comparison's fitness (0–1): alignment fitness, else directly-follows fitness."""
    for name in ("fitness", "dfg_fitness"):
        value = getattr(comparison, name, None)
        if isinstance(value, int | float) and math.isfinite(value):
            return float(value)
    return None


def frictions_of(jmap: Any, comparison: Any = None) -> tuple[Any, ...]:
    """The ranked findings to show: the map's, merged with the comparison's deviations."""
    if comparison is not None and hasattr(comparison, "all_frictions"):
        return tuple(comparison.all_frictions(jmap))
    return tuple(getattr(jmap, "frictions", ()) or ())


def summary_parts(jmap: Any, comparison: Any = None) -> list[str]:
    """Short facts for a subtitle: journeys, conversion, period, source, fit with the design."""
    outcomes = jmap.outcome_counts()
    total = sum(outcomes.values())
    parts = [f"{fmt_count(total)} journeys"]
    if jmap.goal and total:
        closed = outcomes.get("converted", 0) + outcomes.get("dropped", 0)
        parts.append(f"{fmt_pct(outcomes.get('converted', 0) / max(closed, 1))} reach the goal")
        if outcomes.get("open"):
            parts.append(f"{fmt_count(outcomes['open'])} still open")
    q = jmap.quality
    if q is not None and q.first_event:
        parts.append(f"{str(q.first_event)[:10]} to {str(q.last_event)[:10]}")
    if q is not None and q.source:
        parts.append(clean(Path(str(q.source)).name))
    fitness = comparison_fitness(comparison)
    if fitness is not None:
        parts.append(f"fit with the design {fmt_pct(fitness)}")
    return parts


def friction_title(friction: Any) -> str:
    """``Loop: Enter address`` — the kind in words and where it is."""
    kind = KIND_LABELS.get(friction.kind, str(friction.kind).replace("_", " ").capitalize())
    return f"{kind}: {' → '.join(clean(s) for s in friction.steps)}"


def friction_figures(friction: Any) -> str:
    """``12% of journeys (120) · severity 42 customer-hours``."""
    text = f"{fmt_pct(friction.share)} of journeys ({fmt_count(friction.journeys)})"
    severity = friction.severity
    if isinstance(severity, int | float) and math.isfinite(severity):
        figure = f"{severity:,.0f}" if severity >= 100 else f"{severity:.3g}"
        text += f" · severity {figure} customer-hours"
    return text
