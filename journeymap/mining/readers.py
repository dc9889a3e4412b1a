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

from journeymap.errors import LogFormatError, MissingDependencyError

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
        con.register("jm_df", source)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {view} AS SELECT *, {_SEQ} FROM jm_df")
        con.unregister("jm_df")
        return RawSource(view=view, label="DataFrame", kind="dataframe")
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
    if not head:
        raise LogFormatError("the file is empty; expected a header row and events", source=label)
    kind = _detect_kind(path, head)
    if kind == "parquet":
        return _open_parquet(con, path, label, view)
    if kind == "xes":
        return _open_xes(con, path, label, view)
    if kind == "jsonl":
        return _open_jsonl(con, path, label, view)
    return _open_csv(con, path, label, view, head=head, sep=sep, encoding=encoding)


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
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # iterparse: the same parser everywhere, whatever optional Rust importers are installed
            frame = pm4py.read_xes(str(path), variant="iterparse", show_progress_bar=False)
    except Exception as exc:  # pm4py raises many types for malformed XML
        raise LogFormatError(
            f"is not a readable XES file ({type(exc).__name__}: {_first_line(exc)}); "
            "check that it is complete XML following the XES standard",
            source=label,
        ) from None
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
    if b"\x00" in body[:8192]:
        raise LogFormatError(
            "is a binary file, not a text log; expected CSV, Parquet, JSON Lines or XES",
            source=label,
        )
    notes: list[str] = []
    if encoding is None:
        encoding = _detect_encoding(body)
        if encoding != "utf-8":
            notes.append(f"{label}: not UTF-8; read as {encoding}")
    text = body.decode(encoding if encoding != "utf-8" else "utf-8-sig", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise LogFormatError("the file holds no text; expected a header row", source=label)
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
            "has a header but no events; expected at least one row under the header",
            source=label,
        )
    duck_encoding = {"utf-8": "utf-8", "latin-1": "latin-1", "utf-16": "utf-16"}.get(encoding)
    if duck_encoding is None:
        raise LogFormatError(
            f"encoding {encoding!r} is not supported; use 'utf-8', 'latin-1' or 'utf-16'",
            source=label,
        )
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {view} AS SELECT *, {_SEQ} FROM read_csv({_lit(path)}, "
            f"delim = {_lit(sep)}, header = true, all_varchar = true, encoding = "
            f"{_lit(duck_encoding)}, quote = '\"', escape = '\"', strict_mode = false, "
            f"null_padding = true, parallel = false)"
        )
    except duckdb.Error as exc:
        raise LogFormatError(
            f"cannot be read as CSV with separator {sep!r} and encoding {encoding!r} "
            f"({_first_line(exc)}); check the separator (sep=) and encoding (encoding=)",
            source=label,
        ) from None
    return RawSource(view=view, label=label, kind="csv", notes=tuple(notes))


def _detect_encoding(body: bytes) -> str:
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(body, final=False)
    except UnicodeDecodeError:
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
