"""The app's sessions share logs: filters, mines and comparisons from several threads take turns
on the log's engine connection (which refuses a second call while it runs one)."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import journeymap as jm
from journeymap.model.eventlog import EngineLock

SHOP = Path(__file__).resolve().parents[1] / "sample_logs" / "online_shop.csv"
TARGET = SHOP.with_suffix(".target.yaml")
GOAL = "Order confirmed"


def test_threads_sharing_a_log_take_turns() -> None:
    log = jm.read_log(SHOP)
    channels = ("web", "app", "phone")
    expected = {
        ch: len(jm.mine(jm.filter_log(log, channels=[ch]), goal=GOAL).journeys) for ch in channels
    }
    found: dict[str, list[int]] = {ch: [] for ch in channels}
    errors: list[BaseException] = []

    def work(channel: str) -> None:
        try:
            for _ in range(3):
                kept = jm.filter_log(log, channels=[channel])
                jmap = jm.mine(kept, goal=GOAL)
                found[channel].append(len(jmap.journeys))
                jmap.compare(TARGET, method="dfg")
                kept.to_pandas(limit=5)
                del kept, jmap  # their tables are dropped while other threads work
                gc.collect()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(ch,)) for ch in channels]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert found == {ch: [n] * 3 for ch, n in expected.items()}


def test_work_handed_to_a_busy_lock_waits_for_it() -> None:
    lock, done = EngineLock(), []
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with lock:
            held.set()
            release.wait(5)
            done.append("holder leaves")

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    lock.when_free(lambda: done.append("dropped"))  # another thread holds it: later, no wait
    assert done == []
    release.set()
    t.join()
    assert done == ["holder leaves", "dropped"]
