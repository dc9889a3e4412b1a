"""Target vs actual: the designed journey and the real one side by side and overlaid, fitness
and per-step deviations; the design can be loaded, edited and downloaded as YAML."""

from __future__ import annotations

import streamlit as st

from journeymap import render
from journeymap.app import catalog, context, loaders, state, targets, ui
from journeymap.errors import JourneymapError

ctx = context.current()
ctx.require()
jmap = ctx.jmap
assert jmap is not None

st.title("Target vs actual")


def _load_yaml() -> None:
    from journeymap.mining.target_io import parse_target

    uploaded = st.session_state.get("target_upload")
    if uploaded is None:
        return
    try:
        text = uploaded.getvalue().decode("utf-8-sig")
        state.set_target(parse_target(text, source=uploaded.name), uploaded.name)
    except UnicodeDecodeError:
        st.session_state.target_error = f"{uploaded.name}: not UTF-8 text; save it as UTF-8."
    except JourneymapError as exc:
        st.session_state.target_error = loaders.display_message(exc)


def _suggest() -> None:
    from journeymap.model.target import TargetJourney

    try:
        suggested = TargetJourney.suggest(context.current().jmap)
        state.set_target(suggested, "suggested from the most common converting path")
    except JourneymapError as exc:
        st.session_state.target_error = loaders.display_message(exc)


def _reload_sample() -> None:
    source = context.current().source
    if source is not None and source.sample:
        name = catalog.get(source.sample).target_path
        state.set_target(catalog.target(source.sample), f"{name}, bundled with the sample")


def _move(offset: int) -> None:
    frame = st.session_state.target_edited
    index = st.session_state.get("target_move_row")
    if frame is None or index is None:
        return
    st.session_state.target_rows = targets.moved(frame, int(index), offset)
    st.session_state.target_edited = None
    st.session_state.target_version += 1


def _start_empty() -> None:
    state.set_target(None, "new design")
    st.session_state.target_rows = targets.rows(None)


with st.container(border=True):
    a, b, c = st.columns([2, 2, 3], vertical_alignment="center")
    a.button(
        "Suggest from the real journey", key="target_suggest", on_click=_suggest,
        icon=":material/auto_fix_high:",
        help="A starting design from the most common path that reaches the goal.",
    )  # fmt: skip
    if ctx.source is not None and ctx.source.sample and catalog.target(ctx.source.sample):
        b.button(
            "Reload the sample's design", key="target_reload", on_click=_reload_sample,
            icon=":material/restart_alt:",
        )  # fmt: skip
    else:
        b.button(
            "Start an empty design", key="target_empty", on_click=_start_empty,
            icon=":material/add:",
        )  # fmt: skip
    c.file_uploader(
        "Load a target journey (YAML)", type=["yaml", "yml"], key="target_upload",
        on_change=_load_yaml, label_visibility="collapsed",
    )  # fmt: skip
    if st.session_state.target_origin:
        st.caption(f"Design: **{st.session_state.target_origin}**")

editor_key = f"target_editor_{st.session_state.target_version}"
if editor_key not in st.session_state and st.session_state.target is not None:
    # back on this page: the editor starts from the design the other pages used
    st.session_state.target_rows = targets.rows(st.session_state.target)
if st.session_state.target_rows is None:
    if st.session_state.target_error:
        st.error(st.session_state.target_error)
    st.info(
        "No designed journey yet: suggest one from the real journey, load a YAML file, or "
        "start an empty design.",
        icon=":material/design_services:",
    )
    st.stop()

compare_tab, edit_tab = st.tabs(["Compare", "Edit the design"])

# the editor runs first: its edits are the design the comparison uses
with edit_tab:
    version = st.session_state.target_version
    current = st.session_state.target
    left, right = st.columns([2, 3])
    name = left.text_input(
        "Journey name", value=current.name if current else "", key=f"target_name_{version}"
    )
    designed = st.session_state.target_rows["touchpoint"].dropna().tolist()
    options = list(dict.fromkeys([*designed, *jmap.steps["step"]]))
    goal = right.multiselect(
        "Goal (designed touchpoints that count as success)", options,
        default=[g for g in (current.goal if current else ()) if g in options],
        key=f"target_goal_{version}", placeholder="the last step",
    )  # fmt: skip
    st.caption(
        "One row per designed step, in order; consecutive rows with the same stage form the "
        "stage. Add rows at the bottom, delete with the row's checkbox, mark steps optional."
    )
    edited = st.data_editor(
        st.session_state.target_rows,
        key=editor_key,
        num_rows="dynamic",
        hide_index=True,
        column_config=targets.EDITOR_COLUMNS,
        column_order=targets.COLUMNS,
        width="stretch",
    )
    st.session_state.target_edited = edited
    try:
        built = targets.build(edited, name=name, goal=goal)
    except JourneymapError as exc:
        st.session_state.target_error = loaders.display_message(exc)
    else:
        st.session_state.target_error = None
        if current is None or built.to_yaml() != current.to_yaml():
            st.session_state.target = built
    if st.session_state.target_error:
        st.error(st.session_state.target_error)
        if st.session_state.target is not None:
            st.caption("The comparison uses the last valid design until this is fixed.")
    labels = [f"{i + 1}. {tp}" for i, tp in enumerate(edited["touchpoint"].fillna("(new step)"))]
    m1, m2, m3, m4 = st.columns([3, 1, 1, 3], vertical_alignment="bottom")
    m1.selectbox(
        "Move a step", range(len(labels)), key="target_move_row",
        format_func=lambda i: labels[i] if i < len(labels) else "",
    )  # fmt: skip
    m2.button("Up", key="target_up", on_click=_move, args=(-1,), icon=":material/arrow_upward:")
    m3.button(
        "Down", key="target_down", on_click=_move, args=(1,), icon=":material/arrow_downward:"
    )
    if st.session_state.target is not None:
        m4.download_button(
            "Download the design (YAML)", st.session_state.target.to_yaml().encode("utf-8"),
            file_name="target.yaml", mime="application/x-yaml", key="target_download",
            icon=":material/download:",
        )  # fmt: skip

target = st.session_state.target
with compare_tab:
    if target is None:
        st.info("Finish the design on the Edit tab to compare it with the real journey.")
        st.stop()
    with ui.guard(), st.spinner("Comparing the real journeys with the design…"):
        comparison = ctx.comparison(target)
    st.write(comparison)
    with ui.guard():
        overlay = render.process_map_dot(
            jmap,
            coverage=st.session_state.coverage / 100,
            color_by=st.session_state.color_by or "effort",
            comparison=comparison,
        )
    st.graphviz_chart(overlay, width="stretch")
