"""Forms for the council's spending pages: a question about a return, taking a record back, and the council's
linking rules. They only collect and tidy input; the services decide (ARCHITECTURE convention 2)."""

from decimal import Decimal, InvalidOperation

from django import forms

from ehcbudgets.core.forms import GovukForm

from .models import SpendingCategory


class ReturnQueryForm(GovukForm):
    """An officer's question about a monitoring return: the family sees it on their page with the date to answer by."""

    submit_label = "Send the question"
    query = forms.CharField(
        label="What do you need to know?",
        help_text="The family reads this on their page. Say which payments you mean and what would answer it, such "
        "as a receipt or an invoice.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={"required": "Say what you need to know, in words the family will understand"},
    )


class RecordWithdrawForm(GovukForm):
    """Why a record is being taken back: kept in the audit trail and on the reversing ledger entry."""

    submit_label = "Take the record back"
    reason = forms.CharField(
        label="Why is it being taken back?",
        help_text="For example, it was recorded twice, or the payment was for another child.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
        error_messages={"required": "Enter why the record is being taken back"},
    )


def _percent_field(label: str, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=7,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal", "spellcheck": "false"}),
        error_messages={"required": "Enter the share, in percent"},
    )


def _clean_percent(value: str) -> Decimal | None:
    text = (value or "").strip().removesuffix("%").strip()
    if not text:
        return None
    try:
        percent = Decimal(text)
    except InvalidOperation as exc:
        raise forms.ValidationError("Enter the share as a number, like 60") from exc
    if not percent.is_finite() or percent <= 0 or percent > 100:
        raise forms.ValidationError("The share must be more than 0% and no more than 100%")
    if percent != percent.quantize(Decimal("0.01")):
        raise forms.ValidationError("The share can have at most 2 decimal places")
    return percent


class CouncilRuleForm(GovukForm):
    """A council linking rule: words to look for, the kind of spending, and the item of the local offer it pays for,
    or two items and their shares. `split()` gives the [(offer item code, percent)] the service takes."""

    submit_label = "Add the rule"
    words = forms.CharField(
        label="Words to look for",
        help_text="Found in the payee or description of a payment, ignoring capitals, like 'Brightwater Leisure'.",
        max_length=200,
        error_messages={"required": "Enter the words to look for in the payee or description"},
    )
    category = forms.ChoiceField(
        label="Kind of spending",
        choices=[("", "Choose the kind of spending"), *SpendingCategory.choices],
        error_messages={"required": "Choose the kind of spending"},
    )
    item = forms.ChoiceField(
        label="Item of the local offer it pays for",
        help_text="The rule suggests the line of any family's agreement that has this item.",
        error_messages={"required": "Choose the item of the local offer it pays for"},
    )
    percent = _percent_field("Share of the payment for this item, in percent", required=True)
    second_item = forms.ChoiceField(
        label="Second item, when a payment is split (optional)",
        required=False,
    )
    second_percent = _percent_field("Share for the second item, in percent (optional)", required=False)

    def __init__(self, *args, items=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("percent", "100")
        super().__init__(*args, **kwargs)
        choices = [(item.code, f"{item.name} ({item.code})") for item in items]
        self.fields["item"].choices = [("", "Choose an item"), *choices]
        self.fields["second_item"].choices = [("", "No second item"), *choices]

    def clean_percent(self):
        return _clean_percent(self.cleaned_data.get("percent"))

    def clean_second_percent(self):
        return _clean_percent(self.cleaned_data.get("second_percent"))

    def clean(self):
        data = super().clean()
        second, second_percent = data.get("second_item"), data.get("second_percent")
        if second and second == data.get("item"):
            self.add_error("second_item", "Choose a different item from the first, or no second item")
        elif second and second_percent is None and "second_percent" not in self.errors:
            self.add_error("second_percent", "Enter the share for the second item, in percent")
        elif second_percent is not None and not second:
            self.add_error("second_item", "Choose the second item, or leave its share empty")
        return data

    def split(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        shares = [(data["item"], data["percent"])]
        if data.get("second_item"):
            shares.append((data["second_item"], data["second_percent"]))
        return [(code, f"{percent.normalize():f}") for code, percent in shares]
