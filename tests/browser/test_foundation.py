"""Each demo role signs in and sees its navigation; home and login pass axe."""

from typing import Any

import pytest
from django.urls import reverse

from solidarite.accounts.views import START_PAGES
from solidarite.core.demo import accounts
from solidarite.core.demo.loader import load_demo
from tests.browser.accessibility import blocking_violations


@pytest.fixture(autouse=True)
def _demo_allowed(settings: Any) -> None:
    """The demo loads only with DEBUG on (a local install); pytest runs with DEBUG off."""
    settings.DEBUG = True


pytestmark = pytest.mark.django_db(transaction=True)

ADMIN_ONLY = {"Organisations", "Journal d'audit"}


def _sign_in(page: Any, username: str) -> None:
    page.goto("/comptes/connexion/")
    page.get_by_label("Nom d\N{RIGHT SINGLE QUOTATION MARK}utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(accounts.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _nav_labels(page: Any) -> set[str]:
    nav = page.get_by_role("navigation", name="Navigation principale")
    return {text.strip() for text in nav.get_by_role("link").all_inner_texts()}


def test_each_demo_role_signs_in_and_sees_its_navigation(page: Any) -> None:
    load_demo()
    for account in accounts.ACCOUNTS:
        _sign_in(page, account.username)
        labels = _nav_labels(page)
        assert {"Accueil", "Mon compte"} <= labels, account.username
        if account.role == "admin":
            assert labels >= ADMIN_ONLY
        else:
            assert not (ADMIN_ONLY & labels), account.username
        # Each role lands on the page where its work waits (accounts.views.START_PAGES).
        url_name, query = next((u, q) for r, u, q in START_PAGES if r == account.role)
        assert page.url.endswith(reverse(url_name) + query), account.username
        page.goto("/")
        assert page.get_by_text(str(account.role.label)).first.is_visible()
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url("**/")
        assert "Se connecter" in _nav_labels(page)


def test_home_and_login_pages_pass_axe(page: Any) -> None:
    for path in ("/", "/comptes/connexion/"):
        page.goto(path)
        assert blocking_violations(page) == [], path


def test_home_works_on_a_phone_and_the_skip_link_is_first(phone_page: Any) -> None:
    phone_page.goto("/")
    phone_page.keyboard.press("Tab")
    focused = phone_page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Aller au contenu"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_language_switcher_shows_english(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.get_by_role("link", name="Skip to content").wait_for(state="attached")
    assert page.locator("html").get_attribute("lang") == "en"
