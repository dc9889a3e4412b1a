"""The pages of the app, in menu order: one small script each, next to this file."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent

# url path -> (title, icon); the journey map opens first, on the bundled sample
PAGES: dict[str, tuple[str, str]] = {
    "data": ("Data", ":material/table_view:"),
    "journey_map": ("Journey map", ":material/account_tree:"),
    "frictions": ("Frictions", ":material/report:"),
    "target": ("Target vs actual", ":material/compare_arrows:"),
    "variants": ("Variants & journeys", ":material/route:"),
    "segments": ("Segments", ":material/groups:"),
    "export": ("Export", ":material/download:"),
    "present": ("Present", ":material/co_present:"),
}
DEFAULT = "journey_map"


def page(name: str) -> st.Page:
    """The ``st.Page`` of one page script (the same object for menus and links)."""
    title, icon = PAGES[name]
    return st.Page(
        HERE / f"{name}.py", title=title, icon=icon, url_path=name, default=name == DEFAULT
    )
