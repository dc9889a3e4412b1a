"""Fixtures shared by the test modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def assert_nothing_lost() -> Callable[[Any], None]:
    """Check the data-quality invariant of an EventLog: read = used + left out, by reason.

    Every event read is either used or counted under exactly one reason, the journeys counted in
    the report are the journeys of the events, and ``len(log)`` is the number of events used.
    """

    def check(log: Any) -> None:
        q = log.quality
        assert q.events_read == q.events_used + sum(q.left_out.values()), q.as_dict()
        assert q.events_left_out == q.events_read - q.events_used
        assert all(isinstance(n, int) and n >= 0 for n in q.left_out.values()), q.left_out
        assert len(log) == q.events_used
        events = log.to_pandas()
        assert len(events) == q.events_used
        assert events["journey"].nunique() == q.journeys

    return check
