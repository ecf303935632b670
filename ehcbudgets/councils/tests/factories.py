"""Factories for councils, their partner ICBs and their dated policy."""

from datetime import date

import factory

from ehcbudgets.councils.models import ICB, Council, CouncilPolicy


class ICBFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ICB
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"NHS Test Area {n} ICB")
    code = factory.Sequence(lambda n: f"Q{n:03d}")
    former_ccg_names = factory.LazyAttribute(lambda o: o.name.replace("ICB", "CCG"))


class CouncilFactory(factory.django.DjangoModelFactory):
    """A council with its own partner ICB (pass icb= to share one)."""

    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"Test Borough {n} Council")
    code = factory.Sequence(lambda n: f"test-{n}")
    icb = factory.SubFactory(ICBFactory)
    advice_text = "Free, impartial advice: the local SENDIASS."


class CouncilPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilPolicy

    council = factory.SubFactory(CouncilFactory)
    effective_from = date(2025, 4, 1)
    under_five_review_months = 6
