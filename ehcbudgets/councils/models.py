"""Tenants: councils, the ICBs that partner them, and each council's dated policy."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models


class ICB(models.Model):
    """An Integrated Care Board: the NHS body that funds health provision (formerly a CCG)."""

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(max_length=10, unique=True, validators=[RegexValidator(r"^[A-Z0-9]{2,10}$")])
    former_ccg_names = models.TextField(blank=True, help_text="The CCGs it replaced, as old documents name them.")

    class Meta:
        verbose_name = "ICB (formerly CCG)"
        verbose_name_plural = "ICBs (formerly CCGs)"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Council(models.Model):
    """A local authority that maintains EHC plans: one tenant of the installation."""

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short code used in addresses, e.g. brightwater.")
    icb = models.ForeignKey(ICB, on_delete=models.PROTECT, related_name="councils", verbose_name="partner ICB")
    advice_text = models.TextField(blank=True, help_text="Where families can get advice (e.g. the SENDIASS).")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CouncilOwned(models.Model):
    """Every row a council owns carries its council, so every query can filter by it (ARCHITECTURE scale plan)."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class CouncilPolicy(CouncilOwned):
    """A council's policy values in force from a date; a change is a new dated record, never an edit."""

    effective_from = models.DateField()
    under_five_review_months = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(3), MaxValueValidator(6)],
        help_text="How often to consider reviewing the plan of a child under 5, in months (DOMAIN R29: 3 to 6).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council", "-effective_from"]
        verbose_name_plural = "council policies"
        constraints = [
            models.UniqueConstraint(fields=["council", "effective_from"], name="one_policy_per_council_per_date"),
            models.CheckConstraint(
                condition=models.Q(under_five_review_months__gte=3, under_five_review_months__lte=6),
                name="under_five_review_months_3_to_6",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} policy from {self.effective_from}"
