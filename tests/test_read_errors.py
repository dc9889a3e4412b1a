"""Bad input gets one clear error, and nothing that is read is lost silently.

What ``read_log`` owes its users (see DESIGN.md, "What every part owes its users"):

- bad input raises a subclass of :class:`journeymap.errors.LogError` (hence also ``ValueError``)
  whose message names the file, the column or rows (with example values) and says how to fix it;
- every event read is used or counted in ``log.quality.left_out`` under one reason:
  read = used + left out;
- columns are given by name or guessed from common names; the guess is reported and an ambiguous
  guess is an error listing the candidates;
- events are ordered by timestamp within a journey, equal timestamps keep the order of the file,
  whatever the source (CSV, Parquet, JSON Lines, XES, DataFrame) and however large;
- journeys come from the journey column, or one per customer split after ``gap`` of inactivity.

Every file is written by the test into ``tmp_path``.
"""

from __future__ import annotations

import codecs
import csv
import gc
import gzip
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import traceback
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import journeymap as jm
from journeymap.errors import (
    ColumnError,
    EmptyLogError,
    JourneymapError,
    LogError,
    LogFormatError,
    TimestampError,
)

HEADER = "customer_id,touchpoint,timestamp\n"

# A message tells the user what to do: an instruction, or an example of what would work.
FIX_HINT = re.compile(
    r"\b(fix|pass|check|choose|remove|did you mean|use|give|name it|export|save|convert"
    r"|such as)\b|\be\.g\.",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------
# helpers


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def raise_from_read(expected: type[LogError], source: Any, **kwargs: Any) -> tuple[str, str]:
    """Read ``source`` and expect ``expected``: return its message and every text it carries
    (repr, traceback, chained exceptions), after checking that no file was left open.

    A file handle left open by the failed read closes only when the exception is collected,
    with a ResourceWarning that surfaces, as an error, in whichever later test the garbage
    collector happens to run. So the exception is dropped and collected here, and a leak fails
    the test that caused it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with pytest.raises(expected) as info:
            jm.read_log(source, **kwargs)
        exc = info.value
        assert isinstance(exc, LogError), type(exc).__mro__
        assert isinstance(exc, ValueError), type(exc).__mro__
        message, everything = str(exc), _all_text(exc)
        del exc, info
        gc.collect()
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaked, f"file handles left open after the error: {leaked}"
    assert "\n" not in message.strip(), f"one line expected: {message!r}"
    assert "Traceback" not in message
    return message, everything


def read_error(expected: type[LogError], source: Any, **kwargs: Any) -> str:
    """Read ``source``, expect ``expected``; return the message after the common checks."""
    return raise_from_read(expected, source, **kwargs)[0]


def _all_text(exc: BaseException) -> str:
    """The message, repr, formatted traceback and every chained exception of ``exc``."""
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc.__cause__, exc.__context__]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        parts += [str(e), repr(e)]
        todo += [e.__cause__, e.__context__]
    return "\n".join(parts)


def assert_clear(message: str, path: Path | str | None, *needles: str) -> None:
    """The message names the file, shows each needle (column, value, row) and a fix hint."""
    if path is not None:
        name = Path(path).name if not isinstance(path, str) else path
        assert name in message, f"file name {name!r} missing from: {message}"
    for needle in needles:
        assert needle in message, f"{needle!r} missing from: {message}"
    assert FIX_HINT.search(message), f"no fix hint in: {message}"


def transitions(jmap: jm.JourneyMap) -> dict[tuple[str, str], int]:
    return {(r.source, r.target): int(r.count) for r in jmap.transitions.itertuples()}


def journey_paths(jmap: jm.JourneyMap) -> Counter[tuple[str, tuple[str, ...]]]:
    """(customer, path) of every journey, as a multiset."""
    paths = dict(zip(jmap.variants["variant"], jmap.variants["path"], strict=True))
    return Counter(
        (c, tuple(paths[v]))
        for c, v in zip(jmap.journeys.customer, jmap.journeys.variant, strict=True)
    )


def frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "touchpoint", "timestamp"])


def to_source(df: pd.DataFrame, kind: str, folder: Path) -> Any:
    """Write ``df`` as ``kind`` (csv, tsv, csv.gz, parquet, jsonl) or return it (dataframe)."""
    if kind == "dataframe":
        return df
    path = folder / f"log.{kind}"
    if kind == "csv":
        df.to_csv(path, index=False)
    elif kind == "tsv":
        df.to_csv(path, index=False, sep="\t")
    elif kind == "csv.gz":
        df.to_csv(path, index=False, compression="gzip")
    elif kind == "parquet":
        df.to_parquet(path, index=False, row_group_size=max(1, len(df) // 7))
    elif kind == "jsonl":
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    else:  # pragma: no cover
        raise AssertionError(kind)
    return path


# --------------------------------------------------------------------------------------------
# files that cannot be read


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_log.csv"
    message = read_error(LogFormatError, missing)
    assert_clear(message, missing)
    message = read_error(LogFormatError, str(missing))
    assert_clear(message, missing)


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    message = read_error(LogFormatError, folder)
    assert_clear(message, folder, "folder")


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.csv", "")
    with pytest.raises((LogFormatError, EmptyLogError)) as info:
        jm.read_log(path)
    assert isinstance(info.value, ValueError)
    assert_clear(str(info.value), path, "empty")


@pytest.mark.parametrize("ending", ["\n", "", "\r\n"])
def test_header_only(tmp_path: Path, ending: str) -> None:
    path = write(tmp_path, "header_only.csv", HEADER.strip() + ending)
    with pytest.raises((LogFormatError, EmptyLogError)) as info:
        jm.read_log(path)
    assert isinstance(info.value, ValueError)
    assert_clear(str(info.value), path, "header")


def test_zero_rows_in_parquet_and_dataframe(tmp_path: Path) -> None:
    empty = frame([])
    empty.to_parquet(tmp_path / "zero.parquet")
    message = read_error(EmptyLogError, tmp_path / "zero.parquet")
    assert_clear(message, "zero.parquet")
    message = read_error(EmptyLogError, empty)
    assert_clear(message, "DataFrame")


def test_dataframe_without_columns() -> None:
    """``pd.DataFrame()`` is an empty log, not an engine error."""
    message = read_error(LogError, pd.DataFrame())
    assert_clear(message, "DataFrame")


def test_not_a_source() -> None:
    message = read_error(LogFormatError, 42)
    assert "int" in message
    assert FIX_HINT.search(message)


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 40,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(2000),
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 8,  # a zip (e.g. an .xlsx)
    ],
    ids=["bytes", "png", "zip"],
)
def test_binary_file(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, "export.csv", content)
    message = read_error(LogFormatError, path)
    assert_clear(message, path, "binary")


def test_garbage_parquet(tmp_path: Path) -> None:
    path = write(tmp_path, "log.parquet", b"PAR1 this is not parquet")
    message = read_error(LogFormatError, path)
    assert_clear(message, path, "Parquet")


def test_malformed_jsonl(tmp_path: Path) -> None:
    good = '{"customer_id": "c1", "touchpoint": "A", "timestamp": "2025-01-01 10:00"}\n'
    path = write(tmp_path, "log.jsonl", good + '{"customer_id": "c1", "touch\n')
    message = read_error(LogFormatError, path)
    assert_clear(message, path, "JSON")


def test_malformed_xes(tmp_path: Path) -> None:
    path = write(tmp_path, "log.xes", "<?xml version='1.0'?><log><trace><event>")
    message = read_error(LogFormatError, path)
    assert_clear(message, path, "XES")


@pytest.mark.parametrize("given", [",", "|"])
def test_wrong_separator(tmp_path: Path, given: str) -> None:
    path = write(tmp_path, "semicolons.csv", HEADER.replace(",", ";") + "c1;A;2025-01-01 10:00\n")
    message = read_error(LogFormatError, path, sep=given)
    # names the header it saw and the separator that would work
    assert_clear(message, path, "customer_id;touchpoint;timestamp", "sep=';'")


def test_single_column_file(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", "hello world\nthis is not a log\n")
    message = read_error(LogFormatError, path)
    assert_clear(message, path, "hello world")


def test_non_utf8_file_read_as_utf8(tmp_path: Path) -> None:
    """A latin-1 file read with ``encoding='utf-8'``: the message names the encoding and the
    line, and says to change ``encoding=``."""
    text = "customer_id;touchpoint;timestamp\nc1;Réclamation;2025-01-01 10:00\n"
    path = write(tmp_path, "latin1.csv", text.encode("latin-1"))
    message = read_error(LogFormatError, path, encoding="utf-8")
    assert_clear(message, path, "utf-8", "encoding=")
    assert re.search(r"\b(line|row)\b\D*2", message, re.IGNORECASE), message


def test_unsupported_encoding_name(tmp_path: Path) -> None:
    path = write(tmp_path, "log.csv", HEADER + "c1,A,2025-01-01 10:00\n")
    message = read_error(LogFormatError, path, encoding="ebcdic-fantasy")
    assert_clear(message, path, "ebcdic-fantasy", "utf-8")


# --------------------------------------------------------------------------------------------
# XES with a DTD: never resolved, refused, the secret never shows


def _xes_with_entity(secret: Path, *, before_doctype: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"{before_doctype}"
        f'<!DOCTYPE log [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<log xes.version="1.0" xmlns="http://www.xes-standard.org/">\n'
        '<trace><string key="concept:name" value="c1"/>\n'
        '<event><string key="concept:name" value="&xxe;"/>'
        '<date key="time:timestamp" value="2025-01-01T10:00:00+00:00"/></event>\n'
        '<event><string key="concept:name" value="B"/>'
        '<date key="time:timestamp" value="2025-01-01T11:00:00+00:00"/></event>\n'
        "</trace></log>\n"
    )


@pytest.mark.parametrize(
    "variant", ["xes", "xes.gz", "late-doctype", "late-doctype.gz", "lowercase", "utf-16"]
)
def test_xes_external_entity_is_refused(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], variant: str
) -> None:
    secret_text = "TOP-SECRET-7f3a9c"
    secret = write(tmp_path, "secret.txt", secret_text)
    # a DOCTYPE may follow any amount of comments: put it beyond the first 64 KiB
    padding = "<!--" + "x" * 70_000 + "-->\n" if variant.startswith("late") else ""
    xml = _xes_with_entity(secret, before_doctype=padding)
    if variant == "lowercase":
        xml = xml.replace("<!DOCTYPE", "<!doctype").replace("<!ENTITY", "<!entity")
    if variant == "utf-16":
        data = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    else:
        data = xml.encode()
    name = "log.xes.gz" if variant.endswith(".gz") else "log.xes"
    path = write(tmp_path, name, gzip.compress(data) if name.endswith(".gz") else data)

    message, everything = raise_from_read(LogFormatError, path)
    out, err = capfd.readouterr()
    assert secret_text not in everything
    assert secret_text not in out + err
    assert name in message
    if variant != "utf-16":
        # refused because of the DTD, not because the parser choked on something else
        assert re.search(r"DOCTYPE|DTD|entit", message, re.IGNORECASE), message
        assert FIX_HINT.search(message)


def test_xes_internal_entity_bomb_is_refused(tmp_path: Path) -> None:
    lol = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    xml = (
        f'<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY l0 "lol">{lol}]>\n'
        '<log><trace><string key="concept:name" value="c1"/><event>'
        '<string key="concept:name" value="&l9;"/>'
        '<date key="time:timestamp" value="2025-01-01T10:00:00+00:00"/></event></trace></log>'
    )
    path = write(tmp_path, "bomb.xes", xml)
    message = read_error(LogFormatError, path)
    assert_clear(message, path)
    assert re.search(r"DOCTYPE|DTD|entit", message, re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# columns


def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "log.csv", "customer_id,touchpoint,when\nc1,A,2025-01-01 10:00\n")
    message = read_error(ColumnError, path)
    # the role that is missing, the columns that are there, how to name it
    assert_clear(message, path, "timestamp", "'when'", "timestamp=")


@pytest.mark.parametrize(
    ("role", "given", "close"),
    [
        ("case", "customerid", "customer_id"),
        ("touchpoint", "touch_point", "touchpoint"),
        ("timestamp", "Timestamp", "timestamp"),
        ("channel", "chanel", "channel"),
    ],
)
def test_given_column_not_in_log(tmp_path: Path, role: str, given: str, close: str) -> None:
    path = write(
        tmp_path, "log.csv", "customer_id,touchpoint,timestamp,channel\nc1,A,2025-01-01,web\n"
    )
    with pytest.raises(ColumnError) as info:
        jm.read_log(path, **{role: given})
    assert isinstance(info.value, LogError) and isinstance(info.value, ValueError)
    assert isinstance(info.value, KeyError)
    message = str(info.value)
    assert_clear(message, path, repr(given), repr(close))
    assert "did you mean" in message.lower()


@pytest.mark.parametrize(
    ("columns", "role", "candidates"),
    [
        (["customer_id", "user_id", "touchpoint", "timestamp"], "case", ["customer_id", "user_id"]),
        (["customer_id", "event", "page", "timestamp"], "touchpoint", ["event", "page"]),
        (["customer_id", "touchpoint", "time", "date"], "timestamp", ["time", "date"]),
    ],
)
def test_ambiguous_guess_lists_candidates(
    tmp_path: Path, columns: list[str], role: str, candidates: list[str]
) -> None:
    values = {"customer_id": "c1", "user_id": "u1", "timestamp": "2025-01-01 10:00"}
    values |= {"time": "2025-01-01 10:00", "date": "2025-01-01"}
    row = ",".join(values.get(c, "A") for c in columns)
    path = write(tmp_path, "log.csv", ",".join(columns) + "\n" + row + "\n")
    message = read_error(ColumnError, path)
    assert_clear(message, path, *(repr(c) for c in candidates), f"{role}=")
    # naming the column resolves it
    log = jm.read_log(path, **{role: candidates[1]})
    assert getattr(log.mapping, role) == candidates[1]
    assert role not in log.mapping.guessed


@pytest.mark.parametrize(
    "columns",
    [
        ["case:concept:name", "concept:name", "time:timestamp"],
        ["customer_id", "event", "time"],
        ["user_id", "activity", "date"],
        ["session_id", "page", "timestamp"],
        ["CustomerID", "Touchpoint", "Timestamp"],
        ["Customer ID", "Activity Name", "Event Time"],
    ],
)
def test_guessed_columns_are_reported(
    tmp_path: Path, columns: list[str], assert_nothing_lost: Any
) -> None:
    case, touchpoint, timestamp = columns
    df = pd.DataFrame(
        {case: ["c1", "c1"], touchpoint: ["A", "B"], timestamp: ["2025-01-01", "2025-01-02"]}
    )
    path = to_source(df, "csv", tmp_path)
    log = jm.read_log(path)
    assert (log.mapping.case, log.mapping.touchpoint, log.mapping.timestamp) == tuple(columns)
    assert set(log.mapping.guessed) >= {"case", "touchpoint", "timestamp"}
    guess_note = " ".join(n for n in log.quality.notes if "guess" in n.lower())
    for column in columns:
        assert repr(column) in guess_note, log.quality.notes
    assert_nothing_lost(log)
    # given names are used as they are and not reported as guesses
    given = jm.read_log(path, case=case, touchpoint=touchpoint, timestamp=timestamp)
    assert not {"case", "touchpoint", "timestamp"} & set(given.mapping.guessed)


# --------------------------------------------------------------------------------------------
# timestamps


def test_unparsable_timestamps(tmp_path: Path) -> None:
    path = write(tmp_path, "log.csv", HEADER + "c1,A,yesterday\nc1,B,tomorrow\nc2,A,soon\n")
    message = read_error(TimestampError, path)
    assert_clear(message, path, "'timestamp'", "yesterday", "timestamp_format=")


def test_mostly_unparsable_timestamps(tmp_path: Path) -> None:
    rows = ["c1,A,2025-01-01 10:00"] + [f"c1,B,garbage {i}" for i in range(5)]
    path = write(tmp_path, "log.csv", HEADER + "\n".join(rows) + "\n")
    message = read_error(TimestampError, path)
    assert_clear(message, path, "'timestamp'", "garbage")


def test_timestamp_format_that_matches_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "log.csv", HEADER + "c1,A,2025-01-01 10:00\nc1,B,2025-01-01 11:00\n")
    message = read_error(LogError, path, timestamp_format="%d/%m/%Y")
    assert_clear(message, path, "'timestamp'", "2025-01-01 10:00")


def test_invalid_timestamp_format(tmp_path: Path) -> None:
    """A format with an unknown directive is a bad argument, not an engine error."""
    path = write(tmp_path, "log.csv", HEADER + "c1,A,2025-01-01 10:00\n")
    with pytest.raises(JourneymapError) as info:
        jm.read_log(path, timestamp_format="%Y-%Q")
    assert isinstance(info.value, ValueError)
    assert "timestamp_format" in str(info.value) and "%Y-%Q" in str(info.value)


MIXED = ["2025-01-01 10:00:00+01:00", "2025-01-01 11:00:00"]


@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet", "dataframe"])
def test_mixed_timezones(tmp_path: Path, kind: str) -> None:
    df = frame([("c1", "A", MIXED[0]), ("c1", "B", MIXED[1])])
    source = to_source(df, kind, tmp_path)
    message = read_error(TimestampError, source)
    name = "DataFrame" if kind == "dataframe" else f"log.{kind}"
    assert_clear(message, name, "'timestamp'", MIXED[0], MIXED[1])


def test_mixed_timezones_as_datetime_objects() -> None:
    """A DataFrame column of Python datetimes, some aware and some naive."""
    aware = datetime(2025, 1, 1, 10, tzinfo=timezone(timedelta(hours=1)))
    df = pd.DataFrame(
        {
            "customer_id": ["c1", "c1"],
            "touchpoint": ["A", "B"],
            "timestamp": pd.Series([aware, datetime(2025, 1, 1, 11)], dtype=object),
        }
    )
    message = read_error(TimestampError, df)
    assert_clear(message, "DataFrame", "'timestamp'")


def test_offsets_are_converted_to_utc(tmp_path: Path, assert_nothing_lost: Any) -> None:
    # file order A, B, C, D; UTC order A (09:00), C (09:15), D (09:20), B (09:30)
    rows = [
        ("c1", "A", "2025-01-01 10:00:00+01:00"),
        ("c1", "B", "2025-01-01 09:30:00+00:00"),
        ("c1", "C", "2025-01-01 08:45:00-00:30"),
        ("c1", "D", "2025-01-01T09:20:00Z"),
    ]
    log = jm.read_log(to_source(frame(rows), "csv", tmp_path))
    assert_nothing_lost(log)
    assert "UTC" in log.quality.timezone
    events = log.to_pandas()
    assert events["touchpoint"].tolist() == ["A", "C", "D", "B"]
    assert events["ts"].tolist() == [
        pd.Timestamp("2025-01-01 09:00"),
        pd.Timestamp("2025-01-01 09:15"),
        pd.Timestamp("2025-01-01 09:20"),
        pd.Timestamp("2025-01-01 09:30"),
    ]
    jmap = jm.mine(log)
    assert jmap.variants["path"].tolist() == [("A", "C", "D", "B")]
    assert transitions(jmap) == {("A", "C"): 1, ("C", "D"): 1, ("D", "B"): 1}
    assert jmap.journeys["duration_s"].tolist() == [1800.0]


def test_aware_dataframe_in_another_zone_is_converted_to_utc() -> None:
    local = pd.to_datetime(["2025-01-01 10:00", "2025-01-01 09:30"]).tz_localize("Europe/Paris")
    df = pd.DataFrame({"customer_id": ["c1", "c1"], "touchpoint": ["A", "B"], "timestamp": local})
    events = jm.read_log(df).to_pandas()
    assert events["touchpoint"].tolist() == ["B", "A"]
    assert events["ts"].tolist() == [
        pd.Timestamp("2025-01-01 08:30"),
        pd.Timestamp("2025-01-01 09:00"),
    ]


def test_epoch_seconds_in_a_csv(tmp_path: Path) -> None:
    """``read_log`` documents epoch numbers as understood; in a CSV they arrive as text."""
    path = write(tmp_path, "epoch.csv", HEADER + "c1,A,1735725600\nc1,B,1735729200\n")
    events = jm.read_log(path).to_pandas()
    assert events["ts"].tolist() == [
        pd.Timestamp("2025-01-01 10:00"),
        pd.Timestamp("2025-01-01 11:00"),
    ]


# --------------------------------------------------------------------------------------------
# nothing is lost silently: read = used + left out


def test_sparse_csv_counts_every_reason(tmp_path: Path, assert_nothing_lost: Any) -> None:
    rows = [
        "c1,A,2025-01-01 10:00",  # 1 used
        ",B,2025-01-01 10:01",  # 2 missing customer
        "   ,B,2025-01-01 10:02",  # 3 missing customer (blank)
        "c1,,2025-01-01 10:03",  # 4 missing touchpoint
        ",,2025-01-01 10:04",  # 5 missing customer (an event counts under its first reason)
        "c1,C,",  # 6 missing timestamp
        "c1,D",  # 7 missing timestamp (short row)
        "c1,E,garbage",  # 8 unparsable timestamp
        "c1,F,2025-13-45 10:00",  # 9 unparsable timestamp
        "c2,G,2025-01-01 10:05",  # 10 used
        "c1,H,2025-01-01 10:06",  # 11 used
    ]
    path = write(tmp_path, "sparse.csv", HEADER + "\n".join(rows) + "\n")
    log = jm.read_log(path)
    q = log.quality
    assert q.events_read == 11
    assert q.events_used == 3
    left = {k: v for k, v in q.left_out.items() if v}
    assert left == {
        "missing customer": 3,
        "missing touchpoint": 1,
        "missing timestamp": 2,
        "unparsable timestamp": 2,
    }
    assert_nothing_lost(log)
    events = log.to_pandas()
    assert list(zip(events.customer, events.touchpoint, strict=True)) == [
        ("c1", "A"),
        ("c1", "H"),
        ("c2", "G"),
    ]
    # the report says it in words too
    lines = "\n".join(q.lines())
    assert "missing customer: 3" in lines and "unparsable timestamp: 2" in lines


def test_sparse_dataframe_counts_every_reason(assert_nothing_lost: Any) -> None:
    df = pd.DataFrame(
        {
            "customer_id": ["c1", None, np.nan, "c1", "c1", "c1", "c2"],
            "touchpoint": ["A", "B", "B", None, "C", "D", "E"],
            "timestamp": pd.to_datetime(
                [
                    "2025-01-01 10:00",
                    "2025-01-01 10:01",
                    "2025-01-01 10:02",
                    "2025-01-01 10:03",
                    None,
                    "2025-01-01 10:05",
                    "2025-01-01 10:06",
                ]
            ),
        }
    )
    log = jm.read_log(df)
    assert log.quality.events_read == 7
    assert log.quality.events_used == 3
    left = {k: v for k, v in log.quality.left_out.items() if v}
    assert left == {"missing customer": 2, "missing touchpoint": 1, "missing timestamp": 1}
    assert_nothing_lost(log)


def test_missing_journey_id_is_counted(tmp_path: Path, assert_nothing_lost: Any) -> None:
    text = (
        "customer_id,journey_id,touchpoint,timestamp\n"
        "c1,j1,A,2025-01-01 10:00\nc1,,B,2025-01-01 10:01\nc1,j1,C,2025-01-01 10:02\n"
    )
    log = jm.read_log(write(tmp_path, "log.csv", text), journey="journey_id")
    assert log.quality.events_used == 2
    assert log.quality.left_out["missing journey id"] == 1
    assert_nothing_lost(log)


def test_dedupe_counts_exact_duplicates(tmp_path: Path, assert_nothing_lost: Any) -> None:
    text = (
        "customer_id,touchpoint,timestamp,channel\n"
        "c1,A,2025-01-01 10:00,web\n"
        "c1,A,2025-01-01 10:00,app\n"  # differs in one column: not a duplicate
        "c1,A,2025-01-01 10:00,web\n"  # duplicate of row 1
        "c1,B,2025-01-01 10:05,web\n"
        "c1,A,2025-01-01 10:00,web\n"  # duplicate of row 1
        ",C,2025-01-01 10:06,web\n"
        ",C,2025-01-01 10:06,web\n"  # duplicate, but counted once, as missing customer
    )
    path = write(tmp_path, "dups.csv", text)
    log = jm.read_log(path, dedupe=True)
    left = {k: v for k, v in log.quality.left_out.items() if v}
    assert left == {"exact duplicate": 2, "missing customer": 2}
    assert log.quality.events_used == 3
    assert_nothing_lost(log)
    assert log.to_pandas()["channel"].tolist() == ["web", "app", "web"]
    kept = jm.read_log(path)
    assert kept.quality.events_used == 5
    assert kept.quality.left_out["exact duplicate"] == 0
    assert_nothing_lost(kept)


def test_all_rows_unusable(tmp_path: Path) -> None:
    path = write(tmp_path, "log.csv", HEADER + ",A,2025-01-01 10:00\n,B,2025-01-01 11:00\n")
    message = read_error(EmptyLogError, path)
    assert_clear(message, path, "'customer_id'", "row 1")


def test_one_event_log(tmp_path: Path, assert_nothing_lost: Any) -> None:
    log = jm.read_log(write(tmp_path, "one.csv", HEADER + "c1,Visit,2025-01-01 10:00\n"))
    assert_nothing_lost(log)
    assert (log.quality.events_read, log.quality.journeys) == (1, 1)
    jmap = jm.mine(log)
    assert len(jmap.journeys) == 1
    assert len(jmap.transitions) == 0
    assert jmap.variant_count == 1
    assert jmap.variants["path"].tolist() == [("Visit",)]
    step = jmap.steps.set_index("step").loc["Visit"]
    assert (step.journeys, step.visits, step.starts, step.ends) == (1, 1, 1, 1)
    assert jmap.journeys["duration_s"].tolist() == [0.0]


# --------------------------------------------------------------------------------------------
# sources: every format gives the same log


def test_latin1_semicolon_file(tmp_path: Path, assert_nothing_lost: Any) -> None:
    names = ["Réclamation déposée", "Ça marche", "Übersicht geöffnet", "Niño", "Façade"]
    lines = ["CustomerID;Touchpoint;ContactDate"]
    lines += [f"c1;{n};2025-01-0{i + 1}" for i, n in enumerate(names)]
    path = write(tmp_path, "klachten.csv", ("\r\n".join(lines) + "\r\n").encode("latin-1"))
    log = jm.read_log(path)
    assert_nothing_lost(log)
    assert log.quality.events_used == len(names)
    assert jm.mine(log).variants["path"].tolist() == [tuple(names)]
    # the same with encoding and separator given
    given = jm.read_log(path, sep=";", encoding="latin-1")
    assert given.to_pandas()["touchpoint"].tolist() == names


def test_windows_1252_file(tmp_path: Path, assert_nothing_lost: Any) -> None:
    """Most "latin-1" files come from Windows and hold cp1252 bytes 0x80-0x9F (€, ’, …)."""
    names = ["Prix 5 €", "l’offre", "Réponse — envoyée"]
    text = "customer_id;touchpoint;timestamp\r\n" + "".join(
        f"c1;{n};2025-01-01 1{i}:00\r\n" for i, n in enumerate(names)
    )
    path = write(tmp_path, "windows.csv", text.encode("cp1252"))
    log = jm.read_log(path)
    assert_nothing_lost(log)
    assert log.quality.events_used == 3
    got = log.to_pandas()["touchpoint"].tolist()
    # decoded as cp1252 (best) or byte for byte as latin-1, never refused
    as_latin1 = [n.encode("cp1252").decode("latin-1") for n in names]
    assert got in (names, as_latin1)


def test_utf16_file_with_bom(tmp_path: Path, assert_nothing_lost: Any) -> None:
    """Excel's "Unicode text" export: UTF-16 with a byte-order mark, tab-separated."""
    text = "customer_id\ttouchpoint\ttimestamp\r\nc1\tCafé\t2025-01-01 10:00\r\n"
    text += "c1\tThé\t2025-01-01 11:00\r\n"
    path = write(tmp_path, "unicode.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    log = jm.read_log(path)
    assert_nothing_lost(log)
    assert log.to_pandas()["touchpoint"].tolist() == ["Café", "Thé"]


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separator_is_detected(tmp_path: Path, sep: str) -> None:
    rows = [("c1", "A", "2025-01-01 10:00"), ("c1", "B", "2025-01-01 11:00")]
    path = tmp_path / "log.txt"
    frame(rows).to_csv(path, sep=sep, index=False)
    assert jm.mine(jm.read_log(path)).variants["path"].tolist() == [("A", "B")]


SOURCE_KINDS = ["csv", "tsv", "csv.gz", "parquet", "jsonl", "dataframe"]

# A small log with ties and rows out of time order: the expected result by hand.
#   c1: A 10:00, B 10:00, C 10:00 (ties: file order), D 09:00 (earlier: goes first)
#   c2: B 12:00, A 11:00, C 12:00 (tie with B: file order B, C)
TIES = [
    ("c1", "A", "2025-01-01 10:00:00"),
    ("c2", "B", "2025-01-01 12:00:00"),
    ("c1", "B", "2025-01-01 10:00:00"),
    ("c2", "A", "2025-01-01 11:00:00"),
    ("c1", "C", "2025-01-01 10:00:00"),
    ("c1", "D", "2025-01-01 09:00:00"),
    ("c2", "C", "2025-01-01 12:00:00"),
]
TIES_PATHS = Counter({("c1", ("D", "A", "B", "C")): 1, ("c2", ("A", "B", "C")): 1})
TIES_DFG = {("D", "A"): 1, ("A", "B"): 2, ("B", "C"): 2}


@pytest.mark.parametrize("kind", SOURCE_KINDS)
def test_equal_timestamps_keep_file_order(
    tmp_path: Path, kind: str, assert_nothing_lost: Any
) -> None:
    log = jm.read_log(to_source(frame(TIES), kind, tmp_path))
    assert_nothing_lost(log)
    jmap = jm.mine(log)
    assert journey_paths(jmap) == TIES_PATHS
    assert transitions(jmap) == TIES_DFG
    # and the report says so
    assert any("equal timestamps" in note.lower() for note in log.quality.notes)


def test_dataframe_order_is_row_order_not_index(assert_nothing_lost: Any) -> None:
    df = frame(TIES)
    df.index = [70, 3, 55, 1, 9, 42, 0]  # e.g. after filtering or shuffling
    log = jm.read_log(df)
    assert_nothing_lost(log)
    assert journey_paths(jm.mine(log)) == TIES_PATHS


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", ["log.xes", "log.xes.gz"])
def test_xes_written_by_pm4py(tmp_path: Path, name: str, assert_nothing_lost: Any) -> None:
    pm4py = pytest.importorskip("pm4py")
    df = frame(TIES).rename(
        columns={
            "customer_id": "case:concept:name",
            "touchpoint": "concept:name",
            "timestamp": "time:timestamp",
        }
    )
    df["time:timestamp"] = pd.to_datetime(df["time:timestamp"]).dt.tz_localize("UTC")
    df["channel"] = "web"
    plain = tmp_path / "written.xes"
    # the line-by-line writer: the same file whatever optional pm4py backends are installed
    pm4py.write_xes(df, str(plain), variant_str="line_by_line")
    path = tmp_path / name
    path.write_bytes(
        gzip.compress(plain.read_bytes()) if name.endswith(".gz") else plain.read_bytes()
    )
    log = jm.read_log(path)
    assert_nothing_lost(log)
    assert log.quality.events_read == len(TIES)
    assert (log.mapping.case, log.mapping.touchpoint, log.mapping.timestamp) == (
        "case:concept:name",
        "concept:name",
        "time:timestamp",
    )
    jmap = jm.mine(log)
    assert journey_paths(jmap) == TIES_PATHS
    assert transitions(jmap) == TIES_DFG


def _big_tied_log(n: int = 200_000, seed: int = 7) -> tuple[pd.DataFrame, dict, Counter]:
    """~200k events in 5 journeys, interleaved in the file, out of time order, with only 30
    distinct times per journey (thousands of events share each timestamp). Expected answers
    come from an explicit stable sort by (customer, time, file row)."""
    rng = np.random.default_rng(seed)
    customers = np.array([f"c{i}" for i in range(5)])
    steps = np.array([f"step {i:02d}" for i in range(12)])
    cust = rng.integers(0, len(customers), n)
    tp = rng.integers(0, len(steps), n)
    minute = rng.integers(0, 30, n)
    times = pd.Timestamp("2025-01-01 08:00") + pd.to_timedelta(minute, unit="min")
    df = pd.DataFrame(
        {
            "customer_id": customers[cust],
            "touchpoint": steps[tp],
            "timestamp": times.strftime("%Y-%m-%d %H:%M:%S"),
        }
    )
    order = np.lexsort((np.arange(n), minute, cust))
    c_sorted, t_sorted = cust[order], tp[order]
    same = c_sorted[1:] == c_sorted[:-1]
    dfg = Counter(zip(steps[t_sorted[:-1][same]], steps[t_sorted[1:][same]], strict=True))
    paths = Counter(
        (customers[c], tuple(steps[t_sorted[c_sorted == c]])) for c in range(len(customers))
    )
    return df, dict(dfg), paths


@pytest.fixture(scope="module")
def big_tied_log() -> tuple[pd.DataFrame, dict, Counter]:
    return _big_tied_log()


@pytest.mark.parametrize("kind", ["csv", "parquet", "jsonl", "dataframe"])
def test_large_log_with_ties_keeps_file_order(
    tmp_path: Path, kind: str, big_tied_log: Any, assert_nothing_lost: Any
) -> None:
    df, dfg, paths = big_tied_log
    log = jm.read_log(to_source(df, kind, tmp_path))
    assert_nothing_lost(log)
    assert log.quality.events_used == len(df)
    jmap = jm.mine(log, top_variants=None)
    assert transitions(jmap) == dfg
    assert journey_paths(jmap) == paths


# --------------------------------------------------------------------------------------------
# journeys


GAP_ROWS = [
    ("c1", "A", "2025-01-01 10:00:00"),
    ("c2", "A", "2025-01-01 10:00:00"),
    ("c1", "B", "2025-01-01 11:00:00"),  # 1 h after A
    ("c1", "C", "2025-01-01 13:00:00"),  # exactly 2 h after B: same journey
    ("c2", "B", "2025-01-01 12:00:01"),  # 2 h 0 min 1 s after A: new journey
    ("c1", "D", "2025-01-01 15:01:00"),  # 2 h 1 min after C: new journey
    ("c1", "E", "2025-01-01 15:30:00"),
]


@pytest.mark.parametrize("gap", ["2h", "120m", 7200])
def test_gap_splits_journeys(tmp_path: Path, gap: Any, assert_nothing_lost: Any) -> None:
    log = jm.read_log(to_source(frame(GAP_ROWS), "csv", tmp_path), gap=gap)
    assert_nothing_lost(log)
    assert log.quality.journeys == 4
    assert log.quality.customers == 2
    jmap = jm.mine(log)
    assert journey_paths(jmap) == Counter(
        {
            ("c1", ("A", "B", "C")): 1,
            ("c1", ("D", "E")): 1,
            ("c2", ("A",)): 1,
            ("c2", ("B",)): 1,
        }
    )
    assert transitions(jmap) == {("A", "B"): 1, ("B", "C"): 1, ("D", "E"): 1}
    durations = sorted(jmap.journeys["duration_s"].tolist())
    assert durations == [0.0, 0.0, 1740.0, 10800.0]


def test_without_gap_one_journey_per_customer(tmp_path: Path) -> None:
    jmap = jm.mine(jm.read_log(to_source(frame(GAP_ROWS), "csv", tmp_path)))
    assert journey_paths(jmap) == Counter(
        {("c1", ("A", "B", "C", "D", "E")): 1, ("c2", ("A", "B")): 1}
    )


def test_journey_column_wins_over_gap(tmp_path: Path) -> None:
    df = frame(GAP_ROWS)
    df["journey_id"] = ["j1", "j2", "j1", "j3", "j2", "j3", "j3"]
    log = jm.read_log(to_source(df, "csv", tmp_path), journey="journey_id", gap="2h")
    jmap = jm.mine(log)
    assert journey_paths(jmap) == Counter(
        {("c1", ("A", "B")): 1, ("c2", ("A", "B")): 1, ("c1", ("C", "D", "E")): 1}
    )
    assert sorted(jmap.journeys["journey"]) == ["j1", "j2", "j3"]


# --------------------------------------------------------------------------------------------
# names are data: never interpreted


AWKWARD = [
    "<script>alert(1)</script>",
    'a "quoted" step',
    "back\\slash",
    "=cmd|' /C calc'!A0",
    "=1+2",
    "+SUM(A1)",
    "-2+3",
    "@SUM(1)",
    "semi;colon, comma",
    "tab\there",
    "naïve ✓ 🚀",
    "{{ jinja }} ${shell} %s",
]


@pytest.mark.parametrize("kind", ["csv", "parquet", "jsonl", "dataframe"])
def test_awkward_names_survive_unchanged(
    tmp_path: Path, kind: str, assert_nothing_lost: Any
) -> None:
    rows = [("c1", name, f"2025-01-01 10:{i:02d}:00") for i, name in enumerate(AWKWARD)]
    if kind == "csv":  # written by the csv module: quoted only where CSV needs it
        path = tmp_path / "log.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["customer_id", "touchpoint", "timestamp"])
            writer.writerows(rows)
        source: Any = path
    else:
        source = to_source(frame(rows), kind, tmp_path)
    log = jm.read_log(source)
    assert_nothing_lost(log)
    jmap = jm.mine(log)
    assert jmap.variants["path"].tolist() == [tuple(AWKWARD)]
    assert set(jmap.steps["step"]) == set(AWKWARD)
    assert transitions(jmap) == {(a, b): 1 for a, b in itertools.pairwise(AWKWARD)}


def test_formula_cells_are_plain_text(tmp_path: Path) -> None:
    """CSV formula cells are text in, text out: never evaluated, never altered."""
    text = HEADER + "c1,=cmd|' /C calc'!A0,2025-01-01 10:00\nc1,\"=1+2\",2025-01-01 11:00\n"
    path = write(tmp_path, "formulas.csv", text)
    events = jm.read_log(path).to_pandas()
    assert events["touchpoint"].tolist() == ["=cmd|' /C calc'!A0", "=1+2"]


# --------------------------------------------------------------------------------------------
# the command line: one line on stderr, exit status 2


def _cli() -> list[str]:
    exe = shutil.which("journeymap")
    return [exe] if exe else [sys.executable, "-m", "journeymap"]


CLI_BAD_INPUTS = [
    "missing",
    "folder",
    "empty",
    "header",
    "column",
    "ambiguous",
    "timestamps",
    "timezones",
    "binary",
    "xxe",
    "wrong-encoding",
]


def _bad_inputs(folder: Path) -> dict[str, tuple[Path, list[str]]]:
    """Each bad input of the command line: the path and any extra options."""
    secret = write(folder, "secret.txt", "TOP-SECRET-7f3a9c")
    folder_input = folder / "a_folder"
    folder_input.mkdir()
    latin = write(folder, "latin.csv", "c;t;d\nc1;é;2025\n".encode("latin-1"))
    files = {
        "missing": folder / "does_not_exist.csv",
        "folder": folder_input,
        "empty": write(folder, "empty.csv", ""),
        "header": write(folder, "header.csv", HEADER),
        "column": write(folder, "column.csv", "customer_id,touchpoint,when\nc1,A,2025-01-01\n"),
        "ambiguous": write(
            folder, "ambiguous.csv", "customer_id,user_id,touchpoint,timestamp\nc,u,A,2025-01-01\n"
        ),
        "timestamps": write(folder, "ts.csv", HEADER + "c1,A,yesterday\nc1,B,tomorrow\n"),
        "timezones": write(folder, "tz.csv", HEADER + f"c1,A,{MIXED[0]}\nc1,B,{MIXED[1]}\n"),
        "binary": write(folder, "binary.csv", bytes(range(256)) * 8),
        "xxe": write(folder, "xxe.xes", _xes_with_entity(secret)),
    }
    inputs = {case: (path, []) for case, path in files.items()}
    inputs["wrong-encoding"] = (latin, ["--encoding", "utf-8"])
    return inputs


@pytest.fixture(scope="module")
def cli_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Path, Path, subprocess.CompletedProcess[str]]]:
    """Run ``journeymap mine BAD --out OUT`` for every bad input, four at a time (each run
    spends most of its second or two importing)."""
    folder = tmp_path_factory.mktemp("cli_bad_inputs")
    inputs = _bad_inputs(folder)

    def run(case: str) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
        path, extra = inputs[case]
        out = folder / f"out-{case}"
        result = subprocess.run(
            [*_cli(), "mine", str(path), "--out", str(out), *extra],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "COLUMNS": "60"},  # a narrow terminal: still one line
        )
        return path, out, result

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(CLI_BAD_INPUTS, pool.map(run, CLI_BAD_INPUTS), strict=True))


@pytest.mark.parametrize("case", CLI_BAD_INPUTS)
def test_cli_bad_input_is_one_line_and_exit_2(cli_runs: dict[str, Any], case: str) -> None:
    bad, out, result = cli_runs[case]
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip("\n").splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:"), result.stderr
    assert bad.name in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert "TOP-SECRET" not in result.stderr + result.stdout
    assert not (out / "steps.csv").exists()


def test_cli_output_keeps_awkward_names(tmp_path: Path) -> None:
    rows = [("c1", name, f"2025-01-01 10:{i:02d}:00") for i, name in enumerate(AWKWARD)]
    path = tmp_path / "log.csv"
    frame(rows).to_csv(path, index=False)
    out = tmp_path / "out"
    result = subprocess.run(
        [*_cli(), "mine", str(path), "--out", str(out)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    steps = pd.read_csv(out / "steps.csv", keep_default_na=False, dtype=str)
    assert set(steps["step"]) == set(AWKWARD)
    quality = json.loads((out / "quality.json").read_text())
    assert quality["events_read"] == quality["events_used"] + quality["events_left_out"]
