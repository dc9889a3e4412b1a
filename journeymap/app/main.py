"""Entry script of the app: page setup, session state, the shared analysis and the menu.

Run it with ``journeymap app`` or ``streamlit run app.py``; it only assembles pages.
"""

from __future__ import annotations

import gc

import streamlit as st

from journeymap.app import context, nav, sidebar, state, theme


def run() -> None:
    """Draw the app once (Streamlit reruns this on every interaction)."""
    st.set_page_config(
        page_title="journeymap",
        page_icon=theme.icon(),
        layout="wide",
        initial_sidebar_state="expanded",
    )
    state.init()
    page = st.navigation([nav.page(name) for name in nav.PAGES], position="top")
    busy = st.empty()
    ctx = context.load(busy)
    sidebar.draw(ctx)
    context.mine(ctx, busy)
    sidebar.summary(ctx)
    page.run()
    _freeze_start_up()


_frozen = False


def _freeze_start_up() -> None:
    """Once per process, after the first page: move the objects alive then (modules, classes,
    Streamlit's runtime: about 200,000) out of the garbage collector's full passes. A full
    pass then takes about 10 ms instead of 0.1 s, which otherwise lands on whatever
    interaction triggers it (one filter change in three to six, 1M-event log)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


if __name__ == "__main__":
    run()
