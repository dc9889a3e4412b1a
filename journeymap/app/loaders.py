"""Cached loaders: reading, filtering, mining and comparing, keyed on the file's hash and settings.

Light results (a file's columns and preview, attribute values) are ``st.cache_data``. Event
logs and journey maps hold an engine connection, so they live in ``st.cache_resource`` — in a
*slot*: the cached function only returns an empty holder for its key, and the work runs
outside it. That keeps the package's progress reports on the page (a cached function may not
draw on elements created outside it) while Streamlit still owns the cache, its keys and its
eviction. Every number comes from the package: these functions only call it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import pandas as pd
import streamlit as st

import journeymap as jm
from journeymap.progress import ProgressCallback

T = TypeVar("T")

UPLOAD_DIR = Path(tempfile.gettempdir()) / "journeymap-app" / "uploads"
PREVIEW_ROWS = 20


@dataclass(frozen=True)
class Source:
    """A log file on disk, named for people and identified by the hash of its content."""

    path: str
    name: str
    digest: str
    sample: str | None = None


@dataclass(frozen=True)
class ReadSettings:
    """The arguments of :func:`journeymap.read_log` the Data page sets (None: guessed)."""

    case: str | None = None
    touchpoint: str | None = None
    timestamp: str | None = None
    channel: str | None = None
    journey: str | None = None
    outcome: str | None = None
    ces: str | None = None
    csat: str | None = None
    nps: str | None = None
    gap: str | None = None
    timestamp_format: str | None = None
    dedupe: bool = False

    def kwargs(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "touchpoint": self.touchpoint,
            "timestamp": self.timestamp,
            "channel": self.channel,
            "journey": self.journey,
            "outcome": self.outcome,
            "ces": self.ces,
            "csat": self.csat,
            "nps": self.nps,
            "gap": self.gap if not self.journey else None,
            "timestamp_format": self.timestamp_format,
            "dedupe": self.dedupe,
        }


@dataclass(frozen=True)
class MineSettings:
    """The arguments of :func:`journeymap.mine` the Data page sets."""

    goal: tuple[str, ...] = ()
    horizon: str | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"goal": list(self.goal) or None, "horizon": self.horizon}


@dataclass(frozen=True)
class Filters:
    """The arguments of :func:`journeymap.filter_log` the sidebar sets."""

    start: dt.date | None = None
    end: dt.date | None = None
    channels: tuple[str, ...] | None = None
    attributes: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.start or self.end or self.channels is not None or self.attributes)

    def kwargs(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "channels": list(self.channels) if self.channels is not None else None,
            "attributes": {col: list(values) for col, values in self.attributes} or None,
        }

    def plus(self, column: str, values: tuple[Any, ...]) -> Filters:
        """These filters and one more attribute filter (used to compare segments)."""
        kept = tuple((c, v) for c, v in self.attributes if c != column)
        return Filters(self.start, self.end, self.channels, (*kept, (column, values)))


@dataclass(frozen=True)
class FileInfo:
    """What the Data page shows before reading: the columns and the first rows."""

    columns: tuple[str, ...]
    preview: pd.DataFrame = field(compare=False)
    kind: str = ""


# ---------------------------------------------------------------- files


def store_upload(name: str, data: bytes) -> Source:
    """Keep an uploaded file on disk under its hash (the readers need a path and its suffix)."""
    digest = hashlib.sha256(data).hexdigest()
    folder = UPLOAD_DIR / digest[:20]
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.\-]+", "_", Path(name).name).strip("._") or "upload.csv"
    path = folder / safe
    if not path.exists():
        path.write_bytes(data)
    return Source(path=str(path), name=Path(name).name, digest=digest)


def display_message(exc: BaseException) -> str:
    """The package's message, with upload folders shortened to the file's name."""
    text = str(exc)
    prefix = str(UPLOAD_DIR) + "/"
    return re.sub(re.escape(prefix) + r"[0-9a-f]+/", "", text)


@st.cache_data(show_spinner=False, max_entries=64)
def file_digest(path: str, size: int, mtime_ns: int) -> str:
    """The SHA-256 of a file (cached on its path, size and modification time)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def source_for(path: Path, *, name: str | None = None, sample: str | None = None) -> Source:
    stat = path.stat()
    digest = file_digest(str(path), stat.st_size, stat.st_mtime_ns)
    return Source(path=str(path), name=name or path.name, digest=digest, sample=sample)


@st.cache_data(show_spinner="Opening the file…", max_entries=16)
def inspect_file(path: str, digest: str) -> FileInfo:
    """The columns and first rows of a log, as the package's readers see them."""
    import duckdb

    from journeymap.mining.readers import open_source

    con = duckdb.connect()
    try:
        raw = open_source(con, path, sep=None, encoding=None)
        view = raw.view
        columns = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall() if r[0] != "__seq"]
        preview = con.execute(
            f"SELECT * EXCLUDE (__seq) FROM {view} ORDER BY __seq LIMIT {PREVIEW_ROWS}"
        ).df()
        return FileInfo(columns=tuple(columns), preview=preview, kind=raw.kind)
    finally:
        con.close()


def guess_columns(info: FileInfo, source: Source) -> tuple[dict[str, str], str | None]:
    """The package's guesses, role -> column, and why a required role cannot be guessed.

    Survey columns are guessed by the names ``read_log`` looks for (it also checks that
    some values are numbers).
    """
    from journeymap.mining.columns import REQUIRED, guess_mapping, normalise
    from journeymap.mining.ingest import SURVEY_NAMES

    columns = list(info.columns)
    guesses: dict[str, str] = {}
    note = None
    try:
        mapping = guess_mapping(columns, given={}, source=source.name)
        roles = ("case", "touchpoint", "timestamp", "channel", "journey", "outcome")
        guesses = {r: v for r in roles if (v := getattr(mapping, r)) is not None}
    except jm.errors.ColumnError as exc:
        note = display_message(exc)
    taken = set(guesses.values())
    for role, names in SURVEY_NAMES.items():
        hits = [c for c in columns if normalise(c) in names and c not in taken]
        if len(hits) == 1:
            guesses[role] = hits[0]
    if note is not None:  # keep the unmistakable optional guesses, never a required one
        guesses = {r: c for r, c in guesses.items() if r not in REQUIRED}
    return guesses, note


# ---------------------------------------------------------------- slots


class _Slot(Generic[T]):
    """A cache entry filled outside the cached function (so progress can be drawn)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.value: T | None = None

    def fill(self, make: Callable[[], T]) -> T:
        with self.lock:
            if self.value is None:
                self.value = make()
            return self.value


@st.cache_resource(max_entries=3, show_spinner=False)
def _log_slot(digest: str, read: ReadSettings) -> _Slot[jm.EventLog]:
    return _Slot()


@st.cache_resource(max_entries=12, show_spinner=False)
def _map_slot(
    digest: str, read: ReadSettings, filters: Filters, mine: MineSettings
) -> _Slot[jm.JourneyMap]:
    return _Slot()


@st.cache_resource(max_entries=12, show_spinner=False)
def _comparison_slot(
    digest: str, read: ReadSettings, filters: Filters, mine: MineSettings, target: str
) -> _Slot[Compared]:
    return _Slot()


def load_log(
    source: Source, read: ReadSettings, progress: ProgressCallback | None = None
) -> jm.EventLog:
    """``read_log`` on the source, once per file content and settings."""
    slot = _log_slot(source.digest, read)
    return slot.fill(lambda: jm.read_log(source.path, **read.kwargs(), progress=progress))


def mine_map(
    source: Source,
    read: ReadSettings,
    filters: Filters,
    mine: MineSettings,
    progress: ProgressCallback | None = None,
) -> jm.JourneyMap:
    """``filter_log`` then ``mine``, once per file content, settings and filters."""

    def make() -> jm.JourneyMap:
        log = load_log(source, read, progress)
        if filters.active:
            log = jm.filter_log(log, **filters.kwargs())
        return jm.mine(log, **mine.kwargs(), progress=progress)

    return _map_slot(source.digest, read, filters, mine).fill(make)


@dataclass(frozen=True)
class Compared:
    """A comparison and the package's warnings about the design and the log."""

    comparison: Any
    warnings: tuple[str, ...] = ()


def compare(
    source: Source,
    read: ReadSettings,
    filters: Filters,
    mine: MineSettings,
    target: Any,
    progress: ProgressCallback | None = None,
) -> Compared:
    """``jmap.compare(target)``, once per map and design (keyed on the design's YAML)."""
    import warnings

    jmap = mine_map(source, read, filters, mine, progress)

    def make() -> Compared:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", jm.errors.TargetWarning)
            comparison = jmap.compare(target, progress=progress)
        said = tuple(
            dict.fromkeys(
                str(w.message) for w in caught if issubclass(w.category, jm.errors.TargetWarning)
            )
        )
        return Compared(comparison, said)

    slot = _comparison_slot(source.digest, read, filters, mine, target.to_yaml())
    return slot.fill(make)


@st.cache_resource(max_entries=16, show_spinner=False)
def _drawing_slot(key: tuple[Any, ...]) -> _Slot[bytes]:
    return _Slot()


def lazily(key: tuple[Any, ...], make: Callable[[], bytes]) -> Callable[[], bytes]:
    """A no-argument callable giving ``make()``'s bytes, made once per key.

    For ``st.download_button(data=...)``, which calls it only when the button is clicked.
    The cache entry is looked up here, in the script's thread.
    """
    slot = _drawing_slot(key)
    return lambda: slot.fill(make)


def canvas(
    source: Source,
    read: ReadSettings,
    filters: Filters,
    mine: MineSettings,
    target: Any,
    *,
    size: str = "16:9",
    fmt: str = "png",
) -> Callable[[], bytes]:
    """The journey-map canvas (``render.journey_map``) as image bytes, once per map and design."""
    from journeymap import render

    jmap = mine_map(source, read, filters, mine)
    comparison = compare(source, read, filters, mine, target).comparison if target else None
    design = target.to_yaml() if target is not None else ""

    def make() -> bytes:  # the figure is not registered with pyplot: nothing to close
        figure = render.journey_map(jmap, target, comparison=comparison, size=size)
        return render.figure_bytes(figure, fmt)

    return lazily(("canvas", source.digest, read, filters, mine, design, size, fmt), make)


def document(
    kind: str,
    source: Source,
    read: ReadSettings,
    filters: Filters,
    mine: MineSettings,
    target: Any,
) -> Callable[[], bytes]:
    """The workshop deck (``"deck"``, .pptx) or the report (``"report"``, .html) as bytes."""
    from journeymap import render

    jmap = mine_map(source, read, filters, mine)
    comparison = compare(source, read, filters, mine, target).comparison if target else None
    design = target.to_yaml() if target is not None else ""

    def make() -> bytes:
        if kind == "deck":
            return render.deck_bytes(jmap, comparison, target=target)
        return render.report_html(jmap, comparison, target=target).encode("utf-8")

    return lazily((kind, source.digest, read, filters, mine, design), make)


def process_map(
    source: Source,
    read: ReadSettings,
    filters: Filters,
    mine: MineSettings,
    *,
    fmt: str,
    options: tuple[tuple[str, Any], ...],
) -> Callable[[], bytes]:
    """The process map as SVG or PNG bytes (``render.process_map_svg`` / ``_png``)."""
    from journeymap import render

    jmap = mine_map(source, read, filters, mine)

    def make() -> bytes:
        if fmt == "svg":
            return render.process_map_svg(jmap, **dict(options)).encode("utf-8")
        return render.process_map_png(jmap, **dict(options))

    return lazily(("process_map", source.digest, read, filters, mine, fmt, options), make)


# ---------------------------------------------------------------- small queries


@st.cache_data(show_spinner=False, max_entries=128)
def attribute_values(
    digest: str, read: ReadSettings, column: str, _log: jm.EventLog, limit: int = 200
) -> pd.DataFrame:
    """The values of a column and how many journeys carry each (for filter choices)."""
    return jm.attribute_values(_log, column, limit=limit)


@st.cache_data(show_spinner=False, max_entries=64)
def journey_events(
    digest: str, read: ReadSettings, journey: str, _log: jm.EventLog
) -> pd.DataFrame:
    """The events of one journey, in order (for the timeline)."""
    return jm.filter_log(_log, journeys=[journey]).to_pandas()
