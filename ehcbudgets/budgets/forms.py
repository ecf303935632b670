"""Forms for requests, costing, decisions and reviews. They only collect input: the services decide."""

from django import forms

from ehcbudgets.core.forms import GovukDateField, GovukForm, MoneyField
from ehcbudgets.offer.models import ManagementMode
from ehcbudgets.people.models import Contact

from .models import PanelOutcome, RefusalReason, RequestChannel


def _contact_label(contact: Contact) -> str:
    return f"{contact.full_name} ({contact.get_relationship_display().lower()})"


class RequestForm(GovukForm):
    submit_label = "Record the request"
    requester = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        widget=forms.RadioSelect,
        label="Who asked?",
        error_messages={"required": "Select who asked for the budget"},
    )
    channel = forms.ChoiceField(
        choices=[c for c in RequestChannel.choices if c[0] != "online"],
        widget=forms.RadioSelect,
        label="How did they ask?",
        error_messages={"required": "Select how they asked"},
    )
    received_on = GovukDateField(label="Date the request was received", example="18 11 2026")
    what_for = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="What would they like the budget to help with? (optional)",
    )

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = contacts
        self.fields["requester"].label_from_instance = _contact_label


class BudgetStartForm(GovukForm):
    submit_label = "Start costing"
    period_start = GovukDateField(label="Start of the budget period", example="1 12 2026")
    indicative_amount = MoneyField(
        allow_zero=True,
        label="Indicative amount (optional)",
        required=False,
        help_text="An early estimate you gave the family, kept apart from the final amount.",
    )


class LineForm(GovukForm):
    submit_label = "Save the line"
    offer_item = forms.ModelChoiceField(
        queryset=None,
        label="Item in the local offer that prices it",
        error_messages={"required": "Select the item in the local offer"},
    )
    management_mode = forms.ChoiceField(
        choices=ManagementMode.choices,
        widget=forms.RadioSelect,
        label="How is this part of the budget held?",
        error_messages={"required": "Select how it is held"},
    )
    start_date = GovukDateField(label="Line starts", example="1 12 2026")
    end_date = GovukDateField(label="Line ends", example="30 11 2027")
    setting_agreement_name = forms.CharField(
        required=False, max_length=200, label="Setting's agreement: name of the head, principal or person in charge"
    )
    setting_agreement_role = forms.CharField(required=False, max_length=100, label="Their role")
    setting_agreement_on = GovukDateField(label="Date they agreed in writing", required=False, example="14 11 2026")

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer_item"].queryset = items
        self.fields["offer_item"].label_from_instance = lambda i: f"{i.name} ({i.code})"


class DirectPaymentCaseForm(GovukForm):
    submit_label = "Save the findings"
    recipient = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        widget=forms.RadioSelect,
        label="Who would receive the direct payments?",
        error_messages={"required": "Select who would receive the payments"},
    )
    will_secure_provision = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="(a) Evidence they will use the payments to secure the agreed provision",
    )
    best_interests = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="(b) Evidence the parent or nominee will act in the child's best interests",
    )
    no_harm_to_services = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="(c) Why direct payments will not harm other services",
    )
    efficient_use = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="(d) Why direct payments are an efficient use of the council's resources",
    )

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = contacts
        self.fields["recipient"].label_from_instance = _contact_label


class SubmitForm(GovukForm):
    submit_label = "Send for approval"
    final_amount = MoneyField(
        label="Final amount of the budget", allow_zero=True, help_text="At least the total of the costed lines."
    )


class RefusalForm(GovukForm):
    submit_label = "Refuse and send the letter"
    reason_code = forms.ChoiceField(
        choices=RefusalReason.choices,
        widget=forms.RadioSelect,
        label="Reason",
        error_messages={"required": "Select the reason for the refusal"},
    )
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="The reasons, in words the family will understand",
        error_messages={"required": "Explain the reasons in words the family will understand"},
    )


class PanelForm(GovukForm):
    submit_label = "Record the panel's decision"
    outcome = forms.ChoiceField(
        choices=PanelOutcome.choices,
        widget=forms.RadioSelect,
        label="The panel's decision",
        error_messages={"required": "Select the panel's decision"},
    )
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="The panel's reasons",
        error_messages={"required": "Enter the panel's reasons"},
    )


class ReviewRequestForm(GovukForm):
    submit_label = "Ask for a review"
    grounds = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Why should the decision change?",
        error_messages={"required": "Tell us why you think the decision should change"},
    )


class ReviewDecisionForm(GovukForm):
    submit_label = "Send the outcome"
    outcome = forms.ChoiceField(
        choices=[("upheld", "Keep the original decision"), ("changed", "Change the decision")],
        widget=forms.RadioSelect,
        label="Outcome of the review",
        error_messages={"required": "Select the outcome"},
    )
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Reasons",
        error_messages={"required": "Explain the outcome and the reasons"},
    )


class AskForm(GovukForm):
    submit_label = "Continue"
    what_for = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="What would you like a personal budget to help with?",
        help_text="For example, short breaks, a personal assistant or a club. You can leave this "
        "blank and talk to your case officer.",
    )
