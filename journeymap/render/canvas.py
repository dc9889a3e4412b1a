"""The journey-map canvas: the map CX people draw on a wall, built from the real journeys.

Stages are columns, touchpoints are cards in channel lanes, an effort curve runs under the
cards (the data's answer to the hand-drawn emotion curve), drop-off bars sit between steps,
and numbered callouts point at the frictions listed at the bottom. Designed steps nobody
takes are greyed; steps customers take outside the design are marked.

Everything is placed in inches on one full-page axes, so the page is exactly the requested
size and fonts scale with it.
"""

from __future__ import annotations

import math
from typing import Any

from journeymap.render import palette
from journeymap.render._data import effort_values
from journeymap.render._fit import TextFitter
from journeymap.render._summary import (
    friction_figures,
    friction_title,
    frictions_of,
    headline,
    summary_parts,
)
from journeymap.render._text import clean, fmt_count, fmt_pct, wrap
from journeymap.render.output import SIZES, new_figure
from journeymap.render.stages import NOT_DESIGNED, NOT_TAKEN, Plan, plan_map

__all__ = ["journey_map"]

A3_HEIGHT = SIZES["a3"][1]


def journey_map(
    jmap: Any,
    target: Any = None,
    *,
    comparison: Any = None,
    size: str | tuple[float, float] = "a3",
    title: str | None = None,
    max_steps: int | None = None,
    max_frictions: int | None = None,
) -> Any:
    """Draw the journey-map canvas of ``jmap``; returns a matplotlib Figure.

    Parameters:
        jmap: a :class:`journeymap.JourneyMap`.
        target: the designed journey (a :class:`journeymap.TargetJourney`); its stages become
            the columns. Without one, stages are inferred from the order of steps in the most
            common converting paths.
        comparison: ``jmap.compare(target)``; computed from ``target`` when omitted.
        size: ``"a3"`` (landscape, for walls), ``"16:9"`` (screens, slides), ``"a4"``, or
            ``(width, height)`` in inches.
        title: the headline; by default it names the target or the goal.
        max_steps: most cards drawn (the most reached steps are kept; default 12 on A3).
        max_frictions: most friction callouts (default 6 on A3, 3 on smaller pages).

    Returns:
        A matplotlib Figure (Agg); save it with :func:`journeymap.render.figure_bytes`.

    Example:
        >>> import pandas as pd, journeymap as jm
        >>> df = pd.DataFrame({"customer_id": ["a", "a", "b", "b"],
        ...     "touchpoint": ["Visit", "Buy", "Visit", "Call"],
        ...     "timestamp": ["2025-01-01 10:00", "2025-01-01 10:05",
        ...                   "2025-01-01 09:00", "2025-01-01 09:30"]})
        >>> jmap = jm.mine(jm.read_log(df), goal="Buy", horizon="1m")
        >>> fig = journey_map(jmap, size="16:9")
        >>> [round(x, 2) for x in fig.get_size_inches()]
        [13.33, 7.5]
    """
    if comparison is None and target is not None and hasattr(jmap, "compare"):
        comparison = jmap.compare(target)
    fig = new_figure(size)
    width, height = (float(v) for v in fig.get_size_inches())
    if max_steps is None:
        max_steps = max(6, min(14, int((width - 2.0) / 1.45)))
    if max_frictions is None:
        max_frictions = 4 if height >= 10 else 2
    plan = plan_map(jmap, target, max_steps=max_steps)
    _Canvas(fig, jmap, plan, target, comparison, title, max_frictions).draw()
    return fig


class _Canvas:
    """One drawing; positions in inches from the bottom-left corner of the page."""

    ROW_H = 1.05  # inches per row of the friction list, at scale 1
    LEGEND_COLUMNS = 2
    CARD_FONT = 13.0  # points, at scale 1
    LANE_MIN_H = 0.85  # inches per channel lane at least, at scale 1
    LANE_MAX_H = 2.5  # inches per channel lane at most, at scale 1

    def __init__(
        self,
        fig: Any,
        jmap: Any,
        plan: Plan,
        target: Any,
        comparison: Any,
        title: str | None,
        max_frictions: int,
    ) -> None:
        self.fig, self.jmap, self.plan = fig, jmap, plan
        self.target, self.comparison, self.title = target, comparison, title
        self.W, self.H = (float(v) for v in fig.get_size_inches())
        # Font scale: 1 on A3; smaller pages shrink less than the page so a projected
        # 16:9 map stays readable from the back of the room.
        self.s = min(max(min(self.H / A3_HEIGHT, self.W / SIZES["a3"][0]) * 1.3, 0.7), 1.0)
        self.fitter = TextFitter(fig)
        self.ax = fig.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, self.W)
        self.ax.set_ylim(0, self.H)
        self.ax.axis("off")
        self.all_frictions = frictions_of(jmap, comparison)
        self.frictions = [f for f in self.all_frictions if f.steps][:max_frictions]
        self.margin = 0.35 * self.s + 0.1
        self.left = 1.4 * self.s + self.margin  # lane and band labels
        n = max(len(plan.steps), 1)
        self.slot = (self.W - self.left - self.margin) / n
        self.x = [self.left + self.slot * (i + 0.5) for i in range(n)]

    # --- helpers -------------------------------------------------------------------------
    def fs(self, points: float) -> float:
        return points * self.s

    def text(self, x: float, y: float, s: str, size: float, **kw: Any) -> Any:
        kw.setdefault("color", palette.INK)
        return self.ax.text(x, y, clean(s), fontsize=self.fs(size), parse_math=False, **kw)

    def rect(self, x: float, y: float, w: float, h: float, **kw: Any) -> Any:
        from matplotlib.patches import FancyBboxPatch

        rounding = kw.pop("rounding", 0.08 * self.s)
        patch = FancyBboxPatch((x, y), w, h, boxstyle=f"round,pad=0,rounding_size={rounding}", **kw)
        self.ax.add_patch(patch)
        return patch

    # --- layout --------------------------------------------------------------------------
    def draw(self) -> None:
        s, H = self.s, self.H
        title_h = 0.95 * s + 0.15
        header_h = 0.55 * s
        effort_h = 1.35 * s
        drop_h = 0.95 * s
        legend_rows = math.ceil(len(self.frictions) / self.LEGEND_COLUMNS) if self.frictions else 0
        legend_h = (0.2 + self.ROW_H * legend_rows) * s if self.frictions else 0.45 * s
        top = H - self.margin
        self.y_title = top
        self.y_header_top = top - title_h
        self.y_lanes_top = self.y_header_top - header_h
        bottom = self.margin + legend_h
        # Lanes no taller than a generous card; the space left makes the curve taller.
        lanes = max(len({step.channel for step in self.plan.steps}), 1)
        room = self.y_lanes_top - bottom - drop_h - effort_h
        spare = max(room - lanes * self.LANE_MAX_H * s, 0.0)
        effort_h += min(spare * 0.6, 1.6 * s)
        drop_h += min(spare * 0.4, 1.0 * s)
        # Many lanes on a small page: the bands give way first, then the friction list
        # (the deck and the report carry every friction).
        short = lanes * self.LANE_MIN_H * s - room
        if short > 0:
            give = min(short, 0.55 * s)
            effort_h, drop_h, short = effort_h - give * 0.6, drop_h - give * 0.4, short - give
        while short > 0 and self.frictions:
            self.frictions = self.frictions[: -self.LEGEND_COLUMNS]
            rows = math.ceil(len(self.frictions) / self.LEGEND_COLUMNS)
            new_h = (0.2 + self.ROW_H * rows) * s if self.frictions else 0.45 * s
            short -= legend_h - new_h
            bottom -= legend_h - new_h
            legend_h = new_h
        self.y_drop_bottom = bottom
        self.y_effort_bottom = bottom + drop_h
        self.y_lanes_bottom = self.y_effort_bottom + effort_h
        self._title()
        self._stage_columns()
        self._lanes_and_cards()
        self._effort_curve()
        self._dropoff_bars()
        self._friction_legend()

    def _title(self) -> None:
        title = headline(self.jmap, self.target, self.title)
        self.text(self.margin, self.y_title, title, 26, ha="left", va="top", fontweight="bold")
        self.text(
            self.margin,
            self.y_title - 0.5 * self.s,
            self._subtitle(),
            12.5,
            ha="left",
            va="top",
            color=palette.MUTED,
        )
        self._key()

    def _subtitle(self) -> str:
        parts = summary_parts(self.jmap, self.comparison)
        if self.plan.hidden:
            parts.append(f"{self.plan.hidden} rarer steps not shown")
        return "  ·  ".join(parts)

    def _key(self) -> None:
        """A small key at the top right: what greyed and marked cards mean."""
        items = [("card", "touchpoint (colour: channel)")]
        if any(s.status == NOT_TAKEN for s in self.plan.steps):
            items.append(("not_taken", "designed, not taken"))
        if any(s.status == NOT_DESIGNED for s in self.plan.steps):
            items.append(("not_designed", "taken, not designed"))
        if self.frictions:
            items.append(("friction", "friction (see below)"))
        x = self.W - self.margin
        y = self.y_title - 0.12 * self.s
        title = headline(self.jmap, self.target, self.title)
        title_end = self.margin + self.fitter.width(title, self.fs(26), bold=True)
        need = sum(self.fitter.width(t, self.fs(10)) + 0.67 * self.s for _, t in items)
        if x - need < title_end + 0.3:
            y = self.y_title - 0.5 * self.s - self.fs(12.5) / 72 * 1.4 - 0.12 * self.s
        for kind, label in reversed(items):
            t = self.text(x, y, label, 10, ha="right", va="center", color=palette.MUTED)
            w = _text_width(self.fig, t)
            x -= w + 0.12 * self.s
            if kind == "friction":
                self._badge(x - 0.1 * self.s, y, "1")
            else:
                style = {
                    "card": ("white", palette.MUTED, "solid"),
                    "not_taken": ("#F2F2F2", palette.NOT_TAKEN, "dashed"),
                    "not_designed": ("white", palette.NOT_DESIGNED, "dashed"),
                }[kind]
                self.rect(
                    x - 0.32 * self.s,
                    y - 0.1 * self.s,
                    0.3 * self.s,
                    0.2 * self.s,
                    facecolor=style[0],
                    edgecolor=style[1],
                    linestyle=style[2],
                    linewidth=1.5,
                    rounding=0.03,
                )
            x -= 0.55 * self.s

    def _stage_columns(self) -> None:
        tints = ("#F4F6FA", "#FFFFFF")
        i = 0
        for k, stage in enumerate(self.plan.stages):
            n = len(stage.steps)
            if not n:
                continue
            x0 = self.left + self.slot * i
            w = self.slot * n
            self.ax.add_patch(
                _rect(
                    x0,
                    self.y_drop_bottom,
                    w,
                    self.y_header_top - self.y_drop_bottom,
                    facecolor=tints[k % 2],
                    edgecolor="none",
                    zorder=0,
                )
            )
            self.rect(
                x0 + 0.03,
                self.y_lanes_top + 0.06 * self.s,
                w - 0.06,
                self.y_header_top - self.y_lanes_top - 0.1 * self.s,
                facecolor=palette.INK,
                edgecolor="none",
                rounding=0.06 * self.s,
            )
            label = self._fit_lines(stage.name, w - 0.15, 15, bold=True, max_lines=2)
            self.text(
                x0 + w / 2,
                (self.y_header_top + self.y_lanes_top) / 2 + 0.02 * self.s,
                "\n".join(label[0]),
                label[1],
                ha="center",
                va="center",
                color="white",
                fontweight="bold",
                linespacing=1.0,
            )
            if k:
                self.ax.plot(
                    [x0, x0],
                    [self.y_drop_bottom, self.y_lanes_top],
                    color=palette.RULE,
                    linewidth=1.0,
                    zorder=0.5,
                )
            i += n
        if self.plan.inferred:
            self.text(
                self.left - 0.12 * self.s,
                (self.y_header_top + self.y_lanes_top) / 2,
                "stages inferred\nfrom the data",
                8.5,
                ha="right",
                va="center",
                color=palette.MUTED,
                style="italic",
            )

    def _lanes(self) -> list[str]:
        lanes: dict[str, float] = {}
        for step in self.plan.steps:
            lanes[step.channel] = lanes.get(step.channel, 0.0) + float(
                step.data.get("journeys", 0) or 0
            )
        return sorted(lanes, key=lambda c: (-lanes[c], c))

    def _lanes_and_cards(self) -> None:
        lanes = self._lanes()
        self.colours = palette.channel_colours(lanes)
        lane_h = (self.y_lanes_top - self.y_lanes_bottom) / max(len(lanes), 1)
        # One font size for every card name: the largest that fits them all whole.
        w, h = self._card_size(lane_h)
        # (a floor keeps one very long name from shrinking every card; it shrinks alone)
        self.card_font = max(
            self.CARD_FONT * 0.8,
            min(
                (
                    self._fit_lines(
                        s.name, w - 0.12 * self.s, 13, bold=False, height=self._name_room(h)
                    )[1]
                    for s in self.plan.steps
                ),
                default=self.CARD_FONT,
            ),
        )
        self.card_centre: dict[int, tuple[float, float, float, float]] = {}
        for j, lane in enumerate(lanes):
            y1 = self.y_lanes_top - lane_h * j
            y0 = y1 - lane_h
            colour = self.colours[lane]
            if j:
                self.ax.plot(
                    [self.margin, self.W - self.margin],
                    [y1, y1],
                    color=palette.RULE,
                    linewidth=0.8,
                    linestyle=(0, (4, 3)),
                    zorder=0.5,
                )
            self.ax.add_patch(
                _rect(
                    self.margin,
                    y0 + 0.08 * self.s,
                    0.09 * self.s,
                    lane_h - 0.16 * self.s,
                    facecolor=colour,
                    edgecolor="none",
                )
            )
            name, size = self._fit_lines(
                lane or "(no channel)", self.left - self.margin - 0.3, 13, bold=True, max_lines=3
            )
            self.text(
                self.margin + 0.2 * self.s,
                (y0 + y1) / 2,
                "\n".join(name),
                size,
                ha="left",
                va="center",
                fontweight="bold",
                color=palette.INK,
            )
            for i, step in enumerate(self.plan.steps):
                if step.channel == lane:
                    self._card(i, step, y0, y1, colour)

    def _card_size(self, lane_h: float) -> tuple[float, float]:
        pad = 0.07 * self.s
        return self.slot - 2 * pad, min(lane_h - 2 * pad, 2.2 * self.s)

    def _name_room(self, card_h: float) -> float:
        """Height left for the name on a card, under the badge and above two detail lines."""
        return card_h - 1.5 * self.fs(9.5) * 1.25 / 72 - 0.2 * self.s

    def _card(self, i: int, step: Any, y0: float, y1: float, colour: str) -> None:
        w, h = self._card_size(y1 - y0)
        x = self.x[i] - w / 2
        y = (y0 + y1) / 2 - h / 2
        self.card_centre[i] = (self.x[i], y + h, w, h)
        data = step.data
        if step.status == NOT_TAKEN:
            face, edge, style, ink, lw = "#F2F2F2", palette.NOT_TAKEN, "dashed", palette.MUTED, 1.6
            detail = "designed · not taken"
        else:
            face, edge, style, ink, lw = (
                palette.lighten(colour, 0.86),
                colour,
                "solid",
                palette.INK,
                2.0,
            )
            reach = data.get("reach")
            detail = fmt_count(data.get("journeys"))
            if reach is not None and reach == reach:
                detail += f" · {fmt_pct(reach)}"
        if step.status == NOT_DESIGNED:
            edge, style, lw = palette.NOT_DESIGNED, "dashed", 2.6
        if step.optional and y1 - y0 >= 1.0 * self.s:
            detail += "\noptional"
        self.rect(
            x, y, w, h, facecolor=face, edgecolor=edge, linestyle=style, linewidth=lw, zorder=3
        )
        detail_size = 9.5
        detail_lines = self.fitter.wrap(detail, w - 0.1 * self.s, self.fs(detail_size))[0]
        lines, size = self._fit_lines(
            step.name, w - 0.12 * self.s, self.card_font, bold=False, height=self._name_room(h)
        )
        name_top = y + h - 0.08 * self.s
        if step.status == NOT_DESIGNED:
            self.text(
                x + w / 2,
                y + h,
                " not designed ",
                8,
                ha="center",
                va="center",
                color="white",
                fontweight="bold",
                zorder=5,
                bbox={
                    "boxstyle": "round,pad=0.2",
                    "facecolor": palette.NOT_DESIGNED,
                    "edgecolor": "none",
                },
            )
            name_top -= 0.08 * self.s
        name_bottom = y + 0.1 * self.s + len(detail_lines) * self.fs(9.5) * 1.25 / 72
        self.text(
            x + w / 2,
            (name_top + name_bottom) / 2,
            "\n".join(lines),
            size,
            ha="center",
            va="center",
            color=ink,
            zorder=4,
            linespacing=1.05,
        )
        self.text(
            x + w / 2,
            y + 0.07 * self.s,
            "\n".join(detail_lines),
            detail_size,
            ha="center",
            va="bottom",
            color=palette.MUTED,
            zorder=4,
            linespacing=1.0,
        )

    def _fit_lines(
        self,
        name: str,
        width: float,
        size: float,
        *,
        bold: bool = False,
        height: float | None = None,
        max_lines: int | None = None,
    ) -> tuple[list[str], float]:
        """Wrap ``name`` to ``width`` inches, shrinking the font (down to 60%) until it fits."""
        return self.fitter.fit(
            name, width, size, bold=bold, height=height, max_lines=max_lines, scale=self.s
        )

    def _effort_curve(self) -> None:
        y0, y1 = self.y_effort_bottom, self.y_lanes_bottom
        self.ax.plot(
            [self.margin, self.W - self.margin], [y1, y1], color=palette.RULE, linewidth=1.2
        )
        raw, label = effort_values(self.jmap.steps)
        by_step = dict(zip(self.jmap.steps["step"], raw, strict=True))
        points = []
        for i, step in enumerate(self.plan.steps):
            if not step.taken:
                continue
            name = step.data.get("step", step.name)
            value = by_step.get(name, float("nan"))
            if value == value:
                points.append((i, float(value)))
        self.text(
            self.margin, y1 - 0.12 * self.s, "Effort", 13, ha="left", va="top", fontweight="bold"
        )
        self.text(
            self.margin,
            y1 - 0.42 * self.s,
            "\n".join(wrap(label, 24)),
            8,
            ha="left",
            va="top",
            color=palette.MUTED,
            linespacing=1.05,
        )
        inner_top, inner_bottom = y1 - 0.22 * self.s, y0 + 0.22 * self.s
        self.text(
            self.left - 0.1 * self.s,
            inner_top,
            "easy",
            9,
            ha="right",
            va="center",
            color=palette.MUTED,
            style="italic",
        )
        self.text(
            self.left - 0.1 * self.s,
            inner_bottom,
            "hard",
            9,
            ha="right",
            va="center",
            color=palette.MUTED,
            style="italic",
        )
        if not points:
            return
        values = [v for _, v in points]
        low, high = min(min(values), 0.0), max(values)
        span = (high - low) or 1.0
        xs = [self.x[i] for i, _ in points]
        ys = [inner_top - (v - low) / span * (inner_top - inner_bottom) for _, v in points]
        self.ax.plot(
            xs, ys, color=palette.INK, linewidth=2.6 * self.s, zorder=3, solid_capstyle="round"
        )
        colours = [palette.scale_colour((v - low) / span) for _, v in points]
        self.ax.scatter(
            xs,
            ys,
            s=(95 * self.s) ** 1,
            c=colours,
            edgecolors=palette.INK,
            linewidths=1.2,
            zorder=4,
        )
        hardest = max(range(len(points)), key=lambda k: points[k][1])
        self.text(
            xs[hardest],
            ys[hardest] - 0.14 * self.s,
            "hardest",
            9,
            ha="center",
            va="top",
            color=palette.INK,
            fontweight="bold",
            zorder=5,
        )

    def _dropoff_bars(self) -> None:
        y0, y1 = self.y_drop_bottom, self.y_effort_bottom
        self.ax.plot(
            [self.margin, self.W - self.margin], [y1, y1], color=palette.RULE, linewidth=1.2
        )
        self.text(
            self.margin, y1 - 0.12 * self.s, "Drop-off", 13, ha="left", va="top", fontweight="bold"
        )
        steps = self.jmap.steps
        column = "dropoff_score" if "dropoff_score" in steps else "exit_rate"
        caption = "share of journeys reaching the step that end there without the goal"
        self.text(
            self.margin,
            y1 - 0.42 * self.s,
            "\n".join(wrap(caption, 24)),
            8,
            ha="left",
            va="top",
            color=palette.MUTED,
            linespacing=1.05,
        )
        if not self.jmap.goal or column not in steps:
            self.text(
                self.left + 0.1,
                (y0 + y1) / 2,
                "No goal given, so no drop-off: export with --goal to see where customers give up.",
                11,
                ha="left",
                va="center",
                color=palette.MUTED,
                style="italic",
            )
            return
        # dropoff_score is a percentage (0-100), exit_rate a share (0-1): show both as shares.
        per = 100.0 if column == "dropoff_score" else 1.0
        values = {k: v / per for k, v in zip(steps["step"], steps[column], strict=True)}
        shown = [
            (i, float(values.get(s.data.get("step", s.name), float("nan"))))
            for i, s in enumerate(self.plan.steps)
            if s.taken
        ]
        shown = [(i, v) for i, v in shown if v == v]
        top = max([v for _, v in shown] + [1e-9])
        scale = 1.0 if top > 0.5 else top
        bar_w = min(self.slot * 0.28, 0.45 * self.s)
        room = (y1 - y0) - 0.5 * self.s
        goal = set(self.jmap.goal)
        for i, v in shown:
            if self.plan.steps[i].data.get("step") in goal:
                continue
            x = self.x[i] + self.slot / 2  # between this step and the next
            if i == len(self.plan.steps) - 1:
                x = self.x[i] + self.slot * 0.3
            h = max(v / scale * room, 0.015)
            self.ax.add_patch(
                _rect(
                    x - bar_w / 2,
                    y1 - 0.12 * self.s - h,
                    bar_w,
                    h,
                    facecolor=palette.OKABE_ITO["vermillion"],
                    edgecolor="none",
                    zorder=3,
                )
            )
            text = fmt_pct(v)
            strong = v >= 0.05 * scale
            self.text(
                x,
                y1 - 0.15 * self.s - h,
                text,
                10 if strong else 8.5,
                ha="center",
                va="top",
                color=palette.INK if strong else palette.MUTED,
                fontweight="bold" if strong else "normal",
                zorder=4,
            )

    def _badge(self, x: float, y: float, number: str) -> None:
        from matplotlib.patches import Circle

        r = 0.15 * self.s
        self.ax.add_patch(
            Circle(
                (x, y), r, facecolor=palette.FRICTION, edgecolor="white", linewidth=1.5, zorder=6
            )
        )
        self.text(
            x, y, number, 10.5, ha="center", va="center", color="white", fontweight="bold", zorder=7
        )

    def _friction_legend(self) -> None:
        y_top = self.y_drop_bottom - 0.12 * self.s
        if not self.frictions:
            self.text(
                self.margin,
                y_top - 0.1 * self.s,
                (
                    f"{len(self.all_frictions)} frictions: see the deck and the report."
                    if self.all_frictions
                    else "No frictions found in this map."
                ),
                11,
                ha="left",
                va="top",
                color=palette.MUTED,
                style="italic",
            )
            return
        # Callouts on the cards.
        per_card: dict[int, int] = {}
        for k, f in enumerate(self.frictions, start=1):
            i = self._friction_card(f)
            if i is None:
                continue
            x, top, w, _ = self.card_centre.get(i, (self.x[i], self.y_lanes_top, self.slot, 0))
            n = per_card.get(i, 0)
            per_card[i] = n + 1
            self._badge(x + w / 2 - 0.12 * self.s - n * 0.36 * self.s, top, str(k))
        # The numbered list.
        self.text(self.margin, y_top, "Frictions", 13, ha="left", va="top", fontweight="bold")
        columns = self.LEGEND_COLUMNS
        col_w = (self.W - self.left - self.margin) / columns
        row_h = self.ROW_H * self.s
        for k, f in enumerate(self.frictions, start=1):
            col, row = (k - 1) % columns, (k - 1) // columns
            x = self.left + col * col_w
            y = y_top - row * row_h
            self._badge(x + 0.15 * self.s, y - 0.15 * self.s, str(k))
            head = friction_title(f)
            text_x = x + 0.4 * self.s
            width = col_w - 0.55 * self.s
            lines, size = self._fit_lines(head, width, 11.5, bold=True, max_lines=1)
            self.text(text_x, y, "\n".join(lines[:2]), size, ha="left", va="top", fontweight="bold")
            figures = friction_figures(f)
            used = self.fs(size) * 1.25 / 72
            self.text(text_x, y - used, figures, 9, ha="left", va="top", color=palette.MUTED)
            used += self.fs(9) * 1.3 / 72
            body = clean(f.explanation)
            if f.suggestion:
                body += f" Try: {clean(f.suggestion)}"
            room = row_h - used - 0.1 * self.s
            body_lines, body_size = self._fit_lines(body, width, 9.5, height=room)
            self.text(
                text_x,
                y - used - 0.02 * self.s,
                "\n".join(body_lines),
                body_size,
                ha="left",
                va="top",
                color=palette.INK,
                linespacing=1.15,
            )
        hidden = len(self.all_frictions) - len(self.frictions)
        if hidden > 0:
            self.text(
                self.margin,
                y_top - 0.3 * self.s,
                f"+ {hidden} more in\nthe deck and report",
                9,
                ha="left",
                va="top",
                color=palette.MUTED,
                style="italic",
            )

    def _friction_card(self, friction: Any) -> int | None:
        for name in friction.steps:
            for i, s in enumerate(self.plan.steps):
                if name in (s.name, s.data.get("step")):
                    return i
        return None


def _rect(x: float, y: float, w: float, h: float, **kw: Any) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, **kw)


def _text_width(fig: Any, text: Any) -> float:
    """Width of a drawn text in inches."""
    renderer = fig.canvas.get_renderer()
    return text.get_window_extent(renderer).width / fig.dpi
