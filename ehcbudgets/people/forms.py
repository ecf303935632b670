"""Forms for children and contacts. They only collect input: the services decide and save."""

from django import forms

from ehcbudgets.core.forms import GovukDateField, GovukForm

from .models import Relationship
from .services import date_of_birth_problem

YES_NO_UNKNOWN = [("", "Not assessed yet"), ("yes", "Yes"), ("no", "No")]


class ChildForm(GovukForm):
    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter the first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the last name"})
    date_of_birth = GovukDateField(label="Date of birth", example="27 3 2015")
    council_reference = forms.CharField(
        max_length=30, label="Council reference", error_messages={"required": "Enter the council reference"}
    )
    upn = forms.CharField(
        max_length=13,
        required=False,
        label="Unique pupil number (optional)",
        help_text="13 characters, for example R801200199001",
    )

    def clean_date_of_birth(self):
        # The service checks this too; checking here as well shows it alongside any other mistakes on the page.
        born = self.cleaned_data["date_of_birth"]
        problem = date_of_birth_problem(born)
        if problem:
            raise forms.ValidationError(problem)
        return born


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search by name or reference")
    status = forms.ChoiceField(required=False, label="Plan status")


class ContactForm(GovukForm):
    full_name = forms.CharField(max_length=200, label="Full name", error_messages={"required": "Enter the full name"})
    relationship = forms.ChoiceField(
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        label="Relationship to the child or young person",
        error_messages={"required": "Select the relationship"},
    )
    email = forms.EmailField(
        required=False,
        label="Email address (optional)",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(max_length=30, required=False, label="Phone number (optional)")
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Address (optional)")
    has_capacity_to_consent = forms.ChoiceField(
        choices=YES_NO_UNKNOWN, required=False, widget=forms.RadioSelect, label="Do they have capacity to consent?"
    )
    capacity_assessed_on = GovukDateField(label="Date capacity was assessed", required=False, example="4 9 2026")
    capacity_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note about capacity (optional)"
    )
    drug_alcohol_order = forms.ChoiceField(
        choices=[("no", "No"), ("yes", "Yes")],
        widget=forms.RadioSelect,
        initial="no",
        label="Are they subject to a community order, suspended sentence or licence condition for drug or "
        "alcohol treatment?",
        help_text="Record yes or no only. Never record details of any offence.",
    )
    nominated_in_writing_on = GovukDateField(
        label="Date nominated in writing (nominees only)", required=False, example="4 9 2026"
    )
    nominee_consent_on = GovukDateField(
        label="Date the nominee agreed (nominees only)", required=False, example="4 9 2026"
    )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["has_capacity_to_consent"] = {"yes": True, "no": False}.get(data["has_capacity_to_consent"])
        data["drug_alcohol_order"] = data["drug_alcohol_order"] == "yes"
        return data

    @staticmethod
    def initial_from(contact) -> dict:
        initial = {
            f: getattr(contact, f)
            for f in (
                "full_name",
                "relationship",
                "email",
                "phone",
                "address",
                "capacity_assessed_on",
                "capacity_note",
                "nominated_in_writing_on",
                "nominee_consent_on",
            )
        }
        initial["has_capacity_to_consent"] = {True: "yes", False: "no"}.get(contact.has_capacity_to_consent, "")
        initial["drug_alcohol_order"] = "yes" if contact.drug_alcohol_order else "no"
        return initial
