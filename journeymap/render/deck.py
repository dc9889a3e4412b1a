"""The workshop slide deck (python-pptx): editable text and tables, figures as pictures.

Slides: title; the journey map; the journey at a glance; one slide per top friction (its
neighbourhood in the process map, the explanation, the suggestion and the evidence); target
versus actual (when a comparison is given); the top variants; data quality in an appendix.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from journeymap.errors import MissingDependencyError
from journeymap.render import palette
from journeymap.render._summary import (
    comparison_fitness,
    friction_figures,
    friction_title,
    frictions_of,
    headline,
    summary_parts,
)
from journeymap.render._text import clean, fmt_count, fmt_duration, fmt_pct

__all__ = ["deck", "deck_bytes", "friction_neighbourhood"]

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
FONT = "DejaVu Sans"


def _pptx() -> Any:
    try:
        import pptx
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise MissingDependencyError(
            "The slide deck needs python-pptx: pip install 'python-pptx>=1.0'."
        ) from exc
    return pptx


def deck(
    jmap: Any,
    comparison: Any = None,
    *,
    target: Any = None,
    title: str | None = None,
    top_frictions: int = 5,
    top_variants: int = 8,
) -> Any:
    """Build the workshop deck; returns a ``pptx.Presentation`` (save it or edit it further).

    Parameters:
        jmap: a :class:`journeymap.JourneyMap`.
        comparison: ``jmap.compare(target)``; adds the target-versus-actual slide.
        target: the designed journey (names the stages of the map; compared when no
            ``comparison`` is given).
        title: the deck's title (default: the target's name or the goal).
        top_frictions: one slide for each of this many top frictions.
        top_variants: rows of the variants table.
    """
    from pptx.util import Inches

    from journeymap.render.canvas import journey_map
    from journeymap.render.output import figure_bytes

    pptx = _pptx()
    if comparison is None and target is not None and hasattr(jmap, "compare"):
        comparison = jmap.compare(target)
    prs = pptx.Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    _title_slide(prs, headline(jmap, target, title), "  ·  ".join(summary_parts(jmap, comparison)))

    fig = journey_map(jmap, target, comparison=comparison, size="16:9", title=title)
    slide = _blank(prs)
    slide.shapes.add_picture(
        io.BytesIO(figure_bytes(fig, "png", dpi=150)),
        0,
        0,
        width=prs.slide_width,
        height=prs.slide_height,
    )
    _notes(
        slide,
        "The journey map: stages as columns, touchpoints in channel lanes, the effort "
        "curve and the drop-off after each step. Numbers mark the frictions that follow.",
    )

    _glance_slide(prs, jmap, comparison)
    for friction in frictions_of(jmap, comparison)[:top_frictions]:
        _friction_slide(prs, jmap, friction)
    if comparison is not None:
        _comparison_slide(prs, comparison)
    _variants_slide(prs, jmap, top_variants)
    _quality_slide(prs, jmap)
    return prs


def deck_bytes(jmap: Any, comparison: Any = None, **options: Any) -> bytes:
    """The deck of :func:`deck` as ``.pptx`` bytes (for downloads)."""
    buffer = io.BytesIO()
    deck(jmap, comparison, **options).save(buffer)
    return buffer.getvalue()


# --- slide pieces ------------------------------------------------------------------------
def _blank(prs: Any) -> Any:
    return prs.slides.add_slide(prs.slide_layouts[6])


def _notes(slide: Any, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = clean(text)


def _text(
    slide: Any,
    box: tuple[float, float, float, float],
    paragraphs: list[tuple[str, float, bool, str]],
) -> Any:
    """A text box of ``(text, points, bold, colour)`` paragraphs; inches for ``box``."""
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    for k, (text, size, bold, colour) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = clean(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = FONT
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
        paragraph.space_after = Pt(size * 0.5)
    return shape


def _heading(slide: Any, text: str, sub: str = "") -> None:
    parts = [(text, 30, True, palette.INK)]
    if sub:
        parts.append((sub, 14, False, palette.MUTED))
    _text(slide, (0.5, 0.3, SLIDE_W - 1.0, 1.2), parts)


def _table(
    slide: Any,
    box: tuple[float, float, float, float],
    header: list[str],
    rows: list[list[str]],
    widths: list[float] | None = None,
    size: float = 12,
) -> Any:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_table(len(rows) + 1, len(header), *(Inches(v) for v in box))
    table = shape.table
    if widths:
        total = sum(widths)
        for j, w in enumerate(widths):
            table.columns[j].width = Inches(box[2] * w / total)
    for i, row in enumerate([header, *rows]):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = clean(value)
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    run.font.name = FONT
                    run.font.bold = i == 0
                    if i == 0:
                        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            if i == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor.from_string(palette.INK.lstrip("#"))
    return shape


def _picture(slide: Any, png: bytes, box: tuple[float, float, float, float]) -> Any:
    """Place a PNG inside ``box`` (inches), keeping its aspect ratio, centred."""
    from PIL import Image
    from pptx.util import Inches

    with Image.open(io.BytesIO(png)) as image:
        w_px, h_px = image.size
    x, y, w, h = box
    scale = min(w / w_px, h / h_px)
    pw, ph = w_px * scale, h_px * scale
    return slide.shapes.add_picture(
        io.BytesIO(png), Inches(x + (w - pw) / 2), Inches(y + (h - ph) / 2), Inches(pw), Inches(ph)
    )


def _title_slide(prs: Any, title: str, subtitle: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = clean(title)
    slide.placeholders[1].text = clean(subtitle) + "\nBuilt from the real journeys with journeymap"


def _glance_slide(prs: Any, jmap: Any, comparison: Any) -> None:
    slide = _blank(prs)
    _heading(slide, "The journey at a glance")
    outcomes = jmap.outcome_counts()
    total = sum(outcomes.values())
    lines = [
        (
            f"{fmt_count(total)} journeys, {fmt_count(len(jmap.steps))} touchpoints, "
            f"{fmt_count(jmap.variant_count or len(jmap.variants))} distinct paths",
            20,
            True,
            palette.INK,
        )
    ]
    for outcome in ("converted", "dropped", "open", "completed"):
        if outcome in outcomes:
            share = outcomes[outcome] / total if total else float("nan")
            lines.append(
                (
                    f"{outcome}: {fmt_count(outcomes[outcome])} ({fmt_pct(share)})",
                    18,
                    False,
                    palette.INK,
                )
            )
    if "duration_s" in jmap.journeys and len(jmap.journeys):
        median = jmap.journeys["duration_s"].median()
        lines.append((f"median journey duration: {fmt_duration(median)}", 18, False, palette.INK))
    fitness = comparison_fitness(comparison)
    if fitness is not None:
        lines.append((f"fit with the designed journey: {fmt_pct(fitness)}", 18, False, palette.INK))
    frictions = frictions_of(jmap, comparison)
    if frictions:
        lines.append(("Top frictions", 20, True, palette.INK))
        for k, f in enumerate(frictions[:5], start=1):
            lines.append(
                (f"{k}. {friction_title(f)} — {friction_figures(f)}", 16, False, palette.INK)
            )
    _text(slide, (0.6, 1.4, SLIDE_W - 1.2, SLIDE_H - 1.8), lines)


def friction_neighbourhood(jmap: Any, steps: tuple[str, ...], *, k: int = 3) -> Any:
    """The part of the map around ``steps``: them, the ``k`` steps most often before and after
    them, and the transitions among those (a selection of the map's own tables)."""
    from journeymap.model.journeymap import JourneyMap

    tr = jmap.transitions
    focus = set(steps)
    weight = "journeys" if "journeys" in tr else "count"
    into = tr[tr["target"].isin(focus) & ~tr["source"].isin(focus)].nlargest(k, weight)
    out = tr[tr["source"].isin(focus) & ~tr["target"].isin(focus)].nlargest(k, weight)
    keep = focus | set(into["source"]) | set(out["target"])
    return JourneyMap(
        steps=jmap.steps[jmap.steps["step"].isin(keep)],
        transitions=tr[tr["source"].isin(keep) & tr["target"].isin(keep)],
        variants=pd.DataFrame(),
        journeys=jmap.journeys,
        goal=jmap.goal,
    )


def _friction_slide(prs: Any, jmap: Any, friction: Any) -> None:
    from journeymap.render.process_map import process_map_png

    slide = _blank(prs)
    rank = getattr(friction, "rank", 0) or ""
    _heading(
        slide,
        f"{rank}. {friction_title(friction)}" if rank else friction_title(friction),
        friction_figures(friction) + (f" · stage: {friction.stage}" if friction.stage else ""),
    )
    steps = tuple(s for s in friction.steps if s in set(jmap.steps["step"]))
    if steps:
        part = friction_neighbourhood(jmap, steps)
        color_by = "dropoff" if friction.kind == "dropoff" and jmap.goal else "effort"
        png = process_map_png(part, color_by=color_by, highlight=steps, dpi=110)
        _picture(slide, png, (0.4, 1.6, 7.6, 5.4))
    paragraphs = [
        ("What happens", 16, True, palette.INK),
        (friction.explanation, 16, False, palette.INK),
    ]
    if friction.suggestion:
        paragraphs += [
            ("What to try", 16, True, palette.INK),
            (friction.suggestion, 16, False, palette.INK),
        ]
    _text(slide, (8.3, 1.6, 4.6, 3.2), paragraphs)
    evidence = [(str(k), _value(v)) for k, v in dict(friction.evidence or {}).items()][:8]
    if evidence:
        _table(
            slide,
            (8.3, 4.9, 4.6, 0.3 * (len(evidence) + 1)),
            ["evidence", "value"],
            [list(e) for e in evidence],
            widths=[3, 2],
            size=11,
        )
    _notes(slide, f"{friction.explanation} {friction.suggestion}".strip())


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return " → ".join(clean(v) for v in value)
    return clean(value)


# Designed-step columns shown in the deck and the report, with their headings and formats.
COMPARISON_COLUMNS = {
    "step": ("designed step", clean),
    "stage": ("stage", clean),
    "taken_rate": ("taken", fmt_pct),
    "skipped_rate": ("skipped", fmt_pct),
    "repeated_rate": ("repeated", fmt_pct),
    "out_of_order_rate": ("out of order", fmt_pct),
    "median_wait_s": ("median wait", fmt_duration),
}


def extra_names(comparison: Any) -> list[str]:
    """Touchpoints customers take that the design lacks, most journeys first."""
    extra = getattr(comparison, "extra", None)
    if extra is None or not len(extra):
        return []
    if isinstance(extra, pd.DataFrame):
        column = next((c for c in ("touchpoint", "step") if c in extra), None)
        return [clean(n) for n in extra[column]] if column else []
    return [clean(getattr(x, "touchpoint", getattr(x, "step", x))) for x in extra]


def _comparison_slide(prs: Any, comparison: Any) -> None:
    slide = _blank(prs)
    fitness = comparison_fitness(comparison)
    _heading(
        slide,
        "Target versus actual",
        f"fit with the designed journey: {fmt_pct(fitness)}" if fitness is not None else "",
    )
    steps = getattr(comparison, "steps", None)
    if isinstance(steps, pd.DataFrame) and not steps.empty:
        cols = [c for c in COMPARISON_COLUMNS if c in steps.columns]
        frame = steps.head(14)
        rows = [
            [COMPARISON_COLUMNS[c][1](v) for c, v in zip(cols, r, strict=True)]
            for r in frame[cols].itertuples(index=False)
        ]
        widths = [2.6 if c == "step" else 1.5 if c == "stage" else 1.0 for c in cols]
        _table(
            slide,
            (0.5, 1.6, 8.0, 0.34 * (len(rows) + 1)),
            [COMPARISON_COLUMNS[c][0] for c in cols],
            rows,
            widths=widths,
            size=11,
        )
    lines = []
    names = extra_names(comparison)
    if names:
        lines.append(("Taken but not designed", 15, True, palette.NOT_DESIGNED))
        lines.append((", ".join(names[:8]), 13, False, palette.INK))
    deviations = tuple(getattr(comparison, "frictions", ()) or ())[:4]
    if deviations:
        lines.append(("Biggest deviations", 15, True, palette.INK))
        lines += [(clean(f.explanation), 12, False, palette.INK) for f in deviations]
    if lines:
        _text(slide, (8.8, 1.6, 4.1, 5.6), lines)


def _variants_slide(prs: Any, jmap: Any, top: int) -> None:
    slide = _blank(prs)
    total = jmap.variant_count or len(jmap.variants)
    _heading(
        slide,
        "The most common paths",
        f"top {min(top, len(jmap.variants))} of {fmt_count(total)} distinct paths",
    )
    rows = []
    for r in jmap.variants.head(top).to_dict("records"):
        path = " → ".join(clean(s) for s in r.get("path", ()))
        rows.append(
            [
                str(r.get("variant", "")),
                fmt_count(r.get("journeys")),
                fmt_pct(r.get("share"), 1),
                fmt_pct(r.get("conversion_rate")),
                path,
            ]
        )
    if rows:
        _table(
            slide,
            (0.5, 1.6, SLIDE_W - 1.0, 0.45 * (len(rows) + 1)),
            ["#", "journeys", "share", "conversion", "path"],
            rows,
            widths=[0.5, 1.1, 0.9, 1.2, 8.6],
            size=12,
        )


def _quality_slide(prs: Any, jmap: Any) -> None:
    slide = _blank(prs)
    _heading(slide, "Appendix: data quality", "what was read, used and left out")
    lines = [
        (line, 15, False, palette.INK)
        for line in (jmap.quality.lines() if jmap.quality else ["No data-quality report."])
    ]
    if jmap.mapping is not None:
        m = jmap.mapping
        used = ", ".join(
            f"{role}: {getattr(m, role)}"
            for role in ("case", "touchpoint", "timestamp", "channel", "journey", "outcome")
            if getattr(m, role)
        )
        lines.append((f"Columns used — {used}", 13, False, palette.MUTED))
    _text(slide, (0.6, 1.5, SLIDE_W - 1.2, SLIDE_H - 2.0), lines)
