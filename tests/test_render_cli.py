"""``journeymap export``: from a log, from a ``mine --out`` folder, and its errors."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from journeymap.cli import app


def _log(tmp_path):
    rows = []
    for k in range(6):
        path = ["Home", "Cart", "Pay", "Done"] if k % 3 else ["Home", "Cart"]
        for i, step in enumerate(path):
            rows.append(
                (
                    f"c{k}",
                    step,
                    "web" if i < 2 else "app",
                    pd.Timestamp("2025-01-01") + pd.Timedelta(hours=k, minutes=5 * i),
                )
            )
    frame = pd.DataFrame(rows, columns=["customer_id", "touchpoint", "channel", "timestamp"])
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    return path


def test_export_from_a_log_and_from_a_mined_folder(tmp_path):
    runner = CliRunner()
    log = _log(tmp_path)
    done = runner.invoke(
        app,
        [
            "export",
            str(log),
            "--goal",
            "Done",
            "--format",
            "png,html",
            "--size",
            "16:9",
            "--out",
            str(tmp_path / "a"),
        ],
    )
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "journey_map.png",
        "journey_report.html",
        "process_map.png",
    ]
    done = runner.invoke(app, ["mine", str(log), "--goal", "Done", "--out", str(tmp_path / "m")])
    assert done.exit_code == 0, done.output
    done = runner.invoke(
        app, ["export", str(tmp_path / "m"), "--format", "pdf,dot", "--out", str(tmp_path / "b")]
    )
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "journey_map.pdf",
        "process_map.dot",
    ]


def test_export_errors_are_one_line(tmp_path):
    runner = CliRunner()
    done = runner.invoke(
        app, ["export", str(_log(tmp_path)), "--format", "gif", "--out", str(tmp_path / "x")]
    )
    assert done.exit_code == 2 and "'formats' parameter of export" in done.output
    (tmp_path / "empty").mkdir()
    done = runner.invoke(app, ["export", str(tmp_path / "empty"), "--out", str(tmp_path / "y")])
    assert done.exit_code == 2 and "not a 'journeymap mine --out' folder" in done.output
