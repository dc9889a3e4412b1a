"""What the renderers show, read from the models: no statistics are computed here.

Helpers select, sort and trim the model's aggregates for display (the ``coverage``
abstraction, the top frictions), pick the score a colour stands for, and read the
optional parts that other modules add (friction scores, comparisons) without failing
when they are absent.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from journeymap.errors import ParameterError

__all__ = ["COLOR_BY", "Shown", "comparison_edges", "select", "step_colour_values"]

COLOR_BY = ("effort", "dropoff", "frequency")

DESIGNED_TAKEN = "designed-and-taken"
DESIGNED_NOT_TAKEN = "designed-not-taken"
TAKEN_NOT_DESIGNED = "taken-not-designed"
EDGE_STATUSES = (DESIGNED_TAKEN, DESIGNED_NOT_TAKEN, TAKEN_NOT_DESIGNED)


def check_choice(value: Any, choices: Sequence[str], *, name: str, func: str) -> str:
    """Validate a string parameter with the project's one message template."""
    if value not in choices:
        options = "{" + ", ".join(repr(c) for c in choices) + "}"
        raise ParameterError(
            f"The {name!r} parameter of {func} must be one of {options}. Got {value!r} instead."
        )
    return value


def check_coverage(coverage: Any, *, func: str) -> float:
    """Validate ``coverage`` (a share of journeys in (0, 1])."""
    try:
        value = float(coverage)
    except (TypeError, ValueError):
        value = float("nan")
    if not (0.0 < value <= 1.0):
        raise ParameterError(
            f"The 'coverage' parameter of {func} must be a share of journeys in (0, 1], "
            f"e.g. 0.8. Got {coverage!r} instead."
        )
    return value


@dataclass(frozen=True)
class Shown:
    """The part of a journey map that is drawn.

    Attributes:
        steps: rows of ``jmap.steps`` kept, most reached first.
        transitions: rows of ``jmap.transitions`` between kept steps.
        coverage: the share of journeys whose whole path is drawn (1.0 when all is drawn).
        hidden_steps: how many steps were left out.
    """

    steps: pd.DataFrame
    transitions: pd.DataFrame
    coverage: float
    hidden_steps: int


def select(jmap: Any, coverage: float = 1.0) -> Shown:
    """Keep the most frequent paths (variants) until they cover ``coverage`` of journeys.

    The steps and directly-follows pairs of those paths are kept; everything is kept at 1.0.
    """
    steps = jmap.steps
    transitions = jmap.transitions
    variants = jmap.variants
    if coverage >= 1.0 or variants is None or variants.empty or "path" not in variants:
        return Shown(steps, transitions, 1.0, 0)
    ordered = variants.sort_values("journeys", ascending=False, kind="stable")
    total = _total_journeys(jmap, variants)
    kept_steps: set[str] = set()
    kept_pairs: set[tuple[str, str]] = set()
    covered = 0
    for path, journeys in zip(ordered["path"], ordered["journeys"], strict=True):
        if covered / total >= coverage and kept_steps:
            break
        path = tuple(path)
        kept_steps.update(path)
        kept_pairs.update(itertools.pairwise(path))
        covered += int(journeys)
    step_mask = steps["step"].isin(kept_steps)
    pairs = zip(transitions["source"], transitions["target"], strict=True)
    pair_mask = pd.Series(
        [pair in kept_pairs for pair in pairs],
        index=transitions.index,
        dtype=bool,
    )
    return Shown(
        steps[step_mask],
        transitions[pair_mask],
        min(covered / total, 1.0),
        int((~step_mask).sum()),
    )


def _total_journeys(jmap: Any, variants: pd.DataFrame) -> float:
    if jmap.journeys is not None and len(jmap.journeys):
        return float(len(jmap.journeys))
    if "share" in variants and variants["share"].iloc[0] > 0:
        return float(variants["journeys"].iloc[0] / variants["share"].iloc[0])
    return float(max(variants["journeys"].sum(), 1))


def step_colour_values(steps: pd.DataFrame, color_by: str) -> tuple[pd.Series, pd.Series, str]:
    """The figure a node colour stands for: (values scaled to 0–1, raw values, legend text).

    Scores from the friction scoring (``effort_score``, ``dropoff_score``) are used when the
    map has them; otherwise effort falls back to repeat visits × time spent at the step
    (``visits_per_journey`` and ``median_dwell_s``), drop-off to ``exit_rate``.
    """
    if color_by == "frequency":
        raw, label = steps["journeys"].astype(float), "journeys"
    elif color_by == "dropoff":
        if "dropoff_score" in steps:
            raw, label = steps["dropoff_score"].astype(float), "drop-off score"
        else:
            raw, label = _column(steps, "exit_rate"), "exit rate"
    elif "effort_score" in steps:
        raw, label = steps["effort_score"].astype(float), "effort score"
    else:
        raw, label = effort_proxy(steps), "effort (repeat visits × time at step)"
    return _unit(raw), raw, label


def effort_proxy(steps: pd.DataFrame) -> pd.Series:
    """Effort shown when the map carries no ``effort_score``: visits per journey × log dwell.

    A display ordering only (it has no unit): a step visited twice as often, or where people
    spend ten times as long, draws darker.
    """
    visits = _column(steps, "visits_per_journey").fillna(1.0)
    dwell_min = _column(steps, "median_dwell_s").fillna(0.0).clip(lower=0) / 60.0
    return visits * (1.0 + dwell_min.map(math.log1p))


def effort_values(steps: pd.DataFrame) -> tuple[pd.Series, str]:
    """The effort figure per step and its axis label (the score, or the proxy)."""
    _, raw, label = step_colour_values(steps, "effort")
    return raw, label


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return pd.to_numeric(frame[name], errors="coerce").astype(float)
    return pd.Series(float("nan"), index=frame.index)


def _unit(raw: pd.Series) -> pd.Series:
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    finite = values[values.map(math.isfinite)]
    if finite.empty:
        return values
    low, high = min(float(finite.min()), 0.0), float(finite.max())
    if high <= low:
        return values.where(~values.map(math.isfinite), 0.5)
    return (values - low) / (high - low)


def comparison_edges(comparison: Any) -> pd.DataFrame:
    """The comparison's labelled transitions: source, target, status, journeys.

    ``status`` is one of ``designed-and-taken``, ``designed-not-taken``, ``taken-not-designed``.
    """
    columns = ["source", "target", "status", "journeys"]
    edges = getattr(comparison, "edges", None)
    if edges is None:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(edges).copy()
    if frame.empty:
        return pd.DataFrame(columns=columns)
    status_col = next(
        (c for c in ("status", "label", "kind", "relation", "category") if c in frame), None
    )
    if status_col is None:
        return pd.DataFrame(columns=columns)
    frame["status"] = frame[status_col].map(_normalise_status)
    count_col = next((c for c in ("journeys", "count", "taken") if c in frame), None)
    frame["journeys"] = frame[count_col] if count_col else float("nan")
    return frame[frame["status"].isin(EDGE_STATUSES)][columns].reset_index(drop=True)


def _normalise_status(value: Any) -> str:
    text = str(value).strip().lower().replace("_", "-").replace(" ", "-")
    return {"designed-taken": DESIGNED_TAKEN, "not-designed": TAKEN_NOT_DESIGNED}.get(text, text)
