"""The tables of a :class:`Comparison`, from the engine's facts and the per-variant flags.

Every function here works on aggregates: one row per journey, variant, designed step, touchpoint
or transition. The rates are defined in :func:`journeymap.mining.conformance.compare`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from journeymap.mining import alignment
from journeymap.model.journeymap import END, START
from journeymap.model.target import TargetJourney

if TYPE_CHECKING:  # pragma: no cover
    from journeymap.mining.conformance import Facts, Fitness, Flags

__all__ = [
    "Masks",
    "designed_edges",
    "edge_table",
    "extra_table",
    "journey_frame",
    "journey_table",
    "step_table",
    "variant_table",
]


def journey_frame(jmap: Any, target: TargetJourney, facts: Facts, flags: Flags) -> pd.DataFrame:
    """Journeys with their variant, outcome, conversion and duration (one row per journey)."""
    j = facts.journeys.merge(
        jmap.journeys[["journey", "outcome", "duration_s"]], on="journey", how="left"
    )
    pv = j["pv"].to_numpy()
    if jmap.has_goal:
        converted = (j["outcome"] == "converted").to_numpy()
    else:
        goal = [target.touchpoints.index(g) for g in target.goal]
        converted = flags.passed[:, goal].any(axis=1)[pv]
    j["converted"] = converted
    j["closed"] = (j["outcome"] != "open").to_numpy()
    return j


def journey_table(
    j: pd.DataFrame, facts: Facts, flags: Flags, fit: Fitness, target: TargetJourney
) -> pd.DataFrame:
    pv = j["pv"].to_numpy()
    out = j[["journey", "outcome", "events", "extra_events"]].copy()
    out["target_events"] = out["events"] - out["extra_events"]
    out["variant"] = facts.variant_no[pv]
    out["fitness"] = math.nan
    out["aligned"] = False
    out["deviations"] = 0
    out["worst"] = 0
    if fit.deviations is not None:
        required = alignment.required_moves(target)
        lengths = np.array([len(p) for p in facts.paths], dtype="int64")
        dev = np.full(len(facts.paths), -1, dtype="int64")
        for i, path in enumerate(facts.paths):
            collapsed = alignment.collapse_runs(path)
            hit = fit.deviations.get(collapsed)
            if hit is not None:
                dev[i] = hit.deviations + len(path) - len(collapsed)
        aligned = dev[pv] >= 0
        extra = out["extra_events"].to_numpy()
        num = dev[pv] + extra
        den = lengths[pv] + extra + required
        out["aligned"] = aligned
        out["fitness"] = np.where(aligned & (den > 0), 1 - num / np.maximum(den, 1), math.nan)
        out["deviations"] = np.where(aligned, num, 0)
        out["worst"] = np.where(aligned, den, 0)
    counts = {}
    for name, matrix in (
        ("skipped_steps", flags.should & ~flags.passed),
        ("out_of_order_steps", flags.out_of_order),
        ("repeated_steps", flags.repeated),
    ):
        if name == "skipped_steps":
            required_cols = np.array([not s.optional for s in target.steps])
            matrix = matrix & required_cols
        counts[name] = matrix.sum(axis=1)[pv]
    for name, values in counts.items():
        out[name] = values.astype("int64")
    jid_row = pd.Series(np.arange(len(j)), index=j["jid"].to_numpy())
    for name, col in (("channel_mismatches", "mismatch"), ("slow_waits", "over")):
        hits = facts.flags[facts.flags[col].astype(bool)]
        per = hits.groupby("jid").size()
        values = np.zeros(len(j), dtype="int64")
        values[jid_row.loc[per.index].to_numpy()] = per.to_numpy()
        out[name] = values
    columns = [
        "journey",
        "outcome",
        "variant",
        "events",
        "target_events",
        "extra_events",
        "fitness",
        "aligned",
        "skipped_steps",
        "out_of_order_steps",
        "repeated_steps",
        "channel_mismatches",
        "slow_waits",
        "deviations",
        "worst",
    ]
    return out[columns].sort_values("journey").reset_index(drop=True)


class Masks:
    """Per-journey boolean masks (aligned with the journey frame ``j``) for named groups."""

    def __init__(self, j: pd.DataFrame, facts: Facts, flags: Flags, target: TargetJourney):
        self.j, self.facts, self.flags, self.target = j, facts, flags, target
        self.index = pd.Index(j["jid"])
        self.pv = j["pv"].to_numpy()

    def __call__(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Channel mismatch at step ``k``; a wait over max_wait after it; seconds beyond."""
        rows = self.facts.flags[self.facts.flags["k"] == k]
        mismatch = np.zeros(len(self.j), dtype=bool)
        over = np.zeros(len(self.j), dtype=bool)
        excess = np.zeros(len(self.j), dtype=float)
        mismatch[self.index.get_indexer(rows.loc[rows["mismatch"].astype(bool), "jid"])] = True
        late = rows[rows["over"].astype(bool)]
        at = self.index.get_indexer(late["jid"])
        over[at] = True
        excess[at] = late["excess_s"].to_numpy(dtype=float)
        return mismatch, over, excess

    def continuing(self, k: int) -> np.ndarray:
        """Journeys with a visit of step ``k`` followed by another event."""
        passed = self.flags.passed[self.pv, k]
        repeated = self.flags.repeated[self.pv, k]
        return passed & (repeated | (self.j["last_k"].to_numpy() != k))

    def first_of_pair(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Journeys that reach step ``a`` or ``b``; those among them that reach ``b`` first
        (before any visit of ``a``, or without ``a``); and those that reach ``b`` first and
        ``a`` afterwards."""
        first = self.first_positions
        fa, fb = first[:, a], first[:, b]
        either = (fa >= 0) | (fb >= 0)
        b_first = (fb >= 0) & ((fa < 0) | (fb < fa))
        both = b_first & (fa >= 0)
        return either[self.pv], b_first[self.pv], both[self.pv]

    @cached_property
    def first_positions(self) -> np.ndarray:
        """Per variant and designed step: the position of its first visit (-1: none)."""
        first = np.full((len(self.facts.paths), len(self.target.steps)), -1, dtype="int64")
        for i, path in enumerate(self.facts.paths):
            for pos, k in reversed(list(enumerate(path))):
                first[i, k] = pos
        return first

    def top_channel(self, k: int) -> str:
        """The channel most visits of step ``k`` use when not the designed one."""
        rows = self.facts.channels[self.facts.channels["k"] == k]
        if rows.empty:
            return ""
        return str(rows.sort_values(["visits", "channel"], ascending=[False, True]).iloc[0, 1])

    def base(self, step: str) -> np.ndarray:
        """Journeys that passed ``step`` (every journey for the START marker)."""
        if step == START:
            return np.ones(len(self.j), dtype=bool)
        return self.flags.passed[self.pv, self.target.touchpoints.index(step)]

    def has_extra(self, touchpoint: str) -> np.ndarray:
        """Journeys with at least one visit of the (undesigned) ``touchpoint``."""
        ex = self.facts.extras
        has = np.zeros(len(self.j), dtype=bool)
        has[self.index.get_indexer(ex.loc[ex["touchpoint"] == touchpoint, "jid"])] = True
        return has


def _rate(part: np.ndarray, whole: np.ndarray) -> float:
    n = int(whole.sum())
    return float((part & whole).sum() / n) if n else math.nan


def step_table(
    target: TargetJourney, j: pd.DataFrame, flags: Flags, masks: Masks, facts: Facts
) -> pd.DataFrame:
    pv = j["pv"].to_numpy()
    converted = j["converted"].to_numpy(dtype=bool)
    closed = j["closed"].to_numpy(dtype=bool)
    waits = dict(zip(facts.waits["k"], facts.waits["median_wait_s"], strict=True))
    rows = []
    for k, step in enumerate(target.steps):
        passed = flags.passed[pv, k]
        should = flags.should[pv, k]
        skipped = should & ~passed
        mismatch, over, _ = masks(k)
        rows.append(
            {
                "step": step.touchpoint,
                "stage": target.stage_of(step.touchpoint),
                "optional": step.optional,
                "channel": step.channel,
                "should_pass": int(should.sum()),
                "passed": int(passed.sum()),
                "skipped": int(skipped.sum()),
                "skipped_rate": math.nan if step.optional else _rate(skipped, should),
                "taken_rate": _rate(passed, should),
                "repeated_rate": _rate(flags.repeated[pv, k], passed),
                "out_of_order_rate": _rate(flags.out_of_order[pv, k], passed),
                "channel_mismatch_rate": _rate(mismatch, passed) if step.channel else math.nan,
                "median_wait_s": waits.get(k, math.nan),
                "max_wait_s": step.max_wait_s if step.max_wait_s is not None else math.nan,
                "over_max_wait_rate": _rate(over, masks.continuing(k))
                if step.max_wait_s
                else math.nan,
                "conversion_followed": _rate(converted, passed & closed),
                "conversion_skipped": _rate(converted, skipped & closed),
            }
        )
    return pd.DataFrame(rows)


def extra_table(
    target: TargetJourney, j: pd.DataFrame, facts: Facts, flags: Flags, jmap: Any
) -> pd.DataFrame:
    columns = [
        "touchpoint",
        "journeys",
        "share",
        "after_step",
        "after_stage",
        "visits_per_journey",
        "median_dwell_s",
        "conversion_with",
        "conversion_without",
        "conversion_lift",
        "helps",
    ]
    ex = facts.extras
    if ex.empty:
        return pd.DataFrame(columns=columns)
    pv = j["pv"].to_numpy()
    index = pd.Index(j["jid"])
    converted = j["converted"].to_numpy(dtype=bool)
    closed = j["closed"].to_numpy(dtype=bool)
    steps = jmap.steps.set_index("step") if "step" in jmap.steps else pd.DataFrame()
    rows = []
    for touchpoint, group in ex.groupby("touchpoint", sort=False):
        anchor = int(group["anchor"].value_counts().sort_index().idxmax())
        has = np.zeros(len(j), dtype=bool)
        has[index.get_indexer(group["jid"])] = True
        if anchor >= 0:
            base = flags.passed[pv, anchor]
            after = target.steps[anchor].touchpoint
            stage = target.stage_of(after)
        else:
            base, after, stage = np.ones(len(j), dtype=bool), START, None
        with_, without = (
            _rate(converted, has & base & closed),
            _rate(converted, ~has & base & closed),
        )
        rows.append(
            {
                "touchpoint": touchpoint,
                "journeys": int(has.sum()),
                "share": float(has.mean()),
                "after_step": after,
                "after_stage": stage,
                "visits_per_journey": float(group["visits"].sum() / len(group)),
                "median_dwell_s": _lookup(steps, touchpoint, "median_dwell_s"),
                "conversion_with": with_,
                "conversion_without": without,
                "conversion_lift": with_ - without,
                "helps": _helps(converted, has & base & closed, ~has & base & closed),
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    if "effort" in steps.columns:
        frame["effort"] = [_lookup(steps, t, "effort") for t in frame["touchpoint"]]
    return frame.sort_values(["journeys", "touchpoint"], ascending=[False, True]).reset_index(
        drop=True
    )


def _lookup(frame: pd.DataFrame, row: str, column: str) -> float:
    if column not in frame.columns or row not in frame.index:
        return math.nan
    value = frame.at[row, column]
    return float(value) if value is not None and value == value else math.nan


def _helps(converted: np.ndarray, a: np.ndarray, b: np.ndarray) -> bool:
    """Whether group ``a`` converts significantly more often than ``b`` (z >= 1.96)."""
    na, nb = int(a.sum()), int(b.sum())
    if na < 5 or nb < 5:
        return False
    pa, pb = converted[a].mean(), converted[b].mean()
    pooled = (converted[a].sum() + converted[b].sum()) / (na + nb)
    se = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
    return bool(se > 0 and (pa - pb) / se >= 1.96)


def designed_edges(target: TargetJourney) -> set[tuple[str, str]]:
    """Directly-follows pairs the design allows (optional steps may be skipped); START/END too."""
    names = [START, *target.touchpoints, END]
    optional = [False, *(s.optional for s in target.steps), False]
    edges = set()
    for i in range(len(names) - 1):
        for j in range(i + 1, len(names)):
            edges.add((names[i], names[j]))
            if not optional[j]:
                break
    return edges


def edge_table(target: TargetJourney, facts: Facts) -> pd.DataFrame:
    taken = facts.transitions.copy()
    designed = designed_edges(target)
    pairs = set(zip(taken["source"], taken["target"], strict=True))
    missing = sorted(designed - pairs)
    if missing:
        taken = pd.concat(
            [
                taken,
                pd.DataFrame(
                    {
                        "source": [m[0] for m in missing],
                        "target": [m[1] for m in missing],
                        "count": 0,
                        "journeys": 0,
                    }
                ),
            ],
            ignore_index=True,
        )
    is_designed = [
        (s, t) in designed for s, t in zip(taken["source"], taken["target"], strict=True)
    ]
    taken["status"] = np.where(
        is_designed,
        np.where(taken["count"] > 0, "designed-and-taken", "designed-not-taken"),
        "taken-not-designed",
    )
    taken["count"] = taken["count"].astype("int64")
    taken["journeys"] = taken["journeys"].astype("int64")
    return (
        taken[["source", "target", "status", "count", "journeys"]]
        .sort_values(["count", "source", "target"], ascending=[False, True, True])
        .reset_index(drop=True)
    )


def variant_table(target: TargetJourney, facts: Facts, fit: Fitness, total: int) -> pd.DataFrame:
    names = target.touchpoints
    required = alignment.required_moves(target)
    rows = []
    for number, path, n in zip(facts.variant_no, facts.paths, facts.path_journeys, strict=True):
        collapsed = alignment.collapse_runs(path)
        hit = fit.deviations.get(collapsed) if fit.deviations is not None else None
        deviations = hit.deviations + len(path) - len(collapsed) if hit else None
        rows.append(
            {
                "variant": int(number),
                "path": tuple(names[k] for k in path),
                "journeys": int(n),
                "share": int(n) / total if total else 0.0,
                "fitness": 1 - deviations / (len(path) + required)
                if deviations is not None and len(path) + required
                else math.nan,
                "aligned": hit is not None,
                "moves": _moves_text(hit.moves) if hit else "",
            }
        )
    columns = ["variant", "path", "journeys", "share", "fitness", "aligned", "moves"]
    return pd.DataFrame(rows, columns=columns).sort_values("variant").reset_index(drop=True)


def _moves_text(moves: Sequence[tuple[str, str]]) -> str:
    marks = {"sync": "", "log": "+", "model": "−"}
    return " → ".join(f"{marks[kind]}{step}" for kind, step in moves)
