"""Sign-in, two-factor and API token forms."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from ehcbudgets.core.forms import GovukForm, GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    submit_label = "Sign in"
    form_tag = False
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both may be case-sensitive.",
        "inactive": "This account has been switched off. Ask your council administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class TokenCodeForm(GovukForm):
    submit_label = "Continue"
    form_tag = False
    code = forms.CharField(
        label="Security code",
        # No max_length: clean_code takes out spaces ("123 456", as some apps show it) before checking 6 digits.
        help_text="The 6-digit code from your authenticator app",
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "class": "govuk-input--width-5",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Enter the security code"},
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the 6-digit security code")
        return code


class ApiTokenForm(GovukForm):
    submit_label = "Create token"
    form_tag = False
    name = forms.CharField(
        max_length=100,
        label="What is the token for?",
        help_text="For example, the name of the system that will use it.",
        error_messages={"required": "Enter what the token is for"},
    )
