"""The money side of a file, on the file page: bank details (masked) and the schedule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solidarite.accounts import permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.cases.models import CaseFile
from solidarite.core.form_errors import errors_text
from solidarite.payments import bank
from solidarite.payments.forms import BankAccountForm
from solidarite.payments.models import BankAccount


def payments_context(request: AuthenticatedRequest, file: CaseFile) -> dict[str, object]:
    can_see = permissions.can_enter_bank_details(request.user, file)
    return {
        "can_see_payments": can_see,
        "bank_account": BankAccount.objects.filter(person=file.person_id).first()
        if can_see
        else None,
        "bank_form": BankAccountForm(initial={"holder": str(file.person)}),
        "schedule": (
            file.payments.order_by("due_on", "pk").prefetch_related("events__by") if can_see else []
        ),
    }


def _file(request: AuthenticatedRequest, pk: int) -> CaseFile:
    file = CaseFile.objects.select_related("person").filter(pk=pk).first()
    if file is None or not permissions.can_enter_bank_details(request.user, file):
        raise Http404
    return file


@login_required
@require_POST
def bank_details(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    file = _file(request, pk)
    form = BankAccountForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        account = bank.save_bank_account(file.person, data["holder"], data["iban"], data["bic"])
        messages.success(
            request,
            _("Coordonnées bancaires enregistrées (%(iban)s).") % {"iban": account.iban_masked},
        )
    else:
        detail = errors_text(form)
        messages.error(request, _("Coordonnées bancaires refusées : %(d)s") % {"d": detail})
    return redirect("cases_file", pk=pk)
