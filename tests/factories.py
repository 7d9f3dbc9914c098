"""factory-boy factories for the models the tests need."""

from typing import Any

import factory
from django.contrib.auth import get_user_model

from solidarite.accounts.models import Membership, Organisation, code_for
from solidarite.accounts.roles import OrganisationKind, Role


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    # Like a real installation: the code is derived from the first name, then never changes.
    code = factory.LazyAttribute(lambda o: code_for(o.name))
    kind = OrganisationKind.CCAS
    commune_code = "25056"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Personne{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or "a-long-test-password")
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.VIEWER


def user_with_role(role: Role, organisation: Organisation | None = None) -> Any:
    membership = MembershipFactory(
        role=role, **({"organisation": organisation} if organisation else {})
    )
    return membership.user


def active_file(
    organisation: Organisation,
    referent: Any = None,
    *,
    first_name: str = "Camille",
    last_name: str = "Exemple",
    area: str = "Planoise",
    scheme_id: str = "aide_jeunes_besancon",
    started_on: Any = None,
) -> Any:
    """A file whose contract was signed on `started_on` (default: 60 days ago), set up directly in
    the database: the path that leads there is tested in tests/cases/test_files.py."""
    import datetime as dt

    from dateutil.relativedelta import relativedelta

    from solidarite.cases.models import CaseFile, FileStatus, Household, Person

    started_on = started_on or dt.date.today() - dt.timedelta(days=60)
    person = Person.objects.create(
        first_name=first_name,
        last_name=last_name,
        birth_date=dt.date(2004, 5, 6),
        commune_code="25056",
        area=area,
        household=Household.objects.create(),
    )
    return CaseFile.objects.create(
        person=person,
        scheme_id=scheme_id,
        organisation=organisation,
        referent=referent,
        status=FileStatus.ACTIVE,
        started_on=started_on,
        ends_on=started_on + relativedelta(months=12),
        contract_signed_on=started_on,
    )
