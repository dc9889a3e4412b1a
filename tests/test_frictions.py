"""Friction detection: one hand-made log per kind with its finding computed by hand, the frictions
planted in the sample logs, and control logs that must stay quiet.

Every hand-made journey is a list of ``(touchpoint, minutes after its start[, channel])``; the
journeys start a day apart so none of them is open, and nothing else in the log is unusual.
"""

from __future__ import annotations

import doctest
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

import journeymap as jm
from journeymap.mining import frictions as frictions_module

ROOT = Path(__file__).resolve().parent.parent
Step = tuple  # (touchpoint, minutes[, channel])


def log_of(groups: Sequence[tuple[int, list[Step]]], **read: object) -> jm.EventLog:
    """``count`` copies of each journey, each in its own day of 2025."""
    rows = []
    day = 0
    for count, path in groups:
        for _ in range(count):
            start = pd.Timestamp("2025-01-01") + pd.Timedelta(days=day)
            for tp in path:
                rows.append(
                    {
                        "customer_id": f"c{day}",
                        "touchpoint": tp[0],
                        "timestamp": start + pd.Timedelta(minutes=tp[1]),
                        **({"channel": tp[2]} if len(tp) > 2 else {}),
                    }
                )
            day += 1
    return jm.read_log(pd.DataFrame(rows), **read)  # type: ignore[arg-type]


def only(jmap: jm.JourneyMap, kind: str) -> jm.Friction:
    found = [f for f in jmap.frictions if f.kind == kind]
    assert len(found) == 1, [(f.kind, f.steps) for f in jmap.frictions]
    return found[0]


def test_dropoff() -> None:
    S, F, P, D = ("S", 0), ("F", 1), ("P", 2), ("D", 3)
    log = log_of([(50, [S, F]), (20, [S]), (10, [S, F, P]), (120, [S, F, P, D])])
    jmap = jm.mine(log, goal="D", horizon="1m")
    f = only(jmap, "dropoff")
    assert [g.kind for g in jmap.frictions] == ["dropoff"]
    # reached before the goal: S 200, F 180, P 130; exits S 20, F 50, P 10
    assert f.steps == ("F",) and f.journeys == 50 and f.share == 50 / 200
    ev = f.evidence
    assert (ev["exits"], ev["reached"]) == (50, 180)
    assert ev["rate"] == pytest.approx(50 / 180)
    assert ev["baseline_rate"] == pytest.approx(30 / 330)
    # the 50 exits beyond the rate elsewhere, times the conversion of those who went on
    lost = (50 - 180 * 30 / 330) * 120 / 130
    assert ev["lost_conversions"] == pytest.approx(lost, abs=0.01)
    assert f.severity == pytest.approx(lost, abs=0.01)  # lost x 60 min / 60
    assert f.explanation == (
        "28% of the journeys that reach 'F' end there without reaching 'D' (9% at other "
        "steps): 50 journeys, about 31 lost conversions."
    )
    assert ev["q_value"] < 1e-6 and ev["p_value"] <= ev["q_value"]


def test_loop() -> None:
    S, X, X2, E = ("S", 0), ("X", 1), ("X", 3), ("E", 4)
    jmap = jm.mine(log_of([(30, [S, X, X2, E]), (70, [S, X, E])]), horizon="1m")
    f = only(jmap, "loop")
    assert len(jmap.frictions) == 1
    assert (f.steps, f.journeys) == (("X",), 30)
    ev = f.evidence
    assert (ev["extra_visits"], ev["rate"], ev["baseline_rate"]) == (30, 0.3, 0.0)
    assert ev["loop_median_s"] == 120.0
    assert (ev["active_minutes"], ev["wait_minutes"], ev["lost_conversions"]) == (2.0, 0.0, 0.0)
    assert f.severity == pytest.approx(30 * 2 / 60)
    assert math.isnan(ev["conversion_affected"])  # no goal, no conversions
    assert f.explanation == (
        "30% of the journeys that reach 'X' go through it again (0% at other steps): 30 extra "
        "visits, a median 2 min from the first to the last."
    )


def test_loop_with_goal_counts_lost_conversions() -> None:
    S, X, X2, D = ("S", 0), ("X", 1), ("X", 3), ("D", 4)
    log = log_of([(15, [S, X, X2]), (5, [S, X]), (15, [S, X, X2, D]), (65, [S, X, D])])
    f = only(jm.mine(log, goal="D", horizon="1m"), "loop")
    ev = f.evidence
    assert (ev["conversion_affected"], ev["conversion_others"]) == (0.5, 65 / 70)
    lost = (65 / 70 - 0.5) * 30
    assert ev["lost_conversions"] == pytest.approx(lost, abs=0.01)
    assert f.severity == pytest.approx(30 * 2 / 60 + lost, abs=0.01)
    assert "convert 43 points less (50% vs 93%)" in f.explanation


def test_ping_pong_absorbs_the_loops_it_causes() -> None:
    S, A1, B1, A2, B2, E = ("S", 0), ("A", 1), ("B", 2), ("A", 3), ("B", 4), ("E", 5)
    jmap = jm.mine(log_of([(40, [S, A1, B1, A2, B2, E]), (60, [S, A1, B1, E])]), horizon="1m")
    f = only(jmap, "ping_pong")
    assert len(jmap.frictions) == 1  # the loops on A and B are the same friction
    assert "loop A (40 journeys)" in f.evidence["absorbs"]
    assert "loop B (40 journeys)" in f.evidence["absorbs"]
    assert (f.steps, f.journeys) == (("A", "B"), 40)  # A -> B is the more frequent direction
    ev = f.evidence
    # moves A->B 140 and B->A 40; 40 + 40 of them are followed by the return; no other returns
    assert ev["return_rate"] == pytest.approx(80 / 180) and ev["baseline_rate"] == 0.0
    assert (ev["rate"], ev["moving_journeys"], ev["bounces"]) == (0.4, 100, 80)
    assert ev["bounce_median_s"] == 180.0  # from the first A to the last return to B
    # 2 bounces + the first move: 3 gaps of 1 min, all effort (each up to 30 min)
    assert (ev["active_minutes"], ev["wait_minutes"]) == (3.0, 0.0)
    assert f.severity == pytest.approx(40 * 3 / 60)
    assert f.explanation.startswith(
        "40% of the journeys that go between 'A' and 'B' bounce back and forth (40 journeys, "
        "2.0 returns each"
    )


def test_channel_switch() -> None:
    S, F = ("S", 0, "web"), ("F", 1, "web")
    call, P, E = ("Call", 11, "phone"), ("P", 21, "web"), ("E", 22, "web")
    jmap = jm.mine(
        log_of([(30, [S, F, call, P, E]), (70, [S, F, ("P", 2, "web"), ("E", 3, "web")])]),
        horizon="1m",
    )
    f = only(jmap, "channel_switch")
    assert len(jmap.frictions) == 1
    assert (f.steps, f.journeys) == (("F", "Call"), 30)
    ev = f.evidence
    assert (ev["from_channel"], ev["to_channel"]) == ("web", "phone")
    assert (ev["rate"], ev["baseline_rate"], ev["stay_rate"]) == (0.3, 0.0, 0.7)
    assert ev["detour_median_s"] == 20 * 60.0  # from F to the touchpoint after the call
    # two gaps (10 min to the call, 10 min at it), both under 30 min: effort
    assert (ev["active_minutes"], ev["wait_minutes"]) == (20.0, 0.0)
    assert f.severity == pytest.approx(30 * 20 / 60)
    assert f.explanation == (
        "30% of the customers who leave 'F' (web) turn to 'Call' (phone) next (0% after other "
        "steps): 30 journeys, a median detour of 20 min."
    )


def test_a_designed_hand_over_is_not_a_channel_switch() -> None:
    # everyone goes from the web form to the branch: no way forward on the web, so by design
    path = [("S", 0, "web"), ("F", 1, "web"), ("Branch visit", 60, "branch")]
    assert jm.mine(log_of([(100, path)]), horizon="1m").frictions == ()


def test_repeat_contact_across_journeys() -> None:
    day = 24 * 60
    rows = []
    for c in range(65):
        calls = [0, 2 * day] if c < 20 else ([0, 10 * day] if c < 25 else [0])
        for j, minute in enumerate(calls):
            start = pd.Timestamp("2025-01-01") + pd.Timedelta(days=40 * c, minutes=minute)
            for tp, channel, after in (("Call", "phone", 0), ("Email", "email", 30)):
                if tp == "Email" and j:
                    continue  # one email per customer: another contact reason, never repeated
                ts = start + pd.Timedelta(minutes=after)
                rows.append((f"c{c}", f"c{c}-{j}", tp, channel, ts))
    df = pd.DataFrame(rows, columns=["customer_id", "journey_id", "touchpoint", "channel", "ts"])
    jmap = jm.mine(jm.read_log(df, timestamp="ts"), horizon="1m", min_journeys=20)
    f = only(jmap, "repeat_contact")
    assert len(jmap.frictions) == 1  # each journey holds one call: no loop
    assert (f.steps, f.journeys) == (("Call",), 20)
    ev = f.evidence
    # 90 calls (20 customers call twice in 2 days, 5 twice 10 days apart), 20 repeats
    assert (ev["contacts"], ev["repeats"]) == (90, 20)
    assert ev["rate"] == pytest.approx(20 / 90) and ev["baseline_rate"] == 0.0
    assert ev["customer_rate"] == pytest.approx(20 / 65)
    assert ev["gap_median_s"] == 2 * 86400.0
    # effort: 1 repeated call each, the call's median dwell (30 min to the email, up to 30);
    # waiting: the issue stays open 2 days between the calls, weighed 1/240 (12 min)
    assert (ev["active_minutes"], ev["wait_minutes"]) == (30.0, 2 * 24 * 60.0)
    assert ev["wait_weight"] == pytest.approx(1 / 240)
    assert f.severity == pytest.approx(20 * (30 + 2 * 24 * 60 / 240) / 60)  # 14
    assert f.explanation == (
        "31% of the customers who make 'Call' come back for the same reason within 7 days "
        "(20 repeat contacts, 22% of its contacts against 0% for other contacts), a median "
        "2 days later."
    )
    one_day = jm.mine(
        jm.read_log(df, timestamp="ts"), horizon="1m", min_journeys=20, repeat_window="1d"
    )
    assert one_day.frictions == ()


def test_repeat_contact_counts_each_customer_once() -> None:
    # c0 calls on days 0, 1, 2 (two repeats), c1 on days 0 and 3 (one), c2 once
    rows = []
    for customer, days in (("c0", [0, 1, 2]), ("c1", [0, 3]), ("c2", [0])):
        for j, day in enumerate(days):
            ts = pd.Timestamp("2025-01-01") + pd.Timedelta(days=day)
            rows.append((customer, f"{customer}-{j}", "Call", "phone", ts))
            rows.append((customer, f"{customer}-{j}", "Web", "web", ts + pd.Timedelta(minutes=5)))
    df = pd.DataFrame(rows, columns=["customer_id", "journey_id", "touchpoint", "channel", "ts"])
    contacts = jm.mine(jm.read_log(df, timestamp="ts"), horizon="1m").meta["contacts"]
    row = contacts.iloc[0]
    assert (row.contacts, row.customers, row.repeats, row.repeat_customers) == (6, 3, 3, 2)
    assert row.gap_total_s == (1 + 1 + 3) * 86400.0


def test_unnecessary_step() -> None:
    S, U, D = ("S", 0), ("U", 1), ("D", 4)
    log = log_of(
        [
            (800, [S, U, ("F", 3)]),
            (800, [S, ("F", 1)]),
            (1200, [S, U, ("F", 3), D]),
            (1200, [S, ("F", 1), ("D", 2)]),
        ]
    )
    jmap = jm.mine(log, goal="D", horizon="1m")
    f = only(jmap, "unnecessary_step")
    assert {g.kind for g in jmap.frictions} == {"unnecessary_step", "dropoff"}  # F loses 40%
    assert (f.steps, f.journeys) == (("U",), 2000)
    ev = f.evidence
    assert (ev["conversion_affected"], ev["conversion_others"], ev["conversion_lift"]) == (
        0.6,
        0.6,
        0.0,
    )
    assert ev["median_dwell_s"] == 120.0
    assert (ev["active_minutes"], ev["wait_minutes"]) == (2.0, 0.0)
    assert ev["p_value"] == pytest.approx(0.000624, abs=1e-6)  # z = -0.05 / 0.01549
    assert f.severity == pytest.approx(2000 * 2 / 60)
    assert f.explanation == (
        "Journeys through 'U' reach 'D' no more often than journeys without it (60% vs 60%), "
        "yet it takes them a median 2 min (2,000 journeys)."
    )


def test_slow_transition() -> None:
    A, E = ("A", 0), ("E", 8 * 24 * 60 + 1)
    log = log_of([(120, [A, ("B", 60), ("E", 61)]), (80, [A, ("B", 8 * 24 * 60), E])])
    jmap = jm.mine(log, horizon="1m")
    f = only(jmap, "slow_transition")
    assert len(jmap.frictions) == 1
    assert (f.steps, f.journeys) == (("A", "B"), 80)
    ev = f.evidence
    assert (ev["rate"], ev["usual_wait_s"], ev["slow_wait_s"]) == (0.4, 3600.0, 8 * 86400.0)
    # the customer waits: no effort, 11,460 waiting minutes weighed 1/240 (47.75 min each)
    assert (ev["active_minutes"], ev["wait_minutes"]) == (0.0, pytest.approx(8 * 24 * 60 - 60))
    assert f.severity == pytest.approx(80 * (8 * 24 * 60 - 60) / 240 / 60)  # 63.67
    assert ev["p_value"] == pytest.approx(0.5**80)  # nothing in the dip, 80 in the smaller peak
    assert f.explanation == (
        "40% of the moves from 'A' to 'B' wait a median 8 days instead of the usual 1 h "
        "(80 journeys)."
    )


def test_the_same_minutes_rank_lower_as_waiting_than_as_effort() -> None:
    # X: one repeat 3 h later, a single gap: 30 min of effort (a session) and 150 min waiting.
    # Y: six repeats 30 min apart: the same 180 min, six gaps of effort.
    S, E = ("S", 0), ("E", 182)
    x_loop = [S, ("X", 1), ("X", 181), E]
    y_loop = [S, *(("Y", 1 + 30 * i) for i in range(7)), E]
    jmap = jm.mine(
        log_of([(30, x_loop), (30, y_loop), (140, [S, ("X", 1), ("Y", 2), ("E", 3)])]),
        horizon="1m",
    )
    assert [(f.kind, f.steps) for f in jmap.frictions] == [("loop", ("Y",)), ("loop", ("X",))]
    y, x = jmap.frictions
    assert y.evidence["loop_median_s"] == x.evidence["loop_median_s"] == 180 * 60.0
    assert (y.evidence["active_minutes"], y.evidence["wait_minutes"]) == (180.0, 0.0)
    assert (x.evidence["active_minutes"], x.evidence["wait_minutes"]) == (30.0, 150.0)
    assert y.severity == pytest.approx(30 * 180 / 60)  # 90
    assert x.severity == pytest.approx(30 * (30 + 150 / 240) / 60)  # 15.31
    # on the scale itself: 10 journeys x 60 min is 10 h as effort, 2.5 min as waiting
    assert jm.severity_score(journeys=10, active_minutes=60) == 10.0
    assert jm.severity_score(journeys=10, wait_minutes=60) == pytest.approx(2.5 / 60, abs=1e-6)
    assert jm.severity_score(journeys=10, wait_minutes=60, wait_weight=1) == 10.0


def test_nights_and_weekends_are_not_slow_transitions() -> None:
    # one hour, or the next morning: a dip, but no more than a weekend apart
    log = log_of([(120, [("A", 0), ("B", 60)]), (80, [("A", 0), ("B", 16 * 60)])])
    assert jm.mine(log, horizon="1m").frictions == ()


def test_thin_evidence_is_not_reported() -> None:
    S, X, X2, E = ("S", 0), ("X", 1), ("X", 3), ("E", 4)
    log = log_of([(30, [S, X, X2, E]), (70, [S, X, E])])
    assert jm.mine(log, horizon="1m", min_journeys=31).frictions == ()
    # two loops in ten journeys pass the support but not the test (Fisher p = 45/435)
    small = log_of([(2, [S, X, X2, E]), (8, [S, X, E])])
    assert jm.mine(small, horizon="1m", min_journeys=2).frictions == ()


def test_frictions_frame_columns() -> None:
    S, X, X2, E = ("S", 0), ("X", 1), ("X", 3), ("E", 4)
    frame = jm.mine(log_of([(30, [S, X, X2, E]), (70, [S, X, E])]), horizon="1m").frictions_frame()
    required = ["rank", "kind", "steps", "journeys", "share", "severity", "explanation"]
    assert frame.columns[: len(required) + 2].tolist()[:3] == required[:3]
    evidence = {"p_value", "q_value", "active_minutes", "wait_minutes", "lost_conversions"}
    assert {*required, "suggestion", "wait_weight", *evidence} <= set(frame)
    row = frame.loc[0]  # the severity can be recomputed from the row alone
    minutes = row["active_minutes"] + row["wait_weight"] * row["wait_minutes"]
    assert row["severity"] == pytest.approx(
        (row["journeys"] * minutes + row["lost_conversions"] * 60) / 60
    )
    assert frame.loc[0, "steps"] == ["X"] and frame.loc[0, "rank"] == 1


def test_frictions_module_docstring_names_every_kind() -> None:
    doc = frictions_module.__doc__ or ""
    for kind in jm.KINDS:
        if kind != "deviation":
            assert f"``{kind}``" in doc
    assert doctest.testmod(frictions_module).failed == 0


# --------------------------------------------------------------------------------------------
# the sample logs: what was planted is found, near the top, and little else; controls stay quiet

LOW_SEVERITY = 10.0  # customer-hours: "no finding above a low severity" in a control log


def _planted(spec: object) -> list[tuple[str, frozenset[str]]]:
    return [(p.kind, frozenset(p.steps)) for p in spec.planted if p.kind != "deviation"]  # type: ignore[attr-defined]


def _matches(f: jm.Friction, planted: list[tuple[str, frozenset[str]]]) -> bool:
    return (f.kind, frozenset(f.steps)) in planted


@pytest.mark.parametrize("name", ["online_shop", "telecom_support", "bank_onboarding"])
def test_planted_frictions_are_found_in_the_sample_logs(name: str) -> None:
    samples = pytest.importorskip("journeymap.samples")
    path = ROOT / "sample_logs" / f"{name}.csv"
    if not path.exists():
        pytest.skip(f"{path} is not there yet")
    spec = samples.SAMPLES[name]
    jmap = jm.mine(jm.read_log(path, journey="journey_id", case="customer_id"), goal=spec.goal)
    planted = _planted(spec)
    top = jmap.frictions[: len(planted) + 2]
    for kind, steps in planted:
        assert any(_matches(f, [(kind, steps)]) for f in top), (kind, sorted(steps))
    hits = sum(_matches(f, planted) for f in top)
    assert hits / len(top) >= 0.8, [(f.kind, f.steps) for f in top]
    assert all(f.explanation and f.suggestion for f in jmap.frictions)


@pytest.mark.parametrize("name", ["online_shop", "telecom_support", "bank_onboarding"])
def test_control_logs_yield_no_friction_of_note(name: str) -> None:
    samples = pytest.importorskip("journeymap.samples")
    spec = samples.SAMPLES[name]
    control = samples.generate(name, frictions=False)
    jmap = jm.mine(jm.read_log(control, journey="journey_id", case="customer_id"), goal=spec.goal)
    loud = [(f.kind, f.steps, f.severity) for f in jmap.frictions if f.severity >= LOW_SEVERITY]
    assert loud == []


def test_cli_mine_writes_frictions_and_prints_the_top_ones(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from journeymap.cli import app
    from journeymap.render.export import load_mined

    S, X, X2, E = ("S", 0), ("X", 1), ("X", 3), ("E", 4)
    log = log_of([(30, [S, X, X2, E]), (70, [S, X, E])])
    path = tmp_path / "loops.csv"
    log.to_pandas().rename(columns={"customer": "customer_id", "ts": "timestamp"})[
        ["customer_id", "touchpoint", "timestamp"]
    ].to_csv(path, index=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["mine", str(path), "--out", str(out), "--horizon", "1m"])
    assert result.exit_code == 0, result.output
    assert "Top 1 of 1 frictions" in result.output
    assert "30% of the journeys that reach 'X' go through it again" in result.output
    frame = pd.read_csv(out / "frictions.csv")
    assert frame.loc[0, "kind"] == "loop" and frame.loc[0, "steps"] == "X"
    again = load_mined(out)
    assert [(f.kind, f.steps, f.journeys) for f in again.frictions] == [("loop", ("X",), 30)]


def test_tests_agree_with_scipy_stats() -> None:
    from scipy import stats

    from journeymap.mining import friction_stats as fs

    for k1, n1, k2, n2 in [
        (8, 10, 2, 10),
        (50, 180, 30, 330),
        (3, 20, 0, 40),
        (120, 900, 4e3, 9e4),
        (31_000, 100_000, 280_000, 1_000_000),  # a log of a million journeys
        (9, 1_000_000, 0, 50),
    ]:
        table = [[int(k1), int(n1 - k1)], [int(k2), int(n2 - k2)]]
        greater = stats.fisher_exact(table, alternative="greater").pvalue
        assert fs.fisher_greater(k1, n1, k2, n2) == pytest.approx(greater, rel=1e-9)
        assert fs.fisher_two_sided(k1, n1, k2, n2) == pytest.approx(
            stats.fisher_exact(table).pvalue, rel=1e-9
        )
    p = [0.01, 0.04, 0.03, 0.2, 0.0001]
    assert fs.benjamini_hochberg(p) == pytest.approx(list(stats.false_discovery_control(p)))
    assert fs.binomial_cdf([0, 3], [80, 10]) == pytest.approx(
        stats.binom.cdf([0, 3], [80, 10], 0.5)
    )
    assert doctest.testmod(fs).failed == 0
