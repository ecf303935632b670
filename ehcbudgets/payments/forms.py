"""Forms for direct payments. They only collect input: the services decide."""

from django import forms

from ehcbudgets.core.forms import GovukDateField, GovukForm, MoneyField
from ehcbudgets.councils.models import PaymentFrequency
from ehcbudgets.people.models import Contact

from .models import ConsentChannel, PaymentMethod, ReconsiderationStatus, RecoveryMethod, StopGround, SuspensionReason


def _contact_label(contact: Contact) -> str:
    return f"{contact.full_name} ({contact.get_relationship_display().lower()})"


def _contact_field(label: str, message: str, required: bool = True) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        widget=forms.RadioSelect,
        label=label,
        required=required,
        error_messages={"required": message},
    )
    field.label_from_instance = _contact_label
    return field


class PaymentDetailsMixin(forms.Form):
    payment_method = forms.ChoiceField(
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        label="Where do the payments go?",
        error_messages={"required": "Select where the payments go"},
    )
    card_account_reference = forms.CharField(
        required=False, max_length=30, label="Prepaid card account reference (for a prepaid card)"
    )
    account_name = forms.CharField(
        required=False, max_length=40, label="Name on the account (for a bank account)", help_text="As the bank has it"
    )
    sort_code = forms.CharField(
        required=False,
        max_length=8,
        label="Sort code",
        help_text="Must be 6 digits long",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5", "spellcheck": "false"}),
    )
    account_number = forms.CharField(
        required=False,
        max_length=10,
        label="Account number",
        help_text="Must be between 6 and 8 digits long",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10", "spellcheck": "false"}),
    )


class AgreementForm(GovukForm, PaymentDetailsMixin):
    submit_label = "Save the agreement"
    recipient = _contact_field("Who receives the payments?", "Select who receives the payments")
    managed_by = _contact_field(
        "Third-party organisation managing the account (only where lines are managed by a third party)",
        "",
        required=False,
    )
    frequency = forms.ChoiceField(
        choices=PaymentFrequency.choices,
        widget=forms.RadioSelect,
        label="How often are they paid?",
        error_messages={"required": "Select how often the payments are made"},
    )
    start_date = GovukDateField(label="Date the payments start", example="1 12 2026")
    end_date = GovukDateField(label="Date the payments end", required=False, example="31 3 2027")
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Conditions (optional)"
    )
    excluded_payees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="People or organisations the recipient must not pay (optional)",
        help_text="One to a line",
    )
    field_order = [
        "recipient",
        "managed_by",
        "frequency",
        "start_date",
        "end_date",
        "payment_method",
        "card_account_reference",
        "account_name",
        "sort_code",
        "account_number",
        "conditions",
        "excluded_payees",
    ]

    def __init__(self, *args, contacts=None, third_parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = contacts
        self.fields["managed_by"].queryset = third_parties
        if not third_parties:
            del self.fields["managed_by"]
            self.helper.layout.fields.remove("managed_by")


class AgreementEditForm(AgreementForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("recipient", "managed_by"):
            if name in self.fields:
                del self.fields[name]
                self.helper.layout.fields.remove(name)


class ConsentForm(GovukForm):
    submit_label = "Record consent"
    channel = forms.ChoiceField(
        choices=[c for c in ConsentChannel.choices if c[0] != ConsentChannel.ONLINE],
        widget=forms.RadioSelect,
        label="How did the recipient give consent?",
        error_messages={"required": "Select how the recipient gave consent"},
    )
    consented_on = GovukDateField(label="Date of consent", example="20 11 2026")


class PersonalAssistantForm(GovukForm):
    submit_label = "Record the personal assistant"
    full_name = forms.CharField(max_length=200, label="Full name", error_messages={"required": "Enter their full name"})
    date_of_birth = GovukDateField(label="Date of birth", example="27 3 1990")
    starts_on = GovukDateField(label="Date they start", example="1 12 2026")
    dbs_checked_on = GovukDateField(label="Date of the enhanced DBS check", required=False, example="10 11 2026")
    insurance_expires_on = GovukDateField(
        label="Employer's liability insurance runs out on", required=False, example="31 3 2027"
    )
    close_relative_in_household = forms.TypedChoiceField(
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Is the assistant a close relative who lives in the same household?",
        error_messages={"required": "Select yes if the assistant is a close relative living in the household"},
    )
    exception_approved_by = forms.ModelChoiceField(
        queryset=None, required=False, label="Manager who approved the exception (a relative, or under the minimum age)"
    )
    exception_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Reason for the exception"
    )

    def __init__(self, *args, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exception_approved_by"].queryset = managers
        self.fields["exception_approved_by"].label_from_instance = lambda u: u.full_name


class ReasonsMixin(forms.Form):
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Reasons, in words the family will understand",
        error_messages={"required": "Explain the reasons"},
    )


class ReduceForm(GovukForm, ReasonsMixin):
    submit_label = "Send the notice"
    new_amount = MoneyField(label="New total for the agreement", noun="new total", allow_zero=True)
    effective_on = GovukDateField(
        label="Date the reduction takes effect", required=False, help_text="Leave blank for the earliest date allowed"
    )
    field_order = ["new_amount", "effective_on", "reasons"]


class StopForm(GovukForm, ReasonsMixin):
    submit_label = "Send the notice"
    ground = forms.ChoiceField(
        choices=[c for c in StopGround.choices if c[0] != StopGround.CONSENT_WITHDRAWN],
        widget=forms.RadioSelect,
        label="Ground for stopping",
        error_messages={"required": "Select the ground for stopping"},
    )
    effective_on = GovukDateField(
        label="Date the payments stop", required=False, help_text="Leave blank for the earliest date allowed"
    )
    field_order = ["ground", "effective_on", "reasons"]


class SuspendForm(GovukForm, ReasonsMixin):
    submit_label = "Suspend the payments"
    suspension_reason = forms.ChoiceField(
        choices=SuspensionReason.choices,
        widget=forms.RadioSelect,
        label="Why are the payments suspended?",
        error_messages={"required": "Select why the payments are suspended"},
    )
    away_from = GovukDateField(label="Date the absence started", example="2 11 2026")
    expected_until = GovukDateField(label="Date it is expected to end", required=False, example="15 1 2027")
    field_order = ["suspension_reason", "away_from", "expected_until", "reasons"]


class ResumeForm(GovukForm, ReasonsMixin):
    submit_label = "Start the payments again"
    resume_on = GovukDateField(label="Date the payments start again", example="1 12 2026")


class ChangeRecipientForm(GovukForm, ReasonsMixin, PaymentDetailsMixin):
    submit_label = "Send the new terms"
    new_recipient = _contact_field("Who receives the payments from now on?", "Select the new recipient")
    field_order = [
        "new_recipient",
        "payment_method",
        "card_account_reference",
        "account_name",
        "sort_code",
        "account_number",
        "reasons",
    ]

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_recipient"].queryset = contacts


class RecoveryForm(GovukForm, ReasonsMixin):
    submit_label = "Send the notice"
    amount = MoneyField(label="Amount to recover", noun="amount")
    method = forms.ChoiceField(
        choices=RecoveryMethod.choices,
        widget=forms.RadioSelect,
        label="How is it to be recovered?",
        error_messages={"required": "Select how the money is recovered"},
    )
    payer = _contact_field("Who pays?", "Select who pays")
    due_on = GovukDateField(
        label="Date it is due", required=False, help_text="Leave blank for the council's usual number of days"
    )
    field_order = ["amount", "method", "payer", "due_on", "reasons"]

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = contacts


class WithdrawForm(GovukForm):
    submit_label = "Stop the direct payments"
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Anything you want to tell us (optional)"
    )


class ReconsiderationRequestForm(GovukForm):
    submit_label = "Ask for a reconsideration"
    grounds = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Why should the decision change?",
        error_messages={"required": "Tell us why the decision should change"},
    )


class ReconsiderationDecideForm(GovukForm, ReasonsMixin):
    submit_label = "Record the outcome and send the letter"
    outcome = forms.ChoiceField(
        choices=[
            (ReconsiderationStatus.UPHELD, "Keep the decision"),
            (ReconsiderationStatus.CHANGED, "Change the decision"),
        ],
        widget=forms.RadioSelect,
        label="Outcome",
        error_messages={"required": "Select the outcome"},
    )
    field_order = ["outcome", "reasons"]


class RunForm(GovukForm):
    submit_label = "Prepare the run"
    pay_up_to = GovukDateField(label="Pay everything due up to", example="4 12 2026")


class ReceiptForm(GovukForm):
    submit_label = "Record the money received"
    amount = MoneyField(label="Amount received", noun="amount received")
    received_on = GovukDateField(label="Date received", example="20 11 2026")


class BankDetailsForm(GovukForm):
    submit_label = "Save the bank details"
    service_user_number = forms.CharField(
        max_length=6,
        label="BACS service user number",
        help_text="6 digits",
        error_messages={"required": "Enter the BACS service user number"},
    )
    service_user_name = forms.CharField(
        max_length=18,
        label="Service user name",
        help_text="As BACS knows it, up to 18 characters",
        error_messages={"required": "Enter the service user name"},
    )
    sort_code = forms.CharField(
        max_length=8,
        label="Sort code of the account payments are made from",
        error_messages={"required": "Enter a sort code"},
    )
    account_number = forms.CharField(
        max_length=10, label="Account number", error_messages={"required": "Enter an account number"}
    )
    prepaid_provider = forms.CharField(max_length=60, required=False, label="Prepaid card provider (optional)")
    prepaid_funding_reference = forms.CharField(
        max_length=30, required=False, label="Reference for loading prepaid cards (optional)"
    )
