"""The simulator asks only what matters, explains, refuses bad input and forgets on request."""

from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from solidarite.audit.models import AccessLog
from solidarite.schemes.services import get_catalog

pytestmark = pytest.mark.django_db

YOUNG_BESANCON = {
    "commune_residence": "25056",
    "age": "19",
    "revenus_mensuels": "0",
}


def _answer_page(client: Client, values: dict[str, str], default: str = "non") -> Any:
    page = client.get(reverse("simulator_questions"))
    if page.status_code == 302:
        return page
    data = {}
    for name, field in page.context["form"].fields.items():
        variable = name.rsplit("__", 1)[0]
        data[name] = values.get(variable, _default(field, default))
    return client.post(reverse("simulator_questions"), data)


def _default(field: Any, default: str) -> str:
    """The answer to a question the test does not set: "non" for a yes/no question, 0 for an
    amount, the first option of a list (a role: applicant; housing: tenant)."""
    choices = [str(value) for value, _label in getattr(field, "choices", [])]
    if not choices:
        return "0"
    return default if default in choices else choices[0]


def _run(client: Client, size: int, values: dict[str, str]) -> list[str]:
    client.post(reverse("simulator_start"), {"size": str(size)})
    groups = []
    for _ in range(10):
        page = client.get(reverse("simulator_questions"))
        if page.status_code == 302:
            break
        groups.append(page.context["group"])
        assert _answer_page(client, values).status_code == 302
    return groups


def test_young_person_in_besancon_learns_about_youth_support_and_ginko(client: Client) -> None:
    groups = _run(client, 1, YOUNG_BESANCON)
    assert groups[:2] == ["household", "ages"]
    page = client.get(reverse("simulator_results"))
    claimable = {e["id"]: e for e in page.context["claimable"]}
    assert "aide_jeunes_besancon" in claimable
    assert "ginko_gratuite_jeunes" in claimable
    assert (
        claimable["aide_jeunes_besancon"]["amount"] == "500,00 € par mois pendant 12 mois au plus"
    )
    assert claimable["aide_jeunes_besancon"]["referral"] is True
    html = page.content.decode()
    assert "Vous pouvez demander" in html
    assert "Réseau Ginko gratuit pour les moins de 26 ans" in html
    # Issue 18: a claimable scheme says why, with the conditions met.
    passed = claimable["aide_jeunes_besancon"]["passed"]
    assert passed
    assert "Pourquoi : les conditions remplies" in html
    assert all(escape(label) in html for label in passed)


def test_only_questions_that_matter_are_asked(client: Client) -> None:
    """A Besançon resident is never asked how long they have lived in the commune: only
    Chenôve's guaranteed income reads it, and living in Besançon already decides it."""
    _run(client, 1, YOUNG_BESANCON)
    answers = client.session["simulator_answers"]
    asked = set(answers["household"]) | {k.rsplit("__", 1)[0] for k in answers["skipped"]}
    assert "duree_residence_mois" not in asked


def test_unknown_answers_leave_schemes_pending_with_their_deciding_question(client: Client) -> None:
    _run(
        client,
        1,
        {"commune_residence": "25056", "age": "19", "revenus_mensuels": ""},
    )
    page = client.get(reverse("simulator_results"))
    maybe = {e["id"]: e for e in page.context["maybe"]}
    assert maybe["aide_jeunes_besancon"]["question"].startswith("Combien cette personne reçoit")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age", "150", "inférieure ou égale à 120"),
        ("age", "dix-neuf", "Saisissez un nombre entier"),
        ("revenus_mensuels", "-5", "supérieure ou égale à 0"),
    ],
)
def test_bad_input_gets_a_clear_message_next_to_the_field(
    client: Client, field: str, value: str, message: str
) -> None:
    client.post(reverse("simulator_start"), {"size": "1"})
    values = {"commune_residence": "25056", "age": "19"}
    for _ in range(6):
        page = client.get(reverse("simulator_questions"))
        names = list(page.context["form"].fields)
        if any(name.startswith(field + "__") for name in names):
            break
        _answer_page(client, values)
    response = _answer_page(client, {**values, field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert 'role="alert"' in html


def test_household_size_is_checked(client: Client) -> None:
    response = client.post(reverse("simulator_start"), {"size": "0"})
    assert response.status_code == 200
    assert "supérieure ou égale à 1" in response.content.decode()


def test_erase_forgets_every_answer_and_nothing_is_stored_outside_the_session(
    client: Client,
) -> None:
    _run(client, 1, YOUNG_BESANCON)
    assert not AccessLog.objects.exists()
    client.post(reverse("simulator_erase"))
    assert "simulator_answers" not in client.session
    assert client.get(reverse("simulator_results")).status_code == 302


def test_the_summary_downloads_as_text_without_personal_data_in_the_url(client: Client) -> None:
    _run(client, 1, YOUNG_BESANCON)
    response = client.get(reverse("simulator_download"))
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode()
    assert "Accompagnement des jeunes en grande précarité (18-25 ans)" in text
    assert "?" not in reverse("simulator_download")


def test_english_interface(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("simulator_start"), {"size": "1"})
    page = client.get(reverse("simulator_questions")).content.decode()
    assert "In which commune do you live?" in page


def test_a_resident_of_another_commune_still_gets_the_national_rights(
    client: Client,
) -> None:
    _run(client, 1, {"commune_residence": "autre", "age": "40", "revenus_mensuels": "0"})
    page = client.get(reverse("simulator_results"))
    assert page.context["outside"] is True
    html = unescape(page.content.decode())
    assert "Aucune aide municipale de ce catalogue ne s'applique là où vous habitez" in html
    assert "mesdroitssociaux.gouv.fr" in html
    # No municipal aid, but the RSA is estimated (issue 14).
    national = {entry["id"]: entry for entry in page.context["national"]}
    assert national["rsa"]["eligible"] is True
    assert "€ par mois" in national["rsa"]["amount"]
    text = client.get(reverse("simulator_download")).content.decode()
    assert "Aucune aide municipale de ce catalogue" in text
    assert "Revenu de solidarité active" in text
    # Housing benefit is not estimated: the page says so and where to simulate it.
    assert "Aide au logement (APL, ALF, ALS) : elle n'est pas estimée ici" in html
    assert "caf.fr" in html


def test_an_amount_shows_its_computation_and_says_when_it_rests_on_an_assumption(
    client: Client,
) -> None:
    chenove = {
        "commune_residence": "21166",
        "duree_residence_mois": "24",
        "age": "40",
        "revenus_mensuels": "500",
    }
    _run(client, 1, chenove)
    page = client.get(reverse("simulator_results"))
    assert page.context["outside"] is False
    rmg = {e["id"]: e for e in page.context["claimable"]}["rmg_chenove"]
    assert "Unités de consommation (échelle OCDE modifiée) : 1,00 UC" in rmg["computation"]
    assert any(
        line.startswith("Ressources mensuelles du foyer : 500,00") for line in rmg["computation"]
    )
    assert rmg["assumption"] is True
    assert "repose sur une hypothèse du conseil municipal" in page.content.decode()


def test_a_one_person_household_is_addressed_as_you_with_progress_in_schemes(
    client: Client,
) -> None:
    client.post(reverse("simulator_start"), {"size": "1"})
    _answer_page(client, YOUNG_BESANCON)
    page = client.get(reverse("simulator_questions"))
    html = page.content.decode()
    assert "Personne 1" not in html
    assert "<legend>" in html
    assert "Vous" in html
    total = len(get_catalog().schemes)
    assert f"aides sur {total}" in html or f"aide sur {total}" in html
    _run(client, 1, YOUNG_BESANCON)
    results = client.get(reverse("simulator_results"))
    whos = {e["who"] for e in results.context["claimable"]}
    assert "Vous" in whos
    assert not any(who.startswith("Personne") for who in whos)


def test_a_scheme_for_several_members_appears_once_with_the_persons_it_concerns(
    client: Client,
) -> None:
    answers = {
        "commune_residence": "21166",
        "duree_residence_mois": "24",
        "age": "40",
        "revenus_mensuels": "0",
    }
    _run(client, 2, answers)
    page = client.get(reverse("simulator_results"))
    mutuelle = [e for e in page.context["claimable"] if e["id"] == "mutuelle_municipale_chenove"]
    assert len(mutuelle) == 1
    assert mutuelle[0]["who"] == "Personne 1 (40 ans), Personne 2 (40 ans)"
    refused_ids = [e["id"] for e in page.context["refused"]]
    assert len(refused_ids) == len(set(refused_ids))


def test_the_recap_lists_every_answer_and_changing_one_keeps_the_others(client: Client) -> None:
    _run(client, 1, YOUNG_BESANCON)
    recap = client.get(reverse("simulator_recap"))
    assert recap.status_code == 200
    keys = {row["key"] for row in recap.context["rows"]}
    assert {"commune_residence__h", "age__0", "revenus_mensuels__0"} <= keys
    before = dict(client.session["simulator_answers"]["persons"][0])
    assert before["age"] == 19

    change = reverse("simulator_change", args=["age__0"])
    page = client.get(change)
    assert page.context["form"]["age__0"].value() == 19
    response = client.post(change, {"age__0": "30"})
    assert response.status_code == 302
    after = client.session["simulator_answers"]["persons"][0]
    assert after["age"] == 30
    assert {k: v for k, v in after.items() if k != "age"} == {
        k: v for k, v in before.items() if k != "age"
    }
    results = client.get(reverse("simulator_results"))
    assert "aide_jeunes_besancon" not in {e["id"] for e in results.context["claimable"]}


@pytest.mark.parametrize("key", ["age__7", "age__h", "commune_residence__0", "nb_mineurs__h", "x"])
def test_changing_a_question_that_is_not_one_is_not_found(client: Client, key: str) -> None:
    _run(client, 1, YOUNG_BESANCON)
    assert client.get(reverse("simulator_change", args=[key])).status_code == 404


def test_each_answer_page_evaluates_the_household_once(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13, item 5: the page shown evaluates; posting its answers reads the page's
    questions back from the session and evaluates nothing (it used to evaluate twice)."""
    catalog = get_catalog()
    calls: list[int] = []
    evaluate = type(catalog).evaluate

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return evaluate(self, *args, **kwargs)

    monkeypatch.setattr(type(catalog), "evaluate", counted)
    client.post(reverse("simulator_start"), {"size": "1"})
    page = client.get(reverse("simulator_questions"))
    assert len(calls) == 1
    data = {
        name: _default(field, "non") if "commune" not in name else "25056"
        for name, field in page.context["form"].fields.items()
    }
    response = client.post(reverse("simulator_questions"), data)
    assert response.status_code == 302
    assert len(calls) == 1  # posting the answers: no evaluation
    client.get(response["Location"])
    assert len(calls) == 2  # the next page: one
    # A stale page (another step) is not taken for the pending one: it is evaluated again.
    assert client.post(reverse("simulator_step", args=[1]), data).status_code == 302
