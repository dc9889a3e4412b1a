"""Variants & journeys: the most common paths with share, conversion and duration; one
journey's timeline across channels."""

from __future__ import annotations

import altair as alt
import streamlit as st

from journeymap.app import context, loaders, ui
from journeymap.render import palette

ctx = context.current()
ctx.require()
jmap = ctx.jmap
assert jmap is not None and ctx.source is not None

st.title("Variants & journeys")
variants = jmap.variants
st.caption(
    f"{jmap.variant_count:,} distinct paths over {len(jmap.journeys):,} journeys"
    + (f"; the {len(variants):,} most common are listed." if len(variants) else ".")
)
numbers = variants["variant"].tolist()


def _picked_variant() -> None:
    rows = st.session_state.variants_table.selection.rows
    st.session_state.variant_pick = numbers[rows[0]] if rows else None
    st.session_state.journey_pick = None


st.dataframe(
    ui.variants_view(variants.head(500)),
    key="variants_table",
    on_select=_picked_variant,
    selection_mode="single-row",
    hide_index=True,
    column_config=ui.VARIANT_COLUMNS,
    column_order=ui.variant_columns(jmap),
    height=380,
    placeholder="–",
)

st.subheader("One journey")
journeys = jmap.journeys
picked = st.session_state.variant_pick
if picked is not None and picked in numbers:
    pool = journeys[journeys["variant"] == picked]
    st.caption(f"Journeys of variant #{picked} (click another row above, or none for all).")
else:
    pool = journeys
ids = pool["journey"].head(2000).tolist()
if st.session_state.journey_pick not in ids:
    # start with a journey of the most common path (of the picked variant, if any)
    common = pool[pool["variant"] == pool["variant"].min()]["journey"]
    st.session_state.journey_pick = common.iloc[0] if len(common) else None
    if st.session_state.journey_pick not in ids and st.session_state.journey_pick is not None:
        ids.insert(0, st.session_state.journey_pick)
facts = journeys.set_index("journey")
left, right = st.columns([1, 3], gap="large")
with left:
    journey = st.selectbox(
        "Journey",
        ids,
        key="journey_pick",
        format_func=lambda j: f"{j} · {facts.at[j, 'outcome']} · {facts.at[j, 'events']} events",
    )
    if journey is not None:
        row = facts.loc[journey]
        st.metric("Outcome", str(row["outcome"]))
        st.metric("Duration", ui.duration(row["duration_s"]))
        st.metric("Events", ui.count(row["events"]))
        st.caption(f"Customer {row['customer']}, variant #{row['variant']}")
if journey is not None:
    with ui.guard():
        events = loaders.journey_events(ctx.source.digest, ctx.read, journey, _log=jmap.log)
    events = events.assign(
        channel=events["channel"].fillna("(no channel)"), step_no=range(1, len(events) + 1)
    )
    channels = list(dict.fromkeys(events["channel"]))  # lanes in order of first use
    colours = palette.channel_colours(channels)
    events = events.assign(
        label=[
            f"{tp}  ·  {ts:%d %b %H:%M}"
            for tp, ts in zip(events["touchpoint"], events["ts"], strict=True)
        ]
    )
    shown = events[["step_no", "touchpoint", "channel", "ts", "label"]]
    base = alt.Chart(shown).encode(
        x=alt.X(
            "channel:N",
            sort=channels,
            title=None,
            axis=alt.Axis(orient="top", labelFontSize=14, labelAngle=0),
        ),
        y=alt.Y("step_no:O", title=None, axis=alt.Axis(labelFontSize=13)),
        tooltip=[
            alt.Tooltip("step_no:Q", title="#"),
            alt.Tooltip("touchpoint:N", title="touchpoint"),
            alt.Tooltip("channel:N", title="channel"),
            alt.Tooltip("ts:T", title="time", format="%Y-%m-%d %H:%M:%S"),
        ],
    )
    path = base.mark_line(color=palette.RULE, strokeWidth=2).encode(order="step_no:Q")
    dots = base.mark_circle(size=260, opacity=1).encode(
        color=alt.Color(
            "channel:N",
            scale=alt.Scale(domain=channels, range=[colours[c] for c in channels]),
            legend=None,
        )
    )
    labels = base.mark_text(align="left", dx=14, fontSize=14, color=palette.INK).encode(
        text="label:N"
    )
    chart = (path + dots + labels).properties(height=36 * len(events) + 40)
    with right:
        st.markdown(f"**Journey {journey} across channels**")
        st.altair_chart(chart, width="stretch")
        with st.expander("The events of this journey"):
            st.dataframe(
                events,
                hide_index=True,
                column_order=["step_no", "touchpoint", "channel", "ts", *ctx.log.attributes],
                column_config={
                    "step_no": st.column_config.NumberColumn("#", width="small"),
                    "ts": st.column_config.DatetimeColumn("Time", format="YYYY-MM-DD HH:mm:ss"),
                },
                placeholder="–",
            )
