"""The app in a real browser: upload a log, move through every page, check the map really drew.

Starts ``streamlit run app.py`` on a free localhost port and drives Debian's Chromium with
Playwright. Screenshots go to ``tests/artifacts/`` (kept by CI, ignored by git). Skipped, with
the reason, when Chromium or the playwright package is missing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    missing_requirement,
    streamlit_server,
)

REASON = missing_requirement()
pytestmark = pytest.mark.skipif(REASON is not None, reason=str(REASON))

SAMPLE = ROOT / "sample_logs" / "online_shop.csv"
TIMEOUT_MS = 30_000
GRAPH = "[data-testid='stGraphVizChart'] svg g.node"
# page -> an element that shows the page has drawn its content
READY = {
    "Frictions": "[data-testid='stMetric']:has-text('Journeys hit')",
    "Target vs actual": "[data-testid='stImage'] img",
    "Variants & journeys": "[data-testid='stVegaLiteChart'] :is(canvas, svg)",
    "Segments": "[data-testid='stMetric']:has-text('Converted')",
    "Export": "[data-testid='stDownloadButton']",
}


def log_to_upload(tmp_path: Path) -> tuple[Path, str]:
    """The bundled online-shop sample (or a generated shop log) and its goal."""
    if SAMPLE.exists():
        return SAMPLE, "Order confirmed"
    from test_app import shop_frame

    path = tmp_path / "shop.csv"
    shop_frame(customers=200).to_csv(path, index=False)
    return path, "Order confirmed"


def test_upload_and_every_page_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    import journeymap as jm

    expect.set_options(timeout=TIMEOUT_MS)
    log_path, goal = log_to_upload(tmp_path)
    touchpoints = set(jm.attribute_values(jm.read_log(log_path), "touchpoint", limit=None)["value"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []

    with (
        streamlit_server(ROOT / "app.py", log=ARTIFACTS / "streamlit.log") as url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1600})
            page.set_default_timeout(TIMEOUT_MS)
            page.on(
                "request",
                lambda r: outside.append(r.url) if not r.url.startswith((url, "data:")) else None,
            )

            def shot(name: str) -> None:
                page.wait_for_timeout(400)  # let charts finish their transitions
                page.screenshot(path=str(ARTIFACTS / f"app_{name}.png"))

            def open_page(title: str, ready: str) -> None:
                page.locator("[data-testid='stTopNavLink']", has_text=title).first.click()
                expect(page.locator("h1", has_text=title).first).to_be_visible()
                expect(page.locator(ready).first).to_be_visible()
                wait_idle(page)
                assert page.locator("[data-testid='stException']").count() == 0, title

            page.goto(f"{url}/data")
            expect(page.locator("h1", has_text="Data")).to_be_visible()
            page.get_by_text("Your file", exact=True).click()
            page.locator("input[type='file']").first.set_input_files(str(log_path))
            expect(page.get_by_text("Events read")).to_be_visible()
            wait_idle(page)
            choose(page, "Goal", goal)
            expect(page.get_by_text("Journeys by outcome")).to_be_visible()
            shot("1_data")

            open_page("Journey map", GRAPH)
            nodes = page.locator(GRAPH)
            expect(nodes.first).to_be_visible()
            labels = {
                re.sub(r"\s+", " ", " ".join(node.locator("text").all_text_contents()))
                for node in nodes.all()
            }
            drawn = {tp for tp in touchpoints if any(label.startswith(tp) for label in labels)}
            assert drawn == touchpoints, f"not drawn: {touchpoints - drawn}; labels: {labels}"
            assert page.locator("[data-testid='stGraphVizChart'] svg g.edge").count() >= len(
                touchpoints
            )
            shot("2_journey_map")

            for i, (title, ready) in enumerate(READY.items(), start=3):
                open_page(title, ready)
                shot(f"{i}_{title.split()[0].lower()}")

            # a download is made when clicked: the deck arrives as a PowerPoint file
            with page.expect_download(timeout=TIMEOUT_MS) as info:
                page.get_by_role("button", name="Slide deck (PowerPoint)").click()
            deck = ARTIFACTS / info.value.suggested_filename
            info.value.save_as(deck)
            assert deck.suffix == ".pptx" and deck.read_bytes()[:2] == b"PK"

            # the presentation view, from the Export page, on a projector-sized screen
            page.set_viewport_size({"width": 1920, "height": 1080})
            page.locator("[data-testid='stPageLink']", has_text="Present the findings").click()
            expect(page.locator(".jm-position", has_text="Start")).to_be_visible()
            expect(page.locator("[data-testid='stImage'] img").first).to_be_visible()
            wait_idle(page)
            assert page.locator("[data-testid='stSidebar']").is_hidden()
            shot("8_present_title")
            page.get_by_role("button", name="Next").click()
            expect(page.locator(".jm-position", has_text="1 of")).to_be_visible()
            expect(page.locator(".jm-kicker .jm-rank", has_text="#1")).to_be_visible()
            expect(page.locator(GRAPH).first).to_be_visible()
            wait_idle(page)
            assert page.locator("[data-testid='stException']").count() == 0
            shot("9_present_friction")
        finally:
            browser.close()

    assert not outside, f"the app fetched from outside localhost: {outside[:5]}"


def wait_idle(page: Any) -> None:
    """Wait until Streamlit has finished rerunning: no "running" widget for a second."""
    running = page.locator("[data-testid='stStatusWidget']")
    quiet = 0
    for _ in range(TIMEOUT_MS // 250):
        quiet = quiet + 1 if running.count() == 0 else 0
        if quiet >= 4:
            return
        page.wait_for_timeout(250)
    raise AssertionError("the app kept running")


def choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the multiselect labelled ``label`` (unless it is chosen already)."""
    box = page.locator("[data-testid='stMultiSelect']", has_text=label).first
    if option in box.inner_text():
        return
    box.locator("input").click()
    page.keyboard.type(option)
    page.locator("[role='option']", has_text=option).first.click()
    page.keyboard.press("Escape")
    wait_idle(page)
