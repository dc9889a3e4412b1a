"""Export: the tables as CSV, the maps as images, the workshop deck and the report.

Files are made when their button is clicked (and kept for the next click), so the page opens
at once; everything holds the journeys the sidebar filters keep.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from journeymap import render
from journeymap.app import context, loaders, nav, ui
from journeymap.model.friction import frictions_frame

ctx = context.current()
ctx.require()
jmap = ctx.jmap
assert jmap is not None and ctx.source is not None
source, read, filters, mine = ctx.source, ctx.read, ctx.filters, ctx.mine

st.title("Export")
stem = Path(source.name).name.split(".")[0] or "journeymap"
target = st.session_state.target
comparison = None
if target is not None:
    with ui.guard():
        comparison = ctx.comparison(target)
notes = []
if filters.active:
    notes.append(f"the {jmap.quality.journeys:,} journeys the filters keep" if jmap.quality else "")
if target is not None:
    notes.append(f"the comparison with the design “{target.name}”")
if notes:
    st.caption("Exports hold " + " and ".join(n for n in notes if n) + ".")


def csv(frame: pd.DataFrame) -> Callable[[], bytes]:
    return lambda: frame.to_csv(index=False).encode("utf-8")


def button(
    column: st.delta_generator.DeltaGenerator,
    label: str,
    data: Callable[[], bytes],
    file_name: str,
    mime: str,
    key: str,
) -> None:
    column.download_button(
        label, data, file_name=file_name, mime=mime, key=key, icon=":material/download:",
        width="stretch",
    )  # fmt: skip


st.subheader("Workshop material")
a, b, c = st.columns(3)
with ui.guard():
    button(
        a, "Slide deck (PowerPoint)", loaders.document("deck", source, read, filters, mine, target),
        f"{stem}_workshop.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", "deck",
    )  # fmt: skip
    button(
        b, "Report (HTML)", loaders.document("report", source, read, filters, mine, target),
        f"{stem}_report.html", "text/html", "report",
    )  # fmt: skip
    design = target.to_yaml().encode("utf-8") if target is not None else None
    if design is not None:
        button(c, "Target journey (YAML)", lambda: design, "target.yaml", "application/x-yaml",
               "export_target")  # fmt: skip
st.page_link(
    nav.page("present"), label="Present the findings: full width, large type, one friction at a "
    "time, for running the workshop from the browser", icon=":material/co_present:",
)  # fmt: skip

st.subheader("Journey-map canvas")
st.caption("Stages as columns, channels as lanes, effort and drop-off under each step.")
SIZE_LABELS = {"16:9": "16:9, for slides and screens", "a3": "A3, for the wall", "a4": "A4"}
size = st.segmented_control(
    "Size", list(SIZE_LABELS), key="export_size", format_func=SIZE_LABELS.get, required=True
)
mimes = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
with ui.guard():
    for column, fmt in zip(st.columns(3), ("png", "svg", "pdf"), strict=True):
        button(
            column, f"Journey map ({fmt.upper()})",
            loaders.canvas(source, read, filters, mine, target, size=size or "16:9", fmt=fmt),
            f"{stem}_journey_map.{fmt}", mimes[fmt], f"canvas_{fmt}",
        )  # fmt: skip

st.subheader("Process map")
options = (
    ("coverage", st.session_state.coverage / 100),
    ("color_by", st.session_state.color_by or "effort"),
    ("rankdir", st.session_state.map_direction or "TB"),
)
st.caption(
    f"As on the Journey map page: coloured by {options[1][1]}, paths covering "
    f"{st.session_state.coverage}% of journeys."
)
a, b, c = st.columns(3)
with ui.guard():
    dot = render.process_map_dot(jmap, **dict(options))
    button(a, "Process map (Graphviz DOT)", lambda: dot.encode("utf-8"), f"{stem}_map.dot",
           "text/vnd.graphviz", "map_dot")  # fmt: skip
    for column, fmt in ((b, "svg"), (c, "png")):
        button(
            column, f"Process map ({fmt.upper()})",
            loaders.process_map(source, read, filters, mine, fmt=fmt, options=options),
            f"{stem}_map.{fmt}", mimes[fmt], f"map_{fmt}",
        )  # fmt: skip

st.subheader("Tables (CSV)")
frictions = comparison.all_frictions(jmap) if comparison is not None else jmap.frictions
tables = {
    "steps": ("Steps, with their scores", jmap.steps),
    "transitions": ("Transitions", jmap.transitions),
    "variants": ("Variants (paths)", ui.variants_view(jmap.variants)),
    "journeys": ("Journeys", jmap.journeys),
    "frictions": ("Frictions, with their evidence", frictions_frame(frictions)),
}
if comparison is not None:
    tables["target_steps"] = ("Designed steps: deviations", comparison.steps)
    tables["not_designed"] = ("Touchpoints outside the design", comparison.extra)
    tables["target_edges"] = ("Transitions, designed or taken", comparison.edges)
cols = st.columns(3)
for i, (name, (label, frame)) in enumerate(tables.items()):
    button(cols[i % 3], f"{label} · {len(frame):,} rows", csv(frame), f"{stem}_{name}.csv",
           "text/csv", f"csv_{name}")  # fmt: skip
quality = jmap.quality.as_dict() if jmap.quality else {}
quality["mapping"] = jmap.mapping.as_dict() if jmap.mapping else {}
quality["goal"] = list(jmap.goal)
quality["outcomes"] = jmap.outcome_counts()
text = json.dumps(quality, indent=2, default=str).encode("utf-8")
button(cols[len(tables) % 3], "Data-quality report (JSON)", lambda: text,
       f"{stem}_quality.json", "application/json", "json_quality")  # fmt: skip
