"""Issue 17, items 4, 6 and 7: after anonymising or erasing a person, every table and every
column of the database (SQLite and PostgreSQL) is searched for their name, birth date, phone,
email, address and IBAN, and none is found. Every model is classified, so none is forgotten."""

from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from solidarite.accounts.models import Organisation
from solidarite.cases.models import CaseFile, Person
from solidarite.payments.models import Payment
from solidarite.privacy import anonymise
from solidarite.privacy.models import Erasure
from tests.privacy.conftest import NEEDLES, full_story

pytestmark = pytest.mark.django_db


def _found(needle: str) -> list[str]:
    """Every table.column whose text holds `needle` (case-insensitive)."""
    hits = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = connection.introspection.get_table_description(cursor, table)
            for column in columns:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} "
                    f"WHERE LOWER(CAST({quote(column.name)} AS TEXT)) LIKE %s",
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{column.name}")
    return hits


def test_every_model_is_classified_so_none_can_be_forgotten() -> None:
    ours = {
        model._meta.label_lower
        for model in apps.get_models()
        if model.__module__.startswith("solidarite.")
    }
    assert ours - set(anonymise.REGISTRY) == set()
    for label, handler in anonymise.REGISTRY.items():
        model = apps.get_model(label)
        if isinstance(handler, anonymise.Handler):
            names = {f.name for f in model._meta.get_fields()}
            assert set(handler.scrub) <= names, label


def test_the_story_leaves_traces_everywhere_before(
    ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    """The search itself works: before anonymisation, each needle is found."""
    full_story(ccas, staff, clock, paid=True)
    for needle in ("Zéphyrine", "Quatrezieux", "2005-02-28", "rue des Tilleuls"):
        assert _found(needle), needle


def test_nothing_is_left_after_anonymisation(
    ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    person = full_story(ccas, staff, clock, paid=True)
    anonymise.anonymise([person.pk])
    for needle in NEEDLES:
        assert _found(needle) == [], needle
    person.refresh_from_db()
    # what the indicators need stays: birth year, area, commune, scheme, exit reason, months
    assert (person.birth_date.year, person.area, person.commune_code) == (2005, "Planoise", "25056")
    file = CaseFile.objects.get(person=person)
    assert (file.scheme_id, file.exit_reason, file.started_on.day) == (
        "aide_jeunes_besancon",
        "employment",
        1,
    )
    assert Payment.objects.filter(file=file).exists()  # kept, pseudonymised
    before = {n: _found(n) for n in ("Personne", "anonymisée")}
    anonymise.anonymise([person.pk])  # idempotent
    assert {n: _found(n) for n in ("Personne", "anonymisée")} == before


def test_nothing_is_left_after_erasure_and_the_screen_says_what_was_kept(
    client: Client, ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    person = full_story(ccas, staff, clock, paid=True)
    client.force_login(staff["admin"])
    response = client.post(
        reverse("privacy_person_erase", args=[person.pk]),
        {"reason": "Demande écrite reçue le 3 février", "confirm": "on"},
        follow=True,
    )
    assert "pseudonymisés" in response.content.decode()  # payments kept by law
    assert Erasure.objects.get().payments_kept
    for needle in NEEDLES:
        assert _found(needle) == [], needle


def test_erasure_without_payments_deletes_the_person(
    client: Client, ccas: Organisation, staff: dict[str, Any], clock: Any
) -> None:
    person = full_story(ccas, staff, clock, paid=False)
    Payment.objects.filter(file__person=person).delete()  # never paid: nothing to keep
    client.force_login(staff["admin"])
    client.post(
        reverse("privacy_person_erase", args=[person.pk]),
        {"reason": "Demande orale au guichet", "confirm": "on"},
    )
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not CaseFile.objects.exists()
    assert not Erasure.objects.get().payments_kept
    for needle in NEEDLES:
        assert _found(needle) == [], needle
