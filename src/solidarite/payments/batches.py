"""The monthly payment batch: prepared by one finance officer, validated by another, exported as
CSV and as a SEPA credit transfer (pain.001.001.03, built and schema-checked by sepaxml).

Preparing is idempotent: the batch is unique per month and a payment joins at most one batch, so
preparing the same month twice adds only what became due since, and never pays twice.
"""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer

from solidarite.accounts import acting
from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import Role
from solidarite.cases.models import CaseFile, FileStatus
from solidarite.core import clock
from solidarite.core.csv_export import SafeWriter
from solidarite.payments import bank, states
from solidarite.payments.models import (
    BankAccount,
    BatchStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
)
from solidarite.schemes.services import get_catalog


class BatchError(Exception):
    """A batch step the batch's state or the four-eyes rule does not allow."""


@dataclass(frozen=True)
class Prepared:
    batch: PaymentBatch
    added: int
    without_bank_details: list[Payment]


def due(month: dt.date, organisation: Organisation) -> QuerySet[Payment]:
    """Scheduled payments due by the end of `month` from the organisation's envelopes, not yet in
    a batch, of files that still pay: active ones, and closed ones for months due before the
    exit (a suspended file's payments are held, a closed file's later ones cancelled; this
    filter is the second line)."""
    end = month.replace(day=1) + relativedelta(months=1)
    return (
        Payment.objects.filter(
            status=PaymentStatus.SCHEDULED,
            batch__isnull=True,
            due_on__lt=end,
            envelope__owner=organisation,
        )
        .filter(
            Q(file__status=FileStatus.ACTIVE)
            | Q(file__status=FileStatus.CLOSED, due_on__lte=F("file__closed_on"))
        )
        .select_related("file__person")
    )


def finance_organisation(user: User) -> Organisation:
    """The organisation the finance officer acts for (chosen in the session when they belong to
    several): its money only."""
    organisation_id = acting.organisation_id(user)
    membership = user.memberships.filter(role=Role.FINANCE)
    if organisation_id is not None:
        membership = membership.filter(organisation=organisation_id)
    organisations = {
        m.organisation_id: m.organisation for m in membership.select_related("organisation")
    }
    if len(organisations) != 1:
        raise BatchError(
            _("Seul un agent des finances d'une organisation (choisie) prépare ou valide un lot.")
        )
    return next(iter(organisations.values()))


def _net_positive(payments: list[Payment]) -> list[Payment]:
    """A negative correction is netted with the same file's payments; a file whose total would
    not be positive waits for a later month (a transfer is never zero or negative)."""
    totals: dict[int, Decimal] = {}
    for payment in payments:
        totals[payment.file_id] = totals.get(payment.file_id, Decimal(0)) + payment.amount
    return [p for p in payments if totals[p.file_id] > 0]


def _check_month(month: dt.date) -> None:
    """Never in advance: a batch pays the current month or a past one."""
    if month > clock.today().replace(day=1):
        raise BatchError(
            _("Un lot ne se prépare que pour le mois en cours ou un mois passé (pas %(m)s).")
            % {"m": f"{month:%m/%Y}"}
        )


@transaction.atomic
def prepare(month: dt.date, by: User) -> Prepared:
    """Add what is due to the month's batch. Only the batch's preparer adds to it: whoever
    validates it then never put a euro in it (the database refuses it too)."""
    month = month.replace(day=1)
    _check_month(month)
    organisation = finance_organisation(by)
    if PaymentBatch.objects.filter(
        organisation=organisation, month=month, status=BatchStatus.VALIDATED
    ).exists():
        raise BatchError(
            _("Le lot de %(m)s est déjà validé : il ne change plus.") % {"m": f"{month:%m/%Y}"}
        )
    batch, _created = PaymentBatch.objects.select_for_update().get_or_create(
        organisation=organisation,
        month=month,
        status=BatchStatus.PREPARED,
        defaults={"prepared_by": by},
    )
    if batch.prepared_by_id != by.pk:
        raise BatchError(
            _(
                "Ce lot a été préparé par %(who)s : seule cette personne y ajoute des paiements "
                "(ou annulez-le pour en préparer un nouveau). Vous pourrez ensuite le valider."
            )
            % {"who": batch.prepared_by.get_full_name() or batch.prepared_by.username}
        )
    # Lock order everywhere: batch, then files, then payments, then envelopes.
    list(
        CaseFile.objects.select_for_update(of=("self",))
        .filter(pk__in=due(month, organisation).values("file"))
        .order_by("pk")
    )
    candidates = list(due(month, organisation).select_for_update(of=("self",)).order_by("pk"))
    with_account = set(
        BankAccount.objects.filter(person__in=[p.file.person_id for p in candidates]).values_list(
            "person_id", flat=True
        )
    )
    ready = _net_positive([p for p in candidates if p.file.person_id in with_account])
    states.move(
        ready,
        PaymentStatus.BATCHED,
        by,
        "finance",
        _("Lot de %(m)s") % {"m": f"{month:%m/%Y}"},
        batch=batch,
        batched_by=by,
    )
    missing = [p for p in candidates if p.file.person_id not in with_account]
    return Prepared(batch, len(ready), missing)


def _locked_batch(batch: PaymentBatch, by: User) -> PaymentBatch:
    locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != BatchStatus.PREPARED:
        raise BatchError(
            _("Ce lot est « %(status)s » : il ne change plus.")
            % {"status": locked.get_status_display()}
        )
    if not by.is_superuser and finance_organisation(by).pk != locked.organisation_id:
        raise BatchError(_("Ce lot appartient à une autre organisation."))
    return locked


def still_due(payment: Payment, file: CaseFile) -> bool:
    """Re-checked at validation on locked rows: the payment is in the batch, and its file is
    active, or closed after the payment fell due."""
    if payment.status != PaymentStatus.BATCHED:
        return False
    if file.status == FileStatus.ACTIVE:
        return True
    return (
        file.status == FileStatus.CLOSED
        and file.closed_on is not None
        and (payment.due_on <= file.closed_on)
    )


@transaction.atomic
def validate(batch: PaymentBatch, by: User, confirmed_total: Decimal | None = None) -> PaymentBatch:
    """Four eyes: whoever prepared the batch (the only one who added to it) cannot validate it
    (also a database constraint). Every payment and its file are re-checked under row locks;
    what is no longer due leaves the batch before anything is paid. With `confirmed_total`,
    the batch must still total what the validator was shown."""
    locked = _locked_batch(batch, by)
    if locked.prepared_by_id == by.pk or locked.payments.filter(batched_by=by).exists():
        raise BatchError(
            _("Le lot doit être validé par une autre personne que celle qui l'a préparé.")
        )
    files = {
        f.pk: f
        for f in CaseFile.objects.select_for_update().filter(payments__batch=locked).order_by("pk")
    }
    payments = list(Payment.objects.select_for_update().filter(batch=locked).order_by("pk"))
    dropped = [p for p in payments if not still_due(p, files[p.file_id])]
    if dropped:
        _take_out(dropped, files, by)
    kept = [p for p in payments if p not in dropped]
    if not kept:
        raise BatchError(_("Ce lot ne contient aucun paiement encore dû."))
    total = sum((p.amount for p in kept), Decimal(0))
    if confirmed_total is not None and confirmed_total != total:
        raise BatchError(
            _(
                "Le lot a changé depuis l'affichage (total %(shown)s €, maintenant %(now)s €) : "
                "relisez-le avant de valider."
            )
            % {"shown": confirmed_total, "now": total}
        )
    states.move(
        kept,
        PaymentStatus.PAID,
        by,
        "finance",
        _("Lot de %(m)s validé") % {"m": f"{locked.month:%m/%Y}"},
    )
    locked.status = BatchStatus.VALIDATED
    locked.validated_by = by
    locked.validated_at = timezone.now()
    locked.save(update_fields=["status", "validated_by", "validated_at"])
    return locked


def _take_out(payments: list[Payment], files: dict[int, CaseFile], by: User) -> None:
    """Payments no longer due leave the batch: held if the file is suspended, cancelled (money
    released) if it closed before they fell due, back to due otherwise."""
    for payment in payments:
        file = files[payment.file_id]
        if payment.status != PaymentStatus.BATCHED:
            continue
        if file.status == FileStatus.SUSPENDED:
            target = PaymentStatus.HELD
        elif file.status == FileStatus.CLOSED:
            target = PaymentStatus.CANCELLED
        else:
            target = PaymentStatus.SCHEDULED
        states.move(
            [payment],
            target,
            by,
            "finance",
            _("Écarté à la validation"),
            batch=None,
            batched_by=None,
        )


@transaction.atomic
def cancel(batch: PaymentBatch, by: User) -> PaymentBatch:
    """A prepared batch can be cancelled before validation: its payments are due again."""
    locked = _locked_batch(batch, by)
    payments = list(Payment.objects.select_for_update().filter(batch=locked).order_by("pk"))
    states.move(
        payments,
        PaymentStatus.SCHEDULED,
        by,
        "finance",
        _("Lot de %(m)s annulé") % {"m": f"{locked.month:%m/%Y}"},
        batch=None,
        batched_by=None,
    )
    locked.status = BatchStatus.CANCELLED
    locked.cancelled_by = by
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["status", "cancelled_by", "cancelled_at"])
    return locked


@dataclass(frozen=True)
class Transfer:
    """One transfer per beneficiary: a correction is added to the month's payment."""

    reference: str
    name: str
    iban: str
    iban_masked: str
    bic: str
    amount: Decimal
    description: str
    catch_up: bool


def remittance(scheme_id: str, month: dt.date) -> str:
    """What the beneficiary reads on their bank statement: the scheme's title and the month,
    never an internal id (SEPA allows 140 characters)."""
    scheme = get_catalog().schemes.get(scheme_id)
    title = scheme.spec.title.fr if scheme else scheme_id
    return f"{title[:120]} {month:%m/%Y}"


def transfers(batch: PaymentBatch) -> list[Transfer]:
    totals: dict[int, list[Payment]] = {}
    for payment in batch.payments.select_related("file__person__bank_account").order_by("pk"):
        totals.setdefault(payment.file_id, []).append(payment)
    rows = []
    for file_id, payments in totals.items():
        account = bank.reveal(payments[0].file.person.bank_account)
        rows.append(
            Transfer(
                reference=f"SOL-{batch.month:%Y%m}-{file_id}",
                name=account.holder,
                iban=account.iban,
                iban_masked=payments[0].file.person.bank_account.iban_masked,
                bic=account.bic,
                amount=sum((p.amount for p in payments), Decimal(0)),
                description=remittance(payments[0].file.scheme_id, batch.month),
                catch_up=any(p.catch_up_id for p in payments),
            )
        )
    return rows


def export_csv(batch: PaymentBatch) -> str:
    """The batch for the accounts: masked IBANs only (the full ones travel in the SEPA file,
    which the bank needs), and every text cell safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = SafeWriter(out, delimiter=";")
    writer.writerow(
        ["reference", "beneficiaire", "iban_masque", "montant", "rattrapage", "libelle"]
    )
    for t in transfers(batch):
        writer.writerow(
            [
                t.reference,
                t.name,
                t.iban_masked,
                f"{t.amount:.2f}",
                "oui" if t.catch_up else "",
                t.description,
            ]
        )
    return out.getvalue()


def export_sepa(batch: PaymentBatch) -> bytes:
    """pain.001.001.03, the format French banks accept; sepaxml validates it against the XSD."""
    if batch.status != BatchStatus.VALIDATED:
        raise BatchError(_("Seul un lot validé peut être exporté."))
    debtor = settings.SOLIDARITE_SEPA_DEBTOR
    transfer = SepaTransfer(
        {
            "name": debtor["name"],
            "IBAN": debtor["iban"],
            "BIC": debtor["bic"],
            "batch": True,
            "currency": "EUR",
        },
        clean=True,
    )
    execution = max(batch.month, timezone.localdate())
    for t in transfers(batch):
        payment = {
            "name": t.name,
            "IBAN": t.iban,
            "amount": int(t.amount * 100),
            "execution_date": execution,
            "description": t.description,
            "endtoend_id": t.reference.replace("-", ""),
        }
        if t.bic:
            payment["BIC"] = t.bic
        transfer.add_payment(payment)
    return bytes(transfer.export(validate=True))
