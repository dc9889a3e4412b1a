"""The process map: DOT text, and SVG/PNG through Graphviz or the built-in layout."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from types import SimpleNamespace

import pandas as pd
import pytest
from test_render_support import HOSTILE, hostile_jmap, shop_jmap

from journeymap import render
from journeymap.errors import ParameterError
from journeymap.render._text import clean

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")


def test_dot_has_every_step_start_end_and_widths():
    jmap = shop_jmap()
    dot = render.process_map_dot(jmap, color_by="frequency")
    assert dot.startswith("digraph journey {") and dot.rstrip().endswith("}")
    for step in jmap.steps["step"]:
        assert f"<B>{step}</B>" in dot or f">{step}<" in dot
    assert "start ->" in dot and "-> end" in dot
    assert "peripheries=2" in dot  # the goal
    widths = [float(w) for w in re.findall(r"penwidth=([\d.]+), color", dot)]
    assert max(widths) == 8.0 and min(widths) >= 1.0


def test_dot_colour_by_each_score_and_bad_choice():
    jmap = shop_jmap()
    fills = {
        c: re.findall(r'fillcolor="(#[0-9a-fA-F]{6})"', render.process_map_dot(jmap, color_by=c))
        for c in ("effort", "dropoff", "frequency")
    }
    assert all(len(set(v)) > 1 for v in fills.values())
    with pytest.raises(ParameterError, match="'color_by' parameter of process_map_dot"):
        render.process_map_dot(jmap, color_by="effrot")
    with pytest.raises(ParameterError, match="coverage"):
        render.process_map_dot(jmap, coverage=0)


def test_coverage_keeps_the_most_frequent_paths():
    jmap = shop_jmap()
    full = render.process_map_dot(jmap)
    small = render.process_map_dot(jmap, coverage=0.3)
    assert "Call: payment" in full and "Call: payment" not in small
    assert "Home" in small and "covering" in small


def test_hostile_names_are_escaped_in_dot():
    dot = render.process_map_dot(hostile_jmap())
    labels = "".join(re.findall(r"label=<(.*?)>,", dot))
    assert "<script>" not in labels and "&lt;script&gt;" in labels
    assert "Say &quot;hello&quot; &amp; wave" in dot
    # Quoted attributes (tooltips) stay balanced: every line's quotes pair up after escapes.
    for line in dot.splitlines():
        assert line.replace("\\\\", "").replace('\\"', "").count('"') % 2 == 0, line
    # Node ids never carry names.
    ids = re.findall(r"^\s+(\S+) \[", dot, flags=re.M)
    assert all(re.fullmatch(r"[nd]\d+|start|end|graph|node|edge", i) for i in ids)


def test_comparison_overlay_labels_edges():
    jmap = shop_jmap()
    edges = pd.DataFrame(
        {
            "source": ["Home", "Product", "Pay", "Cart"],
            "target": ["Search", "Cart", "Call: payment", "Review order"],
            "status": [
                "designed-and-taken",
                "designed-and-taken",
                "taken-not-designed",
                "designed-not-taken",
            ],
            "journeys": [21, 28, 3, 0],
        }
    )
    comparison = SimpleNamespace(edges=edges, extra=["Call: payment"])
    dot = render.process_map_dot(jmap, comparison=comparison)
    assert "designed, not taken" in dot and "not designed" in dot
    assert "Review order" in dot and "style=dotted" in dot and "style=dashed" in dot


@needs_dot
def test_graphviz_draws_hostile_names():
    jmap = hostile_jmap()
    svg = render.process_map_svg(jmap, engine="graphviz")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<script>" not in svg
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    shown = "".join(html.unescape(t) for t in texts).replace(" ", "")
    for name in HOSTILE:
        assert re.sub(r"\s", "", clean(name)) in shown, name
    png = render.process_map_png(jmap, engine="graphviz")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    done = subprocess.run(
        ["dot", "-Tsvg"],
        input=render.process_map_dot(jmap).encode(),
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr, done.stderr


def test_python_layout_draws_without_graphviz(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert not render.graphviz_available()
    jmap = hostile_jmap()
    svg = render.process_map_svg(jmap)
    assert "<svg" in svg and "<script>" not in svg
    texts = "".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    shown = re.sub(r"\s", "", texts)
    for name in HOSTILE:
        assert re.sub(r"\s", "", clean(name)) in shown, name
    png = render.process_map_png(jmap, dpi=50)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(render.RenderError, match="not installed"):
        render.process_map_svg(jmap, engine="graphviz")


def test_layered_layout_breaks_cycles_and_orders_columns():
    from journeymap.render.layout import layered_layout

    nodes = ["start", "a", "b", "c", "end"]
    edges = [
        ("start", "a", 5),
        ("a", "b", 5),
        ("b", "a", 2),
        ("b", "c", 3),
        ("c", "end", 3),
        ("a", "end", 1),
        ("b", "b", 1),
    ]
    where = layered_layout(nodes, edges, first="start")
    assert [where[n][0] for n in nodes] == [0, 1, 2, 3, 4]
