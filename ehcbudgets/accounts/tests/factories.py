"""Factories for users, one per role, and their API tokens.

Council staff belong to a council, ICB officers to an ICB, and family roles to neither: they see children through
the contact records they are linked to.
"""

import factory

from ehcbudgets.accounts.models import ApiToken, Role, User
from ehcbudgets.councils.tests.factories import CouncilFactory, ICBFactory

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A case officer unless told otherwise; the password is PASSWORD."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    role = Role.CASE_OFFICER
    council = factory.SubFactory(CouncilFactory)
    icb = None
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)


class CaseOfficerFactory(UserFactory):
    role = Role.CASE_OFFICER


class TeamManagerFactory(UserFactory):
    role = Role.TEAM_MANAGER


class FinanceOfficerFactory(UserFactory):
    role = Role.FINANCE_OFFICER


class PanelMemberFactory(UserFactory):
    role = Role.PANEL_MEMBER


class CouncilAdminFactory(UserFactory):
    role = Role.COUNCIL_ADMIN


class ICBOfficerFactory(UserFactory):
    role = Role.ICB_OFFICER
    council = None
    icb = factory.SubFactory(ICBFactory)


class ParentCarerFactory(UserFactory):
    role = Role.PARENT_CARER
    council = None


class YoungPersonFactory(UserFactory):
    role = Role.YOUNG_PERSON
    council = None


class NomineeFactory(UserFactory):
    role = Role.NOMINEE
    council = None


class ThirdPartyFactory(UserFactory):
    role = Role.THIRD_PARTY
    council = None
    organisation = "Test Direct Payment Support"


ROLE_FACTORIES: dict[Role, type[UserFactory]] = {
    Role.CASE_OFFICER: CaseOfficerFactory,
    Role.TEAM_MANAGER: TeamManagerFactory,
    Role.FINANCE_OFFICER: FinanceOfficerFactory,
    Role.PANEL_MEMBER: PanelMemberFactory,
    Role.COUNCIL_ADMIN: CouncilAdminFactory,
    Role.ICB_OFFICER: ICBOfficerFactory,
    Role.PARENT_CARER: ParentCarerFactory,
    Role.YOUNG_PERSON: YoungPersonFactory,
    Role.NOMINEE: NomineeFactory,
    Role.THIRD_PARTY: ThirdPartyFactory,
}


def user_for_role(role: Role | str, *, council=None, **kwargs) -> User:
    """A user of the role attached where that role belongs: staff to the council, ICB officers to its ICB."""
    role = Role(role)
    factory_class = ROLE_FACTORIES[role]
    if council is not None:
        if role == Role.ICB_OFFICER:
            kwargs.setdefault("icb", council.icb)
        elif factory_class.council is not None:
            kwargs.setdefault("council", council)
    return factory_class(**kwargs)


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token made directly (the service has its own tests); the raw value is kept on the instance as .raw."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = "Test integration"
    raw = factory.LazyFunction(ApiToken.new_raw_token)
    digest = factory.LazyAttribute(lambda o: ApiToken.digest_of(o.raw))
    hint = factory.LazyAttribute(lambda o: o.raw[:10])

    @classmethod
    def _create(cls, model_class, *args, raw, **kwargs):
        token = super()._create(model_class, *args, **kwargs)
        token.raw = raw
        return token
