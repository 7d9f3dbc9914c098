"""Issue 16, item 4: the services bus says when it next comes, on its page, on each stop's
area, and in an iCal feed of its stops."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from icalendar import Calendar

from solidarite.territory import directory
from solidarite.territory.calendar import stops_calendar
from solidarite.territory.hours import PARIS
from solidarite.territory.models import Place
from tests.territory.conftest import TUESDAY_MORNING

pytestmark = pytest.mark.django_db
BUS = "demo-bus-des-services"


def test_the_next_stop_is_the_soonest_one(territory: Any, at: Any, client: Client) -> None:
    at(TUESDAY_MORNING)
    card = directory.card(AnonymousUser(), Place.objects.get(slug=BUS))
    assert card.next_stop is not None
    assert (card.next_stop.label, card.next_stop.area) == ("Place Cassin", "Planoise")
    assert card.next_stop.status.next_opening == dt.datetime(2026, 11, 24, 14, 0, tzinfo=PARIS)
    page = client.get(f"/annuaire/lieux/{BUS}/").content.decode()
    assert "Prochain passage" in page
    assert "Place Cassin" in page


def test_a_stops_area_lists_the_bus(territory: Any, at: Any, client: Client) -> None:
    at(TUESDAY_MORNING)
    page = client.get("/annuaire/", {"area": "besancon-battant"}).content.decode()
    assert "Bus des services" in page
    assert "Place Bacchus" in page  # the next passage in Battant, not Planoise's


def test_the_ical_feed_lists_each_stop_at_its_hours(
    territory: Any, at: Any, client: Client
) -> None:
    at(TUESDAY_MORNING)
    response = client.get(f"/annuaire/lieux/{BUS}/passages.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    days = [e.decoded("dtstart").date() for e in events]
    # Six weekly stops over eight weeks, less the Friday stop on 25 December and 1 January
    # ("PH off": French public holidays).
    assert len(events) == 6 * 8 - 2
    assert dt.date(2026, 12, 25) not in days
    assert dt.date(2027, 1, 1) not in days
    first = min(events, key=lambda e: e.decoded("dtstart"))
    assert "Place Cassin" in str(first["summary"])
    assert first.decoded("dtstart") == dt.datetime(2026, 11, 24, 14, 0, tzinfo=PARIS)
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_a_closure_removes_the_passages_it_covers(territory: Any) -> None:
    bus = Place.objects.get(slug=BUS)
    bus.closed_from, bus.closed_until = dt.date(2026, 11, 23), dt.date(2026, 11, 29)
    bus.save()
    calendar = Calendar.from_ical(stops_calendar(bus, TUESDAY_MORNING))
    starts = [e.decoded("dtstart").date() for e in calendar.walk("VEVENT")]
    assert min(starts) >= dt.date(2026, 11, 30)
