"""Factories for children and young people and their contacts. Dates are relative to today in Europe/London."""

from datetime import timedelta

import factory

from ehcbudgets.core.dates import today
from ehcbudgets.councils.tests.factories import CouncilFactory
from ehcbudgets.people.models import Child, Contact, Relationship


def born_years_ago(years: int, *, days: int = 40):
    """A date of birth that makes the person `years` old today (and not yet `years + 1`)."""
    on = today()
    try:
        anniversary = on.replace(year=on.year - years)
    except ValueError:  # today is 29 February
        anniversary = on.replace(year=on.year - years, day=28)
    return anniversary - timedelta(days=days)


class ChildFactory(factory.django.DjangoModelFactory):
    """A 10-year-old with no plan yet."""

    class Meta:
        model = Child

    council = factory.SubFactory(CouncilFactory)
    first_name = factory.Sequence(lambda n: f"Child{n}")
    last_name = "Testcase"
    date_of_birth = factory.LazyFunction(lambda: born_years_ago(10))
    council_reference = factory.Sequence(lambda n: f"REF-{n:05d}")
    upn = ""


class ContactFactory(factory.django.DjangoModelFactory):
    """A parent of the child, in the child's council."""

    class Meta:
        model = Contact

    child = factory.SubFactory(ChildFactory)
    council = factory.SelfAttribute("child.council")
    full_name = factory.Sequence(lambda n: f"Parent {n} Testcase")
    relationship = Relationship.PARENT
    email = factory.Sequence(lambda n: f"parent{n}@family.example")
