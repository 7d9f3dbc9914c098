"""Eligible files ready to sign, and an envelope of a known size, set up in the real database."""

import datetime as dt
from decimal import Decimal
from typing import Any

from solidarite.accounts.models import Organisation
from solidarite.cases.models import CaseFile, FileStatus, Household, Person
from solidarite.payments.models import Envelope, WhenExhausted

SCHEME = "aide_jeunes_besancon"
MONTHLY = Decimal("500.00")
CONTRACT = MONTHLY * 12
SITUATION = {
    "household": {"commune_residence": "25056"},
    "persons": [
        {
            "age": 20,
            "percoit_rsa": False,
            "percoit_garantie_jeunes": False,
            "percoit_are": False,
            "revenus_mensuels": 0,
        }
    ],
}


def eligible_file(organisation: Organisation, n: int = 0, *, with_inputs: bool = True) -> Any:
    person = Person.objects.create(
        first_name=f"Jeune{n}",
        last_name="Exemple",
        birth_date=dt.date(2005, 1, 1),
        commune_code="25056",
        area="Planoise",
        household=Household.objects.create(),
    )
    return CaseFile.objects.create(
        person=person,
        scheme_id=SCHEME,
        organisation=organisation,
        status=FileStatus.ELIGIBLE,
        decision_snapshot={"eligible": True, "amount": float(MONTHLY)},
        decision_inputs=SITUATION if with_inputs else None,
        scheme_version=1,
    )


def envelope(
    organisation: Organisation, contracts: int, policy: str = WhenExhausted.REFUSE
) -> Envelope:
    return Envelope.objects.create(
        scheme_id=SCHEME,
        label="Enveloppe de test",
        amount=CONTRACT * contracts,
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2099, 12, 31),
        owner=organisation,
        when_exhausted=policy,
    )
