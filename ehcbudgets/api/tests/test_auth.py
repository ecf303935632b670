"""Who may call the API: a live personal access token, or a signed-in session (with CSRF for writes)."""

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from ehcbudgets.accounts.models import ApiToken, Role
from ehcbudgets.accounts.services import api_token_create, api_token_revoke
from ehcbudgets.api.auth import SessionAuth
from ehcbudgets.people.models import Child

from .conftest import Api, problem_of, raw_token_for


def test_a_live_token_authenticates_and_is_marked_used(officer):
    token, raw = api_token_create(actor=officer, name="Case system sync")

    response = Api(raw).get("/me")

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == officer.email
    assert body["role"] == "case_officer"
    assert body["council"]["code"] == "brightwater"
    assert body["icb"] is None
    assert "child.edit" in body["permissions"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_no_credentials_answers_401_problem_with_a_bearer_challenge(anonymous):
    response = anonymous.get("/me")

    problem_of(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(officer):
    token, raw = api_token_create(actor=officer, name="Old laptop")
    api_token_revoke(actor=officer, token=token)

    problem_of(Api(raw).get("/me"), 401)


def test_an_unknown_token_is_refused(db):
    problem_of(Api(ApiToken.new_raw_token()).get("/me"), 401)
    problem_of(Api("not-a-token").get("/me"), 401)


def test_the_token_of_a_deactivated_user_is_refused(officer):
    _, raw = api_token_create(actor=officer, name="Leaver")
    officer.is_active = False
    officer.save()

    problem_of(Api(raw).get("/me"), 401)


def test_a_revoked_token_is_refused_for_writes_too_with_401_not_a_csrf_403(officer, council_a):
    token, raw = api_token_create(actor=officer, name="Old laptop")
    api_token_revoke(actor=officer, token=token)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})

    response = Api(client=client).post("/children", {"first_name": "Ada"})

    problem_of(response, 401)


def test_a_token_writes_without_csrf(officer, council_a):
    _, raw = api_token_create(actor=officer, name="Integration")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    body = {"first_name": "Ada", "last_name": "Ashdown", "date_of_birth": "2018-03-01", "council_reference": "A1"}

    assert Api(client=client).post("/children", body).status_code == 201


def test_a_signed_in_session_can_read(officer, child):
    client = Client()
    client.force_login(officer)

    response = Api(client=client).get(f"/children/{child.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == child.pk


def test_a_session_write_without_the_csrf_token_is_refused(officer, council_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    body = {"first_name": "Ada", "last_name": "Ashdown", "date_of_birth": "2018-03-01", "council_reference": "A1"}

    response = Api(client=client).post("/children", body)

    assert "CSRF" in problem_of(response, 403)["detail"]
    assert not Child.objects.exists()


def test_a_session_write_with_the_csrf_token_is_accepted(officer, council_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    client.get("/api/v1/docs")  # the docs page sets the csrftoken cookie, as in a browser
    token = client.cookies["csrftoken"].value
    body = {"first_name": "Ada", "last_name": "Ashdown", "date_of_birth": "2018-03-01", "council_reference": "A1"}

    response = client.post("/api/v1/children", body, content_type="application/json", headers={"X-CSRFToken": token})

    assert response.status_code == 201


def test_a_bad_token_does_not_fall_back_to_the_session(officer, child):
    client = Client(headers={"Authorization": "Bearer ehc_wrong"})
    client.force_login(officer)

    problem_of(Api(client=client).get(f"/children/{child.pk}"), 401)


@override_settings(EHC_REQUIRE_STAFF_2FA=True)
def test_a_staff_session_without_two_factor_is_refused_when_it_is_required(officer, child):
    client = Client()
    client.force_login(officer)

    # StaffTwoFactorMiddleware answers before the API does.
    problem_of(Api(client=client).get(f"/children/{child.pk}"), 403)


def test_session_auth_itself_refuses_a_staff_session_without_two_factor(officer, rf, settings):
    settings.EHC_REQUIRE_STAFF_2FA = True
    request = rf.get("/api/v1/me")
    request.user = officer
    officer.is_verified = lambda: False

    assert SessionAuth().authenticate(request, "session-key") is None


@override_settings(EHC_REQUIRE_STAFF_2FA=True)
def test_a_family_session_needs_no_two_factor(parent, child):
    client = Client()
    client.force_login(parent)

    assert Api(client=client).get(f"/children/{child.pk}").status_code == 200


def test_me_names_an_icb_officers_icb(api_as, icb_officer):
    body = api_as(icb_officer).get("/me").json()

    assert body["role"] == Role.ICB_OFFICER
    assert body["council"] is None
    assert body["icb"]["code"] == "QBF"


def test_the_last_used_time_is_not_rewritten_on_every_call(officer):
    token, raw = api_token_create(actor=officer, name="Busy")
    Api(raw).get("/me")
    token.refresh_from_db()
    first = token.last_used_at

    Api(raw).get("/me")

    token.refresh_from_db()
    assert token.last_used_at == first
    assert first <= timezone.now()


@pytest.mark.parametrize("role", ["parent_carer", "young_person", "nominee", "panel_member"])
def test_a_token_of_a_role_that_may_not_use_the_api_is_refused(make_user, council_a, role):
    user = make_user(Role(role), council=council_a if role == "panel_member" else None)
    response = Api(raw_token_for(user)).get("/me")
    problem_of(response, 401)


def test_a_token_stops_working_when_its_user_loses_api_access(make_user, council_a):
    user = make_user(Role.FINANCE_OFFICER, council=council_a)
    raw = raw_token_for(user)
    assert Api(raw).get("/me").status_code == 200
    user.role = Role.PANEL_MEMBER
    user.save(update_fields=["role"])
    problem_of(Api(raw).get("/me"), 401)
