"""Journey map: the mined journey as a graph, coloured by effort or drop-off, with the figures,
frictions and paths of the step you pick."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeymap import render
from journeymap.app import context, ui

ctx = context.current()
ctx.require()
jmap = ctx.jmap
assert jmap is not None

st.title("Journey map")
COLOURS = {"effort": "Effort", "dropoff": "Drop-off", "frequency": "Journeys"}
left, middle, right = st.columns([2, 3, 2], vertical_alignment="bottom")
left.segmented_control(
    "Colour steps by", list(COLOURS), key="color_by", format_func=COLOURS.get, required=True,
    help="Light is low, dark is high, on a colour-blind-safe scale.",
)  # fmt: skip
middle.slider(
    "Show the paths covering this share of journeys", min_value=10, max_value=100, step=5,
    key="coverage", format="%d%%",
    help="Lower it to hide rare steps and paths and see the main road.",
)  # fmt: skip
target = st.session_state.target
comparison = None
if target is not None:
    right.toggle("Overlay the target journey", key="overlay")
    if st.session_state.overlay:
        with ui.guard(), st.spinner("Comparing with the target journey…"):
            comparison = ctx.comparison(target)
if st.session_state.color_by == "dropoff" and not jmap.has_goal:
    st.info("Set a goal on the Data page to see drop-off figures.", icon=":material/flag:")

with ui.guard():
    dot = render.process_map_dot(
        jmap,
        coverage=st.session_state.coverage / 100,
        color_by=st.session_state.color_by or "effort",
        comparison=comparison,
    )
with st.container(border=True, key="process_map"):
    st.graphviz_chart(dot, width="stretch")

st.subheader("Steps")
steps = jmap.steps
names = steps["step"].tolist()
if st.session_state.step not in names:
    st.session_state.step = names[0] if names else None


def _picked_row() -> None:
    rows = st.session_state.steps_table.selection.rows
    if rows:
        st.session_state.step = names[rows[0]]


table, detail = st.columns([3, 2], gap="large")
with table:
    st.caption("Click a row, or pick a step on the right, to see its figures.")
    shown_cols = [c for c in ui.STEP_COLUMNS if c in steps.columns]
    st.dataframe(
        steps,
        key="steps_table",
        on_select=_picked_row,
        selection_mode="single-row",
        hide_index=True,
        column_order=shown_cols,
        column_config=ui.STEP_COLUMNS,
        height=420,
    )
with detail:
    step = st.selectbox("Step", names, key="step")
    row = steps.set_index("step").loc[step] if step is not None else None
    if row is not None:
        m = st.columns(2)
        m[0].metric("Journeys", ui.count(row.get("journeys")))
        m[1].metric("Reach", ui.pct(row.get("reach"), 1), help="Share of journeys")
        m[0].metric("Median dwell", ui.duration(row.get("median_dwell_s")))
        m[1].metric("Exit rate", ui.pct(row.get("exit_rate"), 1))
        if "effort_score" in row.index or "dropoff_score" in row.index:
            m[0].metric("Effort score", ui.number(row.get("effort_score")))
            m[1].metric("Drop-off score", ui.number(row.get("dropoff_score")))
        st.caption(f"Usual channel: **{row.get('channel') or '–'}**")
        with st.expander("All figures of this step"):
            figures = pd.DataFrame(
                {"figure": row.index, "value": [ui.plain(v) for v in row.tolist()]}
            )
            st.dataframe(figures, hide_index=True)

if step is not None:
    frictions = [f for f in jmap.frictions if step in f.steps]
    paths = jmap.variants[jmap.variants["path"].map(lambda p: step in p)]
    into = jmap.transitions[jmap.transitions["target"] == step]
    out_of = jmap.transitions[jmap.transitions["source"] == step]
    tabs = st.tabs(
        [
            f"Frictions at {step} ({len(frictions)})",
            f"Paths through it ({len(paths):,} of the top {len(jmap.variants):,})",
            "Where customers come from and go",
        ]
    )
    with tabs[0]:
        if not frictions:
            st.caption("No friction found at this step.")
        for f in frictions[:10]:
            ui.friction_card(f, key=f"step_friction_{f.rank}")
    with tabs[1]:
        st.dataframe(
            ui.variants_view(paths.head(50)),
            hide_index=True,
            column_config=ui.VARIANT_COLUMNS,
        )
    with tabs[2]:
        a, b = st.columns(2)
        cols = {
            "count": st.column_config.NumberColumn("Moves", format="localized"),
            "journeys": st.column_config.NumberColumn("Journeys", format="localized"),
            "median_s": st.column_config.NumberColumn("Median wait (s)", format="%.0f"),
            "p90_s": st.column_config.NumberColumn("90th pct wait (s)", format="%.0f"),
        }
        a.markdown("**Before it**")
        a.dataframe(into.drop(columns="target"), hide_index=True, column_config=cols)
        b.markdown("**After it**")
        b.dataframe(out_of.drop(columns="source"), hide_index=True, column_config=cols)
