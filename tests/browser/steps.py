"""Steps every browser test takes: sign in and out with a demo account, run axe."""

from typing import Any

from solidarite.core.demo import accounts
from tests.browser.accessibility import blocking_violations

APOS = "\N{RIGHT SINGLE QUOTATION MARK}"  # the apostrophe of Django's login label


def login(page: Any, username: str) -> None:
    page.goto("/comptes/connexion/")
    page.get_by_label(f"Nom d{APOS}utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(accounts.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def logout(page: Any) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def accessible(page: Any) -> None:
    """No blocking axe violation on the page."""
    assert blocking_violations(page) == [], page.url
