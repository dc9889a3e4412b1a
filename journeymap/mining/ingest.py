"""``read_log``: any touchpoint source in, a validated :class:`EventLog` out.

All the work runs in DuckDB: the source is scanned once into a staging table where each event
gets its row number and, if it cannot be used, the reason; the usable events become the
``jm_events`` table with the canonical columns of :mod:`journeymap.model.eventlog`.

Equal timestamps within a journey keep the order of the file: every event carries its source
row number (``seq``) and every ordering is by ``(t_us, seq)``.

Survey answers (Customer Effort Score, CSAT, NPS), when the log has them, become the numeric
canonical columns ``ces``, ``csat`` and ``nps`` right after ``outcome``; values that are not
numbers are counted in a note and left empty (the event itself is kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from journeymap._validation import check_memory, format_duration, parse_duration
from journeymap.errors import EmptyLogError, TimestampError
from journeymap.mining import engine
from journeymap.mining.columns import guess_mapping
from journeymap.mining.readers import RawSource, open_source
from journeymap.mining.timestamps import plan_timestamp
from journeymap.model.eventlog import ColumnMapping, EventLog, QualityReport
from journeymap.progress import ProgressCallback, as_reporter

__all__ = ["read_log"]

# Reasons an event is left out, in the order they are checked (an event counts once).
REASONS = (
    "missing customer",
    "missing journey id",
    "missing touchpoint",
    "missing timestamp",
    "unparsable timestamp",
    "exact duplicate",
)

CANONICAL = (
    "journey",
    "customer",
    "touchpoint",
    "tp_code",
    "channel",
    "ch_code",
    "ts",
    "t_us",
    "seq",
    "outcome",
)

# survey role -> normalised column names that identify it (see columns.normalise)
SURVEY_NAMES: dict[str, tuple[str, ...]] = {
    "ces": ("ces", "cesscore", "customereffortscore", "effortscore", "customereffort"),
    "csat": ("csat", "csatscore", "customersatisfaction", "satisfaction", "satisfactionscore"),
    "nps": ("nps", "npsscore", "netpromoterscore", "likelihoodtorecommend", "recommendscore"),
}
SURVEY_WORDS = {"ces": "Customer Effort Score", "csat": "CSAT", "nps": "NPS"}


def read_log(
    source: Any,
    *,
    case: str | None = None,
    touchpoint: str | None = None,
    timestamp: str | None = None,
    channel: str | None = None,
    journey: str | None = None,
    gap: str | float | None = None,
    outcome: str | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    dedupe: bool = False,
    timestamp_format: str | None = None,
    ces: str | None = None,
    csat: str | None = None,
    nps: str | None = None,
    memory_limit: str | None = None,
    progress: ProgressCallback | None = None,
) -> EventLog:
    """Read a touchpoint log and validate it, counting every event left out and why.

    Parameters:
        source: a path to a CSV (any of ``, ; tab |``, UTF-8 or latin-1, optionally gzipped),
            Parquet, JSON Lines or XES / XES.gz file, or a pandas DataFrame.
        case: the customer column. Guessed from common names when not given
            (``case:concept:name``, ``customer_id``, ``user_id``, ``session_id``, ...).
        touchpoint: the touchpoint (activity) column; guessed likewise (``concept:name``,
            ``touchpoint``, ``activity``, ``event``, ``page``, ...).
        timestamp: the time column; guessed likewise (``time:timestamp``, ``timestamp``,
            ``time``, ``date``, ...). ISO 8601, common date layouts, epoch numbers and native
            timestamps are understood; values with UTC offsets are converted to UTC.
        channel: the channel column (web, app, phone, ...); guessed when named like one.
        journey: a journey id column. Without it each customer is one journey, split where the
            customer is silent for longer than ``gap``.
        gap: inactivity gap that splits a customer's events into journeys, e.g. ``"30d"``,
            ``"2h"``, or seconds. Ignored when ``journey`` is given.
        outcome: an outcome column, kept for goals defined on outcomes.
        sep, encoding: CSV separator and encoding; detected when not given.
        dedupe: leave out exact duplicate rows (same values in every column), counting them.
        timestamp_format: a ``strptime`` format when the timestamps are in an unusual layout.
        ces, csat, nps: survey-answer columns (Customer Effort Score, CSAT, NPS 0–10), kept as
            the numeric columns ``ces``, ``csat``, ``nps`` and summarised per step by
            :func:`journeymap.mine`. Guessed when a column is named so (``CES``,
            ``customer_effort_score``, ``CSAT``, ``satisfaction``, ``NPS``, ...).
        memory_limit: the most memory the engine (DuckDB) may use for this log and the
            journey maps mined from it, e.g. ``"2GB"``; beyond it, intermediate tables spill
            to a temporary folder (slower, never an out-of-memory error). Default: DuckDB's,
            80% of the machine's memory.
        progress: called with a message and the fraction done.

    Returns:
        An :class:`EventLog`; ``log.quality`` says what was read, used and left out.

    Raises:
        journeymap.errors.LogError: the file, a column or the timestamps cannot be used; the
            message names them and says how to fix it.

    Example:
        >>> import pandas as pd, journeymap as jm
        >>> df = pd.DataFrame({"customer_id": ["c1", "c1", "c2"],
        ...                    "touchpoint": ["Visit", "Buy", "Visit"],
        ...                    "timestamp": ["2025-01-01 10:00", "2025-01-01 10:05",
        ...                                  "2025-01-02 09:00"]})
        >>> log = jm.read_log(df)
        >>> (log.quality.events_used, log.quality.journeys)
        (3, 2)
    """
    report = as_reporter(progress)
    gap_s = parse_duration(gap, name="gap", func="read_log") if journey is None else None
    con = engine.connect(
        memory_limit=check_memory(memory_limit, name="memory_limit", func="read_log")
    )
    report("reading", 0.0)
    raw = open_source(con.con, source, sep=sep, encoding=encoding)
    columns = [r[0] for r in con.con.execute(f"DESCRIBE {raw.view}").fetchall()]
    if "__seq" in columns:
        columns.remove("__seq")
    mapping = guess_mapping(
        columns,
        given={
            "case": case,
            "touchpoint": touchpoint,
            "timestamp": timestamp,
            "channel": channel,
            "journey": journey,
            "outcome": outcome,
        },
        source=raw.label,
    )
    survey = _survey_columns(con.con, raw, mapping, given={"ces": ces, "csat": csat, "nps": nps})
    report("checking timestamps", 0.3)
    ts_plan = plan_timestamp(
        con.con, raw.view, mapping.timestamp, source=raw.label, timestamp_format=timestamp_format
    )
    report("validating events", 0.4)
    _stage(
        con.con,
        raw.view,
        columns,
        mapping,
        ts_plan.expression,
        textual_ts=ts_plan.textual,
        dedupe=dedupe,
        survey=survey,
    )
    counts = _reason_counts(con.con)
    read = sum(counts.values())
    if read == 0:
        raise EmptyLogError(
            "the log holds no events; expected at least one row under the header. Fix: check "
            "the export's filters or date range",
            source=raw.label,
        )
    used = counts.pop(None, 0)
    if used == 0:
        worst = max(counts, key=lambda k: counts[k])
        raise EmptyLogError(
            f"none of the {read:,} events can be used: {counts[worst]:,} have a {worst} "
            f"({_reason_examples(con.con, worst, mapping, raw.view)}). "
            "Fix: check the column mapping "
            f"(case={mapping.case!r}, touchpoint={mapping.touchpoint!r}, "
            f"timestamp={mapping.timestamp!r})",
            source=raw.label,
        )
    _check_unparsable_share(con.con, counts, read, mapping, raw)
    report("building journeys", 0.6)
    figures = _build_events(con.con, mapping, gap_s=gap_s, survey=survey)
    report("summarising", 0.9)
    guessed = {role for role in survey if {"ces": ces, "csat": csat, "nps": nps}[role] is None}
    notes = (*raw.notes, *_survey_notes(con.con, survey, guessed=guessed))
    quality = _quality(raw.label, read, used, counts, figures, ts_plan, mapping, notes, gap_s)
    report("read", 1.0)
    return EventLog(
        con.table("jm_events"),
        mapping=mapping,
        quality=quality,
        gap_s=gap_s,
        journey_ids=con.table("jm_journeys"),
    )


def _stage(
    con: duckdb.DuckDBPyConnection,
    view: str,
    columns: Sequence[str],
    m: ColumnMapping,
    ts_expr: str,
    *,
    textual_ts: bool = True,
    dedupe: bool,
    survey: dict[str, str],
) -> None:
    """One pass over the source into a narrow table: canonical values and the reason, if any,
    that each event cannot be used (an event counts under its first reason only)."""
    q = _ident

    def text(col: str | None) -> str:
        return _trimmed(f"{q(col)}::VARCHAR") if col else "NULL::VARCHAR"

    taken = {m.case, m.touchpoint, m.timestamp, m.channel, m.journey, m.outcome, *survey.values()}
    attrs = [c for c in m.attributes if c not in taken]
    # DuckDB names are case-insensitive: an attribute "CES" would clash with the survey ``ces``
    attr_sql = "".join(
        f", {q(c)} AS {q(c + '_attr' if c in CANONICAL or c.lower() in survey else c)}"
        for c in attrs
    )
    survey_sql = "".join(
        f", TRY_CAST({text(col)} AS DOUBLE) AS {role}, {text(col)} IS NOT NULL AS __{role}_given"
        for role, col in survey.items()
    )
    dup = "FALSE"
    if dedupe:
        keys = ", ".join(q(c) for c in columns)
        dup = f"row_number() OVER (PARTITION BY {keys} ORDER BY __seq) > 1"
    raw_ts = q(m.timestamp)
    # only a text column can hold a blank string (casting timestamps or numbers to text to
    # look for one costs a second per 10M events)
    ts_missing = (
        f"({raw_ts} IS NULL OR trim({raw_ts}::VARCHAR) = '')" if textual_ts else f"{raw_ts} IS NULL"
    )
    # without a journey column the journey is the customer: staged once (10M events: 130 MB
    # and 0.1 s less), the events view reading the customer from the journey
    journey = text(m.journey) if m.journey else text(m.case)
    # Touchpoints and channels get their alphabetical rank from small dictionaries, and
    # journeys a 63-bit hash of their id (checked for collisions in _build_events): the engine
    # sorts, groups and compares integers, several times faster than strings (10M events:
    # 1.1 s vs 4.7 s). The dictionaries map each raw value to its trimmed name and code, so the
    # many events are joined on their raw value and only the few distinct values are trimmed.
    con.execute(  # one scan for both dictionaries
        f"CREATE OR REPLACE TEMP TABLE jm_values AS SELECT DISTINCT {_raw(m.touchpoint)} AS tp, "
        f"{_raw(m.channel)} AS ch FROM {view}"
    )
    joins = ""
    for table, col, key in (("jm_codes", m.touchpoint, "tp"), ("jm_chans", m.channel, "ch")):
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {table} AS
            WITH names AS (
                SELECT __jm_raw, nullif(trim(__jm_raw), '') AS __jm_name
                FROM (SELECT DISTINCT {key} AS __jm_raw FROM jm_values)
            )
            SELECT __jm_raw, __jm_name AS {table}_name,
                   (dense_rank() OVER (ORDER BY __jm_name) - 1)::INTEGER AS {table}_code
            FROM names WHERE __jm_name IS NOT NULL
            """
        )
        joins += f" LEFT JOIN {table} ON {_raw(col)} = {table}.__jm_raw"
    # One pass over the source: the events with their canonical columns, and for each one
    # that cannot be used, the first reason why. jm_events is a view of the usable ones.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE jm_stage AS
        WITH parsed AS (
            SELECT __seq, {text(m.case)} AS __customer, jm_codes_name AS __touchpoint,
                   jm_codes_code AS __tp_code, {journey} AS __journey, {ts_expr} AS __ts,
                   jm_chans_name AS __channel, jm_chans_code AS __ch_code,
                   {text(m.outcome)} AS __outcome, {ts_missing} AS __ts_missing,
                   {dup} AS __dup{survey_sql}{attr_sql}
            FROM {view}{joins}
        )
        SELECT (hash(__journey) >> 1)::BIGINT AS jid, __journey AS journey,
               {"__customer AS customer," if m.journey else ""}
               __tp_code AS tp_code, __ch_code AS ch_code,
               epoch_us(__ts) AS t_us, __seq::BIGINT AS seq,
               {"__outcome AS outcome," if m.outcome else ""}
               p.* EXCLUDE (__seq, __customer, __touchpoint, __tp_code, __journey, __ts,
                            __channel, __ch_code, __outcome, __ts_missing, __dup),
               CASE  -- the position of the reason in REASONS: a byte, not a string, per event
                   WHEN __customer IS NULL THEN 0
                   WHEN {"__journey IS NULL" if m.journey else "FALSE"} THEN 1
                   WHEN __touchpoint IS NULL THEN 2
                   WHEN __ts_missing THEN 3
                   WHEN __ts IS NULL THEN 4
                   WHEN __dup THEN 5
               END::UTINYINT AS __reason
        FROM parsed p
        """
    )
    # the names by code stay, for the events view (see _build_events)
    for table in ("jm_codes", "jm_chans"):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table}_names AS SELECT DISTINCT {table}_code AS code, "
            f"{table}_name AS name FROM {table}"
        )
    con.execute("DROP TABLE jm_codes; DROP TABLE jm_chans; DROP TABLE jm_values")


def _reason_counts(con: duckdb.DuckDBPyConnection) -> dict[str | None, int]:
    rows = con.execute("SELECT __reason, count(*) FROM jm_stage GROUP BY 1").fetchall()
    counts: dict[str | None, int] = {reason: 0 for reason in REASONS}
    counts.update({(REASONS[r] if r is not None else None): int(n) for r, n in rows})
    counts.setdefault(None, 0)
    return counts


def _check_unparsable_share(
    con: duckdb.DuckDBPyConnection,
    counts: dict[str | None, int],
    read: int,
    m: ColumnMapping,
    raw: RawSource,
) -> None:
    bad = counts.get("unparsable timestamp", 0)
    if bad and bad > 0.5 * read:
        raise TimestampError(
            f"{bad:,} of {read:,} values in column {m.timestamp!r} cannot be read as "
            f"timestamps ({_reason_examples(con, 'unparsable timestamp', m, raw.view)}). Fix: pass "
            "timestamp_format= (e.g. '%d-%m-%Y %H:%M') or choose another column with timestamp=",
            source=raw.label,
        )


def _reason_examples(
    con: duckdb.DuckDBPyConnection, reason: str, m: ColumnMapping, view: str = "jm_raw"
) -> str:
    column = {
        "missing customer": m.case,
        "missing journey id": m.journey,
        "missing touchpoint": m.touchpoint,
    }.get(reason) or m.timestamp
    rows = con.execute(
        f"SELECT __seq, {_ident(column)}::VARCHAR FROM {view} WHERE __seq IN "
        "(SELECT seq FROM jm_stage WHERE __reason = ? ORDER BY seq LIMIT 3) ORDER BY __seq",
        [REASONS.index(reason)],
    ).fetchall()
    return f"column {column!r}, e.g. " + ", ".join(f"row {int(s) + 1}: {v!r}" for s, v in rows)


def _build_events(
    con: duckdb.DuckDBPyConnection,
    m: ColumnMapping,
    *,
    gap_s: float | None,
    survey: dict[str, str] | None = None,
) -> tuple[Any, ...]:
    """Expose the usable events as ``jm_events``, splitting customers by ``gap_s`` if given;
    return their :func:`_counts`."""
    hidden = ", ".join(["__reason", *(f"__{role}_given" for role in survey or {})])
    source = "jm_stage"
    # without a journey column, jm_stage's journey is the customer (see _stage)
    if m.journey is None and gap_s is not None:
        gap_us = int(gap_s * 1_000_000)
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE jm_split AS
            WITH d AS (
                SELECT *, t_us - lag(t_us) OVER w AS __wait
                FROM jm_stage WHERE __reason IS NULL
                WINDOW w AS (PARTITION BY journey ORDER BY t_us, seq)
            ),
            numbered AS (
                SELECT * EXCLUDE (__wait), journey || '#' || (1 + sum(CASE WHEN __wait > {gap_us}
                    THEN 1 ELSE 0 END) OVER (PARTITION BY journey ORDER BY t_us, seq
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))::VARCHAR AS __split
                FROM d
            )
            SELECT * EXCLUDE (__split) REPLACE (
                (hash(__split) >> 1)::BIGINT AS jid, __split AS journey),
                numbered.journey AS customer
            FROM numbered
            """
        )
        source = "jm_split"
    view = events_view_sql(
        source, outcome=bool(m.outcome), customer=source != "jm_stage" or bool(m.journey),
        hidden=hidden,
    )  # fmt: skip
    con.execute(f"CREATE OR REPLACE TEMP VIEW jm_events AS {view} WHERE __reason IS NULL")
    # without a journey column, a journey is a customer's (whole, or a part split by the gap)
    own = None if m.journey else ("split" if source == "jm_split" else "whole")
    collisions = _journey_ids(con, source, customers=own)
    if collisions:  # two journey ids share a hash
        renumber_journeys(con, source)
        _journey_ids(con, source, customers=own)
    return _counts(con)


# the columns a staged table holds under their canonical names (the events view derives the
# touchpoint and channel names and the timestamp from them)
STAGED = ("jid", "journey", "customer", "tp_code", "ch_code", "t_us", "seq", "outcome")


def events_view_sql(
    source: str, *, outcome: bool = True, customer: bool = True, hidden: str = ""
) -> str:
    """The ``SELECT`` of an events view (the canonical columns of
    :mod:`journeymap.model.eventlog`, then the rest) over a staged table ``source``, which holds
    the :data:`STAGED` columns (``outcome`` only if ``outcome``, ``customer`` only if
    ``customer``: else the journey is the customer) but not the names and the timestamp.

    Names and times come from the codes and microseconds where a query asks for them: staged
    events hold integers only (10M events: 0.4 s and 500 MB less than names). A dictionary is
    read by a scalar subquery, once per query, and never when unused. Without an outcome column
    the outcome is a constant (not 16 bytes per staged event). ``hidden``: more columns of
    ``source`` to leave out, comma-separated."""
    names = "(SELECT list(name ORDER BY code) FROM {}_names)[{} + 1]"
    staged = ", ".join(
        c for c in STAGED if (outcome or c != "outcome") and (customer or c != "customer")
    )
    return f"""
        SELECT jid, journey, {"customer" if customer else "journey AS customer"},
               {names.format("jm_codes", "tp_code")} AS touchpoint,
               tp_code, {names.format("jm_chans", "ch_code")} AS channel, ch_code,
               make_timestamp(t_us) AS ts, t_us, seq,
               {"outcome" if outcome else "NULL::VARCHAR AS outcome"},
               * EXCLUDE ({staged}{", " + hidden if hidden else ""})
        FROM {source}"""


def _journey_ids(
    con: duckdb.DuckDBPyConnection, source: str, *, customers: str | None = None
) -> int:
    """Make ``jm_journeys``, one row per journey number: its id and customer (the least when
    they vary), and whether its events hold other ids or customers too. Returns the number
    of journey numbers shared by two ids (hash collisions), which the caller renumbers.

    ``customers``: how journeys follow from customers when the log has no journey column,
    ``"whole"`` (a journey is a customer: its id is the customer's) or ``"split"`` (a part of
    one customer's events, cut by the gap); a journey then has one customer by construction,
    read once instead of compared (10M events: 0.35 s instead of 0.58 s for ``"whole"``).

    The engine reads journey ids and customers here instead of grouping the events again,
    and the quality report counts journeys and customers from it."""
    customer = {
        "whole": "min(journey) AS customer, FALSE AS __mixed",  # the same text, the same min
        "split": "arbitrary(customer) AS customer, FALSE AS __mixed",
    }.get(customers or "", "min(customer) AS customer, max(customer) <> min(customer) AS __mixed")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE jm_journeys AS
        SELECT jid, min(journey) AS journey, {customer}, max(journey) <> min(journey) AS __shared
        FROM {source} WHERE __reason IS NULL GROUP BY jid
        """
    )
    return int(con.execute("SELECT count(*) FILTER (__shared) FROM jm_journeys").fetchall()[0][0])


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """Journeys, customers, touchpoints, channels; first and last time of ``jm_events``.

    Customers are counted over the journeys (one customer each), or over the events when
    some journey has several."""
    journeys, customers, mixed = con.execute(
        "SELECT count(*), count(DISTINCT customer), bool_or(__mixed) FROM jm_journeys"
    ).fetchall()[0]
    if mixed:
        customers = con.execute("SELECT count(DISTINCT customer) FROM jm_events").fetchall()[0][0]
    rest = con.execute(
        "SELECT count(DISTINCT tp_code), count(DISTINCT ch_code), make_timestamp(min(t_us)), "
        "make_timestamp(max(t_us)) FROM jm_events"
    ).fetchall()[0]
    return (journeys, customers, *rest)


def renumber_journeys(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Give every journey of ``table`` a sequential ``jid`` (when two journey ids share a hash)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT e.* REPLACE (coalesce(j.jid, e.jid) AS jid)
        FROM {table} e LEFT JOIN (
            SELECT journey, (row_number() OVER ())::BIGINT AS jid
            FROM (SELECT DISTINCT journey FROM {table} WHERE journey IS NOT NULL)
        ) j USING (journey)
        """
    )


def _survey_columns(
    con: duckdb.DuckDBPyConnection,
    raw: RawSource,
    m: ColumnMapping,
    *,
    given: dict[str, str | None],
) -> dict[str, str]:
    """Survey role -> source column: the columns given, else attributes named like one.

    A guessed column is used only when some of its values are numbers."""
    from journeymap.errors import ColumnError
    from journeymap.mining.columns import _missing_message, normalise

    columns = [*m.attributes, m.case, m.touchpoint, m.timestamp]
    roles = {m.case, m.touchpoint, m.timestamp, m.channel, m.journey, m.outcome}
    found: dict[str, str] = {}
    for role, name in given.items():
        if name is None:
            continue
        if name not in columns:
            raise ColumnError(_missing_message(role, name, columns), source=raw.label)
        if name in roles or name in found.values():
            raise ColumnError(
                f"column {name!r} is given for more than one role ({role} and another); "
                "each role needs its own column",
                source=raw.label,
            )
        found[role] = name
    for role, names in SURVEY_NAMES.items():
        if role in found:
            continue
        hits = [c for c in m.attributes if normalise(c) in names and c not in found.values()]
        if len(hits) != 1:
            continue
        numbers = con.execute(
            f"SELECT count(TRY_CAST(nullif(trim({_ident(hits[0])}::VARCHAR), '') AS DOUBLE)) "
            f"FROM {raw.view}"
        ).fetchall()[0][0]
        if numbers:
            found[role] = hits[0]
    return found


def _survey_notes(
    con: duckdb.DuckDBPyConnection, survey: dict[str, str], *, guessed: set[str]
) -> list[str]:
    notes = []
    for role, column in survey.items():
        answers, not_numbers = con.execute(
            f"SELECT count({role}), count(*) FILTER (__{role}_given AND {role} IS NULL) "
            "FROM jm_stage WHERE __reason IS NULL"
        ).fetchall()[0]
        how = " (guessed)" if role in guessed else ""
        note = f"{SURVEY_WORDS[role]} answers from column {column!r}{how}: {answers:,}"
        if not_numbers:
            note += f"; {not_numbers:,} not numbers, left empty"
        notes.append(note)
    return notes


def _quality(
    label: str,
    read: int,
    used: int,
    counts: dict[str | None, int],
    figures: tuple[Any, ...],
    ts_plan: Any,
    m: ColumnMapping,
    notes: Sequence[str],
    gap_s: float | None,
) -> QualityReport:
    journeys, customers, touchpoints, channels, first, last = figures
    extra = list(notes)
    if m.guessed:
        extra.append(
            "guessed columns: " + ", ".join(f"{role}={getattr(m, role)!r}" for role in m.guessed)
        )
    if gap_s is not None:
        extra.append(f"journeys split after {format_duration(gap_s)} of inactivity")
    extra.append("equal timestamps within a journey keep the order of the source")
    return QualityReport(
        source=label,
        events_read=read,
        events_used=used,
        left_out={k: v for k, v in counts.items() if k is not None},
        journeys=int(journeys),
        customers=int(customers),
        touchpoints=int(touchpoints),
        channels=int(channels),
        first_event=str(first) if first is not None else None,
        last_event=str(last) if last is not None else None,
        timezone=ts_plan.timezone,
        timestamp_format=ts_plan.description,
        notes=tuple(extra),
    )


def _trimmed(value: str) -> str:
    """``value`` without surrounding spaces, NULL when blank: ``nullif(trim(value), '')``, with
    the trim only where a value starts or ends with a space (trimming every journey and
    customer id costs 0.8 s per 10M events; checking the ends costs a tenth of that)."""
    return (
        f"CASE WHEN {value} = '' OR starts_with({value}, ' ') OR ends_with({value}, ' ') "
        f"THEN nullif(trim({value}), '') ELSE {value} END"
    )


def _raw(col: str | None) -> str:
    """A source column as text, untrimmed (NULL when the role has no column)."""
    return f"{_ident(col)}::VARCHAR" if col else "NULL::VARCHAR"


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'
