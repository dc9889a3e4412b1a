"""How fast the app answers a new filter: the Journey map page re-run after a filter change.

``filter_bench.py`` times the package calls the app makes; this times the app itself, driven
by Streamlit's ``AppTest`` (no browser): the 1M-event benchmark log uploaded on the Data page,
the goal set, the Journey map page open, then channel filters the app has not seen — each one
filters, mines, draws the map and the page. The browser's drawing is not included.

Usage::

    python bench/app_bench.py                # 1M events, goal "Order confirmed"
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import BENCH, log_for
from filter_bench import GOAL

CHANNELS = (["web"], ["app"], ["email", "phone"], ["web", "app"], ["chat"], ["store"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1m", help="1m or 10m (bench/data/events_<size>.parquet)")
    args = ap.parse_args()
    path = log_for(args.size)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(BENCH.parent / "app.py"), default_timeout=600).run()
    at.switch_page("journeymap/app/data.py").run()
    at.radio(key="source_kind").set_value("Your file").run()
    t0 = time.perf_counter()
    at.file_uploader(key="upload").set_value((path.name, path.read_bytes(), "")).run()
    at.multiselect(key="goal").set_value([GOAL]).run()
    at.switch_page("journeymap/app/journey_map.py").run()
    print(f"{args.size}: upload, read and first mine {time.perf_counter() - t0:.2f} s\n")
    print("| channels filter | journeys shown | page answers in s |")
    print("|---|---|---|")
    times = []
    for channels in CHANNELS:
        t = time.perf_counter()
        at.multiselect(key="f_channels").set_value(channels).run()
        times.append(time.perf_counter() - t)
        if at.exception:
            raise SystemExit(f"the app failed: {at.exception}")
        shown = at.sidebar.info[0].value.split("**")[1] if at.sidebar.info else "?"
        print(f"| {', '.join(channels)} | {shown} | {times[-1]:.2f} |")
    t = time.perf_counter()
    at.multiselect(key="f_channels").set_value(CHANNELS[0]).run()
    print(f"\nmedian {statistics.median(times):.2f} s; a filter seen before: "
          f"{time.perf_counter() - t:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
