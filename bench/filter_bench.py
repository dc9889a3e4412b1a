"""How fast a new filter answers: ``filter_log`` + ``mine`` on the 1M-event benchmark log.

The app (issue: the Streamlit app) re-filters and re-mines when a CX designer picks a filter
value it has not seen before; values seen before come from its cache. This measures exactly the
package calls the app makes for a new value, in one process after the first read and mine (as
in the app), each filter ``--repeat`` times (every call computes afresh: the package itself
caches nothing), and reports the median.

Usage::

    python bench/filter_bench.py                  # 1M events, goal "Order confirmed", 3 runs
    python bench/filter_bench.py --size 10m --repeat 1
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import COLUMNS, log_for

GOAL = "Order confirmed"  # a touchpoint of bench/make_log.py
FILTERS: dict[str, dict[str, object]] = {
    "date range (March 2024)": {"start": "2024-03-01", "end": "2024-03-31"},
    "channel: app": {"channels": ["app"]},
    "channel: web": {"channels": ["web"]},
    "channels: email, phone": {"channels": ["email", "phone"]},
    "first half of 2024, web": {"start": "2024-01-01", "end": "2024-06-30", "channels": ["web"]},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1m", help="1m or 10m (bench/data/events_<size>.parquet)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per filter (default 3)")
    args = ap.parse_args()
    path = log_for(args.size)
    t0 = time.perf_counter()
    import journeymap as jm

    mine = jm.mine  # imports the mining modules, as the app has by then
    t1 = time.perf_counter()
    log = jm.read_log(path, **COLUMNS)
    first = mine(log, goal=GOAL)
    t2 = time.perf_counter()
    print(f"{args.size}: import {t1 - t0:.2f} s; first read + mine {t2 - t1:.2f} s")
    print(f"{len(first.journeys):,} journeys; goal {GOAL!r}\n")
    print(f"| filter | journeys kept | filter_log s | mine s | total s (median of {args.repeat}) |")
    print("|---|---|---|---|---|")
    for name, kwargs in FILTERS.items():
        runs = []
        for _ in range(args.repeat):
            a = time.perf_counter()
            kept = jm.filter_log(log, **kwargs)  # type: ignore[arg-type]
            b = time.perf_counter()
            jmap = mine(kept, goal=GOAL)
            c = time.perf_counter()
            runs.append((b - a, c - b, c - a))
        f, m, t = (statistics.median(r[i] for r in runs) for i in range(3))
        print(f"| {name} | {len(jmap.journeys):,} | {f:.2f} | {m:.2f} | {t:.2f} |")


if __name__ == "__main__":
    main()
