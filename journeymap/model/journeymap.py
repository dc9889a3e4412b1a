"""``JourneyMap``: the real journey as tables and a graph. Pure data, built by ``mine``.

Tables (pandas DataFrames, one row per aggregate):

- ``journeys``: journey, customer, events, start, end, duration_s, first_step, last_step,
  outcome (``converted`` / ``dropped`` / ``open``; ``completed`` instead of converted/dropped
  when there is no goal), variant, repeats, channel_switches, backtracks, designed_effort,
  (ces_mean,) effort_score and its components effort_time, effort_repeats, effort_backtracks,
  effort_channel_switches, effort_designed, effort_survey.
- ``steps``: step, channel, journeys, reach, visits, visits_per_journey, starts, ends,
  median_dwell_s, exits, exit_rate, effort_score and its components (as for journeys), repeats,
  repeats_per_journey, backtracks, backtracks_per_journey, channel_switches,
  channel_switch_rate, designed_effort, dropoff_score, dropoff_share,
  conversion_with, conversion_without, conversion_lift, and when the log has survey answers
  ces_mean, ces_responses, csat_mean, csat_responses, nps, nps_responses.
- ``transitions``: source, target, count, journeys, median_s, p90_s, channel_switches, returns.
- ``variants``: variant, path, journeys, share, conversion_rate, median_duration_s.

The scores are defined in :mod:`journeymap.mining.scores`, the frictions in
:mod:`journeymap.mining.frictions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import networkx as nx
import pandas as pd

from journeymap.model.eventlog import ColumnMapping, EventLog, QualityReport
from journeymap.model.friction import Friction, frictions_frame

__all__ = ["END", "START", "JourneyMap"]

START = "▶ start"
END = "■ end"


@dataclass(frozen=True, eq=False)
class JourneyMap:
    """The mined journey: step, transition, variant and journey tables, and the graph.

    Attributes:
        steps, transitions, variants, journeys: the tables described in the module docstring.
        goal: the goal touchpoints (empty when mined without a goal).
        horizon_s: journeys whose last event is this close to the end of the log are ``open``.
        variant_count: number of distinct variants (``variants`` may hold only the top ones).
        quality: the data-quality report of the log.
        mapping: the column mapping of the log.
        frictions: the ranked findings (see :class:`journeymap.Friction`).
        log: the :class:`EventLog` it was mined from (kept for drill-down and comparisons).

    Example:
        >>> import pandas as pd
        >>> steps = pd.DataFrame({"step": ["A", "B"], "visits": [2, 1]})
        >>> tr = pd.DataFrame({"source": ["A"], "target": ["B"], "count": [1]})
        >>> jmap = JourneyMap(steps=steps, transitions=tr, variants=pd.DataFrame(),
        ...                   journeys=pd.DataFrame())
        >>> sorted(jmap.graph.successors("A"))
        ['B']
    """

    steps: pd.DataFrame
    transitions: pd.DataFrame
    variants: pd.DataFrame
    journeys: pd.DataFrame
    goal: tuple[str, ...] = ()
    horizon_s: float = 0.0
    variant_count: int = 0
    quality: QualityReport | None = None
    mapping: ColumnMapping | None = None
    frictions: tuple[Friction, ...] = ()
    log: EventLog | None = field(default=None, repr=False)
    meta: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The journey graph: one node per step, one edge per directly-follows transition.

        Nodes and edges carry every column of ``steps`` and ``transitions`` as attributes.
        :data:`START` and :data:`END` markers link to the steps journeys start and end at
        (edge attribute ``count``).
        """
        g = nx.DiGraph()
        for row in self.steps.to_dict("records"):
            g.add_node(row["step"], **row)
        for row in self.transitions.to_dict("records"):
            g.add_edge(row["source"], row["target"], **row)
        if "starts" in self.steps.columns:
            g.add_node(START, step=START, marker=True)
            g.add_node(END, step=END, marker=True)
            for row in self.steps.itertuples(index=False):
                if row.starts:
                    g.add_edge(START, row.step, source=START, target=row.step, count=row.starts)
                if row.ends:
                    g.add_edge(row.step, END, source=row.step, target=END, count=row.ends)
        return g

    def frictions_frame(self) -> pd.DataFrame:
        """The ranked findings as a DataFrame, one row per friction with its evidence."""
        return frictions_frame(self.frictions)

    @property
    def has_goal(self) -> bool:
        """Whether the map was mined with a goal (so drop-off figures exist)."""
        return bool(self.goal)

    def outcome_counts(self) -> dict[str, int]:
        """Journeys per outcome, e.g. ``{'converted': 8, 'dropped': 3, 'open': 1}``."""
        if self.journeys.empty:
            return {}
        return {str(k): int(v) for k, v in self.journeys["outcome"].value_counts().items()}

    def compare(self, target: Any, **options: Any) -> Any:
        """Compare the real journeys with a designed one: a :class:`journeymap.Comparison`.

        ``target`` is a :class:`journeymap.TargetJourney` or a path to its YAML file; the
        options (``coverage``, ``min_variants``, ``method``, ``min_rate``, ``progress``) and
        every rate are described in :func:`journeymap.mining.conformance.compare`.
        """
        from journeymap.mining.conformance import compare

        return compare(self, target, **options)

    def __repr__(self) -> str:
        return (
            f"<JourneyMap: {len(self.journeys):,} journeys, {len(self.steps):,} steps, "
            f"{len(self.transitions):,} transitions, {self.variant_count:,} variants>"
        )
