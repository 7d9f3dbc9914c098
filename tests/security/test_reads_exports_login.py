"""Issue 11, items 9-11: every list of people is an access-logged read, exports cannot attack
the spreadsheet that opens them, and login throttling cannot lock a victim out from elsewhere."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from solidarite.accounts.models import Organisation
from solidarite.audit.models import AccessLog
from solidarite.audit.services import reads_of_person
from solidarite.cases import follow_up
from solidarite.cases.models import Domain, Person
from solidarite.contracts import workflow
from solidarite.core.csv_export import FORMULA_STARTS, safe_cell
from solidarite.payments import bank, batches, in_kind
from solidarite.payments.models import ItemKind
from tests.factories import UserFactory, active_file
from tests.payments.helpers import eligible_file, envelope

pytestmark = pytest.mark.django_db
IBAN = "FR7630001007941234567890185"


def _batch_for(ccas: Organisation, people: dict[str, Any], holder: str) -> Any:
    """One signed file with bank details in a prepared March 2026 batch (the clock on 10 March)."""
    envelope(ccas, contracts=2)
    file = workflow.sign_contract(eligible_file(ccas), people["worker"], dt.date(2026, 3, 10), "X")
    bank.save_bank_account(file.person, holder, IBAN)
    return file, batches.prepare(dt.date(2026, 3, 1), people["preparer"]).batch


# 9. Every read of a person is logged, lists included ----------------------------------------


def _shown(via: str) -> set[int]:
    row = AccessLog.objects.filter(via=via).latest("pk")
    return {int(pk) for pk in row.shown_pks.strip(",").split(",")}


def test_the_caseload_and_the_dashboard_log_the_people_they_show(
    client: Client, ccas: Organisation, people: dict[str, Any]
) -> None:
    referent = people["referent"]
    files = [active_file(ccas, referent, first_name=f"P{n}") for n in range(3)]
    follow_up.add_action(
        follow_up.add_objective(files[0], referent, Domain.HEALTH, "Santé"),
        "Mutuelle",
        Domain.HEALTH,
        dt.date.today() - dt.timedelta(days=3),
        responsible_user=referent,
    )
    client.force_login(referent)
    client.get(reverse("cases_dashboard"))
    assert _shown("cases_dashboard") == {files[0].person_id}  # the overdue action names them
    before = AccessLog.objects.count()
    client.get(reverse("cases_caseload"))
    assert AccessLog.objects.count() == before + 1  # one row per page view
    assert _shown("cases_caseload") == {f.person_id for f in files}
    client.get(reverse("cases_referrals"))  # no referral: nothing shown, nothing logged
    assert AccessLog.objects.filter(via="cases_referrals").count() == 0
    for file in files:
        assert reads_of_person(file.person_id).filter(via="cases_caseload").exists()


def test_the_batch_the_stock_and_the_envelope_log_the_people_they_show(
    client: Client, ccas: Organisation, people: dict[str, Any], clock: Any
) -> None:
    clock(dt.date(2026, 3, 10))
    file, batch = _batch_for(ccas, people, "Jeune0 Exemple")
    client.force_login(people["treasurer"])
    client.get(reverse("payments_batch", args=[batch.pk]))
    assert _shown("payments_batch") == {file.person_id}
    keys = ItemKind.objects.create(organisation=ccas, name="Clé 4G", loanable=True)
    in_kind.receive(keys, 2, dt.date(2026, 1, 1), people["worker"])
    pupil = Person.objects.create(
        first_name="Élève",
        last_name="Exemple",
        birth_date=dt.date(2012, 1, 1),
        commune_code="25056",
    )
    in_kind.lend(keys, pupil, dt.date(2026, 1, 1), dt.date(2026, 2, 1), people["worker"])
    client.force_login(people["worker"])
    client.get(reverse("payments_stock"))
    assert _shown("payments_stock") == {pupil.pk}  # the overdue loan names the pupil
    client.get(reverse("payments_item_kind", args=[keys.pk]))
    assert _shown("payments_item_kind") == {pupil.pk}


# 10. Exports cannot attack the reader -------------------------------------------------------


@given(st.text(min_size=1, max_size=30))
def test_no_exported_cell_starts_like_a_formula(text: str) -> None:
    cell = safe_cell(text)
    assert isinstance(cell, str)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell.removeprefix("'") == text or cell == text


def test_a_beneficiary_named_like_a_formula_is_exported_as_text(
    ccas: Organisation, people: dict[str, Any], clock: Any
) -> None:
    clock(dt.date(2026, 3, 10))
    _file, batch = _batch_for(ccas, people, '=HYPERLINK("http://evil.example","Cliquez")')
    exported = batches.export_csv(batches.validate(batch, people["treasurer"]))
    (row,) = list(csv.DictReader(io.StringIO(exported), delimiter=";"))
    assert row["beneficiaire"].startswith("'=HYPERLINK")
    assert IBAN not in exported
    assert row["iban_masque"].endswith(IBAN[-3:])


def test_plan_and_indicator_exports_neutralise_formulas(client: Client, settings: Any) -> None:
    from solidarite.plans.models import Plan

    settings.DEBUG = True
    from solidarite.core.demo.loader import load_demo

    load_demo()
    plan = Plan.objects.first()
    assert plan is not None
    measure = plan.axes.first().measures.first()  # type: ignore[union-attr]
    measure.title = "+cmd|' /C calc'!A0"
    measure.save()
    rows = list(
        csv.reader(io.StringIO(client.get(f"/plans/{plan.slug}/export.csv").content.decode()))
    )
    assert any(cell == "'+cmd|' /C calc'!A0" for row in rows for cell in row)
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)


# 11. Login throttling that cannot lock out a victim -----------------------------------------


def _login(client: Client, username: str, password: str, **meta: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


def test_an_attacker_elsewhere_cannot_lock_the_victim_out(client: Client) -> None:
    UserFactory(username="victime", password="correct horse battery")
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(django_settings.AXES_FAILURE_LIMIT + 2):
        _login(client, "victime", "guess", **attacker)
    assert _login(client, "victime", "correct horse battery", **attacker).status_code == 429
    victim = Client()
    response = _login(victim, "victime", "correct horse battery", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


@override_settings(SOLIDARITE_TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_the_trusted_proxy_the_forwarded_address_counts_and_spoofing_does_not() -> None:
    UserFactory(username="victime", password="correct horse battery")
    attacker = Client()
    via_proxy = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for _ in range(django_settings.AXES_FAILURE_LIMIT + 1):
        _login(attacker, "victime", "guess", **via_proxy)
    # the victim reaches the same proxy from their own address: not locked
    victim = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert _login(Client(), "victime", "correct horse battery", **victim).status_code == 302
    # an attacker who is not the proxy cannot pose as the victim's address
    spoof = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert _login(Client(), "victime", "correct horse battery", **spoof).status_code == 429


@override_settings(SOLIDARITE_LOGIN_FAILURES_PER_ADDRESS=8)
def test_one_address_trying_many_usernames_is_slowed_down() -> None:
    UserFactory(username="marie", password="correct horse battery")
    sprayer = Client()
    for n in range(8):
        _login(sprayer, f"user{n}", "password123", REMOTE_ADDR="203.0.113.50")
    response = _login(sprayer, "marie", "correct horse battery", REMOTE_ADDR="203.0.113.50")
    assert response.status_code == 429
    assert (
        _login(Client(), "marie", "correct horse battery", REMOTE_ADDR="198.51.100.1").status_code
        == 302
    )
