"""The walk (events in journey order) is made once per log and reused: same answers as afresh.

A log keeps its walk after the first mine; a filtered log picks its journeys' rows from the
walk of the log it was filtered from. Each test compares with a log read afresh from the same
events, where nothing is reused.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pandas as pd

import journeymap as jm

SHOP = Path(__file__).resolve().parents[1] / "sample_logs" / "online_shop.csv"
GOAL = "Order confirmed"


def tables(jmap: jm.JourneyMap) -> dict[str, pd.DataFrame]:
    """The map's tables in a fixed row order, for comparison."""
    variants = jmap.variants.assign(path=jmap.variants["path"].map(" > ".join))
    return {
        "steps": jmap.steps.sort_values("step").reset_index(drop=True),
        "transitions": jmap.transitions.sort_values(["source", "target"]).reset_index(drop=True),
        "variants": variants.sort_values("variant").reset_index(drop=True),
        "journeys": jmap.journeys.sort_values("journey").reset_index(drop=True),
    }


def assert_same_map(a: jm.JourneyMap, b: jm.JourneyMap) -> None:
    ta, tb = tables(a), tables(b)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_dtype=False, obj=name)
    assert [(f.kind, f.steps, f.journeys) for f in a.frictions] == [
        (f.kind, f.steps, f.journeys) for f in b.frictions
    ]


def afresh(log: jm.EventLog) -> jm.EventLog:
    """The same events read again from a DataFrame: a new log with no walk yet."""
    events = log.to_pandas()[["customer", "journey", "touchpoint", "ts", "channel", "ces", "csat"]]
    return jm.read_log(
        events, case="customer", journey="journey", touchpoint="touchpoint", timestamp="ts",
        channel="channel", ces="ces", csat="csat",
    )  # fmt: skip


def test_a_filtered_log_mines_as_if_read_alone() -> None:
    log = jm.read_log(SHOP)
    jm.mine(log, goal=GOAL)  # the log now keeps its walk
    web = jm.filter_log(log, channels=["web"])
    assert 0 < web.quality.journeys < log.quality.journeys
    assert_same_map(jm.mine(web, goal=GOAL), jm.mine(afresh(web), goal=GOAL))
    # a filter of a filtered log picks from the first log's walk too
    march = jm.filter_log(web, start="2025-03-01", end="2025-03-31")
    assert 0 < march.quality.journeys < web.quality.journeys
    assert_same_map(jm.mine(march, goal=GOAL), jm.mine(afresh(march), goal=GOAL))


def test_a_filtered_log_mined_with_other_settings_than_its_origin() -> None:
    log = jm.read_log(SHOP)
    jm.mine(log, goal=GOAL)  # the log keeps the journeys' facts of this goal
    web = jm.filter_log(log, channels=["web"])
    weights = jm.EffortWeights(touchpoints={"Search results": 0.9}, channels={"app": 0.6})
    for settings in ({"goal": "Checkout: payment"}, {"goal": GOAL, "effort_weights": weights}):
        assert_same_map(jm.mine(web, **settings), jm.mine(afresh(web), **settings))


def test_mining_again_with_other_settings_reuses_the_walk() -> None:
    log = jm.read_log(SHOP)
    first = jm.mine(log)
    again = jm.mine(log, goal=GOAL, horizon="3d")
    assert_same_map(again, jm.mine(afresh(log), goal=GOAL, horizon="3d"))
    assert not first.journeys.equals(again.journeys)  # outcomes differ with a goal


def test_the_walk_lives_as_long_as_its_log() -> None:
    log = jm.read_log(SHOP)
    con = log.table._find_backend().con

    def temporary(prefix: str) -> list[str]:
        tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
        views = con.execute("SELECT view_name FROM duckdb_views() WHERE temporary").fetchall()
        return [name for (name,) in tables + views if name.startswith(prefix)]

    assert temporary("jm_walk_") == []
    jmap = jm.mine(log)
    assert len(temporary("jm_walk_")) == len(temporary("jm_facts_")) == 1
    web = jm.filter_log(log, channels=["web"])
    jm.mine(web)
    # the filtered log's own walk and journey facts are dropped after use
    assert len(temporary("jm_walk_")) == len(temporary("jm_facts_")) == 1
    assert len(temporary("jm_filtered_")) == 2  # the view of its events, the verdicts
    jm.mine(log, goal=GOAL)  # other settings: the log keeps the facts of its last mine only
    assert len(temporary("jm_facts_")) == 1
    del log, jmap, web
    gc.collect()
    assert temporary("jm_walk_") == temporary("jm_filtered_") == temporary("jm_facts_") == []


def test_a_filtered_log_outlives_the_log_it_was_filtered_from() -> None:
    """A filtered log's events are a view of its origin's (the log read_log made), not of the
    log it was filtered from, which may die first."""
    log = jm.read_log(SHOP)
    web = jm.filter_log(log, channels=["web"])
    both = jm.filter_log(web, channels=["email"])  # journeys on the web and by email
    before = jm.mine(both, goal=GOAL)
    del web
    gc.collect()
    after = jm.mine(both, goal=GOAL)
    pd.testing.assert_frame_equal(after.steps, before.steps)
    pd.testing.assert_frame_equal(after.journeys, before.journeys)
    events = both.table.to_pandas()
    assert len(events) == both.quality.events_used
    per_journey = events.groupby("jid")["channel"].agg(set)
    assert per_journey.map(lambda c: {"web", "email"} <= c).all()
