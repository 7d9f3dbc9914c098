"""Finance pages: envelopes and their consumption, the monthly batch, exports. Finance role only;
everyone else gets a 404."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solidarite.accounts import acting, permissions, providers
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import Role
from solidarite.audit.services import record_list_access
from solidarite.cases.models import CaseFile, FileStatus
from solidarite.payments import batches, consumption, envelopes
from solidarite.payments.forms import ConfirmTotalForm, EnvelopeForm, PrepareBatchForm
from solidarite.payments.models import BankAccount, BatchStatus, Envelope, PaymentBatch, Unit
from solidarite.schemes.services import get_catalog, translated


def _finance(request: AuthenticatedRequest) -> Any:
    """The organisations whose money this finance officer handles (404 for anyone else)."""
    if not permissions.can_manage_payments(request.user):
        raise Http404
    if request.user.is_superuser:
        return Organisation.objects.values("pk")
    return permissions.organisations_with_role(request.user, Role.FINANCE)


def _title(scheme_id: str) -> str:
    scheme = get_catalog().schemes.get(scheme_id)
    return translated(scheme.spec.title) if scheme else scheme_id


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    mine = _finance(request)
    today = timezone.localdate()
    acting_id = acting.organisation_id(request.user)
    own = providers.schemes_provided_by(mine)
    form = EnvelopeForm(own, request.POST or None)
    if request.method == "POST" and form.is_valid():
        envelope = form.save(commit=False)
        if acting_id is None or acting_id < 0:
            messages.error(request, _("Choisissez l'organisation pour laquelle vous agissez."))
        else:
            envelope.owner_id = acting_id
            try:
                envelope.save()
            except envelopes.NotProvider as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Enveloppe créée."))
                return redirect("payments_envelope", pk=envelope.pk)
    states = [
        (envelopes.state(e, today), _title(e.scheme_id))
        for e in Envelope.objects.filter(unit=Unit.EUR, owner__in=mine)
    ]
    capacities = Envelope.objects.filter(unit=Unit.ITEMS, owner__in=mine)
    return render(
        request,
        "payments/dashboard.html",
        {"states": states, "capacities": capacities, "form": form, "today": today},
    )


@login_required
def envelope_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    envelope = get_object_or_404(Envelope, pk=pk, owner__in=_finance(request))
    rows = consumption.months(envelope)
    waiting = CaseFile.objects.filter(
        scheme_id=envelope.scheme_id,
        organisation=envelope.owner_id,
        status=FileStatus.WAITING_LIST,
    ).select_related("person")
    record_list_access(request, waiting, "person_id")
    return render(
        request,
        "payments/envelope.html",
        {
            "envelope": envelope,
            "state": envelopes.state(envelope, timezone.localdate()),
            "scheme": _title(envelope.scheme_id),
            "rows": rows,
            "bars": consumption.bars(envelope, rows),
            "chart": {"width": consumption.CHART_WIDTH, "height": consumption.CHART_HEIGHT},
            "waiting": waiting.order_by("contract_signed_on", "pk"),
        },
    )


@login_required
def batch_list(request: AuthenticatedRequest) -> HttpResponse:
    mine = _finance(request)
    form = PrepareBatchForm(request.POST or None, initial={"month": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            prepared = batches.prepare(form.cleaned_data["month"], request.user)
        except batches.BatchError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Lot préparé : %(n)d paiement(s) ajouté(s).") % {"n": prepared.added},
            )
            if prepared.without_bank_details:
                messages.warning(
                    request,
                    _("%(n)d paiement(s) en attente de coordonnées bancaires.")
                    % {"n": len(prepared.without_bank_details)},
                )
            return redirect("payments_batch", pk=prepared.batch.pk)
    return render(
        request,
        "payments/batch_list.html",
        {
            "form": form,
            "batches": PaymentBatch.objects.filter(organisation__in=mine).select_related(
                "prepared_by", "validated_by"
            ),
        },
    )


@login_required
def batch_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Names and masked IBANs: reading a batch is logged like reading files."""
    batch = get_object_or_404(
        PaymentBatch.objects.select_related("prepared_by", "validated_by"),
        pk=pk,
        organisation__in=_finance(request),
    )
    payments = list(batch.payments.select_related("file__person__bank_account").order_by("pk"))
    missing = list(
        batches.due(batch.month, batch.organisation).exclude(
            file__person__in=BankAccount.objects.values("person")
        )
    )
    record_list_access(request, [*payments, *missing], "file.person_id")
    return render(
        request,
        "payments/batch.html",
        {
            "batch": batch,
            "payments": payments,
            "total": sum(p.amount for p in payments),
            "missing": missing,
            "can_validate": batch.status == BatchStatus.PREPARED
            and permissions.can_validate_batch(request.user, batch),
            "can_cancel": batch.status == BatchStatus.PREPARED,
        },
    )


@login_required
def batch_validate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page with the total; POST: validate, if the batch still totals
    what was confirmed (a batch changed in between, or a second click, moves no money)."""
    batch = get_object_or_404(PaymentBatch, pk=pk, organisation__in=_finance(request))
    if request.method == "POST":
        form = ConfirmTotalForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Confirmez le total du lot pour le valider."))
            return redirect("payments_batch_validate", pk=pk)
        try:
            batches.validate(batch, request.user, form.cleaned_data["total"])
        except batches.BatchError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Lot validé : les paiements sont à transmettre à la banque.")
            )
        return redirect("payments_batch", pk=pk)
    if batch.status != BatchStatus.PREPARED or not permissions.can_validate_batch(
        request.user, batch
    ):
        messages.error(
            request,
            _("Ce lot doit être validé par une autre personne que celle qui l'a préparé."),
        )
        return redirect("payments_batch", pk=pk)
    payments = list(batch.payments.all())
    total = sum((p.amount for p in payments), Decimal(0))
    return render(
        request,
        "payments/batch_confirm.html",
        {
            "batch": batch,
            "count": len(payments),
            "total": total,
            "form": ConfirmTotalForm(initial={"total": total}),
        },
    )


@login_required
@require_POST
def batch_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(PaymentBatch, pk=pk, organisation__in=_finance(request))
    try:
        batches.cancel(batch, request.user)
    except batches.BatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Lot annulé : ses paiements sont de nouveau dus."))
    return redirect("payments_batches")


@login_required
def batch_export(request: AuthenticatedRequest, pk: int, fmt: str) -> HttpResponse:
    batch = get_object_or_404(PaymentBatch, pk=pk, organisation__in=_finance(request))
    if batch.status != BatchStatus.VALIDATED:
        raise Http404
    record_list_access(request, list(batch.payments.select_related("file")), "file.person_id")
    name = f"virements-{batch.month:%Y-%m}"
    if fmt == "csv":
        response = HttpResponse(batches.export_csv(batch), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    elif fmt == "sepa":
        response = HttpResponse(batches.export_sepa(batch), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{name}.xml"'
    else:
        raise Http404
    return response
