"""The contract of engagement as a real document: numbered articles (object, duration, amount
and payment, each party's commitments, suspension and exit, personal data) and signature blocks.

The same articles are shown as a draft before signing (printable, downloadable) and frozen as
text in the file at signature: what was signed never changes when the scheme does. Contracts are
written in French, the language they are signed in.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import number_format

from solidarite.cases.models import CaseFile, ExitReason
from solidarite.schemes.services import get_catalog


@dataclass(frozen=True)
class Article:
    title: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Contract:
    title: str
    parties: list[str]
    articles: list[Article]
    signed_on: dt.date | None
    signatories: str

    def as_text(self) -> str:
        lines = [self.title.upper(), "", *self.parties, ""]
        for number, article in enumerate(self.articles, start=1):
            lines.append(f"Article {number} — {article.title}")
            lines += [*article.paragraphs, ""]
        if self.signed_on:
            lines.append(f"Signé le {self.signed_on:%d/%m/%Y} par : {self.signatories}.")
        else:
            lines.append("Fait à ______________, le ____/____/________")
            lines.append("Pour l'organisme : nom, qualité, signature")
            lines.append("La personne accompagnée : « lu et approuvé », signature")
        return "\n".join(lines)


def _money(amount: float) -> str:
    return f"{number_format(amount, decimal_pos=2, use_l10n=False).replace('.', ',')} €"


def contract(file: CaseFile, signed_on: dt.date | None = None, signatories: str = "") -> Contract:
    catalog = get_catalog()
    spec = catalog.schemes[file.scheme_id].spec
    provider = catalog.provider_name(file.scheme_id)
    person = file.person
    amount = (file.decision_snapshot or {}).get("amount")
    months = spec.max_duration_months
    start = signed_on or file.started_on
    duration = (
        f"Le contrat est conclu pour {months} mois au plus"
        + (f", à compter du {start:%d/%m/%Y}." if start else ", à compter de sa signature.")
        if months
        else "Le contrat court jusqu'à la sortie du dispositif."
    )
    if amount and spec.periodicity == "monthly":
        payment = [
            f"L'aide s'élève à {_money(float(amount))} par mois, calculés selon les règles du "
            "dispositif à la date de la décision d'éligibilité.",
            "Elle est versée chaque mois par virement sur le compte bancaire de la personne, "
            "dans la limite de l'enveloppe votée par le conseil ; un mois commencé est dû.",
        ]
    elif amount:
        payment = [f"L'aide s'élève à {_money(float(amount))}, versée par virement."]
    else:
        payment = [spec.benefit.fr if spec.benefit else "Aide en nature, remise contre signature."]
    steps = []
    if spec.intake.diagnostic_required:
        steps.append("réaliser avec son ou sa référent·e un diagnostic à l'entrée")
    steps += [
        "construire et suivre un plan d'actions partagé",
        "se rendre aux rendez-vous fixés ou prévenir de son absence",
        "signaler tout changement de situation (ressources, logement, emploi, formation)",
    ]
    exits = ", ".join(str(reason.label).lower() for reason in ExitReason)
    return Contract(
        title=f"Contrat d'engagement — {spec.title.fr}",
        parties=[
            f"Entre {provider}, ci-après « l'organisme »,",
            f"et {person.first_name} {person.last_name}, né·e le {person.birth_date:%d/%m/%Y}, "
            "ci-après « la personne accompagnée ».",
        ],
        articles=[
            Article("Objet", [spec.summary.fr]),
            Article("Durée", [duration]),
            Article("Montant et versement", payment),
            Article(
                "Engagements de la personne accompagnée",
                [f"La personne s'engage à {', '.join(steps)}."],
            ),
            Article(
                "Engagements de l'organisme",
                [
                    "L'organisme désigne un·e référent·e qui accompagne la personne tout au long "
                    "du contrat, verse l'aide prévue à l'article 3 et informe la personne de "
                    "toute décision la concernant, avec ses motifs.",
                ],
            ),
            Article(
                "Suspension et sortie",
                [
                    "En cas de manquement aux engagements, le versement peut être suspendu après "
                    "un échange avec la personne ; la suspension est motivée par écrit et levée "
                    "dès que la situation est régularisée.",
                    f"Le contrat prend fin à son terme ou avant, pour l'un des motifs suivants : "
                    f"{exits}. La sortie est notifiée à la personne.",
                ],
            ),
            Article(
                "Données personnelles",
                [
                    f"{provider} traite les données de la personne pour instruire et suivre son "
                    "accompagnement (mission d'intérêt public, action sociale). Elles ne sont lues "
                    "que par l'équipe du dossier, chaque lecture est enregistrée, et elles sont "
                    "anonymisées deux ans après le dernier contact (durées publiées sur la page "
                    "« Durées de conservation »).",
                    "La personne peut accéder à ses données, les faire rectifier ou effacer "
                    "lorsque la loi le permet, en s'adressant à l'organisme ; elle peut saisir la "
                    "CNIL.",
                ],
            ),
        ],
        signed_on=signed_on,
        signatories=signatories,
    )
