"""Benchmark: ``JourneyMap.compare`` on a 1M-event synthetic log (target: under 30 s).

Reads ``bench/data/events_1m.parquet`` (made by ``python bench/make_log.py --events 1000000
--out bench/data/events_1m.parquet`` when missing), mines it with the goal "Order confirmed",
then times ``compare`` against the plausible designed journey below, and prints the time, the
covered share of journeys and the fitness figures. The DFG-only answer is timed too, and so is
comparing a filtered map afterwards (as the app does when a filter changes: the alignments of
variants aligned before are remembered).

Usage::

    python bench/compare_bench.py [--events-file PATH] [--coverage 0.95] [--min-variants 1000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# The shop the generator imitates, as a designer would draw it: come in, find a product, buy it,
# follow the delivery. Entry points and after-sales steps are optional.
TARGET = """\
name: Online purchase (benchmark)
goal: Order confirmed
stages:
  - name: Arrive
    steps:
      - {touchpoint: Ad click, channel: web, optional: true}
      - {touchpoint: Landing page, channel: web, optional: true, max_wait: 30m}
  - name: Find
    steps:
      - {touchpoint: Browse catalogue, channel: web, optional: true, max_wait: 1h}
      - {touchpoint: Search, channel: web, optional: true, max_wait: 1h}
      - {touchpoint: View product, channel: web, effort: 2, max_wait: 1d}
  - name: Buy
    steps:
      - {touchpoint: Add to cart, channel: web, effort: 1, max_wait: 1d}
      - {touchpoint: Checkout, channel: web, effort: 2, max_wait: 1h}
      - {touchpoint: Enter payment, channel: web, effort: 3, max_wait: 30m}
      - {touchpoint: Order confirmed, channel: web}
  - name: Receive
    steps:
      - {touchpoint: "Email: order update", channel: email, optional: true, max_wait: 3d}
      - {touchpoint: Track order, channel: app, optional: true}
      - {touchpoint: Satisfaction survey, channel: email, optional: true}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events-file", type=Path, default=HERE / "data" / "events_1m.parquet")
    parser.add_argument("--coverage", type=float, default=0.95)
    parser.add_argument("--min-variants", type=int, default=1000)
    args = parser.parse_args()
    if not args.events_file.exists():
        args.events_file.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(HERE / "make_log.py"), "--events", "1000000", "--out",
             str(args.events_file)],
            check=True,
        )  # fmt: skip

    import journeymap as jm

    t0 = time.perf_counter()
    log = jm.read_log(args.events_file, journey="journey_id")
    jmap = jm.mine(log, goal="Order confirmed")
    t1 = time.perf_counter()
    target = jm.TargetJourney.from_yaml(TARGET)
    import pm4py  # noqa: F401 - imported here so its ~1 s import is not counted below

    t2 = time.perf_counter()
    last = [0.0]

    def progress(message: str, fraction: float) -> None:
        if fraction - last[0] >= 0.1 or fraction == 1.0:
            last[0] = fraction
            print(f"  {time.perf_counter() - t2:6.1f} s  {fraction:4.0%}  {message}", flush=True)

    cmp = jmap.compare(
        target, coverage=args.coverage, min_variants=args.min_variants, progress=progress
    )
    t3 = time.perf_counter()
    fast = jmap.compare(target, method="dfg")
    t4 = time.perf_counter()
    # what the app does when a filter changes: mine the filtered log and compare again; the
    # variants aligned above are remembered, only new ones are aligned
    web = jm.mine(jm.filter_log(log, channels=["web"]), goal="Order confirmed")
    t5 = time.perf_counter()
    again = web.compare(target, coverage=args.coverage, min_variants=args.min_variants)
    t6 = time.perf_counter()
    print(f"log: {len(log):,} events, {len(jmap.journeys):,} journeys ({args.events_file.name})")
    print(f"read + mine:           {t1 - t0:6.1f} s")
    print(f"compare (alignments):  {t3 - t2:6.1f} s")
    print(f"compare (dfg only):    {t4 - t3:6.1f} s")
    print(
        f"filter (channel web) + mine {t5 - t4:.1f} s, then compare (alignments kept from the "
        f"first compare): {t6 - t5:6.1f} s ({again.aligned_variants:,} variants)"
    )
    print(
        f"aligned {cmp.aligned_variants:,} of {cmp.variant_count:,} variants of designed steps, "
        f"covering {cmp.covered_share:.1%} of journeys"
    )
    print(
        f"fitness {cmp.fitness:.4f}, mean journey fitness {cmp.mean_journey_fitness:.4f}, "
        f"directly-follows fitness {cmp.dfg_fitness:.4f} (dfg run: {fast.dfg_fitness:.4f})"
    )
    print(f"{len(cmp.frictions)} deviations; top 3:")
    for f in cmp.frictions[:3]:
        print(f"  {f.rank}. [{f.kind}] {f.explanation}")


if __name__ == "__main__":
    main()
