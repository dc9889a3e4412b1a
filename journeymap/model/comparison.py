"""``Comparison``: the real journey against the designed one, in CX terms. Pure data.

Built by :meth:`journeymap.JourneyMap.compare`; every rate is defined in
:func:`journeymap.mining.conformance.compare`.

Tables (pandas DataFrames):

- ``steps``: one row per designed step — stage, optional, should_pass, passed, skipped,
  skipped_rate, taken_rate, repeated_rate, out_of_order_rate, channel_mismatch_rate,
  median_wait_s, max_wait_s, over_max_wait_rate, conversion_followed, conversion_skipped.
- ``extra``: one row per touchpoint not in the design — journeys, share, after_step, after_stage,
  visits_per_journey, median_dwell_s, conversion_with, conversion_without, conversion_lift, helps.
- ``edges``: every transition with its ``status`` (``designed-and-taken``,
  ``designed-not-taken``, ``taken-not-designed``), count and journeys; START/END markers included.
- ``journeys``: one row per journey — outcome, events, target_events, extra_events, fitness,
  aligned, skipped_steps, out_of_order_steps, repeated_steps, channel_mismatches, slow_waits.
- ``variants``: one row per distinct sequence of designed steps — path, journeys, share,
  fitness, aligned, moves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from journeymap.model.friction import Friction, frictions_frame, rank_frictions
from journeymap.model.target import TargetJourney

__all__ = ["EDGE_STATUSES", "Comparison"]

EDGE_STATUSES = ("designed-and-taken", "designed-not-taken", "taken-not-designed")


@dataclass(frozen=True, eq=False)
class Comparison:
    """Where reality departs from the designed journey, and what that costs.

    Attributes:
        target: the :class:`TargetJourney` compared with.
        fitness: alignment fitness of the aligned journeys (pm4py's log fitness:
            1 − deviations / worst-case deviations, summed over journeys); NaN without alignments.
        mean_journey_fitness: the average of per-journey fitness (pm4py's average trace fitness).
        dfg_fitness: the directly-follows answer: share of taken transitions (START and END
            included, weighted by count) that the design allows.
        covered_share: share of journeys whose variant was aligned.
        aligned_variants, variant_count: distinct run-collapsed variants of designed steps
            aligned, and in all.
        method: ``"alignments"`` or ``"dfg"`` (directly-follows only, no alignments).
        steps, extra, edges, journeys, variants: the tables in the module docstring.
        frictions: deviations as ranked :class:`Friction` findings (kinds ``deviation``,
            ``unnecessary_step``, ``slow_transition``).
        notes: what the reader should know (left-out steps, goal used, coverage).

    Example:
        >>> t = TargetJourney.from_dict({"name": "N", "stages": [{"name": "S", "steps": ["A"]}]})
        >>> c = Comparison(target=t, fitness=0.75)
        >>> c.summary()[0]
        "Target 'N': fitness 75% (alignments)"
    """

    target: TargetJourney
    fitness: float = math.nan
    mean_journey_fitness: float = math.nan
    dfg_fitness: float = math.nan
    covered_share: float = 0.0
    aligned_variants: int = 0
    variant_count: int = 0
    method: str = "alignments"
    steps: pd.DataFrame = field(default_factory=pd.DataFrame)
    extra: pd.DataFrame = field(default_factory=pd.DataFrame)
    edges: pd.DataFrame = field(default_factory=pd.DataFrame)
    journeys: pd.DataFrame = field(default_factory=pd.DataFrame)
    variants: pd.DataFrame = field(default_factory=pd.DataFrame)
    frictions: tuple[Friction, ...] = ()
    notes: tuple[str, ...] = ()

    def frictions_frame(self) -> pd.DataFrame:
        """The deviations as a DataFrame, one row per friction with its evidence."""
        return frictions_frame(self.frictions)

    def all_frictions(self, jmap: Any) -> tuple[Friction, ...]:
        """The map's own frictions and these deviations in one ranked list.

        A finding of the map with the same kind and steps as a deviation is left out: the
        deviation says the same with the design in view.
        """
        return merge_frictions(getattr(jmap, "frictions", ()) or (), self.frictions)

    def summary(self, top: int = 5) -> list[str]:
        """Short lines for a terminal: fitness, coverage and the top deviations."""
        if self.method == "dfg" or math.isnan(self.fitness):
            head = f"Target {self.target.name!r}: directly-follows fitness {_pct(self.dfg_fitness)}"
        else:
            head = f"Target {self.target.name!r}: fitness {_pct(self.fitness)} (alignments)"
        lines = [head]
        if self.method != "dfg" and self.variant_count:
            lines.append(
                f"  {self.aligned_variants:,} of {self.variant_count:,} variants aligned, "
                f"covering {_pct(self.covered_share, 1)} of journeys; directly-follows fitness "
                f"{_pct(self.dfg_fitness)}"
            )
        for f in self.frictions[:top]:
            lines.append(f"  {f.rank}. [{f.kind}] {f.explanation}")
        lines += [f"  note: {n}" for n in self.notes]
        return lines

    def as_dict(self) -> dict[str, Any]:
        """Headline figures as plain data (for ``comparison.json``)."""
        return {
            "target": self.target.name,
            "goal": list(self.target.goal),
            "method": self.method,
            "fitness": _num(self.fitness),
            "mean_journey_fitness": _num(self.mean_journey_fitness),
            "dfg_fitness": _num(self.dfg_fitness),
            "covered_share": _num(self.covered_share),
            "aligned_variants": self.aligned_variants,
            "variant_count": self.variant_count,
            "journeys": len(self.journeys),
            "frictions": len(self.frictions),
            "notes": list(self.notes),
        }

    def __repr__(self) -> str:
        return (
            f"<Comparison with {self.target.name!r}: fitness {_pct(self.fitness)}, "
            f"{len(self.frictions)} deviations, {_pct(self.covered_share)} of journeys aligned>"
        )


def merge_frictions(
    found: Iterable[Friction], deviations: Iterable[Friction]
) -> tuple[Friction, ...]:
    """One ranked list of ``found`` and ``deviations``; same kind and steps: the deviation wins."""
    deviations = list(deviations)
    taken = {(f.kind, tuple(f.steps)) for f in deviations}
    kept = [f for f in found if (f.kind, tuple(f.steps)) not in taken]
    return rank_frictions([*kept, *deviations])


def _pct(value: float, digits: int = 0) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}%}"


def _num(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)
