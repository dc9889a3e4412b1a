"""The process map: the journey graph as Graphviz DOT, SVG and PNG.

SVG and PNG go through Graphviz's ``dot`` when it is installed, otherwise through the
pure-Python layered layout in :mod:`journeymap.render.layout` drawn with matplotlib.
Node identifiers are generated (``n0``, ``n1``, …); touchpoint names appear only in labels
and tooltips, escaped by :mod:`journeymap.render._text`.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from journeymap.errors import JourneymapError
from journeymap.model.journeymap import END, START
from journeymap.render import palette
from journeymap.render._data import (
    COLOR_BY,
    DESIGNED_NOT_TAKEN,
    DESIGNED_TAKEN,
    TAKEN_NOT_DESIGNED,
    check_choice,
    check_coverage,
    comparison_edges,
    select,
    step_colour_values,
)
from journeymap.render._text import clean, dot_html, dot_quoted, fmt_count, wrap

__all__ = [
    "RenderError",
    "graphviz_available",
    "process_map_dot",
    "process_map_graph",
    "process_map_png",
    "process_map_svg",
]

ENGINES = ("auto", "graphviz", "python")
FONT = "DejaVu Sans"
LABEL_WIDTH = 22  # characters per line of a node label


class RenderError(JourneymapError, RuntimeError):
    """Graphviz failed on a drawing (the message carries what ``dot`` said)."""


@dataclass
class PNode:
    """A node of the drawn graph (a step, or the start/end marker)."""

    id: str
    name: str
    kind: str = "step"  # step | start | end | not_taken
    channel: str = ""
    journeys: float = float("nan")
    fill: str = palette.NO_VALUE
    value: float = float("nan")
    goal: bool = False
    not_designed: bool = False
    highlight: bool = False


@dataclass
class PEdge:
    """An edge of the drawn graph."""

    source: str
    target: str
    journeys: float
    width: float = 1.0
    status: str = ""  # "" or one of the comparison statuses
    label: str = ""


@dataclass
class ProcessGraph:
    """What the process map draws, independent of the drawing engine."""

    nodes: list[PNode] = field(default_factory=list)
    edges: list[PEdge] = field(default_factory=list)
    legend: list[str] = field(default_factory=list)
    colour_label: str = ""

    def node(self, node_id: str) -> PNode:
        return next(n for n in self.nodes if n.id == node_id)


def graphviz_available() -> bool:
    """Whether Graphviz's ``dot`` program is on the PATH."""
    return shutil.which("dot") is not None


def process_map_graph(
    jmap: Any,
    *,
    coverage: float = 1.0,
    color_by: str = "effort",
    comparison: Any = None,
    highlight: tuple[str, ...] = (),
) -> ProcessGraph:
    """The nodes, edges and legend of the process map (shared by DOT and the Python layout).

    ``highlight`` names steps drawn with a thick friction-coloured border.
    """
    check_choice(color_by, COLOR_BY, name="color_by", func="process_map_dot")
    coverage = check_coverage(coverage, func="process_map_dot")
    shown = select(jmap, coverage)
    steps = shown.steps
    unit, _, colour_label = step_colour_values(steps, color_by)
    goal = set(jmap.goal or ())
    overlay = comparison_edges(comparison) if comparison is not None else None
    extra = _extra_steps(comparison)

    g = ProcessGraph(colour_label=colour_label)
    ids: dict[str, str] = {}
    for i, row in enumerate(steps.to_dict("records")):
        name = row["step"]
        ids[name] = f"n{i}"
        g.nodes.append(
            PNode(
                id=f"n{i}",
                name=clean(name),
                channel=clean(row.get("channel")),
                journeys=float(row.get("journeys", float("nan"))),
                fill=palette.scale_colour(unit.loc[steps.index[i]]),
                value=float(unit.loc[steps.index[i]]),
                goal=name in goal,
                not_designed=name in extra,
                highlight=name in set(highlight),
            )
        )

    counts = pd.to_numeric(shown.transitions.get("journeys", shown.transitions.get("count")))
    top = float(counts.max()) if len(counts) and counts.notna().any() else 1.0
    status = {}
    if overlay is not None:
        rows = zip(overlay.source, overlay.target, overlay.status, strict=True)
        status = {(s, t): st for s, t, st in rows}
    for row, journeys in zip(shown.transitions.to_dict("records"), counts, strict=True):
        s, t = row["source"], row["target"]
        if s in ids and t in ids:
            g.edges.append(
                PEdge(
                    ids[s], ids[t], float(journeys), _width(journeys, top), status.get((s, t), "")
                )
            )

    if "starts" in steps and len(steps):
        starts_top = max(float(steps["starts"].max()), float(steps["ends"].max()), 1.0)
        g.nodes.insert(0, PNode(id="start", name="start", kind="start"))
        g.nodes.append(PNode(id="end", name="end", kind="end"))
        for row in steps.to_dict("records"):
            name = row["step"]
            if row.get("starts"):
                w = _width(row["starts"], starts_top)
                st = status.get((START, name), "")
                g.edges.append(PEdge("start", ids[name], float(row["starts"]), w, st))
            if row.get("ends"):
                w = _width(row["ends"], starts_top)
                st = status.get((name, END), "")
                g.edges.append(PEdge(ids[name], "end", float(row["ends"]), w, st))
        ids[START], ids[END] = "start", "end"

    if overlay is not None:
        _add_not_taken(g, overlay, ids)

    for e in g.edges:
        if e.status == DESIGNED_NOT_TAKEN:
            e.label = "designed, not taken"
        elif e.status == TAKEN_NOT_DESIGNED:
            e.label = f"{fmt_count(e.journeys)} · not designed"
        else:
            e.label = fmt_count(e.journeys)

    g.legend.append(f"Colour: {colour_label} (light = low, dark = high). Line width: journeys.")
    if shown.coverage < 1.0:
        g.legend.append(
            f"Showing the most frequent paths, covering {shown.coverage:.0%} of journeys "
            f"({shown.hidden_steps} rarer steps hidden)."
        )
    if goal:
        g.legend.append("Double border: goal step.")
    if overlay is not None:
        g.legend.append(
            "Blue: designed and taken. Vermillion dashed: taken, not designed. "
            "Grey dotted: designed, not taken."
        )
    return g


def _width(journeys: Any, top: float) -> float:
    try:
        share = float(journeys) / top
    except (TypeError, ValueError, ZeroDivisionError):
        return 1.0
    return round(1.0 + 7.0 * max(min(share, 1.0), 0.0), 2)


def _extra_steps(comparison: Any) -> set[str]:
    extra = getattr(comparison, "extra", None) if comparison is not None else None
    if extra is None:
        return set()
    if isinstance(extra, pd.DataFrame):
        column = next((c for c in ("touchpoint", "step") if c in extra), None)
        return set(extra[column]) if column else set()
    return {getattr(x, "step", x) for x in extra}


def _add_not_taken(g: ProcessGraph, overlay: pd.DataFrame, ids: dict[str, str]) -> None:
    """Designed transitions nobody took, with designed steps the data never shows."""
    missing = overlay[overlay.status == DESIGNED_NOT_TAKEN]
    for row in missing.itertuples(index=False):
        for name in (row.source, row.target):
            if name not in ids and name not in {START, END}:
                ids[name] = f"d{len(ids)}"
                g.nodes.append(PNode(id=ids[name], name=clean(name), kind="not_taken"))
        if row.source in ids and row.target in ids:
            g.edges.append(PEdge(ids[row.source], ids[row.target], 0.0, 1.0, DESIGNED_NOT_TAKEN))


def process_map_dot(
    jmap: Any,
    *,
    coverage: float = 1.0,
    color_by: str = "effort",
    comparison: Any = None,
    rankdir: str = "LR",
    highlight: tuple[str, ...] = (),
) -> str:
    """The journey graph as a Graphviz DOT string.

    Steps are nodes labelled with their name (wrapped), channel and journeys, filled by the
    chosen figure on a colour-blind-safe scale; edges are as wide as the journeys taking
    them; start and end markers show where journeys begin and finish. Every label is
    escaped, so any touchpoint name draws as written.

    Parameters:
        jmap: a :class:`journeymap.JourneyMap`.
        coverage: keep the most frequent paths until they cover this share of journeys
            (1.0 draws everything).
        color_by: ``"effort"``, ``"dropoff"`` or ``"frequency"``.
        comparison: a comparison with a target journey (``jmap.compare(target)``); its
            transitions are drawn as designed-and-taken, taken-not-designed and
            designed-not-taken.
        rankdir: Graphviz direction, ``"LR"`` (default) or ``"TB"``.
        highlight: steps to draw with a thick friction-coloured border.

    Returns:
        DOT source text; render it with ``dot -Tsvg`` or :func:`process_map_svg`.

    Example:
        >>> import pandas as pd, journeymap as jm
        >>> steps = pd.DataFrame({"step": ["Visit", 'Say "hi"'], "journeys": [2, 1]})
        >>> tr = pd.DataFrame({"source": ["Visit"], "target": ['Say "hi"'], "journeys": [1]})
        >>> jmap = jm.JourneyMap(steps=steps, transitions=tr, variants=pd.DataFrame(),
        ...                      journeys=pd.DataFrame())
        >>> dot = process_map_dot(jmap, color_by="frequency")
        >>> dot.startswith("digraph journey {") and "Say &quot;hi&quot;" in dot
        True
    """
    check_choice(rankdir, ("LR", "TB", "RL", "BT"), name="rankdir", func="process_map_dot")
    g = process_map_graph(
        jmap, coverage=coverage, color_by=color_by, comparison=comparison, highlight=highlight
    )
    legend = "".join(f'{dot_html(line)}<BR ALIGN="LEFT"/>' for line in g.legend)
    out = [
        "digraph journey {",
        f'  graph [rankdir={rankdir}, bgcolor="white", pad=0.3, nodesep=0.3, ranksep=0.55, '
        f'fontname="{FONT}", fontsize=11, fontcolor="{palette.MUTED}", labelloc=b, '
        f"labeljust=l, label=<{legend}>];",
        f'  node [shape=box, style="rounded,filled", fontname="{FONT}", fontsize=13, '
        f'margin="0.14,0.07", penwidth=1.2, color="{palette.MUTED}"];',
        f'  edge [fontname="{FONT}", fontsize=10, color="{palette.MUTED}", '
        f'fontcolor="{palette.MUTED}", arrowsize=0.7];',
    ]
    for n in g.nodes:
        out.append(f"  {n.id} [{_node_attrs(n)}];")
    for e in g.edges:
        out.append(f"  {e.source} -> {e.target} [{_edge_attrs(e, g)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _node_attrs(n: PNode) -> str:
    if n.kind in {"start", "end"}:
        fill = palette.START_COLOUR if n.kind == "start" else palette.END_COLOUR
        shape = "circle" if n.kind == "start" else "doublecircle"
        return (
            f'label={dot_quoted(n.name)}, shape={shape}, style=filled, fillcolor="{fill}", '
            f'fontcolor="white", fontsize=10, width=0.55, fixedsize=true, color="{fill}"'
        )
    name = "<BR/>".join(dot_html(line) for line in wrap(n.name, LABEL_WIDTH))
    if n.kind == "not_taken":
        detail = "designed · not taken"
        return (
            f'label=<{name}<BR/><FONT POINT-SIZE="10">{dot_html(detail)}</FONT>>, '
            f'style="rounded,dashed", color="{palette.NOT_TAKEN}", '
            f'fontcolor="{palette.NOT_TAKEN}", tooltip={dot_quoted(n.name + " (" + detail + ")")}'
        )
    detail = " · ".join(x for x in (n.channel, f"{fmt_count(n.journeys)} journeys") if x)
    if n.not_designed:
        detail += " · not designed"
    attrs = [
        f'label=<<B>{name}</B><BR/><FONT POINT-SIZE="10">{dot_html(detail)}</FONT>>',
        f'fillcolor="{n.fill}"',
        f'fontcolor="{palette.text_colour_on(n.fill)}"',
        f"tooltip={dot_quoted(n.name + ' — ' + detail)}",
    ]
    if n.goal:
        attrs.append("peripheries=2")
    if n.not_designed:
        attrs.append(f'color="{palette.NOT_DESIGNED}", penwidth=2.5, style="rounded,filled,dashed"')
    elif n.highlight:
        attrs.append(f'color="{palette.FRICTION}", penwidth=4')
    return ", ".join(attrs)


def _edge_attrs(e: PEdge, g: ProcessGraph) -> str:
    colour, style = palette.MUTED, "solid"
    if e.status == DESIGNED_TAKEN:
        colour = palette.DESIGNED
    elif e.status == TAKEN_NOT_DESIGNED:
        colour, style = palette.NOT_DESIGNED, "dashed"
    elif e.status == DESIGNED_NOT_TAKEN:
        colour, style = palette.NOT_TAKEN, "dotted"
    weight = max(1, round(e.width * 2))
    tip = f"{g.node(e.source).name} → {g.node(e.target).name}: {e.label}"
    return (
        f'label={dot_quoted(e.label)}, penwidth={e.width}, color="{colour}", style={style}, '
        f"weight={weight}, tooltip={dot_quoted(tip)}"
    )


def _run_dot(dot: str, fmt: str, *, dpi: int = 150) -> bytes:
    exe = shutil.which("dot")
    if exe is None:
        raise RenderError("Graphviz's 'dot' is not installed; use engine='python'.")
    args = [exe, f"-T{fmt}", "-Gcharset=UTF-8"]
    if fmt == "png":
        args.append(f"-Gdpi={dpi}")
    try:
        done = subprocess.run(args, input=dot.encode("utf-8"), capture_output=True, timeout=120)
    except subprocess.TimeoutExpired as exc:
        raise RenderError("Graphviz took more than 120 s; draw fewer steps (coverage).") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"Graphviz could not draw the process map: {message}")
    return done.stdout


def _use_graphviz(engine: str, func: str) -> bool:
    check_choice(engine, ENGINES, name="engine", func=func)
    if engine == "graphviz" and not graphviz_available():
        raise RenderError(
            "Graphviz's 'dot' is not installed (apt-get install graphviz, brew install "
            "graphviz); use engine='python' for the built-in layout."
        )
    return engine == "graphviz" or (engine == "auto" and graphviz_available())


def process_map_svg(jmap: Any, *, engine: str = "auto", **options: Any) -> str:
    """The process map as SVG text: Graphviz when installed, else the built-in layout.

    ``options`` are those of :func:`process_map_dot` (``coverage``, ``color_by``,
    ``comparison``); ``engine`` is ``"auto"``, ``"graphviz"`` or ``"python"``.
    """
    if _use_graphviz(engine, "process_map_svg"):
        return _run_dot(process_map_dot(jmap, **options), "svg").decode("utf-8")
    from journeymap.render.layout import process_map_figure
    from journeymap.render.output import figure_bytes

    return figure_bytes(process_map_figure(jmap, **options), "svg").decode("utf-8")


def process_map_png(jmap: Any, *, engine: str = "auto", dpi: int = 150, **options: Any) -> bytes:
    """The process map as PNG bytes: Graphviz when installed, else the built-in layout."""
    if _use_graphviz(engine, "process_map_png"):
        return _run_dot(process_map_dot(jmap, **options), "png", dpi=dpi)
    from journeymap.render.layout import process_map_figure
    from journeymap.render.output import figure_bytes

    return figure_bytes(process_map_figure(jmap, **options), "png", dpi=dpi)
