"""The slide deck, the HTML report, ``export`` and maps rebuilt from ``mine --out``."""

from __future__ import annotations

import dataclasses
import io
import re
from types import SimpleNamespace

import pandas as pd
import pytest
from test_render_support import HOSTILE, hostile_jmap, shop_jmap

import journeymap as jm
from journeymap import render
from journeymap.errors import ParameterError


def _frictions(names: tuple[str, str]) -> tuple[jm.Friction, ...]:
    a, b = names
    return (
        jm.Friction(
            kind="loop",
            steps=(a,),
            journeys=6,
            share=0.19,
            severity=10.0,
            explanation=f"19% repeat {a}.",
            suggestion="Keep what they typed.",
            evidence={"extra_visits": 7, "rate": 0.19},
            rank=1,
        ),
        jm.Friction(
            kind="channel_switch",
            steps=(a, b),
            journeys=3,
            share=0.1,
            severity=5.0,
            explanation=f"10% go from {a} to {b}.",
            rank=2,
        ),
    )


def _slides_text(prs) -> list[str]:
    out = []
    for slide in prs.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
        out.append("\n".join(parts))
    return out


def test_deck_opens_with_the_expected_slides():
    from pptx import Presentation

    jmap = dataclasses.replace(shop_jmap(), frictions=_frictions(("Pay", "Call: payment")))
    data = render.deck_bytes(jmap)
    prs = Presentation(io.BytesIO(data))
    texts = _slides_text(prs)
    # title, map, glance, 2 frictions, variants, quality
    assert len(texts) == 7
    assert "Customer journey to “Order confirmed”" in texts[0]
    assert any(s.shape_type == 13 for s in prs.slides[1].shapes)  # the map is a picture
    assert "at a glance" in texts[2]
    assert "1. Loop: Pay" in texts[3] and "Keep what they typed." in texts[3]
    assert "extra_visits" in texts[3]
    assert "2. Channel switch: Pay → Call: payment" in texts[4]
    assert "most common paths" in texts[5] and "Home → Search → Product" in texts[5]
    assert "data quality" in texts[6] and "events read" in texts[6]
    assert round(prs.slide_width / 914400, 2) == 13.33


def test_deck_with_a_comparison_and_hostile_names():
    from pptx import Presentation

    jmap = dataclasses.replace(hostile_jmap(), frictions=_frictions((HOSTILE[0], HOSTILE[1])))
    comparison = SimpleNamespace(
        fitness=0.75,
        steps=pd.DataFrame({"stage": ["A"], "step": [HOSTILE[0]], "journeys": [10]}),
        extra=[HOSTILE[2]],
        edges=pd.DataFrame(columns=["source", "target", "status", "journeys"]),
        frictions=(),
    )
    prs = Presentation(io.BytesIO(render.deck_bytes(jmap, comparison)))
    texts = _slides_text(prs)
    assert any("Target versus actual" in t and "75%" in t for t in texts)
    assert any(HOSTILE[0] in t for t in texts)


def test_report_is_self_contained_and_escaped():
    jmap = dataclasses.replace(hostile_jmap(), frictions=_frictions((HOSTILE[0], HOSTILE[1])))
    page = render.report_html(jmap)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page, flags=re.I)
    assert "<script" not in page.lower()
    assert '"hello"' not in page and "&quot;hello&quot;" in page
    assert "&lt;script&gt;" in page and "C:\\path\\to\\form" in page
    assert page.count("data:image/png;base64,") == 2
    for section in (
        "Journey map",
        "Frictions",
        "Process map",
        "Steps",
        "Most common paths",
        "Data quality",
    ):
        assert f"<h2>{section}</h2>" in page


def test_export_writes_every_format_and_reads_mined_folders(tmp_path):
    from journeymap.cli import write_outputs

    jmap = shop_jmap()
    mined = tmp_path / "mined"
    write_outputs(jmap, mined)
    again = render.load_mined(mined)
    assert again.goal == jmap.goal
    pd.testing.assert_frame_equal(
        again.steps[["step", "journeys"]], jmap.steps[["step", "journeys"]], check_dtype=False
    )
    assert list(again.variants["path"].iloc[0]) == list(jmap.variants["path"].iloc[0])
    assert again.outcome_counts() == jmap.outcome_counts()
    paths = render.export(
        again, tmp_path / "out", formats=["png", "svg", "pdf", "pptx", "html", "dot"], dpi=60
    )
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            "journey_map.png",
            "journey_map.svg",
            "journey_map.pdf",
            "process_map.dot",
            "process_map.svg",
            "process_map.png",
            "journey_deck.pptx",
            "journey_report.html",
        ]
    )
    assert all(p.stat().st_size > 500 for p in paths)
    with pytest.raises(ParameterError, match="'formats' parameter of export"):
        render.export(again, tmp_path / "x", formats=["gif"])
    with pytest.raises(FileNotFoundError, match="not a 'journeymap mine --out' folder"):
        render.load_mined(tmp_path / "out")


def test_load_mined_keeps_names_that_look_missing(tmp_path):
    from journeymap.cli import write_outputs

    log = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b"],
            "touchpoint": ["NA", "null", "NA", "Done"],
            "timestamp": pd.date_range("2025-01-01", periods=4, freq="h"),
        }
    )
    jmap = jm.mine(jm.read_log(log), goal="Done", horizon="1m")
    write_outputs(jmap, tmp_path)
    again = render.load_mined(tmp_path)
    assert sorted(again.steps["step"]) == ["Done", "NA", "null"]


def test_report_comparison_table_with_clashing_column_names():
    comparison = SimpleNamespace(
        fitness=float("nan"),
        dfg_fitness=0.5,
        steps=pd.DataFrame(
            {
                "step": ["Pay"],
                "stage": ["Buy"],
                "skipped": [3],
                "skipped_rate": [0.1],
                "taken_rate": [0.9],
            }
        ),
        extra=pd.DataFrame({"touchpoint": ["Call: payment"], "journeys": [3]}),
        edges=pd.DataFrame(
            {
                "source": ["Pay"],
                "target": ["Call: payment"],
                "status": ["taken-not-designed"],
                "journeys": [3],
            }
        ),
        frictions=(),
    )
    page = render.report_html(shop_jmap(), comparison)
    assert "Target versus actual" in page and "50%" in page and "Call: payment" in page
