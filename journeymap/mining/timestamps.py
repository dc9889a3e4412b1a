"""Turn a timestamp column of any common shape into one SQL expression of naive UTC time.

Native TIMESTAMP and DATE columns are used as they are; TIMESTAMP WITH TIME ZONE is converted to
UTC; integer columns are read as seconds, milliseconds or microseconds since the epoch, by their
magnitude; text is parsed with the first format (ISO 8601 first, then common day-first and
month-first layouts) that reads at least 99% of a sample of distinct values. Text that mixes
values with a UTC offset and values without one is refused: the two cannot be ordered together
without guessing the missing zone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb

from journeymap.errors import ParameterError, TimestampError

__all__ = ["TimestampPlan", "plan_timestamp"]

# an offset only counts after a time of day, so the "-12" of "2016-01-12" is not one
_OFFSET = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$"
_FORMATS = [
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y%m%d%H%M%S",
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%Y%m%d",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y",
]


@dataclass(frozen=True)
class TimestampPlan:
    """How a timestamp column is parsed: the SQL expression and what to report."""

    expression: str
    description: str
    timezone: str
    textual: bool = True  # the column holds text, so a blank string is a missing value too


def plan_timestamp(
    con: duckdb.DuckDBPyConnection,
    view: str,
    column: str,
    *,
    source: str,
    timestamp_format: str | None = None,
) -> TimestampPlan:
    """Inspect ``column`` of ``view`` and return the expression that parses it.

    Raises :class:`TimestampError` when nothing parses or offsets are mixed with naive values.
    """
    col = _ident(column)
    rows = con.execute(
        f"SELECT typeof({col}) FROM {view} WHERE {col} IS NOT NULL LIMIT 1"
    ).fetchall()
    dtype = rows[0][0].upper() if rows else "NULL"
    if dtype.startswith("TIMESTAMP WITH TIME ZONE"):
        return TimestampPlan(
            f"timezone('UTC', {col})::TIMESTAMP",
            "native timestamp with time zone",
            "converted to UTC",
            textual=False,
        )
    if dtype.startswith("TIMESTAMP") or dtype == "DATE":
        return TimestampPlan(
            f"{col}::TIMESTAMP", f"native {dtype.lower()}", "as given (no zone)", textual=False
        )
    if dtype in {"BIGINT", "INTEGER", "HUGEINT", "UBIGINT", "DOUBLE", "FLOAT", "DECIMAL"}:
        return replace(_epoch_plan(con, view, col), textual=False)
    if dtype == "NULL":
        return TimestampPlan("NULL::TIMESTAMP", "empty column", "none")
    return _text_plan(con, view, col, column, source=source, timestamp_format=timestamp_format)


def _epoch_plan(con: duckdb.DuckDBPyConnection, view: str, col: str) -> TimestampPlan:
    number = f"TRY_CAST({col} AS DOUBLE)"
    biggest = con.execute(f"SELECT max(abs({number})) FROM {view}").fetchall()[0][0] or 0
    if biggest > 1e14:
        unit, div = "microseconds", 1e6
    elif biggest > 1e11:
        unit, div = "milliseconds", 1e3
    else:
        unit, div = "seconds", 1.0
    expr = f"timezone('UTC', to_timestamp({number} / {div}))::TIMESTAMP"
    return TimestampPlan(expr, f"{unit} since 1970-01-01 UTC", "UTC (epoch numbers)")


def _text_plan(
    con: duckdb.DuckDBPyConnection,
    view: str,
    col: str,
    column: str,
    *,
    source: str,
    timestamp_format: str | None,
) -> TimestampPlan:
    text = f"trim({col}::VARCHAR)"
    if timestamp_format:
        try:
            con.execute(f"SELECT try_strptime('2025-01-01', '{_esc(timestamp_format)}')").fetchall()
        except duckdb.Error as exc:
            raise ParameterError(
                f"The 'timestamp_format' parameter of read_log must be a strptime format such "
                f"as '%d-%m-%Y %H:%M'. Got {timestamp_format!r} instead "
                f"({str(exc).splitlines()[0][:120]})."
            ) from None
        return TimestampPlan(
            f"try_strptime({text}, '{_esc(timestamp_format)}')",
            f"format {timestamp_format!r} (given)",
            "as given (no zone)",
        )
    numbers, texts = con.execute(
        f"SELECT count(*) FILTER (WHERE regexp_full_match({text}, '-?\\d{{9,17}}(\\.\\d+)?')), "
        f"count(*) FROM {view} WHERE {col} IS NOT NULL AND {text} <> ''"
    ).fetchall()[0]
    if texts and numbers == texts:  # epoch numbers written as text (CSV, JSON strings)
        return _epoch_plan(con, view, text)
    with_offset, without = con.execute(
        f"SELECT count(*) FILTER (WHERE regexp_matches({text}, '{_OFFSET}')), "
        f"count(*) FILTER (WHERE NOT regexp_matches({text}, '{_OFFSET}')) "
        f"FROM {view} WHERE {col} IS NOT NULL AND {text} <> ''"
    ).fetchall()[0]
    if with_offset and without:
        examples = _examples(con, view, col, f"regexp_matches({text}, '{_OFFSET}')")
        naive = _examples(con, view, col, f"NOT regexp_matches({text}, '{_OFFSET}')")
        raise TimestampError(
            f"column {column!r} mixes timestamps with a UTC offset ({with_offset:,}, e.g. "
            f"{examples}) and without one ({without:,}, e.g. {naive}); they cannot be ordered "
            "together. Fix: give every value an offset (or none) before reading",
            source=source,
        )
    sample = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT {text} FROM {view} WHERE {col} IS NOT NULL AND {text} <> '' "
            "LIMIT 2000"
        ).fetchall()
    ]
    if not sample:
        return TimestampPlan("NULL::TIMESTAMP", "empty column", "none")
    values = ", ".join(f"('{_esc(v)}')" for v in sample)
    sample_rel = f"(VALUES {values}) s(v)"
    if with_offset:
        iso = "timezone('UTC', try_cast({x} AS TIMESTAMPTZ))::TIMESTAMP"
        zone = "offsets converted to UTC"
    else:
        iso = "try_cast({x} AS TIMESTAMP)"
        zone = "as given (no zone)"
    share = _parsed_share(con, sample_rel, iso.format(x="v"))
    if share >= 0.99:
        return TimestampPlan(iso.format(x=text), "ISO 8601", zone)
    best: tuple[float, str] = (share, "")
    for fmt in _FORMATS:
        parsed = _parsed_share(con, sample_rel, f"try_strptime(v, '{fmt}')")
        if parsed >= 0.99:
            return TimestampPlan(f"try_strptime({text}, '{fmt}')", f"format {fmt!r}", zone)
        best = max(best, (parsed, fmt))
    if best[0] >= 0.5:
        expr = iso.format(x=text) if not best[1] else f"try_strptime({text}, '{best[1]}')"
        name = "ISO 8601" if not best[1] else f"format {best[1]!r}"
        return TimestampPlan(expr, name, zone)
    raise TimestampError(
        f"column {column!r} does not hold timestamps that can be read: e.g. "
        f"{', '.join(repr(v) for v in sample[:3])}. Expected ISO 8601 such as "
        "'2025-03-01 14:05:00' or a common date layout. Fix: choose another column with "
        "timestamp=, or pass timestamp_format= (e.g. '%d-%m-%Y %H:%M')",
        source=source,
    )


def _parsed_share(con: duckdb.DuckDBPyConnection, sample_rel: str, expr: str) -> float:
    ok, total = con.execute(f"SELECT count({expr}), count(*) FROM {sample_rel}").fetchall()[0]
    return ok / total if total else 0.0


def _examples(con: duckdb.DuckDBPyConnection, view: str, col: str, where: str) -> str:
    rows = con.execute(
        f"SELECT DISTINCT trim({col}::VARCHAR) FROM {view} WHERE {col} IS NOT NULL AND {where} "
        "LIMIT 2"
    ).fetchall()
    return ", ".join(repr(r[0]) for r in rows)


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _esc(value: str) -> str:
    return str(value).replace("'", "''")
