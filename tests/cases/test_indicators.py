"""Evaluation indicators on a small, fully known caseload, and their CSV export."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.cases import follow_up, indicators
from solidarite.cases.models import (
    AppointmentStatus,
    Attendance,
    Domain,
    ExitReason,
    Workshop,
)
from solidarite.contracts.workflow import close
from tests.factories import OrganisationFactory, active_file, user_with_role

pytestmark = pytest.mark.django_db
SCHEME = "aide_jeunes_besancon"
D = dt.date


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


@pytest.fixture
def caseload():  # type: ignore[no-untyped-def]
    """Three files in 2026: A (Planoise) from January, out for employment on 30 April with a
    held appointment every month; B (Planoise) from March, still active, no appointment in
    April; C (Battant) entered in 2025, still active."""
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    referent = user_with_role(Role.REFERENT, ccas)
    a = active_file(ccas, referent, first_name="A", started_on=D(2026, 1, 10))
    b = active_file(ccas, referent, first_name="B", started_on=D(2026, 3, 5))
    c = active_file(ccas, referent, first_name="C", area="Battant", started_on=D(2025, 11, 2))
    for month in (1, 2, 3, 4):
        appointment = follow_up.book_appointment(a, referent, _at(D(2026, month, 15)), 45, "")
        follow_up.record_appointment(appointment, AppointmentStatus.HELD)
    follow_up.record_appointment(
        follow_up.book_appointment(b, referent, _at(D(2026, 3, 20)), 45, ""),
        AppointmentStatus.HELD,
    )
    workshop = Workshop.objects.create(
        organisation=ccas,
        title="CV",
        domain=Domain.JOB_SEARCH,
        starts_at=_at(D(2026, 3, 25)),
        place="CCAS",
        capacity=10,
    )
    for file, attendance in ((a, Attendance.PRESENT), (b, Attendance.ABSENT), (c, "present")):
        registration = follow_up.register(workshop, file)
        follow_up.record_attendance(registration, Attendance(attendance))
    close(a, None, ExitReason.EMPLOYMENT, on=D(2026, 4, 30))
    return {"a": a, "b": b, "c": c, "ccas": ccas}


def test_indicators_for_a_period_and_an_area(caseload) -> None:  # type: ignore[no-untyped-def]
    result = indicators.compute(
        indicators.Period(SCHEME, D(2026, 1, 1), D(2026, 4, 30), "Planoise")
    )
    assert result.entries == 2
    assert result.active == 2
    assert result.exits["employment"] == 1
    assert sum(result.exits.values()) == 1
    assert result.average_duration_months == round(110 / 30.44, 2)
    assert result.regular_share == 0.5  # A every month; B missed April
    assert result.attendance_rate == 0.5  # A present, B absent (C is in Battant)

    everywhere = indicators.compute(indicators.Period(SCHEME, D(2026, 1, 1), D(2026, 4, 30)))
    assert everywhere.entries == 2
    assert everywhere.active == 3
    assert everywhere.attendance_rate == pytest.approx(2 / 3)


def test_a_period_without_activity_has_no_rates(caseload) -> None:  # type: ignore[no-untyped-def]
    result = indicators.compute(indicators.Period(SCHEME, D(2024, 1, 1), D(2024, 12, 31)))
    assert result.active == 0
    assert result.regular_share is None
    assert result.average_duration_months is None


def test_viewer_reads_indicators_and_downloads_csv(client: Client, caseload) -> None:  # type: ignore[no-untyped-def]
    """Small counts never single out a person: 2 entries read "< 5" on the page and in the CSV,
    and a rate over 2 workshop registrations is not shown at all."""
    client.force_login(user_with_role(Role.VIEWER, caseload["ccas"]))
    query = f"scheme_id={SCHEME}&start=2026-01-01&end=2026-04-30&area=Planoise"
    page = client.get(reverse("cases_indicators") + "?" + query).content.decode()
    assert '<td data-indicator="entries">&lt; 5</td>' in page
    assert "A Exemple" not in page
    response = client.get(reverse("cases_indicators") + "?" + query + "&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    values = {row["indicator"]: row["value"] for row in rows}
    assert values["entries"] == "< 5"
    assert values["exits_employment"] == "< 5"
    assert values["workshop_attendance_rate"] == ""
    assert values["share_with_monthly_appointment"] == ""
    assert {row["area"] for row in rows} == {"Planoise"}


def test_an_inverted_period_is_a_form_error(client: Client, caseload) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user_with_role(Role.VIEWER, caseload["ccas"]))
    page = client.get(
        reverse("cases_indicators") + f"?scheme_id={SCHEME}&start=2026-05-01&end=2026-01-01"
    )
    assert page.status_code == 200
    assert "La fin de la période précède son début" in page.content.decode()


def test_monthly_trends_mask_small_months_and_their_money(client: Client) -> None:
    """Issue 18, elected viewer: month by month, active files and money paid, a chart with its
    table; a month with fewer than 5 files paid shows no amount."""
    from decimal import Decimal

    from solidarite.payments.models import Envelope, Payment, PaymentStatus
    from solidarite.reporting import trends

    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    envelope = Envelope.objects.create(
        scheme_id=SCHEME,
        label="Enveloppe",
        amount=Decimal("100000"),
        starts_on=D(2026, 1, 1),
        ends_on=D(2026, 12, 31),
        owner=ccas,
    )
    files = [active_file(ccas, first_name=f"P{n}", started_on=D(2026, 2, 1)) for n in range(6)]
    for month, paid in ((D(2026, 2, 1), files), (D(2026, 3, 1), files[:3])):
        for file in paid:
            Payment.objects.create(
                file=file,
                envelope=envelope,
                month=month,
                due_on=month,
                amount=Decimal("500"),
                status=PaymentStatus.PAID,
            )
    months = trends.monthly(indicators.Period(SCHEME, D(2026, 1, 1), D(2026, 3, 31)))
    january, february, march = months
    assert (january.active_text, february.active_text, march.active_text) == ("< 5", "6", "6")
    assert february.paid_shown == Decimal("3000")
    assert march.paid_shown is None  # 3 files paid: not shown
    assert trends.total_paid(months) == Decimal("4500")
    chart = trends.chart(months)
    assert [bar.month for bar in chart.bars] == [D(2026, 2, 1), D(2026, 3, 1)]
    viewer = user_with_role(Role.VIEWER, ccas)
    client.force_login(viewer)
    page = client.get(
        reverse("cases_indicators"),
        {"scheme_id": SCHEME, "start": "2026-01-01", "end": "2026-03-31"},
    ).content.decode()
    assert "Mois par mois" in page
    assert "<svg" in page
    assert "Versé sur la période" in page
