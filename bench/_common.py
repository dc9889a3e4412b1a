"""What the benchmark scripts share: the synthetic logs and their columns."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
# the columns of bench/make_log.py's logs, as read_log is told them
COLUMNS = {
    "journey": "journey_id",
    "case": "customer_id",
    "touchpoint": "touchpoint",
    "timestamp": "timestamp",
    "channel": "channel",
}


def log_for(size: str) -> Path:
    """The benchmark log of ``size`` (``1m``, ``10m``); exits with a hint when it is missing."""
    path = DATA / f"events_{size}.parquet"
    if not path.exists():
        sys.exit(f"{path} is missing: run python bench/run.py --sizes {size} first")
    return path
