"""The pure-Python process-map drawing, used when Graphviz is not installed.

A small layered (Sugiyama-style) layout: cycles are broken by a depth-first search from the
start marker (heaviest edges first), steps are put in columns by longest path, and each
column is ordered by the barycentre of its neighbours. matplotlib draws the result with the
same colours, widths and labels as the DOT output.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from journeymap.render import palette
from journeymap.render._data import DESIGNED_NOT_TAKEN, DESIGNED_TAKEN, TAKEN_NOT_DESIGNED
from journeymap.render._text import wrap
from journeymap.render.output import new_figure
from journeymap.render.process_map import process_map_graph

__all__ = ["layered_layout", "process_map_figure"]

BOX_W = 2.0  # inches
LAYER_DX = 2.75
ROW_GAP = 0.4
LINE_H = 0.19
NAME_CHARS = 20


def layered_layout(
    nodes: list[str], edges: list[tuple[str, str, float]], *, first: str | None = None
) -> dict[str, tuple[int, int]]:
    """Column and row of every node: ``{node: (layer, position)}``.

    Parameters:
        nodes: node ids, in a stable order (used to break ties).
        edges: ``(source, target, weight)``; self-loops are ignored for the layout.
        first: the node to start the search from (the start marker), if any.

    >>> layered_layout(["a", "b", "c"], [("a", "b", 2), ("b", "c", 1), ("c", "b", 1)], first="a")
    {'a': (0, 0), 'b': (1, 0), 'c': (2, 0)}
    """
    out_edges: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for s, t, w in edges:
        if s != t:
            out_edges[s].append((-float(w), t))
    for s in out_edges:
        out_edges[s].sort(key=lambda x: (x[0], nodes.index(x[1])))

    # Depth-first search, heaviest edges first: edges into the stack are back edges.
    state: dict[str, int] = {}
    order: list[str] = []
    forward: set[tuple[str, str]] = set()
    roots = ([first] if first in nodes else []) + list(nodes)
    for root in roots:
        if root in state:
            continue
        stack = [(root, iter(out_edges[root]))]
        state[root] = 1
        order.append(root)
        while stack:
            node, children = stack[-1]
            for _, child in children:
                if state.get(child) == 1:
                    continue  # back edge: ignored for layering
                forward.add((node, child))
                if child not in state:
                    state[child] = 1
                    order.append(child)
                    stack.append((child, iter(out_edges[child])))
                    break
            else:
                state[node] = 2
                stack.pop()

    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for s, t in forward:
        preds[t].append(s)
        succs[s].append(t)

    # Longest path from the sources, in topological order of the forward edges.
    indegree = {n: len(preds[n]) for n in nodes}
    ready = [n for n in order if indegree[n] == 0]
    layer: dict[str, int] = {}
    topo: list[str] = []
    while ready:
        node = ready.pop(0)
        topo.append(node)
        layer[node] = max((layer[p] + 1 for p in preds[node]), default=0)
        for child in sorted(succs[node], key=order.index):
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    columns: dict[int, list[str]] = defaultdict(list)
    for node in order:
        columns[layer[node]].append(node)

    # Barycentre sweeps: order each column by the mean position of its neighbours.
    position = {n: i for col in columns.values() for i, n in enumerate(col)}
    for sweep in range(6):
        layers = sorted(columns) if sweep % 2 == 0 else sorted(columns, reverse=True)
        for k in layers:
            col = columns[k]
            neighbours = preds if sweep % 2 == 0 else succs

            def centre(n: str, neighbours: dict[str, list[str]] = neighbours) -> float:
                near = [position[m] for m in neighbours[n]]
                return sum(near) / len(near) if near else position[n]

            col.sort(key=lambda n: (centre(n), position[n]))
            for i, n in enumerate(col):
                position[n] = i
    return {n: (layer[n], position[n]) for n in nodes}


def process_map_figure(
    jmap: Any,
    *,
    coverage: float = 1.0,
    color_by: str = "effort",
    comparison: Any = None,
    highlight: tuple[str, ...] = (),
) -> Any:
    """The process map drawn with matplotlib (no Graphviz needed); returns a Figure."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    g = process_map_graph(
        jmap, coverage=coverage, color_by=color_by, comparison=comparison, highlight=highlight
    )
    ids = [n.id for n in g.nodes]
    where = layered_layout(ids, [(e.source, e.target, e.journeys) for e in g.edges], first="start")
    labels = {n.id: _label_lines(n) for n in g.nodes}
    heights = {i: _box_height(n.kind, labels[i]) for i, n in zip(ids, g.nodes, strict=True)}
    columns: dict[int, list[str]] = defaultdict(list)
    for node_id, (layer, _) in sorted(where.items(), key=lambda kv: kv[1]):
        columns[layer].append(node_id)
    col_heights = [sum(heights[n] + ROW_GAP for n in col) for col in columns.values()]
    legend_h = 0.25 * len(g.legend) + 0.3
    width = max(6.0, LAYER_DX * len(columns) + 0.6)
    height = max(3.0, max(col_heights, default=1.0) + legend_h + 1.0)
    fig = new_figure((width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")

    centres: dict[str, tuple[float, float]] = {}
    top = height - 0.8  # room for self-loops above the top row
    for layer, col in columns.items():
        x = 0.3 + LAYER_DX * layer + BOX_W / 2
        total = col_heights[layer]
        y = top - (max(col_heights) - total) / 2
        for node_id in col:
            h = heights[node_id]
            centres[node_id] = (x, y - ROW_GAP / 2 - h / 2)
            y -= h + ROW_GAP

    patches = {}
    for n in g.nodes:
        x, y = centres[n.id]
        h = heights[n.id]
        w = 0.55 if n.kind in {"start", "end"} else BOX_W
        fill = {"start": palette.START_COLOUR, "end": palette.END_COLOUR}.get(n.kind, n.fill)
        edge = palette.MUTED
        style = "solid"
        lw = 1.6 if n.goal else 1.0
        if n.kind == "not_taken":
            fill, edge, style = palette.PAPER, palette.NOT_TAKEN, "dashed"
        if n.not_designed:
            edge, style, lw = palette.NOT_DESIGNED, "dashed", 2.5
        elif n.highlight:
            edge, lw = palette.FRICTION, 4.0
        rounding = w / 2 if n.kind in {"start", "end"} else 0.12
        box = FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle=f"round,pad=0,rounding_size={rounding}",
            facecolor=fill,
            edgecolor=edge,
            linestyle=style,
            linewidth=lw,
            zorder=3,
        )
        ax.add_patch(box)
        patches[n.id] = box
        if n.goal:
            ax.add_patch(
                FancyBboxPatch(
                    (x - w / 2 - 0.05, y - h / 2 - 0.05),
                    w + 0.1,
                    h + 0.1,
                    boxstyle="round,pad=0,rounding_size=0.15",
                    facecolor="none",
                    edgecolor=palette.MUTED,
                    linewidth=1.2,
                    zorder=3,
                )
            )
        colour = palette.NOT_TAKEN if n.kind == "not_taken" else palette.text_colour_on(fill)
        name_lines, detail = labels[n.id]
        size = 8 if n.kind in {"start", "end"} else 10
        ax.text(
            x,
            y + (LINE_H * 0.45 if detail else 0),
            "\n".join(name_lines),
            ha="center",
            va="center",
            fontsize=size,
            fontweight="bold" if n.kind == "step" else "normal",
            color=colour,
            zorder=4,
            parse_math=False,
            linespacing=1.1,
        )
        if detail:
            ax.text(
                x,
                y - h / 2 + 0.13,
                detail,
                ha="center",
                va="center",
                fontsize=8,
                color=colour,
                zorder=4,
                parse_math=False,
            )

    for e in g.edges:
        colour, style = palette.MUTED, "solid"
        if e.status == DESIGNED_TAKEN:
            colour = palette.DESIGNED
        elif e.status == TAKEN_NOT_DESIGNED:
            colour, style = palette.NOT_DESIGNED, "dashed"
        elif e.status == DESIGNED_NOT_TAKEN:
            colour, style = palette.NOT_TAKEN, "dotted"
        (x0, y0), (x1, y1) = centres[e.source], centres[e.target]
        if e.source == e.target:
            h = heights[e.source]
            start, end = (x0 - 0.35, y0 + h / 2), (x0 + 0.35, y0 + h / 2)
            arrow = FancyArrowPatch(
                start,
                end,
                connectionstyle="arc3,rad=-1.1",
                arrowstyle="-|>",
                mutation_scale=10,
                linewidth=min(e.width, 4),
                color=colour,
                linestyle=style,
                zorder=2,
            )
            ax.add_patch(arrow)
            ax.text(
                x0,
                y0 + h / 2 + 0.42,
                e.label,
                ha="center",
                va="bottom",
                fontsize=8,
                color=palette.MUTED,
                parse_math=False,
                zorder=5,
            )
            continue
        layer_gap = where[e.target][0] - where[e.source][0]
        rad = 0.0 if layer_gap == 1 else (0.25 if layer_gap > 1 else -0.35)
        arrow = FancyArrowPatch(
            (x0, y0),
            (x1, y1),
            patchA=patches[e.source],
            patchB=patches[e.target],
            connectionstyle=f"arc3,rad={rad}",
            arrowstyle="-|>",
            mutation_scale=10 + e.width,
            linewidth=e.width * 0.8,
            color=colour,
            linestyle=style,
            alpha=0.85,
            zorder=2,
        )
        ax.add_patch(arrow)
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        if rad:
            # The midpoint of an arc3 curve is offset perpendicular to the chord by rad/2.
            mx, my = mx + rad / 2 * (y1 - y0), my - rad / 2 * (x1 - x0)
        ax.text(
            mx,
            my + 0.04 + e.width * 0.01,
            e.label,
            ha="center",
            va="bottom",
            fontsize=8,
            color=palette.MUTED,
            parse_math=False,
            zorder=2.5,  # under the boxes: a label never hides a step's name
            bbox={"boxstyle": "round,pad=0.08", "facecolor": "white", "edgecolor": "none"},
        )

    y = legend_h - 0.2
    for line in g.legend:
        ax.text(
            0.3, y, line, ha="left", va="top", fontsize=9, color=palette.MUTED, parse_math=False
        )
        y -= 0.25
    return fig


def _label_lines(n: Any) -> tuple[list[str], str]:
    if n.kind in {"start", "end"}:
        return [n.name], ""
    if n.kind == "not_taken":
        return wrap(n.name, NAME_CHARS), "designed · not taken"
    detail = " · ".join(x for x in (n.channel, f"{n.journeys:,.0f} journeys") if x)
    if n.not_designed:
        detail += " · not designed"
    return wrap(n.name, NAME_CHARS), detail


def _box_height(kind: str, label: tuple[list[str], str]) -> float:
    if kind in {"start", "end"}:
        return 0.55
    lines, detail = label
    return 0.2 + LINE_H * len(lines) + (0.25 if detail else 0.0)
