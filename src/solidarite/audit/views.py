"""Read-only pages over the audit trail, for administrators only."""

from typing import Any

from auditlog.models import LogEntry
from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import Membership
from solidarite.accounts.permissions import can_view_audit, organisations_with_role
from solidarite.accounts.roles import Role
from solidarite.audit.models import AccessLog
from solidarite.audit.services import reads_of_person
from solidarite.core.csv_export import SafeWriter

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _members(request: HttpRequest) -> Any:
    """The users an admin may audit: members of the organisations they administer (every user
    for the operator)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    if user.is_superuser:
        return User.objects.values("pk")
    admin_orgs = organisations_with_role(user, Role.ADMIN)
    return Membership.objects.filter(organisation__in=admin_orgs).values("user")


class AccessLogFilter(forms.Form):
    """Filters that carry no personal data in the address: a member (id), a person (id), dates."""

    user = forms.ModelChoiceField(
        label=_("Qui"), queryset=User.objects.none(), required=False, empty_label=_("Tous")
    )
    person = forms.IntegerField(label=_("Personne (numéro)"), required=False, min_value=1)
    start = forms.DateField(label=_("Du"), required=False, widget=DATE)
    end = forms.DateField(label=_("Au"), required=False, widget=DATE)

    def __init__(self, members: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(pk__in=members).order_by(  # type: ignore[attr-defined]
            "last_name", "username"
        )

    def apply(self, rows: Any) -> Any:
        data = self.cleaned_data
        if data.get("user"):
            rows = rows.filter(user=data["user"])
        if data.get("person"):
            rows = reads_of_person(data["person"]).filter(pk__in=rows.values("pk"))
        if data.get("start"):
            rows = rows.filter(at__date__gte=data["start"])
        if data.get("end"):
            rows = rows.filter(at__date__lte=data["end"])
        return rows


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """The reads made by the members of the admin's organisation, filtered, paged, exported."""
    if not can_view_audit(request.user):
        raise Http404
    members = _members(request)
    rows = AccessLog.objects.select_related("user").filter(user__in=members)
    form = AccessLogFilter(members, request.GET or None)
    if form.is_bound and form.is_valid():
        rows = form.apply(rows)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="journal-des-acces.csv"'
        writer = SafeWriter(response)
        writer.writerow(["date", "user", "object_type", "object_pk", "people_shown", "via"])
        for row in rows[:EXPORT_LIMIT]:
            writer.writerow(
                [
                    row.at.isoformat(),
                    row.user.username if row.user else "",
                    row.object_type,
                    row.object_pk,
                    row.shown_pks.strip(","),
                    row.via,
                ]
            )
        return response
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/access_log.html", {"page": page, "form": form, "query": query.urlencode()}
    )


def _changes_of_person(person_pk: int) -> Q:
    """Changes to a person and to the objects about them (their files and referrals)."""
    from solidarite.cases.models import CaseFile, Referral

    files = [
        str(pk) for pk in CaseFile.objects.filter(person=person_pk).values_list("pk", flat=True)
    ]
    referrals = [
        str(pk) for pk in Referral.objects.filter(person=person_pk).values_list("pk", flat=True)
    ]
    return (
        Q(content_type__app_label="cases", content_type__model="person", object_pk=str(person_pk))
        | Q(content_type__app_label="cases", content_type__model="casefile", object_pk__in=files)
        | Q(
            content_type__app_label="cases", content_type__model="referral", object_pk__in=referrals
        )
    )


@login_required
def change_history(request: HttpRequest) -> HttpResponse:
    """Changes made by the admin's members, filtered by member, person and dates, paged, and
    exported in CSV (same filters)."""
    if not can_view_audit(request.user):
        raise Http404
    members = _members(request)
    rows = (
        LogEntry.objects.select_related("actor", "content_type")
        .filter(actor__in=members)
        .order_by("-timestamp")
    )
    form = AccessLogFilter(members, request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("user"):
            rows = rows.filter(actor=data["user"])
        if data.get("person"):
            rows = rows.filter(_changes_of_person(data["person"]))
        if data.get("start"):
            rows = rows.filter(timestamp__date__gte=data["start"])
        if data.get("end"):
            rows = rows.filter(timestamp__date__lte=data["end"])
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="historique-des-modifications.csv"'
        writer = SafeWriter(response)
        writer.writerow(["date", "user", "object_type", "object_pk", "object", "action", "fields"])
        for entry in rows[:EXPORT_LIMIT]:
            writer.writerow(
                [
                    entry.timestamp.isoformat(),
                    entry.actor.username if entry.actor else "",
                    entry.content_type.model,
                    entry.object_pk,
                    entry.object_repr,
                    entry.get_action_display(),
                    ", ".join(str(field) for field in entry.changes_display_dict),
                ]
            )
        return response
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/change_history.html",
        {"page": page, "form": form, "query": query.urlencode()},
    )
