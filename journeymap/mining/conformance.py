"""``compare``: the real journeys of a map against a :class:`TargetJourney`.

The work is split in three:

1. the engine (Ibis over the map's events) maps every touchpoint onto its designed step (aliases
   included) and returns aggregates only: one row per journey with its sequence of designed
   steps, one row per distinct such sequence, waits and channels per step, transitions, and the
   touchpoints outside the design with the designed step they follow;
2. Python loops over the *distinct* sequences of designed steps (never over events) to flag
   skipped, repeated and out-of-order steps, and pm4py aligns the most common of them;
3. pandas spreads those flags over journeys (journeys are the denominators of every rate) and
   :mod:`journeymap.mining.deviations` names the frictions.
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from journeymap._validation import check_choice, closest
from journeymap.errors import ParameterError, TargetError, TargetWarning
from journeymap.mining import alignment, target_tables
from journeymap.mining.deviations import name_frictions
from journeymap.model.comparison import Comparison
from journeymap.model.friction import WAIT_WEIGHT
from journeymap.model.journeymap import END, START
from journeymap.model.target import TargetJourney, TargetStep, format_duration
from journeymap.progress import ProgressCallback, as_reporter

__all__ = ["Facts", "Fitness", "Flags", "compare", "out_of_order"]

_counter = itertools.count()


def compare(
    jmap: Any,
    target: TargetJourney | str | Path | Mapping[str, Any],
    *,
    coverage: float = 0.95,
    min_variants: int = 1000,
    method: str = "alignments",
    min_rate: float = 0.05,
    progress: ProgressCallback | None = None,
) -> Comparison:
    """Compare the real journeys of ``jmap`` with the designed journey ``target``.

    Parameters:
        jmap: a :class:`JourneyMap` from :func:`journeymap.mine` (it keeps its log).
        target: a :class:`TargetJourney`, a path to its YAML file, its plain-data form, or an
            object shaped like one (``name``, ``stages`` with ``steps``).
        coverage: align the most common variants until they cover at least this share of
            journeys (1.0 aligns every variant); ``Comparison.covered_share`` reports the share
            reached. Variants are sequences of designed steps with runs collapsed (see
            :mod:`journeymap.mining.alignment`).
        min_variants: align at least this many variants when there are that many (small logs
            are then aligned in full).
        method: ``"alignments"`` (pm4py alignments and everything else) or ``"dfg"`` (the fast
            first answer: every table, fitness only at the directly-follows level).
        min_rate: report a deviation as a friction from this rate on (0–1).
        progress: called with a message and the fraction done.

    Returns:
        A :class:`Comparison`.

    Definitions (per designed step ``s``; every denominator counts journeys):
        - a journey *passes* ``s`` when it has an event of ``s`` (or of an alias of it);
        - it *should pass* ``s`` when it passes ``s`` or any step designed after ``s``;
          ``should_pass`` counts those journeys (a journey that stops before ``s`` dropped off,
          it did not skip);
        - ``skipped_rate``: journeys that should pass ``s`` and do not, over ``should_pass``;
          only for required steps (NaN for optional ones, which may be skipped by design);
          ``taken_rate`` is the complement, for every step;
        - ``repeated_rate``: journeys passing ``s`` more than once, over journeys passing it;
        - ``out_of_order_rate``: journeys passing ``s`` out of the designed order, over journeys
          passing it. Take each designed step at its first visit; the longest run of them in
          designed order stays in place and the others are out of order (the fewest steps that
          must move; on a tie the earlier-designed step stays, so when two steps are swapped the
          later-designed one is out of order);
        - ``channel_mismatch_rate``: journeys with a visit of ``s`` on a channel other than the
          designed one, over journeys passing it (visits without a channel are not counted;
          NaN when the step names no channel);
        - ``median_wait_s``: median, over visits of ``s`` followed by another event, of the time
          to the journey's next event; ``over_max_wait_rate``: journeys with such a wait longer
          than ``max_wait``, over journeys with a visit of ``s`` followed by another event (a
          journey that ends at ``s`` waits for nothing);
        - ``conversion_followed`` / ``conversion_skipped``: converted share of journeys, not
          open, that passed ``s`` / that should have passed it and did not. Conversion uses the
          map's goal, or the target's goal when the map was mined without one.
        - ``extra`` (touchpoints outside the design): ``after_step`` is the designed step most
          often last seen before the touchpoint's first visit (``▶ start`` when none);
          ``conversion_with`` / ``conversion_without`` compare journeys that reached that step
          with and without the touchpoint; ``helps`` means those with it convert significantly
          more often (two-proportion z-test, z ≥ 1.96).
        - per journey, ``fitness`` is pm4py's alignment fitness of the journey against the
          target (1 − deviations / (events + required steps)); ``Comparison.fitness`` sums
          deviations and denominators over aligned journeys, as ``pm4py.fitness_alignments``
          does for its ``log_fitness``.

    Example:
        >>> import pandas as pd, journeymap as jm
        >>> df = pd.DataFrame({"customer_id": ["a", "a", "b", "b"],
        ...     "touchpoint": ["Cart", "Pay", "Pay", "Cart"],
        ...     "timestamp": ["2025-01-01 10:00", "2025-01-01 10:05"] * 2})
        >>> jmap = jm.mine(jm.read_log(df), goal="Pay")
        >>> target = jm.TargetJourney.from_dict(
        ...     {"name": "Buy", "stages": [{"name": "Buy", "steps": ["Cart", "Pay"]}]})
        >>> cmp = jmap.compare(target)
        >>> cmp.steps.set_index("step")["out_of_order_rate"].to_dict()
        {'Cart': 0.0, 'Pay': 0.5}
        >>> round(cmp.fitness, 3)  # b: Pay, Cart -> two deviations over 2 events + 2 steps
        0.75
    """
    report = as_reporter(progress)
    target = _as_target(target)
    _check_parameters(jmap, coverage, min_variants, method, min_rate)
    events = jmap.log.table
    report("mapping touchpoints onto the design", 0.02)
    with jmap.log.lock:  # the engine serves one call at a time (EventLog.lock)
        fit_notes = _check_fit(jmap, target, events)
        facts = _facts(events, target)
    report("flagging deviations", 0.3)
    flags = _variant_flags(facts.paths, facts.path_journeys, len(target.steps))
    j = target_tables.journey_frame(jmap, target, facts, flags)
    notes = _goal_notes(jmap, target) + fit_notes
    fit = Fitness()
    if method == "alignments":
        fit = _align(
            target,
            facts,
            coverage=coverage,
            min_variants=min_variants,
            progress=lambda m, f: report(m, 0.35 + 0.55 * f),
        )
        if fit.covered_share < 1.0:
            notes.append(
                f"alignments cover {fit.covered_share:.1%} of journeys ({fit.aligned:,} of "
                f"{fit.variant_count:,} variants); the step rates cover every journey"
            )
    report("summarising", 0.92)
    jf = target_tables.journey_table(j, facts, flags, fit, target)
    if fit.aligned:
        aligned = jf["aligned"].to_numpy()
        num, den = jf["deviations"].to_numpy()[aligned], jf["worst"].to_numpy()[aligned]
        fit = replace(fit, fitness=float(1 - num.sum() / den.sum()))
    jf = jf.drop(columns=["deviations", "worst"])
    masks = target_tables.Masks(j, facts, flags, target)
    steps = target_tables.step_table(target, j, flags, masks, facts)
    extra = target_tables.extra_table(target, j, facts, flags, jmap)
    edges = target_tables.edge_table(target, facts)
    taken = edges[edges["count"] > 0]
    dfg_fitness = float(
        taken.loc[taken["status"] == "designed-and-taken", "count"].sum() / taken["count"].sum()
    )
    frictions = name_frictions(
        target, steps, extra, j, flags, masks, min_rate=min_rate, total=len(j),
        wait_weight=jmap.meta.get("wait_weight", WAIT_WEIGHT),
    )  # fmt: skip
    report("compared", 1.0)
    return Comparison(
        target=target,
        fitness=fit.fitness,
        mean_journey_fitness=float(jf["fitness"].mean()) if fit.aligned else math.nan,
        dfg_fitness=dfg_fitness,
        covered_share=fit.covered_share,
        aligned_variants=fit.aligned,
        variant_count=fit.variant_count or len(set(map(alignment.collapse_runs, facts.paths))),
        method=method,
        steps=steps,
        extra=extra,
        edges=edges,
        journeys=jf,
        variants=target_tables.variant_table(target, facts, fit, len(j)),
        frictions=frictions,
        notes=tuple(notes),
    )


# -- checks ------------------------------------------------------------------------------------


def _as_target(target: Any) -> TargetJourney:
    if isinstance(target, TargetJourney):
        return target
    if isinstance(target, str | Path):
        return TargetJourney.from_yaml(target)
    if isinstance(target, Mapping):
        return TargetJourney.from_dict(target)
    if hasattr(target, "stages"):  # shaped like a target (e.g. built by an app): rebuild it
        return TargetJourney.from_dict(_shape_to_dict(target))
    raise ParameterError(
        "The 'target' parameter of compare must be a TargetJourney, a path to its YAML file or "
        f"a dict. Got {type(target).__name__} instead."
    )


def _shape_to_dict(target: Any) -> dict[str, Any]:
    keys = ("touchpoint", "channel", "optional", "effort", "max_wait", "aliases", "description")
    stages = []
    for stage in getattr(target, "stages", None) or ():
        steps = []
        for step in getattr(stage, "steps", None) or ():
            if isinstance(step, str):
                steps.append(step)
                continue
            item = {k: getattr(step, k) for k in keys if getattr(step, k, None) is not None}
            if getattr(step, "max_wait_s", None) is not None:
                item["max_wait"] = format_duration(step.max_wait_s)
            if "aliases" in item:
                item["aliases"] = list(item["aliases"])
            steps.append(item)
        stages.append({"name": getattr(stage, "name", "Stage"), "steps": steps})
    data: dict[str, Any] = {"name": getattr(target, "name", None) or "Target", "stages": stages}
    goal = getattr(target, "goal", None)
    if goal:
        data["goal"] = list(goal) if not isinstance(goal, str) else goal
    return data


def _check_parameters(
    jmap: Any, coverage: float, min_variants: int, method: str, min_rate: float
) -> None:
    if getattr(jmap, "log", None) is None:
        raise ParameterError(
            "The 'jmap' parameter of compare must be a JourneyMap that keeps its log (as "
            "journeymap.mine returns it). Got a map without a log instead."
        )
    check_choice(method, ("alignments", "dfg"), name="method", func="compare")
    for name, value, low_open in (("coverage", coverage, True), ("min_rate", min_rate, False)):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not (0 < value <= 1 if low_open else 0 <= value <= 1):
            span = "in (0, 1]" if low_open else "in [0, 1]"
            raise ParameterError(
                f"The {name!r} parameter of compare must be a number {span}. Got {value!r} instead."
            )
    if isinstance(min_variants, bool) or not isinstance(min_variants, int) or min_variants < 0:
        raise ParameterError(
            "The 'min_variants' parameter of compare must be a whole number >= 0. "
            f"Got {min_variants!r} instead."
        )


def _check_fit(jmap: Any, target: TargetJourney, events: ir.Table) -> list[str]:
    """Warn about required steps or channels the log never shows; fail when nothing matches.

    A required step that never occurs turns every journey past it into a deviation, so it is
    most likely a misspelt name: a :class:`TargetWarning` lists the closest names in the log.
    An optional step that never occurs distorts no rate; it is returned as a note.
    """
    in_log = set(jmap.steps["step"]) if "step" in jmap.steps else set()
    missing = [s for s in target.steps if not in_log.intersection(s.names)]
    where = f" of {target.source}" if target.source else ""
    if len(missing) == len(target.steps):
        sample = ", ".join(repr(n) for n in sorted(in_log)[:8])
        raise TargetError(
            f"none of the designed touchpoints{where} occurs in the log, so there is nothing to "
            f"compare. The log's touchpoints include {sample}. Use the log's names in "
            "'touchpoint' or list them under 'aliases'.",
            source=target.source or None,
        )

    def described(step: TargetStep) -> str:
        near = closest(step.touchpoint, in_log)
        return f"{step.touchpoint!r}" + (
            f" (closest in the log: {', '.join(repr(n) for n in near)})" if near else ""
        )

    required = [described(s) for s in missing if not s.optional]
    if required:
        warnings.warn(
            f"{len(required)} required step(s){where} never occur in the log: "
            + "; ".join(required)
            + ". Every journey past them counts as skipping them: fix the name or add the "
            "log's name under 'aliases'.",
            TargetWarning,
            stacklevel=4,
        )
    notes = [f"optional step {described(s)} never occurs in the log" for s in missing if s.optional]
    wanted = {s.channel for s in target.steps if s.channel}
    if wanted:
        seen = set(
            events.filter(events.channel.notnull())
            .select("channel")
            .distinct()
            .to_pandas()["channel"]
        )
        absent = sorted(wanted - seen)
        if absent and not seen:
            warnings.warn(
                "the target names channels but the log has no channel column; channel "
                "mismatches cannot be measured.",
                TargetWarning,
                stacklevel=4,
            )
        elif absent:
            warnings.warn(
                f"designed channel(s) {', '.join(repr(c) for c in absent)} never occur in the "
                f"log, whose channels are {', '.join(repr(c) for c in sorted(seen))}.",
                TargetWarning,
                stacklevel=4,
            )
    return notes


def _goal_notes(jmap: Any, target: TargetJourney) -> list[str]:
    if not jmap.has_goal:
        return [
            f"the map has no goal: conversion means reaching the target's goal "
            f"({' / '.join(target.goal)})"
        ]
    mapped = {target.name_map.get(g, g) for g in jmap.goal}
    if mapped != set(target.goal):
        return [
            f"conversion uses the map's goal ({' / '.join(jmap.goal)}); the target's goal is "
            f"{' / '.join(target.goal)}"
        ]
    return []


# -- the engine part ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """Aggregates from the engine (one row per journey, variant, step or transition)."""

    journeys: pd.DataFrame  # jid, journey, pv, events, extra_events, last_k (-1: not designed)
    paths: list[tuple[int, ...]]  # designed-step indexes of each distinct variant (pv)
    path_journeys: np.ndarray  # journeys per pv
    variant_no: np.ndarray  # 1-based rank of each pv by journeys (ties: by path)
    waits: pd.DataFrame  # k, median_wait_s
    flags: pd.DataFrame  # jid, k, mismatch, over, excess_s (only flagged pairs)
    channels: pd.DataFrame  # k, channel, visits (visits on a channel other than designed)
    transitions: pd.DataFrame  # source, target, count, journeys (START/END included)
    extras: pd.DataFrame  # jid, touchpoint, anchor (-1: before any designed step), visits


def _facts(events: ir.Table, target: TargetJourney) -> Facts:
    n = len(target.steps)
    # touchpoint -> code: the designed step k (aliases included) or n + tp_code outside the
    # design; everything windowed below is integers, several times faster than strings
    codes = events.select("touchpoint", "tp_code").distinct().to_pandas()
    by_name = target.name_map
    index = {t: k for k, t in enumerate(target.touchpoints)}
    ks = [index.get(by_name.get(t, "")) for t in codes["touchpoint"]]
    steps = target.steps
    code_map = pd.DataFrame(
        {
            "tp_code": codes["tp_code"].astype("int64"),
            "k": pd.array(ks, dtype="Int64"),
            "lab": [
                k if k is not None else n + int(c)
                for k, c in zip(ks, codes["tp_code"], strict=True)
            ],
            "expected": pd.array(
                [steps[k].channel if k is not None else None for k in ks], dtype="string"
            ),
            "max_wait_us": pd.array(
                [
                    int(steps[k].max_wait_s * 1e6)
                    if k is not None and steps[k].max_wait_s
                    else None
                    for k in ks
                ],
                dtype="Int64",
            ),
        }
    )
    labels = dict(enumerate(target.touchpoints))
    outside = zip(codes["tp_code"], codes["touchpoint"], strict=True)
    labels.update({n + int(c): t for c, t in outside})
    backend = events._find_backend()
    temps: list[str] = []

    def keep(expr: ir.Table) -> ir.Table:
        name = f"jm_cmp_{os.getpid()}_{next(_counter)}"
        temps.append(name)
        return backend.create_table(name, expr, temp=True)

    try:
        e = events.select("jid", "tp_code", "channel", "t_us", "seq")
        e = e.join(ibis.memtable(code_map), "tp_code")
        mismatch = e.channel.notnull() & e.expected.notnull() & (e.channel != e.expected)
        channels = (
            e.filter(mismatch).group_by(["k", "channel"]).aggregate(visits=lambda t: t.count())
        ).to_pandas()
        e = e.select("jid", "t_us", "seq", "k", "lab", "max_wait_us", mismatch=mismatch)
        w = ibis.window(group_by=e.jid, order_by=[e.t_us, e.seq])
        w1 = e.mutate(
            pos=ibis.row_number().over(w),
            wait_us=e.t_us.lead().over(w) - e.t_us,
            nxt=e.lab.lead().over(w),
        )
        # the last designed step seen so far (itself included), encoded as pos * 1024 + k
        upto = ibis.window(group_by=w1.jid, order_by=w1.pos, rows=(None, 0))
        last_k = ibis.cases((w1.k.notnull(), w1.pos * 1024 + w1.k), else_=None)
        walk = keep(w1.mutate(anchor=last_k.max().over(upto)).drop("t_us", "seq"))
        jj = walk.group_by("jid").aggregate(
            events=walk.count(),
            extra_events=walk.k.isnull().sum(),
            proj=walk.k.collect(where=walk.k.notnull(), order_by=walk.pos),
            last_k=walk.k.argmax(walk.pos),
        )
        jj = keep(jj.mutate(pv=ibis.dense_rank().over(order_by=jj.proj)))
        pv = jj.group_by("pv").aggregate(proj=jj.proj.arbitrary(), journeys=jj.count())
        pv = pv.to_pandas().sort_values("pv")
        ids = events.group_by("jid").aggregate(journey=events.journey.arbitrary())
        journeys = jj.join(ids, "jid").select(
            "jid", "journey", "pv", "events", "extra_events", "last_k"
        )
        journeys = journeys.to_pandas()
        journeys["last_k"] = journeys["last_k"].fillna(-1).astype("int64")
        tw = walk.filter(walk.k.notnull())
        waits = (
            tw.filter(tw.wait_us.notnull())
            .group_by("k")
            .aggregate(median_wait_s=(tw.wait_us.cast("float64") / 1e6).median())
            .to_pandas()
        )
        over = tw.max_wait_us.notnull() & tw.wait_us.notnull() & (tw.wait_us > tw.max_wait_us)
        excess = ibis.cases((over, (tw.wait_us - tw.max_wait_us).cast("float64") / 1e6))
        fl = tw.mutate(over=over, excess_s=excess)
        flags = (
            fl.group_by(["jid", "k"])
            .aggregate(mismatch=fl.mismatch.any(), over=fl.over.any(), excess_s=fl.excess_s.max())
            .filter(lambda t: t.mismatch | t.over)
            .to_pandas()
        )
        moves = walk.filter(walk.nxt.notnull())
        tr = (
            moves.group_by(["lab", "nxt"])
            .aggregate(count=moves.count(), journeys=moves.jid.nunique())
            .to_pandas()
        )
        firsts = walk.filter(walk.pos == 0)
        st = firsts.group_by("lab").aggregate(count=firsts.count()).to_pandas()
        lasts = walk.filter(walk.nxt.isnull())
        en = lasts.group_by("lab").aggregate(count=lasts.count()).to_pandas()
        outside = walk.filter(walk.k.isnull())
        extras = (
            outside.group_by(["jid", "lab"])
            .aggregate(anchor=outside.anchor.argmin(outside.pos), visits=outside.count())
            .to_pandas()
        )
    finally:
        for name in temps:
            backend.drop_table(name, force=True)
    tr = tr.assign(source=tr["lab"].map(labels), target=tr["nxt"].map(labels))
    st = st.assign(source=START, target=st["lab"].map(labels), journeys=st["count"])
    en = en.assign(source=en["lab"].map(labels), target=END, journeys=en["count"])
    extras["touchpoint"] = extras.pop("lab").map(labels)
    extras["anchor"] = (extras["anchor"].fillna(-1).astype("int64") % 1024).where(
        extras["anchor"].notna(), -1
    )
    paths = [tuple(int(k) for k in p) if p is not None else () for p in pv["proj"]]
    counts = pv["journeys"].to_numpy(dtype="int64")
    order = sorted(range(len(paths)), key=lambda i: (-counts[i], paths[i]))
    variant_no = np.empty(len(paths), dtype="int64")
    variant_no[order] = np.arange(1, len(paths) + 1)
    return Facts(
        journeys=journeys,
        paths=paths,
        path_journeys=counts,
        variant_no=variant_no,
        waits=waits,
        flags=flags,
        channels=channels,
        transitions=pd.concat([st, tr, en], ignore_index=True)[
            ["source", "target", "count", "journeys"]
        ].astype({"count": "int64", "journeys": "int64"}),
        extras=extras,
    )


# -- per variant -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flags:
    """Per distinct variant (rows) and designed step (columns)."""

    passed: np.ndarray
    should: np.ndarray
    repeated: np.ndarray
    out_of_order: np.ndarray
    relations: dict[int, Counter[tuple[str, int]]]  # step -> (before/after, other step) journeys


def _variant_flags(paths: Sequence[tuple[int, ...]], weights: np.ndarray, n: int) -> Flags:
    v = len(paths)
    passed = np.zeros((v, n), dtype=bool)
    should = np.zeros((v, n), dtype=bool)
    repeated = np.zeros((v, n), dtype=bool)
    ooo = np.zeros((v, n), dtype=bool)
    relations: dict[int, Counter[tuple[str, int]]] = defaultdict(Counter)
    cache: dict[tuple[int, ...], dict[int, tuple[str, int]]] = {}
    for i, path in enumerate(paths):
        if not path:
            continue
        counts = Counter(path)
        for k, c in counts.items():
            passed[i, k] = True
            repeated[i, k] = c > 1
        should[i, : max(path) + 1] = True
        first = tuple(dict.fromkeys(path))
        if first not in cache:
            cache[first] = out_of_order(first)
        for k, relation in cache[first].items():
            ooo[i, k] = True
            relations[k][relation] += int(weights[i])
    return Flags(passed, should, repeated, ooo, dict(relations))


def out_of_order(first: Sequence[int]) -> dict[int, tuple[str, int]]:
    """Designed steps (by index, in first-visit order) out of the designed order.

    The longest increasing run stays; on a tie, the one with the earlier-designed steps. Each
    step left out is returned with where it went: ``("before", t)``, done before ``t`` which
    the design puts first, or ``("after", t)``, done after ``t`` which the design puts later.

    >>> out_of_order([0, 2, 1, 3])   # C done before B
    {2: ('before', 1)}
    >>> out_of_order([0, 2, 3, 1])   # B done after C and D
    {1: ('after', 2)}
    """
    m = len(first)
    longest = [1] * m  # longest increasing run starting at i
    for i in range(m - 1, -1, -1):
        for j in range(i + 1, m):
            if first[j] > first[i] and longest[j] + 1 > longest[i]:
                longest[i] = longest[j] + 1
    kept: list[int] = []
    need, start, prev = max(longest, default=0), 0, -1
    while need:
        i = min(
            (i for i in range(start, m) if first[i] > prev and longest[i] == need),
            key=lambda i: first[i],
        )
        kept.append(i)
        need, start, prev = need - 1, i + 1, first[i]
    kept_set = set(kept)
    out: dict[int, tuple[str, int]] = {}
    for i in range(m):
        if i in kept_set:
            continue
        s = first[i]
        before = [first[j] for j in kept if j > i and first[j] < s]
        after = [first[j] for j in kept if j < i and first[j] > s]
        out[s] = ("before", max(before)) if before else ("after", min(after))
    return out


# -- alignments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fitness:
    """What the alignments found: overall fitness, coverage, and each aligned variant."""

    fitness: float = math.nan
    covered_share: float = 0.0
    aligned: int = 0
    variant_count: int = 0
    deviations: dict[tuple[int, ...], alignment.Aligned] | None = None  # by collapsed path


def _align(
    target: TargetJourney,
    facts: Facts,
    *,
    coverage: float,
    min_variants: int,
    progress: ProgressCallback,
) -> Fitness:
    weights: Counter[tuple[int, ...]] = Counter()
    for path, n in zip(facts.paths, facts.path_journeys, strict=True):
        weights[alignment.collapse_runs(path)] += int(n)
    ordered = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    total = sum(weights.values())
    chosen: list[tuple[int, ...]] = []
    covered = 0
    for path, n in ordered:
        if covered >= coverage * total and len(chosen) >= min_variants:
            break
        chosen.append(path)
        covered += n
    names = target.touchpoints
    results = alignment.align_variants(
        target, [[names[k] for k in path] for path in chosen], progress=progress
    )
    by_path = dict(zip(chosen, results, strict=True))
    return Fitness(
        covered_share=covered / total if total else 0.0,
        aligned=len(chosen),
        variant_count=len(weights),
        deviations=by_path,
    )
