"""Personal API tokens: shown once, stored only as a digest, refused once revoked."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ehcbudgets.accounts import services
from ehcbudgets.accounts.models import ApiToken, Role
from ehcbudgets.accounts.tests.factories import ApiTokenFactory

pytestmark = pytest.mark.django_db


def test_a_created_token_is_found_by_its_raw_value(officer):
    token, raw = services.api_token_create(actor=officer, name="Finance system")
    assert ApiToken.find_active(raw) == token


def test_the_raw_token_starts_with_the_prefix_and_is_long(officer):
    _, raw = services.api_token_create(actor=officer, name="Finance system")
    assert raw.startswith("ehc_")
    assert len(raw) >= 40


def test_only_the_digest_of_the_token_is_stored(officer):
    token, raw = services.api_token_create(actor=officer, name="Finance system")
    row = ApiToken.objects.values().get(pk=token.pk)
    assert row["digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in [str(value) for value in row.values()]
    assert raw.startswith(row["hint"])
    assert len(row["hint"]) < len(raw) // 3


def test_two_tokens_are_different(officer):
    _, first = services.api_token_create(actor=officer, name="One")
    _, second = services.api_token_create(actor=officer, name="Two")
    assert first != second


def test_a_made_up_token_is_not_found(officer):
    services.api_token_create(actor=officer, name="Finance system")
    assert ApiToken.find_active("ehc_" + "x" * 43) is None


def test_a_revoked_token_is_not_found(officer):
    token, raw = services.api_token_create(actor=officer, name="Finance system")
    services.api_token_revoke(actor=officer, token=token)
    assert ApiToken.find_active(raw) is None


def test_a_token_of_a_switched_off_user_is_not_found(officer):
    _, raw = services.api_token_create(actor=officer, name="Finance system")
    officer.is_active = False
    officer.save()
    assert ApiToken.find_active(raw) is None


def test_creating_a_token_writes_one_audit_event_without_the_token(officer, council, audit):
    token, raw = services.api_token_create(actor=officer, name="Finance system")
    event = audit.one()
    assert (event.action, event.actor, event.council) == ("api_token.created", officer, council)
    assert event.after == {"name": "Finance system", "hint": token.hint}
    assert raw not in str(event.after)


def test_revoking_a_token_writes_one_audit_event(officer, audit):
    token, _ = services.api_token_create(actor=officer, name="Finance system")
    audit.mark()
    services.api_token_revoke(actor=officer, token=token)
    assert audit.one().action == "api_token.revoked"


def test_revoking_a_token_twice_changes_nothing_the_second_time(officer, audit):
    token, _ = services.api_token_create(actor=officer, name="Finance system")
    first = services.api_token_revoke(actor=officer, token=token).revoked_at
    audit.mark()
    assert services.api_token_revoke(actor=officer, token=token).revoked_at == first
    assert audit.new == []


def test_a_user_cannot_revoke_someone_elses_token(officer, make_user, council):
    colleague_token = ApiTokenFactory(user=make_user(Role.TEAM_MANAGER, council=council))
    with pytest.raises(ApiToken.DoesNotExist):
        services.api_token_revoke(actor=officer, token=colleague_token)
    colleague_token.refresh_from_db()
    assert colleague_token.revoked_at is None


@pytest.mark.parametrize("name", ["", "   "])
def test_a_token_needs_a_name(officer, name, audit):
    with pytest.raises(ValidationError) as error:
        services.api_token_create(actor=officer, name=name)
    assert "name" in error.value.message_dict
    assert ApiToken.objects.count() == 0
    assert audit.new == []


@pytest.mark.parametrize("role", [Role.PARENT_CARER, Role.PANEL_MEMBER])
def test_a_role_without_api_access_cannot_create_a_token(make_user, council, role):
    with pytest.raises(ValidationError, match="Your role cannot use the API"):
        services.api_token_create(actor=make_user(role, council=council), name="Mine")
    assert ApiToken.objects.count() == 0


def test_a_user_may_hold_10_active_tokens(officer):
    for n in range(10):
        services.api_token_create(actor=officer, name=f"Token {n}")
    assert ApiToken.objects.active().filter(user=officer).count() == 10


def test_an_eleventh_active_token_is_refused(officer):
    for n in range(10):
        services.api_token_create(actor=officer, name=f"Token {n}")
    with pytest.raises(ValidationError) as error:
        services.api_token_create(actor=officer, name="One too many")
    assert "revoke one" in error.value.message_dict["name"][0]
    assert ApiToken.objects.filter(user=officer).count() == 10


def test_revoking_one_of_10_tokens_makes_room_for_another(officer):
    tokens = [services.api_token_create(actor=officer, name=f"Token {n}")[0] for n in range(10)]
    services.api_token_revoke(actor=officer, token=tokens[0])
    services.api_token_create(actor=officer, name="Replacement")
    assert ApiToken.objects.active().filter(user=officer).count() == 10


# the tokens page -----------------------------------------------------------------------------------------------------


def test_the_tokens_page_shows_a_new_token_once(officer_client, officer):
    response = officer_client.post(reverse("accounts:api_tokens"), {"name": "Finance system"})
    token = ApiToken.objects.get(user=officer)
    raw = response.context["new_token"]["raw"]
    assert raw in response.text
    assert ApiToken.find_active(raw) == token
    assert raw not in officer_client.get(reverse("accounts:api_tokens")).text


def test_the_tokens_page_lists_only_the_users_own_tokens(officer_client, make_user, council):
    ApiTokenFactory(user=make_user(Role.TEAM_MANAGER, council=council), name="Colleague's secret integration")
    assert "secret integration" not in officer_client.get(reverse("accounts:api_tokens")).text


def test_revoking_through_the_page_revokes_the_token(officer_client, officer):
    token = ApiTokenFactory(user=officer)
    response = officer_client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response["Location"] == reverse("accounts:api_tokens")
    assert ApiToken.find_active(token.raw) is None
