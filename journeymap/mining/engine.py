"""The engine: every heavy computation over events, written once against Ibis.

Two relations carry everything (see DESIGN.md, "Engine and scale"):

- the *walk*: each event with its position in its journey and the next touchpoint and wait
  (``LEAD`` over the journey ordered by time, ties broken by source row);
- the *journey* relation: one row per journey with its ordered path, ends and outcome.

Steps, transitions and variants are aggregates of those two. Intermediate relations are
materialised as temporary tables so that each window runs once. Only aggregates leave the
engine, as pandas DataFrames. Nothing outside this module knows which backend runs the SQL;
DuckDB is the default, any Ibis backend table (e.g. Spark) can be passed instead.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from journeymap.progress import ProgressCallback, as_reporter

__all__ = ["MinedTables", "connect", "mine_tables"]

_counter = itertools.count()


def connect(*, memory_limit: str | None = None) -> ibis.BaseBackend:
    """An in-process DuckDB backend that spills to a temporary folder instead of failing."""
    spill = os.path.join(tempfile.gettempdir(), "journeymap-spill")
    os.makedirs(spill, exist_ok=True)
    config: dict[str, object] = {"temp_directory": spill, "preserve_insertion_order": True}
    if memory_limit:
        config["memory_limit"] = memory_limit
    return ibis.duckdb.connect(**config)


@dataclass(frozen=True)
class MinedTables:
    """The aggregates ``mine`` turns into a JourneyMap."""

    steps: pd.DataFrame
    transitions: pd.DataFrame
    variants: pd.DataFrame
    journeys: pd.DataFrame
    horizon_s: float
    variant_count: int


def mine_tables(
    events: ir.Table,
    *,
    goal: tuple[str, ...],
    horizon_s: float | None,
    top_variants: int | None,
    progress: ProgressCallback | None = None,
) -> MinedTables:
    """Compute the step, transition, variant and journey tables from the canonical events."""
    report = as_reporter(progress)
    backend = events._find_backend()
    temps: list[str] = []

    def keep(expr: ir.Table) -> ir.Table:
        name = f"jm_tmp_{os.getpid()}_{next(_counter)}"
        temps.append(name)
        return backend.create_table(name, expr, temp=True)

    try:
        report("ordering journeys", 0.05)
        walk = keep(_walk(events))
        codes = keep(events.select("touchpoint", "tp_code").distinct())
        names = dict(zip(*codes.to_pandas()[["tp_code", "touchpoint"]].T.values, strict=True))
        goal_codes = [c for c, n in names.items() if n in set(goal)]
        if horizon_s is None:
            horizon_s = _default_horizon(walk)
        report("building journeys", 0.3)
        jr = keep(_journeys(walk, goal_codes=goal_codes, horizon_s=horizon_s, has_goal=bool(goal)))
        report("grouping variants", 0.5)
        variants_all = keep(_variants(jr))
        variant_count = int(variants_all.count().to_pyarrow().as_py())
        report("scoring steps", 0.65)
        steps = _steps(walk, jr, codes, events, has_goal=bool(goal))
        report("counting transitions", 0.8)
        transitions = _transitions(walk, codes)
        report("collecting results", 0.9)
        journeys = _journey_frame(jr, variants_all, codes, events)
        variants = _variant_frame(variants_all, names, top_variants, total=len(journeys))
    finally:
        for name in temps:
            backend.drop_table(name, force=True)
    report("mined", 1.0)
    return MinedTables(
        steps=steps,
        transitions=transitions,
        variants=variants,
        journeys=journeys,
        horizon_s=float(horizon_s),
        variant_count=variant_count,
    )


def _walk(events: ir.Table) -> ir.Table:
    w = ibis.window(group_by=events.jid, order_by=[events.t_us, events.seq])
    return events.select(
        "jid",
        "tp_code",
        "t_us",
        pos=ibis.row_number().over(w),
        nxt_code=events.tp_code.lead().over(w),
        wait_s=(events.t_us.lead().over(w) - events.t_us).cast("float64") / 1e6,
    )


def _default_horizon(walk: ir.Table) -> float:
    """The 95th percentile of waits between consecutive touchpoints (0 without transitions)."""
    value = walk.wait_s.quantile(0.95).to_pyarrow().as_py()
    return float(value) if value is not None else 0.0


def _journeys(
    walk: ir.Table, *, goal_codes: list[int], horizon_s: float, has_goal: bool
) -> ir.Table:
    reached = walk.tp_code.isin(goal_codes).any() if goal_codes else ibis.literal(False)
    jr = walk.group_by("jid").aggregate(
        events=walk.count(),
        start_us=walk.t_us.min(),
        end_us=walk.t_us.max(),
        first_code=walk.tp_code.argmin(walk.pos),
        last_code=walk.tp_code.argmax(walk.pos),
        codes=walk.tp_code.collect(order_by=walk.pos),
        reached=reached,
    )
    log_end = walk.t_us.max().as_scalar()
    is_open = jr.end_us >= log_end - int(horizon_s * 1_000_000)
    done = "completed" if not has_goal else "dropped"
    outcome = (
        ibis.cases((jr.reached, "converted"), (is_open, "open"), else_=done)
        if has_goal
        else ibis.cases((is_open, "open"), else_=done)
    )
    return jr.mutate(outcome=outcome, duration_s=(jr.end_us - jr.start_us).cast("float64") / 1e6)


def _variants(jr: ir.Table) -> ir.Table:
    v = jr.group_by("codes").aggregate(
        journeys=jr.count(),
        converted=(jr.outcome == "converted").sum(),
        median_duration_s=jr.duration_s.median(),
    )
    rank = ibis.row_number().over(order_by=[ibis.desc(v.journeys), v.codes])
    return v.mutate(variant=rank + 1)


def _steps(
    walk: ir.Table, jr: ir.Table, codes: ir.Table, events: ir.Table, *, has_goal: bool
) -> pd.DataFrame:
    per_step = walk.group_by("tp_code").aggregate(
        visits=walk.count(),
        starts=(walk.pos == 0).sum(),
        ends=walk.nxt_code.isnull().sum(),
        median_dwell_s=walk.wait_s.median(),
    )
    pairs = walk.select("jid", "tp_code").distinct()
    pairs = pairs.join(jr.select("jid", "outcome"), "jid")
    reach = pairs.group_by("tp_code").aggregate(
        journeys=pairs.count(),
        non_open=(pairs.outcome != "open").sum(),
    )
    exits = (
        jr.filter(jr.outcome == "dropped")
        .group_by(tp_code=jr.last_code)
        .aggregate(exits=lambda t: t.count())
    )
    by_channel = (
        events.filter(events.channel.notnull())
        .group_by(["tp_code", "channel"])
        .aggregate(n=lambda t: t.count())
    )
    top = ibis.row_number().over(
        group_by=by_channel.tp_code, order_by=[ibis.desc(by_channel.n), by_channel.channel]
    )
    channel = by_channel.mutate(r=top).filter(lambda t: t.r == 0).select("tp_code", "channel")
    table = (
        per_step.join(reach, "tp_code")
        .left_join(exits, "tp_code")
        .left_join(channel, "tp_code")
        .join(codes, "tp_code")
    )
    df = table.to_pandas()
    total = int(jr.count().to_pyarrow().as_py())
    df = df.rename(columns={"touchpoint": "step"})
    df["reach"] = df["journeys"] / total if total else 0.0
    df["visits_per_journey"] = df["visits"] / df["journeys"]
    if has_goal:
        df["exits"] = df["exits"].fillna(0).astype("int64")
        df["exit_rate"] = df["exits"] / df["non_open"].where(df["non_open"] > 0)
    else:
        df["exits"] = pd.array([pd.NA] * len(df), dtype="Int64")
        df["exit_rate"] = float("nan")
    columns = [
        "step",
        "channel",
        "journeys",
        "reach",
        "visits",
        "visits_per_journey",
        "starts",
        "ends",
        "median_dwell_s",
        "exits",
        "exit_rate",
    ]
    df = df[columns].sort_values(["journeys", "step"], ascending=[False, True])
    return _ints(df, ["journeys", "visits", "starts", "ends"]).reset_index(drop=True)


def _transitions(walk: ir.Table, codes: ir.Table) -> pd.DataFrame:
    moves = walk.filter(walk.nxt_code.notnull())
    agg = moves.group_by(["tp_code", "nxt_code"]).aggregate(
        count=moves.count(),
        journeys=moves.jid.nunique(),
        median_s=moves.wait_s.median(),
        p90_s=moves.wait_s.quantile(0.9),
    )
    src = codes.rename(source="touchpoint")
    dst = codes.rename(target="touchpoint", nxt_code="tp_code")
    table = agg.join(src, "tp_code").join(dst, "nxt_code")
    df = table.select("source", "target", "count", "journeys", "median_s", "p90_s").to_pandas()
    df = df.sort_values(["count", "source", "target"], ascending=[False, True, True])
    return _ints(df, ["count", "journeys"]).reset_index(drop=True)


def _journey_frame(
    jr: ir.Table, variants: ir.Table, codes: ir.Table, events: ir.Table
) -> pd.DataFrame:
    ids = events.group_by("jid").aggregate(
        journey=events.journey.arbitrary(), customer=events.customer.arbitrary()
    )
    first = codes.rename(first_step="touchpoint", first_code="tp_code")
    last = codes.rename(last_step="touchpoint", last_code="tp_code")
    table = (
        jr.join(variants.select("codes", "variant"), "codes")
        .join(ids, "jid")
        .join(first, "first_code")
        .join(last, "last_code")
        .select(
            "journey",
            "customer",
            "events",
            "start_us",
            "end_us",
            duration_s=jr.duration_s,
            first_step="first_step",
            last_step="last_step",
            outcome=jr.outcome,
            variant="variant",
        )
        .order_by(["start_us", "journey"])
    )
    df = table.to_pandas()
    df.insert(3, "start", pd.to_datetime(df.pop("start_us"), unit="us"))
    df.insert(4, "end", pd.to_datetime(df.pop("end_us"), unit="us"))
    return _ints(df, ["events", "variant"]).reset_index(drop=True)


def _variant_frame(
    variants: ir.Table, names: dict[int, str], top: int | None, *, total: int
) -> pd.DataFrame:
    v = variants.order_by("variant")
    if top is not None:
        v = v.limit(top)
    df = v.to_pandas()
    df["path"] = [tuple(names[c] for c in codes) for codes in df["codes"]]
    df["share"] = df["journeys"] / total if total else 0.0
    df["conversion_rate"] = df["converted"] / df["journeys"]
    df["steps"] = df["path"].map(len)
    df = df[
        ["variant", "path", "steps", "journeys", "share", "conversion_rate", "median_duration_s"]
    ]
    return _ints(df, ["variant", "steps", "journeys"]).reset_index(drop=True)


def _ints(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for col in columns:
        df[col] = df[col].astype("int64")
    return df
