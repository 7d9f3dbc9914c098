"""Issue 16, item 3: opening hours in OpenStreetMap syntax: open now, next opening, public
holidays, weekday permanences, temporary closures with their message."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solidarite.territory import hours
from solidarite.territory.hours import PARIS

PERMANENCE = "Tu 13:30-17:00; PH off"


def test_a_tuesday_permanence_is_open_on_tuesday_afternoon() -> None:
    status = hours.status(PERMANENCE, dt.datetime(2026, 11, 24, 14, 0, tzinfo=PARIS))
    assert status.open_now
    assert status.closes_at == dt.datetime(2026, 11, 24, 17, 0, tzinfo=PARIS)
    assert "17:00" in status.text


def test_closed_on_wednesday_with_the_next_tuesday_given() -> None:
    status = hours.status(PERMANENCE, dt.datetime(2026, 11, 25, 14, 0, tzinfo=PARIS))
    assert not status.open_now
    assert status.next_opening == dt.datetime(2026, 12, 1, 13, 30, tzinfo=PARIS)


def test_public_holidays_are_closed() -> None:
    # Christmas 2026 is a Friday; the next opening is Monday 28 December.
    status = hours.status(
        "Mo-Fr 09:00-12:00; PH off", dt.datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)
    )
    assert not status.open_now
    assert status.next_opening == dt.datetime(2026, 12, 28, 9, 0, tzinfo=PARIS)


def test_a_temporary_closure_wins_with_its_message_and_is_skipped() -> None:
    during = hours.status(
        "Mo-Fr 09:00-12:00",
        dt.datetime(2026, 12, 28, 10, 0, tzinfo=PARIS),
        dt.date(2026, 12, 24),
        dt.date(2027, 1, 2),
        "Fermeture de fin d'année",
    )
    assert not during.open_now
    assert during.text == "Fermeture de fin d'année"
    assert during.next_opening == dt.datetime(2027, 1, 4, 9, 0, tzinfo=PARIS)
    before = hours.status(
        "Mo-Fr 09:00-12:00",
        dt.datetime(2026, 12, 23, 13, 0, tzinfo=PARIS),
        dt.date(2026, 12, 24),
        dt.date(2027, 1, 2),
    )
    assert before.next_opening == dt.datetime(2027, 1, 4, 9, 0, tzinfo=PARIS)


def test_a_dated_permanence_that_ended_has_no_next_opening() -> None:
    status = hours.status(
        "2022 May 17-2022 Jun 28 Tu 13:30-17:00", dt.datetime(2026, 11, 24, 14, 0, tzinfo=PARIS)
    )
    assert not status.open_now
    assert status.next_opening is None


def test_unknown_hours_say_so() -> None:
    assert hours.status("").text == "Horaires non renseignés"


def test_an_invalid_expression_is_refused_with_an_example() -> None:
    with pytest.raises(hours.HoursError, match="Mo-Fr 09:00-12:00"):
        hours.check("Lu 9h-12h")


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)),
    st.sampled_from([PERMANENCE, "Mo-Fr 09:00-12:00,13:30-17:00; PH off", "Tu,Th 14:00-17:00"]),
)
def test_the_next_opening_is_in_the_future_and_open(moment: dt.datetime, expression: str) -> None:
    now = moment.replace(tzinfo=PARIS)
    status = hours.status(expression, now)
    parsed = hours.parse(expression)
    assert status.open_now == parsed.is_open(now)
    if not status.open_now and status.next_opening is not None:
        assert status.next_opening > now
        assert parsed.is_open(status.next_opening)
