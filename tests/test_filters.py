"""``filter_log`` on a hand-made log: journeys kept whole, every left-out event counted.

journey  events (time on the day, channel, segment)                     first event
j1       Visit 03-01 09:00 web new, Call 03-01 10:00 phone new          03-01
j2       Visit 03-02 09:00 web loyal, Buy 03-02 09:30 web loyal         03-02
j3       Visit 03-31 23:00 app new, Buy 04-01 01:00 app new             03-31 (ends in April)
j4       Visit 04-02 08:00 web loyal, Call 04-02 09:00 phone loyal,
         Buy 04-02 10:00 web loyal                                      04-02
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import journeymap as jm
from journeymap.errors import EmptyLogError, JourneymapError, ParameterError
from journeymap.mining.filters import REASON_CHANNEL, REASON_DATE, REASON_JOURNEY

ROWS = [
    ("j1", "Visit", "2025-03-01 09:00", "web", "new", "north"),
    ("j1", "Call", "2025-03-01 10:00", "phone", "new", "north"),
    ("j2", "Visit", "2025-03-02 09:00", "web", "loyal", "south"),
    ("j2", "Buy", "2025-03-02 09:30", "web", "loyal", "south"),
    ("j3", "Visit", "2025-03-31 23:00", "app", "new", "south"),
    ("j3", "Buy", "2025-04-01 01:00", "app", "new", "south"),
    ("j4", "Visit", "2025-04-02 08:00", "web", "loyal", "north"),
    ("j4", "Call", "2025-04-02 09:00", "phone", "loyal", "north"),
    ("j4", "Buy", "2025-04-02 10:00", "web", "loyal", "north"),
]
ATTR_REASON = "filtered out: no event with {} in the chosen values"


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        ROWS, columns=["customer_id", "touchpoint", "timestamp", "channel", "segment", "region"]
    )


@pytest.fixture(scope="module")
def log() -> jm.EventLog:
    return jm.read_log(frame())


def journeys_of(log: jm.EventLog) -> list[str]:
    return sorted(log.to_pandas()["journey"].unique())


def check_invariant(filtered: jm.EventLog, original: jm.EventLog) -> None:
    q = filtered.quality
    assert q.events_read == original.quality.events_read
    assert q.events_read == q.events_used + q.events_left_out
    assert len(filtered) == len(filtered.to_pandas())


def test_no_filter_returns_the_log(log: jm.EventLog) -> None:
    assert jm.filter_log(log) is log


def test_date_range_keeps_journeys_by_first_event_whole(log: jm.EventLog) -> None:
    march = jm.filter_log(log, start="2025-03-01", end="2025-03-31")
    assert journeys_of(march) == ["j1", "j2", "j3"]
    # j3 starts on the 31st (kept: a bare end date covers its day) and keeps its April event
    assert march.to_pandas().query("journey == 'j3'")["touchpoint"].tolist() == ["Visit", "Buy"]
    assert march.quality.left_out[REASON_DATE] == 3
    assert march.quality.journeys == 3
    assert march.quality.first_event == "2025-03-01 09:00:00"
    assert march.quality.last_event == "2025-04-01 01:00:00"
    check_invariant(march, log)


def test_date_bounds_accept_dates_and_timestamps(log: jm.EventLog) -> None:
    assert journeys_of(jm.filter_log(log, start=dt.date(2025, 3, 2))) == ["j2", "j3", "j4"]
    assert journeys_of(jm.filter_log(log, end=dt.datetime(2025, 3, 2, 9, 0))) == ["j1", "j2"]
    assert journeys_of(jm.filter_log(log, end="2025-03-02 08:59")) == ["j1"]
    # an aware bound is converted to the log's UTC: 10:00+01:00 is 09:00 UTC
    assert journeys_of(jm.filter_log(log, end="2025-03-02T10:00+01:00")) == ["j1", "j2"]


def test_channel_keeps_whole_journeys_with_one_matching_event(log: jm.EventLog) -> None:
    phone = jm.filter_log(log, channels=["phone"])
    assert journeys_of(phone) == ["j1", "j4"]
    events = phone.to_pandas()
    assert set(events["channel"]) == {"web", "phone"}  # the web events of j1 and j4 stay
    assert phone.quality.left_out[REASON_CHANNEL] == 4
    assert phone.quality.channels == 2
    check_invariant(phone, log)


def test_attributes_or_within_a_column_and_across_columns(log: jm.EventLog) -> None:
    assert journeys_of(jm.filter_log(log, attributes={"segment": ["new"]})) == ["j1", "j3"]
    both = jm.filter_log(log, attributes={"segment": ["new", "loyal"]})
    assert journeys_of(both) == ["j1", "j2", "j3", "j4"]
    new_south = jm.filter_log(log, attributes={"segment": ["new"], "region": ["south"]})
    assert journeys_of(new_south) == ["j3"]
    left = new_south.quality.left_out
    assert left[ATTR_REASON.format("segment")] == 5  # j2, j4
    assert left[ATTR_REASON.format("region")] == 2  # j1 (counted once, under segment first)
    check_invariant(new_south, log)


def test_filters_combine_and_each_event_counts_once(log: jm.EventLog) -> None:
    out = jm.filter_log(log, end="2025-03-31", channels=["web"], attributes={"segment": ["new"]})
    assert journeys_of(out) == ["j1"]
    left = out.quality.left_out
    assert left[REASON_DATE] == 3  # j4
    assert left[REASON_CHANNEL] == 2  # j3 (app only)
    assert left[ATTR_REASON.format("segment")] == 2  # j2
    check_invariant(out, log)


def test_role_columns_can_be_filtered_by_source_name(log: jm.EventLog) -> None:
    assert journeys_of(jm.filter_log(log, attributes={"channel": ["app"]})) == ["j3"]
    assert journeys_of(jm.filter_log(log, attributes={"touchpoint": ["Call"]})) == ["j1", "j4"]


def test_journeys_filter_and_filtering_a_filtered_log(log: jm.EventLog) -> None:
    two = jm.filter_log(log, journeys=["j2", "j4"])
    assert journeys_of(two) == ["j2", "j4"]
    assert two.quality.left_out[REASON_JOURNEY] == 4
    one = jm.filter_log(two, channels=["phone"])
    assert journeys_of(one) == ["j4"]
    check_invariant(one, log)


def test_report_counts_customers_of_journeys_with_several_customers() -> None:
    # j1 holds customers a and b; a filter keeping j1 and j2 keeps three customers
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "c"],
            "journey_id": ["j1", "j1", "j2", "j3"],
            "touchpoint": ["V", "B", "V", "B"],
            "timestamp": ["2025-01-01 10:00", "2025-01-01 11:00", "2025-01-02 09:00",
                          "2025-01-03 09:00"],
            "channel": ["web", "app", "web", "app"],
        }
    )  # fmt: skip
    web = jm.filter_log(jm.read_log(df, journey="journey_id"), channels=["web"])
    q = web.quality
    assert (q.journeys, q.customers, q.touchpoints, q.channels) == (2, 3, 2, 2)
    assert (q.first_event, q.last_event) == ("2025-01-01 10:00:00", "2025-01-02 09:00:00")


def test_mining_a_filtered_log_equals_mining_the_subset(log: jm.EventLog) -> None:
    filtered = jm.mine(jm.filter_log(log, channels=["phone"]), goal="Buy", horizon="1h")
    subset = frame().query("customer_id in ['j1', 'j4']")
    direct = jm.mine(jm.read_log(subset), goal="Buy", horizon="1h")
    pd.testing.assert_frame_equal(filtered.steps, direct.steps)
    pd.testing.assert_frame_equal(filtered.transitions, direct.transitions)
    pd.testing.assert_frame_equal(filtered.journeys, direct.journeys)
    assert filtered.variants["path"].tolist() == direct.variants["path"].tolist()


def test_attribute_values(log: jm.EventLog) -> None:
    seg = jm.attribute_values(log, "segment")
    assert seg.to_dict("records") == [
        {"value": "loyal", "events": 5, "journeys": 2},
        {"value": "new", "events": 4, "journeys": 2},
    ]
    assert jm.attribute_values(log, "channel", limit=1)["value"].tolist() == ["web"]


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"attributes": {"segmnt": ["new"]}}, ParameterError, "Did you mean 'segment'"),
        ({"start": "2025-04-01", "end": "2025-03-01"}, ParameterError, "must not be after"),
        ({"start": "first of March"}, ParameterError, "'2025-03-31'"),
        ({"channels": ["fax"]}, EmptyLogError, "no journey matches"),
    ],
)
def test_clear_errors(log: jm.EventLog, kwargs: dict, error: type, words: str) -> None:
    with pytest.raises(error, match=words) as info:
        jm.filter_log(log, **kwargs)
    assert isinstance(info.value, JourneymapError)


def test_channels_need_a_channel_column() -> None:
    no_channel = jm.read_log(frame().drop(columns=["channel"]))
    with pytest.raises(ParameterError, match="has none"):
        jm.filter_log(no_channel, channels=["web"])


def test_docstring_examples() -> None:
    import doctest

    from journeymap.mining import filters

    result = doctest.testmod(filters, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
