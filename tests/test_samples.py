"""The sample logs: reproducible, well-formed, and holding the frictions their README promises.

Everything here is measured with plain pandas on the committed CSV files, independently of
journeymap's own readers, so the documented truth can be trusted by the friction tests.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
import yaml

from journeymap import samples
from journeymap.errors import ParameterError

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "sample_logs"
NAMES = ("online_shop", "telecom_support", "bank_onboarding")
COLUMNS = ["customer_id", "journey_id", "timestamp", "touchpoint", "channel", "segment"]
ATTRIBUTE = {"online_shop": "device", "telecom_support": "region", "bank_onboarding": "region"}
LOG_END = pd.Timestamp("2025-06-30 23:59:59")
DAY = 86_400
END_S = int(LOG_END.timestamp())  # seconds since 1970, as in paths()
HORIZON_S = 14 * DAY  # a journey whose last event is this recent is still open
SETTLED_S = 60 * DAY  # every journey started this long before the end is finished
TOLERANCE = 0.02  # planted rates must be within 2 points of the documented value
# waits (seconds) above this are planted slow transitions, and only they
SLOW_THRESHOLD = {"online_shop": 2 * DAY, "telecom_support": 6 * DAY, "bank_onboarding": 3.5 * DAY}
TIES = {  # (earlier, later) logged in the same second in this share of the later's journeys
    "online_shop": ("Checkout: payment", "Order confirmed", 0.35),
    "telecom_support": ("Technician appointment booked", "Appointment confirmation", 0.40),
    "bank_onboarding": ("Contract signature", "Account opened", 0.35),
}


def read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"ces": "Int64", "csat": "Int64"})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], format="%Y-%m-%d %H:%M:%S")
    return frame


@cache
def committed(name: str) -> pd.DataFrame:
    return read(LOGS / f"{name}.csv")


@cache
def committed_paths(name: str) -> pd.DataFrame:
    return paths(committed(name))


@cache
def control(name: str) -> pd.DataFrame:
    return samples.generate(name, journeys=4_000, seed=7, frictions=False)


def paths(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per journey: touchpoints, channels and times (s) in file order, and outcome."""
    seconds = frame["timestamp"].astype("datetime64[s]").astype("int64")
    j = (
        frame.assign(ts=seconds)
        .groupby("journey_id", sort=False)
        .agg(tp=("touchpoint", list), ch=("channel", list), ts=("ts", list))
    )
    j["open"] = j["ts"].map(lambda ts: ts[-1] >= END_S - HORIZON_S)
    j["early"] = j["ts"].map(lambda ts: ts[0] <= END_S - SETTLED_S)
    return j


def share(mask: pd.Series) -> float:
    return float(mask.mean()) if len(mask) else float("nan")


def with_step(j: pd.DataFrame, step: str) -> pd.DataFrame:
    return j[j["tp"].map(lambda tp: step in tp)]


def exit_rates(j: pd.DataFrame, goal: str, *, min_reach: int = 300) -> pd.Series:
    """Per step: dropped journeys ending there / journeys containing it that are not open.

    As in ``journeymap.mine``: a journey is converted if it reaches the goal, else open if its
    last event is within the horizon of the end of the log, else dropped.
    """
    converted = j["tp"].map(lambda tp: goal in tp)
    closed = j[converted | ~j["open"]]
    reach = closed["tp"].map(set).explode().value_counts()
    dropped = closed[closed["tp"].map(lambda tp: goal not in tp)]
    exits = dropped["tp"].map(lambda tp: tp[-1]).value_counts()
    rates = (exits.reindex(reach.index, fill_value=0) / reach)[reach >= min_reach]
    return rates.sort_values(ascending=False)


def repeated(j: pd.DataFrame, step: str) -> float:
    return share(with_step(j, step)["tp"].map(lambda tp: tp.count(step) >= 2))


def next_after(tp: list[str], step: str, skip: tuple[str, ...] = ()) -> str | None:
    """The first touchpoint after the first visit of ``step`` (skipping ``skip``)."""
    for later in tp[tp.index(step) + 1 :]:
        if later not in skip:
            return later
    return None


def switch_share(j: pd.DataFrame, step: str, to: str) -> float:
    closed = with_step(j[~j["open"]], step)
    return share(closed["tp"].map(lambda tp: next_after(tp, step) == to))


def waits(j: pd.DataFrame, a: str, b: str) -> pd.Series:
    """Waits (seconds) of the direct transitions a -> b."""
    out = []
    for tp, ts in zip(j["tp"], j["ts"], strict=True):
        out += [ts[i + 1] - ts[i] for i in range(len(tp) - 1) if tp[i] == a and tp[i + 1] == b]
    return pd.Series(out, dtype="int64")


def channel_of(row: pd.Series, step: str) -> str:
    """The channel of the first visit of ``step`` in a journey row of :func:`paths`."""
    return row["ch"][row["tp"].index(step)]


def has_run(tp: list[str], run: tuple[str, ...]) -> bool:
    n = len(run)
    return any(tuple(tp[i : i + n]) == run for i in range(len(tp) - n + 1))


def conversion_gap(j: pd.DataFrame, step: str, among: Callable[[list[str]], bool], goal: str):
    closed = j[~j["open"] & j["tp"].map(among)]
    has = closed["tp"].map(lambda tp: step in tp)
    converted = closed["tp"].map(lambda tp: goal in tp)
    return share(has), float(converted[has].mean() - converted[~has].mean())


def measure(name: str, j: pd.DataFrame) -> dict[tuple[str, str], float]:
    """The rate of each planted friction in closed journeys, keyed by (kind or deviation, step)."""
    # journeys started early enough to be finished: choosing them by their end (not open)
    # would under-count the frictions that make journeys longer
    j = j[j["early"]]
    goal = samples.SAMPLES[name].goal
    assert isinstance(goal, str)
    m: dict[tuple[str, str], float] = {}
    for p in samples.SAMPLES[name].planted:
        key = (p.deviation or p.kind, p.steps[0])
        first = p.steps[0]
        if p.kind == "dropoff":
            m[key] = float(exit_rates(j, goal, min_reach=1).get(first, 0.0))
        elif p.kind == "loop":
            m[key] = repeated(j, first)
        elif p.kind == "channel_switch":
            m[key] = switch_share(j, first, p.steps[1])
        elif p.kind == "slow_transition":
            m[key] = share(waits(j, *p.steps) > SLOW_THRESHOLD[name])
        elif p.kind == "repeat_contact":
            calls = with_step(j, first)
            m[key] = share(calls.apply(_repeat_within, axis=1, step=first, days=7))
        elif p.kind == "unnecessary_step":
            m[key] = _unnecessary(name, j, goal)[0]
        elif p.kind == "ping_pong":
            m[key] = _ping_pong(name, j)[0]
        elif p.deviation:
            m[key] = _deviation(name, p.deviation, j)
    return m


def _repeat_within(row: pd.Series, step: str, *, days: int) -> bool:
    times = [t for tp, t in zip(row["tp"], row["ts"], strict=True) if tp == step]
    return any(b - a <= days * DAY for a, b in itertools.pairwise(times))


def _unnecessary(name: str, j: pd.DataFrame, goal: str) -> tuple[float, float]:
    if name == "online_shop":
        return conversion_gap(j, "Newsletter sign-up", lambda tp: True, goal)
    if name == "telecom_support":
        return conversion_gap(j, "Verify identity", lambda tp: "Fault report" in tp, goal)
    pages = ("Application: personal details", "Application: income and employment")
    return conversion_gap(j, "Marketing preferences", lambda tp: any(p in tp for p in pages), goal)


def _ping_pong(name: str, j: pd.DataFrame) -> tuple[float, float]:
    """(main rate, secondary rate) of the ping-pong of a sample."""
    if name == "online_shop":
        chat, call = "Chat: where is my order", "Call: where is my order"
        done = with_step(j, "Delivery confirmation")
        bounced = done[done["tp"].map(lambda tp: has_run(tp, (chat, call, chat)))]
        return share(done["tp"].map(lambda tp: has_run(tp, (chat, call, chat)))), share(
            bounced["tp"].map(lambda tp: tp.count(call) >= 2)
        )
    asked = with_step(j, "Documents requested")
    verified = with_step(j, "Identity verification")
    return (
        share(asked["tp"].map(lambda tp: tp.count("Documents requested") >= 2)),
        share(verified["tp"].map(lambda tp: "Documents requested" in tp)),
    )


def _deviation(name: str, deviation: str, j: pd.DataFrame) -> float:
    tp = j["tp"]
    if deviation == "extra_touchpoint":
        return float("nan")
    if name == "online_shop":
        if deviation == "skipped_step":

            def went_on(tp: list[str]) -> bool:
                last = max(i for i, s in enumerate(tp) if s in ("Product page", "Product reviews"))
                return any(s != "Newsletter sign-up" for s in tp[last + 1 :])

            shown = j[tp.map(lambda t: "Product page" in t and went_on(t))]
            return share(shown["tp"].map(lambda t: "Add to cart" not in t))
        if deviation == "out_of_order":
            pair = ("Checkout: address", "Checkout: delivery")
            firsts = tp.map(lambda t: next((s for s in t if s in pair), None)).dropna()
            return share(firsts == "Checkout: delivery")
        done = with_step(with_step(j, "Order confirmed"), "Delivery confirmation")
        app = done[done.apply(lambda r: channel_of(r, "Order confirmed") == "app", axis=1)]
        return share(app.apply(lambda r: channel_of(r, "Delivery confirmation"), axis=1) == "app")
    if name == "telecom_support":
        if deviation == "skipped_step":
            went_on = tp.map(
                lambda t: "Fault report" in t and next_after(t, "Fault report", skip=()) is not None
            )
            return share(j[went_on]["tp"].map(lambda t: "Remote line test" not in t))
        booked = with_step(with_step(j, "Call: broadband fault"), "Technician appointment booked")
        channels = booked.apply(lambda r: channel_of(r, "Technician appointment booked"), axis=1)
        return share(channels == "phone")
    pages = ("Application: personal details", "Application: income and employment")
    if deviation == "skipped_step":

        def after_forms(t: list[str]) -> bool:
            if not all(p in t for p in pages):
                return False
            last = max(t.index(p) for p in pages)
            return len(t) > last + 1

        return share(j[tp.map(after_forms)]["tp"].map(lambda t: "ID document upload" not in t))
    if deviation == "out_of_order":
        firsts = tp.map(lambda t: next((s for s in t if s in pages), None)).dropna()
        return share(firsts == "Application: income and employment")
    verified = with_step(j, "Identity verification")
    return share(
        verified.apply(lambda r: channel_of(r, "Identity verification"), axis=1) == "branch"
    )


# --- the generator ------------------------------------------------------------------------------


def test_same_seed_same_log_and_different_seeds_differ() -> None:
    a = samples.generate("telecom_support", journeys=500, seed=11)
    b = samples.generate("telecom_support", journeys=500, seed=11)
    c = samples.generate("telecom_support", journeys=500, seed=12)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert samples.generate("online_shop", journeys=50).equals(
        samples.generate("online_shop", journeys=50, seed=0)
    )


@pytest.mark.parametrize("name", NAMES)
def test_columns_types_and_journey_count(name: str) -> None:
    log = samples.generate(name, journeys=321, seed=5)
    assert list(log.columns) == [*COLUMNS, ATTRIBUTE[name], "ces", "csat"]
    assert log["journey_id"].nunique() == 321
    assert str(log["timestamp"].dtype).startswith("datetime64")
    assert log["timestamp"].is_monotonic_increasing
    assert str(log["ces"].dtype) == "Int64" and str(log["csat"].dtype) == "Int64"
    assert log["ces"].dropna().between(1, 7).all() and log["csat"].dropna().between(1, 5).all()
    assert log[COLUMNS[:2] + COLUMNS[3:]].notna().all().all()


def test_unknown_name_and_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match=r"bank_onboarding.*online_shop.*telecom_support"):
        samples.generate("shop")
    with pytest.raises(ParameterError, match="'journeys' parameter of generate"):
        samples.generate("online_shop", journeys=0)
    with pytest.raises(ParameterError, match="'seed' parameter of generate"):
        samples.generate("online_shop", seed="1")  # type: ignore[arg-type]


def test_spec_fields() -> None:
    kinds = {"dropoff", "loop", "ping_pong", "channel_switch", "repeat_contact"}
    kinds |= {"unnecessary_step", "slow_transition", "deviation"}
    deviations = {"skipped_step", "out_of_order", "wrong_channel", "extra_touchpoint"}
    for name, spec in samples.SAMPLES.items():
        assert spec.name == name and spec.title and spec.industry and spec.description
        assert 5_000 <= spec.default_journeys <= 50_000
        for p in spec.planted:
            assert p.kind in kinds
            assert (p.kind == "deviation") == (p.deviation in deviations)
            assert p.rate is None or 0 < p.rate <= 1


def test_fifty_thousand_journeys_stay_in_range() -> None:
    log = samples.generate("bank_onboarding", journeys=20_000, seed=2)
    assert log["journey_id"].nunique() == 20_000
    assert log["timestamp"].between(pd.Timestamp("2025-01-01"), LOG_END).all()


# --- the committed files ------------------------------------------------------------------------


def test_committed_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    written = samples.write_samples(tmp_path)
    assert sorted(p.name for p in written) == sorted(
        f"{n}{ext}" for n in NAMES for ext in (".csv", ".target.yaml")
    )
    for path in written:
        assert path.read_bytes() == (LOGS / path.name).read_bytes(), path.name
    for name in NAMES:  # and the CSV reads back as the DataFrame generate() returns
        expected = samples.generate(name)
        expected["timestamp"] = expected["timestamp"].astype("datetime64[us]")
        got = committed(name).copy()
        got["timestamp"] = got["timestamp"].astype("datetime64[us]")
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize("name", NAMES)
def test_committed_sizes_goal_and_open_journeys(name: str) -> None:
    log = committed(name)
    spec = samples.SAMPLES[name]
    assert log["journey_id"].nunique() == spec.default_journeys
    assert 5_000 <= spec.default_journeys <= 50_000
    assert (LOGS / f"{name}.csv").stat().st_size < 5.5e6
    j = paths(log)
    converted = j["tp"].map(lambda tp: spec.goal in tp)
    assert 0.3 < converted.mean() < 0.9
    assert j["open"].sum() > 50
    started_late = j["ts"].map(lambda ts: ts[0] > END_S - 3 * DAY)
    assert (started_late & ~converted).sum() > 5
    assert log["timestamp"].is_monotonic_increasing
    assert log["timestamp"].min() >= pd.Timestamp("2025-01-01")
    assert log["timestamp"].max() <= LOG_END
    assert log["ces"].notna().mean() < 0.1 and log["csat"].notna().mean() < 0.1


@pytest.mark.parametrize("name", NAMES)
def test_gap_rebuilds_journeys(name: str) -> None:
    log = committed(name).sort_values(["customer_id", "timestamp"], kind="stable")
    same_customer = log["customer_id"].eq(log["customer_id"].shift())
    gap = log["timestamp"].diff()
    new_journey = log["journey_id"].ne(log["journey_id"].shift())
    inside = same_customer & ~new_journey
    between = same_customer & new_journey
    assert gap[inside].max() <= pd.Timedelta(days=14)
    assert between.sum() > 100  # customers do come back
    assert gap[between].min() >= pd.Timedelta(days=30)
    rebuilt = (~same_customer | (gap > pd.Timedelta(days=30))).cumsum()
    assert rebuilt.groupby(log["journey_id"]).nunique().eq(1).all()
    assert log["journey_id"].groupby(rebuilt).nunique().eq(1).all()


@pytest.mark.parametrize("name", NAMES)
def test_ties_keep_the_logged_order(name: str) -> None:
    earlier, later, rate = TIES[name]
    log = committed(name)
    by_journey = log.groupby("journey_id", sort=False)
    before = log.assign(
        prev_tp=by_journey["touchpoint"].shift(), prev_ts=by_journey["timestamp"].shift()
    )[log["touchpoint"] == later]
    assert before["journey_id"].is_unique  # the later step happens once per journey
    tied = before["timestamp"] == before["prev_ts"]
    assert abs(tied.mean() - rate) <= TOLERANCE
    assert (before.loc[tied, "prev_tp"] == earlier).all()


@pytest.mark.parametrize("name", NAMES)
def test_planted_rates_match_the_documented_values(name: str) -> None:
    measured = measure(name, committed_paths(name))
    for p in samples.SAMPLES[name].planted:
        if p.rate is None:
            continue
        got = measured[(p.deviation or p.kind, p.steps[0])]
        assert abs(got - p.rate) <= TOLERANCE, (p.kind, p.deviation, p.steps, got, p.rate)


@pytest.mark.parametrize("name", NAMES)
def test_planted_frictions_stand_out(name: str) -> None:
    spec = samples.SAMPLES[name]
    j = committed_paths(name)
    drop = next(p for p in spec.planted if p.kind == "dropoff")
    rates = exit_rates(j, spec.goal)
    assert rates.index[0] == drop.steps[0]
    assert rates.iloc[1] < rates.iloc[0] / 2.5
    _, lift = _unnecessary(name, j, spec.goal)
    assert abs(lift) < 0.03, lift
    if name != "telecom_support":
        _, secondary = _ping_pong(name, j)
        expected = {"online_shop": 0.50, "bank_onboarding": 0.20}[name]
        assert abs(secondary - expected) <= TOLERANCE
    slow = next(p for p in spec.planted if p.kind == "slow_transition")
    assert waits(j, *slow.steps).median() > SLOW_THRESHOLD[name]


@pytest.mark.parametrize("name", NAMES)
def test_touchpoints_are_the_target_plus_documented_extras(name: str) -> None:
    target = yaml.safe_load((LOGS / f"{name}.target.yaml").read_text(encoding="utf-8"))
    designed = _designed(target)
    extras = {
        s
        for p in samples.SAMPLES[name].planted
        if p.deviation == "extra_touchpoint"
        for s in p.steps
    }
    assert set(committed(name)["touchpoint"]) == designed | extras
    assert 3 <= len(target["stages"]) <= 5 and target["goal"] == samples.SAMPLES[name].goal


def _designed(target: dict) -> set[str]:
    names: set[str] = set()
    for stage in target["stages"]:
        for step in stage["steps"]:
            names |= {step["touchpoint"], *step.get("aliases", [])}
    return names


def max_waits(name: str) -> dict[str, int]:
    """Designed longest wait (seconds) after each touchpoint (and alias) of the target."""
    target = yaml.safe_load((LOGS / f"{name}.target.yaml").read_text(encoding="utf-8"))
    unit = {"m": 60, "h": 3600, "d": DAY}
    out: dict[str, int] = {}
    for stage in target["stages"]:
        for step in stage["steps"]:
            if "max_wait" in step:
                value = int(step["max_wait"][:-1]) * unit[step["max_wait"][-1]]
                for alias in (step["touchpoint"], *step.get("aliases", [])):
                    out[alias] = value
    return out


def too_slow(name: str, j: pd.DataFrame) -> set[tuple[str, str]]:
    """Transitions whose wait exceeds the designed max_wait of their first step, at least once."""
    limits = max_waits(name)
    found = set()
    for tp, ts in zip(j["tp"], j["ts"], strict=True):
        for i in range(len(tp) - 1):
            if tp[i] in limits and ts[i + 1] - ts[i] > limits[tp[i]]:
                found.add((tp[i], tp[i + 1]))
    return found


# waits over a designed max_wait that are side effects of a planted deviation (README)
SIDE_EFFECTS = {
    "online_shop": set(),
    "telecom_support": set(),
    "bank_onboarding": {
        ("ID document upload", "Identity verification"),  # wrong channel: branch, 1-6 days
        ("Application: income and employment", "Identity verification"),  # upload skipped
        ("Application: income and employment", "Documents requested"),
        ("Application: personal details", "Identity verification"),  # ... and pages swapped
        ("Application: personal details", "Documents requested"),
    },
}


@pytest.mark.parametrize("name", NAMES)
def test_only_planted_waits_exceed_the_design(name: str) -> None:
    slow = next(p.steps for p in samples.SAMPLES[name].planted if p.kind == "slow_transition")
    assert too_slow(name, paths(control(name))) == set()
    found = too_slow(name, committed_paths(name))
    assert slow in found
    assert found - {slow} <= SIDE_EFFECTS[name]


# --- the control logs ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_control_log_has_no_friction(name: str) -> None:
    log = control(name)
    spec = samples.SAMPLES[name]
    assert list(log.columns) == list(committed(name).columns)
    assert log["journey_id"].nunique() == 4_000
    j = paths(log)
    assert not j["tp"].map(lambda tp: len(tp) != len(set(tp))).any()  # no loop, no ping-pong
    rates = exit_rates(j, spec.goal, min_reach=200)
    assert rates.max() < 0.12 and rates.max() < 2.5 * rates.median()
    for p in spec.planted:
        if p.kind == "slow_transition":
            assert (waits(j, *p.steps) <= SLOW_THRESHOLD[name]).all()
    # every touchpoint is designed, in the designed order, on the designed channel
    target = yaml.safe_load((LOGS / f"{name}.target.yaml").read_text(encoding="utf-8"))
    order: dict[str, int] = {}
    channel: dict[str, str] = {}
    for stage in target["stages"]:
        for step in stage["steps"]:
            for alias in (step["touchpoint"], *step.get("aliases", [])):
                order[alias] = len(order)
                if "channel" in step:
                    channel[alias] = step["channel"]
    assert set(log["touchpoint"]) <= set(order)
    assert j["tp"].map(lambda tp: [order[s] for s in tp] == sorted(order[s] for s in tp)).all()
    wrong = log[log["touchpoint"].map(channel).notna()]
    assert (wrong["touchpoint"].map(channel) == wrong["channel"]).all()
    # every non-optional step before the goal is visited by converted journeys
    required = [
        s["touchpoint"]
        for stage in target["stages"]
        for s in stage["steps"]
        if not s.get("optional") and order[s["touchpoint"]] <= order[spec.goal]
    ]
    converted = j[j["tp"].map(lambda tp: spec.goal in tp)]
    cart = {"Cart", "Basket"}
    for step in required:
        names = cart if step == "Cart" else {step}
        assert converted["tp"].map(lambda tp, names=names: bool(names & set(tp))).all(), step


OPTIONAL_BEFORE_GOAL = {
    "online_shop": ("Home page", "Search results", "Product reviews", "Checkout: login"),
    "telecom_support": ("Service status page", "Troubleshooting guide"),
    "bank_onboarding": ("Product comparison",),
}


@pytest.mark.parametrize("name", NAMES)
def test_control_optional_steps_help(name: str) -> None:
    j = paths(control(name))
    closed = j[~j["open"]]
    goal = samples.SAMPLES[name].goal
    converted = closed["tp"].map(lambda tp: goal in tp)
    for step in OPTIONAL_BEFORE_GOAL[name]:
        has = closed["tp"].map(lambda tp, step=step: step in tp)
        assert converted[has].mean() > converted[~has].mean() + 0.02, step


# --- the README ---------------------------------------------------------------------------------


def test_readme_states_the_real_counts_and_rates() -> None:
    text = (LOGS / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        log = committed(name)
        section = text.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
        for count in (log["journey_id"].nunique(), len(log), log["customer_id"].nunique()):
            assert f"{count:,}" in section, (name, count)
        for p in samples.SAMPLES[name].planted:
            if p.rate is not None:
                assert re.search(rf"\b{p.rate * 100:g}%", section), (name, p.kind, p.rate)


def test_docstring_examples_run() -> None:
    import doctest

    import journeymap.samples as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
