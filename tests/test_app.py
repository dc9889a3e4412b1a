"""The Streamlit app, driven without a browser (``streamlit.testing.v1.AppTest``).

Every page runs without an exception, and the figures it shows are the package's own: the app
is checked against ``journeymap`` called directly on the same file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import journeymap as jm

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGES = ("data", "journey_map", "frictions", "target", "variants", "segments", "export")


def shop_frame(customers: int = 120, seed: int = 3) -> pd.DataFrame:
    """A small shop log with a channel, a segment and a device column."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(customers):
        segment = "new" if c % 3 else "loyal"
        device = "mobile" if c % 2 else "desktop"
        t = pd.Timestamp("2025-03-01") + pd.Timedelta(minutes=int(rng.integers(0, 60 * 24 * 60)))
        path = ["Home page", "Search", "View product"]
        if rng.random() < 0.3:
            path += ["Search", "View product"]
        path += ["Add to cart"]
        if rng.random() < 0.25:
            path += ["Call: delivery question"]
        path += ["Checkout", "Payment"]
        if rng.random() < 0.75:
            path += ["Order confirmed"]
        if rng.random() < 0.3:
            path = path[: int(rng.integers(1, len(path)))]
        for tp in path:
            t += pd.Timedelta(seconds=int(rng.integers(20, 900)))
            channel = "phone" if tp.startswith("Call") else ("app" if device == "mobile" else "web")
            rows.append((f"c{c:04d}", tp, t.isoformat(), channel, segment, device))
    columns = ["customer_id", "touchpoint", "timestamp", "channel", "segment", "device"]
    return pd.DataFrame(rows, columns=columns)


@pytest.fixture(scope="module")
def shop_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logs") / "shop.csv"
    shop_frame().to_csv(path, index=False)
    return path


def new_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60).run()


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"journeymap/app/{page}.py").run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, path: Path, data: bytes | None = None) -> AppTest:
    go(at, "data")
    at.radio(key="source_kind").set_value("Your file").run()
    content = path.read_bytes() if data is None else data
    at.file_uploader(key="upload").set_value((path.name, content, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def graph_source(at: AppTest) -> str:
    charts = at.get("graphviz_chart")
    assert charts, "no process map drawn"
    return charts[0].proto.spec


def texts(elements: Any) -> list[str]:
    return [str(e.value) for e in elements]


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return values[0]


def test_upload_shows_the_quality_report(shop_csv: Path) -> None:
    at = upload(new_app(), shop_csv)
    log = jm.read_log(shop_csv)
    assert not at.error, texts(at.error)
    assert metric(at, "Events read") == f"{log.quality.events_read:,}"
    assert metric(at, "Journeys") == f"{log.quality.journeys:,}"
    assert metric(at, "Touchpoints") == f"{log.quality.touchpoints:,}"
    # the package's guesses are preselected
    assert at.selectbox(key="col_case").value == "customer_id"
    assert at.selectbox(key="col_channel").value == "channel"


def test_goal_set_and_figures_agree_with_the_package(shop_csv: Path) -> None:
    at = upload(new_app(), shop_csv)
    at.multiselect(key="goal").set_value(["Order confirmed"]).run()
    assert not at.exception
    go(at, "journey_map")
    expected = jm.mine(jm.read_log(shop_csv), goal="Order confirmed")
    # the steps table is the package's table, to the last digit
    pd.testing.assert_frame_equal(at.dataframe[0].value.reset_index(drop=True), expected.steps)
    dot = graph_source(at)
    for step in expected.steps["step"]:
        assert step in dot


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_uploaded_log(shop_csv: Path, page: str) -> None:
    at = upload(new_app(), shop_csv)
    at.multiselect(key="goal").set_value(["Order confirmed"]).run()
    go(at, page)
    assert not at.error, texts(at.error)
    assert at.title and at.title[0].value


def test_bad_file_gets_the_package_message(tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("foo,bar\n1,2\n")
    at = upload(new_app(), bad)
    assert at.error, "no message for a log without usable columns"
    message = at.error[0].value
    assert "notes.csv" in message and "customer" in message
    assert "Traceback" not in message and "/journeymap-app/" not in message
    go(at, "journey_map")
    assert at.error and "notes.csv" in at.error[0].value


def test_binary_garbage_gets_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "log.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    at = upload(new_app(), bad)
    assert at.error and "log.parquet" in at.error[0].value


def test_columns_mapped_by_hand(tmp_path: Path) -> None:
    frame = shop_frame(customers=40).rename(
        columns={"customer_id": "who", "touchpoint": "what", "timestamp": "at"}
    )
    path = tmp_path / "odd_names.csv"
    frame.to_csv(path, index=False)
    at = upload(new_app(), path)
    assert at.warning, "the package's reason for not guessing is shown"
    at.selectbox(key="col_case").set_value("who").run()
    at.selectbox(key="col_touchpoint").set_value("what").run()
    at.selectbox(key="col_timestamp").set_value("at").run()
    assert not at.exception and not at.error, texts(at.error)
    log = jm.read_log(path, case="who", touchpoint="what", timestamp="at")
    assert metric(at, "Journeys") == f"{log.quality.journeys:,}"


def test_filter_changed_keeps_the_packages_count(shop_csv: Path) -> None:
    at = upload(new_app(), shop_csv)
    at.multiselect(key="f_channels").set_value(["phone"]).run()
    assert not at.exception
    filtered = jm.filter_log(jm.read_log(shop_csv), channels=["phone"])
    total = jm.read_log(shop_csv).quality.journeys
    summary = " ".join(texts(at.sidebar.info))
    assert f"{filtered.quality.journeys:,}** of {total:,}" in summary
    # the filter holds on every page, and shows in the quality report's counts
    go(at, "variants")
    go(at, "data")
    assert at.multiselect(key="f_channels").value == ["phone"]


def test_attribute_filter_and_segments(shop_csv: Path) -> None:
    at = upload(new_app(), shop_csv)
    at.multiselect(key="f_attr_cols").set_value(["device"]).run()
    at.multiselect(key="f_attr::device").set_value(["mobile"]).run()
    assert not at.exception
    log = jm.read_log(shop_csv)
    mobile = jm.filter_log(log, attributes={"device": ["mobile"]})
    assert f"{mobile.quality.journeys:,}**" in " ".join(texts(at.sidebar.info))
    at.button(key="clear_filters").click().run()
    go(at, "segments")
    assert at.selectbox(key="seg_column").value == "segment"
    new = jm.filter_log(log, attributes={"segment": ["new"]})
    assert f"{new.quality.journeys:,}" in texts(at.metric)


def test_theme_is_the_same_for_both_ways_of_starting() -> None:
    from journeymap.app.theme import SERVER, THEME

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["theme"] == THEME
    for section, options in SERVER.items():
        for key, value in options.items():
            assert config[section][key] == value, (section, key)


def test_cli_app_starts_streamlit_on_the_installed_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from journeymap import cli
    from journeymap.app import ENTRY

    seen: dict[str, list[str]] = {}

    class FakePopen:
        def __init__(self, command: list[str]) -> None:
            seen["command"] = command

        def __enter__(self) -> FakePopen:
            return self

        def __exit__(self, *args: object) -> None:
            return None

        def wait(self) -> int:
            return 0

    monkeypatch.setattr("subprocess.Popen", FakePopen)
    result = CliRunner().invoke(cli.app, ["app", "--headless", "--port", "8599"])
    assert result.exit_code == 0, result.output
    command = seen["command"]
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4] == str(ENTRY)
    assert "--server.port=8599" in command and "--server.headless=true" in command
    assert "--browser.gatherUsageStats=false" in command
    assert ENTRY.exists()
