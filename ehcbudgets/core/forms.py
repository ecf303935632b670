"""Form helpers: GOV.UK layout through crispy-forms-gds, and service errors shown against their fields."""

from decimal import Decimal, InvalidOperation

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout, Size
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class GovukFormMixin:
    """Renders every field the GOV.UK way with one primary button."""

    submit_label = "Save and continue"
    form_tag = True  # False where the template writes its own <form> (to add hidden fields)

    def __init__(self, *args, submit_label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = self.form_tag
        # Where the template writes its own <form>, it also writes the CSRF token.
        self.helper.disable_csrf = not self.form_tag
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        # An explicit layout renders through the GOV.UK templates, the button as a real <button>.
        self.helper.layout = Layout(*self.fields, Button("submit", submit_label or self.submit_label))


class GovukForm(GovukFormMixin, forms.Form):
    pass


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError against the form's fields (or at the top when it names none)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class MoneyInput(forms.TextInput):
    """Money is typed as text with a decimal keypad on phones (GOV.UK guidance)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "spellcheck": "false", **(attrs or {})})


class GovukDateField:
    """A GOV.UK date input (day, month, year) whose messages name the question, e.g. 'Date of birth'."""

    def __new__(cls, *, label: str, required: bool = True, help_text: str = "", example: str = "27 3 2007"):
        from datetime import date

        from crispy_forms_gds.fields import DateInputField

        name = label[0].upper() + label[1:]

        class _Field(DateInputField):
            def compress(self, data_list):
                day, month, year = data_list
                if not (day and month and year):
                    return None
                if len(str(year)) != 4:
                    raise ValidationError("Year must include 4 numbers")
                try:
                    return date(day=int(day), month=int(month), year=int(year))
                except (ValueError, OverflowError) as exc:  # 31 February; a day of twenty digits
                    raise ValidationError(f"{name} must be a real date") from exc

        field = _Field(
            label=label, required=required, help_text=help_text or f"For example, {example}", require_all_fields=False
        )
        field.error_messages["required"] = f"Enter {label[0].lower() + label[1:]}"
        field.error_messages["incomplete"] = f"{name} must include a day, month and year"
        return field


class MoneyField(forms.CharField):
    """An amount of money typed as text ("25.60", "£1,450"), cleaned to a Decimal of pounds and pence."""

    def __init__(
        self,
        *,
        label: str,
        noun: str = "",
        required: bool = True,
        allow_zero: bool = False,
        maximum: Decimal = Decimal("1000000"),
        **kwargs,
    ):
        self.noun = noun or label[0].lower() + label[1:]
        self.allow_zero, self.maximum = allow_zero, maximum
        super().__init__(
            label=label,
            required=required,
            widget=MoneyInput(attrs={"class": "govuk-input--width-10"}),
            error_messages={"required": f"Enter the {self.noun}"},
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        wrong = f"Enter the {self.noun} in pounds and pence, like 25.60"
        text = value.strip().replace(",", "").removeprefix("£").strip()
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise forms.ValidationError(wrong) from exc
        if not amount.is_finite():
            raise forms.ValidationError(wrong)
        name = self.noun[0].upper() + self.noun[1:]
        if amount < 0 or (amount == 0 and not self.allow_zero):
            raise forms.ValidationError(f"{name} must be {'£0 or more' if self.allow_zero else 'more than £0'}")
        if amount >= self.maximum:  # before rounding: a number of thirty digits cannot be rounded to pence
            raise forms.ValidationError(f"{name} must be less than £{self.maximum:,}")
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(wrong)
        return amount.quantize(Decimal("0.01"))
