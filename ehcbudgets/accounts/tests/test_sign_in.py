"""Sign-in safety (ADR 0003): argon2 hashing, lockout after repeated failures, and a second factor for staff."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.settings import base
from ehcbudgets.accounts.models import COUNCIL_STAFF_ROLES, FAMILY_ROLES, Role, User
from ehcbudgets.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign_in")
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def _sign_in(client, email, password=PASSWORD):
    return client.post(SIGN_IN, {"username": email, "password": password})


def _signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


# signing in and out ------------------------------------------------------------------------------------------------


def test_the_right_password_signs_in_and_goes_home(client, officer):
    response = _sign_in(client, officer.email)
    assert response["Location"] == reverse("core:home")
    assert _signed_in_as(client) == officer


def test_the_email_address_is_not_case_sensitive(client, officer):
    _sign_in(client, officer.email.upper())
    assert _signed_in_as(client) == officer


def test_a_wrong_password_is_refused_with_a_message(client, officer):
    response = _sign_in(client, officer.email, "wrong-password-123")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter a correct email address and password" in response.text
    assert _signed_in_as(client) is None


def test_a_switched_off_account_cannot_sign_in(client, officer):
    officer.is_active = False
    officer.save()
    _sign_in(client, officer.email)
    assert _signed_in_as(client) is None


def test_signing_out_ends_the_session(officer_client):
    response = officer_client.post(reverse("accounts:sign_out"))
    assert response["Location"] == reverse("accounts:signed_out")
    assert officer_client.get(reverse("cases:list"))["Location"].startswith(SIGN_IN)


# lockout (django-axes) -----------------------------------------------------------------------------------------------


def _fail(client, email, times):
    for _ in range(times):
        _sign_in(client, email, "wrong-password-123")


@override_settings(AXES_ENABLED=True)
def test_the_right_password_still_works_after_one_failure_fewer_than_the_limit(client, officer):
    _fail(client, officer.email, settings.AXES_FAILURE_LIMIT - 1)
    _sign_in(client, officer.email)
    assert _signed_in_as(client) == officer


@override_settings(AXES_ENABLED=True)
def test_the_account_is_locked_after_the_failure_limit_even_with_the_right_password(client, officer):
    _fail(client, officer.email, settings.AXES_FAILURE_LIMIT)
    response = _sign_in(client, officer.email)
    assert response.status_code == 429
    assert "You cannot sign in for now" in response.text
    assert _signed_in_as(client) is None


@override_settings(AXES_ENABLED=True)
def test_the_lockout_is_by_account_so_colleagues_behind_the_same_address_can_sign_in(
    client, officer, make_user, council
):
    colleague = make_user(Role.TEAM_MANAGER, council=council)
    _fail(client, officer.email, settings.AXES_FAILURE_LIMIT)
    _sign_in(client, colleague.email)
    assert _signed_in_as(client) == colleague


@override_settings(AXES_ENABLED=True)
def test_the_lockout_counts_the_email_address_whatever_its_case(client, officer):
    _fail(client, officer.email.upper(), settings.AXES_FAILURE_LIMIT)
    assert _sign_in(client, officer.email).status_code == 429


# password hashing -----------------------------------------------------------------------------------------------------


def test_the_base_settings_hash_passwords_with_argon2_first():
    assert base.PASSWORD_HASHERS[0] == ARGON2


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_new_password_is_stored_as_an_argon2_hash():
    encoded = make_password("a long enough password")
    assert encoded.startswith("argon2$")
    assert check_password("a long enough password", encoded)


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_an_older_pbkdf2_hash_is_upgraded_to_argon2_on_sign_in(client, officer):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    officer.password = PBKDF2PasswordHasher().encode(PASSWORD, "fixedsalt123")
    officer.save()
    _sign_in(client, officer.email)
    officer.refresh_from_db()
    assert officer.password.startswith("argon2$")


# two-factor sign-in for staff (django-otp) ---------------------------------------------------------------------------


@pytest.fixture
def two_factor_required(settings):
    settings.EHC_REQUIRE_STAFF_2FA = True


def _code(device) -> str:
    return f"{totp(device.bin_key):06d}"


@pytest.mark.parametrize("role", [*sorted(COUNCIL_STAFF_ROLES), Role.ICB_OFFICER])
def test_unverified_staff_are_sent_to_the_two_factor_page(two_factor_required, client, make_user, council, role):
    client.force_login(make_user(role, council=council))
    response = client.get(reverse("cases:list"))
    assert response["Location"] == reverse("accounts:two_factor") + "?next=%2Fcases%2F"


@pytest.mark.parametrize("role", sorted(FAMILY_ROLES))
def test_family_members_are_not_asked_for_a_second_factor(two_factor_required, client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("family:children")).status_code == 200


def test_staff_are_not_asked_for_a_second_factor_when_the_setting_is_off(settings, officer_client):
    settings.EHC_REQUIRE_STAFF_2FA = False
    assert officer_client.get(reverse("cases:list")).status_code == 200


def test_unverified_staff_can_still_read_the_accessibility_statement(two_factor_required, officer_client):
    assert officer_client.get(reverse("core:accessibility")).status_code == 200


def test_the_first_visit_to_the_two_factor_page_sets_up_an_authenticator(two_factor_required, officer_client, officer):
    response = officer_client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed is False
    assert response.context["secret"]  # shown once, to type into the app
    assert response.context["qr_data_uri"].startswith("data:image/svg+xml;base64,")


@pytest.fixture
def confirmed_device(officer):
    return TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)


def test_a_confirmed_device_is_not_set_up_again(two_factor_required, officer_client, confirmed_device):
    response = officer_client.get(reverse("accounts:two_factor"))
    assert response.context["setting_up"] is False
    assert "secret" not in response.context
    assert TOTPDevice.objects.count() == 1


def test_the_right_code_lets_staff_through_to_the_page_they_asked_for(
    two_factor_required, officer_client, confirmed_device
):
    response = officer_client.post(
        reverse("accounts:two_factor"), {"code": _code(confirmed_device), "next": reverse("cases:list")}
    )
    assert response["Location"] == reverse("cases:list")
    assert officer_client.get(reverse("cases:list")).status_code == 200


def test_a_code_typed_with_a_space_in_the_middle_is_accepted(two_factor_required, officer_client, confirmed_device):
    code = _code(confirmed_device)
    officer_client.post(reverse("accounts:two_factor"), {"code": f"{code[:3]} {code[3:]}"})
    assert officer_client.get(reverse("cases:list")).status_code == 200


def test_a_wrong_code_is_refused_and_staff_stay_outside(two_factor_required, officer_client, confirmed_device):
    wrong = f"{(int(_code(confirmed_device)) + 1) % 1_000_000:06d}"
    response = officer_client.post(reverse("accounts:two_factor"), {"code": wrong})
    assert response.status_code == 200
    assert "The security code is not right, or has expired" in response.text
    assert officer_client.get(reverse("cases:list")).status_code == 302


def test_a_code_that_is_not_six_digits_is_refused(two_factor_required, officer_client, confirmed_device):
    response = officer_client.post(reverse("accounts:two_factor"), {"code": "12345"})
    assert "Enter the 6-digit security code" in response.text
