"""The target journey in the app: as editable rows, and back through the package's checks.

One row per designed step (stage, touchpoint, channel, optional, effort, max wait, aliases);
consecutive rows with the same stage form that stage. :meth:`TargetJourney.from_dict` checks
the result, so the editor shows the package's message for a duplicate step or a bad wait.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

if TYPE_CHECKING:
    from journeymap.model.target import TargetJourney

COLUMNS = ["stage", "touchpoint", "channel", "optional", "effort", "max_wait", "aliases"]

EDITOR_COLUMNS = {
    "stage": st.column_config.TextColumn("Stage", required=True, width="small"),
    "touchpoint": st.column_config.TextColumn("Touchpoint", required=True, width="medium"),
    "channel": st.column_config.TextColumn("Channel", width="small"),
    "optional": st.column_config.CheckboxColumn("Optional", default=False, width="small"),
    "effort": st.column_config.NumberColumn(
        "Effort", min_value=1, max_value=5, step=1, width="small",
        help="Designed effort, 1 (effortless) to 5 (hard)",
    ),
    "max_wait": st.column_config.TextColumn(
        "Max wait", width="small", help="Longest designed wait before the next step: 30m, 2h, 2d"
    ),
    "aliases": st.column_config.TextColumn(
        "Aliases", help="Other names of this touchpoint in the log, separated by commas"
    ),
}  # fmt: skip


def rows(target: TargetJourney | None) -> pd.DataFrame:
    """The target's steps as editor rows."""
    records = []
    if target is not None:
        for stage in target.stages:
            for step in stage.steps:
                records.append(
                    {
                        "stage": stage.name,
                        "touchpoint": step.touchpoint,
                        "channel": step.channel,
                        "optional": bool(step.optional),
                        "effort": step.effort,
                        "max_wait": step.max_wait,
                        "aliases": ", ".join(step.aliases),
                    }
                )
    frame = pd.DataFrame(records, columns=COLUMNS)
    frame["optional"] = frame["optional"].astype(bool)
    frame["effort"] = frame["effort"].astype("Int64")
    for col in ("stage", "touchpoint", "channel", "max_wait", "aliases"):
        frame[col] = frame[col].astype("object")
    return frame


def build(
    frame: pd.DataFrame, *, name: str, goal: list[str], description: str = ""
) -> TargetJourney:
    """A checked target from editor rows (raises :class:`journeymap.errors.TargetError`)."""
    from journeymap.model.target import TargetJourney

    stages: list[dict[str, Any]] = []
    for row in frame.to_dict("records"):
        touchpoint = _text(row.get("touchpoint"))
        if not touchpoint:
            continue
        stage = _text(row.get("stage")) or (stages[-1]["name"] if stages else "Journey")
        if not stages or stages[-1]["name"] != stage:
            stages.append({"name": stage, "steps": []})
        step: dict[str, Any] = {"touchpoint": touchpoint}
        if channel := _text(row.get("channel")):
            step["channel"] = channel
        if bool(row.get("optional")) and not pd.isna(row.get("optional")):
            step["optional"] = True
        effort = row.get("effort")
        if effort is not None and not pd.isna(effort):
            step["effort"] = int(effort)
        if wait := _text(row.get("max_wait")):
            step["max_wait"] = wait
        aliases = [a.strip() for a in (_text(row.get("aliases")) or "").split(",") if a.strip()]
        if aliases:
            step["aliases"] = aliases
        stages[-1]["steps"].append(step)
    data: dict[str, Any] = {"name": name.strip() or "Target journey", "stages": stages}
    if goal:
        data["goal"] = goal[0] if len(goal) == 1 else list(goal)
    if description:
        data["description"] = description
    return TargetJourney.from_dict(data, source="the target editor")


def moved(frame: pd.DataFrame, index: int, offset: int) -> pd.DataFrame:
    """The rows with row ``index`` moved ``offset`` places (it keeps its stage)."""
    order = list(range(len(frame)))
    other = index + offset
    if not 0 <= index < len(order) or not 0 <= other < len(order):
        return frame
    order[index], order[other] = order[other], order[index]
    return frame.iloc[order].reset_index(drop=True)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value).strip()
