"""What scoring and friction detection add to ``mine``, measured on the benchmark log.

Two pipelines, each in a fresh process, interleaved ``--repeat`` times on the same log:

- *core*: ``read_log`` then the engine's core tables only (steps, transitions, variants,
  journeys: ``journeymap.mining.engine.mine_tables`` without friction settings);
- *full*: ``read_log`` then ``jm.mine`` (the same tables, plus effort and drop-off scores,
  friction facts and the ranked frictions).

The figure the friction issue asks for is full / core of the mining time (``read_log`` is the
same in both and reported apart).

Usage::

    python bench/friction_cost.py                   # 10M events, 3 pairs
    python bench/friction_cost.py --size 1m --repeat 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from _common import BENCH, log_for

CHILD = """
import json, resource, sys, time
import journeymap as jm
from journeymap.mining.engine import mine_tables
path, mode = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
log = jm.read_log(path, journey="journey_id", case="customer_id", touchpoint="touchpoint",
                  timestamp="timestamp", channel="channel")
t1 = time.perf_counter()
if mode == "core":
    mine_tables(log.table, goal=(), horizon_s=None, top_variants=10_000)
else:
    jm.mine(log)
t2 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
print(json.dumps({"read_s": t1 - t0, "mine_s": t2 - t1, "peak_mb": peak}))
"""


def run(path: Path, mode: str) -> dict[str, float]:
    """One pipeline in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), mode],
        capture_output=True,
        text=True,
        check=True,
        cwd=BENCH.parent,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="10m", help="1m or 10m (bench/data/events_<size>.parquet)")
    ap.add_argument("--repeat", type=int, default=3, help="pairs of runs (default 3)")
    args = ap.parse_args()
    path = log_for(args.size)
    runs: dict[str, list[dict[str, float]]] = {"core": [], "full": []}
    for i in range(args.repeat):
        for mode in runs:
            r = run(path, mode)
            runs[mode].append(r)
            print(
                f"pair {i + 1}/{args.repeat} {mode}: read {r['read_s']:.2f} s, "
                f"mine {r['mine_s']:.2f} s, peak {r['peak_mb']:,.0f} MB",
                flush=True,
            )
    med = {m: statistics.median(r["mine_s"] for r in rs) for m, rs in runs.items()}
    ratios = [f["mine_s"] / c["mine_s"] for c, f in zip(runs["core"], runs["full"], strict=True)]
    print(
        f"\n{args.size}: mining core {med['core']:.2f} s, full {med['full']:.2f} s (medians): "
        f"scoring and friction detection add {100 * (med['full'] / med['core'] - 1):+.0f} % "
        f"(pairs: {', '.join(f'{100 * (r - 1):+.0f} %' for r in ratios)})"
    )


if __name__ == "__main__":
    main()
