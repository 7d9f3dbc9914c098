"""factory-boy factories for the models the tests need."""

from typing import Any

import factory
from django.contrib.auth import get_user_model

from solidarite.accounts.models import Membership, Organisation
from solidarite.accounts.roles import OrganisationKind, Role


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
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
