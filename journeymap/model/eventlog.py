"""The touchpoint log as the rest of journeymap sees it: events, column mapping, data quality.

These types hold no file handles and read nothing: :func:`journeymap.read_log` builds them.
The events live in an engine table (DuckDB by default) with the canonical columns below; the
original column names are kept in :class:`ColumnMapping`.

Canonical event columns: ``jid`` (int, a journey number the engine sorts by),
``journey`` (str), ``customer`` (str), ``touchpoint`` (str),
``tp_code`` (int, the touchpoint's rank in alphabetical order), ``channel`` (str or null),
``ch_code`` (int or null, the channel's rank in alphabetical order), ``ts`` (timestamp, naive
UTC when the source had offsets), ``t_us`` (microseconds since the epoch), ``seq`` (the
event's row number in the source: breaks timestamp ties in file order), ``outcome`` (str or
null), followed by every other source column as an attribute.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ColumnMapping", "EngineLock", "EventLog", "QualityReport"]

ROLES = ("case", "touchpoint", "timestamp", "channel", "journey", "outcome")


@dataclass(frozen=True)
class ColumnMapping:
    """Which source column plays which role, and whether journeymap guessed it.

    >>> m = ColumnMapping(case="customer_id", touchpoint="event", timestamp="time")
    >>> m.role_of("event")
    'touchpoint'
    """

    case: str
    touchpoint: str
    timestamp: str
    channel: str | None = None
    journey: str | None = None
    outcome: str | None = None
    attributes: tuple[str, ...] = ()
    guessed: tuple[str, ...] = ()

    def role_of(self, column: str) -> str | None:
        """The role a source column plays, or None for an attribute."""
        for role in ROLES:
            if getattr(self, role) == column:
                return role
        return None

    def as_dict(self) -> dict[str, Any]:
        """The mapping as plain data (for JSON reports)."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class QualityReport:
    """What was read, what was used, and what was left out and why.

    Invariant: ``events_read == events_used + sum(left_out.values())``.

    >>> q = QualityReport(source="x.csv", events_read=3, events_used=2,
    ...                   left_out={"missing timestamp": 1})
    >>> q.events_left_out
    1
    """

    source: str
    events_read: int
    events_used: int
    left_out: dict[str, int] = field(default_factory=dict)
    journeys: int = 0
    customers: int = 0
    touchpoints: int = 0
    channels: int = 0
    first_event: str | None = None
    last_event: str | None = None
    timezone: str = ""
    timestamp_format: str = ""
    notes: tuple[str, ...] = ()

    @property
    def events_left_out(self) -> int:
        """Total number of events left out, over every reason."""
        return sum(self.left_out.values())

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data, ready for ``json.dump``."""
        data = dataclasses.asdict(self)
        data["events_left_out"] = self.events_left_out
        data["notes"] = list(self.notes)
        return data

    def lines(self) -> list[str]:
        """The report as short human-readable lines."""
        out = [
            f"{self.events_read:,} events read, {self.events_used:,} used, "
            f"{self.events_left_out:,} left out",
        ]
        out += [f"  left out, {reason}: {n:,}" for reason, n in self.left_out.items() if n]
        out.append(
            f"{self.journeys:,} journeys, {self.customers:,} customers, "
            f"{self.touchpoints:,} touchpoints, {self.channels:,} channels"
        )
        if self.first_event:
            out.append(f"from {self.first_event} to {self.last_event} ({self.timezone})")
        out += list(self.notes)
        return out


class EngineLock:
    """Turns on one engine connection, which refuses a second call while it runs one.

    A log and the logs filtered from it share a connection and this lock; whoever calls the
    engine for them holds it (``with log.lock:``; re-entrant). Work that must not wait for
    it — finalizers dropping a dead log's temporary tables, which may run in any thread at
    any time — is handed to :meth:`when_free`: done at once if the lock is free, else by the
    thread holding it, when it next takes or leaves the lock.

    Example:
        >>> lock, done = EngineLock(), []
        >>> with lock:
        ...     lock.when_free(lambda: done.append("dropped"))  # same thread: at once
        >>> done
        ['dropped']
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._later: list[Callable[[], None]] = []

    def __enter__(self) -> EngineLock:
        self._lock.acquire()
        self._run_later()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._run_later()
        finally:
            self._lock.release()

    def when_free(self, work: Callable[[], None]) -> None:
        """Do ``work`` now if no other thread holds the lock, else when it next takes or leaves
        it (never blocks)."""
        if self._lock.acquire(blocking=False):
            try:
                self._run_later()
                work()
            finally:
                self._lock.release()
        else:
            self._later.append(work)  # list.append is atomic

    def _run_later(self) -> None:
        while self._later:
            self._later.pop(0)()


class EventLog:
    """A touchpoint log ready for mining: an engine table, its mapping and its quality report.

    Built by :func:`journeymap.read_log`; pass it to :func:`journeymap.mine`.

    Attributes:
        table: the events as an Ibis table with the canonical columns (see module docstring).
        mapping: which source columns were used for which role.
        quality: the data-quality report.
        gap_s: the inactivity gap (seconds) used to split customers into journeys, if any.
        journey_ids: an Ibis table with one row per journey number (``jid``, ``journey``,
            ``customer``), at least for every journey of ``table`` (a filtered log keeps its
            parent's); None when the engine should read them from the events.
        lock: an :class:`EngineLock`, held while the engine works for this log. One engine
            connection serves a log and every log filtered from it (they share the lock), and
            it refuses a second call while it runs one, so the app's sessions, which share
            logs, take turns.
    """

    def __init__(
        self,
        table: Any,
        *,
        mapping: ColumnMapping,
        quality: QualityReport,
        gap_s: float | None = None,
        journey_ids: Any = None,
        lock: EngineLock | None = None,
    ) -> None:
        self.table = table
        self.mapping = mapping
        self.quality = quality
        self.gap_s = gap_s
        self.journey_ids = journey_ids
        self.lock = lock if lock is not None else EngineLock()

    @property
    def source(self) -> str:
        """Where the events came from (a path or ``"DataFrame"``)."""
        return self.quality.source

    @property
    def attributes(self) -> tuple[str, ...]:
        """The source columns kept as attributes (segment, device, survey answers, ...)."""
        return self.mapping.attributes

    def __len__(self) -> int:
        return self.quality.events_used

    def to_pandas(self, limit: int | None = None) -> Any:
        """The events (canonical columns) as a pandas DataFrame, in journey and time order."""
        t = self.table.order_by(["journey", "t_us", "seq"])
        with self.lock:
            return (t.limit(limit) if limit else t).to_pandas()

    def __repr__(self) -> str:
        q = self.quality
        return (
            f"<EventLog {q.source!r}: {q.events_used:,} events, {q.journeys:,} journeys, "
            f"{q.touchpoints:,} touchpoints>"
        )
