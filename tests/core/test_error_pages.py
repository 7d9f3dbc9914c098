"""Branded, translated 404 and 500 pages with a way back (issue 18, "everywhere"), and a
dashboard whose every link leads somewhere."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from solidarite.accounts.roles import Role
from tests.factories import user_with_role


@pytest.mark.django_db
def test_a_missing_page_is_branded_and_leads_home(client: Client) -> None:
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page introuvable" in page
    assert f'href="{reverse("home")}"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Page not found" in client.get("/nulle-part/").content.decode()


def test_a_server_error_is_branded_translated_and_says_nothing_was_half_saved() -> None:
    request = RequestFactory().get("/")
    page = server_error(request).content.decode()
    assert "Une erreur est survenue" in page
    assert "Revenir à l'accueil" in page.replace("&#x27;", "'")
    with translation.override("en"):
        english = server_error(request).content.decode()
    assert "Something went wrong" in english


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REFERENT, Role.CASE_WORKER])
def test_every_dashboard_link_leads_somewhere(client: Client, role: Role) -> None:
    client.force_login(user_with_role(role))
    page = client.get(reverse("cases_dashboard")).content.decode()
    links = set(re_links(page))
    assert links
    for href in links:
        assert client.get(href).status_code == 200, href


def re_links(page: str) -> list[str]:
    import re

    main = page.split('<main id="contenu"', 1)[1].split("</main>", 1)[0]
    return [h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"]*)"', main)]
