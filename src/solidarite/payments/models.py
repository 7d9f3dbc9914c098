"""Envelopes, payment schedules, monthly batches, bank details and aid in kind.

Money is Decimal to the cent, never float. Amounts are never edited in place: a correction is a
new payment that points to the one it corrects. Every status change writes a PaymentEvent.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import Organisation
from solidarite.cases.models import CaseFile, Person, Transition


class Unit(models.TextChoices):
    EUR = "eur", _("euros")
    ITEMS = "items", _("unités")


class WhenExhausted(models.TextChoices):
    REFUSE = "refuse", _("Refuser la signature")
    WAITING_LIST = "waiting_list", _("Mettre en liste d'attente")


class Envelope(models.Model):
    """What a scheme may commit over a period: euros, or items for aid in kind (a capacity).

    `committed` is kept under a row lock by every commitment and release; the check constraint
    makes an overrun impossible even for code that forgot the lock.
    """

    scheme_id = models.CharField(_("dispositif"), max_length=64)
    label = models.CharField(_("intitulé"), max_length=200)
    unit = models.CharField(_("unité"), max_length=10, choices=Unit.choices, default=Unit.EUR)
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    committed = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="envelopes")
    when_exhausted = models.CharField(
        max_length=20, choices=WhenExhausted.choices, default=WhenExhausted.REFUSE
    )

    class Meta:
        ordering = ["scheme_id", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="envelope_amount"),
            models.CheckConstraint(
                condition=models.Q(committed__gte=0, committed__lte=models.F("amount")),
                name="envelope_never_overrun",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="envelope_dates"
            ),
            # Two signings creating the catalog's envelope at once cannot make two of them.
            models.UniqueConstraint(
                fields=["scheme_id", "unit", "starts_on"], name="envelope_one_per_start"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        """An envelope is owned by the scheme's provider, whoever creates it (NotProvider).
        Checked when the owner or the scheme is written, not on every commitment."""
        from solidarite.payments.envelopes import check_provider

        fields = kwargs.get("update_fields")
        if self.pk is None or fields is None or {"owner", "scheme_id"} & set(fields):
            check_provider(self.scheme_id, self.owner_id)
        super().save(*args, **kwargs)

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.committed


class PaymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Programmé")
    HELD = "held", _("Suspendu")
    BATCHED = "batched", _("Dans un lot")
    PAID = "paid", _("Payé")
    CANCELLED = "cancelled", _("Annulé")


COMMITTED_STATUSES = (
    PaymentStatus.SCHEDULED,
    PaymentStatus.HELD,
    PaymentStatus.BATCHED,
    PaymentStatus.PAID,
)


class PaymentKind(models.TextChoices):
    REGULAR = "regular", _("Échéance")
    CORRECTION = "correction", _("Correction")


class BatchStatus(models.TextChoices):
    PREPARED = "prepared", _("Préparé")
    VALIDATED = "validated", _("Validé")
    CANCELLED = "cancelled", _("Annulé")


class PaymentBatch(models.Model):
    """The month's transfers: prepared by one finance officer, validated by another."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="payment_batches"
    )
    month = models.DateField(_("mois"))
    status = models.CharField(
        max_length=20, choices=BatchStatus.choices, default=BatchStatus.PREPARED
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "-pk"]
        constraints = [
            # One live batch a month; cancelled ones stay for the record.
            models.UniqueConstraint(
                fields=["organisation", "month"],
                condition=~models.Q(status="cancelled"),
                name="batch_once_a_month",
            ),
            models.CheckConstraint(
                condition=models.Q(validated_by__isnull=True)
                | ~models.Q(validated_by=models.F("prepared_by")),
                name="batch_four_eyes",
            ),
            models.CheckConstraint(condition=models.Q(month__day=1), name="batch_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"Lot {self.month:%m/%Y}"


class Payment(models.Model):
    file = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="payments")
    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=20, choices=PaymentKind.choices, default=PaymentKind.REGULAR)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    month = models.DateField(_("mois"))
    due_on = models.DateField(_("échéance"))
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.SCHEDULED
    )
    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    # Who put the payment in its batch: the database refuses anyone but the batch's preparer
    # (trigger payment_batched_by_preparer), so the validator never added a euro.
    batched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    catch_up = models.ForeignKey(
        "CatchUp", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month", "pk"]
        indexes = [models.Index(fields=["status", "month"])]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "month"],
                condition=models.Q(kind="regular"),
                name="payment_once_per_file_and_month",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="regular") | models.Q(amount__gt=0),
                name="payment_regular_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="regular") | models.Q(corrects__isnull=False),
                name="payment_correction_points_to_original",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="payment_month_first_day"
            ),
            models.CheckConstraint(
                condition=models.Q(batch__isnull=True, batched_by__isnull=True)
                | models.Q(batch__isnull=False, batched_by__isnull=False),
                name="payment_batched_by_whom",
            ),
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read from __dict__: a deferred amount must not cost a query per row.
        self._stored_amount = self.__dict__.get("amount") if self.pk else None

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} — {self.amount} €"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Amounts are never edited in place: record a correction instead."""
        if self._stored_amount is not None and self.amount != self._stored_amount:
            raise ValueError(str(_("Un montant ne se modifie pas : enregistrez une correction.")))
        super().save(*args, **kwargs)
        self._stored_amount = self.amount


class CatchUp(models.Model):
    """A contract starting further back (or ahead) than the usual bounds: asked by one case
    worker, approved by another, and shown as a catch-up in the batch that pays it."""

    file = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="catch_ups")
    starts_on = models.DateField(_("début du contrat"))
    reason = models.TextField(_("motif"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("rattrapage")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("requested_by")),
                name="catch_up_second_person",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="catch_up_reason"),
        ]

    def __str__(self) -> str:
        return f"Rattrapage {self.starts_on:%d/%m/%Y}"


class PaymentEvent(Transition):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=PaymentStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PaymentStatus.choices)


class BankAccount(models.Model):
    """A person's bank details: the IBAN is validated on entry and stored encrypted; screens show
    only its masked form."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="bank_account")
    holder = models.CharField(_("titulaire"), max_length=140)
    iban_encrypted = models.TextField()
    iban_masked = models.CharField(max_length=40)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.holder} — {self.iban_masked}"


class ItemKind(models.Model):
    """A kind of thing given or lent: school-start pack, Chromebook, 4G key, computer."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="item_kinds"
    )
    name = models.CharField(_("nom"), max_length=120)
    scheme_id = models.CharField(_("dispositif"), max_length=64, blank=True)
    loanable = models.BooleanField(_("prêté (et rendu)"), default=False)
    in_stock = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="item_kind_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class StockReceipt(models.Model):
    item_kind = models.ForeignKey(ItemKind, on_delete=models.PROTECT, related_name="receipts")
    quantity = models.PositiveIntegerField(_("quantité"))
    received_on = models.DateField(_("reçu le"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="receipt_quantity")
        ]

    def __str__(self) -> str:
        return f"{self.item_kind} +{self.quantity}"


class Distribution(models.Model):
    """An item given for good (a school-start pack)."""

    item_kind = models.ForeignKey(ItemKind, on_delete=models.PROTECT, related_name="distributions")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="distributions")
    given_on = models.DateField(_("remis le"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    envelope = models.ForeignKey(
        Envelope, on_delete=models.PROTECT, null=True, blank=True, related_name="distributions"
    )

    def __str__(self) -> str:
        return f"{self.item_kind} — {self.given_on:%d/%m/%Y}"


class Loan(models.Model):
    """An item lent with a due date (a Chromebook, a 4G key) until it is returned."""

    item_kind = models.ForeignKey(ItemKind, on_delete=models.PROTECT, related_name="loans")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="loans")
    serial = models.CharField(_("numéro de série"), max_length=60, blank=True)
    lent_on = models.DateField(_("prêté le"))
    due_on = models.DateField(_("à rendre le"))
    returned_on = models.DateField(_("rendu le"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    envelope = models.ForeignKey(
        Envelope, on_delete=models.PROTECT, null=True, blank=True, related_name="loans"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("lent_on")), name="loan_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_kind} {self.serial}".strip()
