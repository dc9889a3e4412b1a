"""The target journey as a pm4py model, and pm4py alignments of distinct variants against it.

pm4py is imported inside the functions: it takes about a second to import.

The model: a sequence of stages, each a sequence of its steps; an optional step is a choice
(xor) between the step and a silent skip (tau). Transitions are labelled with the designed
touchpoint names, so traces must be written with those names (aliases already mapped).

Two exact reductions keep the number of alignments down (each aligned variant gives the same
optimal cost as pm4py would on the full trace):

- events whose touchpoint is not in the target can only be log moves: they are left out of the
  aligned trace and counted back as one log move each;
- a run of the same designed step (``A A A``) can sync at most once, since each touchpoint occurs
  once in the model: it is aligned as ``A`` and the rest counted back as log moves.
"""

from __future__ import annotations

import itertools
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from journeymap.model.target import TargetJourney
from journeymap.progress import ProgressCallback, as_reporter

__all__ = [
    "Aligned",
    "align_variants",
    "collapse_runs",
    "model_key",
    "petri_net",
    "process_tree",
]

# pm4py's standard cost of a log or a visible model move; silent moves cost 1 and sync moves 0,
# and pm4py floors costs by this unit when it computes fitness.
MOVE_COST = 10_000


def process_tree(target: TargetJourney) -> Any:
    """The target as a pm4py ``ProcessTree``.

    A sequence of stages, each a sequence of its steps; an optional step is xor(step, tau).
    """
    from pm4py.objects.process_tree.obj import Operator, ProcessTree

    def node(operator: Any = None, label: str | None = None, children: Sequence[Any] = ()) -> Any:
        tree = ProcessTree(operator=operator, label=label)
        for child in children:
            child.parent = tree
            tree.children.append(child)
        return tree

    def step_node(step: Any) -> Any:
        leaf = node(label=step.touchpoint)
        return node(Operator.XOR, children=[leaf, node()]) if step.optional else leaf

    stages = [
        node(Operator.SEQUENCE, children=[step_node(s) for s in stage.steps])
        for stage in target.stages
    ]
    return node(Operator.SEQUENCE, children=stages)


def petri_net(target: TargetJourney) -> tuple[Any, Any, Any]:
    """The target as a pm4py Petri net ``(net, initial_marking, final_marking)``."""
    from pm4py.objects.conversion.process_tree import converter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return converter.apply(process_tree(target))


def collapse_runs(codes: Sequence[int]) -> tuple[int, ...]:
    """The sequence with each run of one value kept once: ``(0, 0, 1, 0) -> (0, 1, 0)``."""
    return tuple(key for key, _ in itertools.groupby(codes))


@dataclass(frozen=True)
class Aligned:
    """The optimal alignment of one run-collapsed variant of designed steps.

    Attributes:
        deviations: log moves plus visible model moves (pm4py's cost divided by its move cost).
        moves: the alignment as ``(kind, step)`` pairs, kind ``sync``, ``log`` (a step the design
            did not expect there) or ``model`` (a designed step the journey did not take).
    """

    deviations: int
    moves: tuple[tuple[str, str], ...]


def align_variants(
    target: TargetJourney,
    variants: Sequence[Sequence[str]],
    *,
    progress: ProgressCallback | None = None,
) -> list[Aligned]:
    """Align each variant (a sequence of designed touchpoint names) with pm4py, in order.

    Uses pm4py's Dijkstra alignment on the target's Petri net with the standard cost function
    (the one ``pm4py.fitness_alignments`` uses), so deviations equal pm4py's.

    An alignment depends only on the model (the stages, their steps and which are optional)
    and the variant, so each is computed once per process: comparing a filtered map, or the
    same map again, aligns only the variants not aligned before (see :func:`model_key`; at
    most :data:`CACHED_VARIANTS` variants are kept per model, for the last
    :data:`CACHED_MODELS` models).

    >>> t = TargetJourney.from_dict({"name": "Buy", "stages": [{"name": "Buy",
    ...     "steps": ["Cart", {"touchpoint": "Help", "optional": True}, "Pay"]}]})
    >>> [a.deviations for a in align_variants(t, [["Cart", "Pay"], ["Pay", "Cart"]])]
    [0, 2]
    """
    key = model_key(target)
    wanted = [tuple(v) for v in variants]
    with _LOCK:  # the app compares in several threads; the alignments run outside the lock
        known = _ALIGNED.pop(key, {})
        _ALIGNED[key] = known  # the most recently used model last
        while len(_ALIGNED) > CACHED_MODELS:
            del _ALIGNED[next(iter(_ALIGNED))]
        found = {v: known[v] for v in wanted if v in known}
    todo = list(dict.fromkeys(v for v in wanted if v not in found))
    if todo:
        new = _align_all(target, todo, progress)
        found.update(new)
        with _LOCK:
            room = max(0, CACHED_VARIANTS - len(known))
            known.update(itertools.islice(new.items(), room))
    else:
        as_reporter(progress)(f"aligned {len(variants):,} variants (aligned before)", 1.0)
    return [found[v] for v in wanted]


CACHED_MODELS = 8
CACHED_VARIANTS = 200_000
_ALIGNED: dict[tuple[Any, ...], dict[tuple[str, ...], Aligned]] = {}
_LOCK = threading.Lock()


def model_key(target: TargetJourney) -> tuple[Any, ...]:
    """What a target's model is made of: its stages' steps in order, each with whether it is
    optional (names, channels, efforts and waits do not change an alignment)."""
    return tuple(
        tuple((step.touchpoint, bool(step.optional)) for step in stage.steps)
        for stage in target.stages
    )


def _align_all(
    target: TargetJourney,
    variants: Sequence[tuple[str, ...]],
    progress: ProgressCallback | None,
) -> dict[tuple[str, ...], Aligned]:
    """pm4py's alignment of each variant, by variant."""
    from pm4py.algo.conformance.alignments.petri_net.variants import dijkstra_less_memory
    from pm4py.objects.log.obj import Event, Trace

    report = as_reporter(progress)
    net, im, fm = petri_net(target)
    # pm4py's standard costs, given up front: otherwise pm4py re-derives them (and a per-trace
    # tweak of silent-move costs) for every trace, a third of the time on small models
    parameters = {
        dijkstra_less_memory.Parameters.PARAM_MODEL_COST_FUNCTION: {
            t: MOVE_COST if t.label is not None else 1 for t in net.transitions
        }
    }
    results: dict[tuple[str, ...], Aligned] = {}
    step = max(1, len(variants) // 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, names in enumerate(variants):
            if i % step == 0:
                report(f"aligning variant {i + 1:,} of {len(variants):,}", i / len(variants))
            trace = Trace([Event({"concept:name": name}) for name in names])
            result = dijkstra_less_memory.apply(trace, net, im, fm, parameters=parameters)
            results[names] = _aligned(result)
    report(f"aligned {len(variants):,} variants", 1.0)
    return results


def required_moves(target: TargetJourney) -> int:
    """Visible model moves of the cheapest run through the model: the required steps."""
    return sum(not step.optional for step in target.steps)


def _aligned(result: dict[str, Any]) -> Aligned:
    moves = []
    for log_label, model_label in result["alignment"]:
        if log_label == ">>":
            if model_label is not None and model_label != ">>":
                moves.append(("model", str(model_label)))
        elif model_label == ">>":
            moves.append(("log", str(log_label)))
        else:
            moves.append(("sync", str(log_label)))
    return Aligned(deviations=int(result["cost"]) // MOVE_COST, moves=tuple(moves))
