"""Shared journeys for the render tests (imported by the other test_render_* files), and
the escaping helpers' own tests."""

from __future__ import annotations

import functools
import re

import pandas as pd

import journeymap as jm
from journeymap.render._text import clean, dot_html, dot_quoted, wrap

HOSTILE = [
    "<script>alert('x')</script>",
    'Say "hello" & wave',
    "C:\\path\\to\\form",
    "Line one\nline two",
    "Pay $5 <b>now</b> {x} [y]",
    "A very long touchpoint name that keeps going well past any card width",
]


def _log(paths: list[list[tuple[str, str]]], repeat: int) -> pd.DataFrame:
    rows = []
    for k in range(repeat):
        for p, path in enumerate(paths):
            customer = f"c{k}-{p}"
            for i, (step, channel) in enumerate(path):
                ts = pd.Timestamp("2025-01-01") + pd.Timedelta(days=k, minutes=7 * i + p)
                rows.append((customer, step, channel, ts))
    return pd.DataFrame(rows, columns=["customer_id", "touchpoint", "channel", "timestamp"])


@functools.cache
def hostile_jmap() -> jm.JourneyMap:
    """A small mined map whose touchpoint names try to break every output format."""
    a, b, c, d, e, f = HOSTILE
    paths = [
        [("Visit", "web"), (a, "web"), (b, "app"), ("Done", "web")],
        [("Visit", "web"), (c, "phone"), (d, "web"), ("Done", "web")],
        [("Visit", "web"), (e, "store"), (f, "web"), (b, "app")],
        [("Visit", "web"), (a, "web"), (a, "web"), ("Done", "web")],
    ]
    log = _log(paths, repeat=5)
    return jm.mine(jm.read_log(log), goal="Done", horizon="1m")


@functools.cache
def shop_jmap() -> jm.JourneyMap:
    """A plain shop journey with a loop, a call and drop-offs."""
    w = "web"
    paths = [
        [
            ("Home", w),
            ("Search", w),
            ("Product", w),
            ("Cart", w),
            ("Pay", w),
            ("Order confirmed", w),
        ],
        [("Home", w), ("Product", w), ("Cart", w), ("Pay", w), ("Pay", w), ("Order confirmed", w)],
        [("Home", w), ("Search", w), ("Product", w), ("Cart", w)],
        [("Home", w), ("Product", w), ("Cart", w), ("Pay", w), ("Call: payment", "phone")],
        [("Home", w), ("Search", w), ("Search", w)],
        [("Ad", "social"), ("Product", w), ("Cart", w), ("Pay", w), ("Order confirmed", w)],
    ]
    rows = []
    for weight, path in zip([12, 6, 5, 3, 4, 2], paths, strict=True):
        rows.append(_log([path], repeat=weight))
    for i, frame in enumerate(rows):
        frame["customer_id"] = frame["customer_id"] + f"-{i}"
    log = pd.concat(rows, ignore_index=True)
    return jm.mine(jm.read_log(log), goal="Order confirmed", horizon="1m")


# A DOT double-quoted string: no unescaped quote inside, backslashes paired.
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def test_dot_quoted_round_trips_every_hostile_name():
    for name in HOSTILE:
        quoted = dot_quoted(name)
        match = _QUOTED.fullmatch(quoted)
        assert match, quoted
        unescaped = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), match[1])
        assert unescaped == clean(name)


def test_dot_html_leaves_no_markup():
    for name in HOSTILE:
        text = dot_html(name)
        assert "<" not in text.replace("<BR/>", "")
        assert ">" not in text.replace("<BR/>", "")
        assert '"' not in text


def test_wrap_keeps_every_character():
    name = HOSTILE[-1]
    lines = wrap(name, 12)
    assert all(len(line) <= 12 for line in lines)
    assert " ".join(lines) == name
    assert wrap("x" * 30, 10) == ["x" * 10] * 3
