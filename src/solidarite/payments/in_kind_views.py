"""Aid in kind: stock per kind of item, hand-outs and loans, overdue loans."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from solidarite.accounts import acting, permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import Role
from solidarite.audit.services import record_list_access
from solidarite.cases.models import Household, Person
from solidarite.cases.support_forms import PersonSearchForm
from solidarite.core.form_errors import errors_text
from solidarite.payments import envelopes, in_kind
from solidarite.payments.forms import HandOutForm, ItemKindForm, ReceiveForm
from solidarite.payments.models import Envelope, ItemKind, Loan, Unit


def _organisations(request: AuthenticatedRequest) -> QuerySet[Organisation]:
    if not permissions.can_manage_aid_in_kind(request.user):
        raise Http404
    if request.user.is_superuser:
        return Organisation.objects.all()
    mine = permissions.organisations_with_role(request.user, Role.CASE_WORKER, Role.FINANCE)
    return Organisation.objects.filter(pk__in=mine)


def _people(organisations: QuerySet[Organisation]) -> QuerySet[Person]:
    """People the organisation already knows: a file, or an earlier hand-out or loan."""
    kinds = ItemKind.objects.filter(organisation__in=organisations)
    return Person.objects.filter(
        Q(files__organisation__in=organisations)
        | Q(distributions__item_kind__in=kinds)
        | Q(loans__item_kind__in=kinds)
    ).distinct()


@login_required
def stock(request: AuthenticatedRequest) -> HttpResponse:
    organisations = _organisations(request)
    form = ItemKindForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and organisations.exists():
        kind = form.save(commit=False)
        acting_id = acting.organisation_id(request.user)
        owners = organisations.filter(pk=acting_id) if acting_id else organisations
        if owners.count() != 1:
            messages.error(request, _("Choisissez l'organisation pour laquelle vous agissez."))
            return redirect("payments_stock")
        kind.organisation = owners.get()
        try:
            if kind.scheme_id:
                envelopes.check_provider(kind.scheme_id, kind.organisation.pk)
        except envelopes.NotProvider as exc:
            messages.error(request, str(exc))
            return redirect("payments_stock")
        kind.save()
        messages.success(request, _("Type d'objet créé."))
        return redirect("payments_item_kind", pk=kind.pk)
    kinds = ItemKind.objects.filter(organisation__in=organisations)
    today = timezone.localdate()
    overdue = list(in_kind.overdue_loans(today).filter(item_kind__in=kinds))
    record_list_access(request, overdue, "person_id")
    capacities = {
        e.scheme_id: e
        for e in Envelope.objects.filter(unit=Unit.ITEMS, starts_on__lte=today, ends_on__gte=today)
    }
    return render(
        request,
        "payments/stock.html",
        {
            "rows": [(k, capacities.get(k.scheme_id)) for k in kinds],
            "overdue": overdue,
            "form": form,
        },
    )


def _kind(request: AuthenticatedRequest, pk: int) -> ItemKind:
    return get_object_or_404(ItemKind, pk=pk, organisation__in=_organisations(request))


@login_required
@require_http_methods(["GET", "POST"])
def item_kind(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The item's page. The person picker is narrowed by a search (name, birth date) sent by
    POST, so that a name never travels in a URL."""
    kind = _kind(request, pk)
    today = timezone.localdate()
    people = _people(_organisations(request))
    # Prefixed: the hand-out form below has its own name and birth date fields (ids stay unique).
    search = PersonSearchForm(request.POST if request.method == "POST" else None, prefix="search")
    if search.is_bound and search.is_valid():
        people = search.apply(people, person="")
    open_loans = list(kind.loans.filter(returned_on__isnull=True).select_related("person"))
    recent = list(kind.distributions.select_related("person").order_by("-given_on", "-pk")[:50])
    record_list_access(request, [*open_loans, *recent], "person_id")
    return render(
        request,
        "payments/item_kind.html",
        {
            "kind": kind,
            "receive_form": ReceiveForm(initial={"received_on": today}),
            "hand_out_form": HandOutForm(people, initial={"on": today}),
            "search": search,
            "found": people.count() if search.is_bound else None,
            "open_loans": open_loans,
            "recent": recent,
            "today": today,
        },
    )


@login_required
@require_POST
def receive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    kind = _kind(request, pk)
    form = ReceiveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        in_kind.receive(kind, data["quantity"], data["received_on"], request.user, data["note"])
        messages.success(request, _("Réception enregistrée."))
    else:
        messages.error(request, _("Indiquez une quantité positive et une date."))
    return redirect("payments_item_kind", pk=pk)


@login_required
@require_POST
def hand_out(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Give (or lend, for a loanable kind) one item to one person."""
    kind = _kind(request, pk)
    form = HandOutForm(_people(_organisations(request)), request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("payments_item_kind", pk=pk)
    data = form.cleaned_data
    try:
        with transaction.atomic():  # a refused hand-out leaves no new person behind
            person = data["person"] or _new_person(data)
            if kind.loanable:
                if not data["due_on"]:
                    raise in_kind.InKindError(_("Un prêt a une date de retour."))
                in_kind.lend(kind, person, data["on"], data["due_on"], request.user, data["serial"])
            else:
                in_kind.give(kind, person, data["on"], request.user)
    except in_kind.InKindError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Enregistré pour %(person)s.") % {"person": person})
    return redirect("payments_item_kind", pk=pk)


def _new_person(data: dict[str, Any]) -> Person:
    return Person.objects.create(
        first_name=str(data["first_name"]).strip(),
        last_name=str(data["last_name"]).strip(),
        birth_date=data["birth_date"],
        commune_code=str(data["commune_code"]),
        household=Household.objects.create(),
    )


@login_required
@require_POST
def loan_returned(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    loan = get_object_or_404(Loan, pk=pk, item_kind__organisation__in=_organisations(request))
    try:
        in_kind.give_back(loan, timezone.localdate())
    except in_kind.InKindError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Retour enregistré."))
    return redirect("payments_item_kind", pk=loan.item_kind_id)
