"""The self-contained HTML report: one file, images inlined, no network, every name escaped.

Sections: headline and key figures, the journey map, the frictions, target versus actual
(when compared), the process map, the steps, the top variants and the data quality.
"""

from __future__ import annotations

import base64
import html
from typing import Any

import pandas as pd

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

__all__ = ["report_html"]

_CSS = f"""
body {{ font-family: "DejaVu Sans", Verdana, sans-serif; color: {palette.INK}; margin: 0;
       background: #fff; line-height: 1.45; }}
main {{ max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }}
h1 {{ font-size: 2.1em; margin: 0.2em 0 0.1em; }}
h2 {{ font-size: 1.45em; margin-top: 1.8em; border-bottom: 2px solid {palette.INK};
      padding-bottom: 4px; }}
.sub {{ color: {palette.MUTED}; font-size: 1.05em; }}
img {{ max-width: 100%; height: auto; border: 1px solid {palette.RULE}; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.92em; margin: 0.6em 0; }}
th, td {{ text-align: left; padding: 5px 8px; border-bottom: 1px solid {palette.RULE};
          vertical-align: top; }}
th {{ background: {palette.INK}; color: #fff; font-weight: bold; }}
td.n, th.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
.friction {{ border-left: 6px solid {palette.FRICTION}; padding: 6px 14px; margin: 14px 0;
             background: #FBF4EF; }}
.friction h3 {{ margin: 0.2em 0; font-size: 1.15em; }}
.badge {{ display: inline-block; min-width: 1.6em; text-align: center; border-radius: 1em;
          background: {palette.FRICTION}; color: #fff; font-weight: bold; margin-right: 6px; }}
.figures {{ color: {palette.MUTED}; }}
.try {{ font-weight: bold; }}
.kpis {{ display: flex; flex-wrap: wrap; gap: 14px; margin: 16px 0; }}
.kpi {{ border: 1px solid {palette.RULE}; border-radius: 8px; padding: 10px 16px;
        min-width: 150px; }}
.kpi b {{ display: block; font-size: 1.6em; }}
.status-designed-not-taken {{ color: {palette.MUTED}; }}
.status-taken-not-designed {{ color: {palette.NOT_DESIGNED}; font-weight: bold; }}
@media print {{ main {{ max-width: none; padding: 0; }} h2 {{ break-before: page; }}
               .friction {{ break-inside: avoid; }} }}
"""


def _e(value: Any) -> str:
    """Escape any value for HTML text or attributes."""
    return html.escape(clean(value), quote=True)


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _table(frame: pd.DataFrame, formats: dict[str, Any]) -> str:
    """An HTML table of the columns named in ``formats`` (column -> formatter)."""
    cols = [c for c in formats if c in frame.columns]
    numeric = {c for c in cols if pd.api.types.is_numeric_dtype(frame[c])}
    head = "".join(f'<th class="{"n" if c in numeric else ""}">{_e(c)}</th>' for c in cols)
    body = []
    for row in frame[cols].itertuples(index=False):
        cells = "".join(
            f'<td class="{"n" if c in numeric else ""}">{_e(formats[c](v))}</td>'
            for c, v in zip(cols, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _num(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.3g}" if v == v else "–"
    if isinstance(v, int):
        return f"{v:,}"
    return clean(v)


def report_html(
    jmap: Any,
    comparison: Any = None,
    *,
    target: Any = None,
    title: str | None = None,
    top_variants: int = 15,
    max_frictions: int = 10,
) -> str:
    """The report as one HTML document (a string): images are inlined PNGs, nothing is fetched.

    Parameters:
        jmap: a :class:`journeymap.JourneyMap`.
        comparison: ``jmap.compare(target)``; adds the target-versus-actual section.
        target: the designed journey (names the stages; compared when no comparison is given).
        title: the report's headline (default: the target's name or the goal).
        top_variants: rows of the variants table.
        max_frictions: frictions listed.
    """
    from journeymap.render.canvas import journey_map
    from journeymap.render.output import figure_bytes
    from journeymap.render.process_map import process_map_png

    if comparison is None and target is not None and hasattr(jmap, "compare"):
        comparison = jmap.compare(target)
    heading = headline(jmap, target, title)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(heading)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(heading)}</h1>",
        f'<p class="sub">{" · ".join(_e(p) for p in summary_parts(jmap, comparison))}</p>',
        _kpis(jmap, comparison),
        "<h2>Journey map</h2>",
        _img(
            figure_bytes(
                journey_map(jmap, target, comparison=comparison, size="a3", title=title),
                "png",
                dpi=110,
            ),
            "Journey map",
        ),
    ]
    parts += _frictions(frictions_of(jmap, comparison), max_frictions)
    if comparison is not None:
        parts += _comparison(comparison)
    color_by = "effort"
    parts += [
        "<h2>Process map</h2>",
        '<p class="sub">Every step and transition; colour: effort, line width: journeys.</p>',
        _img(
            process_map_png(
                jmap,
                coverage=1.0 if len(jmap.steps) <= 40 else 0.9,
                color_by=color_by,
                comparison=comparison,
                dpi=90,
            ),
            "Process map",
        ),
        "<h2>Steps</h2>",
        _table(
            jmap.steps,
            {
                "step": clean,
                "channel": clean,
                "journeys": _num,
                "reach": fmt_pct,
                "visits_per_journey": _num,
                "median_dwell_s": fmt_duration,
                "effort_score": _num,
                "exit_rate": fmt_pct,
                "dropoff_score": _num,
            },
        ),
        "<h2>Most common paths</h2>",
        f'<p class="sub">Top {min(top_variants, len(jmap.variants))} of '
        f"{fmt_count(jmap.variant_count or len(jmap.variants))} distinct paths.</p>",
        _table(
            _variants_frame(jmap.variants.head(top_variants)),
            {
                "variant": _num,
                "journeys": _num,
                "share": lambda v: fmt_pct(v, 1),
                "conversion_rate": fmt_pct,
                "median_duration_s": fmt_duration,
                "path": clean,
            },
        ),
        "<h2>Data quality</h2>",
        "<ul>"
        + "".join(
            f"<li>{_e(line)}</li>"
            for line in (jmap.quality.lines() if jmap.quality else ["No data-quality report."])
        )
        + "</ul>",
        '<p class="sub">Made with journeymap from the touchpoint log; every figure comes from '
        "the mined tables.</p>",
        "</main></body></html>",
    ]
    return "\n".join(parts)


def _variants_frame(variants: pd.DataFrame) -> pd.DataFrame:
    frame = variants.copy()
    if "path" in frame:
        frame["path"] = frame["path"].map(
            lambda p: " → ".join(clean(s) for s in p) if isinstance(p, list | tuple) else clean(p)
        )
    return frame


def _kpis(jmap: Any, comparison: Any) -> str:
    outcomes = jmap.outcome_counts()
    total = sum(outcomes.values())
    items = [("journeys", fmt_count(total))]
    for outcome in ("converted", "dropped", "open", "completed"):
        if outcome in outcomes and total:
            items.append((outcome, fmt_pct(outcomes[outcome] / total)))
    items.append(("distinct paths", fmt_count(jmap.variant_count or len(jmap.variants))))
    fitness = comparison_fitness(comparison)
    if fitness is not None:
        items.append(("fit with the design", fmt_pct(fitness)))
    frictions = frictions_of(jmap, comparison)
    items.append(("frictions found", fmt_count(len(frictions))))
    cells = "".join(f'<div class="kpi"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in items)
    return f'<div class="kpis">{cells}</div>'


def _frictions(frictions: tuple[Any, ...], limit: int) -> list[str]:
    out = ["<h2>Frictions</h2>"]
    if not frictions:
        return [*out, '<p class="sub">No frictions found in this map.</p>']
    for k, f in enumerate(frictions[:limit], start=1):
        rank = getattr(f, "rank", 0) or k
        evidence = ", ".join(f"{_e(key)}: {_e(_num(v))}" for key, v in dict(f.evidence).items())
        out.append(
            '<div class="friction">'
            f'<h3><span class="badge">{rank}</span>{_e(friction_title(f))}</h3>'
            f'<div class="figures">{_e(friction_figures(f))}'
            + (f" · stage: {_e(f.stage)}" if f.stage else "")
            + "</div>"
            f"<p>{_e(f.explanation)}</p>"
            + (f'<p><span class="try">Try:</span> {_e(f.suggestion)}</p>' if f.suggestion else "")
            + (f'<p class="figures">Evidence — {evidence}</p>' if evidence else "")
            + "</div>"
        )
    if len(frictions) > limit:
        out.append(f'<p class="sub">{len(frictions) - limit} more frictions not listed.</p>')
    return out


def _comparison(comparison: Any) -> list[str]:
    from journeymap.render.deck import COMPARISON_COLUMNS, extra_names

    fitness = comparison_fitness(comparison)
    out = ["<h2>Target versus actual</h2>"]
    if fitness is not None:
        out.append(f'<p class="sub">Fit with the designed journey: {_e(fmt_pct(fitness))}.</p>')
    for note in getattr(comparison, "notes", ()) or ():
        out.append(f'<p class="sub">{_e(note)}</p>')
    steps = getattr(comparison, "steps", None)
    if isinstance(steps, pd.DataFrame) and not steps.empty:
        picked = [c for c in COMPARISON_COLUMNS if c in steps.columns]
        shown = steps[picked].rename(columns={k: v[0] for k, v in COMPARISON_COLUMNS.items()})
        formats = {v[0]: v[1] for k, v in COMPARISON_COLUMNS.items() if k in steps.columns}
        out += ["<h3>Designed steps</h3>", _table(shown, formats)]
    names = extra_names(comparison)
    if names:
        out.append("<h3>Taken but not designed</h3>")
        out.append(
            "<p>"
            + ", ".join(f'<span class="status-taken-not-designed">{_e(n)}</span>' for n in names)
            + "</p>"
        )
    edges = getattr(comparison, "edges", None)
    if isinstance(edges, pd.DataFrame) and not edges.empty:
        cols = [c for c in ("source", "target", "status", "journeys") if c in edges.columns]
        out += [
            "<h3>Transitions against the design</h3>",
            _table(edges[cols], {c: _num for c in cols}),
        ]
    return out
