"""The shared engine of the sample generators: clock, journey builder, log assembly, files.

A sample module describes one journey in plain Python (``journey(b)``, one call per journey);
this module turns many such journeys into a touchpoint log. The rules every sample obeys are
enforced here, not in each sample:

- the log covers 2025-01-01 00:00:00 to 2025-06-30 23:59:59; events after the end are cut off,
  so journeys started in the last days are still open;
- planted frictions are decided by dealing from shuffled decks (:meth:`Journey.deal`), not by
  independent coin flips, so their rates hold to within a point even in a few hundred journeys;
  journeys started at least 60 days before the end (all of them finished) have decks of their
  own, so the rates hold exactly there, where they are measured;
- within a journey no silence exceeds 14 days (:data:`MAX_SILENCE_S`); a customer's next journey
  starts at least 30 days (:data:`MIN_GAP_S`) after the last event of the previous one, so
  splitting each customer's events at a 30-day gap rebuilds ``journey_id`` exactly;
- timestamps are whole seconds; the rows are sorted by timestamp and, for equal timestamps, by
  the order in which the journey logged them (a stable sort), like a real export.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MIN = 60.0
HOUR = 3600.0
DAY = 86400.0
LOG_START = int(dt.datetime(2025, 1, 1).replace(tzinfo=dt.UTC).timestamp())
LOG_END = int(dt.datetime(2025, 6, 30, 23, 59, 59).replace(tzinfo=dt.UTC).timestamp())
MAX_SILENCE_S = 14 * DAY
MIN_GAP_S = 30 * DAY
SETTLED_S = 60 * DAY  # journeys started this long before the end are finished by then
DECK = 100  # planted decisions are dealt from shuffled decks of this many cards
COLUMNS = ("customer_id", "journey_id", "timestamp", "touchpoint", "channel", "segment")
SURVEY_COLUMNS = ("ces", "csat")
CSV_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Planted:
    """One friction (or target-journey deviation) built into a sample on purpose.

    Attributes:
        kind: a friction kind of :data:`journeymap.KINDS` (``dropoff``, ``loop``, ``ping_pong``,
            ``channel_switch``, ``repeat_contact``, ``unnecessary_step``, ``slow_transition``)
            or ``deviation`` for a departure from the sample's target journey.
        steps: the touchpoints concerned, exactly as they appear in the log.
        rate: the designed share (0–1) within ``among``; None when it follows from other rates.
        among: the journeys (or events) ``rate`` is a share of.
        detail: the parameters, in words.
        expect: what a detector should report.
        deviation: for ``kind="deviation"``: ``skipped_step``, ``out_of_order``,
            ``wrong_channel`` or ``extra_touchpoint``; empty otherwise.
    """

    kind: str
    steps: tuple[str, ...]
    rate: float | None
    among: str
    detail: str
    expect: str
    deviation: str = ""


@dataclass(frozen=True)
class SampleSpec:
    """What a bundled sample log is, what it aims at, and what was built into it.

    Attributes:
        name: the key in :data:`journeymap.samples.SAMPLES` and the file stem in ``sample_logs/``.
        title: a human title.
        industry: the industry it imitates.
        goal: the touchpoint (or touchpoints) that count as success.
        default_journeys: journeys in the bundled file.
        description: one paragraph on the journey.
        planted: the frictions and deviations built in (absent from the control log).
    """

    name: str
    title: str
    industry: str
    goal: str | tuple[str, ...]
    default_journeys: int
    description: str
    planted: tuple[Planted, ...]


@dataclass(frozen=True)
class Hours:
    """Opening hours: the first ``days`` weekdays (5: Mon–Fri, 6: Mon–Sat, 7: every day)."""

    days: int
    open_h: int
    close_h: int

    def next_open(self, t: float, r: random.Random) -> float:
        """``t`` if open then, else a moment in the first two hours after the next opening."""
        day = math.floor(t / DAY)
        sec = t - day * DAY
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
        if weekday < self.days and self.open_h * HOUR <= sec < self.close_h * HOUR:
            return t
        if not (weekday < self.days and sec < self.open_h * HOUR):
            day += 1
            while (day + 3) % 7 >= self.days:
                day += 1
        return day * DAY + self.open_h * HOUR + r.uniform(0.0, 2 * HOUR)


class Journey:
    """Builds one journey: a clock, the events logged so far, and the dice.

    ``lift`` multiplies the chance of leaving after a step: optional steps that genuinely help
    lower it. Natural variation uses :meth:`chance` (independent draws); planted frictions use
    :meth:`deal`. ``pain`` counts the frictions met; it raises the effort (CES) and lowers the
    satisfaction (CSAT) a customer reports.
    """

    __slots__ = (
        "attribute",
        "ces",
        "channels",
        "csat",
        "decks",
        "early",
        "frictions",
        "lift",
        "pain",
        "r",
        "segment",
        "t",
        "times",
        "touchpoints",
    )

    def __init__(
        self,
        r: random.Random,
        t: float,
        *,
        frictions: bool,
        segment: str,
        attribute: str,
        decks: dict[tuple[str, bool], list[bool]] | None = None,
    ) -> None:
        self.r = r
        self.t = t
        self.decks = {} if decks is None else decks
        self.early = t <= LOG_END - SETTLED_S
        self.frictions = frictions
        self.segment = segment
        self.attribute = attribute
        self.lift = 1.0
        self.pain = 0
        self.touchpoints: list[str] = []
        self.channels: list[str] = []
        self.times: list[float] = []
        self.ces: list[int] = []
        self.csat: list[int] = []

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.r.random() < p

    def deal(self, key: str, p: float) -> bool:
        """A planted decision: True for exactly ``round(100 p)`` of every 100 journeys dealt.

        Each ``key`` has its own shuffled deck, and early journeys (started at least
        :data:`SETTLED_S` before the end of the log) have decks apart from the late ones.
        """
        deck = self.decks.get((key, self.early))
        if not deck:
            yes = round(p * DECK)
            deck = [True] * yes + [False] * (DECK - yes)
            self.r.shuffle(deck)
            self.decks[(key, self.early)] = deck
        return deck.pop()

    def wait(self, low: float, high: float) -> float:
        """A wait in seconds between ``low`` and ``high``, log-uniform (median sqrt(low*high))."""
        return math.exp(self.r.uniform(math.log(low), math.log(high)))

    def log(self, touchpoint: str, channel: str, after: float = 0.0) -> None:
        """Log ``touchpoint`` on ``channel`` ``after`` seconds after the clock."""
        self.t += after
        self.touchpoints.append(touchpoint)
        self.channels.append(channel)
        self.times.append(self.t)
        self.ces.append(0)
        self.csat.append(0)

    def log_open(self, touchpoint: str, channel: str, after: float, hours: Hours) -> None:
        """Log ``touchpoint`` at the first moment ``after`` seconds on when ``hours`` are open."""
        self.t = hours.next_open(self.t + after, self.r)
        self.log(touchpoint, channel)

    def leaves(self, p: float) -> bool:
        """Whether the journey ends here (with probability ``p``)."""
        return self.r.random() < p

    def survey(self, *, ces: float = 0.0, csat: float = 0.0) -> None:
        """With the given chances, attach a CES (1–7) and/or a CSAT (1–5) to the last event."""
        if ces and self.r.random() < ces:
            value = round(2.0 + 1.2 * self.pain + self.r.gauss(0.0, 0.8))
            self.ces[-1] = min(7, max(1, value))
        if csat and self.r.random() < csat:
            value = round(4.4 - 0.8 * self.pain + self.r.gauss(0.0, 0.7))
            self.csat[-1] = min(5, max(1, value))


@dataclass(frozen=True)
class Recipe:
    """Everything the engine needs from a sample module."""

    spec: SampleSpec
    attribute: str  # name of the 7th column ("device" or "region")
    attributes: Callable[[random.Random], tuple[str, str]]  # -> (segment, attribute)
    next_segment: Callable[[str], str]  # a returning customer's segment
    return_rate: float  # chance that a customer starts another journey later
    start_hours: Sequence[float]  # weight of each hour of the day for the first event
    journey: Callable[[Journey], None]
    target: Mapping[str, Any]


def build_log(recipe: Recipe, *, journeys: int, seed: int, frictions: bool) -> pd.DataFrame:
    """Run ``recipe.journey`` ``journeys`` times and assemble the sorted touchpoint log."""
    r = random.Random(f"journeymap.samples:{recipe.spec.name}:{seed}:{int(frictions)}")
    n_days = (LOG_END - LOG_START) // int(DAY) + 1
    cum_hours = list(np.cumsum(recipe.start_hours, dtype=float))

    def start_of(day: int) -> float:
        hour = r.choices(range(24), cum_weights=cum_hours)[0]
        return LOG_START + day * DAY + hour * HOUR + r.uniform(0.0, HOUR)

    touchpoints: list[str] = []
    channels: list[str] = []
    times: list[float] = []
    ces: list[int] = []
    csat: list[int] = []
    lengths: list[int] = []
    j_customer: list[int] = []
    j_segment: list[str] = []
    j_attribute: list[str] = []
    decks: dict[tuple[str, bool], list[bool]] = {}
    customer = 0
    while len(lengths) < journeys:
        segment, attribute = recipe.attributes(r)
        t0 = start_of(r.randrange(n_days))
        while True:
            b = Journey(
                r, t0, frictions=frictions, segment=segment, attribute=attribute, decks=decks
            )
            recipe.journey(b)
            touchpoints += b.touchpoints
            channels += b.channels
            times += b.times
            ces += b.ces
            csat += b.csat
            lengths.append(len(b.times))
            j_customer.append(customer)
            j_segment.append(segment)
            j_attribute.append(attribute)
            if len(lengths) >= journeys or not r.random() < recipe.return_rate:
                break
            # the next journey starts on a later day at least MIN_GAP_S after this one ended
            day = math.floor((b.t - LOG_START + MIN_GAP_S) / DAY) + 1 + int(r.expovariate(1 / 20))
            if day >= n_days:
                break
            t0 = start_of(day)
            segment = recipe.next_segment(segment)
        customer += 1
    return _assemble(
        recipe,
        touchpoints=touchpoints,
        channels=channels,
        times=times,
        ces=ces,
        csat=csat,
        lengths=lengths,
        j_customer=j_customer,
        j_segment=j_segment,
        j_attribute=j_attribute,
    )


def _assemble(
    recipe: Recipe,
    *,
    touchpoints: list[str],
    channels: list[str],
    times: list[float],
    ces: list[int],
    csat: list[int],
    lengths: list[int],
    j_customer: list[int],
    j_segment: list[str],
    j_attribute: list[str],
) -> pd.DataFrame:
    # floor keeps the order within a journey (times never decrease) and makes same-second ties
    ts = np.floor(np.asarray(times)).astype(np.int64)
    journey = np.repeat(np.arange(len(lengths)), lengths)
    keep = ts <= LOG_END
    ts, journey = ts[keep], journey[keep]
    order = np.argsort(ts, kind="stable")
    ts, journey = ts[order], journey[order]

    # journeys and customers are numbered by their first event, as a real export would be
    first_ts = np.full(len(lengths), np.iinfo(np.int64).max)
    np.minimum.at(first_ts, journey, ts)
    j_rank = np.empty(len(lengths), dtype=np.int64)
    j_rank[np.argsort(first_ts, kind="stable")] = np.arange(len(lengths))
    customers = np.asarray(j_customer)
    c_first = np.full(customers.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(c_first, customers, first_ts)
    c_rank = np.empty(len(c_first), dtype=np.int64)
    c_rank[np.argsort(c_first, kind="stable")] = np.arange(len(c_first))

    j_label = np.array([f"J{i + 1:06d}" for i in range(len(lengths))], dtype=object)
    c_label = np.array([f"C{i + 1:06d}" for i in range(len(c_first))], dtype=object)

    def events(values: list[Any]) -> np.ndarray:
        return np.asarray(values, dtype=object)[keep][order]

    def survey(values: list[int]) -> pd.arrays.IntegerArray:
        arr = np.asarray(values, dtype=np.int64)[keep][order]
        return pd.arrays.IntegerArray(arr, arr == 0)

    return pd.DataFrame(
        {
            "customer_id": pd.array(c_label[c_rank[customers[journey]]], dtype="str"),
            "journey_id": pd.array(j_label[j_rank[journey]], dtype="str"),
            "timestamp": ts.astype("datetime64[s]").astype("datetime64[us]"),
            "touchpoint": pd.array(events(touchpoints), dtype="str"),
            "channel": pd.array(events(channels), dtype="str"),
            "segment": pd.array(np.asarray(j_segment, dtype=object)[journey], dtype="str"),
            recipe.attribute: pd.array(np.asarray(j_attribute, dtype=object)[journey], dtype="str"),
            "ces": survey(ces),
            "csat": survey(csat),
        }
    )


def write_csv(frame: pd.DataFrame, path: Any) -> None:
    """Write a sample log the way the bundled files are written."""
    frame.to_csv(path, index=False, date_format=CSV_DATE_FORMAT, lineterminator="\n")


def target_yaml(target: Mapping[str, Any], *, header: str) -> str:
    """The target journey as YAML, in the layout ``TargetJourney.from_yaml`` reads."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)  # indent list items under their key

    def flow_lists(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
        if all(isinstance(x, str) for x in data):  # aliases: [a, b]
            return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data)

    _Dumper.add_representer(list, flow_lists)
    body = yaml.dump(dict(target), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comments + body
