"""Frictions: the ranked findings as cards, filterable by kind and stage."""

from __future__ import annotations

import streamlit as st

from journeymap.app import context, ui

ctx = context.current()
ctx.require()
jmap = ctx.jmap
assert jmap is not None

st.title("Frictions")
found = list(jmap.frictions)
target = st.session_state.target
if target is not None:
    with ui.guard():
        found = list(ctx.comparison(target).all_frictions(jmap))
    st.caption(
        f"Ranked by severity, with the deviations from the design “{target.name}” "
        "(Target vs actual page)."
    )
else:
    st.caption("Ranked by severity. Load a design on the Target vs actual page for deviations.")
if not found:
    st.info(
        "No friction found in these journeys. Widen the filters, set a goal on the Data page "
        "(drop-off hotspots need one), or load a target journey (deviations need one).",
        icon=":material/sentiment_satisfied:",
    )
    st.stop()

kinds = sorted({f.kind for f in found}, key=lambda k: list(ui.KIND_LABELS).index(k)
               if k in ui.KIND_LABELS else 99)  # fmt: skip
stages = sorted({f.stage for f in found if f.stage})
st.session_state.fr_kinds = [k for k in st.session_state.fr_kinds if k in kinds]
st.session_state.fr_stages = [s for s in st.session_state.fr_stages if s in stages]
a, b, c = st.columns([2, 2, 1], vertical_alignment="bottom")
a.multiselect("Kind", kinds, key="fr_kinds", format_func=ui.kind_label, placeholder="All kinds")
if stages:
    b.multiselect("Stage", stages, key="fr_stages", placeholder="All stages")
else:
    b.caption("Stages come from a target journey (Target vs actual page).")
shown = [
    f
    for f in found
    if (not st.session_state.fr_kinds or f.kind in st.session_state.fr_kinds)
    and (not st.session_state.fr_stages or f.stage in st.session_state.fr_stages)
]
c.metric("Shown", f"{len(shown):,} of {len(found):,}")

for f in shown[:50]:
    ui.friction_card(f, key=f"friction_{f.rank}_{f.kind}")
if len(shown) > 50:
    st.caption(f"{len(shown) - 50:,} less severe findings are in the CSV (Export page).")
