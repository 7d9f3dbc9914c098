"""Issue 18, case worker: the engine's answer is shown before the decision is saved ("Vérifier"),
a form error keeps every answer typed, and the contract is a real document (articles, signature
blocks) printable and downloadable before signing, frozen at signature."""

import pytest
from django.test import Client
from django.urls import reverse

from solidarite.cases.models import CaseFile, FileStatus
from tests.cases.test_files import ANSWERS, setup  # noqa: F401

pytestmark = pytest.mark.django_db


def test_verify_shows_the_engines_answer_and_saves_nothing(client: Client, setup) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    file = setup["file"]
    url = reverse("cases_file_decide", args=[file.pk])
    page = client.post(
        url, {**ANSWERS, "revenus_mensuels__0": "120", "verify": "1"}
    ).content.decode()
    assert "Réponse du moteur avec ces réponses" in page
    assert "Éligible" in page
    assert 'value="120"' in page  # the answers stay as typed
    file.refresh_from_db()
    assert file.status == FileStatus.UNDER_REVIEW
    assert [t.to_status for t in file.transitions.all()] == ["under_review"]


def test_a_missing_decision_keeps_the_answers(client: Client, setup) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    file = setup["file"]
    page = client.post(
        reverse("cases_file_decide", args=[file.pk]), {**ANSWERS, "revenus_mensuels__0": "77"}
    ).content.decode()
    assert "Choisissez une décision" in page
    assert 'value="77"' in page
    assert CaseFile.objects.get().status == FileStatus.UNDER_REVIEW


def test_the_contract_is_a_document_before_and_after_signing(client: Client, setup) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    file = setup["file"]
    client.post(reverse("cases_file_decide", args=[file.pk]), {**ANSWERS, "eligible": "oui"})
    url = reverse("cases_file_contract", args=[file.pk])
    draft = client.get(url).content.decode()
    for heading in (
        "Article 1 — Objet",
        "Article 2 — Durée",
        "Article 3 — Montant et versement",
        "Engagements de la personne accompagnée",
        "Engagements de l&#x27;organisme",
        "Suspension et sortie",
        "Données personnelles",
    ):
        assert heading in draft, heading
    assert "par mois" in draft
    assert "Lu et approuvé" in draft
    download = client.get(url + "?telecharger=1")
    assert download["Content-Disposition"].startswith("attachment;")
    client.post(
        reverse("cases_file_sign", args=[file.pk]),
        {"signed_on": "2026-01-31", "signatories": "Camille Exemple, Bruno Exemple (CCAS)"},
    )
    file.refresh_from_db()
    assert "Article 7 — Données personnelles" in file.contract_text
    assert "Signé le 31/01/2026" in file.contract_text
    assert "12 mois au plus, à compter du 31/01/2026" in file.contract_text


# Issue 14, item 4: the national rights beside the decision, computed from the same answers.
RIGHTS = {
    "revenus_activite_mensuels__0": "0",
    "etudiant__0": "non",
    "statut_logement__h": "locataire",
    "percoit_aide_logement__h": "non",
}


def test_the_check_shows_the_national_rights_and_checks_no_rsa(client: Client, setup) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Born in 2005, 21 in January 2026: no RSA before 25. Left unanswered, "no RSA" is checked
    against that computation; a tax household above the 11 % bracket closes the CEJ."""
    file = setup["file"]
    page = client.post(
        reverse("cases_file_decide", args=[file.pk]),
        {
            **ANSWERS,
            **RIGHTS,
            "percoit_rsa__0": "nsp",
            "tranche_imposition__h": "au_dela",
            "verify": "1",
        },
    ).content.decode()
    assert "Droits nationaux de la personne : estimation" in page
    rights = page[page.index("Droits nationaux de la personne") :]
    rsa = rights[rights.index("Revenu de solidarité active (RSA)") :]
    assert rsa[: rsa.index("</tr>")].count("<td>Non</td>") == 1
    assert "Remplie — Ne pas percevoir le RSA" in page
    assert "<strong>Éligible</strong>" in page
    file.refresh_from_db()
    assert file.status == FileStatus.UNDER_REVIEW  # "Vérifier" saves nothing


def test_a_computed_cej_closes_the_youth_aid_when_not_answered(client: Client, setup) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    file = setup["file"]
    page = client.post(
        reverse("cases_file_decide", args=[file.pk]),
        {
            **ANSWERS,
            **RIGHTS,
            "percoit_garantie_jeunes__0": "nsp",
            "tranche_imposition__h": "tranche_0",
            "verify": "1",
        },
    ).content.decode()
    cej = page[page.index("Allocation du Contrat d&#x27;engagement jeune (CEJ)") :]
    assert "Oui — 561,68 € par mois" in cej[: cej.index("</tr>")]
    assert "Mission locale ou France Travail" in cej[: cej.index("</tr>")]
    assert "Non remplie — Ne pas percevoir la Garantie jeunes ni l&#x27;allocation du CEJ" in page
    assert "<strong>Non éligible</strong>" in page


def test_the_national_rights_questions_are_optional(client: Client, setup) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Only the scheme's own questions are required: a decision without the others is saved,
    and the file then shows the national rights estimated from its answers."""
    file = setup["file"]
    client.post(reverse("cases_file_decide", args=[file.pk]), {**ANSWERS, "eligible": "oui"})
    file.refresh_from_db()
    assert file.status == FileStatus.ELIGIBLE
    page = client.get(reverse("cases_file", args=[file.pk])).content.decode()
    assert "Droits nationaux de la personne : estimation" in page
    assert "Incertain : une réponse manque" in page
