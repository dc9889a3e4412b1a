"""Every artefact at once (for ``journeymap export``), and maps rebuilt from ``mine --out``."""

from __future__ import annotations

import ast
import dataclasses
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from journeymap.errors import JourneymapError, ParameterError

__all__ = ["EXPORT_FORMATS", "export", "load_mined"]

EXPORT_FORMATS = ("png", "svg", "pdf", "pptx", "html", "dot")

_MINED_FILES = ("steps.csv", "transitions.csv", "variants.csv", "journeys.parquet")
_PATH_SEP = " → "


class MinedDirectoryError(JourneymapError, FileNotFoundError):
    """A folder is not a ``journeymap mine --out`` result (a file is missing or unreadable)."""


def load_mined(directory: str | Path) -> Any:
    """Rebuild a :class:`journeymap.JourneyMap` from the files ``journeymap mine --out`` wrote.

    Reads steps.csv, transitions.csv, variants.csv, journeys.parquet, quality.json and, when
    present, frictions.csv. The map has no event log attached (``log`` is None), so anything
    that needs events (comparisons with a target, filters) must start from the log instead.
    Variant paths are stored joined by " → " and split back on it.
    """
    from journeymap.model.eventlog import ColumnMapping, QualityReport
    from journeymap.model.journeymap import JourneyMap

    folder = Path(directory)
    missing = [name for name in _MINED_FILES if not (folder / name).is_file()]
    if missing:
        raise MinedDirectoryError(
            f"{folder}: not a 'journeymap mine --out' folder; missing {', '.join(missing)}. "
            "Run 'journeymap mine LOG --out DIR' first, or pass the log itself."
        )
    try:
        steps = _read_csv(folder / "steps.csv", text=("step", "channel"))
        transitions = _read_csv(folder / "transitions.csv", text=("source", "target"))
        variants = _read_csv(folder / "variants.csv", text=("path",))
        journeys = pd.read_parquet(folder / "journeys.parquet")
    except (OSError, ValueError) as exc:
        raise MinedDirectoryError(f"{folder}: cannot read the mined tables: {exc}") from exc
    if "path" in variants:
        variants["path"] = variants["path"].map(
            lambda p: tuple(str(p).split(_PATH_SEP)) if p == p else ()
        )
    meta: dict[str, Any] = {}
    quality_path = folder / "quality.json"
    if quality_path.is_file():
        meta = json.loads(quality_path.read_text(encoding="utf-8"))
    fields = {f.name for f in dataclasses.fields(QualityReport)}
    quality = None
    if meta:
        values = {k: v for k, v in meta.items() if k in fields}
        values.setdefault("source", str(folder))
        values.setdefault("events_read", 0)
        values.setdefault("events_used", 0)
        if "notes" in values:
            values["notes"] = tuple(values["notes"])
        quality = QualityReport(**values)
    mapping = None
    if meta.get("mapping"):
        m = dict(meta["mapping"])
        m["attributes"] = tuple(m.get("attributes", ()))
        m["guessed"] = tuple(m.get("guessed", ()))
        mapping = ColumnMapping(**m)
    return JourneyMap(
        steps=steps,
        transitions=transitions,
        variants=variants,
        journeys=journeys,
        goal=tuple(meta.get("goal", ())),
        horizon_s=float(meta.get("horizon_s", 0.0) or 0.0),
        variant_count=int(meta.get("variant_count", len(variants)) or len(variants)),
        quality=quality,
        mapping=mapping,
        frictions=_read_frictions(folder / "frictions.csv"),
    )


def _read_csv(path: Path, *, text: Iterable[str]) -> pd.DataFrame:
    # Names such as "NA" or "null" are touchpoints, not missing values: only empty is missing.
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    for column in text:
        if column in frame:
            frame[column] = frame[column].map(lambda v: v if v != v else str(v)).astype(object)
    return frame


def _read_frictions(path: Path) -> tuple[Any, ...]:
    from journeymap.model.friction import Friction, rank_frictions

    if not path.is_file():
        return ()
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    fixed = {
        "rank",
        "kind",
        "steps",
        "stage",
        "journeys",
        "share",
        "severity",
        "explanation",
        "suggestion",
    }
    out = []
    for row in frame.to_dict("records"):
        evidence = {k: v for k, v in row.items() if k not in fixed and not _missing(v)}
        out.append(
            Friction(
                kind=str(row["kind"]),
                steps=_steps(row.get("steps")),
                journeys=int(row.get("journeys", 0) or 0),
                share=float(row.get("share", 0.0) or 0.0),
                severity=float(row.get("severity", 0.0) or 0.0),
                explanation=_str(row.get("explanation")),
                suggestion=_str(row.get("suggestion")),
                evidence=evidence,
                stage=None if _missing(row.get("stage")) else str(row["stage"]),
            )
        )
    return rank_frictions(out)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _str(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _steps(value: Any) -> tuple[str, ...]:
    text = _str(value)
    if text.startswith("[") or text.startswith("("):
        try:
            parsed = ast.literal_eval(text)
            return tuple(str(s) for s in parsed)
        except (ValueError, SyntaxError):
            pass
    return tuple(text.split(_PATH_SEP)) if text else ()


def export(
    jmap: Any,
    out: str | Path,
    *,
    formats: Iterable[str] = ("png", "svg", "pdf", "pptx", "html"),
    target: Any = None,
    comparison: Any = None,
    size: str = "a3",
    title: str | None = None,
    dpi: int = 150,
) -> list[Path]:
    """Write the chosen artefacts into ``out``; returns the paths written.

    png/svg/pdf: ``journey_map.*`` (the canvas) and, for png and svg, ``process_map.*``;
    dot: ``process_map.dot``; pptx: ``journey_deck.pptx``; html: ``journey_report.html``.
    """
    from journeymap.render.canvas import journey_map
    from journeymap.render.deck import deck_bytes
    from journeymap.render.output import figure_bytes
    from journeymap.render.process_map import process_map_dot, process_map_png, process_map_svg
    from journeymap.render.report import report_html

    wanted = [f.strip().lower().lstrip(".") for f in formats if f.strip()]
    bad = [f for f in wanted if f not in EXPORT_FORMATS]
    if bad or not wanted:
        options = "{" + ", ".join(repr(f) for f in EXPORT_FORMATS) + "}"
        raise ParameterError(
            f"The 'formats' parameter of export must name formats among {options}. "
            f"Got {bad[0] if bad else 'nothing'!r} instead."
        )
    if comparison is None and target is not None and hasattr(jmap, "compare"):
        comparison = jmap.compare(target)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(name: str, data: bytes | str) -> None:
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        written.append(path)

    figures = [f for f in ("png", "svg", "pdf") if f in wanted]
    if figures:
        fig = journey_map(jmap, target, comparison=comparison, size=size, title=title)
        for fmt in figures:
            write(f"journey_map.{fmt}", figure_bytes(fig, fmt, dpi=dpi))
    if "dot" in wanted:
        write("process_map.dot", process_map_dot(jmap, comparison=comparison))
    if "svg" in wanted:
        write("process_map.svg", process_map_svg(jmap, comparison=comparison))
    if "png" in wanted:
        write("process_map.png", process_map_png(jmap, comparison=comparison, dpi=dpi))
    if "pptx" in wanted:
        write("journey_deck.pptx", deck_bytes(jmap, comparison, target=target, title=title))
    if "html" in wanted:
        write("journey_report.html", report_html(jmap, comparison, target=target, title=title))
    return written
