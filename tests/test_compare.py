"""``JourneyMap.compare`` on a tiny log whose every figure was computed by hand, then on the
sample logs (every planted deviation found at its rate) and on a real log against pm4py.

The target: stage S1 = A (web), B (optional); stage S2 = C (web, max_wait 1h, alias C2), D.
Goal D. Designed steps k: A=0, B=1, C=2, D=3; required steps: A, C, D (3).

The log (journey n starts at hour n - 1 of 2025-03-01, j10 at 23:00; 5 minutes between
events unless said; all web unless said; horizon 1 min, so only j10, which ends the log, is
open):

    j1  A B C D          fits                           converted
    j2  A C D            B skipped (optional)           converted
    j3  A X C D          X is not in the design         converted
    j4  A D              C skipped                      converted
    j5  C A D            C before A (out of order)      converted
    j6  A C2(phone) C D  C repeated; C on phone once    converted
    j7  A B              stops before C                 dropped
    j8  A C --2h-- D     waits 2 h after C (> 1 h)       converted
    j9  X                nothing designed               dropped
    j10 A                still going                    open

By hand (designed steps only; X dropped from the sequences):

- should pass (passed it or a later step): A 9 (all but j9), B 8, C 7, D 7;
  passed: A 9, B 2 (j1, j7), C 6 (j1 j2 j3 j5 j6 j8), D 7.
- skipped_rate: A 0/9, C 1/7 (j4), D 0/7; B optional: NaN (taken_rate 2/8).
- repeated_rate C 1/6 (j6); out_of_order_rate C 1/6 (j5), A 0/9;
  channel_mismatch_rate C 1/6 (j6), A 0/9; over_max_wait_rate C 1/6 (j8 of the six that go on).
- median wait after C: visits followed by an event wait 5,5,5,5,5,5,120 min -> 300 s.
- alignment deviations / (events + 3 required steps) per journey:
  j1 0/7, j2 0/6, j3 1/7, j4 1/5, j5 2/6, j6 1/7, j7 2/5, j8 0/6, j9 4/4, j10 2/4;
  log fitness = 1 - 13/57.
- transitions: 37 in all (10 from START, 17 between events, 10 to END), 26 of them designed:
  START->A 8, A->B 2, A->C 3, B->C 1, C->D 5, D->END 7.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pandas as pd
import pytest

import journeymap as jm
from journeymap.errors import ParameterError, TargetError, TargetWarning

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT.parent / "shared" / "datasets"

TARGET = """\
name: Tiny
goal: D
stages:
  - name: S1
    steps:
      - {touchpoint: A, channel: web}
      - {touchpoint: B, optional: true}
  - name: S2
    steps:
      - {touchpoint: C, channel: web, max_wait: 1h, aliases: [C2]}
      - D
"""

JOURNEYS = {
    "j1": "A B C D",
    "j2": "A C D",
    "j3": "A X C D",
    "j4": "A D",
    "j5": "C A D",
    "j6": "A C2 C D",
    "j7": "A B",
    "j8": "A C D",
    "j9": "X",
    "j10": "A",
}


def tiny_frame() -> pd.DataFrame:
    rows = []
    for hour, (journey, path) in enumerate(JOURNEYS.items()):
        t = pd.Timestamp("2025-03-01") + pd.Timedelta(hours=23 if journey == "j10" else hour)
        for step in path.split():
            rows.append((journey, step, t.strftime("%Y-%m-%d %H:%M:%S")))
            t += pd.Timedelta(minutes=120 if (journey, step) == ("j8", "C") else 5)
    df = pd.DataFrame(rows, columns=["customer_id", "touchpoint", "timestamp"])
    df["channel"] = ["phone" if t == "C2" else "web" for t in df["touchpoint"]]
    return df


@pytest.fixture(scope="module")
def target() -> jm.TargetJourney:
    return jm.TargetJourney.from_yaml(TARGET)


@pytest.fixture(scope="module")
def jmap() -> jm.JourneyMap:
    return jm.mine(jm.read_log(tiny_frame()), goal="D", horizon="1m")


@pytest.fixture(scope="module")
def cmp(jmap: jm.JourneyMap, target: jm.TargetJourney) -> jm.Comparison:
    return jmap.compare(target)


def step(cmp: jm.Comparison, name: str) -> pd.Series:
    return cmp.steps.set_index("step").loc[name]


def test_outcomes_are_as_planned(jmap: jm.JourneyMap) -> None:
    outcome = jmap.journeys.set_index("journey")["outcome"]
    assert list(outcome[outcome != "converted"].sort_index().items()) == [
        ("j10", "open"), ("j7", "dropped"), ("j9", "dropped"),
    ]  # fmt: skip


def test_should_pass_passed_and_skipped(cmp: jm.Comparison) -> None:
    s = cmp.steps.set_index("step")
    assert s["should_pass"].to_dict() == {"A": 9, "B": 8, "C": 7, "D": 7}
    assert s["passed"].to_dict() == {"A": 9, "B": 2, "C": 6, "D": 7}
    assert step(cmp, "A").skipped_rate == 0.0
    assert step(cmp, "C").skipped_rate == pytest.approx(1 / 7)
    assert step(cmp, "D").skipped_rate == 0.0
    assert math.isnan(step(cmp, "B").skipped_rate)  # optional: skipping it is by design
    assert step(cmp, "B").taken_rate == pytest.approx(2 / 8)
    assert s["stage"].to_dict() == {"A": "S1", "B": "S1", "C": "S2", "D": "S2"}


def test_repeated_out_of_order_channel_and_wait(cmp: jm.Comparison) -> None:
    c = step(cmp, "C")
    assert c.repeated_rate == pytest.approx(1 / 6)
    assert c.out_of_order_rate == pytest.approx(1 / 6)
    assert c.channel_mismatch_rate == pytest.approx(1 / 6)
    assert c.over_max_wait_rate == pytest.approx(1 / 6)
    assert (c.median_wait_s, c.max_wait_s) == (300.0, 3600.0)
    a = step(cmp, "A")
    assert (a.repeated_rate, a.out_of_order_rate, a.channel_mismatch_rate) == (0.0, 0.0, 0.0)
    assert math.isnan(step(cmp, "D").channel_mismatch_rate)  # no designed channel
    assert math.isnan(a.over_max_wait_rate)  # no designed wait


def test_conversion_of_those_who_skip_and_follow(cmp: jm.Comparison) -> None:
    b = step(cmp, "B")  # followed: j1 (converted), j7 (dropped); skipped: 6 journeys, converted
    assert (b.conversion_followed, b.conversion_skipped) == (0.5, 1.0)
    c = step(cmp, "C")  # followed: 6 converted; skipped: j4, converted
    assert (c.conversion_followed, c.conversion_skipped) == (1.0, 1.0)


def test_fitness_per_journey_and_overall(cmp: jm.Comparison) -> None:
    fitness = cmp.journeys.set_index("journey")["fitness"].to_dict()
    expected = {
        "j1": 1.0, "j2": 1.0, "j3": 6 / 7, "j4": 4 / 5, "j5": 4 / 6,
        "j6": 6 / 7, "j7": 3 / 5, "j8": 1.0, "j9": 0.0, "j10": 2 / 4,
    }  # fmt: skip
    assert fitness == pytest.approx(expected)
    assert cmp.fitness == pytest.approx(1 - 13 / 57)
    assert cmp.mean_journey_fitness == pytest.approx(sum(expected.values()) / 10)
    assert cmp.covered_share == 1.0 and cmp.aligned_variants == cmp.variant_count == 7


def test_fitness_equals_pm4py_on_the_same_model(
    cmp: jm.Comparison, target: jm.TargetJourney
) -> None:
    import pm4py

    df = tiny_frame().replace({"touchpoint": {"C2": "C"}})  # aliases mapped, as compare does
    df["timestamp"] = pd.to_datetime(df["timestamp"])
    net, im, fm = target.to_petri_net()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pm4py.fitness_alignments(
            df, net, im, fm, case_id_key="customer_id", activity_key="touchpoint",
            timestamp_key="timestamp",
        )  # fmt: skip
    # pm4py's log fitness also counts each silent (tau) move as 1/10,000 of a move
    assert cmp.fitness == pytest.approx(ref["log_fitness"], abs=1e-4)
    assert cmp.mean_journey_fitness == pytest.approx(ref["average_trace_fitness"])


def test_journey_table_counts(cmp: jm.Comparison) -> None:
    j = cmp.journeys.set_index("journey")
    assert j.loc["j3", ["events", "target_events", "extra_events"]].tolist() == [4, 3, 1]
    assert j.loc["j4", "skipped_steps"] == 1 and j.loc["j2", "skipped_steps"] == 0  # B optional
    assert j.loc["j5", "out_of_order_steps"] == 1 and j.loc["j6", "repeated_steps"] == 1
    assert j.loc["j6", "channel_mismatches"] == 1 and j.loc["j8", "slow_waits"] == 1
    assert j["aligned"].all()
    v = cmp.variants.set_index("variant")
    assert v.loc[j.loc["j2", "variant"], "path"] == ("A", "C", "D")
    assert v.loc[j.loc["j2", "variant"], "journeys"] == 3  # j2, j3 and j8 (X is not designed)
    assert v.loc[j.loc["j5", "variant"], "moves"] == "+C → A → −C → D"


def test_edges_label_every_transition(cmp: jm.Comparison) -> None:
    e = cmp.edges.set_index(["source", "target"])
    assert e["count"].sum() == 37
    designed = e[e["status"] == "designed-and-taken"]["count"].to_dict()
    assert designed == {
        (jm.START, "A"): 8, ("A", "B"): 2, ("A", "C"): 3, ("B", "C"): 1,
        ("C", "D"): 5, ("D", jm.END): 7,
    }  # fmt: skip
    assert e.loc[("C", "C"), "status"] == "taken-not-designed"  # C2 -> C after mapping
    assert e.loc[("A", "D"), ["status", "count", "journeys"]].tolist() == [
        "taken-not-designed", 2, 2,
    ]  # fmt: skip
    assert cmp.dfg_fitness == pytest.approx(26 / 37)


def test_designed_but_not_taken_edges(jmap: jm.JourneyMap) -> None:
    target = jm.TargetJourney.from_dict(
        {"name": "T", "stages": [{"name": "S", "steps": ["A", {"touchpoint": "B",
         "optional": True}, "D"]}]}
    )  # fmt: skip
    edges = jmap.compare(target, method="dfg").edges
    not_taken = edges[edges["status"] == "designed-not-taken"]
    assert list(zip(not_taken["source"], not_taken["target"], strict=True)) == [("B", "D")]


def test_extra_touchpoints(cmp: jm.Comparison) -> None:
    x = cmp.extra.set_index("touchpoint").loc["X"]
    assert (x.journeys, x.share) == (2, 0.2)
    assert x.after_step == jm.START  # j9 starts with X, j3 has it after A: the tie goes first
    assert x.conversion_with == 0.5  # j3 converted, j9 dropped
    assert x.conversion_without == pytest.approx(6 / 7)  # the 7 closed journeys without X
    assert x.median_dwell_s == 300.0 and not x.helps


def test_frictions_name_each_deviation(cmp: jm.Comparison) -> None:
    found = {(f.kind, f.steps) for f in cmp.frictions}
    assert found == {
        ("slow_transition", ("C",)),
        ("unnecessary_step", ("X",)),
        ("deviation", ("C",)),  # skipped by j4 and on phone in j6
        ("deviation", ("C", "A")),  # done before A in j5
    }
    assert not any("B" in f.steps for f in cmp.frictions)  # optional, skipped by design
    extra = cmp.frictions[0]
    assert (extra.kind, extra.rank) == ("unnecessary_step", 1)
    assert extra.severity == pytest.approx(2 * 5 / 60, abs=1e-6)  # 2 journeys x 5 min on X
    assert (extra.evidence["active_minutes"], extra.evidence["wait_minutes"]) == (5.0, 0.0)
    assert "it is not in the designed journey" in extra.explanation
    slow = cmp.frictions[1]
    assert (slow.kind, slow.rank) == ("slow_transition", 2)
    # 1 journey waits 60 min beyond the design: waiting, weighed 1/240
    assert (slow.evidence["active_minutes"], slow.evidence["wait_minutes"]) == (0.0, 60.0)
    assert slow.severity == pytest.approx(1 * 60 / 240 / 60, abs=1e-6)
    assert "17% of customers wait longer than the designed 1h after 'C'" in slow.explanation
    texts = " | ".join(f.explanation for f in cmp.frictions)
    assert "14% of customers who go past 'C' skip it; the design requires it" in texts
    assert "11% of customers who reach 'A' or 'C' get to 'C' first" in texts  # j5 of 9
    assert "most often 'phone'" in texts
    pair = next(f for f in cmp.frictions if f.steps == ("C", "A"))
    assert pair.evidence["pair_rate"] == pytest.approx(1 / 9) and pair.journeys == 1
    assert cmp.frictions_frame()["rank"].tolist() == [1, 2, 3, 4, 5]


def test_deviations_use_the_maps_wait_weight(target: jm.TargetJourney) -> None:
    jmap = jm.mine(jm.read_log(tiny_frame()), goal="D", horizon="1m", wait_weight=1 / 60)
    slow = next(f for f in jmap.compare(target).frictions if f.kind == "slow_transition")
    # the same 60 minutes beyond the design, now weighed 1/60: one minute of effort
    assert slow.evidence["wait_weight"] == pytest.approx(1 / 60)
    assert slow.severity == pytest.approx(1 * 60 / 60 / 60, abs=1e-6)


def test_all_frictions_merges_with_the_map(cmp: jm.Comparison, jmap: jm.JourneyMap) -> None:
    same = jm.Friction(kind="unnecessary_step", steps=("X",), journeys=2, share=0.2, severity=9,
                       explanation="from the map")  # fmt: skip
    other = jm.Friction(kind="loop", steps=("C",), journeys=1, share=0.1, severity=0.5,
                        explanation="a loop")  # fmt: skip
    merged = cmp.all_frictions(type("M", (), {"frictions": (same, other)})())
    assert [f.explanation for f in merged].count("from the map") == 0
    assert [f.rank for f in merged] == list(range(1, len(cmp.frictions) + 2))
    assert merged[0].kind == "loop"  # 0.5 ranks above 0.17 (X) and 0.004 (the wait after C)


def test_coverage_aligns_the_most_common_variants_first(
    jmap: jm.JourneyMap, target: jm.TargetJourney
) -> None:
    part = jmap.compare(target, coverage=0.5, min_variants=0)
    # A C D covers 4 journeys (j2, j3, j6 collapsed, j8); the empty path (j9) is next by order
    assert (part.aligned_variants, part.covered_share) == (2, 0.5)
    aligned = part.journeys[part.journeys["aligned"]]["journey"].tolist()
    assert sorted(aligned) == ["j2", "j3", "j6", "j8", "j9"]
    assert part.journeys.set_index("journey")["fitness"].isna().sum() == 5
    assert part.fitness == pytest.approx(1 - (0 + 1 + 1 + 0 + 4) / (6 + 7 + 7 + 6 + 4))
    assert any("cover 50.0%" in n for n in part.notes)
    seen = []
    jmap.compare(target, progress=lambda m, f: seen.append(f))
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_dfg_method_is_a_fast_first_answer(jmap: jm.JourneyMap, target: jm.TargetJourney) -> None:
    fast = jmap.compare(target, method="dfg")
    assert math.isnan(fast.fitness) and fast.aligned_variants == 0
    assert fast.dfg_fitness == pytest.approx(26 / 37)
    assert step(fast, "C").skipped_rate == pytest.approx(1 / 7)


def test_target_and_log_that_do_not_fit(jmap: jm.JourneyMap) -> None:
    typo = TARGET.replace("- D", "- {touchpoint: Dd}").replace("goal: D", "goal: Dd")
    with pytest.warns(TargetWarning, match=r"'Dd' \(closest in the log: 'D'\)"):
        jmap.compare(jm.TargetJourney.from_yaml(typo))
    optional = TARGET.replace("{touchpoint: B,", "{touchpoint: Bee,")
    with warnings.catch_warnings():
        # an optional step nobody takes is a note, not a warning
        warnings.simplefilter("error", TargetWarning)
        notes = jmap.compare(jm.TargetJourney.from_yaml(optional), method="dfg").notes
    assert any("optional step 'Bee'" in n for n in notes)
    channel = TARGET.replace("channel: web, max", "channel: sms, max")
    with pytest.warns(TargetWarning, match="'sms' never occur"):
        jmap.compare(jm.TargetJourney.from_yaml(channel), method="dfg")
    nothing = "name: N\nstages:\n  - name: S\n    steps: [Q, R]\n"
    with pytest.raises(TargetError, match="none of the designed touchpoints"):
        jmap.compare(jm.TargetJourney.from_yaml(nothing))


def test_parameters_are_checked(jmap: jm.JourneyMap, target: jm.TargetJourney) -> None:
    with pytest.raises(ParameterError, match="'coverage' parameter of compare"):
        jmap.compare(target, coverage=0)
    with pytest.raises(ParameterError, match="'method' parameter of compare must be one of"):
        jmap.compare(target, method="fast")
    with pytest.raises(ParameterError, match="'target' parameter of compare"):
        jmap.compare(42)
    assert jm.compare(jmap, TARGET.replace("name: Tiny", "name: From text")).target.name == (
        "From text"
    )


def test_a_map_without_goal_converts_on_the_target_goal(target: jm.TargetJourney) -> None:
    jmap = jm.mine(jm.read_log(tiny_frame()), horizon="1m")
    c = jmap.compare(target, method="dfg")
    assert step(c, "B").conversion_followed == 0.5
    assert any("the map has no goal" in n for n in c.notes)


def test_cli_mine_with_target_and_target_suggest(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    log = tmp_path / "tiny.csv"
    tiny_frame().to_csv(log, index=False)
    target = tmp_path / "tiny.target.yaml"
    target.write_text(TARGET.replace("- D", "- {touchpoint: D}\n      - {touchpoint: E}"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "journeymap", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    out = tmp_path / "out"
    done = run("mine", str(log), "--target", str(target), "--out", str(out), "--horizon", "1m")
    assert done.returncode == 0, done.stderr
    assert "warning: 1 required step(s) of tiny.target.yaml never occur in the log: 'E'" in (
        done.stderr
    )
    assert "Target 'Tiny': fitness" in done.stdout and "[slow_transition]" in done.stdout
    summary = json.loads((out / "comparison.json").read_text())
    assert summary["goal"] == ["D"] and summary["covered_share"] == 1.0
    steps = pd.read_csv(out / "comparison_steps.csv")
    assert steps.set_index("step").loc["C", "skipped_rate"] == pytest.approx(1 / 7)
    for name in ("extra", "edges", "variants", "frictions"):
        assert (out / f"comparison_{name}.csv").exists()
    assert len(pd.read_parquet(out / "comparison_journeys.parquet")) == 10

    suggested = run("target", "suggest", str(log), "--goal", "D", "--name", "From data")
    assert suggested.returncode == 0, suggested.stderr
    t = jm.TargetJourney.from_yaml(suggested.stdout)  # stdout holds nothing but the YAML
    assert t.name == "From data" and t.touchpoints == ("A", "C", "D")

    bad = tmp_path / "bad.yaml"
    bad.write_text(TARGET.replace("max_wait: 1h", "max_wait: soon"))
    checked = run("target", "check", str(bad))
    assert checked.returncode == 2
    assert "bad.yaml, line 10, key 'max_wait'" in checked.stderr
    assert run("target", "check", str(target)).returncode == 0


# The receipt phase of an environmental-permit application (WABO), as its documentation
# describes it: the application comes in (online by design), its receipt is checked, adjusted if
# needed, determined, printed and sent; then the stop advice and stop indication are decided.
# Buijs, J.C.A.M. (2014) Receipt phase of an environmental permit application process (WABO),
# CoSeLoG project. DOI 10.4121/uuid:a07386a5-7be3-4367-9535-70bc9e77dbe6
RECEIPT_TARGET = """\
name: Permit application receipt (WABO)
goal: T05 Print and send confirmation of receipt
stages:
  - name: Apply
    steps:
      - {touchpoint: Confirmation of receipt, channel: Internet}
  - name: Confirm receipt
    steps:
      - T02 Check confirmation of receipt
      - {touchpoint: T03 Adjust confirmation of receipt, optional: true}
      - T04 Determine confirmation of receipt
      - {touchpoint: T05 Print and send confirmation of receipt, max_wait: 14d}
  - name: Assess
    steps:
      - T06 Determine necessity of stop advice
      - T10 Determine necessity to stop indication
"""


@pytest.mark.skipif(
    not (DATASETS / "receipt.csv").exists(), reason="../shared/datasets/receipt.csv is absent"
)
def test_real_log_receipt_matches_pm4py() -> None:
    import pm4py

    path = DATASETS / "receipt.csv"
    target = jm.TargetJourney.from_yaml(RECEIPT_TARGET)
    jmap = jm.mine(jm.read_log(path), goal=list(target.goal))
    cmp = jmap.compare(target)
    assert cmp.covered_share == 1.0 and len(cmp.journeys) == 1434
    df = pd.read_csv(path)
    df["time:timestamp"] = pd.to_datetime(df["time:timestamp"], utc=True, format="ISO8601")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pm4py.fitness_alignments(df, *target.to_petri_net())
    assert cmp.fitness == pytest.approx(ref["log_fitness"], abs=1e-4)  # 0.8307
    assert cmp.mean_journey_fitness == pytest.approx(ref["average_trace_fitness"])  # 0.8196
    assert cmp.journeys["fitness"].eq(1.0).mean() * 100 == pytest.approx(
        ref["percentage_of_fitting_traces"]
    )
    c = cmp.steps.set_index("step").loc["Confirmation of receipt"]
    assert c.channel_mismatch_rate == pytest.approx(184 / 1434)  # Desk, Post, e-mail, Intern
    assert {f.steps[0] for f in cmp.frictions if f.kind == "deviation"} >= {
        "T06 Determine necessity of stop advice",
        "T10 Determine necessity to stop indication",
    }  # decided before the confirmation is sent in about a third of the cases


# -- the sample logs: every planted deviation at its documented rate (sample_logs/README.md) ---

SAMPLE_GOALS = {
    "online_shop": "Order confirmed",
    "telecom_support": "Issue resolved",
    "bank_onboarding": "Account opened",
}


@pytest.fixture(scope="module", params=sorted(SAMPLE_GOALS))
def sample(request: pytest.FixtureRequest) -> tuple[str, pd.DataFrame, jm.Comparison]:
    name = request.param
    path = ROOT / "sample_logs" / f"{name}.csv"
    jmap = jm.mine(jm.read_log(path, journey="journey_id"), goal=SAMPLE_GOALS[name], horizon="14d")
    cmp = jmap.compare(ROOT / "sample_logs" / f"{name}.target.yaml")
    return name, pd.read_csv(path), cmp


def _planted(name: str) -> list:
    from journeymap.samples import SAMPLES

    return [p for p in SAMPLES[name].planted if p.kind == "deviation"]


def _share_mismatched(cmp: jm.Comparison, journeys: set[str]) -> float:
    j = cmp.journeys[cmp.journeys["journey"].isin(journeys)]
    return float((j["channel_mismatches"] > 0).mean())


def test_samples_report_every_planted_deviation_at_its_rate(
    sample: tuple[str, pd.DataFrame, jm.Comparison],
) -> None:
    name, log, cmp = sample
    steps = cmp.steps.set_index("step")
    frictions = {f.steps: f for f in cmp.frictions if f.kind == "deviation"}
    for planted in _planted(name):
        if planted.deviation == "skipped_step":
            for step in planted.steps:
                assert steps.loc[step, "skipped_rate"] == pytest.approx(planted.rate, abs=0.02)
                assert (step,) in frictions, f"{name}: skipped {step} not reported"
        elif planted.deviation == "out_of_order":
            found = frictions[planted.steps]  # (the one met first, the one designed first)
            assert found.evidence["pair_rate"] == pytest.approx(planted.rate, abs=0.02)
        elif planted.deviation == "wrong_channel":
            (step,) = planted.steps
            assert (step,) in frictions, f"{name}: wrong channel at {step} not reported"
            if name == "online_shop":  # 30% of the journeys that ordered in the app
                ordered = log[log["touchpoint"] == "Order confirmed"]
                app = set(ordered.loc[ordered["channel"] == "app", "journey_id"])
                got = set(log.loc[log["touchpoint"] == step, "journey_id"])
                rate = _share_mismatched(cmp, app & got)
            elif name == "telecom_support":  # every booking by a caller is on the phone
                called = set(log.loc[log["touchpoint"] == "Call: broadband fault", "journey_id"])
                booked = set(log.loc[log["touchpoint"] == step, "journey_id"])
                rate = _share_mismatched(cmp, called & booked)
                assert steps.loc[step, "channel_mismatch_rate"] == pytest.approx(0.17, abs=0.02)
            else:
                rate = steps.loc[step, "channel_mismatch_rate"]
            assert rate == pytest.approx(planted.rate, abs=0.02)
        else:
            assert planted.deviation == "extra_touchpoint"
            assert set(planted.steps) <= set(cmp.extra["touchpoint"])


def test_samples_never_report_optional_steps_skipped_by_design(
    sample: tuple[str, pd.DataFrame, jm.Comparison],
) -> None:
    _, _, cmp = sample
    optional = {s.touchpoint for s in cmp.target.steps if s.optional}
    assert cmp.steps.loc[cmp.steps["optional"], "skipped_rate"].isna().all()
    skips = [f for f in cmp.frictions if f.evidence.get("deviation") == "skipped"]
    assert not [f for f in skips if f.steps[0] in optional]
    # only the planted skips are reported as skips
    planted = {s for p in _planted(cmp_name(cmp)) if p.deviation == "skipped_step" for s in p.steps}
    assert {f.steps[0] for f in skips} == planted


def cmp_name(cmp: jm.Comparison) -> str:
    return next(n for n in SAMPLE_GOALS if SAMPLE_GOALS[n] in cmp.target.goal)


def test_samples_planted_slow_transitions_and_extras(
    sample: tuple[str, pd.DataFrame, jm.Comparison],
) -> None:
    from journeymap.samples import SAMPLES

    name, _, cmp = sample
    steps = cmp.steps.set_index("step")
    extra = cmp.extra.set_index("touchpoint")
    slow = {f.steps[0]: f for f in cmp.frictions if f.kind == "slow_transition"}
    for planted in SAMPLES[name].planted:
        if planted.kind == "slow_transition":  # A -> B slow: the wait after A over max_wait
            first = planted.steps[0]
            rate = steps.loc[first, "over_max_wait_rate"]
            assert rate == pytest.approx(planted.rate, abs=0.02) and first in slow
        if planted.kind == "unnecessary_step" and planted.among.startswith("all journeys"):
            (step,) = planted.steps
            assert extra.loc[step, "share"] == pytest.approx(planted.rate, abs=0.02)
            assert not extra.loc[step, "helps"]
            assert any(f.kind == "unnecessary_step" and f.steps == (step,) for f in cmp.frictions)
    assert cmp.covered_share == 1.0 and 0.7 < cmp.fitness < 0.9


def test_alignments_are_remembered_per_model(jmap: jm.JourneyMap, target: jm.TargetJourney) -> None:
    """A variant aligned once against a model is not aligned again: a filtered map, or the same
    map, compared with the same design reads the alignments kept; changing what the model is
    made of (an optional step) aligns afresh, and every answer equals a fresh alignment."""
    from journeymap.mining import alignment

    alignment._ALIGNED.clear()
    first = jmap.compare(target)
    kept = alignment._ALIGNED[alignment.model_key(target)]
    assert len(kept) == first.aligned_variants == 7
    again = jmap.compare(target)
    assert len(alignment._ALIGNED) == 1 and len(kept) == 7
    pd.testing.assert_frame_equal(again.journeys, first.journeys)
    three = jm.filter_log(jmap.log, journeys=["j3", "j5", "j9"])
    part = jm.mine(three, goal="D", horizon="1m").compare(target)
    expected = first.journeys.set_index("journey").loc[["j3", "j5", "j9"], "fitness"]
    assert part.journeys.set_index("journey")["fitness"].to_dict() == expected.to_dict()
    relaxed = jm.TargetJourney.from_yaml(
        TARGET.replace("      - D\n", "      - {touchpoint: D, optional: true}\n")
    )
    assert alignment.model_key(relaxed) != alignment.model_key(target)
    cached = jmap.compare(relaxed)
    alignment._ALIGNED.clear()
    fresh = jmap.compare(relaxed)
    pd.testing.assert_frame_equal(cached.journeys, fresh.journeys)
    assert len(alignment._ALIGNED) == 1


def test_deviation_sentences_leave_out_conversion_when_everyone_converts() -> None:
    from journeymap.mining.deviations import Effect, _effect_text, _extra_effect_text

    def eff(a: float, r: float, significant: bool = False) -> Effect:
        return Effect(a, r, significant, 0.0, 0.0, 0.0)

    # after the goal every journey has converted: "100% vs 100%" tells a designer nothing
    assert _effect_text(eff(1.0, 1.0), "wait too long", "do not") == ""
    assert _extra_effect_text(eff(1.0, 0.996)) == ""
    assert _effect_text(eff(float("nan"), 0.5), "skip it", "take it") == ""
    assert _effect_text(eff(0.5, 0.55), "skip it", "take it") == (
        " Those who skip it convert just as often (50% vs 55%)."
    )
    assert _effect_text(eff(1.0, 0.9, True), "skip it", "take it") == (
        " Those who skip it convert more often (100% vs 90% of those who take it)."
    )
    assert _extra_effect_text(eff(0.4, 0.7, True)) == (
        " and those who skip it convert more often (70% vs 40% with it)"
    )
