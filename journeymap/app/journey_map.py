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
st.caption(ui.summary(jmap))
COLOURS = {"effort": "Effort", "dropoff": "Drop-off", "frequency": "Journeys"}
DIRECTIONS = {"TB": "Downwards", "LR": "Across"}
a, b, c, d = st.columns([4, 4, 3, 3], vertical_alignment="bottom", gap="medium")
a.segmented_control(
    "Colour steps by", list(COLOURS), key="color_by", format_func=COLOURS.get, required=True,
    help="Light is low, dark is high, on a colour-blind-safe scale.",
)  # fmt: skip
b.slider(
    "Paths covering this share of journeys", min_value=10, max_value=100, step=5,
    key="coverage", format="%d%%",
    help="Lower it to hide rare steps and paths and see the main road.",
)  # fmt: skip
c.segmented_control(
    "Direction", list(DIRECTIONS), key="map_direction", format_func=DIRECTIONS.get,
    required=True,
)  # fmt: skip
target = st.session_state.target
comparison = None
if target is not None:
    d.toggle(
        "Show the design", key="overlay",
        help="Draw designed-and-taken, taken-not-designed and designed-not-taken transitions.",
    )  # fmt: skip
    if st.session_state.overlay:
        with ui.guard():
            comparison = ctx.comparison(target)
if st.session_state.color_by == "dropoff" and not jmap.has_goal:
    st.info("Set a goal on the Data page to see drop-off figures.", icon=":material/flag:")

steps = jmap.steps
names = steps["step"].tolist()
if st.session_state.step not in names:
    st.session_state.step = names[0] if names else None


def _picked_row() -> None:
    rows = st.session_state.steps_table.selection.rows
    if rows:
        st.session_state.step = names[rows[0]]


with ui.guard():
    dot = render.process_map_dot(
        jmap,
        coverage=st.session_state.coverage / 100,
        color_by=st.session_state.color_by or "effort",
        comparison=comparison,
        rankdir=st.session_state.map_direction or "TB",
    )
with st.container(border=True, key="process_map"):
    st.graphviz_chart(dot, width="stretch")

figures_col, detail = st.columns([2, 3], gap="large")
with figures_col:
    step = st.selectbox("Step", names, key="step", help="Or click a row of the table below.")
    row = steps.set_index("step").loc[step] if step is not None else None
    if row is not None:
        m = st.columns(2)
        figures = [
            ("Journeys", ui.count(row.get("journeys")), None),
            ("Reach", ui.pct(row.get("reach"), 1), "Share of journeys that reach the step"),
            ("Median dwell", ui.duration(row.get("median_dwell_s")), "Time to the next step"),
            ("Exit rate", ui.pct(row.get("exit_rate"), 1), "Dropped journeys ending here"),
        ]
        if "effort_score" in row.index:
            figures.append(("Effort score", ui.number(row.get("effort_score"), 1), "0–100"))
        if "dropoff_score" in row.index:
            figures.append(("Drop-off score", ui.number(row.get("dropoff_score"), 1), "0–100"))
        for i, (label, value, help_text) in enumerate(figures):
            m[i % len(m)].metric(label, value, help=help_text)
        st.caption(f"Usual channel: **{row.get('channel') or '–'}**")
        with st.expander("All figures of this step"):
            table = pd.DataFrame({"figure": row.index, "value": [ui.plain(v) for v in row]})
            st.dataframe(table, hide_index=True, placeholder="–")

with detail:
    if step is not None:
        frictions = [f for f in jmap.frictions if step in f.steps]
        paths = jmap.variants[jmap.variants["path"].map(lambda p: step in p)]
        into = jmap.transitions[jmap.transitions["target"] == step]
        out_of = jmap.transitions[jmap.transitions["source"] == step]
        tabs = st.tabs([f"Frictions ({len(frictions)})", "Paths through it", "Before and after"])
        with tabs[0]:
            if not frictions:
                st.caption("No friction found at this step.")
            for f in frictions[:10]:
                ui.friction_card(f, key=f"step_friction_{f.rank}", compact=True)
        with tabs[1]:
            st.caption(f"{len(paths):,} of the {len(jmap.variants):,} most common paths.")
            st.dataframe(
                ui.variants_view(paths.head(50)),
                hide_index=True,
                column_config=ui.VARIANT_COLUMNS,
                column_order=[c for c in ui.variant_columns(jmap) if c != "steps"],
                placeholder="–",
            )
        with tabs[2]:
            cols = {
                "source": st.column_config.TextColumn("From"),
                "target": st.column_config.TextColumn("To"),
                "journeys": st.column_config.NumberColumn("Journeys", format="localized"),
                "median_s": st.column_config.NumberColumn("Median wait", format="duration"),
            }
            order = ["source", "target", "journeys", "median_s"]
            st.dataframe(
                into, hide_index=True, column_config=cols, column_order=order, placeholder="–"
            )
            st.dataframe(
                out_of, hide_index=True, column_config=cols, column_order=order, placeholder="–"
            )

st.subheader("Steps")
st.dataframe(
    steps,
    key="steps_table",
    on_select=_picked_row,
    selection_mode="single-row",
    hide_index=True,
    column_order=[c for c in ui.STEP_COLUMNS if c in steps.columns],
    column_config=ui.STEP_COLUMNS,
    placeholder="–",
)
