"""A password alone must not reach records, create API tokens or use the API when staff two-factor is required."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ehcbudgets.accounts.models import ApiToken, Role


@pytest.fixture
def two_factor_on(settings):
    settings.EHC_REQUIRE_STAFF_2FA = True


def test_unverified_officer_cannot_create_an_api_token(two_factor_on, officer_client, officer):
    response = officer_client.post("/account/api-tokens/", {"name": "sneaky"})
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/?next=")
    assert not ApiToken.objects.filter(user=officer).exists()


def test_unverified_officer_session_is_refused_by_the_api(two_factor_on, officer_client, child):
    response = officer_client.get(f"/api/v1/children/{child.pk}")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "security code" in response.json()["detail"]


def test_unverified_officer_can_still_reach_the_two_factor_page_and_sign_out(two_factor_on, officer_client):
    assert officer_client.get("/account/two-factor/").status_code == 200
    assert officer_client.post("/account/sign-out/").status_code == 302


def test_redirect_keeps_the_page_asked_for_encoded(two_factor_on, officer_client, child):
    response = officer_client.get("/cases/?q=a&status=final")
    assert response["Location"] == "/account/two-factor/?next=%2Fcases%2F%3Fq%3Da%26status%3Dfinal"


def test_verified_officer_reaches_records_and_the_api(two_factor_on, officer_client, officer, child):
    officer_client.get("/account/two-factor/")  # creates the unconfirmed device, as on first sign-in
    device = TOTPDevice.objects.get(user=officer)
    code = f"{totp(device.bin_key):06d}"
    response = officer_client.post("/account/two-factor/", {"code": code, "next": f"/cases/{child.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{child.pk}/"
    assert officer_client.get(f"/cases/{child.pk}/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_two_factor_next_refuses_another_site(two_factor_on, officer_client, officer):
    officer_client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=officer)
    response = officer_client.post(
        "/account/two-factor/", {"code": f"{totp(device.bin_key):06d}", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_parents_are_not_asked_for_a_second_factor(two_factor_on, client, make_user):
    parent = make_user(Role.PARENT_CARER)
    client.force_login(parent)
    assert client.get("/my/").status_code == 200
