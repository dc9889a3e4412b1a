"""Effort and drop-off scores on a tiny log whose answers were computed by hand.

The log (minutes after 2025-03-01 00:00, channel in brackets; goal C; horizon 1 min):

    j1  A 0 [web], B 10 [web], A 20 [web], C 30 [phone]     converted
    j2  A 0 [web], A 5 [web], B 15 [app]                    dropped at B
    j3  A 0 [web], C 60 [phone]                             converted (ends the log)
    j4  B 0 [app], B 1 [app], B 2 [app]                     dropped at B

Waits between consecutive touchpoints: 600 600 300 600 3600 (from A), 600 60 60 (from B);
their median, the usual wait T, is 600 s. Designed effort: web and app 0.2, phone 0.8.
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest

import journeymap as jm
from journeymap.mining import scores

ROWS = [
    ("j1", "A", 0, "web"), ("j1", "B", 10, "web"), ("j1", "A", 20, "web"), ("j1", "C", 30, "phone"),
    ("j2", "A", 0, "web"), ("j2", "A", 5, "web"), ("j2", "B", 15, "app"),
    ("j3", "A", 0, "web"), ("j3", "C", 60, "phone"),
    ("j4", "B", 0, "app"), ("j4", "B", 1, "app"), ("j4", "B", 2, "app"),
]  # fmt: skip


def frame(ces: dict[tuple[str, str], float] | None = None) -> pd.DataFrame:
    t0 = pd.Timestamp("2025-03-01")
    df = pd.DataFrame(
        {
            "customer_id": [r[0] for r in ROWS],
            "touchpoint": [r[1] for r in ROWS],
            "timestamp": [t0 + pd.Timedelta(minutes=r[2]) for r in ROWS],
            "channel": [r[3] for r in ROWS],
        }
    )
    if ces is not None:
        df["ces"] = [ces.get((r[0], r[1]), np.nan) for r in ROWS]
    return df


@pytest.fixture(scope="module")
def jmap() -> jm.JourneyMap:
    return jm.mine(jm.read_log(frame()), goal="C", horizon="1m")


def step(jmap: jm.JourneyMap, name: str) -> pd.Series:
    return jmap.steps.set_index("step").loc[name]


def test_step_effort_facts(jmap: jm.JourneyMap) -> None:
    a, b, c = (step(jmap, s) for s in "ABC")
    # repeats = visits - journeys; backtracks = repeats that are not A -> A
    assert (a.repeats, a.backtracks, b.repeats, b.backtracks) == (2, 1, 2, 0)
    assert a.repeats_per_journey == pytest.approx(2 / 3)
    # channel switches into the step, over arrivals (visits that do not start a journey)
    assert (a.channel_switches, b.channel_switches, c.channel_switches) == (0, 1, 2)
    assert b.channel_switch_rate == pytest.approx(1 / 4)
    assert c.channel_switch_rate == 1.0
    assert (a.designed_effort, b.designed_effort, c.designed_effort) == (0.2, 0.2, 0.8)


def test_step_effort_score_and_components(jmap: jm.JourneyMap) -> None:
    a, b, c = (step(jmap, s) for s in "ABC")
    # five components (no survey), weight 1 each: 100 / 5 = 20 points per unit
    assert a.effort_time == pytest.approx(20 * 600 / (600 + 600))
    assert a.effort_repeats == pytest.approx(20 * (2 / 3) / (2 / 3 + 0.5))
    assert a.effort_backtracks == pytest.approx(20 * (1 / 3) / (1 / 3 + 0.5))
    assert a.effort_channel_switches == 0.0
    assert a.effort_designed == pytest.approx(20 * 0.2)
    assert math.isnan(a.effort_survey)
    assert a.effort_score == pytest.approx(20 * (0.5 + 4 / 7 + 0.4 + 0.0 + 0.2))
    assert b.effort_score == pytest.approx(20 * (60 / 660 + 4 / 7 + 0.0 + 0.25 + 0.2))
    assert c.effort_score == pytest.approx(20 * (0.0 + 0.0 + 0.0 + 1.0 + 0.8))
    parts = [f"effort_{k}" for k in scores.COMPONENTS]
    assert jmap.steps[parts].fillna(0).sum(axis=1).to_numpy() == pytest.approx(
        jmap.steps["effort_score"].to_numpy()
    )


def test_dropoff_and_conversion_columns(jmap: jm.JourneyMap) -> None:
    a, b, c = (step(jmap, s) for s in "ABC")
    assert b.dropoff_score == pytest.approx(100 * 2 / 3)  # j2, j4 end at B; j1 passes it
    assert b.dropoff_share == 1.0  # both dropped journeys end at B
    assert a.dropoff_score == 0.0
    assert (b.conversion_with, b.conversion_without) == (pytest.approx(1 / 3), 1.0)
    assert b.conversion_lift == pytest.approx(1 / 3 - 1)
    assert a.conversion_with == pytest.approx(2 / 3) and a.conversion_without == 0.0
    assert c.conversion_with == 1.0 and c.conversion_without == 0.0


def test_journey_scores(jmap: jm.JourneyMap) -> None:
    j = jmap.journeys.set_index("journey")
    assert j["repeats"].to_dict() == {"j1": 1, "j2": 1, "j3": 0, "j4": 2}
    assert j["backtracks"].to_dict() == {"j1": 1, "j2": 0, "j3": 0, "j4": 0}
    assert j["channel_switches"].to_dict() == {"j1": 1, "j2": 1, "j3": 1, "j4": 0}
    # durations 1800 900 3600 120: median 1350 s; counts n score n / (n + 1)
    assert j.loc["j1", "effort_score"] == pytest.approx(
        20 * (1800 / 3150 + 0.5 + 0.5 + 0.5 + (0.2 * 3 + 0.8) / 4)
    )
    assert j.loc["j4", "effort_score"] == pytest.approx(20 * (120 / 1470 + 2 / 3 + 0 + 0 + 0.2))
    assert list(j.columns[-7:]) == ["effort_score"] + [f"effort_{k}" for k in scores.COMPONENTS]


def test_survey_effort_counts_double() -> None:
    df = frame(ces={("j1", "C"): 6, ("j3", "C"): 2})  # a 6 means a 1-7 scale
    jmap = jm.mine(jm.read_log(df), goal="C", horizon="1m")
    c = step(jmap, "C")
    assert (c.ces_mean, c.ces_responses) == (4.0, 2)
    # survey component (4 - 1) / (7 - 1) = 0.5 with weight 2: 100 / 7 points per unit
    assert c.effort_survey == pytest.approx(100 / 7 * 2 * 0.5)
    assert c.effort_score == pytest.approx(100 / 7 * (1.0 + 0.8 + 1.0))
    assert step(jmap, "A").effort_score == pytest.approx(20 * (0.5 + 4 / 7 + 0.4 + 0.2))
    assert "ces_mean" in jmap.journeys.columns
    easy = jm.mine(
        jm.read_log(df),
        goal="C",
        horizon="1m",
        effort_weights=jm.EffortWeights(ces_higher_is_easier=True, ces_scale=(1, 5)),
    )
    assert step(easy, "C").effort_survey == pytest.approx(100 / 7 * 2 * (1 - 3 / 4))


def test_weights_and_designed_effort_are_parameters() -> None:
    weights = jm.EffortWeights(time=0, repeats=0, backtracks=0, touchpoints={"C": 0.1})
    jmap = jm.mine(jm.read_log(frame()), goal="C", horizon="1m", effort_weights=weights)
    c = step(jmap, "C")
    assert c.designed_effort == pytest.approx(0.1)  # the touchpoint weight wins
    assert c.effort_score == pytest.approx(50 * (1.0 + 0.1))  # switches and designed only
    assert jm.EffortWeights(channels={"Phone": 0.5}).channel_effort("phone") == 0.5
    assert jm.EffortWeights().channel_effort("Call centre") == 0.8
    assert jm.EffortWeights().channel_effort("carrier pigeon") == 0.5
    same = jm.EffortWeights(channels={"x": 0.1}), jm.EffortWeights(channels={"x": 0.1})
    assert same[0] == same[1] and hash(same[0]) == hash(same[1])  # usable as a cache key


def test_a_journeys_designed_effort_follows_its_own_events_channels() -> None:
    # A is visited on the web (0.2) and by phone (0.8); B by phone only
    df = pd.DataFrame(
        {
            "customer_id": ["j1", "j1", "j2"],
            "touchpoint": ["A", "B", "A"],
            "timestamp": pd.to_datetime(
                ["2025-03-01 10:00", "2025-03-01 10:05", "2025-03-01 09:00"]
            ),
            "channel": ["web", "phone", "phone"],
        }
    )
    log = jm.read_log(df)
    jmap = jm.mine(log, horizon="1m")
    effort = jmap.journeys.set_index("journey")["designed_effort"]
    # the mean of each journey's events: j1 (0.2 + 0.8) / 2, j2 0.8; the step A, over its
    # visits on both channels, (0.2 + 0.8) / 2
    assert effort.to_dict() == pytest.approx({"j1": 0.5, "j2": 0.8})
    assert step(jmap, "A").designed_effort == pytest.approx(0.5)
    # a touchpoint weight wins over its events' channels
    own = jm.mine(log, horizon="1m", effort_weights=jm.EffortWeights(touchpoints={"B": 0.1}))
    assert own.journeys.set_index("journey")["designed_effort"]["j1"] == pytest.approx(0.15)
    # and a journey's figure does not depend on the other journeys of the log
    web = jm.mine(jm.filter_log(log, channels=["web"]), horizon="1m")
    assert web.journeys.set_index("journey")["designed_effort"].to_dict() == {"j1": 0.5}


def test_without_goal_no_dropoff_figures() -> None:
    jmap = jm.mine(jm.read_log(frame()), horizon="1m")
    for col in ("dropoff_score", "dropoff_share", "conversion_with", "conversion_lift"):
        assert jmap.steps[col].isna().all()
    assert jmap.steps["effort_score"].notna().all()


def test_without_channels_designed_effort_is_left_out() -> None:
    jmap = jm.mine(jm.read_log(frame().drop(columns="channel")), goal="C", horizon="1m")
    a = step(jmap, "A")
    assert math.isnan(a.effort_designed) and a.channel_switches == 0
    # four components: 25 points per unit
    assert a.effort_score == pytest.approx(25 * (0.5 + 4 / 7 + 0.4))


def test_many_touchpoints_count_repeats_without_bit_masks() -> None:
    # 70 touchpoints do not fit the 64-bit mask: the per-journey count takes the other path
    names = [f"T{i:02d}" for i in range(70)]
    path = [*names, "T05", "T06", "T05"]
    df = pd.DataFrame(
        {
            "customer_id": "c",
            "touchpoint": path,
            "timestamp": pd.date_range("2025-01-01", periods=len(path), freq="min"),
        }
    )
    j = jm.mine(jm.read_log(df)).journeys.iloc[0]
    assert (j.repeats, j.backtracks) == (3, 3)


def test_parameters_are_checked() -> None:
    log = jm.read_log(frame())
    with pytest.raises(jm.errors.ParameterError, match="'time' parameter of EffortWeights"):
        jm.EffortWeights(time=-1)
    with pytest.raises(jm.errors.ParameterError, match="at least one positive weight"):
        jm.EffortWeights(**dict.fromkeys(scores.COMPONENTS, 0))
    with pytest.raises(jm.errors.ParameterError, match="'channels' parameter of EffortWeights"):
        jm.EffortWeights(channels={"web": 2})
    with pytest.raises(jm.errors.ParameterError, match="'effort_weights' parameter of mine"):
        jm.mine(log, effort_weights={"time": 1})  # type: ignore[arg-type]
    with pytest.raises(jm.errors.ParameterError, match="'alpha' parameter of mine"):
        jm.mine(log, alpha=1.5)
    with pytest.raises(jm.errors.ParameterError, match="'min_journeys' parameter of mine"):
        jm.mine(log, min_journeys=0)
    with pytest.raises(jm.errors.ParameterError, match="'repeat_window' parameter of mine"):
        jm.mine(log, repeat_window="soon")
    with pytest.raises(jm.errors.ParameterError, match="'contact_channels' parameter of mine"):
        jm.mine(log, contact_channels="phone")
    with pytest.raises(jm.errors.ParameterError, match="'slow_factor' parameter of mine"):
        jm.mine(log, slow_factor=1)


def test_docstring_examples() -> None:
    for module in (scores,):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0 and result.attempted > 0
