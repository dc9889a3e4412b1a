"""Target vs actual: the designed journey and the real one side by side and overlaid, fitness
and per-step deviations; the design can be loaded, edited and downloaded as YAML."""

from __future__ import annotations

import math

import streamlit as st

from journeymap import render
from journeymap.app import catalog, context, loaders, state, targets, ui
from journeymap.errors import JourneymapError

ctx = context.current()
ctx.require()
jmap = ctx.jmap
assert jmap is not None

st.title("Target vs actual")

PCT = "percent"
DEVIATION_COLUMNS = {
    "stage": st.column_config.TextColumn("Stage"),
    "step": st.column_config.TextColumn("Designed step"),
    "optional": st.column_config.CheckboxColumn("Optional"),
    "taken_rate": st.column_config.NumberColumn("Taken", format=PCT),
    "skipped_rate": st.column_config.NumberColumn("Skipped", format=PCT),
    "out_of_order_rate": st.column_config.NumberColumn("Out of order", format=PCT),
    "repeated_rate": st.column_config.NumberColumn("Repeated", format=PCT),
    "channel_mismatch_rate": st.column_config.NumberColumn("Other channel", format=PCT),
    "over_max_wait_rate": st.column_config.NumberColumn("Waited too long", format=PCT),
    "median_wait_s": st.column_config.NumberColumn("Median wait", format="duration"),
    "max_wait_s": st.column_config.NumberColumn("Designed max wait", format="duration"),
}
EXTRA_COLUMNS = {
    "touchpoint": st.column_config.TextColumn("Touchpoint"),
    "journeys": st.column_config.NumberColumn("Journeys", format="localized"),
    "share": st.column_config.NumberColumn("Share", format=PCT),
    "after_step": st.column_config.TextColumn("After"),
    "conversion_lift": st.column_config.NumberColumn("Conversion lift", format=PCT),
    "helps": st.column_config.CheckboxColumn("Helps"),
}


def _load_yaml() -> None:
    from journeymap.mining.target_io import parse_target

    uploaded = st.session_state.get("target_upload")
    if uploaded is None:
        return
    try:
        text = uploaded.getvalue().decode("utf-8-sig")
        state.set_target(parse_target(text, source=uploaded.name), uploaded.name)
    except UnicodeDecodeError:
        st.session_state.target_load_error = f"{uploaded.name}: not UTF-8 text; save it as UTF-8."
    except JourneymapError as exc:
        st.session_state.target_load_error = loaders.display_message(exc)


def _suggest() -> None:
    from journeymap.model.target import TargetJourney

    try:
        suggested = TargetJourney.suggest(context.current().jmap)
        state.set_target(suggested, "suggested from the most common converting path")
    except JourneymapError as exc:
        st.session_state.target_load_error = loaders.display_message(exc)


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
    st.session_state.target_move_row = min(max(int(index) + offset, 0), len(frame) - 1)
    st.session_state.target_edited = None
    st.session_state.target_version += 1
    st.session_state.target_rows_fresh = True


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
        "Load a design (target journey YAML)", type=["yaml", "yml"], key="target_upload",
        on_change=_load_yaml, max_upload_size=1,
    )  # fmt: skip
    if st.session_state.target_origin:
        st.caption(f"Design: **{st.session_state.target_origin}**")
    if st.session_state.target_load_error:
        st.error(st.session_state.target_load_error)

editor_key = f"target_editor_{st.session_state.target_version}"
fresh = st.session_state.pop("target_rows_fresh", False)
if editor_key not in st.session_state and st.session_state.target is not None and not fresh:
    # back on this page: the editor starts from the design the other pages used
    st.session_state.target_rows = targets.rows(st.session_state.target)
if st.session_state.target_rows is None:
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
    options = list(dict.fromkeys(st.session_state.target_rows["touchpoint"].dropna()))
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
        height=36 * (len(st.session_state.target_rows) + 2) + 4,
        placeholder="",
    )
    st.session_state.target_edited = edited
    try:
        steps_now = set(edited["touchpoint"].dropna())  # a deleted goal step falls back
        built = targets.build(edited, name=name, goal=[g for g in goal if g in steps_now])
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
    with ui.guard():
        comparison = ctx.comparison(target, warn=True)
    headline = comparison.method != "dfg" and not math.isnan(comparison.fitness)
    m = st.columns(5)
    m[0].metric(
        "Fitness",
        ui.pct(comparison.fitness if headline else comparison.dfg_fitness),
        help="How well the real journeys fit the design: 1 − deviations / worst case "
        "(alignments), or the share of moves the design allows (directly-follows).",
    )
    m[1].metric(
        "Moves the design allows",
        ui.pct(comparison.dfg_fitness),
        help="Share of the real transitions (start and end included) that the design allows.",
    )
    m[2].metric("Journeys aligned", ui.pct(comparison.covered_share))
    m[3].metric("Deviations found", ui.count(len(comparison.frictions)))
    m[4].metric(
        "Not designed",
        ui.count(len(comparison.extra)),
        help="Touchpoints customers take that the design does not have",
    )
    for note in comparison.notes:
        st.caption(note)

    st.subheader("The design, as customers live it")
    st.caption(
        "The designed stages as columns, with the real figures of each step; dashed cards were "
        "taken but not designed."
    )
    with ui.guard(), st.spinner("Drawing the journey map…"):
        canvas = loaders.canvas(ctx.source, ctx.read, ctx.filters, ctx.mine, target)()
    st.image(canvas, width="stretch")

    st.subheader("Overlay: the design on the real journey")
    with ui.guard():
        overlay = render.process_map_dot(
            jmap,
            coverage=st.session_state.coverage / 100,
            color_by=st.session_state.color_by or "effort",
            comparison=comparison,
            rankdir=st.session_state.map_direction or "TB",
        )
    with st.container(border=True, key="overlay_map"):
        st.graphviz_chart(overlay, width="stretch")
    designed, extra = st.columns([3, 2], gap="large")
    with designed:
        st.markdown("**Designed steps: how the real journeys follow them**")
        st.dataframe(
            comparison.steps,
            hide_index=True,
            column_order=[c for c in DEVIATION_COLUMNS if c in comparison.steps.columns],
            column_config=DEVIATION_COLUMNS,
            placeholder="–",
        )
    with extra:
        st.markdown("**Taken, not designed**")
        st.dataframe(
            comparison.extra,
            hide_index=True,
            column_order=[c for c in EXTRA_COLUMNS if c in comparison.extra.columns],
            column_config=EXTRA_COLUMNS,
            placeholder="–",
        )
    with st.expander(
        "Every transition: designed-and-taken, designed-not-taken, taken-not-designed"
    ):
        st.dataframe(comparison.edges, hide_index=True, placeholder="–")
