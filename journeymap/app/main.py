"""Entry script of the app: page setup, session state, the shared analysis and the menu.

Run it with ``journeymap app`` or ``streamlit run app.py``; it only assembles pages.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    run()
