"""Segments: compare the journeys of two groups of customers side by side (e.g. new vs
loyal, app vs web), under the filters of the sidebar."""

from __future__ import annotations

from typing import Any

import streamlit as st

from journeymap import render
from journeymap.app import context, loaders, ui
from journeymap.errors import JourneymapError

COMPARED = ["journeys", "reach", "exit_rate", "effort_score", "dropoff_score", "median_dwell_s"]

ctx = context.current()
ctx.require()
log, jmap = ctx.log, ctx.jmap
assert log is not None and jmap is not None and ctx.source is not None

st.title("Segments")
columns = list(log.attributes)
if log.mapping.channel:
    columns.insert(0, log.mapping.channel)
if log.mapping.outcome:
    columns.append(log.mapping.outcome)
if not columns:
    st.info("This log has no attribute column (segment, region, device…) to compare by.")
    st.stop()
if st.session_state.seg_column not in columns:
    preferred = [c for c in columns if c.lower() in {"segment", "customer_segment", "tier"}]
    st.session_state.seg_column = (preferred or columns)[0]

a, b, c = st.columns(3)
column = a.selectbox("Compare by", columns, key="seg_column")
values = loaders.attribute_values(ctx.source.digest, ctx.read, column, _log=log)
options = values["value"].tolist()
if len(options) < 2:
    st.info(f"Column {column!r} has fewer than two values: nothing to compare.")
    st.stop()
counts = dict(zip(values["value"], values["journeys"], strict=True))
for key, fallback in (("seg_a", options[0]), ("seg_b", options[1])):
    if st.session_state.get(key) not in options:
        st.session_state[key] = fallback


def _label(value: Any) -> str:
    return f"{value} ({ui.count(counts.get(value))} journeys)"


b.selectbox("Segment A", options, key="seg_a", format_func=_label)
c.selectbox("Segment B", options, key="seg_b", format_func=_label)
st.caption(
    "A journey belongs to a segment when at least one of its events carries the value; the "
    "sidebar filters apply to both."
)


def _mine(value: Any) -> tuple[Any, str | None]:
    try:
        return ctx.map_for(ctx.filters.plus(column, (value,))), None
    except JourneymapError as exc:
        return None, loaders.display_message(exc)


with st.spinner("Mining both segments…"):
    maps = {key: _mine(st.session_state[key]) for key in ("seg_a", "seg_b")}

tabs = st.tabs(["Figures", "Maps", "Frictions", "Paths"])
grid = [tab.columns(2, gap="large") for tab in tabs]
names = {}
for side, key in enumerate(("seg_a", "seg_b")):
    value = st.session_state[key]
    names[key] = f"{'AB'[side]}: {value}"
    seg_map, error = maps[key]
    for cells in grid:
        cells[side].markdown(f"#### {'AB'[side]}: {column} = {value}")
    if seg_map is None:
        grid[0][side].error(error)
        continue
    with grid[0][side]:
        outcomes = seg_map.outcome_counts()
        st.caption(ui.summary(seg_map))
        m = st.columns(3)
        m[0].metric("Journeys", ui.count(len(seg_map.journeys)))
        m[1].metric("Converted", ui.count(outcomes.get("converted")) if seg_map.has_goal else "–")
        m[2].metric("Dropped", ui.count(outcomes.get("dropped")) if seg_map.has_goal else "–")
    with grid[1][side], ui.guard():
        dot = render.process_map_dot(
            seg_map,
            coverage=st.session_state.coverage / 100,
            color_by=st.session_state.color_by or "effort",
            rankdir=st.session_state.map_direction or "TB",
        )
        st.graphviz_chart(dot, width="stretch")
    with grid[2][side]:
        if not seg_map.frictions:
            st.caption("No friction found.")
        for f in seg_map.frictions[:5]:
            ui.friction_card(f, key=f"seg_{side}_friction_{f.rank}", compact=True)
    with grid[3][side]:
        st.dataframe(
            ui.variants_view(seg_map.variants.head(20)),
            hide_index=True,
            column_config=ui.VARIANT_COLUMNS,
            column_order=[c for c in ui.variant_columns(seg_map) if c != "steps"],
            placeholder="–",
        )

# the two steps tables side by side, column by column: every figure is the package's
compared = [c for c in COMPARED if all(m is not None and c in m.steps for m, _ in maps.values())]
if compared and all(m is not None for m, _ in maps.values()):
    a_map, b_map = maps["seg_a"][0], maps["seg_b"][0]
    joined = a_map.steps[["step", *compared]].merge(
        b_map.steps[["step", *compared]], on="step", how="outer", suffixes=(" A", " B")
    )
    rows = list(dict.fromkeys([*a_map.steps["step"], *b_map.steps["step"]]))  # A's order
    joined = joined.set_index("step").loc[rows].reset_index()
    order = ["step"] + [f"{c} {side}" for c in compared for side in "AB"]
    config = {"step": st.column_config.TextColumn("Step")}
    for c in compared:
        base = ui.STEP_COLUMNS[c]
        for side in "AB":
            config[f"{c} {side}"] = {**base, "label": f"{base['label']} {side}"}
    with tabs[0]:
        st.markdown("**Steps, A next to B**")
        st.dataframe(joined[order], hide_index=True, column_config=config, placeholder="–")
