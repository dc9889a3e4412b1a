"""Session state, initialised in one place: every key the pages share, with its default.

Widgets get these keys (``key=``) so tests can drive them. Streamlit forgets a widget's value
when its page is not shown; :func:`init` re-assigns the shared keys on every run so choices
survive moving between pages.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import streamlit as st

from journeymap.app import loaders
from journeymap.app.loaders import FileInfo, Filters, MineSettings, ReadSettings, Source

SAMPLE = "Bundled sample"
UPLOAD = "Your file"
NONE = "(none)"
ROLES = ("case", "touchpoint", "timestamp", "channel", "journey", "outcome", "ces", "csat", "nps")
ROLE_LABELS = {
    "case": "Customer",
    "touchpoint": "Touchpoint",
    "timestamp": "Timestamp",
    "channel": "Channel",
    "journey": "Journey id",
    "outcome": "Outcome",
    "ces": "Survey: effort (CES)",
    "csat": "Survey: CSAT",
    "nps": "Survey: NPS",
}
REQUIRED = ("case", "touchpoint", "timestamp")
ATTR_PREFIX = "f_attr::"

DEFAULTS: dict[str, Any] = {
    # Data page
    "source_kind": SAMPLE,
    "sample": None,
    "upload_source": None,
    "upload_error": None,
    "adopted": None,  # digest of the file whose defaults were applied
    "mapping_note": None,
    **{f"col_{role}": None for role in ROLES},
    "timestamp_format": "",
    "dedupe": False,
    "goal": [],
    "gap": "",
    "horizon": "",
    "guessed": [],
    # sidebar filters
    "f_start": None,
    "f_end": None,
    "f_channels": [],
    "f_attr_cols": [],
    # journey map
    "color_by": "effort",
    "coverage": 80,
    "map_direction": "TB",
    "step": None,
    "overlay": False,
    "export_size": "16:9",
    # frictions
    "fr_kinds": [],
    "fr_stages": [],
    # presentation: 0 is the title slide, n the n-th friction
    "present_slide": 0,
    # target
    "target": None,  # the TargetJourney every page compares with (last valid edit)
    "target_rows": None,  # the editor's starting rows (replaced on load, suggest, move)
    "target_edited": None,  # the editor's current rows
    "target_error": None,
    "target_load_error": None,
    "target_origin": "",
    "target_version": 0,
    # variants and journeys
    "journey_pick": None,
    "variant_pick": None,
    # segments
    "seg_column": None,
    "seg_a": None,
    "seg_b": None,
}

# keys whose widgets live on one page only but whose values every page needs
PERSIST = tuple(
    k
    for k in DEFAULTS
    if k not in {"upload_source", "upload_error", "adopted", "mapping_note", "target"}
    and not k.startswith("target_")
)


def init() -> None:
    """Set every missing key to its default and keep widget values across pages."""
    state = st.session_state
    for key, value in DEFAULTS.items():
        if key not in state:
            state[key] = copy.deepcopy(value)
    for key in list(state):
        if key in PERSIST or str(key).startswith(ATTR_PREFIX):
            state[key] = state[key]


def current_source() -> Source | None:
    """The chosen sample or the uploaded file, or None when nothing is chosen yet."""
    state = st.session_state
    if state.source_kind == UPLOAD:
        return state.upload_source
    from journeymap.app import catalog as samples

    name = state.sample or samples.default_name()
    if name is None:
        return None
    sample = samples.get(name)
    return loaders.source_for(Path(sample.path), name=sample.file_name, sample=name)


def take_upload() -> None:
    """on_change of the uploader: keep the file on disk so it outlives the widget."""
    state = st.session_state
    uploaded = state.get("upload")
    state.upload_error = None
    if uploaded is None:
        return
    state.upload_source = loaders.store_upload(uploaded.name, uploaded.getvalue())
    state.source_kind = UPLOAD


def adopt(source: Source, info: FileInfo) -> None:
    """On a new file: preselect the package's column guesses, the goal and the target."""
    state = st.session_state
    if state.adopted == source.digest:
        return
    guesses, note = loaders.guess_columns(info, source)
    for role in ROLES:
        state[f"col_{role}"] = guesses.get(role)
    state.guessed = sorted(guesses)
    state.mapping_note = note
    state.timestamp_format = ""
    state.dedupe = False
    state.gap = ""
    state.horizon = ""
    state.goal = []
    set_target(None, "")
    clear_filters()
    for key in ("step", "journey_pick", "variant_pick", "seg_column", "seg_a", "seg_b"):
        state[key] = None
    state.fr_kinds = []
    state.fr_stages = []
    state.present_slide = 0
    if source.sample:
        from journeymap.app import catalog as samples

        sample = samples.get(source.sample)
        state.goal = list(sample.goal)
        if sample.gap:
            state.gap = sample.gap
        target = samples.target(source.sample)
        if target is not None:
            set_target(target, f"{Path(sample.target_path).name}, bundled with the sample")
    state.adopted = source.digest


def set_target(target: Any, origin: str) -> None:
    """Make ``target`` the design every page compares with, and restart its editor."""
    from journeymap.app import targets

    state = st.session_state
    state.target = target
    state.target_rows = targets.rows(target) if target is not None else None
    state.target_edited = None
    state.target_error = None
    state.target_load_error = None
    state.target_origin = origin
    state.target_version += 1


def clear_filters() -> None:
    state = st.session_state
    state.f_start = None
    state.f_end = None
    state.f_channels = []
    state.f_attr_cols = []
    for key in [k for k in state if str(k).startswith(ATTR_PREFIX)]:
        del state[key]


def read_settings() -> ReadSettings:
    state = st.session_state

    def col(role: str) -> str | None:
        value = state.get(f"col_{role}")
        return None if value in (None, NONE) else str(value)

    return ReadSettings(
        **{role: col(role) for role in ROLES},
        gap=(state.gap or "").strip() or None,
        timestamp_format=(state.timestamp_format or "").strip() or None,
        dedupe=bool(state.dedupe),
    )


def mine_settings() -> MineSettings:
    state = st.session_state
    return MineSettings(
        goal=tuple(state.goal or ()),
        horizon=(state.horizon or "").strip() or None,
    )


def filters() -> Filters:
    state = st.session_state
    channels = tuple(state.f_channels) if state.f_channels else None
    attributes = tuple(
        (col, tuple(state.get(ATTR_PREFIX + col) or ()))
        for col in state.f_attr_cols
        if state.get(ATTR_PREFIX + col)
    )
    return Filters(start=state.f_start, end=state.f_end, channels=channels, attributes=attributes)
