"""Home page, health check, languages, security headers."""

import pytest
from django.test import Client
from django.urls import reverse

from solidarite.accounts.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_home_tells_a_newcomer_what_the_platform_does(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "CCAS" in page
    assert 'href="#contenu"' in page
    assert '<main id="contenu"' in page


def test_healthz_answers_200_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_english_is_available_through_the_language_switcher(client: Client) -> None:
    assert "Se connecter" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Sign in" in page


def test_pages_carry_csp_and_anti_framing_headers(client: Client) -> None:
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_navigation_depends_on_roles(client: Client) -> None:
    client.force_login(user_with_role(Role.CASE_WORKER))
    page = client.get("/").content.decode()
    assert reverse("my_account") in page
    assert reverse("audit_access_log") not in page

    client.force_login(user_with_role(Role.ADMIN))
    page = client.get("/").content.decode()
    assert reverse("audit_access_log") in page
    assert reverse("organisation_list") in page


def test_organisation_list_has_a_fixed_number_of_queries(
    client: Client,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    admin = user_with_role(Role.ADMIN)
    for _ in range(5):
        user_with_role(Role.REFERENT)
    client.force_login(admin)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("organisation_list")).status_code == 200


def test_the_stylesheet_is_served(client: Client) -> None:
    """Static files come from WhiteNoise, with or without collectstatic."""
    page = client.get("/").content.decode()
    assert "/static/solidarite/site.css" in page
    response = client.get("/static/solidarite/site.css")
    assert response.status_code == 200
    assert b".skip-link" in b"".join(response.streaming_content)  # type: ignore[attr-defined]
