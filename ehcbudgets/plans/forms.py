"""Forms for plans, outcomes, provision and reviews. The services decide and save."""

from decimal import Decimal, InvalidOperation

from django import forms

from ehcbudgets.core.forms import GovukDateField, GovukForm

from .models import DeliveredAt, Frequency, FundingStream, PlanStatus, ReviewDecision, Section, Unit


class PlanCreateForm(GovukForm):
    submit_label = "Start the plan"
    status = forms.ChoiceField(
        choices=[(PlanStatus.NEEDS_ASSESSMENT, "Needs assessment"), (PlanStatus.DRAFT, "Draft plan")],
        widget=forms.RadioSelect,
        label="Where is the plan now?",
        error_messages={"required": "Select where the plan is now"},
    )


class PlanStatusForm(GovukForm):
    submit_label = "Change status"
    status = forms.ChoiceField(
        widget=forms.RadioSelect, label="New status", error_messages={"required": "Select the new status"}
    )
    on = GovukDateField(label="Date of the change", example="4 9 2026")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Reason (needed when a plan ceases)"
    )

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, PlanStatus(s).label) for s in PlanStatus.values if s in allowed]


class OutcomeForm(GovukForm):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Outcome",
        help_text="What the child or young person will achieve, in words the family uses.",
        error_messages={"required": "Enter the outcome"},
    )
    by_when = GovukDateField(label="By when", required=False, example="31 7 2027")


class QuantityField(forms.CharField):
    """A number typed as text (GOV.UK guidance for numbers with decimals)."""

    def __init__(self, **kwargs):
        super().__init__(
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}), **kwargs
        )

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation as exc:
            raise forms.ValidationError("Quantity must be a number, like 2 or 1.5") from exc
        if not number.is_finite():
            raise forms.ValidationError("Quantity must be a number, like 2 or 1.5")
        if number <= 0:
            raise forms.ValidationError("Quantity must be more than 0")
        if number != number.quantize(Decimal("0.01")):
            raise forms.ValidationError("Quantity can have at most 2 decimal places")
        if number >= Decimal("1000000"):
            raise forms.ValidationError("Quantity must be less than 1,000,000")
        return number


class ProvisionForm(GovukForm):
    section = forms.ChoiceField(
        choices=Section.choices,
        widget=forms.RadioSelect,
        label="Section of the plan",
        error_messages={"required": "Select the section of the plan"},
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Description",
        error_messages={"required": "Enter a description of the provision"},
    )
    quantity = QuantityField(label="Quantity", error_messages={"required": "Enter the quantity"})
    unit = forms.ChoiceField(choices=Unit.choices, label="Unit", error_messages={"required": "Select the unit"})
    frequency = forms.ChoiceField(
        choices=Frequency.choices, label="How often", error_messages={"required": "Select how often"}
    )
    delivered_at = forms.ChoiceField(
        choices=DeliveredAt.choices,
        widget=forms.RadioSelect,
        label="Where is it delivered?",
        error_messages={"required": "Select where it is delivered"},
    )
    funding_stream = forms.ChoiceField(
        choices=[("", "The section's usual funder"), *FundingStream.choices], required=False, label="Funding stream"
    )
    outcomes = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Which outcomes does it serve?"
    )

    def __init__(self, *args, outcomes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].queryset = outcomes
        self.fields["outcomes"].label_from_instance = lambda o: o.text[:120]


class ReviewForm(GovukForm):
    submit_label = "Record the review"
    meeting_date = GovukDateField(label="Date of the review meeting", example="4 9 2026")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Notes (optional)")


class ReviewDecisionForm(GovukForm):
    submit_label = "Record the decision"
    decision = forms.ChoiceField(
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Select the decision"},
    )
    decided_on = GovukDateField(label="Date the decision was sent", example="4 9 2026")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Reason (needed to cease the plan)"
    )
