"""Reads of personal data are logged; the log is append-only and visible to admins only."""

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from solidarite.accounts.roles import Role
from solidarite.audit.models import AccessLog, AppendOnlyError
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_reading_a_member_profile_writes_one_access_log_row(client: Client) -> None:
    organisation = OrganisationFactory()
    admin = user_with_role(Role.ADMIN, organisation)
    member = user_with_role(Role.REFERENT, organisation)
    client.force_login(admin)

    response = client.get(reverse("member_detail", args=[member.pk]))

    assert response.status_code == 200
    row = AccessLog.objects.get()
    assert (row.user, row.object_type, row.object_pk) == (admin, "auth.user", str(member.pk))
    assert row.via == "member_detail"


def test_a_refused_read_answers_404_and_logs_nothing(client: Client) -> None:
    member = user_with_role(Role.REFERENT)
    client.force_login(user_with_role(Role.ADMIN))  # admin of another organisation
    assert client.get(reverse("member_detail", args=[member.pk])).status_code == 404
    assert client.get(reverse("member_detail", args=[999_999])).status_code == 404
    assert not AccessLog.objects.exists()


def test_access_log_rows_cannot_be_changed_or_deleted(client: Client) -> None:
    organisation = OrganisationFactory()
    admin = user_with_role(Role.ADMIN, organisation)
    client.force_login(admin)
    client.get(reverse("member_detail", args=[admin.pk]))
    row = AccessLog.objects.get()

    row.via = "forged"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.update(via="forged")
    assert AccessLog.objects.get().via == "member_detail"


@pytest.mark.parametrize("url_name", ["audit_access_log", "audit_change_history"])
def test_audit_pages_are_for_admins_only(client: Client, url_name: str) -> None:
    client.force_login(user_with_role(Role.CASE_WORKER))
    assert client.get(reverse(url_name)).status_code == 404
    client.force_login(user_with_role(Role.ADMIN))
    assert client.get(reverse(url_name)).status_code == 200


def test_the_access_log_page_lists_the_reads(client: Client) -> None:
    organisation = OrganisationFactory()
    admin = user_with_role(Role.ADMIN, organisation)
    member = user_with_role(Role.REFERENT, organisation)
    client.force_login(admin)
    client.get(reverse("member_detail", args=[member.pk]))
    page = client.get(reverse("audit_access_log")).content.decode()
    assert f"auth.user #{member.pk}" in page


def test_changes_to_personal_data_are_kept_without_the_password(client: Client) -> None:
    member = user_with_role(Role.REFERENT)
    member.email = "nouvelle@example.invalid"
    member.set_password("another long password")
    member.save()

    entry = LogEntry.objects.get_for_object(member).filter(action=LogEntry.Action.UPDATE).get()
    assert "email" in entry.changes_dict
    assert "password" not in entry.changes_dict


def test_audit_entries_cannot_be_deleted_through_the_admin_site(client: Client) -> None:
    from django.contrib import admin

    assert not admin.site.is_registered(LogEntry)
    assert not admin.site.is_registered(AccessLog)


def test_the_access_log_is_filtered_by_person_and_member_and_exported(client) -> None:  # type: ignore[no-untyped-def]
    """Issue 18 (admin): filters by person, member and date; CSV export; pages keep filters."""
    import csv
    import io

    from django.urls import reverse

    from solidarite.accounts.roles import OrganisationKind, Role
    from solidarite.audit.models import AccessLog
    from tests.factories import OrganisationFactory, active_file, user_with_role

    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    worker, other = user_with_role(Role.CASE_WORKER, ccas), user_with_role(Role.REFERENT, ccas)
    first, second = active_file(ccas, first_name="Un"), active_file(ccas, first_name="Deux")
    client.force_login(worker)
    client.get(reverse("cases_caseload"))  # a list naming both
    client.force_login(other)
    client.get(reverse("cases_file", args=[second.pk]))
    client.force_login(user_with_role(Role.ADMIN, ccas))
    url = reverse("audit_access_log")
    by_person = client.get(url, {"person": first.person_id}).content.decode()
    assert "cases_caseload" in by_person
    assert "cases_file" not in by_person
    by_member = client.get(url, {"user": other.pk}).content.decode()
    assert "cases_file" in by_member
    assert "cases_caseload" not in by_member
    exported = client.get(url, {"user": worker.pk, "format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["via"] for r in rows] == ["cases_caseload"]
    assert (
        rows[0]["people_shown"]
        == f"{min(first.person_id, second.person_id)},{max(first.person_id, second.person_id)}"
    )
    assert AccessLog.objects.count() >= 2


def test_the_change_history_is_filtered_by_person_member_and_date_and_exported(
    client: Client,
) -> None:
    """Issue 18 (admin): the change history names what changed, with the same filters as the
    access log and a CSV export."""
    import csv
    import io

    from solidarite.accounts.roles import OrganisationKind
    from tests.factories import active_file

    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    worker = user_with_role(Role.CASE_WORKER, ccas)
    first, second = active_file(ccas, first_name="Un"), active_file(ccas, first_name="Deux")
    from auditlog.context import set_actor

    with set_actor(worker):
        first.person.phone = "0600000001"
        first.person.save()
        second.person.phone = "0600000002"
        second.person.save()
    client.force_login(user_with_role(Role.ADMIN, ccas))
    url = reverse("audit_change_history")
    page = client.get(url, {"person": first.person_id}).content.decode()
    assert "Un Exemple" in page
    assert "Deux Exemple" not in page
    exported = client.get(url, {"user": worker.pk, "format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {r["object"] for r in rows} >= {"Un Exemple", "Deux Exemple"}
    assert all(r["user"] == worker.username for r in rows)
    assert client.get(url, {"start": "2999-01-01"}).content.decode().count("Un Exemple") == 0


def test_the_django_admin_site_is_linked_from_no_page(client: Client) -> None:
    """Issue 18 (admin): /admin/ is the operator's console (superusers only), never linked."""
    client.force_login(user_with_role(Role.ADMIN))
    for url in ("/", reverse("organisation_list"), reverse("audit_access_log")):
        assert 'href="/admin/' not in client.get(url).content.decode()
    assert client.get("/admin/").status_code == 302  # to its own login: not for platform admins
