"""Generate a realistic synthetic touchpoint log as Parquet, for benchmarking.

The log looks like an export from a CX data platform:

- journeys of 1-40 touchpoints, about 9 on average (geometric-ish lengths);
- 25 touchpoints linked by a Markov-ish transition structure: each touchpoint has a dominant next
  step and a few alternatives, plus a little noise, so there are many variants with a heavy head;
- about 10% of customers have two or more journeys (one after another in time);
- a channel per event (web, app, email, chat, phone, store), mostly the touchpoint's usual one;
- ``timestamp[us]`` timestamps over 2024, strictly increasing within a journey;
- rows in timestamp order across the whole log.

Columns: ``customer_id``, ``journey_id``, ``timestamp``, ``touchpoint``, ``channel``.

Everything is vectorised with numpy: the only Python loop is over step positions (at most 40),
never over events or journeys. Ten million events take a few seconds and about 1.5 GB.

Usage::

    python bench/make_log.py --events 1000000 --out bench/data/events_1m.parquet --seed 0
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

MAX_LEN = 40
MEAN_LEN = 9.0
GEOM_P = 1 / 9.5  # folded into 1..MAX_LEN this gives a mean of about 9.0
REPEAT_CUSTOMER_SHARE = 0.10

CHANNELS = ["web", "app", "email", "chat", "phone", "store"]

# name -> usual channel
TOUCHPOINTS: dict[str, str] = {
    "Ad click": "web",
    "Newsletter open": "email",
    "Landing page": "web",
    "Open app": "app",
    "Login": "app",
    "Password reset": "email",
    "Search": "web",
    "Browse catalogue": "web",
    "View product": "web",
    "Compare plans": "web",
    "Read FAQ": "web",
    "Add to cart": "web",
    "Remove from cart": "web",
    "Checkout": "web",
    "Enter payment": "web",
    "Payment failed": "web",
    "Order confirmed": "web",
    "Email: order update": "email",
    "Track order": "app",
    "Chat: delivery question": "chat",
    "Call: billing question": "phone",
    "Store visit": "store",
    "Return request": "web",
    "Refund issued": "email",
    "Satisfaction survey": "email",
}
NAMES = list(TOUCHPOINTS)
IDX = {name: i for i, name in enumerate(NAMES)}

# Where journeys start (relative weights).
START_WEIGHTS: dict[str, float] = {
    "Ad click": 30,
    "Newsletter open": 12,
    "Landing page": 15,
    "Open app": 18,
    "Search": 10,
    "Call: billing question": 4,
    "Store visit": 4,
    "Track order": 3,
    "Chat: delivery question": 2,
    "Read FAQ": 2,
}

# Designed next steps (relative weights); the rest of each row is spread as noise.
NEXT_WEIGHTS: dict[str, dict[str, float]] = {
    "Ad click": {"Landing page": 80, "View product": 15, "Search": 5},
    "Newsletter open": {"Landing page": 60, "View product": 30, "Open app": 10},
    "Landing page": {"Browse catalogue": 55, "Search": 30, "View product": 15},
    "Open app": {"Login": 70, "Browse catalogue": 20, "Track order": 10},
    "Login": {"Browse catalogue": 60, "Password reset": 15, "Track order": 15, "Search": 10},
    "Password reset": {"Login": 85, "Call: billing question": 15},
    "Search": {"View product": 75, "Search": 15, "Read FAQ": 10},
    "Browse catalogue": {"View product": 70, "Search": 20, "Compare plans": 10},
    "View product": {"Add to cart": 55, "View product": 20, "Compare plans": 15, "Search": 10},
    "Compare plans": {"View product": 50, "Add to cart": 35, "Chat: delivery question": 15},
    "Read FAQ": {"Chat: delivery question": 50, "Search": 30, "Call: billing question": 20},
    "Add to cart": {"Checkout": 65, "View product": 25, "Remove from cart": 10},
    "Remove from cart": {"View product": 60, "Browse catalogue": 40},
    "Checkout": {"Enter payment": 85, "Remove from cart": 10, "Chat: delivery question": 5},
    "Enter payment": {"Order confirmed": 80, "Payment failed": 20},
    "Payment failed": {
        "Enter payment": 65,
        "Call: billing question": 25,
        "Chat: delivery question": 10,
    },
    "Order confirmed": {"Email: order update": 85, "Track order": 15},
    "Email: order update": {"Track order": 70, "Chat: delivery question": 20, "Store visit": 10},
    "Track order": {
        "Track order": 30,
        "Chat: delivery question": 30,
        "Satisfaction survey": 25,
        "Return request": 15,
    },
    "Chat: delivery question": {
        "Call: billing question": 35,
        "Track order": 35,
        "Chat: delivery question": 15,
        "Return request": 15,
    },
    "Call: billing question": {
        "Call: billing question": 25,
        "Satisfaction survey": 35,
        "Email: order update": 20,
        "Store visit": 20,
    },
    "Store visit": {"View product": 40, "Add to cart": 30, "Return request": 30},
    "Return request": {"Refund issued": 70, "Call: billing question": 30},
    "Refund issued": {"Satisfaction survey": 70, "Call: billing question": 30},
    "Satisfaction survey": {"Ad click": 35, "Newsletter open": 35, "Open app": 30},
}
NOISE = 0.04  # share of each row spread uniformly over all touchpoints
CHANNEL_SWITCH = 0.12  # share of events on a channel other than the touchpoint's usual one


def _row_stochastic(weights: dict[str, dict[str, float]], noise: float) -> np.ndarray:
    """Build the 25x25 transition matrix from the designed weights plus uniform noise."""
    n = len(NAMES)
    m = np.zeros((n, n))
    for src, row in weights.items():
        for dst, w in row.items():
            m[IDX[src], IDX[dst]] = w
    m /= m.sum(axis=1, keepdims=True)
    return (1.0 - noise) * m + noise / n


def _sample_rows(cum: np.ndarray, rows: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Draw one column per element of ``rows`` from the row-wise cumulative matrix ``cum``.

    Shifting row ``i`` of ``cum`` by ``i`` makes the flattened matrix monotonic, so one
    ``searchsorted`` samples all rows at once.
    """
    k = cum.shape[1]
    flat = (cum + np.arange(cum.shape[0])[:, None]).ravel()
    pos = np.searchsorted(flat, rows + u, side="right")
    return np.minimum(pos - rows * k, k - 1)


def _journey_lengths(rng: np.random.Generator, n_events: int) -> np.ndarray:
    """Geometric-ish lengths in 1..MAX_LEN, about MEAN_LEN on average, summing to ``n_events``."""
    n_guess = int(n_events / MEAN_LEN * 1.1) + 16
    g = rng.geometric(GEOM_P, size=n_guess)
    lengths = (g - 1) % MAX_LEN + 1  # fold the long tail back into 1..MAX_LEN
    cs = np.cumsum(lengths)
    while cs[-1] < n_events:  # pragma: no cover - practically never taken
        more = (rng.geometric(GEOM_P, size=n_guess) - 1) % MAX_LEN + 1
        lengths = np.concatenate([lengths, more])
        cs = np.cumsum(lengths)
    n_journeys = int(np.searchsorted(cs, n_events)) + 1
    lengths = lengths[:n_journeys].copy()
    lengths[-1] -= cs[n_journeys - 1] - n_events
    return lengths.astype(np.int64)


def _customers(rng: np.random.Generator, n_journeys: int) -> np.ndarray:
    """Customer number of each journey: ~90% of customers have one journey, ~10% have 2+."""
    n_cust = int(n_journeys / (1 + REPEAT_CUSTOMER_SHARE * 1.5)) + 16
    counts = np.where(
        rng.random(n_cust) < REPEAT_CUSTOMER_SHARE,
        1 + rng.geometric(0.6, size=n_cust),
        1,
    )
    cust = np.repeat(np.arange(n_cust), counts)
    if len(cust) < n_journeys:  # pad with single-journey customers
        cust = np.concatenate([cust, n_cust + np.arange(n_journeys - len(cust))])
    return cust[:n_journeys]


def _id_strings(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Vectorised ``f"{prefix}{n:0{width}d}"`` as an Arrow string array."""
    digits = np.strings.zfill(numbers.astype(np.str_), width)
    return pa.array(np.strings.add(prefix, digits), type=pa.string())


def make_log(n_events: int, seed: int = 0) -> pa.Table:
    """Return a synthetic touchpoint log of exactly ``n_events`` rows, in timestamp order."""
    rng = np.random.default_rng(seed)

    lengths = _journey_lengths(rng, n_events)
    n_j = len(lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    journey_of_event = np.repeat(np.arange(n_j), lengths)

    # Touchpoints: one Markov chain per journey, vectorised across journeys, step by step.
    trans_cum = np.cumsum(_row_stochastic(NEXT_WEIGHTS, NOISE), axis=1)
    start_p = np.array([START_WEIGHTS.get(n, 0.0) for n in NAMES])
    start_cum = np.cumsum(start_p / start_p.sum())[None, :]
    tp = np.empty(n_events, dtype=np.int64)
    state = _sample_rows(start_cum, np.zeros(n_j, dtype=np.int64), rng.random(n_j))
    tp[offsets] = state
    active = np.arange(n_j)
    for k in range(1, int(lengths.max())):
        active = active[lengths[active] > k]
        state[active] = _sample_rows(trans_cum, state[active], rng.random(len(active)))
        tp[offsets[active] + k] = state[active]

    # Channels: the touchpoint's usual channel, sometimes another one.
    usual = np.array([CHANNELS.index(TOUCHPOINTS[n]) for n in NAMES])
    ch = usual[tp]
    switch = np.flatnonzero(rng.random(n_events) < CHANNEL_SWITCH)
    ch[switch] = (ch[switch] + rng.integers(1, len(CHANNELS), size=len(switch))) % len(CHANNELS)

    # Customers; a repeat customer's journeys follow each other in time.
    cust = _customers(rng, n_j)
    year_start = np.datetime64("2024-01-01T00:00:00", "us").astype(np.int64)
    year_us = 366 * 86_400 * 1_000_000
    starts = year_start + rng.integers(0, year_us, size=n_j)
    starts = starts[np.lexsort((starts, cust))]  # in time order within each customer
    cust_label = rng.permutation(int(cust.max()) + 1)[cust]  # customer numbers look random

    # Inter-event gaps: log-normal, median 2 minutes, at least 1 s, at most 3 days.
    gap_s = np.clip(rng.lognormal(np.log(120.0), 1.6, size=n_events), 1.0, 3 * 86_400.0)
    gaps = (gap_s * 1e6).astype(np.int64)
    gaps[offsets] = 0
    within = np.cumsum(gaps)
    within -= np.repeat(within[offsets], lengths)
    ts = np.repeat(starts, lengths) + within

    order = np.argsort(ts, kind="stable")
    jidx = journey_of_event[order]
    del journey_of_event, within, gaps, gap_s
    width_j = len(str(n_j - 1))
    width_c = len(str(int(cust_label.max())))
    return pa.table(
        {
            "customer_id": _id_strings("C", cust_label, width_c).take(jidx),
            "journey_id": _id_strings("J", np.arange(n_j), width_j).take(jidx),
            "timestamp": pa.array(ts[order].view("datetime64[us]"), type=pa.timestamp("us")),
            "touchpoint": pa.array(NAMES, type=pa.string()).take(tp[order]),
            "channel": pa.array(CHANNELS, type=pa.string()).take(ch[order]),
        }
    )


def _parse_count(text: str) -> int:
    """Parse ``1000000``, ``1m``, ``10M`` or ``500k``."""
    t = text.strip().lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if mult > 1 else t) * mult)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=_parse_count, default=1_000_000, help="e.g. 1000000 or 10m")
    ap.add_argument("--out", type=Path, required=True, help="Parquet file to write")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    table = make_log(args.events, args.seed)
    t1 = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, args.out)
    t2 = time.perf_counter()
    n_j = len(table.column("journey_id").unique())
    print(
        f"{args.out}: {table.num_rows:,} events, {n_j:,} journeys "
        f"(generated {t1 - t0:.1f} s, written {t2 - t1:.1f} s, "
        f"{args.out.stat().st_size / 1e6:.0f} MB)"
    )


if __name__ == "__main__":
    main()
