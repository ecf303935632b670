"""The local offer: what a personal budget can pay for, the dated rate card, and what it cannot pay for."""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from ehcbudgets.councils.models import CouncilOwned
from ehcbudgets.plans.models import FundingStream, Unit


class Category(models.TextChoices):
    PLACEMENT = "placement", "A place at a school, college or setting"
    TEACHING_SUPPORT = "teaching_support", "Teaching and learning support"
    TUITION = "tuition", "Specialist tuition"
    THERAPY = "therapy", "Therapy"
    EQUIPMENT = "equipment", "Equipment"
    PERSONAL_ASSISTANT = "personal_assistant", "Personal assistant"
    SHORT_BREAK = "short_break", "Short breaks"
    ACTIVITY = "activity", "Clubs and activities"
    TRANSPORT = "transport", "Travel"
    HEALTH_SUPPLIES = "health_supplies", "Health supplies"
    OTHER = "other", "Other support"


class Funder(models.TextChoices):
    COUNCIL_SEN = "council_sen", "The council's special educational needs budget"
    COUNCIL_SOCIAL_CARE = "council_social_care", "The council's children's social care budget"
    ICB = "icb", "The ICB (NHS)"


#: The funder that normally pays for each funding stream (DOMAIN R27).
STREAM_FUNDER = {
    FundingStream.EDUCATION: Funder.COUNCIL_SEN,
    FundingStream.SOCIAL_CARE: Funder.COUNCIL_SOCIAL_CARE,
    FundingStream.HEALTH: Funder.ICB,
}


class ManagementMode(models.TextChoices):
    DIRECT_PAYMENT = "direct_payment", "Direct payment to the family"
    ORGANISED = "organised_arrangement", "Arranged by the council or NHS"
    THIRD_PARTY = "third_party", "Managed by a third party"


class OfferItem(CouncilOwned):
    """Something a personal budget can pay for in this council, how it is funded and how it may be held."""

    code = models.CharField(max_length=20, validators=[RegexValidator(r"^[A-Z0-9-]{2,20}$")])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Plain English, shown on the public pages.")
    category = models.CharField(max_length=20, choices=Category.choices)
    funding_stream = models.CharField(max_length=12, choices=FundingStream.choices)
    funder = models.CharField(max_length=20, choices=Funder.choices)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    allows_direct_payment = models.BooleanField(default=True)
    allows_organised = models.BooleanField(default=True)
    allows_third_party = models.BooleanField(default=True)
    block_contract = models.BooleanField(
        default=False, help_text="Bought through one contract for many children (DOMAIN R4)."
    )
    contract_reference = models.CharField(max_length=100, blank=True)
    in_local_offer = models.BooleanField(
        default=True, help_text="Normally allowed. Lines for items outside the local offer go to the SEN panel."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "code"], name="offer_item_code_unique"),
            # DOMAIN R9: a place at a school, college or setting is never paid by direct payment.
            models.CheckConstraint(
                name="placements_never_direct_payments",
                condition=~Q(category="placement") | Q(allows_direct_payment=False, allows_third_party=False),
            ),
            # DOMAIN R4: block-contract provision stays an organised arrangement, naming its contract.
            models.CheckConstraint(
                name="block_contracts_are_organised_and_named",
                condition=Q(block_contract=False)
                | (
                    Q(allows_direct_payment=False, allows_third_party=False, allows_organised=True)
                    & ~Q(contract_reference="")
                ),
            ),
            models.CheckConstraint(
                name="offer_item_allows_some_mode",
                condition=Q(allows_direct_payment=True) | Q(allows_organised=True) | Q(allows_third_party=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def allowed_modes(self) -> list[str]:
        modes = [
            (self.allows_direct_payment, ManagementMode.DIRECT_PAYMENT),
            (self.allows_organised, ManagementMode.ORGANISED),
            (self.allows_third_party, ManagementMode.THIRD_PARTY),
        ]
        return [mode.value for allowed, mode in modes if allowed]


class Rate(CouncilOwned):
    """The price of one unit of an offer item from a date. Never overwritten: a new price is a new dated rate."""

    item = models.ForeignKey(OfferItem, on_delete=models.PROTECT, related_name="rates")
    amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    effective_from = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["item", "effective_from"], name="one_rate_per_item_per_date"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="rate_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} £{self.amount} from {self.effective_from}"


class SpendingRestriction(CouncilOwned):
    """Something a direct payment cannot be spent on in this council (DOMAIN R33), with the reason in words."""

    text = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    keywords = models.CharField(
        max_length=300, blank=True, help_text="Words that suggest a purchase is of this kind, comma separated."
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["council", "position", "pk"]

    def __str__(self) -> str:
        return self.text
