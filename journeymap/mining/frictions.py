"""Friction detection: the steps, pairs and transitions that cost customers time or lose them.

Each detector reads the aggregates of :func:`journeymap.mining.engine.mine_tables` (never the
events), proposes candidates with enough support, tests the rate that defines them against the
same rate elsewhere, and keeps a candidate only when the test holds after the Benjamini–Hochberg
correction over *all* tests of the log and the effect is large. Every kept friction carries its
figures (``evidence``), one sentence with the numbers, and a severity on the one scale of
:func:`journeymap.severity_score` (customer-hours of effort: journeys × (active minutes +
``wait_weight`` × waiting minutes), plus lost conversions × 60 minutes).

Active and waiting minutes: every cost below is elapsed time made of gaps between events; each
gap counts as effort up to ``ACTIVE_GAP_MINUTES`` (30, a session) and the rest as waiting
(:func:`journeymap.model.friction.split_minutes`, applied to the median with the number of
gaps the cost spans). A slow transition's extra wait is all waiting. The evidence holds
``active_minutes``, ``wait_minutes``, ``wait_weight`` and ``lost_conversions``.

Kinds and their rules (``n`` = ``min_journeys``, ``s`` = ``MIN_SHARE``, ``r`` = ``MIN_RATIO``):

- ``dropoff`` (goal needed): exit rate at a step (dropped journeys ending there / decided
  journeys reaching it before the goal) ≥ ``r`` × the exit rate at the other steps; ≥ ``n``
  exits. Lost conversions: the exits above the rate elsewhere × the conversion rate of the
  journeys that went on.
- ``loop``: share of the journeys reaching a step that visit it again ≥ ``s`` and ≥ ``r`` × the
  same share at the other steps; ≥ ``n`` such journeys. Cost: the median time between the first
  and the last visit (one gap per immediate repeat, two per return through another step), and
  the conversion gap of those journeys when significant.
- ``ping_pong``: moves A → B (or B → A) followed by the return, as a share of those moves,
  ≥ ``r`` × the return rate of other moves; ≥ ``n`` bouncing journeys and ≥ ``s`` of the journeys
  moving between A and B. Cost: the median time from the first bounce to the last return (one
  gap per bounce, plus the first move).
- ``channel_switch``: escalations A → B (to another channel, a contact channel whose designed
  effort is at least ``ESCALATION`` higher, e.g. web → phone) as a share of the moves out of A,
  ≥ ``s`` and ≥ ``r`` × the escalation rate after other steps; B is a contact touchpoint (its main
  channel is a contact channel) and A has a way forward in its own channel (≥ ``s`` of its moves
  stay in the channel), so a designed hand-over is not a friction. Cost: the detour, the median
  wait from A to B plus B's median dwell (two gaps).
- ``repeat_contact``: contacts of one reason (touchpoint on a contact channel) that repeat the
  same customer's previous one within ``repeat_window`` (across journeys), as a share of its
  contacts, ≥ ``s`` and ≥ ``r`` × the share for other reasons; ≥ ``n`` customers. Cost: the
  repeated contacts (each the contact's median dwell, one gap: effort) and the mean time
  between the contacts that repeat (the issue stays open: waiting).
- ``unnecessary_step`` (goal needed): conversion with the step minus conversion without it is
  below ``MARGIN`` (5 points) with confidence (one-sided z-test against the margin) and the
  measured lift is below half the margin, with ≥ ``n`` decided journeys each way, and the step
  takes time. Not for an entry point (≥ 90% of its
  journeys start there), nor when journeys without it do far better (lift below −``MARGIN``:
  an outcome, not a detour), nor when they convert anyway (above 1 − ``MARGIN``). Cost: the
  median dwell at the step (one gap).
- ``slow_transition``: the waits of a transition have a slow mode: on a log scale, two peaks at
  least ``slow_factor`` apart with a dip between them (a binomial test of the dip against a flat
  density); ≥ ``n`` journeys and ≥ ``s`` of the moves in the slow mode. Cost: the slow mode's
  median wait minus the usual one, all waiting.

A finding must cost something: extra customer time or lost conversions (severity above 0).

One friction, one finding: the most specific kind absorbs the others on the same steps —
``ping_pong`` absorbs the loops, repeat contacts and escalations into its two touchpoints,
``repeat_contact`` absorbs the loop on its touchpoint, ``dropoff`` absorbs ``unnecessary_step``
on its step. The absorbed findings are named in the evidence (``absorbs``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from journeymap.mining.friction_facts import ENTRY_SHARE, FrictionSettings
from journeymap.mining.friction_stats import (
    benjamini_hochberg,
    fisher_greater,
    fisher_two_sided,
    normal_cdf,
)
from journeymap.model.friction import (
    Friction,
    rank_frictions,
    severity_score,
    split_minutes,
)

__all__ = ["find_frictions"]


@dataclass
class _Candidate:
    kind: str
    steps: tuple[str, ...]
    journeys: int
    p: float  # the test's p-value (NaN: no comparison possible, not part of the family)
    effect_ok: bool  # support and effect gates passed
    active: float = 0.0  # minutes of effort per affected journey
    wait: float = 0.0  # minutes of waiting per affected journey
    lost: float = 0.0
    evidence: dict[str, Any] = field(default_factory=dict)
    sentence: Callable[[_Candidate], str] = field(default=lambda c: "")
    suggestion: str = ""
    q: float = math.nan
    absorbs: list[str] = field(default_factory=list)
    alpha: float = 0.05


def find_frictions(
    *,
    steps: pd.DataFrame,
    transitions: pd.DataFrame,
    facts: dict[str, pd.DataFrame],
    totals: dict[str, int],
    goal: tuple[str, ...],
    names: dict[int, str],
    settings: FrictionSettings,
) -> tuple[Friction, ...]:
    """Detect, test, deduplicate and rank the frictions of a mined log.

    ``steps`` and ``transitions`` are the engine's frames with their fact columns, ``facts`` the
    output of :func:`journeymap.mining.friction_facts.friction_facts`, ``totals`` the log's
    ``journeys``, ``converted``, ``decided`` and ``dropped`` counts.
    """
    ctx = _Context(steps, transitions, totals, goal, names, settings)
    cands: list[_Candidate] = []
    if goal:
        cands += _dropoffs(ctx)
        cands += _unnecessary(ctx)
    cands += _loops(ctx)
    cands += _ping_pongs(ctx, facts.get("pairs", pd.DataFrame()))
    cands += _switches(ctx, facts.get("switches", pd.DataFrame()))
    cands += _repeat_contacts(ctx, facts.get("contacts", pd.DataFrame()))
    cands += _slow(ctx, facts.get("slow", pd.DataFrame()))

    tested = [c for c in cands if not math.isnan(c.p)]
    if tested:
        qs = benjamini_hochberg([min(max(c.p, 0.0), 1.0) for c in tested])
        for c, q in zip(tested, qs, strict=True):
            c.q = float(q)
    kept = [c for c in cands if c.effect_ok and (math.isnan(c.p) or c.q <= settings.alpha)]
    kept = [c for c in kept if c.active + c.wait > 0 or c.lost > 0]  # a friction costs something
    kept = _absorb(kept)
    total = max(totals["journeys"], 1)
    wait_weight = settings.wait_weight
    out = []
    for c in kept:
        c.alpha = settings.alpha
        evidence = {
            **c.evidence,
            "active_minutes": round(c.active, 3),
            "wait_minutes": round(c.wait, 3),
            "wait_weight": wait_weight,
            "lost_conversions": round(c.lost, 2),
            "p_value": c.p,
            "q_value": c.q,
        }
        if c.absorbs:
            evidence["absorbs"] = "; ".join(c.absorbs)
        out.append(
            Friction(
                kind=c.kind,
                steps=c.steps,
                journeys=int(c.journeys),
                share=c.journeys / total,
                severity=severity_score(
                    journeys=c.journeys,
                    active_minutes=c.active,
                    wait_minutes=c.wait,
                    lost_conversions=c.lost,
                    wait_weight=wait_weight,
                ),
                explanation=c.sentence(c),
                suggestion=c.suggestion,
                evidence=evidence,
            )
        )
    return rank_frictions(out)


class _Context:
    """The frames and settings every detector reads, indexed for quick look-ups."""

    def __init__(
        self,
        steps: pd.DataFrame,
        transitions: pd.DataFrame,
        totals: dict[str, int],
        goal: tuple[str, ...],
        names: dict[int, str],
        settings: FrictionSettings,
    ) -> None:
        self.steps = steps.set_index("step", drop=False)
        self.transitions = transitions
        self.totals = totals
        self.goal = goal
        self.names = names
        self.s = settings
        self.goal_text = " or ".join(f"'{g}'" for g in goal)


# --------------------------------------------------------------------------------------------
# statistics


def _greater(k1: float, n1: float, k2: float, n2: float) -> float:
    """One-sided p-value that rate k1/n1 exceeds k2/n2 (Fisher's exact test)."""
    return fisher_greater(k1, n1, k2, n2)


def _differs(k1: float, n1: float, k2: float, n2: float) -> float:
    """Two-sided p-value that two rates differ (Fisher's exact test)."""
    return fisher_two_sided(k1, n1, k2, n2)


def _num(x: Any) -> float:
    """A float, 0 for a missing value."""
    return 0.0 if x is None or x != x else float(x)


def _rate(k: float, n: float) -> float:
    return k / n if n > 0 else math.nan


def _conversion_cost(
    ctx: _Context, k1: float, n1: float, k2: float, n2: float
) -> tuple[float, float, float, float]:
    """(conversion of the affected, of the others, lost conversions, p-value of the
    difference): lost counts only when the affected convert significantly less (two-sided
    Fisher at ``alpha``); no comparison (NaN) when either group has fewer than
    ``min_journeys`` decided journeys."""
    if not ctx.goal:
        return math.nan, math.nan, 0.0, math.nan
    c1, c2 = _rate(k1, n1), _rate(k2, n2)
    if min(n1, n2) < ctx.s.min_journeys:
        return c1, c2, 0.0, math.nan
    p = _differs(k1, n1, k2, n2)
    lost = (c2 - c1) * n1 if c1 < c2 and p <= ctx.s.alpha else 0.0
    return c1, c2, lost, p


# --------------------------------------------------------------------------------------------
# wording


def _pct(x: float) -> str:
    if x != x:
        return "–"
    return f"{x:.0%}" if x >= 0.01 or x == 0 else f"{x:.1%}"


def _dur(seconds: float) -> str:
    if seconds != seconds:
        return "–"
    for unit, size in (("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= size:
            value = seconds / size
            whole = value >= 10 or abs(value - round(value)) < 0.05
            return f"{value:.0f} {unit}" if whole else f"{value:.1f} {unit}"
    return f"{seconds:.0f} s"


def _points(a: float, b: float) -> str:
    return f"{abs(a - b) * 100:.0f} points"


def _conversion_clause(c: _Candidate, who: str = "they") -> str:
    a, b = c.evidence.get("conversion_affected"), c.evidence.get("conversion_others")
    p = c.evidence.get("conversion_p_value", math.nan)
    if a is None or b is None or a != a or b != b or p != p or min(a, b) >= 0.995:
        return ""  # no conversion, too few to compare, or everyone converts
    if c.lost > 0:
        return f"; {who} convert {_points(a, b)} less ({_pct(a)} vs {_pct(b)})"
    if p <= c.alpha:
        return f"; {who} convert more often ({_pct(a)} vs {_pct(b)})"
    if abs(a - b) >= 0.05:
        return f"; {who} convert {_pct(a)} vs {_pct(b)}, not a significant difference"
    return f"; {who} convert about as often ({_pct(a)} vs {_pct(b)})"


# --------------------------------------------------------------------------------------------
# detectors


def _dropoffs(ctx: _Context) -> list[_Candidate]:
    st, s = ctx.steps, ctx.s
    exits = st["exits"].astype("float64").fillna(0.0)
    at_risk = st["at_risk"].astype("float64")
    all_exits, all_risk = exits.sum(), at_risk.sum()
    out = []
    for name in st.index:
        e, n = exits[name], at_risk[name]
        if e < s.min_journeys or n <= e:
            continue
        rate, base = e / n, _rate(all_exits - e, all_risk - n)
        went_on = n - e
        after = _rate(float(st.at[name, "converted_at_risk"]), went_on)
        lost = max(0.0, e - n * (base if base == base else 0.0)) * (after if after == after else 0)
        c = _Candidate(
            kind="dropoff",
            steps=(name,),
            journeys=int(e),
            p=_greater(e, n, all_exits - e, all_risk - n),
            effect_ok=rate >= s.min_share and (base != base or rate >= s.min_ratio * base),
            lost=lost,
            evidence={
                "exits": int(e),
                "reached": int(n),
                "rate": rate,
                "baseline_rate": base,
                "conversion_after": after,
            },
            sentence=lambda c, name=name: (
                f"{_pct(c.evidence['rate'])} of the journeys that reach '{name}' end there "
                f"without reaching {ctx.goal_text} ({_pct(c.evidence['baseline_rate'])} at "
                f"other steps): {c.journeys:,} journeys, about {c.lost:,.0f} lost conversions."
            ),
            suggestion=(
                f"Look at what '{name}' asks or shows (costs, forms, errors) and test a simpler "
                "version; reach out to the customers who stop here."
            ),
        )
        out.append(c)
    return out


def _loops(ctx: _Context) -> list[_Candidate]:
    st, s = ctx.steps, ctx.s
    loopers = st["loopers"].astype("float64")
    journeys = st["journeys"].astype("float64")
    all_l, all_j = loopers.sum(), journeys.sum()
    tr = ctx.transitions
    self_moves = tr[tr["tp_code"] == tr["nxt_code"]]
    repeats = dict(zip(self_moves["tp_code"].map(ctx.names), self_moves["count"], strict=True))
    out = []
    for name in st.index:
        k, n = loopers[name], journeys[name]
        if k < s.min_journeys:
            continue
        rate, base = k / n, _rate(all_l - k, all_j - n)
        row = st.loc[name]
        conv = _conversion_cost(
            ctx,
            row["loop_converted"],
            row["loop_decided"],
            row["converted_with"] - row["loop_converted"],
            row["non_open"] - row["loop_decided"],
        )
        span = float(row["loop_span_s"]) if row["loop_span_s"] == row["loop_span_s"] else 0.0
        # going round: at least one gap per immediate repeat, two per return through another
        # step, each effort up to a session; the rest of the span is waiting
        extra = float(row["visits"] - row["journeys"])
        immediate = min(float(repeats.get(name, 0)), extra)
        active, wait = split_minutes(span / 60.0, (2 * extra - immediate) / k)
        out.append(
            _Candidate(
                kind="loop",
                steps=(name,),
                journeys=int(k),
                p=_greater(k, n, all_l - k, all_j - n),
                effect_ok=rate >= s.min_share and (base != base or rate >= s.min_ratio * base),
                active=active,
                wait=wait,
                lost=conv[2],
                evidence={
                    "extra_visits": int(row["visits"] - row["journeys"]),
                    "rate": rate,
                    "baseline_rate": base,
                    "loop_median_s": span,
                    "conversion_affected": conv[0],
                    "conversion_others": conv[1],
                    "conversion_p_value": conv[3],
                },
                sentence=lambda c, name=name: (
                    f"{_pct(c.evidence['rate'])} of the journeys that reach '{name}' go through "
                    f"it again ({_pct(c.evidence['baseline_rate'])} at other steps): "
                    f"{c.evidence['extra_visits']:,} extra visits, a median "
                    f"{_dur(c.evidence['loop_median_s'])} from the first to the last"
                    f"{_conversion_clause(c)}."
                ),
                suggestion=(
                    f"Find why customers repeat '{name}' (errors, rejections, lost input); keep "
                    "what they entered and say clearly what went wrong."
                ),
            )
        )
    return out


def _ping_pongs(ctx: _Context, pairs: pd.DataFrame) -> list[_Candidate]:
    if pairs.empty:
        return []
    s, tr = ctx.s, ctx.transitions
    moving = tr[tr["tp_code"] != tr["nxt_code"]]
    all_r, all_m = float(moving["returns"].sum()), float(moving["count"].sum())
    by_key = moving.set_index(["tp_code", "nxt_code"])
    out = []
    for row in pairs.itertuples(index=False):
        lo, hi = int(row.lo), int(row.hi)
        ab = by_key.loc[(lo, hi)] if (lo, hi) in by_key.index else None
        ba = by_key.loc[(hi, lo)] if (hi, lo) in by_key.index else None
        r = sum(float(x["returns"]) for x in (ab, ba) if x is not None)
        m = sum(float(x["count"]) for x in (ab, ba) if x is not None)
        first_lo = (ab["count"] if ab is not None else 0) >= (ba["count"] if ba is not None else 0)
        a, b = (lo, hi) if first_lo else (hi, lo)
        steps = (ctx.names[a], ctx.names[b])
        share = _rate(row.bouncers, row.journeys)
        base = _rate(all_r - r, all_m - m)
        conv = _conversion_cost(
            ctx, row.bounce_converted, row.bounce_decided, row.other_converted, row.other_decided
        )
        span = float(row.span_s) if row.span_s == row.span_s else 0.0
        # the span holds the bounces plus the move that started them: one gap each
        active, wait = split_minutes(span / 60.0, row.bounces / max(row.bouncers, 1) + 1)
        out.append(
            _Candidate(
                kind="ping_pong",
                steps=steps,
                journeys=int(row.bouncers),
                p=_greater(r, m, all_r - r, all_m - m),
                effect_ok=row.bouncers >= s.min_journeys
                and share >= s.min_share
                and (base != base or r / m >= s.min_ratio * base),
                active=active,
                wait=wait,
                lost=conv[2],
                evidence={
                    "rate": share,
                    "return_rate": r / m,
                    "baseline_rate": base,
                    "moving_journeys": int(row.journeys),
                    "bounces": int(row.bounces),
                    "bounce_median_s": span,
                    "conversion_affected": conv[0],
                    "conversion_others": conv[1],
                    "conversion_p_value": conv[3],
                },
                sentence=lambda c, steps=steps: (
                    f"{_pct(c.evidence['rate'])} of the journeys that go between '{steps[0]}' "
                    f"and '{steps[1]}' bounce back and forth ({c.journeys:,} journeys, "
                    f"{c.evidence['bounces'] / max(c.journeys, 1):.1f} returns each; "
                    f"{_pct(c.evidence['return_rate'])} of these moves are followed by the "
                    f"return, {_pct(c.evidence['baseline_rate'])} of other moves): a median "
                    f"{_dur(c.evidence['bounce_median_s'])} of back and forth"
                    f"{_conversion_clause(c)}."
                ),
                suggestion=(
                    f"Resolve at the first touch: give '{steps[0]}' what it needs so customers "
                    f"are not sent to '{steps[1]}' and back."
                ),
            )
        )
    return out


def _switches(ctx: _Context, switches: pd.DataFrame) -> list[_Candidate]:
    if switches.empty:
        return []
    s, tr, st = ctx.s, ctx.transitions, ctx.steps
    out_moves = tr.groupby("tp_code")["count"].sum()
    stay = out_moves - tr.groupby("tp_code")["channel_switches"].sum()
    all_e, all_m = float(tr["escalations"].sum()), float(tr["count"].sum())
    by_key = tr.set_index(["tp_code", "nxt_code"])
    contact = set(s.contact_values(st["channel"].dropna().unique()))
    out = []
    for row in switches.itertuples(index=False):
        a, b = int(row.tp_code), int(row.nxt_code)
        a_name, b_name = ctx.names[a], ctx.names[b]
        moves_out = float(out_moves.get(a, 0))
        t = by_key.loc[(a, b)]
        e = float(t["escalations"])
        rate, base = _rate(e, moves_out), _rate(all_e - e, all_m - moves_out)
        stays = _rate(float(stay.get(a, 0)), moves_out)
        eligible = st.at[b_name, "channel"] in contact and stays >= s.min_share
        at = st.loc[a_name]
        conv = _conversion_cost(  # those who switch to B after A against the others at A
            ctx,
            row.switch_converted,
            row.switch_decided,
            at["converted_with"] - row.switch_converted,
            at["non_open"] - row.switch_decided,
        )
        to_b, at_b = _num(row.switch_wait_s), _num(st.at[b_name, "median_dwell_s"])
        detour = to_b + at_b
        # two gaps: the wait for B and the time at B, each effort up to a session
        (a1, w1), (a2, w2) = split_minutes(to_b / 60.0), split_minutes(at_b / 60.0)
        active, wait = a1 + a2, w1 + w2
        out.append(
            _Candidate(
                kind="channel_switch",
                steps=(a_name, b_name),
                journeys=int(row.switchers),
                p=_greater(e, moves_out, all_e - e, all_m - moves_out) if eligible else math.nan,
                effect_ok=eligible
                and row.switchers >= s.min_journeys
                and rate >= s.min_share
                and (base != base or rate >= s.min_ratio * base),
                active=active,
                wait=wait,
                lost=conv[2],
                evidence={
                    "rate": rate,
                    "baseline_rate": base,
                    "from_channel": st.at[a_name, "channel"],
                    "to_channel": st.at[b_name, "channel"],
                    "stay_rate": stays,
                    "detour_median_s": detour,
                    "conversion_affected": conv[0],
                    "conversion_others": conv[1],
                    "conversion_p_value": conv[3],
                },
                sentence=lambda c, a_name=a_name, b_name=b_name: (
                    f"{_pct(c.evidence['rate'])} of the customers who leave '{a_name}' "
                    f"({c.evidence['from_channel']}) turn to '{b_name}' "
                    f"({c.evidence['to_channel']}) next ({_pct(c.evidence['baseline_rate'])} "
                    f"after other steps): {c.journeys:,} journeys, a median detour of "
                    f"{_dur(c.evidence['detour_median_s'])}{_conversion_clause(c)}."
                ),
                suggestion=(
                    f"Make '{a_name}' answer what customers then ask '{b_name}': add the missing "
                    "information or a self-service action."
                ),
            )
        )
    return out


def _repeat_contacts(ctx: _Context, contacts: pd.DataFrame) -> list[_Candidate]:
    if contacts.empty:
        return []
    s = ctx.s
    all_r, all_c = float(contacts["repeats"].sum()), float(contacts["contacts"].sum())
    window = _dur(s.repeat_window_s)
    out = []
    for row in contacts.itertuples(index=False):
        name = ctx.names[int(row.tp_code)]
        r, c, rc = float(row.repeats), float(row.contacts), int(row.repeat_customers)
        if rc < s.min_journeys:
            continue
        rate, base = r / c, _rate(all_r - r, all_c - c)
        gap_total = float(row.gap_total_s) if row.gap_total_s == row.gap_total_s else 0.0
        # the repeated contacts are effort (the contact's dwell, up to a session, each); the
        # time between them, while the issue stays open, is waiting
        handling, _ = split_minutes(_num(ctx.steps.at[name, "median_dwell_s"]) / 60.0)
        out.append(
            _Candidate(
                kind="repeat_contact",
                steps=(name,),
                journeys=rc,
                p=_greater(r, c, all_r - r, all_c - c),
                effect_ok=rate >= s.min_share and (base != base or rate >= s.min_ratio * base),
                active=r / rc * handling,
                wait=gap_total / rc / 60.0,
                evidence={
                    "rate": rate,
                    "baseline_rate": base,
                    "customer_rate": rc / row.customers,
                    "contacts": int(c),
                    "repeats": int(r),
                    "gap_median_s": float(row.gap_s),
                    "window_s": s.repeat_window_s,
                },
                sentence=lambda c, name=name: (
                    f"{_pct(c.evidence['customer_rate'])} of the customers who make '{name}' "
                    f"come back for the same reason within {window} ({c.evidence['repeats']:,} "
                    f"repeat contacts, {_pct(c.evidence['rate'])} of its contacts against "
                    f"{_pct(c.evidence['baseline_rate'])} for other contacts), a median "
                    f"{_dur(c.evidence['gap_median_s'])} later."
                ),
                suggestion=(
                    f"Resolve '{name}' at the first contact: check what stays open after it and "
                    "follow up before the customer has to."
                ),
            )
        )
    return out


def _unnecessary(ctx: _Context) -> list[_Candidate]:
    st, s, tot = ctx.steps, ctx.s, ctx.totals
    out = []
    for name in st.index:
        row = st.loc[name]
        if name in ctx.goal or row["starts"] >= ENTRY_SHARE * row["journeys"]:
            continue  # an entry point is where customers arrive, not a step they are made to take
        n1 = float(row["non_open"])
        k1 = float(row["converted_with"])
        n2, k2 = tot["decided"] - n1, tot["converted"] - k1
        if min(n1, n2) < s.min_journeys:
            continue
        p1, p2 = k1 / n1, k2 / n2
        lift = p1 - p2
        se = math.sqrt(max(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2, 1e-12))
        p = normal_cdf((lift - s.margin) / se)
        spent = _num(row["median_dwell_s"])
        active, wait = split_minutes(spent / 60.0)
        conv = _conversion_cost(ctx, k1, n1, k2, n2)
        out.append(
            _Candidate(
                kind="unnecessary_step",
                steps=(name,),
                journeys=int(row["journeys"]),
                p=p,
                # about as well without it (not far better: that is an outcome, not a detour),
                # and room to do better (when nearly everyone converts, nothing can help)
                effect_ok=spent > 0
                and float(row["at_risk"]) >= s.min_journeys
                and -s.margin <= lift <= s.margin / 2
                and p2 <= 1 - s.margin,
                active=active,
                wait=wait,
                lost=conv[2],
                evidence={
                    "rate": p1,
                    "baseline_rate": p2,
                    "conversion_lift": lift,
                    "median_dwell_s": spent,
                    "conversion_affected": p1,
                    "conversion_others": p2,
                },
                sentence=lambda c, name=name: (
                    f"Journeys through '{name}' reach {ctx.goal_text} no more often than "
                    f"journeys without it ({_pct(c.evidence['rate'])} vs "
                    f"{_pct(c.evidence['baseline_rate'])}), yet it takes them a median "
                    f"{_dur(c.evidence['median_dwell_s'])} ({c.journeys:,} journeys)."
                ),
                suggestion=(
                    f"Consider removing '{name}', making it optional, or moving it after "
                    f"{ctx.goal_text}."
                ),
            )
        )
    return out


def _slow(ctx: _Context, slow: pd.DataFrame) -> list[_Candidate]:
    if slow.empty:
        return []
    s = ctx.s
    out = []
    for row in slow.itertuples(index=False):
        a, b = ctx.names[int(row.tp_code)], ctx.names[int(row.nxt_code)]
        share = _rate(row.slow_moves, row.moves)
        usual, slow_s = float(row.usual_s), float(row.slow_s)
        conv = _conversion_cost(
            ctx, row.slow_converted, row.slow_decided, row.usual_converted, row.usual_decided
        )
        out.append(
            _Candidate(
                kind="slow_transition",
                steps=(a, b),
                journeys=int(row.slow_journeys),
                p=float(row.p_dip),
                effect_ok=row.slow_journeys >= s.min_journeys
                and share >= s.min_share
                and slow_s >= s.slow_factor * max(usual, 60.0)
                and slow_s - usual >= s.min_delay_s,
                wait=max(slow_s - usual, 0.0) / 60.0,  # the customer waits: no effort
                lost=conv[2],
                evidence={
                    "rate": share,
                    "usual_wait_s": usual,
                    "slow_wait_s": slow_s,
                    "cut_s": float(row.cut_s),
                    "conversion_affected": conv[0],
                    "conversion_others": conv[1],
                    "conversion_p_value": conv[3],
                },
                sentence=lambda c, a=a, b=b: (
                    f"{_pct(c.evidence['rate'])} of the moves from '{a}' to '{b}' wait a median "
                    f"{_dur(c.evidence['slow_wait_s'])} instead of the usual "
                    f"{_dur(c.evidence['usual_wait_s'])} ({c.journeys:,} journeys)"
                    f"{_conversion_clause(c)}."
                ),
                suggestion=(
                    f"Find what holds customers up between '{a}' and '{b}', set a service level "
                    "for it, and tell customers when to expect the next step."
                ),
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# one friction, one finding


def _absorb(kept: list[_Candidate]) -> list[_Candidate]:
    """Drop findings that another, more specific one already explains (see module doc)."""
    pairs = [c for c in kept if c.kind == "ping_pong"]
    contacts = {c.steps[0]: c for c in kept if c.kind == "repeat_contact"}
    drops = {c.steps[0]: c for c in kept if c.kind == "dropoff"}
    switches = [c for c in kept if c.kind == "channel_switch"]

    def owner(c: _Candidate) -> _Candidate | None:
        if c.kind in ("loop", "repeat_contact"):
            for p in pairs:
                if c.steps[0] in p.steps:
                    return p
        if c.kind == "loop" and c.steps[0] in contacts:
            return contacts[c.steps[0]]
        if c.kind == "channel_switch":
            for p in pairs:
                if c.steps[1] in p.steps:
                    return p
        if c.kind == "unnecessary_step" and c.steps[0] in drops:
            return drops[c.steps[0]]
        if c.kind in ("unnecessary_step", "slow_transition"):
            for w in switches:  # the detour to the contact and its wait are the switch's cost
                same = c.kind == "unnecessary_step" or c.steps == w.steps
                if same and c.steps[-1] == w.steps[1]:
                    return w
        return None

    out = []
    for c in kept:
        o = owner(c)
        if o is None:
            out.append(c)
        else:
            o.absorbs.append(f"{c.kind} {' → '.join(c.steps)} ({c.journeys:,} journeys)")
    return out
