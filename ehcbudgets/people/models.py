"""Children and young people, and their family contacts."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ehcbudgets.councils.models import CouncilOwned

from . import rules


def validate_upn(value: str) -> None:
    if not rules.upn_is_valid(value):
        raise ValidationError(
            "Enter a unique pupil number in the correct format, like R801200199001: a check letter and 12 more "
            "characters"
        )


class Child(CouncilOwned):
    """A child or young person with, or being assessed for, an EHC plan."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    council_reference = models.CharField(max_length=30, help_text="The council's own case reference.")
    upn = models.CharField(
        "unique pupil number",
        max_length=13,
        blank=True,
        validators=[validate_upn],
        help_text="Optional. 13 characters, like R801200199001.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(fields=["council", "council_reference"], name="council_reference_unique"),
        ]
        indexes = [models.Index(fields=["council", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, on: date) -> int:
        return rules.age_on(self.date_of_birth, on)

    @property
    def compulsory_school_age_ends(self) -> date:
        return rules.compulsory_school_age_ends(self.date_of_birth)

    def is_young_person(self, on: date) -> bool:
        return rules.is_young_person(self.date_of_birth, on)

    @property
    def twenty_fifth_birthday(self) -> date:
        return rules.twenty_fifth_birthday(self.date_of_birth)


class Relationship(models.TextChoices):
    PARENT = "parent", "Parent with parental responsibility"
    CARER = "carer", "Carer"
    NOMINEE = "nominee", "Nominee"
    YOUNG_PERSON = "young_person", "The young person themselves"
    THIRD_PARTY = "third_party", "Third-party organisation"


class Contact(CouncilOwned):
    """A person or organisation connected to a child: who they are, how to reach them, and what they may do."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contacts")
    full_name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    has_capacity_to_consent = models.BooleanField(null=True, blank=True)
    capacity_assessed_on = models.DateField(null=True, blank=True)
    capacity_note = models.TextField(blank=True)
    drug_alcohol_order = models.BooleanField(
        default=False,
        help_text="Subject to a community order, suspended sentence or licence condition for drug or alcohol "
        "treatment. Yes or no only: never record offence details (DOMAIN R11).",
    )
    nominated_in_writing_on = models.DateField(null=True, blank=True)
    nominee_consent_on = models.DateField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        help_text="The sign-in that lets this contact see the child's record.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["child", "full_name"]
        constraints = [
            models.CheckConstraint(
                name="capacity_answer_has_a_date",
                condition=models.Q(has_capacity_to_consent__isnull=True) | models.Q(capacity_assessed_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_relationship_display()})"
