"""Login, logout, throttling of failed logins, password reset, Argon2 hashing."""

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_then_logout(client: Client) -> None:
    UserFactory(username="marie", password="correct horse battery")
    response = _login(client, "marie", "correct horse battery")
    assert response.status_code == 302
    assert response["Location"] == reverse("start")  # then the page of its role, or home
    assert client.get(reverse("my_account")).status_code == 200

    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("my_account")).status_code == 302


def test_wrong_password_shows_an_error_and_signs_nobody_in(client: Client) -> None:
    UserFactory(username="marie", password="correct horse battery")
    response = _login(client, "marie", "wrong")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_with_the_right_password(client: Client) -> None:
    UserFactory(username="marie", password="correct horse battery")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        _login(client, "marie", "wrong")
    response = _login(client, "marie", "correct horse battery")
    assert response.status_code == 429
    assert "bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client: Client) -> None:
    user = UserFactory(username="marie", email="marie@example.invalid")
    response = client.post(reverse("password_reset"), {"email": "marie@example.invalid"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new_password = "une phrase de passe toute neuve"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_unknown_email_gets_the_same_answer_and_no_mail(client: Client) -> None:
    response = client.post(reverse("password_reset"), {"email": "nobody@example.invalid"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_production_hasher_is_argon2() -> None:
    from solidarite import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
