"""The engine side of friction detection: the few extra aggregates the detectors need.

Everything here is an Ibis expression over the walk and journey relations that
:func:`journeymap.mining.engine.mine_tables` has already materialised, so no extra sort of the
events happens except one, for repeat contacts, over the contact events only (they are grouped by
customer across journeys, not by journey). The detailed queries run only for the candidates the
cheap aggregates point at (transitions with returns, escalations or a slow mode), and only
aggregates come back as pandas DataFrames.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from journeymap.mining.scores import DEFAULT_CONTACT_CHANNELS, EffortWeights, contact_values

__all__ = ["FrictionSettings", "friction_facts"]

BINS_PER_DOUBLING = 2  # wait histograms: one bin per factor √2

# defaults of FrictionSettings (documented in journeymap.mining.frictions)
MIN_SHARE = 0.05  # a friction concerns at least 5% of the journeys (or moves) at its place
MIN_RATIO = 2.0  # "far more than elsewhere": at least twice the rate elsewhere
MARGIN = 0.04  # unnecessary step: conversion lift below 4 points, with confidence
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

    def contact_values(self, channels: Iterable[str]) -> list[str]:
        """The channel values of the log that are contact channels."""
        return contact_values(channels, self.contacts)

    def designed_expr(
        self, events: ir.Table, channels: Iterable[str], names: dict[int, str]
    ) -> ir.Value | None:
        """Each event's designed effort (touchpoint weight, else its channel's), or None when
        the log has no channel and no touchpoint weight applies."""
        w = self.weights
        by_channel = {c: w.channel_effort(c) for c in channels}
        own = w.touchpoints
        by_code = {code: float(own[name]) for code, name in names.items() if name in own}
        if not by_channel and not by_code:
            return None
        value: ir.Value = ibis.literal(w.unknown_channel, type="float64")
        if by_channel:
            value = events.channel.substitute(by_channel, else_=value).cast("float64")
        if by_code:
            value = events.tp_code.substitute(by_code, else_=value).cast("float64")
        return value


def friction_facts(
    *,
    walk: ir.Table,
    jr: ir.Table,
    events: ir.Table,
    names: dict[int, str],
    transitions: pd.DataFrame,
    contacts: list[str],
    settings: FrictionSettings,
) -> dict[str, pd.DataFrame]:
    """The aggregates behind slow transitions, ping-pong, channel switches and repeat contacts.

    Returns a dict of small DataFrames: ``wait_hist``, ``slow``, ``pairs``, ``switches`` and
    ``contacts`` (empty frames when nothing qualifies).
    """
    moves = walk.filter(walk.nxt_code.notnull())
    width = max(names, default=0) + 1
    key = moves.tp_code.cast("int64") * width + moves.nxt_code.cast("int64")
    outcome = jr.select("jid", "outcome")
    facts: dict[str, pd.DataFrame] = {}

    # wait histograms per transition (log scale): the input of slow-mode detection
    bin_ = (ibis.greatest(moves.wait_s, 1.0).log2() * BINS_PER_DOUBLING).floor().cast("int32")
    hist = moves.mutate(bin=bin_).group_by(["tp_code", "nxt_code", "bin"]).aggregate(n=_count)
    facts["wait_hist"] = hist.to_pandas()
    slow_cut = slow_thresholds(facts["wait_hist"], settings)
    facts["slow"] = _slow(moves, key, width, slow_cut, outcome)

    # ping-pong and channel switches: only the pairs whose move-level rates already pass the
    # support and effect gates are followed to the journeys
    facts["pairs"] = _pairs(moves, key, width, pair_candidates(transitions, settings), outcome)
    cand = switch_candidates(transitions, settings)
    facts["switches"] = _switches(moves, key, width, cand, outcome)

    facts["contacts"] = _contacts(events, contacts, settings.repeat_window_s)
    return facts


def _count(t: ir.Table) -> ir.Value:
    return t.count()


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
    from scipy.stats import binom

    rows = []
    min_gap = math.ceil(math.log2(settings.slow_factor) * BINS_PER_DOUBLING)
    need = settings.min_journeys
    for (a, b), g in hist.groupby(["tp_code", "nxt_code"], sort=False):
        total = int(g["n"].sum())
        lo, hi = int(g["bin"].min()), int(g["bin"].max())
        if total < 2 * need or hi - lo <= min_gap:
            continue
        counts = np.zeros(hi - lo + 1)
        counts[g["bin"].to_numpy() - lo] = g["n"].to_numpy()
        win = counts[:-1] + counts[1:]  # windows of two bins: a factor 2

        def centre(w: int, lo: int = lo) -> float:  # seconds at the middle of window w
            return 2.0 ** ((lo + w + 1) / BINS_PER_DOUBLING)

        best: tuple[int, float] | None = None
        for v in range(1, len(win) - 1):  # v: the valley window
            f = int(np.argmax(win[:v]))
            s = v + 1 + int(np.argmax(win[v + 1 :]))
            if s - f < min_gap or win[v] > win[f + 1 : s].min():
                continue
            if centre(s) - centre(f) < settings.min_delay_s:
                continue
            valley, peak = win[v], min(win[f], win[s])
            slow = counts[v + 1 :].sum()
            if valley > 0.5 * peak or min(slow, total - slow) < need:
                continue
            if slow < settings.min_share * total:
                continue
            p = float(binom.cdf(valley, valley + peak, 0.5))
            if best is None or p < best[1]:
                best = (v + 1, p)
        if best is not None:
            rows.append((a, b, 2.0 ** ((lo + best[0]) / BINS_PER_DOUBLING), best[1]))
    return pd.DataFrame(rows, columns=["tp_code", "nxt_code", "cut_s", "p_dip"])


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
    decided = per_journey.outcome != "open"
    converted = per_journey.outcome == "converted"
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
    df = waits.join(by_journey, ["tp_code", "nxt_code"]).to_pandas()
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
    end_us = m.t_us + (m.wait2_s * 1e6).cast("int64")
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
        stop_us=m.end_us.max(where=m.returned),
    )
    per_journey = per_journey.join(outcome, "jid")
    decided = per_journey.outcome != "open"
    converted = per_journey.outcome == "converted"
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
    return agg.to_pandas()


def _switches(
    moves: ir.Table, key: ir.Value, width: int, pairs: list[tuple[int, int]], outcome: ir.Table
) -> pd.DataFrame:
    """For each candidate transition A → B: the journeys that escalate on it."""
    if not pairs:
        return pd.DataFrame()
    m = moves.filter(_in(key, width, pairs) & moves.escalates)
    # the detour: from A to the touchpoint after B (or to B when the journey ends there)
    detour = m.group_by(["tp_code", "nxt_code"]).aggregate(
        detour_s=m.wait2_s.fill_null(m.wait_s).median()
    )
    per_journey = m.select("tp_code", "nxt_code", "jid").distinct().join(outcome, "jid")
    decided = per_journey.outcome != "open"
    converted = per_journey.outcome == "converted"
    agg = per_journey.group_by(["tp_code", "nxt_code"]).aggregate(
        switchers=per_journey.count(),
        switch_decided=decided.sum(),
        switch_converted=converted.sum(),
    )
    return agg.join(detour, ["tp_code", "nxt_code"]).to_pandas()


def _contacts(events: ir.Table, contacts: list[str], window_s: float) -> pd.DataFrame:
    """Per contact touchpoint: contacts, customers, and contacts that repeat the same reason
    (touchpoint) within ``window_s`` of the customer's previous one, across journeys."""
    if not contacts:
        return pd.DataFrame()
    # customers are grouped by a 64-bit hash of their id: sorting by an integer is several
    # times faster than by a string, and a collision among a million customers has odds of
    # about 1 in 30 million
    ev = events.filter(events.channel.isin(contacts))
    ev = ev.select(customer=ev.customer.hash(), tp_code=ev.tp_code, t_us=ev.t_us)
    w = ibis.window(group_by=[ev.customer, ev.tp_code], order_by=ev.t_us)
    gap_s = (ev.t_us - ev.t_us.lag().over(w)).cast("float64") / 1e6
    ev = ev.mutate(gap_s=gap_s)
    repeat = (ev.gap_s <= window_s).fill_null(False)
    agg = ev.group_by("tp_code").aggregate(
        contacts=ev.count(),
        customers=ev.customer.nunique(),
        repeats=repeat.sum(),
        repeat_customers=ev.customer.nunique(where=repeat),
        gap_s=ev.gap_s.median(where=repeat),
        gap_total_s=ev.gap_s.sum(where=repeat),
    )
    return agg.to_pandas()
