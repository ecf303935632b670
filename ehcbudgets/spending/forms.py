"""Forms for the family's spending pages. They only collect input: the spending services decide (ADR 10)."""

from decimal import Decimal

from crispy_forms_gds.layout import Button, Fieldset, Layout
from django import forms

from ehcbudgets.core.forms import GovukDateField, GovukForm, MoneyField
from ehcbudgets.core.money import format_money

from . import files, parsers
from .models import CsvLayout, SpendingCategory

#: What a receipt may be: the browser's file picker offers these first (the service checks the content itself).
RECEIPT_ACCEPT = "application/pdf,image/jpeg,image/png,image/heic,.pdf,.jpg,.jpeg,.png,.heic"
STATEMENT_ACCEPT = ".csv,.ofx,.qfx,text/csv,application/x-ofx"
SPLIT = "split"
OUT, IN = "out", "in"


def _relayout(form, *fields) -> None:
    """Lay the form out again after fields were added in __init__ (GovukFormMixin lays out the class's fields)."""
    form.helper.layout = Layout(*(fields or form.fields), Button("submit", form.submit_label))


def _support_choices(lines) -> list:
    return [(str(line.pk), line.description) for line in lines]


class RecordForm(GovukForm):
    """A payment out of the account, or a refund into it, and the support it paid for (DOMAIN R16)."""

    submit_label = "Save the record"
    direction = forms.ChoiceField(
        choices=[(OUT, "Money out (a payment)"), (IN, "Money in (a refund)")],
        widget=forms.RadioSelect,
        initial=OUT,
        label="Was money paid out, or paid back to you?",
        error_messages={"required": "Select money out or money in"},
    )
    spent_on = GovukDateField(label="Date of the payment", example="14 9 2026")
    amount = MoneyField(label="Amount", noun="amount")
    payee = forms.CharField(
        max_length=200,
        label="Who was paid, or who gave the refund",
        help_text="As it appears on your statement or receipt",
        error_messages={"required": "Enter who was paid"},
    )
    description = forms.CharField(max_length=300, required=False, label="What it was for (optional)")
    category = forms.ChoiceField(
        choices=SpendingCategory.choices,
        widget=forms.RadioSelect,
        label="What kind of spending was it?",
        error_messages={"required": "Select what kind of spending it was"},
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spent_on"].error_messages["required"] = "Enter the date of the payment"
        self.lines = list(lines)
        if len(self.lines) > 1:
            self.fields["support"] = forms.ChoiceField(
                choices=[*_support_choices(self.lines), (SPLIT, "More than one of these: I will give the amounts")],
                widget=forms.RadioSelect,
                label="What support did it pay for?",
                error_messages={"required": "Select the support it paid for"},
            )
            for line in self.lines:
                self.fields[f"part_{line.pk}"] = MoneyField(
                    label=f"Amount for {line.description}", noun=f"amount for {line.description}", required=False
                )
            part_names = [f"part_{line.pk}" for line in self.lines]
            base = [name for name in self.fields if not name.startswith("part_")]
            _relayout(self, *base, Fieldset(*part_names, legend="If it paid for more than one: the amount for each"))

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if amount is None:
            return data
        sign = Decimal("-1") if data.get("direction") == IN else Decimal("1")
        data["amount"] = sign * amount
        data["parts"] = None
        if len(self.lines) > 1 and data.get("support"):
            if data["support"] == SPLIT:
                parts = [
                    (line.pk, sign * data[f"part_{line.pk}"]) for line in self.lines if data.get(f"part_{line.pk}")
                ]
                if not parts:
                    self.add_error("support", "Enter the amount for each kind of support it paid for")
                data["parts"] = parts
            else:
                data["parts"] = [(int(data["support"]), sign * amount)]
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "spent_on": data["spent_on"],
            "amount": data["amount"],
            "payee": data["payee"],
            "description": data["description"],
            "category": data["category"],
            "parts": data["parts"],
        }


class ReceiptForm(GovukForm):
    submit_label = "Upload the receipt"
    file = forms.FileField(
        label="Receipt or invoice",
        help_text="A PDF, or a photo or scan (JPG, PNG or HEIC), smaller than 10 MB",
        widget=forms.ClearableFileInput(attrs={"accept": RECEIPT_ACCEPT}),
        error_messages={"required": "Choose a receipt to upload", "empty": "The receipt is empty"},
    )

    def __init__(self, *args, parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        parts = list(parts)
        if len(parts) > 1:
            field = forms.ModelChoiceField(
                queryset=None,
                required=False,
                widget=forms.RadioSelect,
                empty_label="The whole payment",
                label="Which part is it for? (optional)",
            )
            field.queryset = parts[0].__class__.objects.filter(pk__in=[p.pk for p in parts])
            field.label_from_instance = lambda part: f"{part.line.description}: {format_money(abs(part.amount))}"
            self.fields["part"] = field
            _relayout(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > files.MAX_RECEIPT_BYTES:
            raise forms.ValidationError("The receipt must be smaller than 10 MB")
        return upload


class WithdrawRecordForm(GovukForm):
    submit_label = "Take the record back"
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        label="Why are you taking it back?",
        help_text="For example, it was entered twice, or the amount was wrong",
        error_messages={"required": "Tell us why you are taking the record back"},
    )


class StatementUploadForm(GovukForm):
    submit_label = "Upload and check"
    file = forms.FileField(
        label="Bank or card statement",
        help_text="A CSV or OFX file downloaded from your bank or card provider's website",
        widget=forms.ClearableFileInput(attrs={"accept": STATEMENT_ACCEPT}),
        error_messages={"required": "Choose a statement file to upload", "empty": "The statement file is empty"},
    )
    layout = forms.ModelChoiceField(
        queryset=CsvLayout.objects.all(),
        required=False,
        empty_label="Work it out from the file",
        label="Which bank or card is it from? (optional)",
        help_text="Only needed for a CSV file we cannot read by ourselves",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > parsers.MAX_BYTES:
            raise forms.ValidationError(parsers.TOO_BIG)
        return upload


CHECKBOX = forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"})
SELECT = forms.Select(attrs={"class": "govuk-select"})


class StatementChoicesForm(forms.Form):
    """The family's choices on a statement preview, one set of fields per line the service would record: skip it
    (or, for a duplicate, keep both), and for a line with no suggestion the support and the kind of spending. A line
    the service passes over (the council's own payment in, a line of £0.00) has no fields."""

    def __init__(self, *args, rows=(), lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        self.lines = list(lines)
        for row in self.rows:
            line = row["line"]
            if row["pass_over"]:
                continue
            if row["duplicate"]:
                self.fields[f"keep_{line.pk}"] = forms.BooleanField(
                    required=False, label="Keep both: this is a genuine repeat", widget=CHECKBOX
                )
            else:
                self.fields[f"skip_{line.pk}"] = forms.BooleanField(
                    required=False, label="Do not record this", widget=CHECKBOX
                )
            if row["needs_support"]:
                self.fields[f"support_{line.pk}"] = forms.ChoiceField(
                    choices=[("", "Choose the support"), *_support_choices(self.lines)], required=False, widget=SELECT
                )
            if row["needs_category"]:
                self.fields[f"category_{line.pk}"] = forms.ChoiceField(
                    choices=[("", "Choose the kind of spending"), *SpendingCategory.choices],
                    required=False,
                    widget=SELECT,
                )

    def clean(self):
        data = super().clean()
        for row in self.rows:
            line = row["line"]
            if row["pass_over"] or data.get(f"skip_{line.pk}"):
                continue
            if row["duplicate"] and not data.get(f"keep_{line.pk}"):
                continue
            if row["needs_support"] and not data.get(f"support_{line.pk}"):
                self.add_error(
                    f"support_{line.pk}",
                    f"Line {line.line_number}: choose the support the payment to "
                    f"{line.payee} was for, or tick 'Do not record this'",
                )
            if row["needs_category"] and not data.get(f"category_{line.pk}"):
                self.add_error(
                    f"category_{line.pk}", f"Line {line.line_number}: choose the kind of spending for {line.payee}"
                )
        return data

    def choices(self) -> dict:
        """The choices in the form statement_save takes: {statement line pk: {...}}."""
        data = self.cleaned_data
        result = {}
        for row in self.rows:
            line = row["line"]
            if line.is_payment_in:
                continue
            if row["pass_over"]:  # a line of £0.00 (a card check): nothing to record
                result[line.pk] = {"skip": True}
                continue
            choice = {}
            if data.get(f"skip_{line.pk}"):
                choice["skip"] = True
            if row["duplicate"]:
                if data.get(f"keep_{line.pk}"):
                    choice["keep_both"] = True
                else:
                    choice["skip"] = True
            if data.get(f"support_{line.pk}"):
                choice["parts"] = [(int(data[f"support_{line.pk}"]), line.amount)]
            if data.get(f"category_{line.pk}"):
                choice["category"] = data[f"category_{line.pk}"]
            if choice:
                result[line.pk] = choice
        return result


class RuleForm(GovukForm):
    submit_label = "Save the rule"
    words = forms.CharField(
        max_length=200,
        label="Words to look for",
        help_text="In the payee or description on your statement, for example 'Acme Care'",
        error_messages={"required": "Enter the words to look for"},
    )
    category = forms.ChoiceField(
        choices=SpendingCategory.choices,
        widget=forms.RadioSelect,
        label="What kind of spending is it?",
        error_messages={"required": "Select the kind of spending"},
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        if len(self.lines) > 1:
            self.fields["support"] = forms.ChoiceField(
                choices=_support_choices(self.lines),
                widget=forms.RadioSelect,
                label="What support does it pay for?",
                error_messages={"required": "Select the support it pays for"},
            )
            _relayout(self)

    def split(self) -> list:
        support = self.cleaned_data.get("support") or (self.lines[0].pk if self.lines else None)
        return [(int(support), 100)] if support else []


class CommitmentForm(GovukForm):
    submit_label = "Save"
    description = forms.CharField(
        max_length=200,
        label="What is owed?",
        help_text="For example, an invoice from a holiday club, or wages due to your personal assistant",
        error_messages={"required": "Say what is owed"},
    )
    amount = MoneyField(label="Amount owed", noun="amount owed")
    due_on = GovukDateField(label="Date it is due", example="30 11 2026")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].error_messages["required"] = "Enter the date it is due"


class SavingsForm(GovukForm):
    submit_label = "Set the money aside"
    name = forms.CharField(
        max_length=100,
        label="What are you saving for?",
        help_text="For example, a summer short break",
        error_messages={"required": "Say what you are saving for"},
    )
    amount = MoneyField(label="Amount to set aside", noun="amount to set aside")
    for_date = GovukDateField(label="Date of the break or activity", required=False, example="1 8 2026")

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The messages name the question without "(optional)": "Date of the break or activity must be a real date".
        self.fields["for_date"].label = "Date of the break or activity (optional)"
        self.lines = list(lines)
        if len(self.lines) > 1:
            field = forms.ModelChoiceField(
                queryset=None,
                required=False,
                widget=forms.RadioSelect,
                empty_label="Not sure yet",
                label="What support will it pay for? (optional)",
            )
            field.queryset = self.lines[0].__class__.objects.filter(pk__in=[line.pk for line in self.lines])
            field.label_from_instance = lambda line: line.description
            self.fields["line"] = field
            _relayout(self)


class EvidenceAnswerForm(GovukForm):
    submit_label = "Send your answer"
    answer = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        label="Your answer",
        help_text="If the council asked for receipts, add them to the records as well",
        error_messages={"required": "Write your answer"},
    )


class SpendCheckForm(GovukForm):
    submit_label = "Check"
    q = forms.CharField(
        max_length=200,
        label="What would you like to buy?",
        help_text="For example, 'swimming lessons' or 'wages for our personal assistant'",
        error_messages={"required": "Enter what you would like to buy"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"
