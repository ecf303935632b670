"""Forms of the monitoring pages: raising, resolving and escalating a finding, the family's answer, a sweep, asking
for a review, declining one, and recording one (the questions of DOMAIN R19, progress towards each outcome, R20's
outcome)."""

from django import forms

from ehcbudgets.core.forms import GovukDateField, GovukForm, MoneyField
from ehcbudgets.payments.models import RecoveryMethod, StopGround

from .models import Progress, ReviewOutcome, SweepKind


def _text(label: str, message: str, help_text: str = "", rows: int = 4, required: bool = True):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message},
    )


def yes_no(label: str, message: str = "", required: bool = True, help_text: str = ""):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": message or f"Select yes or no: {label[0].lower()}{label[1:]}"},
    )


class FindingRaiseForm(GovukForm):
    submit_label = "Raise it with the family"
    message = _text(
        "What would you like the family to tell you or send?",
        "Write what you would like the family to tell you or send",
        "The family sees this with the finding's explanation.",
    )


class FindingResolveForm(GovukForm):
    submit_label = "Resolve the finding"
    reason = _text(
        "Why is it resolved?",
        "Explain why the finding is resolved, in words the family will understand",
        "The family reads this.",
    )


class FindingEscalateForm(GovukForm):
    submit_label = "Send the notice to recover the money"
    amount = MoneyField(label="Amount to recover", noun="amount to recover")
    method = forms.ChoiceField(
        choices=RecoveryMethod.choices,
        widget=forms.RadioSelect,
        label="How will it be recovered?",
        error_messages={"required": "Select how the money will be recovered"},
    )
    reasons = _text(
        "Reasons for recovering it",
        "Enter the reasons for recovering the money",
        "The notice gives these reasons, the amount, who pays and by when, and the right to ask for a reconsideration.",
    )


class FindingAnswerForm(GovukForm):
    submit_label = "Send your answer"
    form_tag = False  # the page writes the <form>, for the file upload
    text = _text("Your answer", "Write your answer", "Tell the council what happened, or what the money was for.", 6)
    file = forms.FileField(
        label="Evidence (optional)",
        required=False,
        help_text="A receipt, invoice or letter: a PDF, JPG, PNG or HEIC file up to 10 MB.",
    )


class SweepForm(GovukForm):
    submit_label = "Start the check"
    kind = forms.ChoiceField(
        choices=SweepKind.choices,
        widget=forms.RadioSelect,
        label="What should be checked?",
        initial=SweepKind.INCREMENTAL,
        error_messages={"required": "Select what to check"},
    )


class ReviewRequestForm(GovukForm):
    submit_label = "Ask for a review"
    reasons = _text(
        "Why would you like a review?",
        "Tell us why you would like a review",
        "For example, the support costs more than it did, or you would like help managing the payments.",
        6,
    )


class ReviewDeclineForm(GovukForm):
    submit_label = "Send the decision"
    reasons = _text(
        "Why will there be no review now?",
        "Explain why there will be no review now",
        "The family receives a letter with these reasons.",
    )


QUESTIONS = [
    ("appropriate", "Are direct payments still the right way to get the support?"),
    ("used_effectively", "Are they being used well for the agreed support?"),
    ("enough", "Are they enough to pay for the agreed support?"),
    ("tests_met", "Do the tests for direct payments still hold (the recipient can manage them, with help if need be)?"),
    ("conditions_kept", "Have the agreement's conditions been kept?"),
]


class ReviewRecordForm(GovukForm):
    """The review: R19's questions (a 'no' with a note), the family's own words, progress towards each outcome of
    section E, and the outcome with what it needs."""

    submit_label = "Record the review"

    def __init__(self, *args, outcomes=(), **kwargs):
        self.outcome_ids = [o.pk for o in outcomes]
        fields = {}
        for name, label in QUESTIONS:
            fields[name] = yes_no(label, f"Answer the question: {label[0].lower()}{label[1:-1]}")
            fields[f"{name}_note"] = _text("Notes (needed for a no)", "", rows=2, required=False)
        fields["family_wants_to_continue"] = yes_no(
            "Does the family want to carry on managing the direct payments?", required=False
        )
        fields["family_needs_help"] = yes_no("Does the family need help to manage them?", required=False)
        fields["family_words"] = _text(
            "How the money has been spent, in the family's words (optional)", "", rows=4, required=False
        )
        for outcome in outcomes:
            fields[f"progress_{outcome.pk}"] = forms.ChoiceField(
                choices=Progress.choices,
                widget=forms.RadioSelect,
                label=f"Progress towards: {outcome.text}",
                error_messages={"required": "Select the progress towards this outcome"},
            )
            fields[f"progress_note_{outcome.pk}"] = _text("Notes on progress (optional)", "", rows=2, required=False)
        fields["outcome"] = forms.ChoiceField(
            choices=ReviewOutcome.choices,
            widget=forms.RadioSelect,
            label="Outcome of the review",
            error_messages={"required": "Choose the outcome of the review"},
        )
        fields["outcome_reasons"] = _text(
            "Reasons for the outcome",
            "Explain the outcome in words the family will understand",
            "The family receives a letter with these reasons.",
        )
        fields["new_amount"] = MoneyField(
            label="New total for the agreement's period (for an increase or a reduction)",
            noun="new total",
            required=False,
        )
        fields["effective_on"] = GovukDateField(
            label="Date the change takes effect (optional)",
            required=False,
            help_text="Leave empty for the earliest date the notice allows. For example, 4 1 2027",
        )
        fields["ground"] = forms.ChoiceField(
            choices=[("", "Not stopping")] + [c for c in StopGround.choices if c[0] != StopGround.CONSENT_WITHDRAWN],
            required=False,
            label="Ground for stopping (to stop the payments)",
        )
        fields["conditions"] = _text("Conditions to add (to add conditions)", "", rows=3, required=False)
        self.base_fields = {**fields}
        super().__init__(*args, **kwargs)

    def answers(self) -> dict:
        data = self.cleaned_data
        names = [n for n, _ in QUESTIONS]
        keys = names + [f"{n}_note" for n in names] + ["family_wants_to_continue", "family_needs_help", "family_words"]
        return {key: data.get(key) for key in keys}

    def progress(self) -> dict:
        data = self.cleaned_data
        return {pk: (data.get(f"progress_{pk}"), data.get(f"progress_note_{pk}") or "") for pk in self.outcome_ids}
