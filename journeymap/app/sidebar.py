"""The sidebar: which log is open, and the filters that apply to every page.

Filtering is :func:`journeymap.filter_log`: journeys are kept whole, by the date of their first
event and by having at least one event in a chosen channel or with a chosen attribute value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from journeymap.app import loaders, state, ui
from journeymap.app.context import Context


def draw(ctx: Context) -> None:
    """The source and the filter widgets (their values are read by ``state.filters``)."""
    with st.sidebar:
        st.markdown("### :material/route: journeymap")
        if ctx.source is None:
            st.caption("No log chosen yet: pick one on the Data page.")
            return
        st.caption(f"Log: **{ctx.source.name}**")
        if ctx.log is None:
            st.caption("Filters appear once the log is read.")
            return
        st.markdown("#### Filters")
        st.caption("Journeys are kept whole, so paths stay the paths customers took.")
        _dates(ctx)
        _channels(ctx)
        _attributes(ctx)
        st.button(
            "Clear filters",
            key="clear_filters",
            on_click=state.clear_filters,
            icon=":material/filter_alt_off:",
            disabled=not state.filters().active,
        )


def summary(ctx: Context) -> None:
    """How many journeys the filters keep (figures from the quality reports)."""
    if ctx.jmap is None or ctx.log is None or ctx.jmap.quality is None:
        return
    shown, total = ctx.jmap.quality.journeys, ctx.log.quality.journeys
    with st.sidebar:
        if ctx.filters.active:
            st.info(f"Showing **{shown:,}** of {total:,} journeys.", icon=":material/filter_alt:")
        else:
            st.caption(f"All {total:,} journeys shown.")


def _dates(ctx: Context) -> None:
    q = ctx.log.quality if ctx.log else None
    if q is None or not q.first_event:
        return
    first = pd.Timestamp(q.first_event).date()
    last = pd.Timestamp(q.last_event).date()
    for key in ("f_start", "f_end"):  # keep stored dates inside this log's range
        value = st.session_state.get(key)
        if isinstance(value, dt.date) and not first <= value <= last:
            st.session_state[key] = None
    st.date_input(
        "Journeys starting from", value=None, min_value=first, max_value=last, key="f_start",
        help="Keep journeys whose first event is on or after this day.",
    )  # fmt: skip
    st.date_input(
        "Journeys starting until", value=None, min_value=first, max_value=last, key="f_end",
        help="Keep journeys whose first event is on or before this day.",
    )  # fmt: skip


def _channels(ctx: Context) -> None:
    if ctx.log is None or ctx.source is None or not ctx.log.mapping.channel:
        return
    values = loaders.attribute_values(
        ctx.source.digest, ctx.read, ctx.log.mapping.channel, _log=ctx.log
    )
    options = values["value"].tolist()
    _keep_known("f_channels", options)
    st.multiselect(
        "Channels",
        options,
        key="f_channels",
        placeholder="All channels",
        help="Keep journeys with at least one event in these channels.",
    )


def _attributes(ctx: Context) -> None:
    if ctx.log is None or ctx.source is None:
        return
    columns = list(ctx.log.attributes)
    if ctx.log.mapping.outcome:
        columns.append(ctx.log.mapping.outcome)
    if not columns:
        return
    _keep_known("f_attr_cols", columns)
    chosen = st.multiselect(
        "Filter by attribute",
        columns,
        key="f_attr_cols",
        placeholder="segment, region, device…",
        help="Keep journeys with at least one event carrying one of the chosen values.",
    )
    for column in chosen:
        values = loaders.attribute_values(ctx.source.digest, ctx.read, column, _log=ctx.log)
        options = values["value"].tolist()
        key = state.ATTR_PREFIX + column
        _keep_known(key, options)
        st.multiselect(
            column,
            options,
            key=key,
            format_func=_with_counts(values),
            placeholder="Any value",
        )


def _with_counts(values: pd.DataFrame) -> Callable[[Any], str]:
    counts = dict(zip(values["value"], values["journeys"], strict=True))
    return lambda v: f"{v} ({ui.count(counts.get(v))} journeys)"


def _keep_known(key: str, options: list) -> None:
    """Drop stored choices that the current log does not offer (after a file change)."""
    chosen = st.session_state.get(key)
    if chosen:
        kept = [v for v in chosen if v in options]
        if kept != list(chosen):
            st.session_state[key] = kept
