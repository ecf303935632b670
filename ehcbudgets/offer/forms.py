"""Forms for the council administrator's pages: the local offer, rates, spending restrictions and policy.

They only collect and tidy input; the services in services.py decide and save."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from ehcbudgets.core.dates import today
from ehcbudgets.core.forms import GovukDateField, GovukForm, MoneyField
from ehcbudgets.councils.models import CouncilPolicy, OutOfWindowRequests, PaymentFrequency, ReturnFrequency
from ehcbudgets.plans.models import FundingStream, Unit

from .models import Category, Funder, ManagementMode

YES_NO = [("yes", "Yes"), ("no", "No")]
CODE_PATTERN = re.compile(r"^[A-Z0-9-]{2,20}$")


def _yes_no(*, label: str, error: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label=label,
        help_text=help_text,
        error_messages={"required": error},
    )


class OfferItemForm(GovukForm):
    """Add or change an item of the local offer. `service_fields()` gives the values the services take."""

    code = forms.CharField(
        max_length=20,
        label="Code",
        help_text="2 to 20 capital letters, numbers or hyphens, like SLT or PA-2. It must not be used by another item.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter the code"},
    )
    name = forms.CharField(max_length=200, label="Name", error_messages={"required": "Enter the name"})
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Description (optional)",
        help_text="In plain English: families read this on the council's public pages.",
    )
    category = forms.ChoiceField(
        choices=[("", "Choose a category"), *Category.choices],
        label="Category",
        error_messages={"required": "Select the category"},
    )
    funding_stream = forms.ChoiceField(
        choices=FundingStream.choices,
        widget=forms.RadioSelect,
        label="Funding stream",
        error_messages={"required": "Select the funding stream"},
    )
    funder = forms.ChoiceField(
        choices=[("", "The usual funder of the funding stream"), *Funder.choices],
        required=False,
        label="Who pays for it",
    )
    unit = forms.ChoiceField(
        choices=[("", "Choose a unit"), *Unit.choices],
        label="Unit the rate is for",
        error_messages={"required": "Select the unit the rate is for"},
    )
    modes = forms.MultipleChoiceField(
        choices=ManagementMode.choices,
        widget=forms.CheckboxSelectMultiple,
        label="How can it be held?",
        help_text="Select all that apply. A place at a school, college or setting, and anything bought through a "
        "block contract, can only be arranged by the council or the NHS.",
        error_messages={"required": "Select at least one way it can be held"},
    )
    block_contract = _yes_no(
        label="Is it bought through a block contract?",
        help_text="One contract that covers many children, like NHS speech and language therapy.",
        error="Select yes if it is bought through a block contract",
    )
    contract_reference = forms.CharField(
        max_length=100,
        required=False,
        label="Contract reference (block contracts only)",
        help_text="Families are told which contract it is, like NHS-SLT-2024-017.",
    )
    in_local_offer = _yes_no(
        label="Is it normally allowed in the local offer?",
        help_text="If not, a budget that includes it goes to the SEN panel.",
        error="Select yes if it is normally allowed in the local offer",
    )
    active = _yes_no(
        label="Is it still offered?",
        help_text="An item no longer offered is hidden from the public pages and cannot be added to new budgets.",
        error="Select yes if it is still offered",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["active"]
            self.helper.layout.fields = [f for f in self.helper.layout.fields if f != "active"]

    @classmethod
    def initial_for(cls, item) -> dict:
        """The form's starting values for an existing item."""
        names = ("code", "name", "description", "category", "funding_stream", "funder", "unit", "contract_reference")
        initial = {name: getattr(item, name) for name in names}
        initial["modes"] = item.allowed_modes
        for name in ("block_contract", "in_local_offer", "active"):
            initial[name] = "yes" if getattr(item, name) else "no"
        return initial

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError("The code must be 2 to 20 capital letters, numbers or hyphens")
        return code

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        modes = set(data.pop("modes"))
        data["allows_direct_payment"] = ManagementMode.DIRECT_PAYMENT in modes
        data["allows_organised"] = ManagementMode.ORGANISED in modes
        data["allows_third_party"] = ManagementMode.THIRD_PARTY in modes
        for name in ("block_contract", "in_local_offer", "active"):
            if name in data:
                data[name] = data[name] == "yes"
        return data

    #: The services name the three ways of holding separately; this form asks about them in one question.
    SERVICE_FIELD_NAMES = {
        "allows_direct_payment": "modes",
        "allows_organised": "modes",
        "allows_third_party": "modes",
    }


class RateForm(GovukForm):
    submit_label = "Add the rate"

    def __init__(self, *args, unit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = f"The price of one {Unit(unit).label.lower()}, like 25.60"

    amount = MoneyField(label="Rate in pounds", noun="rate")
    effective_from = GovukDateField(label="Date the rate takes effect", example="1 4 2027")


class RestrictionForm(GovukForm):
    submit_label = "Add to the list"
    text = forms.CharField(
        max_length=200,
        label="What direct payments cannot be spent on",
        help_text="As families will read it, like Alcohol, or Rent or mortgage.",
        error_messages={"required": "Enter what direct payments cannot be spent on"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Why (optional)",
        help_text="Shown to families beside it.",
    )
    keywords = forms.CharField(
        max_length=300,
        required=False,
        label="Words that suggest a purchase is of this kind (optional)",
        help_text="Separated by commas, like wine, beer, off licence. Used to point out spending to check.",
    )


# Council policy ------------------------------------------------------------------------------------------------------

#: The question each policy value is asked with, its hint and the noun its messages use.
POLICY_QUESTIONS = {
    "decision_target_working_days": (
        "Working days to decide a personal budget request",
        "Working days are Monday to Friday, not counting bank holidays.",
        "number of working days",
    ),
    "under_five_review_months": (
        "Months between reviews to consider for a child under 5",
        "Between 3 and 6 months.",
        "number of months",
    ),
    "suspension_after_weeks": (
        "Weeks in hospital or abroad after which direct payments are suspended",
        "Payments are suspended when the child is away for more than this.",
        "number of weeks",
    ),
    "retention_years": ("Years to keep records after a budget ends", "", "number of years"),
    "notice_deemed_received_working_days": (
        "Working days after sending that a notice is taken to reach the family",
        "A notice period, or the time to repay, starts from then.",
        "number of working days",
    ),
    "evidence_deadline_days": ("Days a family has to send evidence the council asks for", "", "number of days"),
    "return_due_days": ("Days after a return period ends that the monitoring return is due", "", "number of days"),
    "no_spending_weeks": (
        "Weeks without any spending after which the council checks the support is happening",
        "",
        "number of weeks",
    ),
    "contingency_min_weeks": (
        "Weeks of payments a direct payment account is expected to hold, at least",
        "",
        "number of weeks",
    ),
    "surplus_threshold_weeks": (
        "Weeks of payments above which a balance is surplus",
        "The council may recover a surplus.",
        "number of weeks",
    ),
    "recovery_due_days": ("Days to repay money the council recovers", "", "number of days"),
    "reduction_notice_days": (
        "Days of notice before direct payments are reduced or stopped",
        "",
        "number of days",
    ),
    "pa_min_age": ("Youngest age of a personal assistant", "", "age"),
    "pa_exception_min_age": (
        "Youngest age of a personal assistant, by recorded exception",
        "No higher than the youngest age above.",
        "age",
    ),
    "terms_per_year": ("Terms in a school year", "For support costed per term.", "number of terms"),
    "weeks_per_year": (
        "Weeks a year that weekly support runs, when it is not tied to term time",
        "For example, 52.",
        "number of weeks",
    ),
    "term_time_weeks": (
        "Weeks a year that weekly support at a school, college or setting runs",
        "For example, 39 or 38.5.",
        "number of weeks",
    ),
}


def _limits(name: str) -> tuple:
    """The lowest and highest values the model allows for a policy field."""
    validators = CouncilPolicy._meta.get_field(name).validators
    low = next((v.limit_value for v in validators if isinstance(v, MinValueValidator)), None)
    high = next((v.limit_value for v in validators if isinstance(v, MaxValueValidator)), None)
    return low, high


class PolicyNumberField(forms.CharField):
    """A whole number (or, with places=1, a number like 38.5) typed as text, within the model's limits."""

    def __init__(self, name: str, places: int = 0):
        label, hint, self.noun = POLICY_QUESTIONS[name]
        self.low, self.high = _limits(name)
        self.places = places
        super().__init__(
            label=label,
            help_text=hint,
            widget=forms.TextInput(
                attrs={"class": "govuk-input--width-5", "inputmode": "decimal" if places else "numeric"}
            ),
            error_messages={"required": f"Enter the {self.noun}"},
        )

    def clean(self, value):
        value = super().clean(value)
        example = "like 39 or 38.5" if self.places else "like 10"
        wrong = f"The {self.noun} must be a {'number' if self.places else 'whole number'}, {example}"
        try:
            number = Decimal(value.strip())
        except InvalidOperation as exc:
            raise forms.ValidationError(wrong) from exc
        step = Decimal(1).scaleb(-self.places)
        if not number.is_finite() or number != number.quantize(step):
            raise forms.ValidationError(wrong)
        if not self.low <= number <= self.high:
            raise forms.ValidationError(f"The {self.noun} must be between {self.low} and {self.high}")
        return number if self.places else int(number)


class PolicyForm(GovukForm):
    """Every value of a council's dated policy, and the date the new record takes effect."""

    submit_label = "Add the policy"

    effective_from = GovukDateField(
        label="Date the policy takes effect",
        example="1 4 2027",
        help_text="Today or a later date. Earlier policy records stay as the record of what applied before.",
    )
    decision_target_working_days = PolicyNumberField("decision_target_working_days")
    out_of_window_requests = forms.ChoiceField(
        choices=OutOfWindowRequests.choices,
        widget=forms.RadioSelect,
        label="A request made outside a draft plan, a review or a re-assessment",
        error_messages={"required": "Select what happens to a request made outside those times"},
    )
    under_five_review_months = PolicyNumberField("under_five_review_months")
    default_payment_frequency = forms.ChoiceField(
        choices=PaymentFrequency.choices,
        widget=forms.RadioSelect,
        label="How often direct payments are paid, unless agreed otherwise",
        error_messages={"required": "Select how often direct payments are paid"},
    )
    payment_cycle_starts = GovukDateField(
        label="A day the weekly and 4-weekly payment cycles start",
        help_text="Payments fall every 7 or 28 days from this day. For example, 6 4 2026",
    )
    suspension_after_weeks = PolicyNumberField("suspension_after_weeks")
    retention_years = PolicyNumberField("retention_years")
    return_frequency = forms.ChoiceField(
        choices=ReturnFrequency.choices,
        widget=forms.RadioSelect,
        label="How often families send a monitoring return",
        error_messages={"required": "Select how often families send a monitoring return"},
    )
    evidence_deadline_days = PolicyNumberField("evidence_deadline_days")
    return_due_days = PolicyNumberField("return_due_days")
    receipt_required_above = MoneyField(
        label="Spending needs a receipt when it is more than",
        noun="amount that needs a receipt",
        allow_zero=True,
        help_text="In pounds, like 50.00. Use 0.00 for a receipt for everything.",
    )
    no_spending_weeks = PolicyNumberField("no_spending_weeks")
    contingency_min_weeks = PolicyNumberField("contingency_min_weeks")
    surplus_threshold_weeks = PolicyNumberField("surplus_threshold_weeks")
    recovery_due_days = PolicyNumberField("recovery_due_days")
    reduction_notice_days = PolicyNumberField("reduction_notice_days")
    notice_deemed_received_working_days = PolicyNumberField("notice_deemed_received_working_days")
    pa_min_age = PolicyNumberField("pa_min_age")
    pa_exception_min_age = PolicyNumberField("pa_exception_min_age")
    pa_min_budget = MoneyField(
        label="Smallest yearly direct payment from which a personal assistant may be employed (optional)",
        noun="smallest yearly direct payment",
        required=False,
        help_text="Leave empty for no minimum.",
    )
    terms_per_year = PolicyNumberField("terms_per_year")
    weeks_per_year = PolicyNumberField("weeks_per_year", places=1)
    term_time_weeks = PolicyNumberField("term_time_weeks", places=1)
    budget_policy_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        label="Your personal budget policy, as families will read it (optional)",
        help_text="Published on the council's public pages.",
    )

    def clean_effective_from(self):
        # A dated record is the record of what applied: the past is not rewritten from this page.
        effective_from = self.cleaned_data["effective_from"]
        if effective_from and effective_from < today():
            raise forms.ValidationError("The date the policy takes effect must be today or in the future")
        return effective_from

    def clean(self):
        data = super().clean()
        youngest, by_exception = data.get("pa_min_age"), data.get("pa_exception_min_age")
        if youngest is not None and by_exception is not None and by_exception > youngest:
            self.add_error(
                "pa_exception_min_age",
                "The youngest age by exception must be the same as or lower than the youngest age of a personal "
                "assistant",
            )
        return data

    @classmethod
    def initial_for(cls, policy) -> dict:
        """The form's starting values: the values of a policy record (the one in force), from tomorrow."""
        initial = {name: getattr(policy, name) for name in cls.base_fields if name != "effective_from"}
        for name in ("weeks_per_year", "term_time_weeks"):
            initial[name] = _plain_number(initial[name])
        return initial


def _plain_number(value) -> str:
    """52.0 as 52, 38.5 as 38.5."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
