"""Every definition of ``mine`` on a tiny log whose answers were computed by hand.

The log (times on 2025-03-01, file order as listed; horizon 1 h, so journeys whose last event is
at or after 09:00 are open):

    j1  A 00:00, B 00:10, C 00:30            converted (goal C), 1800 s
    j2  A 00:00, B 00:05, B 00:20, A 01:00   dropped, last step A, 3600 s
    j3  A 00:00                              dropped, single event
    j4  X 05:00, A 05:00 (tie: file order), B 09:30   open
    j5  A 09:50, C 10:00                     converted, ends the log
    j6  A 02:00, B 02:10, C 02:40            converted, same path as j1
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import journeymap as jm

ROWS = [
    ("j1", "A", "00:00"), ("j1", "B", "00:10"), ("j1", "C", "00:30"),
    ("j2", "A", "00:00"), ("j2", "B", "00:05"), ("j2", "B", "00:20"), ("j2", "A", "01:00"),
    ("j3", "A", "00:00"),
    ("j4", "X", "05:00"), ("j4", "A", "05:00"), ("j4", "B", "09:30"),
    ("j5", "A", "09:50"), ("j5", "C", "10:00"),
    ("j6", "A", "02:00"), ("j6", "B", "02:10"), ("j6", "C", "02:40"),
]  # fmt: skip


def tiny_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in ROWS],
            "touchpoint": [r[1] for r in ROWS],
            "timestamp": [f"2025-03-01 {r[2]}:00" for r in ROWS],
            "channel": ["web" if r[1] != "B" else "app" for r in ROWS],
        }
    )


@pytest.fixture(scope="module")
def jmap() -> jm.JourneyMap:
    return jm.mine(jm.read_log(tiny_frame()), goal="C", horizon="1h")


def step(jmap: jm.JourneyMap, name: str) -> pd.Series:
    return jmap.steps.set_index("step").loc[name]


def test_outcomes(jmap: jm.JourneyMap) -> None:
    outcome = jmap.journeys.set_index("journey")["outcome"].to_dict()
    assert outcome == {
        "j1": "converted", "j2": "dropped", "j3": "dropped",
        "j4": "open", "j5": "converted", "j6": "converted",
    }  # fmt: skip


def test_journey_facts(jmap: jm.JourneyMap) -> None:
    j = jmap.journeys.set_index("journey")
    assert j["events"].to_dict() == {"j1": 3, "j2": 4, "j3": 1, "j4": 3, "j5": 2, "j6": 3}
    assert j["duration_s"].to_dict() == {
        "j1": 1800.0, "j2": 3600.0, "j3": 0.0, "j4": 16200.0, "j5": 600.0, "j6": 2400.0,
    }  # fmt: skip
    assert j.loc["j4", "first_step"] == "X"  # tie at 05:00 keeps file order: X before A
    assert j.loc["j2", "last_step"] == "A"
    assert j.loc["j3", "first_step"] == j.loc["j3", "last_step"] == "A"
    assert str(j.loc["j5", "end"]) == "2025-03-01 10:00:00"
    assert j.loc["j1", "customer"] == "j1"


def test_step_counts(jmap: jm.JourneyMap) -> None:
    a, b, c, x = (step(jmap, s) for s in "ABCX")
    assert (a.visits, a.journeys, a.starts, a.ends) == (7, 6, 5, 2)
    assert (b.visits, b.journeys, b.starts, b.ends) == (5, 4, 0, 1)
    assert (c.visits, c.journeys, c.starts, c.ends) == (3, 3, 0, 3)
    assert (x.visits, x.journeys, x.starts, x.ends) == (1, 1, 1, 0)
    assert a.reach == 1.0 and b.reach == pytest.approx(4 / 6)
    assert a.visits_per_journey == pytest.approx(7 / 6)
    assert a.channel == "web" and b.channel == "app"


def test_dwell_is_median_wait_to_next_touchpoint(jmap: jm.JourneyMap) -> None:
    assert step(jmap, "A").median_dwell_s == 600.0  # waits 600, 300, 16200, 600, 600
    assert step(jmap, "B").median_dwell_s == 1500.0  # waits 1200, 900, 2400, 1800
    assert step(jmap, "X").median_dwell_s == 0.0  # tie with the next event
    assert math.isnan(step(jmap, "C").median_dwell_s)  # C always ends its journey


def test_exits_and_exit_rate(jmap: jm.JourneyMap) -> None:
    # dropped journeys ending at A: j2, j3; non-open journeys reaching A: j1 j2 j3 j5 j6
    assert step(jmap, "A").exits == 2 and step(jmap, "A").exit_rate == pytest.approx(0.4)
    assert step(jmap, "B").exits == 0 and step(jmap, "B").exit_rate == 0.0
    # X is reached only by the open journey j4: no rate, not zero
    assert math.isnan(step(jmap, "X").exit_rate)


def test_transitions(jmap: jm.JourneyMap) -> None:
    t = jmap.transitions.set_index(["source", "target"])
    assert t["count"].to_dict() == {
        ("A", "B"): 4, ("B", "C"): 2, ("A", "C"): 1, ("B", "A"): 1, ("B", "B"): 1, ("X", "A"): 1,
    }  # fmt: skip
    assert t["count"].sum() == len(ROWS) - 6  # events minus journeys
    assert t.loc[("A", "B"), "journeys"] == 4
    assert t.loc[("A", "B"), "median_s"] == 600.0
    assert t.loc[("A", "B"), "p90_s"] == pytest.approx(11520.0)  # 600 + 0.7 * (16200 - 600)
    assert t.loc[("B", "C"), "p90_s"] == pytest.approx(1740.0)
    assert t.loc[("X", "A"), "median_s"] == 0.0


def test_variants(jmap: jm.JourneyMap) -> None:
    v = jmap.variants
    assert jmap.variant_count == 5
    # ranked by journeys, ties by the start of their first journey (j2 and j3 both start at
    # 00:00: their order is fixed but arbitrary)
    paths = v["path"].tolist()
    assert paths[0] == ("A", "B", "C")
    assert set(paths[1:3]) == {("A",), ("A", "B", "B", "A")}
    assert paths[3:] == [("X", "A", "B"), ("A", "C")]
    top = v.iloc[0]
    assert (top.variant, top.journeys, top.steps) == (1, 2, 3)
    assert top.share == pytest.approx(2 / 6)
    assert top.conversion_rate == 1.0
    assert top.median_duration_s == 2100.0
    assert v["conversion_rate"].tolist()[1:] == [0.0, 0.0, 0.0, 1.0]
    by_journey = jmap.journeys.set_index("journey")["variant"]
    assert by_journey["j1"] == by_journey["j6"] == 1
    assert by_journey["j4"] == 4
    assert {by_journey["j2"], by_journey["j3"]} == {2, 3}


def test_top_variants_caps_table_not_count() -> None:
    jmap = jm.mine(jm.read_log(tiny_frame()), goal="C", horizon="1h", top_variants=2)
    assert len(jmap.variants) == 2 and jmap.variant_count == 5


def test_graph_carries_figures_and_markers(jmap: jm.JourneyMap) -> None:
    g = jmap.graph
    assert g.nodes["A"]["visits"] == 7
    assert g.edges["A", "B"]["count"] == 4
    assert g.edges[jm.START, "A"]["count"] == 5
    assert g.edges["C", jm.END]["count"] == 3
    assert g.nodes[jm.START]["marker"] is True


def test_no_goal_means_no_dropoff_figures() -> None:
    jmap = jm.mine(jm.read_log(tiny_frame()), horizon="1h")
    outcome = jmap.journeys.set_index("journey")["outcome"]
    assert set(outcome) == {"completed", "open"}
    assert outcome["j4"] == outcome["j5"] == "open"
    assert jmap.steps["exit_rate"].isna().all()
    assert jmap.steps["exits"].isna().all()
    assert jmap.variants["conversion_rate"].isna().all()
    assert not jmap.has_goal


def test_goal_list_and_unknown_goal() -> None:
    log = jm.read_log(tiny_frame())
    jmap = jm.mine(log, goal=["C", "X"], horizon="1h")
    assert jmap.journeys.set_index("journey").loc["j4", "outcome"] == "converted"
    with pytest.raises(jm.errors.ParameterError, match=r"Did you mean 'C'"):
        jm.mine(log, goal="c")


def test_default_horizon_is_p95_of_waits() -> None:
    log = jm.read_log(tiny_frame())
    waits = [600, 1200, 300, 900, 2400, 0, 16200, 600, 600, 1800]
    assert jm.mine(log).horizon_s == pytest.approx(np.percentile(waits, 95))


def test_gap_splits_customers_into_journeys() -> None:
    df = pd.DataFrame(
        {
            "customer_id": ["c", "c", "c", "d", "d"],
            "touchpoint": ["A", "B", "A", "A", "B"],
            "timestamp": ["2025-01-01 00:00", "2025-01-01 01:00", "2025-01-01 05:00",
                          "2025-01-01 00:00", "2025-01-03 00:00"],
        }
    )  # fmt: skip
    log = jm.read_log(df, gap="2h")
    assert log.quality.journeys == 4 and log.quality.customers == 2
    jmap = jm.mine(log)
    j = jmap.journeys.set_index("journey")
    assert j["events"].to_dict() == {"c#1": 2, "c#2": 1, "d#1": 1, "d#2": 1}
    assert (j["customer"] == j.index.str[0]).all()
    assert jmap.horizon_s == 7200.0  # the gap is the default horizon
    assert jm.read_log(df).quality.journeys == 2  # without a gap: one journey per customer


def test_journey_column_wins_over_gap() -> None:
    df = tiny_frame().assign(journey_id=lambda d: "J-" + d["customer_id"], customer_id="same")
    log = jm.read_log(df, gap="1m")
    assert log.mapping.journey == "journey_id"
    assert log.quality.journeys == 6 and log.quality.customers == 1


def test_single_event_log() -> None:
    df = pd.DataFrame({"customer_id": ["c"], "touchpoint": ["Only"], "timestamp": ["2025-01-01"]})
    jmap = jm.mine(jm.read_log(df), goal="Only")
    assert len(jmap.transitions) == 0
    assert jmap.journeys["outcome"].tolist() == ["converted"]
    assert jmap.variants["path"].tolist() == [("Only",)]
    assert jmap.horizon_s == 0.0


def test_loops_count_visits_not_journeys() -> None:
    df = pd.DataFrame(
        {
            "customer_id": ["c"] * 5,
            "touchpoint": ["Login", "Error", "Login", "Error", "Login"],
            "timestamp": [f"2025-01-01 00:0{i}" for i in range(5)],
        }
    )
    jmap = jm.mine(jm.read_log(df))
    login = jmap.steps.set_index("step").loc["Login"]
    assert (login.visits, login.journeys, login.visits_per_journey) == (3, 1, 3.0)
    t = jmap.transitions.set_index(["source", "target"])
    assert t.loc[("Login", "Error"), "count"] == 2 and t.loc[("Login", "Error"), "journeys"] == 1


def test_mine_rejects_bad_parameters() -> None:
    log = jm.read_log(tiny_frame())
    with pytest.raises(jm.errors.ParameterError, match="'horizon' parameter of mine"):
        jm.mine(log, horizon="soon")
    with pytest.raises(jm.errors.ParameterError, match="'top_variants' parameter of mine"):
        jm.mine(log, top_variants=0)
    with pytest.raises(jm.errors.ParameterError, match="EventLog"):
        jm.mine(tiny_frame())  # type: ignore[arg-type]
    with pytest.raises(jm.errors.ParameterError, match="'wait_weight' parameter of mine"):
        jm.mine(log, wait_weight=2)


def test_memory_limit_caps_the_engine_and_changes_no_answer(jmap: jm.JourneyMap) -> None:
    log = jm.read_log(tiny_frame(), memory_limit="256MB")
    con = log.table._find_backend().con
    assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == "244.1 MiB"
    capped = jm.mine(log, goal="C", horizon="1h")
    pd.testing.assert_frame_equal(capped.transitions, jmap.transitions)
    pd.testing.assert_frame_equal(capped.journeys, jmap.journeys)
    with pytest.raises(jm.errors.ParameterError, match="'memory_limit' parameter of read_log"):
        jm.read_log(tiny_frame(), memory_limit="lots")


@pytest.mark.parametrize("journey_column", [False, True])
def test_journeys_sharing_a_number_are_renumbered(journey_column: bool) -> None:
    """Journey ids are hashed to numbers; two ids with one number (odds of about 1e-7 per
    million journeys) are renumbered before anything is counted. Forced here by giving every
    staged event the same number; journeys are the customers, or named in their own column."""
    from journeymap.mining import ingest

    df = tiny_frame()
    if journey_column:
        df["journey_id"] = "J-" + df["customer_id"]
    log = jm.read_log(df)
    con = log.table._find_backend().con
    con.execute("UPDATE jm_stage SET jid = 7")
    journeys, customers, *_ = ingest._build_events(con, log.mapping, gap_s=None)
    assert (journeys, customers) == (6, 6)
    numbers = con.execute("SELECT count(DISTINCT jid), count(*) FROM jm_journeys").fetchall()
    assert numbers == [(6, 6)]
    renumbered = jm.mine(log, goal="C", horizon="1h")
    expected = jm.mine(jm.read_log(df), goal="C", horizon="1h")

    def paths(jmap: jm.JourneyMap) -> pd.Series:
        # variants tied on journeys and first start are numbered by the internal journey
        # number, which renumbering changes: each journey's path is what must not change
        return jmap.journeys["variant"].map(jmap.variants.set_index("variant")["path"])

    pd.testing.assert_series_equal(paths(renumbered), paths(expected))
    pd.testing.assert_frame_equal(
        renumbered.journeys.drop(columns="variant"), expected.journeys.drop(columns="variant")
    )
    pd.testing.assert_frame_equal(renumbered.transitions, expected.transitions)


@pytest.mark.parametrize("touchpoints", [12, 70])
def test_journey_counts_equal_pandas_below_and_above_64_touchpoints(touchpoints: int) -> None:
    """Journeys per step and per transition, and looping journeys, against a plain pandas
    count: up to 64 touchpoints they come from bit masks of next touchpoints, beyond from
    a grouping by journey and move."""
    rng = np.random.default_rng(touchpoints)
    n = 3000
    df = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in rng.integers(0, 300, n)],
            "touchpoint": [f"T{i:02d}" for i in rng.integers(0, touchpoints, n)],
            "timestamp": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.permutation(n), "min"),
        }
    )
    jmap = jm.mine(jm.read_log(df), horizon="1d")
    ordered = df.sort_values(["customer_id", "timestamp"])
    ordered["next"] = ordered.groupby("customer_id")["touchpoint"].shift(-1)
    moves = ordered.dropna(subset=["next"])
    want = moves.groupby(["touchpoint", "next"])["customer_id"].agg(["size", "nunique"])
    got = jmap.transitions.set_index(["source", "target"])[["count", "journeys"]]
    got.index.names = want.index.names
    want.columns = got.columns
    pd.testing.assert_frame_equal(got.sort_index(), want.sort_index())
    visits = ordered.groupby(["touchpoint", "customer_id"]).size()
    facts = jmap.meta["step_facts"].set_index("step")
    steps = visits.groupby(level=0).agg(journeys="size", loopers=lambda v: int((v > 1).sum()))
    assert facts.loc[steps.index, "journeys"].tolist() == steps["journeys"].tolist()
    assert facts.loc[steps.index, "loopers"].tolist() == steps["loopers"].tolist()
