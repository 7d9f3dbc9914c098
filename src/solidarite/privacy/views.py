"""The privacy pages: the public retention page, and for administrators a person's data
(last activity, retention end, holds), its export (HTML and JSON) and its erasure; referents and
case workers record a legal hold from the dashboard panel of files reaching their end."""

import json
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solidarite.accounts import acting, permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.roles import Role
from solidarite.audit.services import record_access, record_list_access
from solidarite.cases.models import CaseFile, Person
from solidarite.core import clock, panels
from solidarite.privacy import anonymise, retention
from solidarite.privacy.activity import last_activity
from solidarite.privacy.export import person_data
from solidarite.privacy.forms import ErasureForm, LegalHoldForm, OverrideForm, SearchForm
from solidarite.privacy.models import LegalHold, RetentionOverride
from solidarite.privacy.policy import policy
from solidarite.schemes.services import translated


def retention_page(request: HttpRequest) -> HttpResponse:
    """Public: the retention periods, generated from the policy, for the privacy notice."""
    rules = [
        {
            "label": translated(rule.label),
            "counts_from": translated(rule.counts_from),
            "months": rule.months,
            "end": rule.end,
            "legal_basis": translated(rule.legal_basis),
        }
        for rule in policy().rules
    ]
    return render(request, "privacy/retention.html", {"rules": rules})


def _person(request: AuthenticatedRequest, pk: int) -> Person:
    person = Person.objects.filter(pk=pk).first()
    if person is None or not permissions.can_manage_personal_data(request.user, person):
        raise Http404
    return person


def _shortenable() -> list[tuple[str, str]]:
    return [(r.kind, translated(r.label)) for r in policy().rules if r.end != "not_stored"]


@login_required
def search(request: AuthenticatedRequest) -> HttpResponse:
    """An administrator finds a person their organisation holds data about, by last name, and
    sets their organisation's shorter retention periods."""
    if not permissions.can_manage_privacy(request.user):
        raise Http404
    organisation = acting.current(request)
    # Names never travel in a URL (they would land in proxy and server logs): search by POST.
    searching = request.method == "POST" and "last_name" in request.POST
    override_form = OverrideForm(_shortenable(), None if searching else (request.POST or None))
    if request.method == "POST" and not searching and override_form.is_valid() and organisation:
        try:
            RetentionOverride.objects.update_or_create(
                organisation=organisation,
                kind=override_form.cleaned_data["kind"],
                defaults={"months": override_form.cleaned_data["months"]},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Durée de conservation de votre organisation enregistrée."))
        return redirect("privacy_search")
    form = SearchForm(request.POST if searching else None)
    found: list[Person] = []
    if form.is_valid():
        admin_orgs = permissions.organisations_with_role(request.user, Role.ADMIN)
        people = Person.objects.filter(last_name__iexact=form.cleaned_data["last_name"].strip())
        if not request.user.is_superuser:
            people = people.filter(files__organisation__in=admin_orgs) | people.filter(
                referrals__organisation__in=admin_orgs
            )
        found = list(people.distinct()[:50])
        record_list_access(request, found, "pk")
    overrides = RetentionOverride.objects.filter(organisation=organisation) if organisation else []
    labels = dict(_shortenable())
    return render(
        request,
        "privacy/search.html",
        {
            "form": form,
            "found": found,
            "override_form": override_form,
            "overrides": [(labels.get(o.kind, o.kind), o.months) for o in overrides],
            "organisation": organisation,
        },
    )


@login_required
def person_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    record_access(request, person)
    last = last_activity(person, clock.today())
    months = retention.months_for("person", retention._organisations([person.pk]))
    return render(
        request,
        "privacy/person.html",
        {
            "person": person,
            "last_activity": last,
            "ends_on": last + relativedelta(months=months),
            "holds": person.legal_holds.select_related("decided_by"),
            "keeps_payments": anonymise.has_payments([person.pk]),
            "erasure_form": ErasureForm(),
        },
    )


@login_required
def person_export(request: AuthenticatedRequest, pk: int, fmt: str) -> HttpResponse:
    """The person's data; each export is itself written to the access log."""
    person = _person(request, pk)
    if fmt not in ("json", "html"):
        raise Http404
    data = person_data(person)
    record_access(request, person)
    name = f"donnees-personne-{person.pk}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = render(request, "privacy/export.html", {"data": data})
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def person_erase(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = ErasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif et confirmez l'effacement."))
        return redirect("privacy_person", pk=pk)
    erasure = anonymise.erase(person, form.cleaned_data["reason"], request.user)
    if erasure.payments_kept:
        messages.warning(
            request,
            _(
                "La personne est anonymisée. Ses paiements sont conservés, pseudonymisés (ni nom "
                "ni IBAN), pendant la durée de la comptabilité publique (%(months)d mois) : la "
                "loi l'impose."
            )
            % {"months": policy().rule("payments").months},
        )
        return redirect("privacy_person", pk=pk)
    messages.success(request, _("La personne et ses données ont été effacées."))
    return redirect("privacy_search")


@login_required
@require_POST
def legal_hold(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Keep a file's person past the retention end, with a reason and a review date."""
    file = CaseFile.objects.filter(pk=pk).first()
    if file is None or not permissions.can_keep_data(request.user, file):
        raise Http404
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        LegalHold.objects.create(
            person=file.person,
            reason=form.cleaned_data["reason"],
            review_on=form.cleaned_data["review_on"],
            decided_by=request.user,
        )
        messages.success(request, _("Conservation enregistrée, à réexaminer à la date choisie."))
    else:
        messages.error(request, _("Indiquez le motif et une date de réexamen future."))
    return redirect("cases_dashboard")


@panels.register
def ending_soon_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Dashboard panel: files of the user's teams whose data reaches its end within 30 days."""
    user = request.user
    if not permissions.can_view_caseload(user):
        return None
    from solidarite.cases.caseload import visible_files

    files = list(
        visible_files(user)  # type: ignore[arg-type]
        .filter(status__in=retention.CLOSED_FILES, person__anonymised_on__isnull=True)
        .select_related("person")
    )
    soon = retention.ending_soon({f.person_id for f in files}, clock.today())
    rows = [(f, soon[f.person_id]) for f in files if f.person_id in soon]
    if not rows:
        return None
    record_list_access(request, [f for f, _ends in rows], "person_id")
    return {"template": "privacy/_ending_soon.html", "rows": rows, "form": LegalHoldForm()}
