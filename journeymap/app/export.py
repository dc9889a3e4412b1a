"""Export: the tables as CSV, the data-quality report as JSON, the maps as images, and the
workshop deck and report."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from journeymap import render
from journeymap.app import context, ui

ctx = context.current()
ctx.require()
jmap = ctx.jmap
assert jmap is not None and ctx.source is not None

st.title("Export")
stem = Path(ctx.source.name).name.split(".")[0] or "journeymap"
if ctx.filters.active:
    st.caption("Exports hold the journeys the sidebar filters keep.")

st.subheader("Tables")
tables = {
    "steps": ("Steps, with their scores", jmap.steps),
    "transitions": ("Transitions", jmap.transitions),
    "variants": ("Variants (paths)", ui.variants_view(jmap.variants)),
    "journeys": ("Journeys", jmap.journeys),
    "frictions": ("Frictions, with their evidence", jmap.frictions_frame()),
}
cols = st.columns(3)
for i, (name, (label, frame)) in enumerate(tables.items()):
    with cols[i % 3]:
        label = f"{label} · {len(frame):,} rows"
        ui.csv_button(frame, f"{stem}_{name}.csv", label, key=f"csv_{name}")
with cols[len(tables) % 3]:
    quality = jmap.quality.as_dict() if jmap.quality else {}
    quality["mapping"] = jmap.mapping.as_dict() if jmap.mapping else {}
    quality["goal"] = list(jmap.goal)
    quality["outcomes"] = jmap.outcome_counts()
    st.download_button(
        "Data-quality report (JSON)",
        json.dumps(quality, indent=2, default=str).encode("utf-8"),
        file_name=f"{stem}_quality.json",
        mime="application/json",
        key="json_quality",
        icon=":material/download:",
    )

st.subheader("Maps")
st.caption(
    f"The process map as on the Journey map page: coloured by {st.session_state.color_by}, "
    f"covering {st.session_state.coverage}% of journeys."
)
options = {
    "coverage": st.session_state.coverage / 100,
    "color_by": st.session_state.color_by or "effort",
}
a, b, c = st.columns(3)
with ui.guard():
    dot = render.process_map_dot(jmap, **options)
a.download_button(
    "Process map (Graphviz DOT)", dot.encode("utf-8"), file_name=f"{stem}_map.dot",
    mime="text/vnd.graphviz", key="map_dot", icon=":material/download:",
)  # fmt: skip
if b.button("Prepare SVG and PNG", key="map_images", icon=":material/image:"):
    with ui.guard(), st.spinner("Drawing the map…"):
        st.session_state["_map_svg"] = render.process_map_svg(jmap, **options)
        st.session_state["_map_png"] = render.process_map_png(jmap, **options)
if st.session_state.get("_map_svg"):
    b.download_button(
        "Process map (SVG)", st.session_state["_map_svg"].encode("utf-8"),
        file_name=f"{stem}_map.svg", mime="image/svg+xml", key="map_svg",
        icon=":material/download:",
    )  # fmt: skip
    c.download_button(
        "Process map (PNG)", st.session_state["_map_png"], file_name=f"{stem}_map.png",
        mime="image/png", key="map_png", icon=":material/download:",
    )  # fmt: skip
