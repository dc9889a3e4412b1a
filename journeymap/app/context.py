"""The analysis every page reads: the file, its log and the mined map, built once per rerun.

``main.py`` calls :func:`load` (file and log), draws the sidebar filters, then :func:`mine`;
pages call :func:`current`. Errors the user can fix are kept as a message: the Data page shows
it next to the settings that fix it, other pages show it and stop (:meth:`Context.require`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

import journeymap as jm
from journeymap.app import loaders, nav, state
from journeymap.app.loaders import FileInfo, Filters, MineSettings, ReadSettings, Source
from journeymap.errors import JourneymapError

_KEY = "_context"


@dataclass
class Context:
    """What this rerun knows: the source, its settings, the log and the map, or the error."""

    source: Source | None = None
    info: FileInfo | None = None
    read: ReadSettings = field(default_factory=ReadSettings)
    mine: MineSettings = field(default_factory=MineSettings)
    filters: Filters = field(default_factory=Filters)
    log: jm.EventLog | None = None
    jmap: jm.JourneyMap | None = None
    error: str | None = None
    stage: str = ""  # where the error happened: "file", "read", "mine"

    def require(self, what: str = "map") -> None:
        """Show the error and stop the page when the log (``"log"``) or map is missing."""
        missing = self.log is None if what == "log" else self.jmap is None
        if not missing:
            return
        if self.error:
            st.error(self.error)
            st.page_link(nav.page("data"), label="Fix it on the Data page")
        else:
            st.info("Choose a bundled sample or upload a log on the Data page.")
        st.stop()

    def map_for(self, filters: Filters, progress: Callable[..., Any] | None = None) -> Any:
        """The map of the same log and settings under other filters (segments)."""
        assert self.source is not None
        return loaders.mine_map(self.source, self.read, filters, self.mine, progress)

    def comparison(self, target: Any, *, warn: bool = False) -> Any:
        """``jmap.compare(target)`` for the current map (cached), with a progress bar while it
        runs; ``warn`` shows the package's warnings about the design and the log."""
        assert self.source is not None
        area = st.empty()
        try:
            compared = loaders.compare(
                self.source, self.read, self.filters, self.mine, target, Progress(area, "Comparing")
            )
        finally:
            area.empty()
        for message in compared.warnings if warn else ():
            st.warning(message, icon=":material/warning:")
        return compared.comparison


class Progress:
    """The package's progress reports drawn as one bar in a placeholder."""

    def __init__(self, area: Any, stage: str) -> None:
        self.area = area
        self.stage = stage
        self.bar: Any = None

    def __call__(self, message: str, fraction: float) -> None:
        text = f"{self.stage}: {message}…" if fraction < 1 else f"{self.stage}: {message}"
        if self.bar is None:
            self.bar = self.area.progress(0.0, text=text)
        self.bar.progress(min(max(float(fraction), 0.0), 1.0), text=text)


def load(area: Any) -> Context:
    """Open the chosen file and read its log (cached); keep the context for the pages."""
    ctx = Context()
    st.session_state[_KEY] = ctx
    try:
        ctx.source = state.current_source()
    except JourneymapError as exc:
        return _fail(ctx, exc, "file")
    if ctx.source is None:
        return ctx
    try:
        ctx.info = loaders.inspect_file(ctx.source.path, ctx.source.digest)
    except JourneymapError as exc:
        return _fail(ctx, exc, "file")
    state.adopt(ctx.source, ctx.info)
    ctx.read = state.read_settings()
    ctx.mine = state.mine_settings()
    try:
        ctx.log = loaders.load_log(ctx.source, ctx.read, Progress(area, "Reading"))
    except JourneymapError as exc:
        return _fail(ctx, exc, "read")
    finally:
        area.empty()
    return ctx


def mine(ctx: Context, area: Any) -> Context:
    """Filter and mine the log with the current settings (cached)."""
    if ctx.log is None or ctx.source is None:
        return ctx
    ctx.filters = state.filters()
    try:
        ctx.jmap = loaders.mine_map(
            ctx.source, ctx.read, ctx.filters, ctx.mine, Progress(area, "Mining")
        )
    except JourneymapError as exc:
        return _fail(ctx, exc, "mine")
    finally:
        area.empty()
    return ctx


def current() -> Context:
    """The context ``main.py`` built for this rerun."""
    ctx = st.session_state.get(_KEY)
    return ctx if isinstance(ctx, Context) else Context()


def _fail(ctx: Context, exc: BaseException, stage: str) -> Context:
    ctx.error = loaders.display_message(exc)
    ctx.stage = stage
    return ctx
