"""The ``journeymap`` command line, run as a user runs it: a subprocess on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import journeymap as jm


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "journeymap", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def shop_csv(tmp_path: Path) -> Path:
    rows = []
    for i in range(30):
        path = ["Home", "Product", "Cart", "Order confirmed"] if i % 3 else ["Home", "Product"]
        for k, step in enumerate(path):
            rows.append((f"c{i}", step, f"2025-01-{1 + i % 20:02d} 10:{k:02d}:00", "web"))
    df = pd.DataFrame(rows, columns=["customer_id", "touchpoint", "timestamp", "channel"])
    path = tmp_path / "shop.csv"
    df.to_csv(path, index=False, sep=";")
    return path


def test_mine_writes_every_output_and_a_summary(shop_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run("mine", str(shop_csv), "--goal", "Order confirmed", "--out", str(out))
    assert done.returncode == 0, done.stderr
    outputs = ["steps.csv", "transitions.csv", "variants.csv", "journeys.parquet", "quality.json"]
    for name in outputs:
        assert (out / name).stat().st_size > 0, name
    quality = json.loads((out / "quality.json").read_text())
    assert quality["events_read"] == quality["events_used"] == 100
    assert quality["outcomes"]["converted"] == 20
    assert quality["mapping"]["case"] == "customer_id"
    # the files hold exactly what the Python API computes
    jmap = jm.mine(jm.read_log(shop_csv), goal="Order confirmed")
    steps = pd.read_csv(out / "steps.csv")
    assert steps["journeys"].tolist() == jmap.steps["journeys"].tolist()
    journeys = pd.read_parquet(out / "journeys.parquet")
    assert journeys["outcome"].tolist() == jmap.journeys["outcome"].tolist()
    variants = pd.read_csv(out / "variants.csv")
    assert variants["path"].iloc[0] == "Home → Product → Cart → Order confirmed"
    assert "Data quality" in done.stdout and "variants" in done.stdout


def test_column_options_and_gap(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "who": ["a", "a", "a"],
            "what": ["Login", "Pay", "Login"],
            "when": ["2025-01-01 10:00", "2025-01-01 10:05", "2025-03-01 10:00"],
        }
    )
    src = tmp_path / "log.csv"
    df.to_csv(src, index=False)
    out = tmp_path / "o"
    done = run(
        "mine", str(src), "--case", "who", "--touchpoint", "what", "--timestamp", "when",
        "--gap", "30d", "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "quality.json").read_text())["journeys"] == 2


@pytest.mark.parametrize("args", [[], ["mine"], ["samples"]])
def test_help_is_clear(args: list[str]) -> None:
    done = run(*args, "--help")
    assert done.returncode == 0
    assert "Usage" in done.stdout and "journeymap" in done.stdout


def test_user_errors_are_one_line_and_exit_2(tmp_path: Path, shop_csv: Path) -> None:
    missing = run("mine", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o"))
    bad_goal = run("mine", str(shop_csv), "--goal", "Order confirmd", "--out", str(tmp_path / "o"))
    for done in (missing, bad_goal):
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
        assert "Traceback" not in done.stderr
    assert "Order confirmed" in bad_goal.stderr  # the suggestion
