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
SAMPLE = ROOT / "sample_logs" / "online_shop.csv"
SAMPLE_TARGET = ROOT / "sample_logs" / "online_shop.target.yaml"
needs_samples = pytest.mark.skipif(
    not SAMPLE.exists(), reason="sample_logs/ not generated (journeymap samples)"
)
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
    tables = [d.value for d in at.dataframe if list(d.value.columns) == list(expected.steps)]
    assert tables, "no steps table"
    pd.testing.assert_frame_equal(tables[0].reset_index(drop=True), expected.steps)
    dot = graph_source(at)
    for step in expected.steps["step"]:
        assert step in dot


def test_every_page_runs_on_an_uploaded_log(shop_csv: Path) -> None:
    at = upload(new_app(), shop_csv)
    at.multiselect(key="goal").set_value(["Order confirmed"]).run()
    for page in PAGES:
        go(at, page)
        assert not at.error, (page, texts(at.error))
        assert at.title and at.title[0].value, page


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
    at.date_input(key="f_start").set_value(pd.Timestamp("2025-04-01").date()).run()
    april = jm.filter_log(log, start="2025-04-01")
    assert f"{april.quality.journeys:,}**" in " ".join(texts(at.sidebar.info))
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


# ---------------------------------------------------------------- the bundled sample


@pytest.fixture(scope="module")
def sample_map() -> jm.JourneyMap:
    return jm.mine(jm.read_log(SAMPLE), goal="Order confirmed")


@needs_samples
def test_opens_on_the_sample_journey_map(sample_map: jm.JourneyMap) -> None:
    at = new_app()
    assert not at.exception, at.exception
    assert at.title[0].value == "Journey map"
    assert "online_shop.csv" in " ".join(texts(at.sidebar.caption))
    tables = [d.value for d in at.dataframe if list(d.value.columns) == list(sample_map.steps)]
    pd.testing.assert_frame_equal(tables[0].reset_index(drop=True), sample_map.steps)
    dot = graph_source(at)
    for step in sample_map.steps["step"].head(8):
        assert step in dot
    # picking a step shows its figures, from the package
    at.selectbox(key="step").set_value("Checkout: delivery").run()
    row = sample_map.steps.set_index("step").loc["Checkout: delivery"]
    assert metric(at, "Journeys") == f"{row['journeys']:,}"
    assert metric(at, "Exit rate") == f"{row['exit_rate']:.1%}"
    at.segmented_control(key="color_by").set_value("dropoff").run()
    at.slider(key="coverage").set_value(50).run()
    assert not at.exception and graph_source(at) != dot


@needs_samples
def test_another_sample_chosen() -> None:
    from journeymap.samples import SAMPLES

    at = go(new_app(), "data")
    at.selectbox(key="sample").set_value("telecom_support").run()
    assert not at.exception and not at.error, texts(at.error)
    log = jm.read_log(ROOT / "sample_logs" / "telecom_support.csv")
    assert metric(at, "Journeys") == f"{log.quality.journeys:,}"
    goal = SAMPLES["telecom_support"].goal
    assert at.multiselect(key="goal").value == ([goal] if isinstance(goal, str) else list(goal))
    assert at.session_state["target"] is not None  # the sample's design came with it


@needs_samples
def test_target_compared_edited_and_downloaded(sample_map: jm.JourneyMap) -> None:
    from journeymap.model.target import TargetJourney

    at = go(new_app(), "target")
    assert not at.error, texts(at.error)
    expected = sample_map.compare(TargetJourney.from_yaml(SAMPLE_TARGET))
    assert metric(at, "Fitness") == f"{expected.fitness:.0%}"
    assert metric(at, "Deviations found") == f"{len(expected.frictions):,}"
    assert at.get("image"), "the journey-map canvas is drawn"
    assert len(at.get("graphviz_chart")) == 1, "the overlay is drawn"

    version = at.session_state["target_version"]
    rows = at.session_state["target_rows"]
    product = int(rows.index[rows["touchpoint"] == "Product page"][0])
    reviews = int(rows.index[rows["touchpoint"] == "Product reviews"][0])
    at.session_state[f"target_editor_{version}"] = {
        "edited_rows": {product: {"optional": True}},
        "added_rows": [{"stage": "Deliver", "touchpoint": "Chat: where is my order"}],
        "deleted_rows": [reviews],
    }
    at.run()
    assert not at.exception and not at.error, texts(at.error)
    edited: TargetJourney = at.session_state["target"]
    assert edited.step("Product page").optional
    assert "Product reviews" not in edited.touchpoints
    assert edited.touchpoints[-1] == "Chat: where is my order"
    assert edited.stage_of("Chat: where is my order") == "Deliver"
    # every page now compares with the edited design
    assert metric(at, "Not designed") == f"{len(sample_map.compare(edited).extra):,}"

    # reorder: move the first step down
    first = edited.touchpoints[0]
    at.selectbox(key="target_move_row").set_value(0).run()
    at.button(key="target_down").click().run()
    assert at.session_state["target"].touchpoints[1] == first
    # what is downloaded is the package's YAML of the design
    assert TargetJourney.from_yaml(at.session_state["target"].to_yaml()).touchpoints == (
        at.session_state["target"].touchpoints
    )


@needs_samples
def test_target_edit_error_is_the_packages_message() -> None:
    at = go(new_app(), "target")
    version = at.session_state["target_version"]
    at.session_state[f"target_editor_{version}"] = {
        "edited_rows": {},
        "added_rows": [{"stage": "Deliver", "touchpoint": "Cart"}],  # designed already
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    assert any("duplicate touchpoint 'Cart'" in e for e in texts(at.error)), texts(at.error)


@needs_samples
def test_bad_target_yaml_upload(tmp_path: Path) -> None:
    at = go(new_app(), "target")
    at.file_uploader(key="target_upload").set_value(
        ("design.yaml", b"name: X\nstages:\n  - name: S\n    stepz: [A]\n", "text/yaml")
    ).run()
    assert not at.exception
    message = " ".join(texts(at.error))
    assert "design.yaml" in message and "stepz" in message


@needs_samples
def test_frictions_filtered_by_kind(sample_map: jm.JourneyMap) -> None:
    at = go(new_app(), "frictions")
    assert not at.error, texts(at.error)
    kinds = at.multiselect(key="fr_kinds").options
    assert kinds
    at.multiselect(key="fr_kinds").set_value([kinds[0]]).run()
    shown = metric(at, "Shown")
    assert shown.split(" of ")[0] != shown.split(" of ")[1]


@needs_samples
def test_export_offers_every_file() -> None:
    at = go(new_app(), "export")
    assert not at.error, texts(at.error)
    labels = " ".join(b.proto.label for b in at.get("download_button"))
    for word in ("Slide deck", "Report", "Journey map (PNG)", "Process map (SVG)", "Steps"):
        assert word in labels, labels


# ---------------------------------------------------------------- the presentation view


def slides(at: AppTest) -> str:
    """The presentation's HTML (slides and position), without its style sheet."""
    return " ".join(h.value for h in at.get("html") if not h.value.startswith("<style>"))


def plain_html(value: str) -> str:
    from html import escape

    return escape(" ".join(value.split()), quote=True)


@needs_samples
def test_presentation_one_friction_at_a_time(sample_map: jm.JourneyMap) -> None:
    from journeymap.app.ui import kind_label
    from journeymap.model.target import TargetJourney

    at = go(new_app(), "export")
    links = [link.proto.page for link in at.get("page_link")]
    assert "present" in links, links
    go(at, "present")
    assert not at.error, texts(at.error)
    comparison = sample_map.compare(TargetJourney.from_yaml(SAMPLE_TARGET))
    found = comparison.all_frictions(sample_map)
    n = len(found)
    assert n >= 2
    # the title slide: the log, its journeys, the goal, the fit with the design
    shown = slides(at)
    assert f"Start · {n:,} frictions" in shown
    assert "online_shop.csv" in shown and "Order confirmed" in shown
    assert f"{comparison.fitness:.0%}" in shown
    assert at.get("image"), "the journey-map canvas is drawn"
    assert at.button(key="present_prev").disabled

    at.button(key="present_next").click().run()
    assert not at.exception, at.exception
    shown = slides(at)
    first = found[0]
    assert f"1 of {n}" in shown
    assert kind_label(first.kind) in shown and plain_html(first.explanation) in shown
    assert f"{first.journeys:,}" in shown and f"{first.share:.1%}" in shown
    assert at.get("graphviz_chart"), "the process map is drawn around the friction"

    at.button(key="present_next").click().run()
    shown = slides(at)
    assert f"2 of {n}" in shown and plain_html(found[1].explanation) in shown
    at.button(key="present_prev").click().run()
    assert f"1 of {n}" in slides(at)
    at.button(key="present_exit").click().run()
    assert not at.exception and at.title[0].value == "Export"


def test_presentation_without_frictions(tmp_path: Path) -> None:
    goal = "Order <b>placed</b> & paid"
    rows = [
        (f"c{c}", tp, (pd.Timestamp("2025-03-01") + pd.Timedelta(hours=c, minutes=2 * i)))
        for c in range(30)
        for i, tp in enumerate(["Visit", "Browse", goal])
    ]
    path = tmp_path / "linear.csv"
    pd.DataFrame(rows, columns=["customer_id", "touchpoint", "timestamp"]).to_csv(path)
    assert not jm.mine(jm.read_log(path), goal=goal).frictions
    at = upload(new_app(), path)
    at.multiselect(key="goal").set_value([goal]).run()
    go(at, "present")
    assert not at.error, texts(at.error)
    shown = slides(at)
    assert "No friction found" in shown and "Start · 0 frictions" in shown
    assert plain_html(goal) in shown and "<b>placed" not in shown  # names are escaped
    assert at.button(key="present_next").disabled
