"""Bank details: validated with schwifty on entry, encrypted at rest, shown masked."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from solidarite.cases.models import Person
from solidarite.payments import crypto
from solidarite.payments.models import BankAccount


class InvalidBankDetails(ValueError):
    """The IBAN or BIC does not pass its checks; the message says which and why."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


REASONS = {
    "InvalidChecksumDigits": _lazy("la clé de contrôle ne correspond pas (une erreur de frappe ?)"),
    "InvalidBBANChecksum": _lazy("la clé RIB ne correspond pas (une erreur de frappe ?)"),
    "InvalidLength": _lazy("le nombre de caractères ne correspond pas au pays"),
    "InvalidCountryCode": _lazy("le code pays est inconnu"),
    "InvalidStructure": _lazy("le format ne correspond pas au pays"),
    "InvalidBankCode": _lazy("le code banque est invalide"),
}


def _reason(exc: Exception) -> str:
    return str(REASONS.get(type(exc).__name__, _("le format est incorrect")))


def mask(iban: IBAN) -> str:
    """Country, check digits and the last three characters: enough to recognise an account."""
    compact = iban.compact
    hidden = "•" * (len(compact) - 7)
    return (
        IBAN(compact).formatted[:4]
        + " "
        + " ".join((hidden + compact[-3:])[i : i + 4] for i in range(0, len(compact) - 4, 4))
    )


def parse(iban: str, bic: str = "") -> tuple[IBAN, str]:
    try:
        parsed = IBAN(iban)
    except SchwiftyException as exc:
        raise InvalidBankDetails(
            _("IBAN invalide : %(why)s.") % {"why": _reason(exc)}, field="iban"
        ) from exc
    if bic.strip():
        try:
            return parsed, str(BIC(bic.strip()))
        except SchwiftyException as exc:
            raise InvalidBankDetails(
                _("BIC invalide : %(why)s.") % {"why": _reason(exc)}, field="bic"
            ) from exc
    return parsed, ""


@transaction.atomic
def save_bank_account(person: Person, holder: str, iban: str, bic: str = "") -> BankAccount:
    parsed, checked_bic = parse(iban, bic)
    account, _created = BankAccount.objects.update_or_create(
        person=person,
        defaults={
            "holder": holder.strip(),
            "iban_encrypted": crypto.encrypt(parsed.compact),
            "iban_masked": mask(parsed),
            "bic": checked_bic,
        },
    )
    return account


@dataclass(frozen=True)
class ClearAccount:
    holder: str
    iban: str
    bic: str


def reveal(account: BankAccount) -> ClearAccount:
    """Decrypted only to build a transfer file, never to display."""
    return ClearAccount(account.holder, crypto.decrypt(account.iban_encrypted), account.bic)
