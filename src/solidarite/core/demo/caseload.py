"""A realistic caseload for the Besançon youth scheme (seeds 000/001), with obviously fictitious
people, built through the same workflow functions as the interface so that every transition is
logged as in real use. Dates are relative to the day the demo is loaded, so the dashboard always
has overdue actions, missed appointments and upcoming ones to show."""

import datetime as dt
import random
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from schwifty import IBAN

from solidarite.accounts.models import Organisation
from solidarite.cases import files, follow_up, services, transitions
from solidarite.cases.decision import evaluate_situation, file_situation
from solidarite.cases.models import (
    ActionStatus,
    AppointmentStatus,
    Attendance,
    CaseFile,
    Domain,
    ExitReason,
    ExitSituation,
    NeedLevel,
    Person,
    Referral,
    ReferralStatus,
    Workshop,
)
from solidarite.contracts import workflow
from solidarite.payments import bank

SCHEME = "aide_jeunes_besancon"
# Last names no real person is likely to carry: the demo can never be mistaken for real files.
LAST_NAMES = ("Fictif", "Exemple", "Démo", "Essai", "Modèle", "Témoin", "Spécimen", "Maquette")
FIRST_NAMES = (
    "Inès", "Yanis", "Léa", "Mamadou", "Chloé", "Rayan", "Sarah", "Lucas", "Aya", "Hugo",
    "Nour", "Théo", "Emma", "Bilal", "Jade", "Adam", "Lina", "Enzo", "Maëlys", "Sofiane",
    "Manon", "Ilyes", "Clara", "Noah",
)  # fmt: skip
AREAS = ("Planoise", "Planoise", "Clairs-Soleils", "Montrapon - Fontaine-Écu", "Battant")
OBJECTIVES: dict[Domain, tuple[str, tuple[str, ...]]] = {
    Domain.JOB_SEARCH: ("Trouver un premier emploi", ("Refaire le CV", "Candidater à 5 offres")),
    Domain.MOBILITY: ("Passer le permis B", ("S'inscrire au code", "Demander l'aide au permis")),
    Domain.HEALTH: ("Faire un bilan de santé", ("Rendez-vous au centre d'examens de santé",)),
    Domain.CONFIDENCE: ("Reprendre confiance", ("Atelier estime de soi",)),
    Domain.COMPANY_DISCOVERY: ("Découvrir un métier", ("Stage d'observation d'une semaine",)),
}
REASON = "Jeune sans ressource suivi·e par la Mission locale, volontaire pour être accompagné·e."
ANSWERS: list[tuple[tuple[str, int | None], Any]] = [
    (("percoit_rsa", 0), False),
    (("percoit_garantie_jeunes", 0), False),
    (("percoit_are", 0), False),
    (("revenus_mensuels", 0), 0),
]


def _demo_iban(n: int) -> str:
    """A fictitious account with valid check digits (schwifty computes them)."""
    return str(IBAN.generate("FR", bank_code="30001", account_code=f"{90000000000 + n:011d}"))


def already_loaded() -> bool:
    return Person.objects.filter(last_name__in=LAST_NAMES).exists()


def _person(rng: random.Random, i: int, today: dt.date) -> services.PersonData:
    age_days = rng.randint(18 * 366 + 30, 24 * 365)
    return services.PersonData(
        first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
        last_name=LAST_NAMES[i % len(LAST_NAMES)],
        birth_date=today - dt.timedelta(days=age_days),
        commune_code="25056",
        area=AREAS[i % len(AREAS)],
    )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _support(rng: random.Random, file: CaseFile, referent: User, today: dt.date) -> None:
    """Diagnostic at entry, two objectives with their actions, a monthly interview."""
    assert file.started_on is not None
    domains = rng.sample(list(OBJECTIVES), 2)
    follow_up.save_diagnostic(
        file,
        referent,
        file.started_on,
        [
            follow_up.Need(d, NeedLevel.PRIORITY if d in domains else rng.choice([0, 1]))
            for d in Domain
        ],
    )
    for domain in domains:
        title, actions = OBJECTIVES[domain]
        objective = follow_up.add_objective(file, referent, domain, title)
        for n, action_title in enumerate(actions):
            due = file.started_on + dt.timedelta(days=30 * (n + 1) + rng.randint(0, 20))
            action = follow_up.add_action(objective, action_title, domain, due, referent)
            if due < today - dt.timedelta(days=10) and rng.random() < 0.7:
                follow_up.set_action_status(action, ActionStatus.DONE, due)
    day = file.started_on + dt.timedelta(days=7)
    while day < today + dt.timedelta(days=20):
        appointment = follow_up.book_appointment(
            file, referent, _at(day, rng.choice([9, 10, 14, 16])), 45, "CCAS, 2 rue Mégevand"
        )
        if day < today:
            missed = rng.random() < 0.12
            follow_up.record_appointment(
                appointment, AppointmentStatus.MISSED if missed else AppointmentStatus.HELD
            )
        day += dt.timedelta(days=rng.randint(21, 33))


def _workshops(ccas: Organisation, active: list[CaseFile], today: dt.date) -> None:
    past = Workshop.objects.create(
        organisation=ccas,
        title="Confiance en soi et prise de parole",
        domain=Domain.CONFIDENCE,
        starts_at=_at(today - dt.timedelta(days=12), 14),
        place="Maison de quartier de Planoise",
        capacity=10,
    )
    coming = Workshop.objects.create(
        organisation=ccas,
        title="Découverte des entreprises du Grand Besançon",
        domain=Domain.COMPANY_DISCOVERY,
        starts_at=_at(today + dt.timedelta(days=9), 9),
        place="Direction Emploi Insertion",
        capacity=12,
    )
    attendance = [Attendance.PRESENT] * 5 + [Attendance.EXCUSED, Attendance.ABSENT]
    for file, presence in zip(active, attendance, strict=False):
        follow_up.record_attendance(follow_up.register(past, file), presence)
    for file in active[:6]:
        follow_up.register(coming, file)


SITUATION_AT_EXIT = {
    "employment": ExitSituation.LASTING_JOB,
    "training": ExitSituation.TRAINING,
    "moved_away": ExitSituation.UNKNOWN,
}
HISTORY = "Démonstration : historique reconstitué de contrats signés les mois passés."


@transaction.atomic
def load(today: dt.date | None = None) -> int:
    """Load the caseload once; return the number of demo people (the same on a second load)."""
    if already_loaded():
        return Referral.objects.filter(reason=REASON).count()
    today = today or timezone.localdate()
    rng = random.Random(2021)
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["instructeur", "instructrice", "referente", "partenaire"]
        )
    }
    worker, referent, partner = users["instructeur"], users["referente"], users["partenaire"]
    second_worker = users["instructrice"]
    partner_org = partner.memberships.get().organisation
    ccas = worker.memberships.get().organisation
    plan = (
        ["submitted"] * 3 + ["more_information", "refused", "under_review", "under_review"]
        + ["eligible"] + ["active"] * 12 + ["suspended"]
        + ["employment", "training", "moved_away"]
    )  # fmt: skip
    active: list[CaseFile] = []
    for i, fate in enumerate(plan):
        referral = services.submit_referral(
            partner,
            partner_org,
            _person(rng, i, today),
            SCHEME,
            REASON,
            today - dt.timedelta(days=400),
            notify=False,
        )
        if fate == "submitted":
            continue
        if fate in ("more_information", "refused"):
            why = (
                "Merci de préciser la situation de ressources."
                if fate == "more_information"
                else "Bénéficie déjà du Contrat d'engagement jeune."
            )
            transitions.move(referral, ReferralStatus(fate), worker, why)
            continue
        transitions.move(referral, ReferralStatus.ACCEPTED, worker)
        file = files.open_file(referral, worker)
        if fate == "under_review":
            continue
        situation = file_situation(file, ANSWERS, today)
        engine = evaluate_situation(SCHEME, situation, today)
        files.decide_eligibility(file, worker, True, engine, inputs=situation)
        if fate == "eligible":
            continue
        months_ago = 1 + (i * 5) % 11 if fate == "active" else 11
        signed_on = today - relativedelta(months=months_ago)
        low, _high = workflow.start_bounds(today)
        if signed_on < low:  # the demo's history: contracts signed months ago
            catch_up = workflow.request_catch_up(file, worker, signed_on, HISTORY)
            workflow.approve_catch_up(catch_up, second_worker)
        file = workflow.sign_contract(
            file, worker, signed_on, f"{file.person}, {worker.get_full_name()}"
        )
        file = files.assign_referent(file, worker, referent)
        bank.save_bank_account(file.person, str(file.person), _demo_iban(i))
        _support(rng, file, referent, today)
        if fate == "active":
            active.append(file)
        elif fate == "suspended":
            workflow.suspend(
                file, worker, "Hospitalisation : accompagnement suspendu à sa demande."
            )
        else:
            workflow.close(
                file,
                worker,
                ExitReason(fate),
                on=today - dt.timedelta(days=rng.randint(5, 40)),
                situation=SITUATION_AT_EXIT[fate],
            )
    _workshops(ccas, active, today)
    return len(plan)
