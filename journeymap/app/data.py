"""Data: choose a bundled sample or upload a log, map its columns, set the goal and the
journey gap, and read the data-quality report."""

from __future__ import annotations

import streamlit as st

from journeymap.app import catalog, context, state, ui

ctx = context.current()
st.title("Data")

limit = int(st.get_option("server.maxUploadSize"))
left, right = st.columns([1, 1], gap="large")
with left:
    st.radio(
        "Log", [state.SAMPLE, state.UPLOAD], key="source_kind", horizontal=True,
        help="Start with a bundled sample, or bring your own touchpoint log.",
    )  # fmt: skip
    if st.session_state.source_kind == state.SAMPLE:
        names = catalog.names()
        if st.session_state.sample not in names:
            st.session_state.sample = catalog.default_name()
        st.selectbox("Sample", names, key="sample", format_func=catalog.title)
        if st.session_state.sample:
            st.caption(catalog.description(st.session_state.sample))
    else:
        st.file_uploader(
            f"Touchpoint log (CSV, Parquet, JSON Lines, XES or XES.gz; up to {limit} MB)",
            type=["csv", "tsv", "txt", "gz", "parquet", "pq", "jsonl", "ndjson", "json", "xes"],
            key="upload",
            on_change=state.take_upload,
            help="One row per interaction: who, what and when; optionally channel, journey id, "
            "outcome, survey answers and attributes such as segment or device.",
        )
        if st.session_state.upload_source is not None:
            st.caption(f"Open: **{st.session_state.upload_source.name}**")

if ctx.error and ctx.stage == "file":
    st.error(ctx.error)
    st.stop()
if ctx.source is None or ctx.info is None:
    st.info("Upload a log to start, or switch back to a bundled sample.")
    st.stop()

columns = list(ctx.info.columns)
with right:
    st.markdown("**Columns**")
    if st.session_state.mapping_note:
        st.warning(st.session_state.mapping_note, icon=":material/help:")
    guessed = set(st.session_state.guessed)
    grid = st.columns(3)
    for i, role in enumerate(state.ROLES):
        required = role in state.REQUIRED
        options = columns if required else [state.NONE, *columns]
        key = f"col_{role}"
        if st.session_state.get(key) not in options:
            st.session_state[key] = None if required else state.NONE
        picked = st.session_state.get(key)
        label = state.ROLE_LABELS[role]
        if role in guessed and picked not in (None, state.NONE):
            label += " · guessed"
        grid[i % 3].selectbox(label, options, key=key, placeholder="Choose a column")
    st.caption(
        "journeymap preselects columns by their names. An optional role named plainly "
        "(e.g. a column called *channel*) is still picked when set to (none)."
    )

st.divider()
st.subheader("Journeys")
a, b, c = st.columns(3)
tp_options: list[str] = []
if ctx.log is not None and ctx.source is not None:
    from journeymap.app import loaders

    tp = loaders.attribute_values(
        ctx.source.digest, ctx.read, ctx.log.mapping.touchpoint, _log=ctx.log, limit=None
    )
    tp_options = sorted(tp["value"].astype(str))
st.session_state.goal = [g for g in st.session_state.goal if g in tp_options]
a.multiselect(
    "Goal", tp_options, key="goal", placeholder="No goal: no drop-off figures",
    help="The touchpoint(s) that count as success. Journeys reaching one are converted; "
    "the others are dropped, or open when still active at the end of the log.",
)  # fmt: skip
b.text_input(
    "Journey gap", key="gap", placeholder="one journey per customer",
    disabled=bool(ctx.read.journey),
    help="Split a customer's events into journeys after this much silence, e.g. 30d or 2h. "
    "Not used when a journey id column is set.",
)  # fmt: skip
c.text_input(
    "Open-journey horizon", key="horizon", placeholder="automatic",
    help="Journeys active this close to the end of the log are open, not dropped (e.g. 7d). "
    "Default: the journey gap, else the 95th percentile of waits between touchpoints.",
)  # fmt: skip
a.text_input(
    "Timestamp format", key="timestamp_format", placeholder="detected",
    help="A strptime format for unusual timestamps, e.g. %d-%m-%Y %H:%M.",
)  # fmt: skip
b.checkbox("Leave out exact duplicate rows", key="dedupe")

if ctx.error:
    st.error(ctx.error)

st.divider()
st.subheader("Data quality")
if ctx.log is None:
    st.caption("The report appears once the log is read.")
else:
    q = ctx.log.quality
    m = st.columns(6)
    m[0].metric("Events read", ui.count(q.events_read))
    m[1].metric("Used", ui.count(q.events_used))
    m[2].metric("Left out", ui.count(q.events_left_out))
    m[3].metric("Journeys", ui.count(q.journeys))
    m[4].metric("Customers", ui.count(q.customers))
    m[5].metric("Touchpoints", ui.count(q.touchpoints))
    reasons = {k: v for k, v in q.left_out.items() if v}
    left, right = st.columns([1, 1], gap="large")
    with left:
        if reasons:
            st.markdown("**Left out, and why**")
            st.dataframe(
                {"reason": list(reasons), "events": list(reasons.values())},
                hide_index=True,
                column_config={"events": st.column_config.NumberColumn(format="localized")},
                placeholder="–",
            )
        else:
            st.success("Every event read is used.", icon=":material/check_circle:")
        if ctx.jmap is not None:
            outcomes = ctx.jmap.outcome_counts()
            st.markdown(
                "**Journeys by outcome:** "
                + ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items()))
            )
    with right:
        st.markdown("**What was read**")
        lines = [
            f"- {q.channels:,} channels; events from {q.first_event} to {q.last_event} "
            f"({q.timezone})",
            f"- timestamps: {q.timestamp_format}",
            *(f"- {note}" for note in q.notes),
        ]
        st.markdown("\n".join(lines))

with st.expander(f"First {len(ctx.info.preview)} rows of {ctx.source.name}"):
    st.dataframe(ctx.info.preview, hide_index=True, placeholder="–")
