"""Guess which column of a log is the customer, the touchpoint, the time, the channel...

Names are compared after lower-casing and dropping everything but letters and digits, so
``Customer ID``, ``customer_id`` and ``CustomerID`` are the same. Candidates come in tiers: a
column in a better tier wins; two columns in the same best tier make the guess ambiguous, and
ambiguity is an error that lists the candidates (a wrong guess would silently mine the wrong
journeys).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from journeymap.errors import ColumnError
from journeymap.model.eventlog import ColumnMapping

__all__ = ["CANDIDATES", "guess_mapping"]

# role -> tiers of normalised names; earlier tiers are stronger evidence.
CANDIDATES: dict[str, tuple[tuple[str, ...], ...]] = {
    "case": (
        ("caseconceptname",),
        ("customerid", "customer", "clientid", "client", "userid", "user", "caseid", "case"),
        ("accountid", "visitorid", "personid", "contactid", "memberid", "sessionid", "session"),
    ),
    "journey": (("journeyid", "journey"),),
    "touchpoint": (
        ("conceptname",),
        ("touchpoint", "touchpointname", "activity", "activityname", "step", "stepname"),
        ("event", "eventname", "eventtype", "action", "interaction", "page", "pagename", "task"),
    ),
    "timestamp": (
        ("timetimestamp",),
        ("timestamp", "eventtime", "eventtimestamp", "datetime", "occurredat", "createdat"),
        ("time", "date", "contactdate", "eventdate", "ts"),
    ),
    "channel": (
        ("channel", "casechannel", "touchpointchannel", "contactchannel", "channelname"),
        ("medium", "contactchannelid", "channelid", "source"),
    ),
    "outcome": (("outcome", "result", "caseoutcome", "status"),),
}

REQUIRED = ("case", "touchpoint", "timestamp")


def normalise(name: str) -> str:
    """Lower-case a column name and keep only letters and digits."""
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def guess_mapping(
    columns: Sequence[str],
    *,
    given: dict[str, str | None],
    source: str,
) -> ColumnMapping:
    """Build the column mapping from the user's choices and guesses for the rest.

    Given names must exist; required roles not given are guessed; optional roles (channel,
    journey, outcome) are guessed only when a column's name makes it unmistakable.

    >>> m = guess_mapping(["CustomerID", "Activity", "Time"], given={}, source="x.csv")
    >>> (m.case, m.touchpoint, m.timestamp, m.guessed)
    ('CustomerID', 'Activity', 'Time', ('case', 'touchpoint', 'timestamp'))
    """
    cols = [str(c) for c in columns]
    chosen: dict[str, str | None] = {}
    guessed: list[str] = []
    for role, name in given.items():
        if name is None:
            continue
        if name not in cols:
            raise ColumnError(_missing_message(role, name, cols), source=source)
        chosen[role] = name

    used = set(chosen.values())
    for role in ("case", "touchpoint", "timestamp", "channel", "journey", "outcome"):
        if role in chosen:
            continue
        found = _guess_role(role, cols, used, source=source)
        if found is None:
            if role in REQUIRED:
                raise ColumnError(
                    f"no {_ROLE_WORDS[role]} column found among {_show(cols)}; "
                    f"expected a column named like {_examples(role)}. "
                    f"Fix: name it with {role}='<column>' (--{role} on the command line)",
                    source=source,
                )
            continue
        chosen[role] = found
        used.add(found)
        guessed.append(role)

    roles = {v for v in chosen.values() if v is not None}
    duplicates = [r for r in REQUIRED if list(chosen.values()).count(chosen[r]) > 1]
    if duplicates:
        raise ColumnError(
            f"column {chosen[duplicates[0]]!r} is given for more than one role "
            f"({', '.join(r for r, c in chosen.items() if c == chosen[duplicates[0]])}); "
            "each role needs its own column",
            source=source,
        )
    return ColumnMapping(
        case=str(chosen["case"]),
        touchpoint=str(chosen["touchpoint"]),
        timestamp=str(chosen["timestamp"]),
        channel=chosen.get("channel"),
        journey=chosen.get("journey"),
        outcome=chosen.get("outcome"),
        attributes=tuple(c for c in cols if c not in roles),
        guessed=tuple(guessed),
    )


_ROLE_WORDS = {
    "case": "customer (case)",
    "touchpoint": "touchpoint (activity)",
    "timestamp": "timestamp",
    "channel": "channel",
    "journey": "journey id",
    "outcome": "outcome",
}


def _guess_role(role: str, cols: list[str], used: set[str], *, source: str) -> str | None:
    free = [c for c in cols if c not in used]
    for tier in CANDIDATES[role]:
        hits = [c for c in free if normalise(c) in tier]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise ColumnError(
                f"cannot tell which column is the {_ROLE_WORDS[role]}: candidates "
                f"{_show(hits)}. Fix: choose one with {role}='{hits[0]}' "
                f"(--{role} on the command line)",
                source=source,
            )
    return None


def _missing_message(role: str, name: str, cols: list[str]) -> str:
    from journeymap._validation import closest

    near = closest(name, cols)
    hint = f"; did you mean {_show(near)}?" if near else ""
    return f"the {role} column {name!r} is not in the log (columns: {_show(cols)}){hint}"


def _examples(role: str) -> str:
    names = {
        "case": "customer_id, user_id, case:concept:name",
        "touchpoint": "touchpoint, activity, event, concept:name",
        "timestamp": "timestamp, time, date, time:timestamp",
    }
    return names.get(role, role)


def _show(cols: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(repr(c) for c in cols[:limit])
    return f"[{shown}{', ...' if len(cols) > limit else ''}]"
