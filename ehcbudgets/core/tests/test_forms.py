"""Form helpers: how shared fields render."""


def test_a_money_field_renders_as_a_govuk_input_with_a_decimal_keypad():
    """Money inputs get the GOV.UK input style (crispy-forms-gds knows the widget by its class name) and
    inputmode="decimal" for phones."""
    from crispy_forms.utils import render_crispy_form

    from ehcbudgets.core.forms import GovukForm, MoneyField

    class Form(GovukForm):
        amount = MoneyField(label="Amount")

    html = render_crispy_form(Form())
    assert 'class="govuk-input govuk-input--width-10"' in html
    assert 'inputmode="decimal"' in html


def _money(text: str, **kwargs):
    from ehcbudgets.core.forms import MoneyField

    return MoneyField(label="Amount", **kwargs).clean(text)


def test_a_money_field_refuses_numbers_too_large_to_round_to_pence_with_a_message():
    """A number of thirty digits, or 1e30, cannot be rounded to pence (Decimal's 28 digits): the field says the
    amount is too large instead of failing with a server error."""
    import pytest
    from django.core.exceptions import ValidationError

    for text in ("1e30", "123456789012345678901234567890", "999999999999999999999999999.999"):
        with pytest.raises(ValidationError) as exc:
            _money(text)
        assert exc.value.messages == ["Amount must be less than £1,000,000"]


def test_a_money_field_keeps_its_maximum_at_the_penny():
    """A penny under the maximum is kept; the maximum itself is refused; a fraction of a penny is refused."""
    from decimal import Decimal

    import pytest
    from django.core.exceptions import ValidationError

    assert _money("999999.99") == Decimal("999999.99")
    with pytest.raises(ValidationError):
        _money("1000000.00")
    with pytest.raises(ValidationError) as exc:
        _money("25.601")
    assert exc.value.messages == ["Enter the amount in pounds and pence, like 25.60"]


def test_a_date_field_refuses_a_day_too_large_for_a_number_as_not_a_real_date():
    """A day of twenty digits overflows the date constructor: the field says it is not a real date (as for
    31 February) instead of failing with a server error."""
    import pytest
    from django.core.exceptions import ValidationError

    from ehcbudgets.core.forms import GovukDateField

    field = GovukDateField(label="Date of birth")
    for day, month in (("99999999999999999999", "1"), ("31", "2"), ("1", "99999999999999999999")):
        with pytest.raises(ValidationError) as exc:
            field.compress([day, month, "2020"])
        assert exc.value.messages == ["Date of birth must be a real date"]
