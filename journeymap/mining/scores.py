"""Effort and drop-off scores for every step and every journey.

The engine counts the facts (visits, repeats, channel switches, waits, exits, conversions per step
and per journey); this module turns them into scores with plain vectorised pandas over those
aggregates, so each score's components are columns anyone can check.

Effort (0–100, higher = more effort for the customer)::

    effort_score = 100 × Σ_k w_k · c_k / Σ_k w_k      (over the components k available)

with every component ``c_k`` between 0 and 1:

============================  ===============================================================
component (weight, default)    step level                          journey level
============================  ===============================================================
``time`` (1)                  ``t / (t + T)``: ``t`` the step's    ``d / (d + D)``: ``d`` the
                              median dwell, ``T`` the usual wait   journey's duration, ``D``
                              of the log (the median of the        the median duration of all
                              transitions' median waits, each      journeys
                              weighted by its moves)
``repeats`` (1)               ``r / (r + 0.5)``: ``r`` extra       ``n / (n + 1)``: ``n`` extra
                              visits per journey reaching the step visits (events − distinct
                                                                   touchpoints)
``backtracks`` (1)            ``b / (b + 0.5)``: ``b`` returns to  ``n / (n + 1)``: ``n``
                              the step after other touchpoints,    returns to a touchpoint
                              per journey reaching it              visited earlier, not just before
``channel_switches`` (1)      share of arrivals at the step that   ``n / (n + 1)``: ``n`` changes
                              come from another channel           of channel between events
``designed`` (1)              mean designed effort of the step's   mean designed effort of the
                              visits (touchpoint weight, else      journey's events
                              channel weight; see
                              :data:`DEFAULT_CHANNEL_EFFORT`)
``survey`` (2)                mean Customer Effort Score of the    mean CES of the journey's
                              step's answers, scaled to 0–1        answers, scaled to 0–1
============================  ===============================================================

A component that cannot be measured (no channel column and no touchpoint weights for
``designed``; no CES answer for ``survey``) is left out and the weights of the others are
renormalised. The columns ``effort_time``, ``effort_repeats``, ``effort_backtracks``,
``effort_channel_switches``, ``effort_designed`` and ``effort_survey`` hold each component's
points, so they add up to ``effort_score``.

Drop-off (goal needed; NaN without one)::

    dropoff_score      = 100 × exits / journeys that reached the step and are not open
    dropoff_share      = exits / all dropped journeys
    conversion_with    = converted / decided journeys that contain the step
    conversion_without = converted / decided journeys that do not contain it
    conversion_lift    = conversion_with − conversion_without

(*decided* = converted or dropped: open journeys have no outcome yet.)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from journeymap._validation import _template
from journeymap.errors import ParameterError
from journeymap.mining.columns import normalise
from journeymap.mining.engine import STEP_COLUMNS

__all__ = [
    "DEFAULT_CHANNEL_EFFORT",
    "DEFAULT_CONTACT_CHANNELS",
    "EffortWeights",
    "score_journeys",
    "score_steps",
    "score_tables",
]

#: Designed effort of a channel for the customer, 0 (effortless) to 1 (most effort). Channel
#: names are compared lower-cased with everything but letters and digits dropped, so
#: ``"Call centre"`` matches ``callcentre``. Channels not listed weigh
#: :attr:`EffortWeights.unknown_channel` (0.5).
DEFAULT_CHANNEL_EFFORT: dict[str, float] = {
    # self-service
    "web": 0.2, "website": 0.2, "online": 0.2, "internet": 0.2, "portal": 0.2, "app": 0.2,
    "mobile": 0.2, "mobileapp": 0.2, "selfservice": 0.2, "sms": 0.2, "push": 0.1,
    # written, asynchronous
    "email": 0.4, "mail": 0.4, "social": 0.4,
    # conversations
    "chat": 0.5, "livechat": 0.5, "whatsapp": 0.5, "messenger": 0.5, "ivr": 0.5, "video": 0.6,
    "videocall": 0.6,
    # assisted, synchronous
    "phone": 0.8, "call": 0.8, "calls": 0.8, "telephone": 0.8, "callcentre": 0.8,
    "callcenter": 0.8, "contactcentre": 0.8, "contactcenter": 0.8, "post": 0.8, "letter": 0.8,
    # in person
    "store": 0.9, "shop": 0.9, "branch": 1.0, "desk": 1.0, "office": 1.0, "inperson": 1.0,
    "visit": 1.0, "counter": 1.0,
}  # fmt: skip

#: Channels whose touchpoints are contacts with the company (calls, chats, emails, visits...),
#: for channel switches and repeat contacts; compared like :data:`DEFAULT_CHANNEL_EFFORT`.
DEFAULT_CONTACT_CHANNELS: frozenset[str] = frozenset(
    {
        "phone", "call", "calls", "telephone", "callcentre", "callcenter", "contactcentre",
        "contactcenter", "ivr", "chat", "livechat", "email", "mail", "sms", "whatsapp",
        "messenger", "social", "branch", "store", "shop", "desk", "office", "inperson", "visit",
        "counter", "post", "letter",
    }
)  # fmt: skip

# half-points of the saturating components x / (x + h)
_STEP_HALF = 0.5  # extra visits or backtracks per journey reaching the step
_JOURNEY_HALF = 1.0  # extra visits, backtracks or channel switches in one journey

COMPONENTS = ("time", "repeats", "backtracks", "channel_switches", "designed", "survey")


@dataclass(frozen=True)
class EffortWeights:
    """How much each component counts in ``effort_score``, and the designed effort of channels.

    Attributes:
        time, repeats, backtracks, channel_switches, designed, survey: the weights of the
            components (non-negative; defaults 1, 1, 1, 1, 1, 2 — a customer's own effort
            rating counts double). See :mod:`journeymap.mining.scores` for the formula.
        channels: designed effort (0–1) per channel, merged over
            :data:`DEFAULT_CHANNEL_EFFORT` (phone 0.8, chat 0.4, web 0.2, branch 1.0, ...).
        touchpoints: designed effort (0–1) per touchpoint name; wins over the channel's.
        unknown_channel: designed effort of channels in neither table (default 0.5).
        ces_scale: the (lowest, highest) possible CES answer; default: (1, 5) when every answer
            is between 1 and 5, (1, 7) when between 1 and 7, else the answers' range.
        ces_higher_is_easier: set when the CES question asks how *easy* it was (the "CES 2.0"
            wording); by default a higher CES means more effort.

    Example:
        >>> w = EffortWeights(time=2.0, channels={"Kiosk": 0.3})
        >>> (w.time, w.channel_effort("kiosk"), w.channel_effort("Phone"))
        (2.0, 0.3, 0.8)
    """

    time: float = 1.0
    repeats: float = 1.0
    backtracks: float = 1.0
    channel_switches: float = 1.0
    designed: float = 1.0
    survey: float = 2.0
    channels: Mapping[str, float] = field(default_factory=dict)
    touchpoints: Mapping[str, float] = field(default_factory=dict)
    unknown_channel: float = 0.5
    ces_scale: tuple[float, float] | None = None
    ces_higher_is_easier: bool = False

    def __post_init__(self) -> None:
        for name in COMPONENTS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ParameterError(
                    _template(name, "EffortWeights", "a non-negative number", value)
                )
        if not any(getattr(self, name) for name in COMPONENTS):
            raise ParameterError(
                "EffortWeights needs at least one positive weight; every weight is 0. "
                "Fix: keep the default of one component, e.g. EffortWeights(time=1)."
            )
        for name in ("channels", "touchpoints"):
            table = getattr(self, name)
            if not isinstance(table, Mapping) or not all(
                isinstance(k, str) and _unit(v) for k, v in table.items()
            ):
                raise ParameterError(
                    _template(name, "EffortWeights", "a mapping of names to numbers in 0–1", table)
                )
            # frozen and hashable (Streamlit caches on it): keep the tables as sorted pairs
            object.__setattr__(self, name, _Frozen(sorted(table.items())))
        if not _unit(self.unknown_channel):
            expected = "a number in 0–1"
            raise ParameterError(
                _template("unknown_channel", "EffortWeights", expected, self.unknown_channel)
            )
        scale = self.ces_scale
        if scale is not None and not (
            isinstance(scale, tuple | list)
            and len(scale) == 2
            and all(isinstance(v, int | float) for v in scale)
            and scale[0] < scale[1]
        ):
            raise ParameterError(
                _template("ces_scale", "EffortWeights", "a pair (lowest, highest)", scale)
            )

    def channel_effort(self, channel: str | None) -> float:
        """The designed effort (0–1) of a channel name (case and punctuation ignored)."""
        if channel is None:
            return self.unknown_channel
        key = normalise(channel)
        own = {normalise(k): v for k, v in self.channels.items()}
        return float(own.get(key, DEFAULT_CHANNEL_EFFORT.get(key, self.unknown_channel)))


class _Frozen(dict):  # type: ignore[type-arg]
    """A read-only, hashable mapping for the weight tables."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))

    def _readonly(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("EffortWeights tables are read-only")

    __setitem__ = __delitem__ = update = pop = clear = setdefault = _readonly  # type: ignore[assignment]


def _unit(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and 0.0 <= float(value) <= 1.0
    )


def contact_values(channels: Iterable[str], contacts: Iterable[str]) -> list[str]:
    """The channel values of a log that count as contacts (compared normalised)."""
    wanted = {normalise(c) for c in contacts}
    return sorted(c for c in channels if c is not None and normalise(c) in wanted)


def ces_bounds(values: pd.Series, weights: EffortWeights) -> tuple[float, float] | None:
    """The CES scale: given, or the smallest usual scale holding every answer."""
    if weights.ces_scale is not None:
        return float(weights.ces_scale[0]), float(weights.ces_scale[1])
    answers = values.dropna()
    if answers.empty:
        return None
    lo, hi = float(answers.min()), float(answers.max())
    for scale in ((1.0, 5.0), (1.0, 7.0), (0.0, 10.0)):
        if scale[0] <= lo and hi <= scale[1]:
            return scale
    return (lo, hi) if hi > lo else None


def _ces_component(mean: pd.Series, bounds: tuple[float, float] | None, easier: bool) -> pd.Series:
    if bounds is None:
        return pd.Series(np.nan, index=mean.index)
    lo, hi = bounds
    c = ((mean - lo) / (hi - lo)).clip(0.0, 1.0)
    return 1.0 - c if easier else c


def _saturate(x: pd.Series | np.ndarray, half: float) -> np.ndarray:
    """``x / (x + half)`` with missing and negative values as 0."""
    x = np.asarray(x, dtype="float64")
    y = np.where(x > 0, x, 0.0)  # NaN is not > 0
    return np.divide(y, y + half, out=y)


def _combine(
    frame: pd.DataFrame, parts: dict[str, pd.Series | np.ndarray], weights: EffortWeights
) -> None:
    """Write each component's points and their sum, ``effort_score``, into ``frame`` (on
    arrays, in place where possible: a million journeys make a few dozen temporary arrays)."""
    w = {k: float(getattr(weights, k)) for k in COMPONENTS}
    values = {k: np.asarray(parts[k], dtype="float64") for k in COMPONENTS}
    present = {k: ~np.isnan(values[k]) for k in COMPONENTS}
    total_w = np.zeros(len(frame))
    for k in COMPONENTS:
        np.add(total_w, w[k], out=total_w, where=present[k])
    total_w[total_w == 0] = np.nan  # no component measured: no points
    score = np.zeros(len(frame))
    for k in COMPONENTS:
        points = np.where(present[k], values[k], 0.0)
        points *= 100.0 * w[k]
        points /= total_w
        score += points
        points[~present[k]] = np.nan
        frame[f"effort_{k}"] = points
    score[np.isnan(score)] = 0.0
    frame["effort_score"] = np.clip(score, 0.0, 100.0, out=score)


def score_steps(
    steps: pd.DataFrame,
    *,
    weights: EffortWeights,
    usual_wait_s: float,
    dropped: int,
    converted: int,
    decided: int,
    has_goal: bool,
    ces_scale: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Add the effort and drop-off scores (and their components) to the step table.

    ``steps`` carries the engine's step facts (``visits``, ``journeys``, ``starts``,
    ``median_dwell_s``, ``repeats``, ``backtracks``, ``channel_switches``, ``designed_mean``,
    ``ces_mean``, ``exits``, ``non_open``, ``converted_with``); ``dropped``, ``converted`` and
    ``decided`` are the log's totals.

    >>> s = pd.DataFrame({"step": ["A"], "visits": [3], "journeys": [2], "starts": [2],
    ...     "median_dwell_s": [60.0], "repeats": [1], "backtracks": [1], "channel_switches": [0],
    ...     "designed_mean": [np.nan], "ces_mean": [np.nan], "exits": [1], "exit_rate": [0.5],
    ...     "non_open": [2], "converted_with": [1]})
    >>> out = score_steps(s, weights=EffortWeights(), usual_wait_s=60.0, dropped=1,
    ...                   converted=1, decided=2, has_goal=True)
    >>> # time 60/(60+60), repeats and backtracks 0.5/(0.5+0.5), no switch; 4 weights of 1
    >>> float(out.effort_score[0]), float(out.effort_time[0]), float(out.dropoff_score[0])
    (37.5, 12.5, 50.0)
    """
    df = steps.copy()
    per_journey = df["journeys"].where(df["journeys"] > 0)
    arrivals = (df["visits"] - df["starts"]).where(lambda a: a > 0)
    df["repeats_per_journey"] = df["repeats"] / per_journey
    df["backtracks_per_journey"] = df["backtracks"] / per_journey
    df["channel_switch_rate"] = (df["channel_switches"] / arrivals).fillna(0.0)
    dwell = df["median_dwell_s"].astype("float64").fillna(0.0)
    time_c = dwell / (dwell + usual_wait_s) if usual_wait_s > 0 else (dwell > 0).astype(float)
    parts = {
        "time": time_c,
        "repeats": _saturate(df["repeats_per_journey"], _STEP_HALF),
        "backtracks": _saturate(df["backtracks_per_journey"], _STEP_HALF),
        "channel_switches": df["channel_switch_rate"].astype("float64"),
        "designed": df["designed_mean"].astype("float64"),
        "survey": _ces_component(
            df["ces_mean"].astype("float64"), ces_scale, weights.ces_higher_is_easier
        ),
    }
    _combine(df, parts, weights)
    if has_goal:
        df["dropoff_score"] = 100.0 * df["exit_rate"]
        df["dropoff_share"] = df["exits"].astype("float64") / dropped if dropped else 0.0
        with_decided = df["non_open"].astype("float64")
        df["conversion_with"] = df["converted_with"] / with_decided.where(with_decided > 0)
        without = decided - with_decided
        df["conversion_without"] = (converted - df["converted_with"]) / without.where(without > 0)
        df["conversion_lift"] = df["conversion_with"] - df["conversion_without"]
    else:
        for col in (
            "dropoff_score",
            "dropoff_share",
            "conversion_with",
            "conversion_without",
            "conversion_lift",
        ):
            df[col] = math.nan
    return df


def score_journeys(
    journeys: pd.DataFrame,
    *,
    weights: EffortWeights,
    ces_scale: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Add ``effort_score`` and its components to the journey table (in place; returned).

    ``journeys`` carries ``duration_s``, ``repeats``, ``backtracks``, ``channel_switches``,
    ``designed_mean`` and ``ces_mean`` per journey.
    """
    df = journeys
    duration = df["duration_s"].to_numpy(dtype="float64")
    duration = np.where(np.isnan(duration), 0.0, duration)
    usual = float(np.median(duration)) if len(duration) else 0.0
    time_c = duration / (duration + usual) if usual > 0 else (duration > 0).astype("float64")
    parts = {
        "time": time_c,
        "repeats": _saturate(df["repeats"], _JOURNEY_HALF),
        "backtracks": _saturate(df["backtracks"], _JOURNEY_HALF),
        "channel_switches": _saturate(df["channel_switches"], _JOURNEY_HALF),
        "designed": df["designed_mean"].astype("float64"),
        "survey": _ces_component(
            df["ces_mean"].astype("float64"), ces_scale, weights.ces_higher_is_easier
        ),
    }
    _combine(df, parts, weights)
    return df


EFFORT_COLUMNS = ["effort_score", *(f"effort_{k}" for k in COMPONENTS)]
STEP_SCORE_COLUMNS = [
    *EFFORT_COLUMNS,
    "repeats",
    "repeats_per_journey",
    "backtracks",
    "backtracks_per_journey",
    "channel_switches",
    "channel_switch_rate",
    "designed_effort",
    "dropoff_score",
    "dropoff_share",
    "conversion_with",
    "conversion_without",
    "conversion_lift",
]
SURVEY_COLUMNS = [
    "ces_mean",
    "ces_responses",
    "csat_mean",
    "csat_responses",
    "nps",
    "nps_responses",
]
TRANSITION_COLUMNS = [
    "source",
    "target",
    "count",
    "journeys",
    "median_s",
    "p90_s",
    "channel_switches",
    "returns",
]


@dataclass(frozen=True)
class ScoredTables:
    """The public step, transition and journey tables, and the full step facts."""

    steps: pd.DataFrame
    transitions: pd.DataFrame
    journeys: pd.DataFrame
    step_facts: pd.DataFrame
    transition_facts: pd.DataFrame
    totals: dict[str, int]


def score_tables(
    steps: pd.DataFrame,
    transitions: pd.DataFrame,
    journeys: pd.DataFrame,
    *,
    weights: EffortWeights,
    usual_wait_s: float,
    has_goal: bool,
) -> ScoredTables:
    """Score the engine's step and journey tables; split public columns from internal facts.

    The step facts that come from transitions are derived here: ``repeats`` (visits beyond
    the first per journey), ``backtracks`` (repeats that are not immediate, i.e. not
    ``A → A``) and ``channel_switches`` (arrivals at the step from another channel).
    """
    outcomes = journeys["outcome"].value_counts()
    totals = {
        "journeys": len(journeys),
        "converted": int(outcomes.get("converted", 0)),
        "dropped": int(outcomes.get("dropped", 0)),
    }
    totals["decided"] = totals["converted"] + totals["dropped"]
    facts = steps.copy()
    survey = [c for c in SURVEY_COLUMNS if c in steps.columns]
    same = transitions[transitions["source"] == transitions["target"]]
    immediate = facts["step"].map(same.set_index("source")["count"]).fillna(0)
    facts["repeats"] = (facts["visits"] - facts["journeys"]).astype("int64")
    facts["backtracks"] = (facts["repeats"] - immediate).clip(lower=0).astype("int64")
    into = transitions.groupby("target")["channel_switches"].sum()
    facts["channel_switches"] = facts["step"].map(into).fillna(0).astype("int64")
    for col in ("designed_mean", "ces_mean"):
        if col not in facts.columns:
            facts[col] = np.nan
    bounds = None
    if "ces_min" in facts.columns:
        bounds = ces_bounds(pd.concat([facts["ces_min"], facts["ces_max"]]), weights)
    facts = score_steps(
        facts,
        weights=weights,
        usual_wait_s=usual_wait_s,
        dropped=totals["dropped"],
        converted=totals["converted"],
        decided=totals["decided"],
        has_goal=has_goal,
        ces_scale=bounds,
    )
    facts["designed_effort"] = facts["designed_mean"]
    base = [c for c in steps.columns if c in STEP_COLUMNS]
    public_steps = facts[base + STEP_SCORE_COLUMNS + survey].reset_index(drop=True)

    jr = journeys
    for col in ("designed_mean", "ces_mean"):
        if col not in jr.columns:
            jr[col] = np.nan
    jr = score_journeys(jr, weights=weights, ces_scale=bounds)
    jr = jr.rename(columns={"designed_mean": "designed_effort"})
    if jr["ces_mean"].isna().all():
        jr = jr.drop(columns="ces_mean")
    jr = jr[[c for c in jr.columns if c not in EFFORT_COLUMNS] + EFFORT_COLUMNS]
    public_tr = transitions[TRANSITION_COLUMNS].reset_index(drop=True)
    return ScoredTables(
        steps=public_steps,
        transitions=public_tr,
        journeys=jr,
        step_facts=facts,
        transition_facts=transitions,
        totals=totals,
    )
