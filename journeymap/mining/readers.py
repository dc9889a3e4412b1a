"""Open a touchpoint source (CSV, Parquet, JSON Lines, XES, DataFrame) as a DuckDB relation.

Each reader checks the file before handing it to the engine, so a bad file gets a message that
names it and says what to do, instead of a parser traceback. XES goes through pm4py (after a
check that refuses DTDs and entity declarations, which are never resolved).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from journeymap.errors import LogFormatError, MissingDependencyError, TimestampError

__all__ = ["RawSource", "open_source"]

_HEAD_BYTES = 256 * 1024
_SEPARATORS = [",", ";", "\t", "|"]
# every source gets its row number: ties in time keep the order of the source
_SEQ = "row_number() OVER () - 1 AS __seq"
_ROOT = re.compile(rb"<(?![?!])[A-Za-z_][\w:.-]*")  # the first element's start tag


@dataclass(frozen=True)
class RawSource:
    """A source registered in the engine: the view to read from and what was detected."""

    view: str
    label: str
    kind: str
    notes: tuple[str, ...] = ()


def open_source(
    con: duckdb.DuckDBPyConnection,
    source: Any,
    *,
    sep: str | None,
    encoding: str | None,
    view: str = "jm_raw",
) -> RawSource:
    """Register ``source`` as view ``view`` with a ``__seq`` column (its row order)."""
    if _is_dataframe(source):
        return _open_dataframe(con, source, view)
    if not isinstance(source, str | os.PathLike):
        raise LogFormatError(
            f"cannot read a {type(source).__name__}; pass a file path or a pandas DataFrame"
        )
    path = Path(source)
    label = str(source)
    if not path.exists():
        raise LogFormatError("file not found; check the path", source=label)
    if path.is_dir():
        raise LogFormatError("is a folder; pass a file (CSV, Parquet, JSONL or XES)", source=label)
    head = _read_head(path)
    if not head or not head.removeprefix(b"GZ").strip():
        raise LogFormatError(
            "the file is empty; expected a header row and events. Fix: check that the export "
            "finished and that this is the right file",
            source=label,
        )
    kind = _detect_kind(path, head)
    if kind == "parquet":
        return _open_parquet(con, path, label, view)
    if kind == "xes":
        return _open_xes(con, path, label, view)
    if kind == "jsonl":
        return _open_jsonl(con, path, label, view)
    return _open_csv(con, path, label, view, head=head, sep=sep, encoding=encoding)


def _open_dataframe(con: duckdb.DuckDBPyConnection, frame: Any, view: str) -> RawSource:
    if len(frame.columns) == 0:
        raise LogFormatError(
            "the DataFrame has no columns; expected at least a customer, a touchpoint and a "
            "timestamp column. Fix: check how the DataFrame was built",
            source="DataFrame",
        )
    try:
        con.register("jm_df", frame)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {view} AS SELECT *, {_SEQ} FROM jm_df")
    except duckdb.Error as exc:
        mixed = _mixed_zone_column(frame)
        if mixed is not None:
            raise TimestampError(
                f"column {mixed!r} mixes datetimes with a time zone and without one; they "
                "cannot be ordered together. Fix: make them all aware (or all naive) with "
                "pandas.to_datetime(..., utc=True)",
                source="DataFrame",
            ) from None
        raise LogFormatError(
            f"cannot be loaded ({_first_line(exc)}). Fix: convert columns holding Python "
            "objects to plain strings, numbers or datetimes (e.g. df[col].astype(str))",
            source="DataFrame",
        ) from None
    finally:
        con.unregister("jm_df")
    return RawSource(view=view, label="DataFrame", kind="dataframe")


def _mixed_zone_column(frame: Any) -> str | None:
    """The first object column holding both time-zone-aware and naive datetimes, if any."""
    import datetime as dt

    for col in frame.columns:
        if str(frame[col].dtype) != "object":
            continue
        zones = {
            v.tzinfo is not None
            for v in frame[col].dropna().head(10_000)
            if isinstance(v, dt.datetime)
        }
        if len(zones) == 2:
            return str(col)
    return None


def _is_dataframe(source: Any) -> bool:
    return type(source).__name__ == "DataFrame" and hasattr(source, "columns")


def _read_head(path: Path) -> bytes:
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as gz:
                return b"GZ" + gz.read(_HEAD_BYTES)
        except (OSError, EOFError) as exc:
            raise LogFormatError(
                f"looks gzip-compressed but cannot be opened ({exc})", source=str(path)
            ) from None
    return head


def _detect_kind(path: Path, head: bytes) -> str:
    name = path.name.lower()
    body = head[2:] if head.startswith(b"GZ") else head
    if name.endswith((".parquet", ".pq")) or head[:4] == b"PAR1":
        return "parquet"
    if name.endswith((".xes", ".xes.gz", ".xml", ".xml.gz")):
        return "xes"
    if name.endswith((".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz")):
        return "jsonl"
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"<?xml", b"<log", b"<!DOCTYPE")):
        return "xes"
    if stripped.startswith(b"{"):
        return "jsonl"
    return "csv"


def _open_parquet(con: duckdb.DuckDBPyConnection, path: Path, label: str, view: str) -> RawSource:
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS "
            f"SELECT * EXCLUDE (file_row_number), file_row_number AS __seq "
            f"FROM read_parquet({_lit(path)}, file_row_number = true)"
        )
        con.execute(f"DESCRIBE {view}").fetchall()
    except duckdb.Error as exc:
        raise LogFormatError(
            f"is not a readable Parquet file ({_first_line(exc)}); re-export it as Parquet or CSV",
            source=label,
        ) from None
    return RawSource(view=view, label=label, kind="parquet")


def _open_jsonl(con: duckdb.DuckDBPyConnection, path: Path, label: str, view: str) -> RawSource:
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {view}_t AS "
            f"SELECT *, {_SEQ} FROM read_json({_lit(path)}, format = 'newline_delimited')"
        )
    except duckdb.Error as exc:
        raise LogFormatError(
            f"is not valid JSON Lines ({_first_line(exc)}); expected one JSON object per line "
            'such as {"customer_id": "c1", "touchpoint": "Login", "timestamp": "2025-01-01 10:00"}',
            source=label,
        ) from None
    return RawSource(view=f"{view}_t", label=label, kind="jsonl")


def _open_xes(con: duckdb.DuckDBPyConnection, path: Path, label: str, view: str) -> RawSource:
    _refuse_entities(path, label)
    try:
        import pm4py  # lazy: pm4py takes a second to import
    except ImportError as exc:  # pragma: no cover - pm4py is a core dependency
        raise MissingDependencyError("reading XES needs pm4py: pip install pm4py") from exc
    import gc
    import warnings

    failure = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            # iterparse: the same parser everywhere, whatever optional Rust importers exist
            frame = pm4py.read_xes(str(path), variant="iterparse", show_progress_bar=False)
        except Exception as exc:  # pm4py raises many types for malformed XML
            failure = f"{type(exc).__name__}: {_first_line(exc)}"
        if failure is not None:
            # pm4py leaves the file open when parsing fails; its frames hold it until collected
            gc.collect()
    if failure is not None:
        raise LogFormatError(
            f"is not a readable XES file ({failure}); check that it is complete XML "
            "following the XES standard (IEEE 1849), e.g. re-export it from the source system",
            source=label,
        )
    if frame is None or len(frame.columns) == 0:
        raise LogFormatError("the XES file holds no events", source=label)
    con.register(f"{view}_df", frame)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {view} AS SELECT *, {_SEQ} FROM {view}_df")
    con.unregister(f"{view}_df")
    return RawSource(view=view, label=label, kind="xes")


def _refuse_entities(path: Path, label: str) -> None:
    """Refuse a DTD anywhere in the prolog (before the root element): entities are declared
    only there, and a resolved entity can read local files or reach the network."""
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    prolog = b""
    with opener(path, "rb") as fh:  # type: ignore[operator]
        while chunk := fh.read(64 * 1024):
            prolog += chunk
            upper = prolog.upper()
            if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
                raise LogFormatError(
                    "the XES file declares a DTD or entities, which journeymap never resolves "
                    "(they can read local files or the network); remove the <!DOCTYPE ...> block",
                    source=label,
                )
            if _ROOT.search(prolog):
                return
            prolog = prolog[-64:]  # keep a tail so a marker split across chunks is seen


def _open_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    label: str,
    view: str,
    *,
    head: bytes,
    sep: str | None,
    encoding: str | None,
) -> RawSource:
    body = head[2:] if head.startswith(b"GZ") else head
    notes: list[str] = []
    if encoding is None:
        encoding = _detect_encoding(body)
        if encoding != "utf-8":
            notes.append(f"{label}: not UTF-8; read as {encoding}")
    else:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise LogFormatError(
                f"encoding {encoding!r} is unknown; use e.g. 'utf-8', 'latin-1', 'cp1252' or "
                "'utf-16', or leave encoding= out to detect it",
                source=label,
            ) from None
    if not encoding.startswith("utf-16") and b"\x00" in body[:8192]:
        raise LogFormatError(
            "is a binary file, not a text log; expected CSV, Parquet, JSON Lines or XES. "
            "Fix: export the log as CSV (or Parquet) and read that",
            source=label,
        )
    text = body.decode(encoding if encoding != "utf-8" else "utf-8-sig", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    skip = 0
    if lines and re.fullmatch(r"sep=(.)", lines[0].strip()):  # Excel's separator hint line
        sep = sep or lines[0].strip()[-1]
        lines, skip = lines[1:], 1
    if not lines:
        raise LogFormatError(
            "the file holds no text; expected a header row and events. Fix: check that the "
            "export finished",
            source=label,
        )
    detected = _detect_separator(lines[:50])
    if sep is None:
        sep = detected
    elif detected != sep and len(lines[0].split(sep)) == 1 and len(lines[0].split(detected)) > 1:
        raise LogFormatError(
            f"with sep={sep!r} the header {lines[0][:80]!r} is a single column, but it splits "
            f"on {detected!r}; pass sep={detected!r}",
            source=label,
        )
    if len(lines[0].split(sep)) < 3:
        raise LogFormatError(
            f"the header {lines[0][:80]!r} has fewer than 3 columns with separator {sep!r}; "
            "a touchpoint log needs at least a customer, a touchpoint and a timestamp column. "
            "If the separator is another one, pass sep=",
            source=label,
        )
    if len(lines) < 2:
        raise LogFormatError(
            "has a header but no events; expected at least one row under the header. Fix: "
            "check the export's filters or date range",
            source=label,
        )
    native = {"utf-8": "utf-8", "iso8859-1": "latin-1", "latin-1": "latin-1", "utf-16": "utf-16"}
    read_path = path
    if encoding in native:
        duck_encoding = native[encoding]
    else:  # DuckDB reads three encodings; others are converted to UTF-8 first
        read_path = _transcode(path, encoding, label)
        duck_encoding = "utf-8"
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {view} AS SELECT *, {_SEQ} FROM read_csv("
            f"{_lit(read_path)}, delim = {_lit(sep)}, header = true, all_varchar = true, "
            f"encoding = {_lit(duck_encoding)}, quote = '\"', escape = '\"', skip = {skip}, "
            "strict_mode = false, null_padding = true, parallel = false)"
        )
    except duckdb.Error as exc:
        hint = (
            'a quote (") is probably left open in some row; fix the quoting or pass the right sep='
            if "sniff" in str(exc).lower()
            else "check the separator (sep=) and encoding (encoding=)"
        )
        raise LogFormatError(
            f"cannot be read as CSV with separator {sep!r} and encoding {encoding!r} "
            f"({_first_line(exc)}); {hint}",
            source=label,
        ) from None
    finally:
        if read_path != path:
            read_path.unlink(missing_ok=True)
    return RawSource(view=view, label=label, kind="csv", notes=tuple(notes))


def _transcode(path: Path, encoding: str, label: str) -> Path:
    """Copy a text file in ``encoding`` to a temporary UTF-8 file, streaming."""
    import tempfile

    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    fd, name = tempfile.mkstemp(prefix="journeymap-", suffix=".csv")
    out = Path(name)
    try:
        with (
            opener(path, "rt", encoding=encoding, errors="strict", newline="") as src,  # type: ignore[operator]
            os.fdopen(fd, "w", encoding="utf-8", newline="") as dst,
        ):
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    except (UnicodeDecodeError, UnicodeError) as exc:
        out.unlink(missing_ok=True)
        raise LogFormatError(
            f"is not valid {encoding} text ({exc.reason} at byte {exc.start}); pass the "
            "file's encoding with encoding=",
            source=label,
        ) from None
    return out


def _detect_encoding(body: bytes) -> str:
    """UTF-16 by its byte-order mark, UTF-8 when it decodes, else cp1252 when it uses the
    bytes 0x80–0x9F (curly quotes, €, dashes from Windows tools), else latin-1."""
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(body, final=False)
    except UnicodeDecodeError:
        if any(0x80 <= b <= 0x9F for b in body):
            try:
                body.decode("cp1252")
                return "cp1252"
            except UnicodeDecodeError:
                pass
        return "latin-1"
    return "utf-8"


def _detect_separator(lines: list[str]) -> str:
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(_SEPARATORS)).delimiter
    except csv.Error:
        counts = {s: lines[0].count(s) for s in _SEPARATORS}
        return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _lit(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
