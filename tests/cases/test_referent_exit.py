"""The referent records the exit too, with the reason and the situation at exit, which the
indicators count (issue 18); a partner never can."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.cases.indicators import Period, compute
from solidarite.cases.models import ExitSituation, FileStatus
from tests.factories import OrganisationFactory, active_file, user_with_role

pytestmark = pytest.mark.django_db


def test_the_referent_records_the_exit_and_its_situation(client: Client) -> None:
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    referent = user_with_role(Role.REFERENT, ccas)
    file = active_file(ccas, referent)
    client.force_login(referent)
    page = client.get(reverse("cases_file", args=[file.pk])).content.decode()
    assert "Situation à la sortie" in page  # the exit form is offered to the referent
    data = {"reason": "employment", "situation": ExitSituation.LASTING_JOB, "confirmed": "1"}
    client.post(reverse("cases_file_close", args=[file.pk]), data)
    file.refresh_from_db()
    assert (file.status, file.exit_situation) == (FileStatus.CLOSED, ExitSituation.LASTING_JOB)
    today = dt.date.today()
    result = compute(Period("aide_jeunes_besancon", today.replace(day=1), today))
    assert result.situations[ExitSituation.LASTING_JOB] == 1
    assert ("exit_situation_lasting_job", "< 5") in result.published().rows()


def test_a_partner_cannot_record_an_exit(client: Client) -> None:
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    file = active_file(ccas)
    client.force_login(user_with_role(Role.REFERRING_PARTNER))
    data = {"reason": "employment", "situation": "lasting_job", "confirmed": "1"}
    assert client.post(reverse("cases_file_close", args=[file.pk]), data).status_code == 404
    file.refresh_from_db()
    assert file.status == FileStatus.ACTIVE
