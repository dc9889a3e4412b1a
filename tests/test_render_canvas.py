"""The journey-map canvas: sizes, formats, content and hostile names."""

from __future__ import annotations

import dataclasses
import io
import re
from types import SimpleNamespace

import pytest
from test_render_support import HOSTILE, hostile_jmap, shop_jmap

import journeymap as jm
from journeymap import render
from journeymap.errors import ParameterError
from journeymap.render._text import clean
from journeymap.render.stages import plan_map


def _frictions():
    return (
        jm.Friction(
            kind="loop",
            steps=("Pay",),
            journeys=6,
            share=0.19,
            severity=10.0,
            explanation="19% pay twice.",
            suggestion="Keep the card details.",
            rank=1,
        ),
        jm.Friction(
            kind="dropoff",
            steps=("Cart",),
            journeys=5,
            share=0.16,
            severity=8.0,
            explanation="16% stop at the cart.",
            rank=2,
        ),
    )


def _png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def _non_blank(data: bytes) -> bool:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        colours = image.convert("L").getextrema()
    return colours[0] < 100 and colours[1] > 200


def _svg_text(svg: str) -> str:
    import html

    return re.sub(r"\s", "", "".join(html.unescape(t) for t in re.findall(r">([^<]*)</text>", svg)))


@pytest.mark.parametrize(("size", "pixels"), [("a3", (1654, 1169)), ("16:9", (1333, 750))])
def test_png_has_the_requested_size_and_is_not_blank(size, pixels):
    fig = render.journey_map(shop_jmap(), size=size)
    png = render.figure_bytes(fig, "png", dpi=100)
    assert _png_size(png) == pixels
    assert _non_blank(png)


def test_svg_names_every_stage_step_and_friction():
    jmap = dataclasses.replace(shop_jmap(), frictions=_frictions())
    svg = render.figure_bytes(render.journey_map(jmap), "svg").decode()
    text = _svg_text(svg)
    plan = plan_map(jmap)
    assert len(plan.stages) >= 3
    for stage in plan.stages:
        assert stage.name.replace(" ", "") in text
    for step in plan.steps:
        assert step.name.replace(" ", "") in text
    assert "Loop:Pay" in text and "Drop-offhotspot:Cart" in text and "Try:Keepthecard" in text


def test_pdf_and_hostile_names():
    fig = render.journey_map(hostile_jmap(), size="16:9", max_steps=10)
    assert render.figure_bytes(fig, "pdf")[:5] == b"%PDF-"
    svg = render.figure_bytes(fig, "svg").decode()
    assert "<script>" not in svg
    text = _svg_text(svg)
    for name in HOSTILE:
        assert re.sub(r"\s", "", clean(name)) in text, name


def test_target_stages_greyed_and_not_designed_steps():
    step = SimpleNamespace
    target = SimpleNamespace(
        name="Online order",
        stages=[
            SimpleNamespace(name="Discover", steps=[step(touchpoint="Home", channel="web")]),
            SimpleNamespace(
                name="Choose",
                steps=[
                    step(touchpoint="Product", channel="web"),
                    step(touchpoint="Compare", channel="web", optional=True),
                ],
            ),
            SimpleNamespace(
                name="Buy",
                steps=[
                    step(touchpoint="Cart", channel="web"),
                    step(touchpoint="Pay"),
                    step(touchpoint="Order confirmed"),
                ],
            ),
        ],
    )
    plan = plan_map(shop_jmap(), target, max_steps=12)
    assert [s.name for s in plan.stages] == ["Discover", "Choose", "Buy"]
    status = {s.name: s.status for s in plan.steps}
    assert status["Compare"] == "not_taken"
    assert status["Search"] == "not_designed" and status["Call: payment"] == "not_designed"
    names = [s.name for s in plan.steps]
    assert names.index("Call: payment") > names.index("Pay")
    svg = render.figure_bytes(render.journey_map(shop_jmap(), target), "svg").decode()
    text = _svg_text(svg)
    assert "Customerjourney:Onlineorder" in text
    assert "designed·nottaken" in text and "notdesigned" in text


def test_bad_size():
    with pytest.raises(ParameterError, match="'size' parameter"):
        render.journey_map(shop_jmap(), size="a0")
