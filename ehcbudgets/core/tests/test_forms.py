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
