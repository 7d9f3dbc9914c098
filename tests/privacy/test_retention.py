"""Issue 17, items 1-4 and 9: the policy as reviewed data, last activity, the warning before the
end with a legal hold, `apply_retention` (dry run, --apply, idempotent), and the public page."""

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from solidarite.accounts.models import Organisation
from solidarite.audit.models import AccessLog
from solidarite.cases.models import CaseFile, Person
from solidarite.payments.models import BankAccount
from solidarite.privacy import retention
from solidarite.privacy.activity import last_activity
from solidarite.privacy.models import LegalHold, RetentionOverride
from solidarite.privacy.policy import KINDS, load_policy, policy
from solidarite.rules.errors import CatalogError
from tests.factories import active_file
from tests.privacy.conftest import full_story

pytestmark = pytest.mark.django_db
EXIT = dt.date(2026, 1, 31)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def _count(output: str, kind: str) -> int:
    line = next(line for line in output.splitlines() if line.split()[:1] == [kind])
    return int(line.split()[-1])


# 1. The policy as reviewed data -----------------------------------------------------------


def test_the_policy_has_one_rule_per_kind_with_its_basis() -> None:
    rules = {rule.kind: rule for rule in policy().rules}
    assert set(rules) == set(KINDS)
    assert (rules["person"].months, rules["person"].end) == (24, "anonymise")
    assert rules["access_log"].months == 12
    assert (rules["payments"].months, rules["payments"].end) == (120, "delete")
    assert all(rule.legal_basis.fr and rule.legal_basis.en for rule in rules.values())


def test_a_rule_longer_than_the_law_does_not_load(tmp_path: Path) -> None:
    source = Path(policy.__wrapped__.__code__.co_filename)  # type: ignore[attr-defined]
    text = (source.parents[3] / "catalog" / "retention.yaml").read_text()
    broken = tmp_path / "retention.yaml"
    broken.write_text(text.replace("    months: 12\n", "    months: 36\n", 1))
    with pytest.raises(CatalogError) as error:
        load_policy(broken)
    assert "retention.yaml:" in str(error.value)
    assert "legal_max_months" in str(error.value)


def test_an_organisation_shortens_a_duration_and_never_lengthens_it(
    ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    with pytest.raises(ValidationError):
        RetentionOverride.objects.create(organisation=ccas, kind="person", months=36)
    RetentionOverride.objects.create(organisation=ccas, kind="person", months=12)
    assert retention.months_for("person", {ccas.pk}) == 12
    person = full_story(ccas, staff, clock, paid=False)
    clock(dt.date(2027, 2, 15))  # 12 months after the exit: due for this CCAS
    assert _count(_run(), "person") == 1
    _run("--apply")
    assert Person.objects.get(pk=person.pk).anonymised_on is not None


# 2. Last activity ------------------------------------------------------------------------------


def test_last_activity_is_the_latest_event_and_shows_on_the_file(
    client: Client, ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    person = full_story(ccas, staff, clock, paid=True)
    assert last_activity(person) == EXIT  # the exit transition (Paris date)
    clock(dt.date(2026, 3, 1))
    client.force_login(staff["worker"])
    file = CaseFile.objects.get(person=person)
    page = client.get(reverse("cases_file", args=[file.pk])).content.decode()
    assert 'id="last-activity">31/01/2026' in page


# 3. Warning before the end, and a legal hold ---------------------------------------------------


def test_the_dashboard_warns_a_month_before_and_a_hold_keeps_the_file(
    client: Client, ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    person = full_story(ccas, staff, clock, paid=False)
    file = CaseFile.objects.get(person=person)
    clock(dt.date(2027, 12, 1))  # 22 months after: nothing yet
    client.force_login(staff["referent"])  # (sessions last 8 hours: sign in at each date)
    assert (
        "Données bientôt anonymisées" not in client.get(reverse("cases_dashboard")).content.decode()
    )
    clock(dt.date(2028, 1, 10))  # within 30 days of 31 January 2028
    client.force_login(staff["referent"])
    page = client.get(reverse("cases_dashboard")).content.decode()
    assert "Données bientôt anonymisées" in page
    assert "31/01/2028" in page
    client.post(
        reverse("privacy_legal_hold", args=[file.pk]),
        {"reason": "Recours contentieux en cours", "review_on": "2028-12-31"},
    )
    hold = LegalHold.objects.get()
    assert (hold.decided_by, hold.review_on) == (staff["referent"], dt.date(2028, 12, 31))
    clock(dt.date(2028, 6, 1))
    assert _count(_run(), "person") == 0  # held
    clock(dt.date(2029, 1, 2))  # the hold was not renewed
    assert _count(_run(), "person") == 1


# 4. apply_retention ------------------------------------------------------------------------------


def test_dry_run_changes_nothing_and_apply_is_idempotent(
    ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    person = full_story(ccas, staff, clock, paid=True)
    still_active = active_file(ccas, first_name="Encore")
    clock(dt.date(2028, 3, 1))
    dry = _run()
    assert "Dry run" in dry
    assert (_count(dry, "person"), _count(dry, "closed_file")) == (1, 1)
    assert Person.objects.get(pk=person.pk).first_name == "Zéphyrine"
    done = _run("--apply", "--batch-size", "1")
    assert _count(done, "person") == 1
    anonymised = Person.objects.get(pk=person.pk)
    assert anonymised.first_name == "Personne"
    assert anonymised.birth_date == dt.date(2005, 1, 1)
    assert Person.objects.get(pk=still_active.person_id).first_name == "Encore"
    assert _count(_run(), "person") == 0
    snapshot = list(Person.objects.values_list("pk", "first_name", "anonymised_on"))
    _run("--apply")
    assert list(Person.objects.values_list("pk", "first_name", "anonymised_on")) == snapshot


def test_the_access_log_and_the_change_history_age_out_after_a_year(
    client: Client, ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    active = active_file(ccas, first_name="Lu")
    client.force_login(staff["worker"])
    client.get(reverse("cases_file", args=[active.pk]))
    assert AccessLog.objects.exists()
    old_entries = LogEntry.objects.filter(changes__isnull=False).count()
    assert old_entries
    clock(dt.date.today() + dt.timedelta(days=400))
    output = _run("--apply")
    assert _count(output, "access_log") >= 1
    assert not AccessLog.objects.filter(
        at__date__lt=dt.date.today() - dt.timedelta(days=365)
    ).exists()
    assert not LogEntry.objects.filter(changes__isnull=False).exists()
    assert Person.objects.get(pk=active.person_id).first_name == "Lu"  # active file: kept


def test_the_iban_goes_when_the_file_closes_and_nothing_is_left_to_pay(
    ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    person = full_story(ccas, staff, clock, paid=True)
    assert BankAccount.objects.filter(person=person).exists()
    _run("--apply")
    assert not BankAccount.objects.filter(person=person).exists()


# 9. The public page ------------------------------------------------------------------------------


def test_the_public_retention_page_in_french_and_english(client: Client) -> None:
    page = client.get(reverse("privacy_retention")).content.decode()
    assert "Journal des accès" in page
    assert "12 mois" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("privacy_retention")).content.decode()
    assert "Retention periods" in english
    assert "Access log" in english
    assert "12 months" in english


def test_apply_retention_runs_on_the_demo_data(settings: Any, clock: Any) -> None:
    """What `make run` loads: the dry run today finds nothing to anonymise; two and a half years
    later, the demo's closed and refused files are due, and applying twice changes nothing."""
    from solidarite.core.demo.loader import load_demo

    settings.DEBUG = True
    load_demo()
    assert _count(_run(), "person") == 0
    clock(dt.date.today() + dt.timedelta(days=920))
    due = _run()
    assert _count(due, "person") > 0
    assert _count(due, "referral_closed") == 1  # the demo's refused referral
    _run("--apply")
    assert _count(_run(), "person") == 0
    assert Person.objects.filter(anonymised_on__isnull=False).count() == _count(due, "person")


def test_an_organisations_admin_shortens_a_period_on_the_privacy_page(
    client: Client, ccas: Organisation, staff: dict[str, Any]
) -> None:
    client.force_login(staff["admin"])
    url = reverse("privacy_search")
    response = client.post(url, {"kind": "person", "months": "36"}, follow=True)
    assert "jamais l'allonger" in response.content.decode()
    assert not RetentionOverride.objects.exists()
    client.post(url, {"kind": "person", "months": "18"})
    assert RetentionOverride.objects.get().months == 18
    assert retention.months_for("person", {ccas.pk}) == 18
    page = client.get(url).content.decode()
    assert "18 mois" in page
