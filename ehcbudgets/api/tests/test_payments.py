# ruff: noqa: F811 - the fixtures imported from the budgets and payments tests are requested by name below
"""Direct payments through the API: agreements from set-up to consent, the notices that change or end them, the
family's consent, withdrawal and reconsideration; payment runs with maker-checker, their files, recoveries and the
ledger. Who may do each step, whose records each caller finds, and the services' rules answered as problem+json.

The records are made by the direct payment tests' own helpers (ehcbudgets/payments/tests/conftest.py): the standard
agreement pays the PA line (social care, £3,411.20 for 1 April 2026 to 31 March 2027) to the parent on a prepaid
card, 4-weekly from 1 April 2026, set up and consented on 20 March 2026.
"""

from datetime import date
from decimal import Decimal

import pytest

from ehcbudgets.accounts.models import Role
from ehcbudgets.accounts.tests.factories import user_for_role
from ehcbudgets.budgets.tests.conftest import (  # noqa: F401 - fixtures shared with the payments tests
    PA_AMOUNT,
    case,
    catalogue,
    manager,
    on_day,
    other_manager,
    parent_user,
    pb,
    quick_pdf,
)
from ehcbudgets.ledger.models import Transaction
from ehcbudgets.payments import services
from ehcbudgets.payments.models import (
    Agreement,
    AgreementStatus,
    PaymentRun,
    PaymentStatus,
    PersonalAssistant,
    Reconsideration,
    Recovery,
    RecoveryReceipt,
    RunStatus,
    ScheduledPayment,
)
from ehcbudgets.payments.tests.conftest import (  # noqa: F401 - fixtures shared with the payments tests
    _letters_quick,
    bank,
    dp,
    finance,
    finance2,
)
from ehcbudgets.people.models import Relationship
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory

from .conftest import error_fields, problem_of

#: The day of the first payment run: the short first payment (1 April) and the first full one (6 April) fall due.
FIRST_RUN_ON, FIRST_RUN_UP_TO = date(2026, 4, 1), date(2026, 4, 6)
CARD = {"payment_method": "prepaid_card", "card_account_reference": "PPC-0001-2345"}
BANK_ACCOUNT = {
    "payment_method": "bank_account",
    "account_name": "Jo Parent",
    "sort_code": "30-94-30",
    "account_number": "00733445",
}


# Fixtures: the root conftest's users and child (the payments helpers expect them) in place of the API conftest's


@pytest.fixture
def make_user(db):
    def make(role: Role | str = Role.CASE_OFFICER, council=None, **kwargs):
        return user_for_role(role, council=council, **kwargs)

    return make


@pytest.fixture
def officer(make_user, council):
    return make_user(Role.CASE_OFFICER, council=council, full_name="Casey Officer", email="casey@council.example")


@pytest.fixture
def child(council):
    return ChildFactory(council=council)


@pytest.fixture
def family(api_as, parent_user):
    """The parent who receives the payments, signed in to a browser."""
    return api_as(parent_user)


@pytest.fixture
def decider(api_as, manager):
    return api_as(manager)


@pytest.fixture
def draft(dp, case):
    return dp.draft(case)


@pytest.fixture
def sent(dp, case):
    return dp.sent(case)


@pytest.fixture
def active(dp, case):
    """Consented on a signed paper copy, recorded by the officer on 20 March 2026."""
    return dp.active(case)


@pytest.fixture
def released(active, finance, finance2, on_day, bank):
    """The first run, paid on 1 April 2026: the short first payment and the first full one."""
    on_day(FIRST_RUN_ON)
    run = services.payment_run_prepare(actor=finance, council=active.council, pay_up_to=FIRST_RUN_UP_TO)
    return services.payment_run_approve(actor=finance2, run=run)


@pytest.fixture
def reduction(active, manager):
    return services.agreement_reduce(
        actor=manager, agreement=active, new_amount=Decimal("3000.00"), reasons="Fewer hours are needed at home."
    )


@pytest.fixture
def other_officer(make_user, other_council):
    return make_user(Role.CASE_OFFICER, council=other_council)


@pytest.fixture
def other_finance(make_user, other_council):
    return make_user(Role.FINANCE_OFFICER, council=other_council)


def path(agreement: Agreement, rest: str = "") -> str:
    return f"/children/{agreement.child_id}/direct-payments/{agreement.pk}{rest}"


def fresh(obj):
    obj.refresh_from_db()
    return obj


def total(payments, key: str = "amount") -> Decimal:
    return sum((Decimal(payment[key]) for payment in payments), Decimal("0.00"))


# Setting up an agreement


def test_an_officer_sets_up_an_agreement_for_an_agreed_budget(api, dp, case):
    budget = dp.agreed_budget(case)

    response = api.post(
        f"/budgets/{budget.pk}/direct-payments",
        {"start_date": "2026-04-01", **CARD, "excluded_payees": ["Sam's Taxis", "A neighbour"]},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["amount"], body["recipient_id"]) == ("draft", "3411.20", case.parent.pk)
    assert (body["frequency"], body["start_date"], body["end_date"]) == ("four_weekly", "2026-04-01", "2027-03-31")
    assert [(line["funding_stream"], line["amount"]) for line in body["lines"]] == [("social_care", "3411.20")]
    assert body["excluded_payees"] == ["Sam's Taxis", "A neighbour"]
    assert body["schedule"] == [] and body["next_payment"] is None
    assert total(body["proposed_schedule"]) == PA_AMOUNT
    assert body["balance"] == "0.00"
    assert Agreement.objects.get().excluded_payees == "Sam's Taxis\nA neighbour"


def test_bad_terms_are_each_named_and_nothing_is_set_up(api, dp, case):
    budget = dp.agreed_budget(case)

    response = api.post(
        f"/budgets/{budget.pk}/direct-payments",
        {"start_date": "2020-01-01", "payment_method": "bank_account", "sort_code": "12"},
    )

    assert error_fields(response) == {"start_date", "account_name", "sort_code", "account_number"}
    assert not Agreement.objects.exists()


def test_a_badly_shaped_body_is_refused_field_by_field(api, dp, case):
    budget = dp.agreed_budget(case)

    response = api.post(
        f"/budgets/{budget.pk}/direct-payments",
        {"start_date": "1 April 2026", "frequency": "fortnightly", "shoe_size": 9, **CARD},
    )

    assert error_fields(response) == {"start_date", "frequency", "shoe_size"}
    assert not Agreement.objects.exists()


def test_the_recipient_must_be_one_of_the_childs_people(api, dp, case, council):
    budget = dp.agreed_budget(case)
    stranger = ContactFactory(child=ChildFactory(council=council))

    response = api.post(
        f"/budgets/{budget.pk}/direct-payments", {"recipient": stranger.pk, "start_date": "2026-04-01", **CARD}
    )

    assert error_fields(response) == {"recipient"}
    assert not Agreement.objects.exists()


def test_a_budget_not_yet_agreed_has_no_agreement(api, pb, case):
    budget = pb.with_direct_payment(case)

    response = api.post(f"/budgets/{budget.pk}/direct-payments", {"start_date": "2026-04-01", **CARD})

    assert error_fields(response) == {None}
    assert "agreed budget" in response.json()["errors"][0]["message"]


def test_a_draft_is_changed_then_sent_and_then_changes_only_by_notice(api, draft):
    changed = api.patch(path(draft), {"frequency": "monthly", "conditions": "Keep receipts for a year."})

    assert changed.status_code == 200, changed.content
    assert (changed.json()["frequency"], changed.json()["conditions"]) == ("monthly", "Keep receipts for a year.")
    assert changed.json()["card_account_reference"] == "PPC-0001-2345"

    response = api.post(path(draft, "/send"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["notice_sent_on"], body["terms_version"]) == ("awaiting_consent", "2026-03-20", 1)
    assert body["notice_letter_id"] is not None
    assert error_fields(api.patch(path(draft), {"frequency": "weekly"})) == {None}
    assert fresh(draft).frequency == "monthly"
    assert error_fields(api.post(path(draft, "/send"))) == {None}


def test_a_patch_may_not_null_a_term(api, draft):
    assert error_fields(api.patch(path(draft), {"start_date": None})) == {"start_date"}


# Consent (DOMAIN R15)


def test_an_officer_records_consent_and_the_schedule_is_made(api, sent):
    response = api.post(path(sent, "/consent"), {"channel": "paper", "consented_on": "2026-03-20"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["consent_channel"], body["consented_on"]) == ("active", "paper", "2026-03-20")
    assert body["proposed_schedule"] is None
    schedule = body["schedule"]
    assert total(schedule) == PA_AMOUNT
    assert all(p["amount"] == p["by_stream"]["social_care"] and p["by_stream"]["education"] == "0.00" for p in schedule)
    assert all((p["status"], p["offset"], p["run_id"]) == ("scheduled", "0.00", None) for p in schedule)
    assert (body["next_payment"]["due_on"], body["next_payment"]["period_end"]) == ("2026-04-01", "2026-04-05")


def test_an_officer_says_how_consent_was_given_and_never_online(api, sent):
    assert error_fields(api.post(path(sent, "/consent"))) == {"channel"}
    assert error_fields(api.post(path(sent, "/consent"), {"channel": "online"})) == {"channel"}
    assert error_fields(api.post(path(sent, "/consent"), {"channel": "email", "consented_on": "2026-03-01"})) == {
        "consented_on"
    }
    assert fresh(sent).status == AgreementStatus.AWAITING_CONSENT
    assert not ScheduledPayment.objects.exists()


def test_the_family_consents_online_with_no_body(family, sent):
    response = family.client.generic("POST", "/api/v1" + path(sent, "/consent"))  # no body at all, not even {}

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["consent_channel"]) == ("active", "online")
    assert total(response.json()["schedule"]) == PA_AMOUNT


def test_the_family_does_not_choose_how_or_when_they_consent(family, sent):
    response = family.post(path(sent, "/consent"), {"channel": "paper", "consented_on": "2026-03-19"})

    assert error_fields(response) == {"channel", "consented_on"}
    assert fresh(sent).status == AgreementStatus.AWAITING_CONSENT


def test_only_the_recipient_consents(api_as, make_user, sent):
    carer = make_user(Role.PARENT_CARER, email="carer@example.test")
    ContactFactory(child=sent.child, full_name="Pat Carer", relationship=Relationship.CARER, user=carer)

    problem_of(api_as(carer).post(path(sent, "/consent")), 403)
    assert fresh(sent).status == AgreementStatus.AWAITING_CONSENT


def test_the_family_withdraws_consent_and_the_payments_stop(family, active):
    response = family.post(path(active, "/withdraw-consent"))

    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["ground"]) == ("withdraw_consent", "consent_withdrawn")
    assert response.json()["letter_id"] is not None
    assert fresh(active).status == AgreementStatus.STOPPED
    assert not active.payments.filter(status=PaymentStatus.SCHEDULED).exists()
    assert error_fields(family.post(path(active, "/withdraw-consent"))) == {None}


def test_an_officer_records_a_withdrawal_made_in_writing(api, active):
    response = api.post(path(active, "/withdraw-consent"), {"reasons": "Letter of 19 March."})

    assert response.status_code == 201, response.content
    assert response.json()["reasons"] == "Letter of 19 March."
    assert fresh(active).status == AgreementStatus.STOPPED


# What the family sees


def test_the_family_sees_their_agreement_without_the_councils_records(api, family, reduction):
    agreement = reduction.agreement
    body = family.get(path(agreement)).json()

    assert (body["status"], body["amount"]) == ("active", "3000.00")
    assert body["personal_assistants"] is None
    assert all(payment["status"] != "cancelled" for payment in body["schedule"])
    assert total(body["schedule"]) == Decimal("3000.00")
    assert [change["kind"] for change in body["changes"]] == ["reduce"]
    staff = api.get(path(agreement)).json()
    assert any(payment["status"] == "cancelled" for payment in staff["schedule"])
    assert staff["personal_assistants"] == []


def test_a_draft_is_not_found_by_the_family(family, api, draft):
    problem_of(family.get(path(draft)), 404)
    problem_of(family.post(path(draft, "/consent")), 404)
    assert family.get(f"/children/{draft.child_id}/direct-payments").json()["count"] == 0
    assert api.get(f"/children/{draft.child_id}/direct-payments").json()["count"] == 1


def test_the_family_lists_the_agreements_sent_to_them(family, sent):
    body = family.get(f"/children/{sent.child_id}/direct-payments").json()

    assert [(item["id"], item["status"]) for item in body["items"]] == [(sent.pk, "awaiting_consent")]


# Personal assistants (DOMAIN R26, R34)


PA = {"full_name": "Robin Helper", "date_of_birth": "1990-03-27", "starts_on": "2026-04-01"}


def test_an_officer_records_a_personal_assistant(api, active):
    response = api.post(
        path(active, "/personal-assistants"),
        {**PA, "dbs_checked_on": "2026-03-10", "insurance_expires_on": "2027-03-31"},
    )

    assert response.status_code == 201, response.content
    assert (response.json()["full_name"], response.json()["dbs_checked_on"]) == ("Robin Helper", "2026-03-10")
    assert [pa["full_name"] for pa in api.get(path(active)).json()["personal_assistants"]] == ["Robin Helper"]


def test_a_relative_in_the_household_needs_a_managers_exception(api, active, officer, manager):
    relative = {**PA, "close_relative_in_household": True}

    assert error_fields(api.post(path(active, "/personal-assistants"), relative)) == {"exception_reason"}
    not_a_manager = {**relative, "exception_reason": "No one else nearby.", "exception_approved_by": officer.pk}
    assert error_fields(api.post(path(active, "/personal-assistants"), not_a_manager)) == {"exception_approved_by"}
    assert not PersonalAssistant.objects.exists()

    response = api.post(
        path(active, "/personal-assistants"),
        {**relative, "exception_reason": "No one else nearby.", "exception_approved_by": manager.pk},
    )

    assert response.status_code == 201, response.content
    assert response.json()["exception_approved_by_id"] == manager.pk


# Suspend, resume, change of recipient


def test_payments_are_suspended_and_resumed(api, active):
    response = api.post(
        path(active, "/suspend"),
        {"suspension_reason": "other", "reasons": "Ada is staying with her grandparents.", "away_from": "2026-03-20"},
    )

    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["suspension_reason"]) == ("suspend", "other")
    assert fresh(active).status == AgreementStatus.SUSPENDED
    assert api.get(path(active)).json()["next_payment"] is None

    response = api.post(path(active, "/resume"), {"reasons": "Ada is home again."})

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "resume"
    assert fresh(active).status == AgreementStatus.ACTIVE


def test_a_suspension_needs_a_reason(api, active):
    assert error_fields(api.post(path(active, "/suspend"), {"reasons": "Away."})) == {"suspension_reason"}
    assert fresh(active).status == AgreementStatus.ACTIVE
    assert error_fields(api.post(path(active, "/resume"), {"reasons": "Back."})) == {None}


def test_the_recipient_changes_and_the_new_one_must_consent(api, active):
    carer = ContactFactory(
        child=active.child,
        full_name="Jo Parent",
        relationship=Relationship.PARENT,
        has_capacity_to_consent=True,
        capacity_assessed_on=date(2026, 1, 5),
    )

    response = api.post(
        path(active, "/recipient"), {"new_recipient": carer.pk, "reasons": "Sam has moved away.", **BANK_ACCOUNT}
    )

    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["new_recipient_id"]) == ("change_recipient", carer.pk)
    body = api.get(path(active)).json()
    assert (body["status"], body["recipient_id"], body["terms_version"]) == ("awaiting_consent", carer.pk, 2)
    assert (body["payment_method"], body["sort_code"], body["account_number_ending"]) == (
        "bank_account",
        "309430",
        "3445",
    )
    assert "account_number" not in body


def test_a_new_recipient_must_be_one_of_the_childs_people(api, active, council):
    stranger = ContactFactory(child=ChildFactory(council=council))

    response = api.post(path(active, "/recipient"), {"new_recipient": stranger.pk, "reasons": "x", **BANK_ACCOUNT})

    assert error_fields(response) == {"new_recipient"}
    assert fresh(active).recipient_id != stranger.pk


# Reduce, stop and reconsideration (DOMAIN R21, R22)


def test_a_manager_reduces_the_payments_with_notice(decider, active):
    response = decider.post(path(active, "/reduce"), {"new_amount": "3000.00", "reasons": "Fewer hours are needed."})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["old_amount"], body["new_amount"]) == ("reduce", "3411.20", "3000.00")
    assert body["effective_on"] > "2026-04-20"
    assert fresh(active).amount == Decimal("3000.00")
    live = active.payments.exclude(status=PaymentStatus.CANCELLED)
    assert sum((p.amount for p in live), Decimal("0.00")) == Decimal("3000.00")


def test_a_reduction_is_checked_and_changes_nothing_when_refused(decider, active):
    assert error_fields(decider.post(path(active, "/reduce"), {"new_amount": "5000.00", "reasons": "x"})) == {
        "new_amount"
    }
    assert error_fields(decider.post(path(active, "/reduce"), {"new_amount": 3000, "reasons": "x"})) == {"new_amount"}
    assert error_fields(decider.post(path(active, "/reduce"), {"new_amount": "3000.00", "reasons": " "})) == {"reasons"}
    too_soon = {"new_amount": "3000.00", "reasons": "x", "effective_on": "2026-03-27"}
    assert error_fields(decider.post(path(active, "/reduce"), too_soon)) == {"effective_on"}
    assert fresh(active).amount == PA_AMOUNT
    assert not active.changes.exists()


def test_a_case_officer_cannot_reduce_or_stop(api, active):
    problem_of(api.post(path(active, "/reduce"), {"new_amount": "3000.00", "reasons": "x"}), 403)
    problem_of(api.post(path(active, "/stop"), {"ground": "cannot_secure", "reasons": "x"}), 403)
    assert fresh(active).amount == PA_AMOUNT
    assert not active.changes.exists()


def test_a_manager_stops_the_payments_on_a_ground_with_notice(decider, active):
    assert error_fields(decider.post(path(active, "/stop"), {"ground": "consent_withdrawn", "reasons": "x"})) == {
        "ground"
    }

    response = decider.post(
        path(active, "/stop"), {"ground": "not_used_for_provision", "reasons": "The payments paid for a holiday."}
    )

    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["ground"]) == ("stop", "not_used_for_provision")
    agreement = fresh(active)
    assert agreement.stop_effective_on.isoformat() == response.json()["effective_on"] > "2026-04-20"
    assert agreement.status == AgreementStatus.ACTIVE  # until the notice runs out


def test_the_family_asks_once_for_a_reduction_to_be_reconsidered_and_another_manager_changes_it(
    family, decider, api_as, other_manager, reduction
):
    agreement = reduction.agreement
    asked = f"/changes/{reduction.pk}/reconsiderations"

    response = family.post(path(agreement, asked), {"grounds": "Ada still needs every hour."})

    assert response.status_code == 201, response.content
    item = response.json()
    assert (item["status"], item["change_id"], item["requested_on"]) == ("open", reduction.pk, "2026-03-20")
    assert error_fields(family.post(path(agreement, asked), {"grounds": "Again."})) == {None}
    decision = path(agreement, f"/reconsiderations/{item['id']}/decision")
    assert "another manager" in problem_of(decider.post(decision, {"outcome": "upheld", "reasons": "x"}), 403)["detail"]
    assert error_fields(api_as(other_manager).post(decision, {"outcome": "changed"})) == {"reasons"}

    response = api_as(other_manager).post(decision, {"outcome": "changed", "reasons": "The hours are still needed."})

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["letter_id"] is not None) == ("changed", True)
    assert fresh(agreement).amount == PA_AMOUNT
    assert fresh(reduction).withdrawn is True
    body = family.get(path(agreement)).json()
    assert body["reconsiderations"][0]["status"] == "changed"
    assert body["changes"][0]["reconsideration_id"] == item["id"]


def test_reconsideration_needs_grounds_and_a_change_of_this_agreement(api, reduction):
    agreement = reduction.agreement

    assert error_fields(api.post(path(agreement, f"/changes/{reduction.pk}/reconsiderations"), {})) == {"grounds"}
    problem_of(api.post(path(agreement, "/changes/999999/reconsiderations"), {"grounds": "x"}), 404)
    assert not Reconsideration.objects.exists()


# Payment runs (DOMAIN R35)


def test_a_run_is_prepared_then_approved_by_another_finance_officer(api_as, finance, finance2, active, on_day, bank):
    on_day(FIRST_RUN_ON)

    response = api_as(finance).post("/payment-runs", {"pay_up_to": FIRST_RUN_UP_TO.isoformat()})

    assert response.status_code == 201, response.content
    run = response.json()
    assert (run["status"], run["payment_count"], run["prepared_by_id"]) == ("prepared", 2, finance.pk)
    assert [p["due_on"] for p in run["payments"]] == ["2026-04-01", "2026-04-06"]
    assert run["total"] == str(total(run["payments"], "net_amount"))
    assert run["files"] == []

    refused = problem_of(api_as(finance).post(f"/payment-runs/{run['id']}/approve"), 403)

    assert "another finance officer" in refused["detail"]
    assert PaymentRun.objects.get().status == RunStatus.PREPARED
    assert not Transaction.objects.exists()

    response = api_as(finance2).post(f"/payment-runs/{run['id']}/approve")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["approved_by_id"]) == ("released", finance2.pk)
    assert all(p["status"] == "paid" and p["paid_on"] == "2026-04-01" for p in body["payments"])
    assert {f["format"] for f in body["files"]} == {"csv", "prepaid"}
    agreement = api_as(finance).get(path(active)).json()
    assert agreement["balance"] == run["total"]
    assert agreement["first_review_due"] is not None


def test_the_ledger_after_a_run_holds_the_payments_and_sums_to_zero(api_as, finance, manager, released):
    response = api_as(finance).get("/ledger")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == "0.00"
    held = {row["kind"]: row["total"] for row in body["held"]}
    assert held["recipient"] == str(released.total)
    funds = {row["key"]: row["balance"] for row in body["funds"]}
    assert funds["fund:social_care"] == f"-{released.total}"
    assert [t["kind"] for t in body["transactions"]] == ["payment", "payment"]
    assert api_as(manager).get("/ledger").json()["total"] == "0.00"


def test_a_repeated_approval_is_refused_and_pays_nothing_more(api_as, finance, finance2, released):
    entries = Transaction.objects.count()

    response = api_as(finance2).post(f"/payment-runs/{released.pk}/approve")

    assert error_fields(response) == {None}
    assert "approved and released" in response.json()["errors"][0]["message"]
    assert Transaction.objects.count() == entries
    assert fresh(released).status == RunStatus.RELEASED
    assert api_as(finance).get("/ledger").json()["held"][0]["total"] == str(released.total)


def test_a_repeated_run_for_the_same_date_finds_nothing_due(api_as, finance, released):
    response = api_as(finance).post("/payment-runs", {"pay_up_to": FIRST_RUN_UP_TO.isoformat()})

    assert error_fields(response) == {"pay_up_to"}
    assert response.json()["errors"][0]["message"].startswith("Nothing is due up to 6 April 2026")
    assert PaymentRun.objects.count() == 1


def test_a_run_needs_a_date_not_too_far_ahead(api_as, finance, active, on_day):
    on_day(FIRST_RUN_ON)

    assert error_fields(api_as(finance).post("/payment-runs", {})) == {"pay_up_to"}
    assert error_fields(api_as(finance).post("/payment-runs", {"pay_up_to": "2026-06-01"})) == {"pay_up_to"}
    assert not PaymentRun.objects.exists()


def test_a_prepared_run_is_cancelled_and_its_payments_go_back(api_as, finance, active, on_day):
    on_day(FIRST_RUN_ON)
    run = services.payment_run_prepare(actor=finance, council=active.council, pay_up_to=FIRST_RUN_UP_TO)

    response = api_as(finance).post(f"/payment-runs/{run.pk}/cancel")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert not ScheduledPayment.objects.filter(run__isnull=False).exists()
    assert error_fields(api_as(finance).post(f"/payment-runs/{run.pk}/cancel")) == {None}


def test_runs_are_listed_in_pages(api_as, finance, released):
    body = api_as(finance).get("/payment-runs", page_size=1).json()

    assert (body["count"], body["page_size"]) == (1, 1)
    assert (body["items"][0]["id"], body["items"][0]["total"]) == (released.pk, str(released.total))
    assert body["items"][0]["approved_by_name"] == "Fin Checker"


def test_each_file_of_a_released_run_downloads(api_as, finance, finance2, dp, pb, council, active, bank, on_day):
    by_bank = dp.active(pb.case(child=ChildFactory(council=council)), **BANK_ACCOUNT)
    on_day(FIRST_RUN_ON)
    run = services.payment_run_approve(
        actor=finance2,
        run=services.payment_run_prepare(actor=finance, council=council, pay_up_to=FIRST_RUN_UP_TO),
    )
    client = api_as(finance)

    assert {f["format"] for f in client.get(f"/payment-runs/{run.pk}").json()["files"]} == {"csv", "bacs18", "prepaid"}
    csv = client.get(f"/payment-runs/{run.pk}/files/csv")
    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["Content-Disposition"] == f'attachment; filename="dp-run-brightwater-{run.pk}-2026-04-06.csv"'
    assert "Net amount" in csv.content.decode()
    bacs = client.get(f"/payment-runs/{run.pk}/files/bacs18")
    assert bacs["Content-Type"] == "text/plain; charset=utf-8"
    assert bacs.content.decode().startswith("309430" + "00733445")
    prepaid = client.get(f"/payment-runs/{run.pk}/files/prepaid").content.decode()
    assert "PPC-0001-2345" in prepaid and f"DP{by_bank.pk:08d}" not in prepaid
    assert error_fields(client.get(f"/payment-runs/{run.pk}/files/pdf")) == {"file_format"}


def test_a_run_not_released_has_no_files(api_as, finance, active, on_day):
    on_day(FIRST_RUN_ON)
    run = services.payment_run_prepare(actor=finance, council=active.council, pay_up_to=FIRST_RUN_UP_TO)

    problem_of(api_as(finance).get(f"/payment-runs/{run.pk}/files/csv"), 404)


# Recoveries (DOMAIN R23)


def test_money_is_recovered_by_invoice_and_finance_records_it_repaid(decider, api_as, finance, released, family):
    agreement = released.payments.first().agreement

    response = decider.post(
        path(agreement, "/recoveries"), {"amount": "50.00", "method": "invoice", "reasons": "Not spent on support."}
    )

    assert response.status_code == 201, response.content
    recovery = response.json()
    assert (recovery["status"], recovery["outstanding"]) == ("open", "50.00")
    assert recovery["payer_id"] == agreement.recipient_id
    assert recovery["letter_id"] is not None
    listed = api_as(finance).get("/recoveries", status="open").json()
    assert [item["id"] for item in listed["items"]] == [recovery["id"]]

    receipts = f"/recoveries/{recovery['id']}/receipts"
    assert error_fields(api_as(finance).post(receipts, {"amount": "60.00", "received_on": "2026-04-01"})) == {"amount"}
    response = api_as(finance).post(receipts, {"amount": "20.00", "received_on": "2026-04-01"})

    assert response.status_code == 201, response.content
    assert response.json()["scheduled_payment_id"] is None
    assert api_as(finance).get("/recoveries").json()["items"][0]["outstanding"] == "30.00"
    assert api_as(finance).get("/ledger").json()["total"] == "0.00"
    assert family.get(path(agreement)).json()["balance"] == str(released.total - Decimal("20.00"))


def test_a_recovery_cannot_be_more_than_was_paid(decider, released):
    agreement = released.payments.first().agreement

    response = decider.post(
        path(agreement, "/recoveries"), {"amount": "9999.00", "method": "invoice", "reasons": "Not spent."}
    )

    assert error_fields(response) == {"amount"}
    assert error_fields(decider.post(path(agreement, "/recoveries"), {"amount": "10.00", "reasons": "x"})) == {"method"}
    assert not Recovery.objects.exists()


def test_the_family_asks_for_a_recovery_to_be_reconsidered(family, manager, released):
    agreement = released.payments.first().agreement
    recovery = services.recovery_raise(
        actor=manager, agreement=agreement, amount=Decimal("50.00"), reasons="Not spent.", method="invoice"
    )

    response = family.post(path(agreement, f"/recoveries/{recovery.pk}/reconsiderations"), {"grounds": "It was."})

    assert response.status_code == 201, response.content
    assert (response.json()["recovery_id"], response.json()["status"]) == (recovery.pk, "open")
    assert family.get(path(agreement)).json()["recoveries"][0]["reconsideration_id"] == response.json()["id"]


def test_a_receipt_needs_an_amount_and_a_date(api_as, finance, manager, released):
    agreement = released.payments.first().agreement
    recovery = services.recovery_raise(
        actor=manager, agreement=agreement, amount=Decimal("50.00"), reasons="Not spent.", method="invoice"
    )

    response = api_as(finance).post(f"/recoveries/{recovery.pk}/receipts", {"amount": "10.00"})

    assert error_fields(response) == {"received_on"}
    assert not RecoveryReceipt.objects.exists()


# Who may do what


def test_a_parent_cannot_prepare_or_see_runs_or_the_ledger(family, active):
    problem_of(family.post("/payment-runs", {"pay_up_to": "2026-04-06"}), 403)
    problem_of(family.get("/payment-runs"), 403)
    problem_of(family.get("/ledger"), 403)
    assert not PaymentRun.objects.exists()


def test_a_finance_officer_cannot_set_up_or_change_an_agreement(api_as, finance, dp, case):
    budget = dp.agreed_budget(case)
    as_finance = api_as(finance)

    problem_of(as_finance.post(f"/budgets/{budget.pk}/direct-payments", {"start_date": "2026-04-01", **CARD}), 403)
    assert not Agreement.objects.exists()
    problem_of(as_finance.post("/budgets/999999/direct-payments", {}), 403)


def test_a_case_officer_cannot_run_payments_or_decide_reconsiderations(api, reduction):
    problem_of(api.post("/payment-runs", {"pay_up_to": "2026-04-06"}), 403)
    problem_of(api.get("/ledger"), 403)
    problem_of(api.post(path(reduction.agreement, "/reconsiderations/999999/decision"), {"outcome": "upheld"}), 403)


def test_a_family_cannot_change_the_payments(family, active):
    problem_of(family.post(path(active, "/reduce"), {"new_amount": "1.00", "reasons": "x"}), 403)
    problem_of(family.post(path(active, "/suspend"), {"suspension_reason": "other"}), 403)
    problem_of(family.patch(path(active), {"frequency": "weekly"}), 403)
    assert fresh(active).status == AgreementStatus.ACTIVE


def test_anonymous_callers_are_unauthenticated(anonymous, active):
    problem_of(anonymous.get(path(active)), 401)
    problem_of(anonymous.post("/payment-runs", {"pay_up_to": "2026-04-06"}), 401)


# Scope


def test_another_councils_agreement_is_not_found(api_as, other_officer, make_user, other_council, active):
    other = api_as(other_officer)
    other_manager = api_as(make_user(Role.TEAM_MANAGER, council=other_council))

    problem_of(other.get(path(active)), 404)
    problem_of(other.get(f"/children/{active.child_id}/direct-payments"), 404)
    problem_of(other.post(path(active, "/suspend"), {"suspension_reason": "other", "reasons": "x"}), 404)
    problem_of(other_manager.post(path(active, "/reduce"), {"new_amount": "1.00", "reasons": "x"}), 404)
    problem_of(other.post(f"/budgets/{active.budget_id}/direct-payments", {"start_date": "2026-04-01", **CARD}), 404)
    assert fresh(active).status == AgreementStatus.ACTIVE


def test_another_councils_run_and_recovery_are_not_found(api_as, other_finance, manager, released):
    other = api_as(other_finance)
    recovery = services.recovery_raise(
        actor=manager,
        agreement=released.payments.first().agreement,
        amount=Decimal("50.00"),
        reasons="Not spent.",
        method="invoice",
    )

    problem_of(other.get(f"/payment-runs/{released.pk}"), 404)
    problem_of(other.post(f"/payment-runs/{released.pk}/approve"), 404)
    problem_of(other.get(f"/payment-runs/{released.pk}/files/csv"), 404)
    problem_of(other.post(f"/recoveries/{recovery.pk}/receipts", {"amount": "1.00", "received_on": "2026-04-01"}), 404)
    assert other.get("/payment-runs").json()["count"] == 0
    assert other.get("/recoveries").json()["count"] == 0
    ledger = other.get("/ledger").json()
    assert (ledger["funds"], ledger["total"]) == ([], "0.00")


def test_another_familys_agreement_is_not_found(family, dp, pb, council, make_user):
    neighbour = make_user(Role.PARENT_CARER, email="neighbour@example.test")
    theirs = dp.sent(pb.case(child=ChildFactory(council=council), parent_user=neighbour))

    problem_of(family.get(path(theirs)), 404)
    problem_of(family.get(f"/children/{theirs.child_id}/direct-payments"), 404)
    problem_of(family.post(path(theirs, "/consent")), 404)
    assert fresh(theirs).status == AgreementStatus.AWAITING_CONSENT


def test_a_change_or_recovery_of_another_agreement_is_not_found(api, dp, pb, council, reduction):
    other = dp.active(pb.case(child=ChildFactory(council=council)))

    problem_of(api.post(path(other, f"/changes/{reduction.pk}/reconsiderations"), {"grounds": "x"}), 404)
    problem_of(api.post(path(other, "/recoveries/999999/reconsiderations"), {"grounds": "x"}), 404)


def test_a_reconsideration_is_decided_only_through_its_own_agreement(
    api_as, officer, other_manager, dp, pb, council, reduction
):
    item = services.reconsideration_request(actor=officer, change=reduction, grounds="By phone.")
    other = dp.active(pb.case(child=ChildFactory(council=council)))

    decision = path(other, f"/reconsiderations/{item.pk}/decision")
    problem_of(api_as(other_manager).post(decision, {"outcome": "upheld", "reasons": "x"}), 404)
    assert fresh(item).status == "open"


# The OpenAPI document


def test_the_openapi_document_lists_the_direct_payment_routes(anonymous, db):
    response = anonymous.client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    agreement = "/api/v1/children/{child_id}/direct-payments/{agreement_id}"
    expected = {
        ("get", "/api/v1/children/{child_id}/direct-payments"),
        ("get", agreement),
        ("patch", agreement),
        ("post", "/api/v1/budgets/{budget_id}/direct-payments"),
        *(
            ("post", agreement + suffix)
            for suffix in (
                "/send",
                "/consent",
                "/personal-assistants",
                "/suspend",
                "/resume",
                "/recipient",
                "/withdraw-consent",
                "/reduce",
                "/stop",
                "/recoveries",
                "/changes/{change_id}/reconsiderations",
                "/recoveries/{recovery_id}/reconsiderations",
                "/reconsiderations/{reconsideration_id}/decision",
            )
        ),
        ("get", "/api/v1/payment-runs"),
        ("post", "/api/v1/payment-runs"),
        ("get", "/api/v1/payment-runs/{run_id}"),
        ("post", "/api/v1/payment-runs/{run_id}/approve"),
        ("post", "/api/v1/payment-runs/{run_id}/cancel"),
        ("get", "/api/v1/payment-runs/{run_id}/files/{file_format}"),
        ("get", "/api/v1/recoveries"),
        ("post", "/api/v1/recoveries/{recovery_id}/receipts"),
        ("get", "/api/v1/ledger"),
    }
    assert expected <= {(method, route) for route, methods in paths.items() for method in methods}
    schemas = response.json()["components"]["schemas"]
    assert schemas["ReduceIn"]["properties"]["new_amount"]["anyOf"][0]["type"] == "string"
    assert schemas["AgreementOut"]["properties"]["amount"]["type"] == "string"
