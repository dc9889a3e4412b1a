"""Which steps the journey-map canvas shows, in which order, under which stages.

With a target journey the stages and their order are the designer's: designed steps the data
never shows are kept (drawn greyed) and steps customers take that the design lacks are
inserted after the designed step they most often follow. Without a target, the order is the
steps' position in the most common converting paths, split into three to five stages at the
widest gaps. Only the map's tables are read; nothing is recomputed from events.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["Plan", "PlanStep", "Stage", "plan_map"]

TAKEN = "taken"  # in the data (and in the design, when there is one)
NOT_TAKEN = "not_taken"  # designed, never seen in the data
NOT_DESIGNED = "not_designed"  # in the data, not in the design


@dataclass(frozen=True)
class PlanStep:
    """A touchpoint card: its name, stage, channel, status and its row of ``jmap.steps``."""

    name: str
    stage: str
    channel: str
    status: str = TAKEN
    data: dict[str, Any] = field(default_factory=dict)
    optional: bool = False

    @property
    def taken(self) -> bool:
        return self.status != NOT_TAKEN


@dataclass(frozen=True)
class Stage:
    """A column of the canvas."""

    name: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """The canvas content: stages left to right, cards in journey order, what was left out."""

    stages: tuple[Stage, ...]
    steps: tuple[PlanStep, ...]
    inferred: bool
    hidden: int = 0

    def index(self, name: str) -> int | None:
        """Position of a step on the canvas, or None when it is not shown."""
        for i, s in enumerate(self.steps):
            if s.name == name:
                return i
        return None


def plan_map(jmap: Any, target: Any = None, *, max_steps: int = 12) -> Plan:
    """The stages and cards of the canvas (see the module docstring)."""
    rows = {r["step"]: r for r in jmap.steps.to_dict("records")}
    if target is not None and _target_stages(target):
        return _plan_from_target(jmap, target, rows, max_steps)
    return _plan_inferred(jmap, rows, max_steps)


def _target_stages(target: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    """``[(stage name, [designed step as dict]), ...]`` from a TargetJourney-like object."""
    out = []
    for stage in getattr(target, "stages", None) or ():
        name = str(getattr(stage, "name", stage))
        steps = []
        for step in getattr(stage, "steps", ()) or ():
            touchpoint = getattr(step, "touchpoint", None) or getattr(step, "name", None)
            if touchpoint is None:
                touchpoint = step if isinstance(step, str) else str(step)
            steps.append(
                {
                    "name": str(touchpoint),
                    "channel": getattr(step, "channel", None),
                    "optional": bool(getattr(step, "optional", False)),
                    "aliases": tuple(getattr(step, "aliases", ()) or ()),
                }
            )
        out.append((name, steps))
    return out


def _plan_from_target(jmap: Any, target: Any, rows: dict[str, Any], max_steps: int) -> Plan:
    designed: list[PlanStep] = []
    claimed: set[str] = set()
    for stage, steps in _target_stages(target):
        for step in steps:
            match = next((n for n in (step["name"], *step["aliases"]) if n in rows), None)
            if match is not None:
                claimed.add(match)
            data = rows.get(match, {}) if match else {}
            channel = step["channel"] or data.get("channel") or ""
            designed.append(
                PlanStep(
                    name=step["name"],
                    stage=stage,
                    channel=_text(channel),
                    status=TAKEN if match else NOT_TAKEN,
                    data=data,
                    optional=step["optional"],
                )
            )
    # Steps customers take outside the design, most reached first, within the card budget.
    # The two most reached ones always show: they are what the design missed.
    room = max(max_steps - len(designed), 2)
    extra = [r for name, r in rows.items() if name not in claimed]
    extra.sort(key=lambda r: -float(r.get("journeys", 0) or 0))
    shown_extra, hidden = extra[:room], len(extra) - min(len(extra), room)
    placed = list(designed)
    follows = _strongest_predecessor(jmap.transitions)
    alias_of = {a: s.name for s in designed for a in (s.name,)}
    for row in shown_extra:
        name = row["step"]
        before = follows.get(name, [])
        anchor = next(
            (alias_of.get(b, b) for b in before if _pos(placed, alias_of.get(b, b)) is not None),
            None,
        )
        at = _pos(placed, anchor) if anchor else None
        stage = placed[at].stage if at is not None else placed[-1].stage
        card = PlanStep(
            name=name, stage=stage, channel=_text(row.get("channel")), status=NOT_DESIGNED, data=row
        )
        placed.insert(at + 1 if at is not None else len(placed), card)
    stages = []
    for stage, _ in _target_stages(target):
        stages.append(Stage(stage, tuple(s.name for s in placed if s.stage == stage)))
    return Plan(tuple(stages), tuple(placed), inferred=False, hidden=hidden)


def _pos(placed: Sequence[PlanStep], name: str | None) -> int | None:
    for i, s in enumerate(placed):
        if s.name == name:
            return i
    return None


def _strongest_predecessor(transitions: pd.DataFrame) -> dict[str, list[str]]:
    """For each step, the steps it directly follows, most journeys first."""
    out: dict[str, list[str]] = defaultdict(list)
    if transitions is None or transitions.empty:
        return out
    weight = "journeys" if "journeys" in transitions else "count"
    ordered = transitions.sort_values(weight, ascending=False, kind="stable")
    for s, t in zip(ordered["source"], ordered["target"], strict=True):
        if s != t:
            out[t].append(s)
    return out


def _plan_inferred(jmap: Any, rows: dict[str, Any], max_steps: int) -> Plan:
    goal = set(jmap.goal or ())
    ranked = sorted(rows.values(), key=lambda r: (-float(r.get("journeys", 0) or 0), r["step"]))
    keep = [r["step"] for r in ranked if r["step"] in goal]
    keep += [r["step"] for r in ranked if r["step"] not in goal][: max(max_steps - len(keep), 1)]
    position = _mean_positions(jmap.variants, keep, converting=bool(goal))
    order = sorted(keep, key=lambda s: (position.get(s, 0.5), s in goal, -rows[s]["journeys"]))
    groups = _split(order, [position.get(s, 0.5) for s in order])
    stages, steps = [], []
    for k, group in enumerate(groups, start=1):
        name = f"Stage {k}"
        stages.append(Stage(name, tuple(group)))
        steps += [
            PlanStep(name=s, stage=name, channel=_text(rows[s].get("channel")), data=rows[s])
            for s in group
        ]
    return Plan(tuple(stages), tuple(steps), inferred=True, hidden=len(rows) - len(keep))


def _mean_positions(variants: pd.DataFrame, steps: list[str], *, converting: bool) -> dict:
    """Journey-weighted mean relative position (0 = first, 1 = last) of each step's first
    visit in the most common paths, preferring converting paths."""
    if variants is None or variants.empty or "path" not in variants:
        return {}
    frame = variants
    if converting and "conversion_rate" in frame:
        good = frame[frame["conversion_rate"].fillna(0) > 0]
        frame = good if not good.empty else frame
    frame = frame.sort_values("journeys", ascending=False, kind="stable").head(200)
    totals: dict[str, float] = defaultdict(float)
    weights: dict[str, float] = defaultdict(float)
    wanted = set(steps)
    for path, journeys in zip(frame["path"], frame["journeys"], strict=True):
        path = tuple(path)
        span = max(len(path) - 1, 1)
        seen = set()
        for i, step in enumerate(path):
            if step in wanted and step not in seen:
                seen.add(step)
                totals[step] += i / span * float(journeys)
                weights[step] += float(journeys)
    found = {s: totals[s] / weights[s] for s in weights}
    missing = [s for s in steps if s not in found]
    if missing and frame is not variants:
        found.update(
            {k: v for k, v in _mean_positions(variants, missing, converting=False).items()}
        )
    return found


def _split(order: list[str], positions: list[float]) -> list[list[str]]:
    """Three to five stages of similar size, each cut moved to the widest gap near it."""
    n = len(order)
    if n <= 3:
        return [[s] for s in order] or [[]]
    k = 3 if n <= 6 else 4 if n <= 10 else 5
    cuts = [0]
    for j in range(1, k):
        ideal = round(n * j / k)
        window = [i for i in range(ideal - 1, ideal + 2) if cuts[-1] < i < n - (k - j - 1)]
        cut = max(window, key=lambda i: (positions[i] - positions[i - 1], -abs(i - ideal)))
        cuts.append(cut)
    cuts.append(n)
    return [order[a:b] for a, b in itertools.pairwise(cuts)]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)
