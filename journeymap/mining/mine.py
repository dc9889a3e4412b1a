"""``mine``: from an :class:`EventLog` to a :class:`JourneyMap`."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from journeymap._validation import (
    _template,
    as_name_list,
    check_positive_int,
    closest,
    parse_duration,
)
from journeymap.errors import ParameterError
from journeymap.mining.engine import dictionary, mine_tables
from journeymap.mining.friction_facts import FrictionSettings
from journeymap.mining.frictions import find_frictions
from journeymap.mining.scores import DEFAULT_CONTACT_CHANNELS, EffortWeights, score_tables
from journeymap.mining.walks import facts_of, walk_of
from journeymap.model.eventlog import EventLog
from journeymap.model.friction import WAIT_WEIGHT
from journeymap.model.journeymap import JourneyMap
from journeymap.progress import ProgressCallback

__all__ = ["mine"]


def mine(
    log: EventLog,
    *,
    goal: str | Sequence[str] | None = None,
    horizon: str | float | None = None,
    top_variants: int | None = 10_000,
    effort_weights: EffortWeights | None = None,
    alpha: float = 0.05,
    min_journeys: int = 30,
    contact_channels: Collection[str] | None = None,
    repeat_window: str | float = "7d",
    slow_factor: float = 3.0,
    wait_weight: float = WAIT_WEIGHT,
    progress: ProgressCallback | None = None,
) -> JourneyMap:
    """Rebuild the real journey: steps, transitions, variants and journeys with their figures.

    Parameters:
        log: an :class:`EventLog` from :func:`journeymap.read_log`.
        goal: the touchpoint (or list of touchpoints) that counts as success. A journey that
            reaches one is ``converted``. Without a goal there is no drop-off: journeys are
            ``completed`` or ``open`` and the drop-off columns are empty (NaN), not zero.
        horizon: how recent a journey's last event must be, relative to the last event of the
            log, for the journey to count as ``open`` (still in progress) instead of dropped,
            e.g. ``"7d"``. Default: the log's ``gap`` when it was split by inactivity,
            otherwise the 95th percentile of waits between consecutive touchpoints.
        top_variants: keep this many most frequent variants in ``variants`` (None keeps all;
            ``variant_count`` always gives the total).
        effort_weights: the weights of the effort score's components and the designed effort
            of channels and touchpoints (:class:`journeymap.EffortWeights`; default weights
            time 1, repeats 1, backtracks 1, channel switches 1, designed 1, survey 2).
        alpha: the false-discovery rate of friction detection: a friction is reported only
            when its test holds at this level after the Benjamini–Hochberg correction over
            every test of the log (default 0.05).
        min_journeys: the least number of journeys (or customers) a friction must concern
            (default 30).
        contact_channels: the channels whose touchpoints are contacts (calls, chats, emails,
            visits...), compared case-insensitively; default
            :data:`journeymap.mining.scores.DEFAULT_CONTACT_CHANNELS` (phone, call, chat,
            email, branch, store, sms, ...).
        repeat_window: a contact of the same reason (touchpoint) by the same customer within
            this time of the previous one is a repeat contact (default ``"7d"``).
        slow_factor: a transition is slow when a mode of its waits is at least this many times
            its usual wait (default 3).
        wait_weight: the minutes of effort one minute of the customer's waiting weighs in a
            friction's severity (default 1/240: a day of waiting counts like 6 minutes of
            effort; see :func:`journeymap.model.friction.severity_score`).
        progress: called with a message and the fraction done.

    Returns:
        A :class:`JourneyMap`.

    Definitions (scores: :mod:`journeymap.mining.scores`; frictions:
    :mod:`journeymap.mining.frictions`):
        - ``steps.journeys``: journeys containing the step; ``reach``: their share of all journeys.
        - ``steps.median_dwell_s``: median time from a visit of the step to the next touchpoint
          in the same journey (visits that end their journey have no dwell).
        - ``steps.exits``: dropped journeys whose last step it is; ``exit_rate``: exits divided
          by the journeys that reached the step and are not open.
        - ``transitions``: directly-follows pairs within journeys, ``journeys`` counts each
          journey once; waits are medians and 90th percentiles (linear interpolation).
        - ``variants``: ranked by journeys (ties: the variant whose first journey started
          first); ``conversion_rate`` is the share of the variant's journeys that converted.

    Example:
        >>> import pandas as pd, journeymap as jm
        >>> df = pd.DataFrame({"customer_id": ["a", "a", "b"],
        ...     "touchpoint": ["Visit", "Buy", "Visit"],
        ...     "timestamp": ["2025-01-01 10:00", "2025-01-01 10:05", "2025-01-01 09:00"]})
        >>> jmap = jm.mine(jm.read_log(df), goal="Buy", horizon="1m")
        >>> jmap.journeys["outcome"].tolist()
        ['dropped', 'converted']
    """
    if not isinstance(log, EventLog):
        raise ParameterError(
            "The 'log' parameter of mine must be an EventLog from journeymap.read_log. "
            f"Got {type(log).__name__} instead."
        )
    goals = as_name_list(goal, name="goal", func="mine")
    horizon_s = parse_duration(horizon, name="horizon", func="mine")
    check_positive_int(top_variants, name="top_variants", func="mine")
    settings = _friction_settings(
        effort_weights, alpha, min_journeys, contact_channels, repeat_window, slow_factor,
        wait_weight,
    )  # fmt: skip
    if horizon_s is None and log.gap_s is not None:
        horizon_s = log.gap_s
    if progress is not None:
        progress("ordering journeys", 0.0)
    # the engine serves one call at a time (EventLog.lock)
    with log.lock:
        known = dictionary(log.table)  # the touchpoints present, and the engine's dictionary
        if goals:
            _check_goal(goals, list(known[0].values()))
        # the walk and the journeys' facts are kept per log: see journeymap.mining.walks
        with walk_of(log) as walk:
            tables = mine_tables(
                log.table,
                goal=goals,
                horizon_s=horizon_s,
                top_variants=top_variants,
                progress=progress,
                settings=settings,
                journey_ids=log.journey_ids,
                walk=walk,
                kept_facts=facts_of(log, walk),
                known=known,
            )
    variants = tables.variants
    if not goals:
        variants["conversion_rate"] = float("nan")
    scored = score_tables(
        tables.steps,
        tables.transitions,
        tables.journeys,
        weights=settings.weights,
        usual_wait_s=tables.usual_wait_s,
        has_goal=bool(goals),
    )
    facts = scored.step_facts
    frictions = find_frictions(
        steps=facts,
        transitions=scored.transition_facts,
        facts=tables.facts,
        totals=scored.totals,
        goal=goals,
        names=dict(zip(facts["tp_code"], facts["step"], strict=True)),
        settings=settings,
    )
    return JourneyMap(
        steps=scored.steps,
        transitions=scored.transitions,
        variants=variants,
        journeys=scored.journeys,
        frictions=frictions,
        goal=goals,
        horizon_s=tables.horizon_s,
        variant_count=tables.variant_count,
        quality=log.quality,
        mapping=log.mapping,
        log=log,
        meta={
            "step_facts": facts,
            "transition_facts": scored.transition_facts,
            "wait_weight": settings.wait_weight,  # target deviations are ranked on this scale
            **tables.facts,
        },
    )


def _friction_settings(
    weights: EffortWeights | None,
    alpha: float,
    min_journeys: int,
    contacts: Collection[str] | None,
    repeat_window: str | float,
    slow_factor: float,
    wait_weight: float,
) -> FrictionSettings:
    """Check the scoring and detection parameters of ``mine`` (one message template)."""
    if weights is None:
        weights = EffortWeights()
    elif not isinstance(weights, EffortWeights):
        raise ParameterError(_template("effort_weights", "mine", "an EffortWeights", weights))
    if not _number(alpha) or not 0 < alpha < 1:
        raise ParameterError(_template("alpha", "mine", "a number between 0 and 1", alpha))
    check_positive_int(min_journeys, name="min_journeys", func="mine", allow_none=False)
    if contacts is None:
        contacts = DEFAULT_CONTACT_CHANNELS
    elif isinstance(contacts, str) or not all(isinstance(c, str) for c in contacts):
        raise ParameterError(
            _template("contact_channels", "mine", "a list of channel names", contacts)
        )
    window = parse_duration(repeat_window, name="repeat_window", func="mine")
    if not _number(slow_factor) or slow_factor <= 1:
        raise ParameterError(_template("slow_factor", "mine", "a number above 1", slow_factor))
    if not _number(wait_weight) or not 0 <= wait_weight <= 1:
        raise ParameterError(_template("wait_weight", "mine", "a number from 0 to 1", wait_weight))
    return FrictionSettings(
        alpha=float(alpha),
        min_journeys=min_journeys,
        contacts=frozenset(contacts),
        repeat_window_s=float(window or 0.0),
        slow_factor=float(slow_factor),
        weights=weights,
        wait_weight=float(wait_weight),
    )


def _number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and value == value


def _check_goal(goals: tuple[str, ...], touchpoints: list[str]) -> None:
    """Every goal must name a touchpoint of the log (``touchpoints``: those present)."""
    present = set(touchpoints)
    missing = [g for g in goals if g not in present]
    if missing:
        near = closest(missing[0], touchpoints)
        hint = f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        raise ParameterError(
            f"The 'goal' parameter of mine must name touchpoints of the log. "
            f"Got {missing[0]!r}, which never occurs.{hint}"
        )
