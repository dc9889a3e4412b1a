"""``mine``: from an :class:`EventLog` to a :class:`JourneyMap`."""

from __future__ import annotations

from collections.abc import Sequence

from journeymap._validation import (
    as_name_list,
    check_positive_int,
    closest,
    parse_duration,
)
from journeymap.errors import ParameterError
from journeymap.mining.engine import mine_tables
from journeymap.model.eventlog import EventLog
from journeymap.model.journeymap import JourneyMap
from journeymap.progress import ProgressCallback

__all__ = ["mine"]


def mine(
    log: EventLog,
    *,
    goal: str | Sequence[str] | None = None,
    horizon: str | float | None = None,
    top_variants: int | None = 10_000,
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
        progress: called with a message and the fraction done.

    Returns:
        A :class:`JourneyMap`.

    Definitions:
        - ``steps.journeys``: journeys containing the step; ``reach``: their share of all journeys.
        - ``steps.median_dwell_s``: median time from a visit of the step to the next touchpoint
          in the same journey (visits that end their journey have no dwell).
        - ``steps.exits``: dropped journeys whose last step it is; ``exit_rate``: exits divided
          by the journeys that reached the step and are not open.
        - ``transitions``: directly-follows pairs within journeys, ``journeys`` counts each
          journey once; waits are medians and 90th percentiles (linear interpolation).
        - ``variants``: ranked by journeys (ties: by path); ``conversion_rate`` is the share
          of the variant's journeys that converted.

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
    if goals:
        _check_goal(log, goals)
    if horizon_s is None and log.gap_s is not None:
        horizon_s = log.gap_s
    tables = mine_tables(
        log.table, goal=goals, horizon_s=horizon_s, top_variants=top_variants, progress=progress
    )
    variants = tables.variants
    if not goals:
        variants["conversion_rate"] = float("nan")
    return JourneyMap(
        steps=tables.steps,
        transitions=tables.transitions,
        variants=variants,
        journeys=tables.journeys,
        goal=goals,
        horizon_s=tables.horizon_s,
        variant_count=tables.variant_count,
        quality=log.quality,
        mapping=log.mapping,
        log=log,
    )


def _check_goal(log: EventLog, goals: tuple[str, ...]) -> None:
    present = set(
        log.table.filter(log.table.touchpoint.isin(goals))
        .select("touchpoint")
        .distinct()
        .to_pandas()["touchpoint"]
    )
    missing = [g for g in goals if g not in present]
    if missing:
        names = log.table.select("touchpoint").distinct().to_pandas()["touchpoint"].tolist()
        near = closest(missing[0], names)
        hint = f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        raise ParameterError(
            f"The 'goal' parameter of mine must name touchpoints of the log. "
            f"Got {missing[0]!r}, which never occurs.{hint}"
        )
