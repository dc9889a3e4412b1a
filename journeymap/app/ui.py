"""Small display helpers the pages share: number formats, friction cards, error guard.

Formatting only: every figure is a value from the package, shown rounded for reading.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from journeymap.app import loaders
from journeymap.errors import JourneymapError

KIND_LABELS = {
    "dropoff": "Drop-off hotspot",
    "loop": "Loop",
    "ping_pong": "Ping-pong",
    "channel_switch": "Channel switch",
    "repeat_contact": "Repeat contact",
    "unnecessary_step": "Unnecessary step",
    "slow_transition": "Slow transition",
    "deviation": "Deviation from target",
}
KIND_ICONS = {
    "dropoff": ":material/logout:",
    "loop": ":material/replay:",
    "ping_pong": ":material/sync_alt:",
    "channel_switch": ":material/swap_horiz:",
    "repeat_contact": ":material/call:",
    "unnecessary_step": ":material/remove_circle:",
    "slow_transition": ":material/hourglass_bottom:",
    "deviation": ":material/alt_route:",
}


@contextmanager
def guard() -> Iterator[None]:
    """Show a journeymap error as a message and stop the page (never a traceback)."""
    try:
        yield
    except JourneymapError as exc:
        st.error(loaders.display_message(exc))
        st.stop()


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def count(value: Any) -> str:
    return "–" if is_missing(value) else f"{int(value):,}"


def pct(value: Any, digits: int = 0) -> str:
    return "–" if is_missing(value) else f"{float(value):.{digits}%}"


def duration(seconds: Any) -> str:
    if is_missing(seconds):
        return "–"
    seconds = float(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if abs(seconds) >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def number(value: Any, digits: int = 2) -> str:
    return "–" if is_missing(value) else f"{float(value):,.{digits}f}"


def severity(value: Any) -> str:
    """Customer-hours as the deck and report write them: whole above 100, else 3 digits."""
    if is_missing(value):
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def summary(jmap: Any, comparison: Any = None) -> str:
    """The one-line summary the journey map, deck and report share (journeys, goal, period)."""
    from journeymap.render._summary import summary_parts

    return "  ·  ".join(summary_parts(jmap, comparison))


def path_text(path: Sequence[str], limit: int | None = None) -> str:
    steps = list(path)
    if limit is not None and len(steps) > limit:
        steps = [*steps[: limit - 1], f"… {len(steps) - limit + 1} more"]
    return " → ".join(steps)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def friction_card(f: Any, *, key: str, compact: bool = False) -> None:
    """One finding as a card: kind, where, journeys, cost, explanation, suggestion, evidence."""
    with st.container(border=True, key=key):
        if compact:
            head, figures = st.container(), st.container()
        else:
            head, figures = st.columns([3, 2], vertical_alignment="top")
        with head:
            st.markdown(
                f"**#{f.rank} · {KIND_ICONS.get(f.kind, '')} {kind_label(f.kind)}**"
                + (f" · stage *{f.stage}*" if f.stage else "")
            )
            st.markdown(f"##### {f.where}")
            st.write(f.explanation)
            if f.suggestion:
                st.markdown(f":material/lightbulb: **Try:** {f.suggestion}")
        with figures:
            a, b = st.columns(2)
            a.metric(
                "Journeys hit",
                count(f.journeys),
                f"{pct(f.share, 1)} of journeys",
                delta_color="off",
                delta_arrow="off",
            )
            b.metric(
                "Severity",
                severity(f.severity),
                "customer-hours",
                delta_color="off",
                delta_arrow="off",
                help="One scale for every kind of friction: customer time lost plus lost "
                "conversions (one conversion weighs an hour). 10 reads “as bad as ten hours "
                "of customers' time”.",
            )
        if f.evidence:
            with st.expander("Evidence"):
                st.dataframe(evidence_frame(f.evidence), hide_index=True, placeholder="–")


def evidence_frame(evidence: Any) -> pd.DataFrame:
    rows = [{"figure": str(k), "value": plain(v)} for k, v in dict(evidence).items()]
    return pd.DataFrame(rows, columns=["figure", "value"])


def plain(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def variants_view(variants: pd.DataFrame) -> pd.DataFrame:
    """The variants table with the path as text, for display and CSV."""
    view = variants.copy()
    if "path" in view.columns:
        view["path"] = view["path"].map(lambda p: path_text(p))
    return view


STEP_COLUMNS = {
    "step": st.column_config.TextColumn("Step", width="medium"),
    "channel": st.column_config.TextColumn("Channel"),
    "journeys": st.column_config.NumberColumn("Journeys", format="localized"),
    "reach": st.column_config.ProgressColumn("Reach", format="percent", min_value=0, max_value=1),
    "visits_per_journey": st.column_config.NumberColumn("Visits / journey", format="%.2f"),
    "median_dwell_s": st.column_config.NumberColumn(
        "Median dwell", format="duration", help="Median time to the next step (seconds in CSV)"
    ),
    "exit_rate": st.column_config.NumberColumn("Exit rate", format="percent"),
    "effort_score": st.column_config.NumberColumn("Effort score", format="%.2f"),
    "dropoff_score": st.column_config.NumberColumn("Drop-off score", format="%.2f"),
}

VARIANT_COLUMNS = {
    "variant": st.column_config.NumberColumn("#", format="%d", width="small"),
    "path": st.column_config.TextColumn("Path", width="large"),
    "steps": st.column_config.NumberColumn("Steps", format="%d"),
    "journeys": st.column_config.NumberColumn("Journeys", format="localized"),
    "share": st.column_config.ProgressColumn("Share", format="percent", min_value=0, max_value=1),
    "conversion_rate": st.column_config.NumberColumn("Conversion", format="percent"),
    "median_duration_s": st.column_config.NumberColumn(
        "Median duration", format="duration", help="Seconds in the CSV export"
    ),
}


def variant_columns(jmap: Any) -> list[str]:
    """The variants table's columns, the path last (it is the widest); conversion needs a goal."""
    order = [
        "variant",
        "journeys",
        "share",
        "conversion_rate",
        "median_duration_s",
        "steps",
        "path",
    ]
    return [c for c in order if c != "conversion_rate" or jmap.has_goal]


def csv_button(frame: pd.DataFrame, file_name: str, label: str, *, key: str) -> None:
    st.download_button(
        label,
        frame.to_csv(index=False).encode("utf-8"),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )
