"""The engine side of friction detection: the few extra aggregates the detectors need.

Everything here is an Ibis expression over the walk and journey relations that
:func:`journeymap.mining.engine.mine_tables` has already materialised, so no extra sort of the
events happens except one, for repeat contacts, over the contact events only (they are grouped by
customer across journeys, not by journey). The detailed queries run only for the candidates the
cheap aggregates point at (transitions with returns, escalations or a slow mode), and only
aggregates come back as pandas DataFrames.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from journeymap.mining.engine import DesignedEffort, to_frame, unsigned_text_hash
from journeymap.mining.friction_stats import binomial_cdf
from journeymap.mining.scores import DEFAULT_CONTACT_CHANNELS, EffortWeights, contact_values
from journeymap.model.friction import WAIT_WEIGHT

__all__ = ["FrictionSettings", "friction_facts"]

BINS_PER_DOUBLING = 2  # wait histograms: one bin per factor √2

# defaults of FrictionSettings (documented in journeymap.mining.frictions)
MIN_SHARE = 0.05  # a friction concerns at least 5% of the journeys (or moves) at its place
MIN_RATIO = 2.0  # "far more than elsewhere": at least twice the rate elsewhere
MARGIN = 0.05  # unnecessary step: lift below 5 points with confidence, and below 2.5 measured
ESCALATION = 0.3  # channel switch: designed effort at least 0.3 higher (web 0.2 → chat 0.5)
ENTRY_SHARE = 0.9  # unnecessary step: not a step (nearly) every journey through it starts at


@dataclass(frozen=True)
class FrictionSettings:
    """The thresholds of friction detection (built by ``mine`` from its parameters).

    See :mod:`journeymap.mining.frictions` for what each one does.
    """

    alpha: float = 0.05
    min_journeys: int = 30
    min_share: float = MIN_SHARE
    min_ratio: float = MIN_RATIO
    slow_factor: float = 3.0
    min_delay_s: float = 3 * 86400.0
    repeat_window_s: float = 7 * 86400.0
    contacts: frozenset[str] = DEFAULT_CONTACT_CHANNELS
    escalation: float = ESCALATION
    margin: float = MARGIN
    weights: EffortWeights = field(default_factory=EffortWeights)
    wait_weight: float = WAIT_WEIGHT  # minutes of effort one minute of waiting weighs

    def contact_values(self, channels: Iterable[str]) -> list[str]:
        """The channel values of the log that are contact channels."""
        return contact_values(channels, self.contacts)

    def designed_by_event(
        self, by_code: dict[int, float], names: dict[int, str], channel_codes: dict[str, int] | None
    ) -> DesignedEffort:
        """The designed effort of each event, by its touchpoint's code (a touchpoint weight)
        or else its channel's code (``channel_codes``: channel name -> code). Without channel
        codes, each touchpoint's (``by_code``, from :meth:`designed_by_code`) stands for its
        events'."""
        w = self.weights
        if channel_codes is None:  # by the log's own mix of channels: a key of its values
            values = _by_code(by_code)
            return DesignedEffort(values, (), w.unknown_channel, key=values)
        own = {code: float(w.touchpoints[n]) for code, n in names.items() if n in w.touchpoints}
        channels = {code: w.channel_effort(name) for name, code in channel_codes.items()}
        key = (w.channels, w.touchpoints, w.unknown_channel)
        return DesignedEffort(_by_code(own), _by_code(channels), w.unknown_channel, key=key)

    def designed_by_code(self, mix: pd.DataFrame, names: dict[int, str]) -> dict[int, float] | None:
        """Each touchpoint's designed effort: its own weight, else the mean weight of the channels
        of its events (``mix``: ``tp_code``, ``channel``, ``n``); None when the log has no
        channel and no touchpoint weight applies."""
        w = self.weights
        own = {code: float(w.touchpoints[n]) for code, n in names.items() if n in w.touchpoints}
        if mix.empty and not own:
            return None
        out = dict.fromkeys(names, w.unknown_channel)
        if not mix.empty:
            weight = mix["channel"].map(w.channel_effort) * mix["n"]
            by_code = weight.groupby(mix["tp_code"]).sum() / mix.groupby("tp_code")["n"].sum()
            out.update({int(c): float(v) for c, v in by_code.items()})
        out.update(own)
        return out


def friction_facts(
    *,
    steps: pd.DataFrame,
    walk: ir.Table,
    jr: ir.Table,
    events: ir.Table,
    names: dict[int, str],
    transitions: pd.DataFrame,
    channels: list[str],
    main_channel: dict[int, str],
    settings: FrictionSettings,
    channel_codes: dict[str, int] | None = None,
) -> dict[str, pd.DataFrame]:
    """The aggregates behind slow transitions, ping-pong, channel switches and repeat contacts.

    Adds the column ``escalations`` to ``transitions`` (see :func:`escalations`) and
    ``loop_span_s`` to ``steps`` (the median time from the first to the last visit of the step
    in the journeys that visit it again; measured for loop candidates only). Returns a dict of
    small DataFrames: ``wait_hist``, ``slow``, ``pairs``, ``switches`` and ``contacts`` (empty
    frames when nothing qualifies). ``channel_codes`` (channel name -> ``ch_code``) lets
    contacts be picked by code instead of by name.
    """
    contacts = settings.contact_values(channels)
    transitions["escalations"] = escalations(transitions, main_channel, contacts, settings)
    moves = walk.filter(walk.nxt_code.notnull())
    width = max(names, default=0) + 1
    key = moves.tp_code.cast("int64") * width + moves.nxt_code.cast("int64")
    outcome = jr.select("jid", "decided", "won")  # booleans: cheaper than comparing strings
    facts: dict[str, pd.DataFrame] = {}

    # wait histograms (log scale), the input of slow-mode detection, of the transitions that
    # can have one: enough moves, and waits long enough for a slow mode min_delay_s after
    # the usual ones
    can = transitions[
        (transitions["tp_code"] != transitions["nxt_code"])  # a repeat is a loop, not a wait
        & (transitions["count"] >= 2 * settings.min_journeys)
        & (transitions["max_s"] >= settings.min_delay_s)
    ]
    facts["wait_hist"] = pd.DataFrame(columns=["tp_code", "nxt_code", "bin", "n"])
    if not can.empty:
        m = moves.filter(_in(key, width, can[["tp_code", "nxt_code"]].to_numpy()))
        bin_ = (ibis.greatest(m.wait_s, 1.0).log2() * BINS_PER_DOUBLING).floor().cast("int32")
        hist = m.mutate(bin=bin_).group_by(["tp_code", "nxt_code", "bin"]).aggregate(n=_count)
        facts["wait_hist"] = to_frame(hist)
    slow_cut = slow_thresholds(facts["wait_hist"], settings)
    facts["slow"] = _slow(moves, key, width, slow_cut, outcome)

    # ping-pong and channel switches: only the pairs whose move-level rates already pass the
    # support and effect gates are followed to the journeys
    facts["pairs"] = _pairs(moves, key, width, pair_candidates(transitions, settings), outcome)
    cand = switch_candidates(transitions, settings)
    facts["switches"] = _switches(moves, key, width, cand, outcome)

    steps["loop_span_s"] = steps["tp_code"].map(_loop_spans(walk, loop_candidates(steps, settings)))
    facts["contacts"] = _contacts(events, contacts, settings.repeat_window_s, channel_codes)
    return facts


def _by_code(values: dict[int, float]) -> tuple[float | None, ...]:
    """A list indexed by code (None where a code has no value; empty without values)."""
    out: list[float | None] = [None] * (max(values, default=-1) + 1)
    for code, value in values.items():
        out[code] = value
    return tuple(out)


def _count(t: ir.Table) -> ir.Value:
    return t.count()


def loop_candidates(steps: pd.DataFrame, settings: FrictionSettings) -> list[int]:
    """Touchpoints visited again in at least ``min_journeys`` journeys, ``min_share`` of those
    reaching them, and ``min_ratio`` times the share at other touchpoints."""
    k, n = steps["loopers"].astype("float64"), steps["journeys"].astype("float64")
    base = (k.sum() - k) / (n.sum() - n).where(lambda m: m > 0)
    rate = k / n
    ok = (k >= settings.min_journeys) & (rate >= settings.min_share)
    ok &= ~(rate < settings.min_ratio * base)
    return [int(c) for c in steps.loc[ok, "tp_code"]]


def _loop_spans(walk: ir.Table, codes: list[int]) -> dict[int, float]:
    """Median time from the first to the last visit of each touchpoint among the journeys
    that visit it more than once."""
    if not codes:
        return {}
    m = walk.filter(walk.tp_code.isin(codes))
    per_journey = m.group_by(["jid", "tp_code"]).aggregate(
        n=m.count(), span_s=(m.t_us.max() - m.t_us.min()).cast("float64") / 1e6
    )
    loops = per_journey.filter(per_journey.n > 1)
    df = to_frame(loops.group_by("tp_code").aggregate(span_s=loops.span_s.median()))
    return dict(zip(df["tp_code"].astype(int), df["span_s"], strict=True))


def pair_candidates(tr: pd.DataFrame, settings: FrictionSettings) -> list[tuple[int, int]]:
    """Pairs {A, B} (as ``(lo, hi)`` codes) whose moves are followed by the return at least
    ``min_share`` of the time and ``min_ratio`` times as often as other moves."""
    moving = tr[tr["tp_code"] != tr["nxt_code"]]
    if moving.empty:
        return []
    lo = np.minimum(moving["tp_code"], moving["nxt_code"]).astype("int64")
    hi = np.maximum(moving["tp_code"], moving["nxt_code"]).astype("int64")
    g = moving.groupby([lo, hi])[["returns", "count"]].sum()
    all_r, all_m = g["returns"].sum(), g["count"].sum()
    base = (all_r - g["returns"]) / (all_m - g["count"]).where(lambda m: m > 0)
    rate = g["returns"] / g["count"]
    ok = (
        (g["returns"] >= settings.min_journeys)
        & (rate >= settings.min_share)
        & ~(rate < settings.min_ratio * base)
    )
    return [(int(a), int(b)) for a, b in g.index[ok]]


def escalations(
    tr: pd.DataFrame, main_channel: dict[int, str], contacts: list[str], settings: FrictionSettings
) -> pd.Series:
    """Channel switches on a transition A → B that escalate: B's main channel is a contact
    channel whose designed effort is at least ``escalation`` above A's (web → phone, not
    web → email). Judged on the touchpoints' main channels, so no channel is compared event by
    event; 0 for the other transitions."""
    w = settings.weights
    a = tr["tp_code"].map(main_channel)
    b = tr["nxt_code"].map(main_channel)
    rise = b.map(w.channel_effort, na_action="ignore") - a.map(w.channel_effort, na_action="ignore")
    up = b.isin(set(contacts)) & (a != b) & (rise >= settings.escalation - 1e-9)
    return tr["channel_switches"].where(up, 0).astype("int64")


def switch_candidates(tr: pd.DataFrame, settings: FrictionSettings) -> list[tuple[int, int]]:
    """Transitions A → B whose escalations are at least ``min_share`` of the moves out of A and
    ``min_ratio`` times the escalation rate after other steps."""
    out_a = tr.groupby("tp_code")["count"].transform("sum")
    all_e, all_m = tr["escalations"].sum(), tr["count"].sum()
    rate = tr["escalations"] / out_a
    base = (all_e - tr["escalations"]) / (all_m - out_a).where(lambda m: m > 0)
    ok = (
        (tr["escalations"] >= settings.min_journeys)
        & (rate >= settings.min_share)
        & ~(rate < settings.min_ratio * base)
    )
    return [(int(a), int(b)) for a, b in tr.loc[ok, ["tp_code", "nxt_code"]].to_numpy()]


def slow_thresholds(hist: pd.DataFrame, settings: FrictionSettings) -> pd.DataFrame:
    """Transitions whose waits have a slow mode: two peaks on a log scale, the slower at least
    ``slow_factor`` times the faster and ``min_delay_s`` later (so that nights, weekends and a
    customer coming back in a later session do not count), and a clear dip between them.

    Returns one row per candidate: ``tp_code``, ``nxt_code``, the cut in seconds between the
    usual and the slow waits (``cut_s``) and the dip test's p-value (``p_dip``).

    The dip test: with ``v`` waits in the emptiest window between the peaks and ``m`` in the
    smaller peak's window of the same width, a flat density would put each of the ``v + m``
    waits in either window with probability ½; ``p_dip = P(Binomial(v + m, ½) ≤ v)``.
    """
    rows: list[tuple[int, int, float, float]] = []
    found: list[tuple[int, int, float, float, float]] = []
    if hist.empty:
        return pd.DataFrame(rows, columns=["tp_code", "nxt_code", "cut_s", "p_dip"])
    min_gap = math.ceil(math.log2(settings.slow_factor) * BINS_PER_DOUBLING)
    need = settings.min_journeys
    hist = hist.sort_values(["tp_code", "nxt_code", "bin"])
    keys = hist[["tp_code", "nxt_code"]].to_numpy()
    starts = np.flatnonzero(np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)])
    bins, ns = hist["bin"].to_numpy(), hist["n"].to_numpy()
    for first, last in zip(starts, [*starts[1:], len(hist)], strict=True):
        lo, hi = int(bins[first]), int(bins[last - 1])
        total = int(ns[first:last].sum())
        if total < 2 * need or hi - lo <= min_gap:
            continue
        counts = [0.0] * (hi - lo + 1)
        for bin_, n in zip(bins[first:last], ns[first:last], strict=True):
            counts[int(bin_) - lo] = float(n)
        a, b = (int(x) for x in keys[first])
        for cut, valley, peak in _dips(counts, lo, total, min_gap, need, settings):
            found.append((a, b, 2.0 ** ((lo + cut) / BINS_PER_DOUBLING), valley, peak))
    if found:  # one vectorised call: scipy costs more per call than per value
        f = pd.DataFrame(found, columns=["tp_code", "nxt_code", "cut_s", "valley", "peak"])
        f["p_dip"] = binomial_cdf(f["valley"], f["valley"] + f["peak"], 0.5)
        best = f.sort_values(["p_dip", "cut_s"]).drop_duplicates(["tp_code", "nxt_code"])
        rows = list(best[["tp_code", "nxt_code", "cut_s", "p_dip"]].itertuples(index=False))
    return pd.DataFrame(rows, columns=["tp_code", "nxt_code", "cut_s", "p_dip"])


def _centre(window: int) -> float:
    """Seconds at the middle of the two-bin window starting at bin ``window``."""
    return 2.0 ** ((window + 1) / BINS_PER_DOUBLING)


def _dips(
    counts: list[float],
    lo: int,
    total: int,
    min_gap: int,
    need: int,
    settings: FrictionSettings,
) -> list[tuple[int, float, float]]:
    """The possible cuts of one transition's wait histogram: (cut bin, waits in the valley
    window, waits in the smaller peak's window)."""
    win = [a + b for a, b in itertools.pairwise(counts)]  # windows of a factor 2
    k = len(win)
    before = [0] * k  # before[v]: the highest window left of v
    for v in range(1, k):
        before[v] = v - 1 if win[v - 1] > win[before[v - 1]] or v == 1 else before[v - 1]
    after = [k - 1] * k  # after[v]: the highest window right of v
    for v in range(k - 3, -1, -1):
        after[v] = v + 1 if win[v + 1] >= win[after[v + 1]] else after[v + 1]
    tail = [0.0] * (len(counts) + 1)  # tail[i]: waits in bins >= i
    for i in range(len(counts) - 1, -1, -1):
        tail[i] = tail[i + 1] + counts[i]
    out = []
    for v in range(1, k - 1):  # v: the valley window
        f, s = before[v], after[v]
        valley, peak = win[v], min(win[f], win[s])
        if s - f < min_gap or valley > 0.5 * peak or valley > min(win[f + 1 : s]):
            continue
        gap_s = 2.0 ** ((lo + s + 1) / BINS_PER_DOUBLING) - 2.0 ** (
            (lo + f + 1) / BINS_PER_DOUBLING
        )
        slow = tail[v + 1]
        if gap_s < settings.min_delay_s or min(slow, total - slow) < need:
            continue
        if slow < settings.min_share * total:
            continue
        out.append((v + 1, valley, peak))
    return out


def _in(key: ir.Value, width: int, pairs: Iterable[tuple[int, int]]) -> ir.Value:
    return key.isin([int(a) * width + int(b) for a, b in pairs])


def _slow(
    moves: ir.Table, key: ir.Value, width: int, cuts: pd.DataFrame, outcome: ir.Table
) -> pd.DataFrame:
    """For each slow candidate: usual and slow waits, and the journeys with a slow wait."""
    if cuts.empty:
        return pd.DataFrame()
    cols = cuts[["tp_code", "nxt_code", "cut_s"]].itertuples(index=False)
    cut_of = {int(a) * width + int(b): float(c) for a, b, c in cols}
    m = moves.mutate(key=key).filter(lambda t: t.key.isin(list(cut_of)))
    m = m.mutate(slow=m.wait_s >= m.key.substitute(cut_of).cast("float64"))
    per_journey = m.group_by(["tp_code", "nxt_code", "jid"]).aggregate(
        slow=m.slow.max(),
        slow_wait_s=m.wait_s.max(where=m.slow),
    )
    per_journey = per_journey.join(outcome, "jid")
    decided = per_journey.decided
    converted = per_journey.won
    slow = per_journey.slow
    by_journey = per_journey.group_by(["tp_code", "nxt_code"]).aggregate(
        journeys=per_journey.count(),
        slow_journeys=slow.sum(),
        slow_decided=(slow & decided).sum(),
        slow_converted=(slow & converted).sum(),
        usual_decided=(~slow & decided).sum(),
        usual_converted=(~slow & converted).sum(),
    )
    waits = m.group_by(["tp_code", "nxt_code"]).aggregate(
        moves=m.count(),
        slow_moves=m.slow.sum(),
        usual_s=m.wait_s.median(where=~m.slow),
        slow_s=m.wait_s.median(where=m.slow),
    )
    df = to_frame(waits.join(by_journey, ["tp_code", "nxt_code"]))
    return df.merge(cuts, on=["tp_code", "nxt_code"])


def _pairs(
    moves: ir.Table, key: ir.Value, width: int, pairs: list[tuple[int, int]], outcome: ir.Table
) -> pd.DataFrame:
    """For each candidate pair {A, B}: journeys moving between them, and those bouncing
    (``A → B → A`` or ``B → A → B``) with their conversions and bouncing time."""
    if not pairs:
        return pd.DataFrame()
    both = [(a, b) for a, b in pairs] + [(b, a) for a, b in pairs]
    m = moves.filter(_in(key, width, both))
    returned = (m.nxt2_code == m.tp_code).fill_null(False)
    end_us = m.t_us + (m.wait_s * 1e6).cast("int64")
    m = m.mutate(
        lo=ibis.least(m.tp_code, m.nxt_code),
        hi=ibis.greatest(m.tp_code, m.nxt_code),
        returned=returned,
        end_us=end_us,
    )
    per_journey = m.group_by(["lo", "hi", "jid"]).aggregate(
        bounced=m.returned.max(),
        bounces=m.returned.sum(),
        start_us=m.t_us.min(where=m.returned),
        stop_us=m.end_us.max(),  # the end of the last move between A and B
    )
    per_journey = per_journey.join(outcome, "jid")
    decided = per_journey.decided
    converted = per_journey.won
    bounced = per_journey.bounced
    span = (per_journey.stop_us - per_journey.start_us).cast("float64") / 1e6
    agg = per_journey.group_by(["lo", "hi"]).aggregate(
        journeys=per_journey.count(),
        bouncers=bounced.sum(),
        bounces=per_journey.bounces.sum(),
        bounce_decided=(bounced & decided).sum(),
        bounce_converted=(bounced & converted).sum(),
        other_decided=(~bounced & decided).sum(),
        other_converted=(~bounced & converted).sum(),
        span_s=span.median(where=bounced),
    )
    return to_frame(agg)


def _switches(
    moves: ir.Table, key: ir.Value, width: int, pairs: list[tuple[int, int]], outcome: ir.Table
) -> pd.DataFrame:
    """For each candidate transition A → B: the journeys that escalate on it."""
    if not pairs:
        return pd.DataFrame()
    m = moves.filter(_in(key, width, pairs) & moves.switch)
    # the wait for B; the detour adds B's median dwell (see frictions._switches)
    detour = m.group_by(["tp_code", "nxt_code"]).aggregate(switch_wait_s=m.wait_s.median())
    per_journey = m.select("tp_code", "nxt_code", "jid").distinct().join(outcome, "jid")
    decided = per_journey.decided
    converted = per_journey.won
    agg = per_journey.group_by(["tp_code", "nxt_code"]).aggregate(
        switchers=per_journey.count(),
        switch_decided=decided.sum(),
        switch_converted=converted.sum(),
    )
    return to_frame(agg.join(detour, ["tp_code", "nxt_code"]))


def _contacts(
    events: ir.Table,
    contacts: list[str],
    window_s: float,
    codes: dict[str, int] | None = None,
) -> pd.DataFrame:
    """Per contact touchpoint: contacts, customers, and contacts that repeat the same reason
    (touchpoint) within ``window_s`` of the customer's previous one, across journeys.

    ``codes`` maps channel names to ``ch_code``: the contacts are then picked by code."""
    if not contacts:
        return pd.DataFrame()
    # customers are grouped by a 64-bit hash of their id: sorting by an integer is several
    # times faster than by a string, and a collision among a million customers has odds of
    # about 1 in 30 million
    if codes is not None:
        ev = events.filter(events.ch_code.isin([int(codes[c]) for c in contacts if c in codes]))
    else:
        ev = events.filter(events.channel.isin(contacts))
    ev = ev.select(customer=unsigned_text_hash(ev.customer), tp_code=ev.tp_code, t_us=ev.t_us)
    w = ibis.window(group_by=[ev.customer, ev.tp_code], order_by=ev.t_us)
    gap_s = (ev.t_us - ev.t_us.lag().over(w)).cast("float64") / 1e6
    ev = ev.mutate(gap_s=gap_s, repeat=(gap_s <= window_s).fill_null(False))
    agg = ev.group_by("tp_code").aggregate(
        contacts=ev.count(),
        customers=ev.gap_s.isnull().sum(),  # a customer's first contact of a reason
        repeats=ev.repeat.sum(),
        gap_s=ev.gap_s.median(where=ev.repeat),
        gap_total_s=ev.gap_s.sum(where=ev.repeat),
    )
    # customers who repeat a reason, from the few repeats: a second window over every contact
    # (a customer's first repeat) costs as much as the first (10M events: 0.55 s vs 0.32 s)
    repeaters = ev.filter(ev.repeat).select("customer", "tp_code").distinct()
    per_reason = repeaters.group_by("tp_code").aggregate(repeat_customers=_count)
    df = to_frame(agg.left_join(per_reason, "tp_code").drop("tp_code_right"))
    df["repeat_customers"] = df["repeat_customers"].fillna(0).astype("int64")
    return df
