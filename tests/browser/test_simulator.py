"""Resident paths through the simulator in Chromium, with an axe check on every step."""

from typing import Any

import pytest

from tests.browser.accessibility import blocking_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _check(page: Any, where: str) -> None:
    assert blocking_violations(page) == [], where


def _choose(page: Any, fieldset_name: str, label: str) -> None:
    page.get_by_role("group", name=fieldset_name).get_by_label(label, exact=True).check()


def _start(page: Any, size: int) -> None:
    page.goto("/simulateur/")
    page.get_by_label("Combien de personnes vivent dans votre foyer").fill(str(size))
    page.get_by_role("button", name="Commencer").click()


def _continue(page: Any) -> None:
    page.get_by_role("button", name="Continuer").click()


def _questions(page: Any) -> list[Any]:
    """The question groups with choices (not the person groups that hold them)."""
    return [
        group
        for group in page.get_by_role("group").all()
        if group.get_by_role("group").count() == 0 and group.get_by_role("radio").count() > 0
    ]


def _answer_until_results(page: Any, answers: dict[str, str], pages: int = 10) -> None:
    """Answer each page the simulator asks: the given amounts (by field name), 0 for the
    others, "Non" to yes/no questions, the first option of a list (applicant, tenant)."""
    for _ in range(pages):
        if "/resultats/" in page.url:
            return
        _check(page, page.url)
        _answer(page, answers)
        _continue(page)
    page.wait_for_url("**/simulateur/resultats/")


def _answer(page: Any, answers: dict[str, str]) -> None:
    for group in _questions(page):
        if any(radio.is_checked() for radio in group.get_by_role("radio").all()):
            continue
        no = group.get_by_label("Non", exact=True)
        (no if no.count() == 1 else group.get_by_role("radio").first).check()
    for field in page.get_by_role("spinbutton").all():
        field.fill(answers.get(field.get_attribute("name") or "", "0"))


def test_a_young_person_in_besancon_learns_about_youth_support_and_ginko(phone_page: Any) -> None:
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="Lancer le simulateur").click()
    _check(page, "start")
    page.get_by_label("Combien de personnes vivent dans votre foyer").fill("1")
    page.get_by_role("button", name="Commencer").click()

    _check(page, "household")
    page.get_by_label("Besançon").check()
    _answer(page, {})
    _continue(page)

    _check(page, "ages")
    assert page.get_by_role("group", name="Vous").first.is_visible()  # one person: "vous"
    assert "Nous connaissons déjà la réponse pour" in page.locator(".progress-text").inner_text()
    _answer_until_results(page, {"age__0": "19"})
    _check(page, "results")
    claimable = page.get_by_role("region", name="Vous pouvez demander")
    youth = claimable.get_by_role("article").filter(has_text="Accompagnement des jeunes")
    assert "500,00 € par mois pendant 12 mois au plus" in youth.inner_text()
    assert "un partenaire" in youth.inner_text()
    assert claimable.get_by_text("Réseau Ginko gratuit pour les moins de 26 ans").is_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le résumé").click()
    assert download.value.suggested_filename == "mes-aides-solidarite.txt"

    page.get_by_role("button", name="Effacer mes réponses").click()
    assert page.get_by_text("Vos réponses ont été effacées.").is_visible()


def test_a_chenove_family_path_with_a_mistake_corrected(page: Any) -> None:
    _start(page, 4)
    page.get_by_label("Chenôve").check()
    _answer(page, {})
    _continue(page)
    # The pages before the ages (places in the household, housing) are answered as any.
    for _ in range(4):
        if page.get_by_role("group", name="Personne 1").get_by_label("Quel âge").count():
            break
        _answer(page, {})
        _continue(page)

    ages = ["38", "150", "10", "6"]
    for number, age in enumerate(ages, start=1):
        page.get_by_role("group", name=f"Personne {number}").get_by_label("Quel âge").fill(age)
    _continue(page)
    alert = page.get_by_role("alert")
    assert "inférieure ou égale à 120" in alert.inner_text()
    _check(page, "error")
    page.get_by_role("group", name="Personne 2").get_by_label("Quel âge").fill("36")
    _continue(page)

    _answer_until_results(page, {"duree_residence_mois__h": "24", "revenus_mensuels__0": "600"})
    _check(page, "results")
    claimable = page.get_by_role("region", name="Vous pouvez demander")
    rmg = claimable.get_by_role("article").filter(has_text="Revenu municipal garanti de Chenôve")
    assert rmg.count() == 1
    assert "par mois" in rmg.inner_text()
    assert claimable.get_by_text("Mutuelle municipale de Chenôve").first.is_visible()
    refused = page.get_by_role("region", name="Vous ne pouvez pas demander")
    youth = refused.locator("details").filter(has_text="Accompagnement des jeunes").first
    youth.locator("summary").click()
    assert youth.get_by_text("Habiter Besançon").is_visible()


def test_a_chenove_resident_sees_how_the_guaranteed_income_is_computed(phone_page: Any) -> None:
    page = phone_page
    _start(page, 1)
    page.get_by_label("Chenôve").check()
    _answer(page, {})
    _continue(page)
    _answer_until_results(
        page, {"duree_residence_mois__h": "24", "revenus_mensuels__0": "500", "age__0": "40"}
    )
    claimable = page.get_by_role("region", name="Vous pouvez demander")
    rmg = claimable.get_by_role("article").filter(has_text="Revenu municipal garanti de Chenôve")
    rmg.get_by_text("Comment ce montant est calculé").click()
    assert "Unités de consommation" in rmg.inner_text()
    assert "repose sur une hypothèse du conseil municipal" in rmg.inner_text()
    _check(page, "results with the computation open")

    page.get_by_role("button", name="Effacer mes réponses").click()
    _start(page, 1)
    page.get_by_label("Une autre commune").check()
    _answer(page, {})
    _continue(page)
    page.get_by_role("link", name="Voir les résultats maintenant").click()
    assert page.get_by_role("status").filter(has_text="mesdroitssociaux.gouv.fr").is_visible()
    _check(page, "outside the catalog")


def test_a_resident_reviews_and_changes_one_answer_keeping_the_others(phone_page: Any) -> None:
    page = phone_page
    _start(page, 1)
    page.get_by_label("Besançon").check()
    _answer(page, {})
    _continue(page)
    page.get_by_label("Quel âge a cette personne ?").fill("19")
    _continue(page)

    page.get_by_role("link", name="Revoir ou modifier vos réponses").click()
    _check(page, "recap")
    table = page.get_by_role("table")
    assert "19" in table.inner_text()
    table.get_by_role("link", name="Modifier — Quel âge a cette personne ? (Vous)").click()
    _check(page, "change one answer")
    age = page.get_by_label("Quel âge a cette personne ?")
    assert age.input_value() == "19"
    age.fill("30")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_text("Votre réponse a été modifiée.").is_visible()
    text = page.get_by_role("table").inner_text()
    assert "30" in text
    assert "Besançon" in text  # the other answer is kept


def _tap_targets_too_small(page: Any) -> list[str]:
    """Every control a resident touches, with its height when under 44 px (WCAG 2.5.5)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
            'main button, main a.button, main input:not([type=hidden]), main select, main textarea'
        )].filter(el => {
            const target = el.type === 'radio' || el.type === 'checkbox' ? el.closest('label') : el;
            return target && target.getBoundingClientRect().height < 44;
        }).map(el => (el.name || el.textContent.trim()) + ': '
            + (el.closest('label') || el).getBoundingClientRect().height)"""
    )


def test_previous_and_back_return_to_the_last_page_with_answers_kept(phone_page: Any) -> None:
    """Issue 18, resident: a "Précédent" button and the browser's Back both return to the last
    question page with its answers; tap targets are at least 44 px on a phone."""
    page = phone_page
    _start(page, 1)
    assert _tap_targets_too_small(page) == []
    page.get_by_label("Besançon").check()
    _answer(page, {})
    _continue(page)
    page.get_by_label("Quel âge a cette personne ?").fill("19")
    _continue(page)
    assert page.url.endswith("/simulateur/questions/3/")
    assert _tap_targets_too_small(page) == []

    page.go_back()  # the browser's Back
    assert page.url.endswith("/simulateur/questions/2/")
    assert page.get_by_label("Quel âge a cette personne ?").input_value() == "19"
    _check(page, "previous page")
    page.get_by_role("link", name="Précédent").click()  # the page's own button
    assert page.url.endswith("/simulateur/questions/1/")
    assert page.get_by_label("Besançon").is_checked()
    # Changing the first page keeps the age given on the second.
    page.get_by_label("Besançon").check()
    _answer(page, {})
    _continue(page)
    assert page.url.endswith("/simulateur/questions/2/")
    page.get_by_role("link", name="Voir les résultats maintenant").click()
    page.get_by_role("link", name="Revoir ou modifier vos réponses").click()
    assert "19" in page.inner_text("main")


def test_a_couple_with_two_children_and_a_low_wage_learns_about_the_prime_d_activite(
    page: Any,
) -> None:
    """National rights first: the prime d'activité, with its amount and where to apply, before
    the municipal aid (issue 14)."""
    _start(page, 4)
    page.get_by_label("Chenôve").check()
    roles = {"0": "Demandeur ou demandeuse", "1": "Conjoint·e, partenaire de Pacs ou concubin·e"}
    answers = {
        "age__0": "35",
        "age__1": "33",
        "age__2": "4",
        "age__3": "8",
        "revenus_mensuels__0": "1500",
        "revenus_activite_mensuels__0": "1500",
        "duree_residence_mois__h": "36",
    }
    for _ in range(10):
        if "/resultats/" in page.url:
            break
        for index, label in roles.items():
            group = page.get_by_role("group", name=f"Personne {int(index) + 1}")
            choice = group.get_by_label(label, exact=True)
            if choice.count() == 1:
                choice.check()
        for child in (3, 4):
            group = page.get_by_role("group", name=f"Personne {child}")
            choice = group.get_by_label("Enfant à charge", exact=True)
            if choice.count() == 1:
                choice.check()
        for group in _questions(page):
            radios = group.get_by_role("radio")
            if not any(r.is_checked() for r in radios.all()):
                no = group.get_by_label("Non", exact=True)
                (no if no.count() == 1 else radios.first).check()
        for field in page.get_by_role("spinbutton").all():
            field.fill(answers.get(field.get_attribute("name") or "", "0"))
        _check(page, page.url)
        _continue(page)
    page.wait_for_url("**/simulateur/resultats/")
    _check(page, "results")
    national = page.get_by_role("region", name="Vos droits nationaux")
    prime = national.get_by_role("article").filter(
        has=page.get_by_role("heading", name="Prime d'activité", exact=True)
    )
    assert "€ par mois" in prime.inner_text()
    assert "caf.fr" in prime.inner_text()
    family = national.get_by_role("article").filter(
        has=page.get_by_role("heading", name="Allocations familiales", exact=True)
    )
    # Two children under 14: 32 % of the monthly base (BMAF).
    assert "€ par mois" in family.inner_text()
    # National rights come before the municipal aid on the page.
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings[0].startswith("Vos droits nationaux")


def test_a_19_year_old_in_besancon_learns_about_the_cej_before_the_municipal_aid(
    phone_page: Any,
) -> None:
    """The droit commun first (issue 14): the CEJ allowance, with where to apply, comes before
    the municipal youth aid, which is for those who receive nothing from it."""
    page = phone_page
    _start(page, 1)
    page.get_by_label("Besançon").check()
    _answer(page, {})
    _continue(page)
    _answer_until_results(page, {"age__0": "19"})
    _check(page, "results")
    national = page.get_by_role("region", name="Vos droits nationaux")
    cej = national.get_by_role("article").filter(
        has=page.get_by_role("heading", name="Allocation du Contrat d'engagement jeune (CEJ)")
    )
    text = cej.inner_text()
    assert "€ par mois" in text
    assert "Mission locale" in text
    assert "France Travail" in text
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings[0].startswith("Vos droits nationaux")
    # Answered "no, I do not receive the CEJ": the municipal aid stays open, after it.
    claimable = page.get_by_role("region", name="Vous pouvez demander")
    assert claimable.get_by_role("article").filter(has_text="Accompagnement des jeunes").count()
