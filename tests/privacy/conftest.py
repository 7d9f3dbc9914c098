"""A person with every kind of record the platform keeps, built through the real services."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.cases import files, follow_up, services, transitions
from solidarite.cases.decision import evaluate_situation
from solidarite.cases.models import (
    Domain,
    ExitReason,
    NeedLevel,
    ReferralNote,
    ReferralStatus,
)
from solidarite.contracts import workflow
from solidarite.payments import bank, batches
from tests.factories import OrganisationFactory, user_with_role
from tests.payments.helpers import SITUATION, envelope

SIGNED = dt.date(2026, 1, 12)
# What identifies the person: none of it may remain after anonymisation or erasure.
IDENTITY = {
    "first_name": "Zéphyrine",
    "last_name": "Quatrezieux",
    "birth_date": dt.date(2005, 2, 28),
    "phone": "06 11 22 33 44",
    "email": "zephyrine.quatrezieux@example.org",
    "address": "12 rue des Tilleuls",
}
IBAN = "FR7630001007941234567890185"
NEEDLES = (
    "Zéphyrine",
    "Quatrezieux",
    "2005-02-28",
    "28/02/2005",
    "06 11 22 33 44",
    "zephyrine.quatrezieux@example.org",
    "rue des Tilleuls",
    IBAN,
    "FR76 3000 1007 9412 3456 7890 185",
)


@pytest.fixture
def ccas() -> Organisation:
    return OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)


@pytest.fixture
def staff(ccas: Organisation) -> dict[str, Any]:
    mission = OrganisationFactory(name="Mission locale", kind=OrganisationKind.MISSION_LOCALE)
    return {
        "partner": user_with_role(Role.REFERRING_PARTNER, mission),
        "mission": mission,
        "worker": user_with_role(Role.CASE_WORKER, ccas),
        "referent": user_with_role(Role.REFERENT, ccas),
        "preparer": user_with_role(Role.FINANCE, ccas),
        "treasurer": user_with_role(Role.FINANCE, ccas),
        "admin": user_with_role(Role.ADMIN, ccas),
    }


def full_story(ccas: Organisation, staff: dict[str, Any], clock: Any, *, paid: bool) -> Any:
    """Referral, decision, contract, diagnostic, action plan, appointment, workshop, bank
    details, (a paid batch), exit: every table about a person gets a row."""
    clock(SIGNED)
    envelope(ccas, contracts=2)
    referral = services.submit_referral(
        staff["partner"],
        staff["mission"],
        services.PersonData(commune_code="25056", area="Planoise", **IDENTITY),
        "aide_jeunes_besancon",
        f"Zéphyrine Quatrezieux, joignable au {IDENTITY['phone']}",
        SIGNED,
        notify=False,
    )
    referral = transitions.move(referral, ReferralStatus.ACCEPTED, staff["worker"])
    file = files.open_file(referral, staff["worker"])
    engine = evaluate_situation("aide_jeunes_besancon", SITUATION, SIGNED)
    file = files.decide_eligibility(file, staff["worker"], True, engine, inputs=SITUATION)
    file = workflow.sign_contract(
        file, staff["worker"], SIGNED, "Zéphyrine Quatrezieux, B. Exemple"
    )
    file = files.assign_referent(file, staff["worker"], staff["referent"])
    follow_up.save_diagnostic(
        file,
        staff["referent"],
        SIGNED,
        [follow_up.Need(Domain.HEALTH, NeedLevel.STRONG, "Zéphyrine, 12 rue des Tilleuls")],
    )
    objective = follow_up.add_objective(
        file, staff["referent"], Domain.MOBILITY, "Permis de conduire"
    )
    follow_up.add_action(
        objective, "Appeler Quatrezieux", Domain.MOBILITY, SIGNED, staff["referent"]
    )
    appointment = follow_up.book_appointment(
        file,
        staff["referent"],
        timezone.make_aware(dt.datetime(2026, 1, 20, 10)),
        45,
        "12 rue des Tilleuls",
    )
    # Notes are about the person too: written by the team and by the partner.
    follow_up.add_note(file, staff["referent"], "Zéphyrine déménage rue des Tilleuls", None)
    follow_up.add_note(file, staff["referent"], "Quatrezieux était absente", appointment)
    ReferralNote.objects.create(
        referral=referral,
        author=staff["partner"],
        organisation=staff["mission"],
        text="Zéphyrine joignable au 06 11 22 33 44",
    )
    bank.save_bank_account(file.person, "Zéphyrine Quatrezieux", IBAN)
    if paid:
        batch = batches.prepare(SIGNED, staff["preparer"]).batch
        batches.validate(batch, staff["treasurer"])
    workflow.close(file, staff["worker"], ExitReason.EMPLOYMENT, "Emploi", on=dt.date(2026, 1, 31))
    return file.person
