"""Access attacks (issue 11, items 5-8): demo data never meets real data, organisations are
known by an immutable code, admins are scoped to their organisation, a user with several
organisations acts for one at a time, and access ends with the membership."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core import checks
from django.test import Client
from django.urls import reverse

from solidarite.accounts import acting
from solidarite.accounts.models import ImmutableCodeError, Membership, Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.audit.models import AccessLog
from solidarite.cases.models import CaseFile, FileStatus, Referral
from solidarite.core.demo import loader
from solidarite.rules.catalog import load_catalog
from solidarite.rules.errors import CatalogError
from tests.factories import OrganisationFactory, UserFactory, active_file, user_with_role
from tests.rules.minicatalog import ORGANISATIONS, SCHEME, write_catalog

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


# 5. The demo never touches real data ---------------------------------------------------------


def test_the_demo_refuses_production_settings(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(loader.DemoRefused, match="production"):
        loader.load_demo()
    assert not Organisation.objects.exists()


def test_the_demo_refuses_a_database_holding_real_data(settings: Any) -> None:
    settings.DEBUG = True
    real = OrganisationFactory(name="CCAS de Dole", kind=OrganisationKind.CCAS)
    user_with_role(Role.CASE_WORKER, real)
    with pytest.raises(loader.DemoRefused, match="déjà des données"):
        loader.load_demo()
    assert Organisation.objects.count() == 1
    assert not Membership.objects.filter(user__username="admin").exists()


def test_a_real_organisation_added_to_a_demo_database_stops_the_next_load(settings: Any) -> None:
    settings.DEBUG = True
    loader.load_demo()
    OrganisationFactory(name="CCAS de Dole", kind=OrganisationKind.CCAS)
    with pytest.raises(loader.DemoRefused, match="jamais dans une organisation réelle"):
        loader.load_demo()


def test_a_demo_database_from_before_the_marker_is_still_the_demos(settings: Any) -> None:
    from solidarite.core.models import DemoInstallation

    settings.DEBUG = True
    loader.load_demo()
    DemoInstallation.objects.all().delete()  # a demo made by an earlier version
    loader.load_demo()
    assert DemoInstallation.objects.exists()
    DemoInstallation.objects.all().delete()
    UserFactory(username="marie", email="marie@ville-besancon.fr")  # a real person joined
    with pytest.raises(loader.DemoRefused):
        loader.load_demo()


def test_the_demo_command_explains_its_refusal(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "SOLIDARITE_FIELD_KEYS": "bWFkZS11cC1mb3ItdGhlLXRlc3Qtb25seS0zMi1ieXRlcz0=",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "solidarite.cli", "demo", "load"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "réglages de production" in result.stderr
    assert "Traceback" not in result.stderr


def _refer(client: Client) -> None:
    """The signed-in partner refers a young person to the Besançon youth scheme."""
    client.post(
        reverse("cases_referral_create"),
        {
            "first_name": "Camille",
            "last_name": "Exemple",
            "birth_date": "2005-04-02",
            "commune_code": "25056",
            "scheme_id": "aide_jeunes_besancon",
            "reason": "Sans ressource",
            "consent": "on",
            "consent_date": dt.date.today().isoformat(),
        },
    )


# 6. Stable organisation identity -------------------------------------------------------------


def test_renaming_the_ccas_keeps_its_case_workers_rights(
    client: Client, ccas: Organisation
) -> None:
    worker = user_with_role(Role.CASE_WORKER, ccas)
    partner = user_with_role(Role.REFERRING_PARTNER, OrganisationFactory(name="Mission locale"))
    ccas.name = "Centre communal d'action sociale de Besançon"
    ccas.save()
    client.force_login(partner)
    _refer(client)
    referral = Referral.objects.get()
    client.force_login(worker)
    assert client.get(reverse("cases_referral", args=[referral.pk])).status_code == 200
    client.post(reverse("cases_referral_decide", args=[referral.pk, "accepter"]))
    assert CaseFile.objects.get().organisation == ccas


def test_an_organisation_code_never_changes(ccas: Organisation) -> None:
    ccas.code = "ccas-renomme"
    with pytest.raises(ImmutableCodeError):
        ccas.save()


def test_a_missing_provider_refuses_to_accept_cleanly(client: Client) -> None:
    """Before: "accept" half-happened (referral accepted, no file) and answered 500."""
    mission = OrganisationFactory(name="Mission locale")
    partner = user_with_role(Role.REFERRING_PARTNER, mission)
    superuser = UserFactory(is_superuser=True)
    client.force_login(partner)
    _refer(client)
    referral = Referral.objects.get()
    client.force_login(superuser)
    response = client.post(
        reverse("cases_referral_decide", args=[referral.pk, "accepter"]), follow=True
    )
    assert response.status_code == 200
    assert "solidarite organisations sync" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "submitted"  # nothing half-done
    assert not CaseFile.objects.exists()
    errors = checks.run_checks(databases=["default"], tags=[checks.Tags.database])
    assert "solidarite.E001" in {e.id for e in errors}


def test_a_catalog_naming_an_unknown_provider_code_does_not_load(tmp_path: Path) -> None:
    folder = write_catalog(
        tmp_path, schemes={"aide": SCHEME.replace("provider: ccas-test", "provider: ccas-tset")}
    )
    with pytest.raises(CatalogError) as error:
        load_catalog(folder)
    message = str(error.value)
    assert "aide.yaml:5: provider:" in message
    assert 'unknown organisation code "ccas-tset"' in message
    assert "did you mean ccas-test" in message
    assert "ccas-test" in ORGANISATIONS


# 7. Scoped administration and the acting organisation ---------------------------------------


def test_an_admin_sees_only_their_organisations_members_and_traces(
    client: Client, ccas: Organisation, chenove: Organisation, people: dict[str, Any]
) -> None:
    file = active_file(chenove)
    reader = user_with_role(Role.CASE_WORKER, chenove)
    client.force_login(reader)
    client.get(reverse("cases_file", args=[file.pk]))
    chenove_reads = AccessLog.objects.filter(user=reader).count()
    assert chenove_reads == 1
    client.force_login(people["admin"])
    assert "CCAS de Chenôve" not in client.get(reverse("organisation_list")).content.decode()
    log = client.get(reverse("audit_access_log")).content.decode()
    assert reader.username not in log
    history = client.get(reverse("audit_change_history")).content.decode()
    assert reader.username not in history
    assert client.get(reverse("member_detail", args=[reader.pk])).status_code == 404
    both = user_with_role(Role.REFERENT, ccas)
    Membership.objects.create(user=both, organisation=chenove, role=Role.VIEWER)
    profile = client.get(reverse("member_detail", args=[both.pk])).content.decode()
    assert "CCAS de Besançon" in profile
    assert "CCAS de Chenôve" not in profile  # their role elsewhere is not this admin's business
    client.force_login(people["chenove_admin"])
    assert reader.username in client.get(reverse("audit_access_log")).content.decode()
    assert LogEntry.objects.exists()


def test_a_member_of_two_organisations_chooses_and_acts_for_one(
    client: Client, ccas: Organisation, chenove: Organisation
) -> None:
    """Before: the first membership decided which organisation's money a finance officer
    handled, and roles of both organisations added up on every page."""
    both = UserFactory()
    Membership.objects.create(user=both, organisation=ccas, role=Role.ADMIN)
    Membership.objects.create(user=both, organisation=chenove, role=Role.VIEWER)
    client.force_login(both)
    response = client.get(reverse("audit_access_log"))
    assert response.status_code == 302
    assert response["Location"] == reverse("choose_organisation")
    client.post(reverse("choose_organisation"), {"organisation": chenove.pk})
    assert client.session[acting.SESSION_KEY] == chenove.pk
    home = client.get(reverse("home")).content.decode()
    assert "Pour : CCAS de Chenôve" in home
    assert client.get(reverse("audit_access_log")).status_code == 404  # viewer in Chenôve
    client.post(reverse("choose_organisation"), {"organisation": ccas.pk})
    assert client.get(reverse("audit_access_log")).status_code == 200  # admin in Besançon
    stranger = OrganisationFactory(name="Autre")
    client.post(reverse("choose_organisation"), {"organisation": stranger.pk})
    assert client.session[acting.SESSION_KEY] == ccas.pk  # not one of theirs: ignored


# 8. Access ends when the membership ends ----------------------------------------------------


def test_a_referent_removed_from_the_organisation_loses_every_file_at_once(
    client: Client, ccas: Organisation, people: dict[str, Any]
) -> None:
    referent = people["referent"]
    file = active_file(ccas, referent)
    client.force_login(referent)
    assert client.get(reverse("cases_file", args=[file.pk])).status_code == 200
    Membership.objects.filter(user=referent, organisation=ccas).delete()
    assert CaseFile.objects.get(pk=file.pk).referent == referent  # still named...
    assert client.get(reverse("cases_file", args=[file.pk])).status_code == 404  # ...no access
    assert client.get(reverse("cases_diagnostic", args=[file.pk])).status_code == 404
    client.force_login(people["worker"])
    page = client.get(reverse("cases_file", args=[file.pk])).content.decode()
    assert "Aucun·e référent·e désigné·e." in page
    caseload = client.get(reverse("cases_caseload")).content.decode()
    assert referent.get_full_name() not in caseload
    assert file.status == FileStatus.ACTIVE
