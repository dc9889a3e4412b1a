"""Present: the findings one at a time, full width and in large type, for a workshop projector.

A title slide (the log, its journeys, the goal, the fit with the design), then one friction per
slide with the process map around it. Previous / Next move through them; the position is kept
in ``st.session_state.present_slide``. Every figure is the package's (``jmap.frictions``, or
``comparison.all_frictions(jmap)`` with a design); names are escaped before they reach HTML.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import streamlit as st

from journeymap import render
from journeymap.app import context, loaders, nav, theme, ui
from journeymap.render import palette
from journeymap.render._data import select
from journeymap.render._summary import comparison_fitness, headline, summary_parts

EVIDENCE_SHOWN = 6
INK, MUTED, RULE, FRICTION = palette.INK, palette.MUTED, palette.RULE, palette.FRICTION
ACCENT, PANEL = str(theme.THEME["primaryColor"]), str(theme.THEME["secondaryBackgroundColor"])
TRY = palette.OKABE_ITO["orange"]

# Minimal chrome: no sidebar, no menu bar, the whole width. The exit button leads back.
STYLE = f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"] {{ display: none; }}
[data-testid="stMainBlockContainer"] {{ max-width: 100%; padding: 1.2rem 2.5rem 2rem; }}
.jm-slide {{ color: {INK}; line-height: 1.3; }}
.jm-kicker {{ font-size: 1.6rem; font-weight: 600; color: {ACCENT}; margin-bottom: .4rem; }}
.jm-kicker .jm-rank {{ background: {FRICTION}; color: #fff; border-radius: .4rem;
  padding: 0 .55rem; margin-right: .5rem; }}
.jm-title {{ font-size: 3.4rem; font-weight: 700; line-height: 1.12; margin: 0 0 .6rem;
  overflow-wrap: anywhere; }}
.jm-sub {{ font-size: 1.45rem; color: {MUTED}; margin-bottom: 1.2rem; }}
.jm-figs {{ display: flex; flex-wrap: wrap; gap: 1.2rem 2.6rem; margin: 1rem 0 1.4rem; }}
.jm-fig .jm-value {{ font-size: 3rem; font-weight: 700; line-height: 1.05;
  overflow-wrap: anywhere; }}
.jm-fig .jm-label {{ font-size: 1.2rem; color: {MUTED}; }}
.jm-explain {{ font-size: 1.75rem; margin: .4rem 0 1.1rem; overflow-wrap: anywhere; }}
.jm-try {{ font-size: 1.6rem; border-left: .45rem solid {TRY}; background: {PANEL};
  padding: .6rem 1rem; margin-bottom: 1.2rem; overflow-wrap: anywhere; }}
.jm-evidence {{ display: flex; flex-wrap: wrap; gap: .8rem; }}
.jm-evidence > div {{ border: 1px solid {RULE}; border-radius: .4rem; padding: .4rem .8rem; }}
.jm-evidence .jm-value {{ font-size: 1.7rem; font-weight: 600; overflow-wrap: anywhere; }}
.jm-evidence .jm-label {{ font-size: 1.05rem; color: {MUTED}; }}
.jm-position {{ font-size: 1.5rem; font-weight: 600; text-align: center; color: {MUTED}; }}
.jm-empty {{ font-size: 2rem; margin: 1rem 0; }}
.st-key-present_map svg {{ max-height: 82vh; }}  /* the whole map on one screen */
</style>"""


def text(value: Any) -> str:
    """A name or number as safe HTML text (user data: touchpoints, goals, file names)."""
    return escape(" ".join(str(value).split()), quote=True)


def figure(value: str, label: str) -> str:
    return f'<div class="jm-fig"><div class="jm-value">{text(value)}</div>' \
        f'<div class="jm-label">{text(label)}</div></div>'  # fmt: skip


def slide(body: str, where: Any = st) -> None:
    where.html(f'<div class="jm-slide">{body}</div>')


RATES = ("rate", "share", "conversion")  # evidence figures that are proportions


def evidence_value(key: str, value: Any) -> str:
    """An evidence figure as people read it: counts with separators, rates as percentages."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    proportion = any(word in key for word in RATES) and "lift" not in key
    if isinstance(value, float) and proportion and 0 <= value <= 1:
        return ui.pct(value, 1)
    return ui.plain(value)


def go(offset: int, last: int) -> None:
    """on_click of Previous / Next: move within the slides (0 is the title slide)."""
    st.session_state.present_slide = min(max(st.session_state.present_slide + offset, 0), last)


def title_slide(jmap: Any, target: Any, comparison: Any, found: list[Any]) -> None:
    outcomes = jmap.outcome_counts()
    figures = [figure(ui.count(sum(outcomes.values())), "journeys")]
    goal = ", ".join(jmap.goal) if jmap.goal else "none set"
    figures.append(figure(goal, "goal"))
    fitness = comparison_fitness(comparison) if comparison is not None else None
    if fitness is not None:
        figures.append(figure(ui.pct(fitness), f"fit with the design “{target.name}”"))
    figures.append(figure(ui.count(len(found)), "frictions found"))
    name = Path(source.name).name
    slide(
        f'<div class="jm-kicker">Workshop · {text(name)}</div>'
        f'<div class="jm-title">{text(headline(jmap, target))}</div>'
        f'<div class="jm-sub">{text("  ·  ".join(summary_parts(jmap, comparison)))}</div>'
    )
    left, right = st.columns([1, 2], gap="large")
    slide(f'<div class="jm-figs">{"".join(figures)}</div>', left)
    if not found:
        slide(
            '<div class="jm-empty">No friction found in these journeys.</div>'
            '<div class="jm-sub">Widen the filters, set a goal on the Data page (drop-off '
            "hotspots need one), or load a target journey (deviations need one).</div>",
            right,
        )
        return
    with ui.guard(), st.spinner("Drawing the journey map…"):
        canvas = loaders.canvas(source, ctx.read, ctx.filters, ctx.mine, target)()
    right.image(canvas, width="stretch")


def friction_slide(f: Any) -> None:
    stage = f" · stage {text(f.stage)}" if f.stage else ""
    figures = figure(ui.count(f.journeys), "journeys hit") + figure(
        ui.pct(f.share, 1), "of journeys"
    ) + figure(ui.severity(f.severity), "customer-hours (severity)")  # fmt: skip
    evidence = "".join(
        f'<div><div class="jm-value">{text(evidence_value(str(k), v))}</div>'
        f'<div class="jm-label">{text(str(k).replace("_", " "))}</div></div>'
        for k, v in list(dict(f.evidence).items())[:EVIDENCE_SHOWN]
    )
    words, picture = st.columns([5, 4], gap="large")
    slide(
        f'<div class="jm-kicker"><span class="jm-rank">#{f.rank}</span>'
        f"{text(ui.kind_label(f.kind))}{stage}</div>"
        f'<div class="jm-title">{" → ".join(text(s) for s in f.steps)}</div>'
        f'<div class="jm-figs">{figures}</div>'
        f'<div class="jm-explain">{text(f.explanation)}</div>'
        + (f'<div class="jm-try"><b>Try:</b> {text(f.suggestion)}</div>' if f.suggestion else "")
        + (f'<div class="jm-evidence">{evidence}</div>' if evidence else ""),
        words,
    )
    with picture, ui.guard():
        # the real journey without the design's overlay (readable from the back of the room),
        # on the Journey map page's settings; the friction's steps are always on it
        coverage = st.session_state.coverage / 100
        if not set(f.steps) <= set(select(jmap, coverage).steps["step"]):
            coverage = 1.0
        dot = render.process_map_dot(
            jmap,
            coverage=coverage,
            color_by=st.session_state.color_by or "effort",
            rankdir=st.session_state.map_direction or "TB",
            highlight=tuple(f.steps),
        )
        with st.container(key="present_map"):
            st.graphviz_chart(dot, width="stretch")
        st.caption("The steps of this friction have a thick vermillion border.")


ctx = context.current()
ctx.require()
jmap, source = ctx.jmap, ctx.source
assert jmap is not None and source is not None
st.html(STYLE)

target = st.session_state.target
comparison = None
if target is not None:
    with ui.guard():
        comparison = ctx.comparison(target)
found = list(comparison.all_frictions(jmap) if comparison is not None else jmap.frictions)
last = len(found)
st.session_state.present_slide = min(max(int(st.session_state.present_slide), 0), last)
current = st.session_state.present_slide

exit_, _, back, where, forward = st.columns([2, 4, 2, 2, 2], vertical_alignment="center")
if exit_.button("Exit presentation", key="present_exit", icon=":material/close:"):
    st.switch_page(nav.page("export"))
back.button(
    "Previous", key="present_prev", icon=":material/arrow_back:", width="stretch",
    disabled=current == 0, on_click=go, args=(-1, last),
)  # fmt: skip
position = f"Friction {current} of {last}" if current else f"Start · {last:,} frictions"
where.html(f'<div class="jm-position">{text(position)}</div>')
forward.button(
    "Next", key="present_next", icon=":material/arrow_forward:", width="stretch",
    disabled=current >= last, on_click=go, args=(1, last),
)  # fmt: skip

if current == 0:
    title_slide(jmap, target, comparison, found)
else:
    friction_slide(found[current - 1])
