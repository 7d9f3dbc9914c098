"""Issue 17, item 5: an administrator exports everything held about a person (HTML and JSON),
including who read their file and when; each export is itself logged; nobody else can."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.audit.models import AccessLog
from solidarite.cases.models import CaseFile
from tests.factories import OrganisationFactory, user_with_role
from tests.privacy.conftest import IDENTITY, full_story

pytestmark = pytest.mark.django_db


def test_an_admin_exports_a_persons_data_with_who_read_it(
    client: Client, ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    person = full_story(ccas, staff, clock, paid=True)
    file = CaseFile.objects.get(person=person)
    client.force_login(staff["worker"])
    client.get(reverse("cases_file", args=[file.pk]))  # a read to be reported
    client.force_login(staff["admin"])
    search = client.post(reverse("privacy_search"), {"last_name": "quatrezieux"}).content.decode()
    assert reverse("privacy_person", args=[person.pk]) in search
    page = client.get(reverse("privacy_person", args=[person.pk])).content.decode()
    assert "Dernière activité" in page
    assert "pseudonymise" in page  # paid: erasure would keep the payments
    before = AccessLog.objects.filter(via="privacy_person_export").count()
    response = client.get(reverse("privacy_person_export", args=[person.pk, "json"]))
    assert response["Content-Disposition"].endswith('.json"')
    data = json.loads(response.content)
    assert data["identity"]["last_name"] == IDENTITY["last_name"]
    assert data["identity"]["phone"] == IDENTITY["phone"]
    assert data["referrals"][0]["reason"].startswith("Zéphyrine")
    assert [f["scheme_id"] for f in data["files"]] == ["aide_jeunes_besancon"]
    assert data["files"][0]["payments"]
    assert data["files"][0]["appointments"][0]["place"] == "12 rue des Tilleuls"
    # The team's notes and the referral's notes are part of what the person may read.
    assert {n["text"] for n in data["files"][0]["notes"]} == {
        "Zéphyrine déménage rue des Tilleuls",
        "Quatrezieux était absente",
    }
    assert data["referrals"][0]["notes"][0]["text"].startswith("Zéphyrine joignable")
    assert data["bank_account"]["iban_masked"].startswith("FR76")
    assert any(read["by"] == staff["worker"].get_full_name() for read in data["access_log"])
    html = client.get(reverse("privacy_person_export", args=[person.pk, "html"])).content.decode()
    assert "Quatrezieux" in html
    assert "Qui a consulté vos données" in html
    assert AccessLog.objects.filter(via="privacy_person_export").count() == before + 2


def test_nobody_else_exports_or_erases(
    client: Client, ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    person = full_story(ccas, staff, clock, paid=False)
    other_admin = user_with_role(
        Role.ADMIN, OrganisationFactory(name="CCAS de Dole", kind=OrganisationKind.CCAS)
    )
    for user in (other_admin, staff["referent"], staff["preparer"]):
        client.force_login(user)
        for url in (
            reverse("privacy_person", args=[person.pk]),
            reverse("privacy_person_export", args=[person.pk, "json"]),
        ):
            assert client.get(url).status_code == 404, (user, url)
        response = client.post(
            reverse("privacy_person_erase", args=[person.pk]), {"reason": "x", "confirm": "on"}
        )
        assert response.status_code == 404
    person.refresh_from_db()
    assert person.first_name == IDENTITY["first_name"]


def test_the_export_command_writes_the_file_and_logs_it(
    tmp_path: Path, ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    person = full_story(ccas, staff, clock, paid=False)
    target = tmp_path / "export.json"
    call_command("export_person", str(person.pk), "--out", str(target), stdout=StringIO())
    assert json.loads(target.read_text())["identity"]["email"] == IDENTITY["email"]
    assert oct(target.stat().st_mode)[-3:] == "600"
    assert AccessLog.objects.filter(via="export_person", object_pk=str(person.pk)).exists()
