# ruff: noqa: F811 - the fixtures imported from the budgets, payments, monitoring and API tests are requested by name
"""Monitoring through the API: findings raised by a check of the rules, raised with the family, answered with
evidence, resolved or escalated to a recovery; checks of the rules and their progress; reviews of direct payments
asked for, declined or recorded with an outcome that starts its notice; and the work queue. Who may do each step,
whose records each caller finds, and the services' rules answered as problem+json.

The records are made through the services with the monitoring tests' own fixtures: `funded` is the standard
agreement (the PA line, £3,411.20 for 1 April 2026 to 31 March 2027, paid to the parent, consented online on 20 March
2026) with its first £330.11 paid in, and today is Friday 1 May 2026. A full check on that day finds the record of
£150.00 without a receipt (the council asks for one above £50.00) and adds the first review, due 1 August 2026. Tasks
run at once in tests (ImmediateBackend), so a check has finished when it is started.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ehcbudgets.accounts.models import Role
from ehcbudgets.monitoring import services
from ehcbudgets.monitoring.models import (
    DpReview,
    Finding,
    FindingNote,
    FindingStatus,
    OutcomeProgress,
    ReviewTrigger,
    Sweep,
    SweepStatus,
)
from ehcbudgets.monitoring.tests.conftest import (  # noqa: F401 - the monitoring tests' fixtures
    _letters_quick,
    agreement,
    bank,
    case,
    catalogue,
    dp,
    finance,
    finance2,
    funded,
    manager,
    on_day,
    other_manager,
    parent_user,
    pb,
    quick_pdf,
)
from ehcbudgets.payments.models import AgreementChange, ChangeKind, Recovery
from ehcbudgets.people.models import Relationship
from ehcbudgets.people.tests.factories import ChildFactory, ContactFactory

from .conftest import BASE, error_fields, problem_of
from .test_payments import (  # noqa: F401 - the API payments tests' fixtures
    child,
    family,
    fresh,
    make_user,
    officer,
    other_officer,
)
from .test_spending import PDF, TODAY, receipt_file, record, upload

#: The first review: 3 months after the first payment, made on 1 May 2026.
FIRST_REVIEW_DUE = date(2026, 8, 1)
#: 28 days after Friday 1 May 2026 is Friday 29 May, a working day: the family's deadline to answer.
ANSWER_DUE = "2026-05-29"
ESCALATION = {"amount": "150.00", "reasons": "The payment to Acme Care Ltd was not for the agreed support."}


# Fixtures


@pytest.fixture
def decider(api_as, manager):
    """A team manager: records the outcomes that change the payments, and escalates findings."""
    return api_as(manager)


@pytest.fixture
def checked(funded, parent_user, officer):
    """£150.00 recorded by the parent today with no receipt, then a full check of the rules by the officer."""
    record(parent_user, funded, "150.00", payee="Acme Care Ltd")
    services.sweep_start(actor=officer, council=funded.council, kind="full")
    return funded


@pytest.fixture
def finding(checked):
    """The open finding: the £150.00 record has no receipt."""
    return Finding.objects.get(agreement=checked)


@pytest.fixture
def raised(finding, officer):
    return services.finding_raise(actor=officer, finding=finding, message="Please send the invoice for £150.00.")


@pytest.fixture
def review(checked):
    """The first review of the direct payments, added by the check, due 1 August 2026."""
    return DpReview.objects.get(agreement=checked, trigger=ReviewTrigger.FIRST)


@pytest.fixture
def neighbour(api_as, make_user, council):
    """A parent of another child of the same council: nothing of `funded` is theirs."""
    user = make_user(Role.PARENT_CARER, email="neighbour@example.test")
    ContactFactory(
        child=ChildFactory(council=council), full_name="Nell Neighbour", relationship=Relationship.PARENT, user=user
    )
    return api_as(user)


@pytest.fixture
def carer(api_as, make_user, funded):
    """A carer linked to the child who does not hold the payments: sees neither findings nor reviews."""
    user = make_user(Role.PARENT_CARER, email="carer@example.test")
    ContactFactory(child=funded.child, full_name="Pat Carer", relationship=Relationship.CARER, user=user)
    return api_as(user)


def at(agreement, rest: str = "") -> str:
    return f"/children/{agreement.child_id}/direct-payments/{agreement.pk}{rest}"


def findings_of(agreement, rest: str = "") -> str:
    return at(agreement, f"/findings{rest}")


def reviews_of(agreement, rest: str = "") -> str:
    return at(agreement, f"/reviews{rest}")


def evidence_file(content: bytes = PDF, name: str = "invoice.pdf"):
    return receipt_file(content, name)


def state() -> tuple:
    """What a refused change must leave as it was."""
    return (
        list(Finding.objects.order_by("pk").values_list("status", "raised_on", "closed_on", "recovery_id")),
        FindingNote.objects.count(),
        Recovery.objects.count(),
        list(DpReview.objects.order_by("pk").values_list("status", "outcome", "change_id", "letter_id")),
        OutcomeProgress.objects.count(),
        AgreementChange.objects.count(),
    )


def answers(**changes) -> dict:
    """Every question answered yes, the family's view given."""
    return {
        "appropriate": True,
        "used_effectively": True,
        "enough": True,
        "tests_met": True,
        "conditions_kept": True,
        "family_wants_to_continue": True,
        "family_needs_help": False,
        "family_words": "Mostly on our PA's wages.",
        **changes,
    }


def recording(agreement, **changes) -> dict:
    outcome = agreement.budget.plan.outcomes.get()
    return {
        "answers": answers(),
        "progress": [{"outcome_id": outcome.pk, "progress": "on_track", "note": "Joins in more."}],
        "outcome": "continue",
        "outcome_reasons": "The payments are working well for Ada.",
        **changes,
    }


# Findings (DOMAIN R16, R31)


def test_staff_and_the_family_see_a_finding_with_its_explanation(api, family, finding):
    agreement = finding.agreement

    for caller in (api, family):
        listed = caller.get(findings_of(agreement))
        assert listed.status_code == 200, listed.content
        assert [item["id"] for item in listed.json()["items"]] == [finding.pk]

    body = family.get(findings_of(agreement, f"/{finding.pk}")).json()
    assert (body["rule"], body["status"], body["is_open"], body["amount"]) == (
        "receipt_missing",
        "open",
        True,
        "150.00",
    )
    assert (body["rule_label"], body["found_on"], body["child_id"]) == (
        "Receipt missing",
        "2026-05-01",
        agreement.child_id,
    )
    assert "£150.00 paid to Acme Care Ltd" in body["explanation"]
    assert body["record_id"] == finding.record_id and body["notes"] == []
    assert api.get(findings_of(agreement, f"/{finding.pk}")).json() == body


def test_the_agreements_findings_are_filtered_by_status(api, finding):
    agreement = finding.agreement

    assert api.get(findings_of(agreement), status="open").json()["count"] == 1
    assert api.get(findings_of(agreement), status="resolved").json()["count"] == 0
    assert api.get(findings_of(agreement), status="").json()["count"] == 1
    assert error_fields(api.get(findings_of(agreement), status="closed")) == {"status"}


def test_an_officer_raises_a_finding_with_the_family(api, family, finding):
    url = findings_of(finding.agreement, f"/{finding.pk}")
    before = state()

    assert error_fields(api.post(url + "/raise", {"message": "  "})) == {"message"}
    assert error_fields(api.post(url + "/raise", {"message": "Why?", "urgent": True})) == {"urgent"}
    assert state() == before

    response = api.post(url + "/raise", {"message": "Please send the invoice for £150.00."})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["raised_on"], body["answer_due_on"]) == ("raised", "2026-05-01", ANSWER_DUE)
    assert [(n["from_family"], n["text"], n["has_file"]) for n in body["notes"]] == [
        (False, "Please send the invoice for £150.00.", False)
    ]
    assert family.get(url).json()["notes"][0]["text"] == "Please send the invoice for £150.00."
    assert error_fields(api.post(url + "/raise", {"message": "Again"})) == {None}


def test_the_family_answers_with_evidence_which_only_they_and_the_council_can_open(api, family, neighbour, raised):
    agreement = raised.agreement
    url = findings_of(agreement, f"/{raised.pk}")

    response = upload(family, url + "/answer", {"text": "The invoice is attached.", "file": evidence_file()})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["answered_on"]) == ("answered", "2026-05-01")
    answer = body["notes"][-1]
    assert (answer["from_family"], answer["text"], answer["has_file"]) == (True, "The invoice is attached.", True)
    assert (answer["content_type"], answer["size"], answer["original_name"]) == (
        "application/pdf",
        len(PDF),
        "invoice.pdf",
    )
    evidence = BASE + url + f"/notes/{answer['id']}/file"
    for caller in (family, api):
        got = caller.client.get(evidence)
        assert got.status_code == 200
        assert (got["Content-Type"], got["X-Content-Type-Options"], got["Cache-Control"]) == (
            "application/pdf",
            "nosniff",
            "private, no-store",
        )
        assert b"".join(got.streaming_content) == PDF
    problem_of(neighbour.client.get(evidence), 404)
    question = body["notes"][0]["id"]
    problem_of(family.client.get(BASE + url + f"/notes/{question}/file"), 404)
    stored = FindingNote.objects.get(pk=answer["id"]).file.name
    assert stored.startswith("evidence/brightwater/") and "invoice" not in stored


def test_an_answer_without_evidence_is_taken(family, raised):
    url = findings_of(raised.agreement, f"/{raised.pk}/answer")

    response = upload(family, url, {"text": "It was for the PA's wages; I will ask for an invoice."})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "answered"
    assert response.json()["notes"][-1]["has_file"] is False


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"text": "  "},
        {"text": "Here it is.", "file": b"GIF89a" + b"\x00" * 20},
        {"text": "Here it is.", "file": b"<html><script>alert(1)</script></html>"},
        {"text": "Here it is.", "file": b""},
    ],
    ids=["nothing", "no-text", "gif", "html", "empty-file"],
)
def test_a_bad_answer_is_refused_and_nothing_changes(family, raised, data):
    url = findings_of(raised.agreement, f"/{raised.pk}/answer")
    fields = {key: evidence_file(value) if key == "file" else value for key, value in data.items()}
    before = state()

    response = upload(family, url, fields)

    assert error_fields(response) == ({"text"} if "file" not in data else {"file"})
    assert state() == before
    assert fresh(raised).status == FindingStatus.RAISED


def test_only_the_person_who_holds_the_payments_sees_and_answers(api, carer, raised):
    """Findings name statement lines and evidence, which are the record keeper's, as the statements are."""
    url = findings_of(raised.agreement, f"/{raised.pk}")
    before = state()

    problem_of(carer.get(url), 403)
    problem_of(carer.get(findings_of(raised.agreement)), 403)
    problem_of(upload(carer, url + "/answer", {"text": "It was fine."}), 403)
    problem_of(upload(api, url + "/answer", {"text": "It was fine."}), 403)
    assert state() == before


def test_an_officer_resolves_a_finding_with_the_reason(api, family, raised):
    url = findings_of(raised.agreement, f"/{raised.pk}")
    before = state()

    assert error_fields(api.post(url + "/resolve", {})) == {"reason"}
    assert state() == before

    response = api.post(url + "/resolve", {"reason": "The invoice shows it was for the PA's wages."})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["is_open"], body["closed_on"]) == ("resolved", False, "2026-05-01")
    assert family.get(url).json()["resolution"] == "The invoice shows it was for the PA's wages."
    assert error_fields(api.post(url + "/resolve", {"reason": "Again"})) == {None}
    assert error_fields(upload(family, url + "/answer", {"text": "Late answer"})) == {None}


def test_a_manager_escalates_a_finding_to_a_recovery(decider, family, raised):
    url = findings_of(raised.agreement, f"/{raised.pk}/escalate")

    response = decider.post(url, {**ESCALATION, "method": "invoice"})

    assert response.status_code == 200, response.content
    body = response.json()
    recovery = Recovery.objects.get()
    assert (body["status"], body["recovery_id"], body["closed_on"]) == ("escalated", recovery.pk, "2026-05-01")
    assert (recovery.amount, recovery.method, recovery.agreement_id) == (
        Decimal("150.00"),
        "invoice",
        raised.agreement_id,
    )
    assert recovery.letter_id is not None
    assert family.get(findings_of(raised.agreement, f"/{raised.pk}")).json()["recovery_id"] == recovery.pk
    assert error_fields(decider.post(url, {**ESCALATION, "method": "invoice"})) == {None}
    assert Recovery.objects.count() == 1


@pytest.mark.parametrize(
    "body, fields",
    [
        ({**ESCALATION, "amount": "999.00", "method": "invoice"}, {"amount"}),
        ({**ESCALATION}, {"method"}),
        ({**ESCALATION, "reasons": " ", "method": "invoice"}, {"reasons"}),
        ({**ESCALATION, "method": "invoice", "due_on": "2026-05-02"}, {"due_on"}),
        ({**ESCALATION, "amount": 150, "method": "cheque"}, {"amount", "method"}),
    ],
    ids=["more-than-paid", "no-method", "no-reasons", "due-too-soon", "badly-shaped"],
)
def test_a_bad_escalation_is_refused_and_nothing_changes(decider, raised, body, fields):
    before = state()

    response = decider.post(findings_of(raised.agreement, f"/{raised.pk}/escalate"), body)

    assert error_fields(response) == fields
    assert state() == before


def test_who_may_act_on_a_finding(api, family, api_as, finance, finding):
    url = findings_of(finding.agreement, f"/{finding.pk}")
    before = state()

    for caller in (family, api_as(finance)):
        problem_of(caller.post(url + "/raise", {"message": "Why?"}), 403)
        problem_of(caller.post(url + "/resolve", {"reason": "Fine"}), 403)
        problem_of(caller.post(url + "/escalate", {**ESCALATION, "method": "invoice"}), 403)
    problem_of(api.post(url + "/escalate", {**ESCALATION, "method": "invoice"}), 403)
    problem_of(family.get("/monitoring/findings"), 403)
    assert api_as(finance).get(url).status_code == 200
    assert state() == before


def test_another_familys_findings_are_not_found(neighbour, raised):
    url = findings_of(raised.agreement, f"/{raised.pk}")
    before = state()

    problem_of(neighbour.get(findings_of(raised.agreement)), 404)
    problem_of(neighbour.get(url), 404)
    problem_of(upload(neighbour, url + "/answer", {"text": "Not mine", "file": evidence_file()}), 404)
    assert state() == before


def test_another_agreements_finding_is_not_found_through_this_one(
    api, family, finding, dp, pb, council, parent_user, on_day
):
    other = dp.active(pb.case(child=ChildFactory(council=council), parent_user=parent_user))
    on_day(TODAY)

    problem_of(api.get(findings_of(other, f"/{finding.pk}")), 404)
    problem_of(api.post(findings_of(other, f"/{finding.pk}/raise"), {"message": "Why?"}), 404)
    problem_of(family.get(findings_of(other, f"/{finding.pk}")), 404)
    assert fresh(finding).status == FindingStatus.OPEN


def test_another_councils_findings_are_not_found(api_as, other_officer, raised):
    other = api_as(other_officer)
    url = findings_of(raised.agreement, f"/{raised.pk}")
    before = state()

    problem_of(other.get(findings_of(raised.agreement)), 404)
    problem_of(other.get(url), 404)
    problem_of(other.post(url + "/resolve", {"reason": "Fine"}), 404)
    assert other.get("/monitoring/findings").json()["count"] == 0
    assert state() == before


def test_a_draft_is_not_found_by_the_family(api, api_as, parent_user, dp, case):
    draft = dp.draft(case)

    problem_of(api_as(parent_user).get(findings_of(draft)), 404)
    assert api.get(findings_of(draft)).json()["count"] == 0


def test_the_councils_findings_are_filtered_and_paged(api, funded, parent_user, officer):
    for amount, payee in (("150.00", "Acme Care Ltd"), ("80.00", "Swim Club"), ("60.00", "Card Services")):
        record(parent_user, funded, amount, payee=payee)
    services.sweep_start(actor=officer, council=funded.council, kind="full")
    first = Finding.objects.order_by("pk").first()
    services.finding_resolve(actor=officer, finding=first, reason="The receipt was shown at a visit.")

    everything = api.get("/monitoring/findings").json()
    still_open = api.get("/monitoring/findings", status="open", rule="receipt_missing").json()
    page = api.get("/monitoring/findings", status="open", page_size=1, page=2).json()

    assert everything["count"] == 3
    assert [item["amount"] for item in still_open["items"]] == ["80.00", "60.00"]
    assert (page["count"], page["page"], page["page_size"]) == (2, 2, 1)
    assert [item["amount"] for item in page["items"]] == ["60.00"]
    assert api.get("/monitoring/findings", status="resolved").json()["items"][0]["id"] == first.pk
    assert api.get("/monitoring/findings", rule="surplus").json()["count"] == 0
    assert error_fields(api.get("/monitoring/findings", rule="biscuits", status="shut")) == {"rule", "status"}
    assert error_fields(api.get("/monitoring/findings", page_size=101)) == {"page_size"}


def _queries(api, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url, **params).status_code == 200
    return len(queries)


def test_a_full_page_costs_no_more_queries_than_one_item(api, funded, parent_user, officer, on_day):
    for amount in ("150.00", "80.00", "60.00"):
        record(parent_user, funded, amount)
    services.sweep_start(actor=officer, council=funded.council, kind="full")
    services.sweep_start(actor=officer, council=funded.council, kind="incremental")
    services.review_request(actor=parent_user, agreement=funded, reasons="More hours, please.")
    on_day(FIRST_REVIEW_DUE)
    api.get("/me")  # the token's first use records it; later calls within the minute do not

    for url in (
        "/monitoring/findings",
        findings_of(funded),
        "/monitoring/reviews",
        reviews_of(funded),
        "/monitoring/sweeps",
    ):
        assert api.get(url).json()["count"] > 1, url
        assert _queries(api, url, page_size=1) == _queries(api, url, page_size=25), url


# Checks of the rules (ADR 11)


def test_an_officer_starts_a_check_and_follows_it(api, funded, parent_user):
    record(parent_user, funded, "150.00", payee="Acme Care Ltd")

    response = api.post("/monitoring/sweeps", {"kind": "full"})

    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["kind"], body["status"], body["on"], body["since"], body["error"]) == (
        "full",
        "finished",
        "2026-05-01",
        None,
        "",
    )
    assert (body["total"], body["checked"], body["percent"], body["raised"], body["reviews_added"]) == (1, 1, 100, 1, 1)
    assert body["summary"] == {"receipt_missing": 1}
    assert body["requested_by_name"] == "Casey Officer"
    assert api.get(f"/monitoring/sweeps/{body['id']}").json() == body
    assert [item["id"] for item in api.get("/monitoring/sweeps").json()["items"]] == [body["id"]]
    assert Finding.objects.count() == 1 and DpReview.objects.count() == 1

    again = api.post("/monitoring/sweeps")

    assert again.status_code == 202, again.content
    assert (again.json()["kind"], again.json()["raised"]) == ("incremental", 0)
    assert Finding.objects.count() == 1
    listed = api.get("/monitoring/sweeps", page_size=1).json()
    assert (listed["count"], [item["id"] for item in listed["items"]]) == (2, [again.json()["id"]])


def test_a_check_waits_for_the_worker_and_one_runs_at_a_time(api, funded, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

    response = api.post("/monitoring/sweeps", {"kind": "incremental"})

    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["percent"], body["checked"]) == ("queued", 0, 0)
    assert error_fields(api.post("/monitoring/sweeps", {"kind": "full"})) == {None}
    assert Sweep.objects.count() == 1 and Sweep.objects.get().status == SweepStatus.QUEUED


def test_a_bad_check_is_refused_and_only_staff_who_run_checks_start_one(api, api_as, family, finance, funded):
    assert error_fields(api.post("/monitoring/sweeps", {"kind": "everything"})) == {"kind"}
    problem_of(family.post("/monitoring/sweeps", {"kind": "full"}), 403)
    problem_of(api_as(finance).post("/monitoring/sweeps", {"kind": "full"}), 403)
    problem_of(family.get("/monitoring/sweeps"), 403)
    assert not Sweep.objects.exists()
    assert api_as(finance).get("/monitoring/sweeps").json()["count"] == 0


def test_another_councils_checks_are_not_found(api, api_as, other_officer, checked):
    sweep = Sweep.objects.get()
    other = api_as(other_officer)

    problem_of(other.get(f"/monitoring/sweeps/{sweep.pk}"), 404)
    assert other.get("/monitoring/sweeps").json()["count"] == 0
    assert api.get(f"/monitoring/sweeps/{sweep.pk}").status_code == 200


# Reviews of direct payments (DOMAIN R17 to R22)


def test_staff_and_the_family_see_an_agreements_reviews(api, family, neighbour, review):
    agreement = review.agreement

    listed = api.get(reviews_of(agreement)).json()
    body = api.get(reviews_of(agreement, f"/{review.pk}")).json()

    assert [item["id"] for item in listed["items"]] == [review.pk]
    assert (body["trigger"], body["trigger_key"], body["due_on"], body["status"], body["overdue"]) == (
        "first",
        "2026-05-01",
        "2026-08-01",
        "due",
        False,
    )
    assert body["answers"]["appropriate"] is None and body["progress"] == []
    assert (body["outcome"], body["change_id"], body["letter_id"]) == (None, None, None)
    assert family.get(reviews_of(agreement)).json() == listed
    problem_of(family.get(reviews_of(agreement, f"/{review.pk}")), 403)
    problem_of(neighbour.get(reviews_of(agreement)), 404)


def test_an_officer_records_a_review_that_continues_the_payments(api, review, on_day):
    on_day(FIRST_REVIEW_DUE)
    agreement = review.agreement

    response = api.post(reviews_of(agreement, f"/{review.pk}/record"), recording(agreement))

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["outcome"], body["recorded_on"], body["overdue"]) == (
        "recorded",
        "continue",
        "2026-08-01",
        False,
    )
    assert body["answers"] == {
        **answers(),
        **{f"{name}_note": "" for name in services.REVIEW_QUESTIONS},
    }
    outcome = agreement.budget.plan.outcomes.get()
    assert body["progress"] == [
        {"outcome_id": outcome.pk, "outcome": outcome.text, "progress": "on_track", "note": "Joins in more."}
    ]
    assert body["change_id"] is None and body["letter_id"] is not None
    assert body["outcome_reasons"] == "The payments are working well for Ada."
    assert error_fields(api.post(reviews_of(agreement, f"/{review.pk}/record"), recording(agreement))) == {None}


def test_a_manager_records_an_increase_which_starts_its_notice(decider, review):
    agreement = review.agreement
    body = recording(
        agreement,
        answers=answers(enough=False, enough_note="The PA's hourly rate went up."),
        outcome="increase",
        outcome_reasons="Your PA now costs more an hour.",
        new_amount="3600.00",
    )

    response = decider.post(reviews_of(agreement, f"/{review.pk}/record"), body)

    assert response.status_code == 200, response.content
    recorded = response.json()
    change = AgreementChange.objects.get()
    assert (recorded["outcome"], recorded["change_id"]) == ("increase", change.pk)
    assert (change.kind, change.new_amount, change.reasons) == (
        ChangeKind.INCREASE,
        Decimal("3600.00"),
        "Your PA now costs more an hour.",
    )
    assert recorded["letter_id"] is not None and recorded["letter_id"] != change.letter_id
    assert recorded["answers"]["enough"] is False
    assert fresh(agreement).amount == Decimal("3600.00")


def test_a_case_officer_may_not_record_an_outcome_that_changes_the_payments(api, review):
    agreement = review.agreement
    before = state()

    response = api.post(
        reviews_of(agreement, f"/{review.pk}/record"),
        recording(agreement, outcome="add_conditions", conditions="Keep every receipt.", outcome_reasons="Receipts."),
    )

    problem_of(response, 403)
    assert state() == before


@pytest.mark.parametrize(
    "changes, fields",
    [
        ({"answers": {}}, {f"answers.{name}" for name in services.REVIEW_QUESTIONS}),
        ({"answers": answers(used_effectively=False)}, {"answers.used_effectively_note"}),
        ({"answers": answers(enough=False, enough_note="Rates rose.")}, {"outcome"}),
        ({"outcome": None}, {"outcome"}),
        ({"outcome_reasons": " "}, {"outcome_reasons"}),
        ({"progress": []}, {"progress"}),
        ({"progress": [{"outcome_id": 999999, "progress": "some"}]}, {"progress.0.outcome_id"}),
        (
            {"progress": [{"outcome_id": 1, "progress": "great"}], "outcome": "carry_on"},
            {"progress.0.progress", "outcome"},
        ),
        ({"answers": answers(appropriate="maybe"), "shoe_size": 9}, {"answers.appropriate", "shoe_size"}),
        ({"outcome": "increase", "new_amount": "3000.00"}, {"new_amount"}),
        ({"outcome": "increase", "new_amount": 3600}, {"new_amount"}),
        ({"outcome": "stop"}, {"ground"}),
        ({"outcome": "add_conditions"}, {"conditions"}),
    ],
    ids=[
        "no-answers",
        "no-without-a-note",
        "not-enough-but-continue",
        "no-outcome",
        "no-reasons",
        "no-progress",
        "another-plans-outcome",
        "bad-choices",
        "badly-shaped",
        "increase-that-reduces",
        "amount-as-a-number",
        "stop-without-a-ground",
        "no-conditions",
    ],
)
def test_a_bad_review_is_refused_and_nothing_is_recorded(decider, review, changes, fields):
    agreement = review.agreement
    before = state()

    response = decider.post(reviews_of(agreement, f"/{review.pk}/record"), recording(agreement, **changes))

    assert error_fields(response) == fields
    assert state() == before
    assert fresh(agreement).amount == Decimal("3411.20")


def test_the_recipient_asks_for_a_review_and_the_council_declines_it(api, family, funded):
    asked = family.post(reviews_of(funded), {"reasons": "Our PA has left and we need more hours."})

    assert asked.status_code == 201, asked.content
    body = asked.json()
    # The council's decision target is 10 working days: from Friday 1 May 2026 to Monday 18 May (4 May a bank holiday).
    assert (body["trigger"], body["status"], body["due_on"]) == ("recipient_request", "due", "2026-05-18")
    assert body["request_reasons"] == "Our PA has left and we need more hours."
    assert error_fields(family.post(reviews_of(funded), {"reasons": "Please"})) == {None}
    url = reviews_of(funded, f"/{body['id']}/decline")
    assert error_fields(api.post(url, {"reasons": ""})) == {"reasons"}
    problem_of(family.post(url, {"reasons": "No"}), 403)

    declined = api.post(url, {"reasons": "Your plan is reviewed next month: we will look at the hours then."})

    assert declined.status_code == 200, declined.content
    assert (declined.json()["status"], declined.json()["recorded_on"]) == ("declined", "2026-05-01")
    assert declined.json()["declined_reasons"].startswith("Your plan is reviewed next month")
    assert declined.json()["letter_id"] is not None
    assert error_fields(api.post(url, {"reasons": "Again"})) == {None}


def test_a_request_needs_reasons_and_comes_from_the_recipient(api, family, carer, neighbour, funded):
    assert error_fields(family.post(reviews_of(funded), {"reasons": "  "})) == {"reasons"}
    problem_of(api.post(reviews_of(funded), {"reasons": "The family phoned."}), 403)
    problem_of(carer.post(reviews_of(funded), {"reasons": "Please"}), 403)
    problem_of(neighbour.post(reviews_of(funded), {"reasons": "Please"}), 404)
    assert not DpReview.objects.exists()


def test_only_a_request_can_be_declined(api, review):
    before = state()

    assert error_fields(api.post(reviews_of(review.agreement, f"/{review.pk}/decline"), {"reasons": "No"})) == {None}
    assert state() == before


def test_another_councils_reviews_are_not_found(api_as, other_officer, review):
    other = api_as(other_officer)
    before = state()

    problem_of(other.get(reviews_of(review.agreement)), 404)
    problem_of(other.get(reviews_of(review.agreement, f"/{review.pk}")), 404)
    problem_of(other.post(reviews_of(review.agreement, f"/{review.pk}/record"), recording(review.agreement)), 404)
    assert other.get("/monitoring/reviews").json()["count"] == 0
    assert state() == before


def test_the_councils_reviews_are_listed_by_state(api, family, review, on_day, officer):
    assert api.get("/monitoring/reviews").json()["count"] == 0  # due on 1 August: not within 4 weeks of 1 May

    on_day(date(2026, 7, 15))
    due = api.get("/monitoring/reviews", state="due").json()
    assert [(item["id"], item["child_id"], item["overdue"]) for item in due["items"]] == [
        (review.pk, review.agreement.child_id, False)
    ]
    assert api.get("/monitoring/reviews", state="overdue").json()["count"] == 0

    on_day(date(2026, 8, 3))
    assert [item["id"] for item in api.get("/monitoring/reviews", state="overdue").json()["items"]] == [review.pk]
    assert api.get("/monitoring/reviews", state="overdue").json()["items"][0]["overdue"] is True
    services.review_record(
        actor=officer,
        review=review,
        answers=answers(),
        progress={review.agreement.budget.plan.outcomes.get().pk: ("some", "")},
        outcome="continue",
        outcome_reasons="Carry on.",
    )
    assert api.get("/monitoring/reviews", state="overdue").json()["count"] == 0
    assert [item["outcome"] for item in api.get("/monitoring/reviews", state="recorded").json()["items"]] == [
        "continue"
    ]
    assert error_fields(api.get("/monitoring/reviews", state="soon")) == {"state"}
    problem_of(family.get("/monitoring/reviews"), 403)


# The work queue (DOMAIN R18, R31)


def test_the_work_queue_counts_each_kind_and_lists_the_oldest_first(api, finding, review, on_day):
    on_day(FIRST_REVIEW_DUE)
    agreement = finding.agreement
    finding_url = reverse("monitoring:finding", args=[agreement.child_id, agreement.pk, finding.pk])
    review_url = reverse("monitoring:review", args=[agreement.child_id, agreement.pk, review.pk])

    body = api.get("/work-queue").json()

    counts = {row["kind"]: (row["all"], row["overdue"]) for row in body["counts"]}
    assert (counts["finding"], counts["review"], counts["return"]) == ((1, 1), (1, 0), (0, 0))
    assert {row["kind"] for row in body["counts"]} == {
        "review",
        "recipient",
        "finding",
        "request",
        "approval",
        "return",
        "run",
    }
    assert (body["total"], body["overdue"], body["count"], body["page"], body["page_size"]) == (2, 1, 2, 1, 25)
    assert [(i["kind"], i["overdue"], i["age_days"], i["date"], i["url"]) for i in body["items"]] == [
        ("finding", True, 92, "2026-05-01", finding_url),
        ("review", False, 0, "2026-08-01", review_url),
    ]
    first = body["items"][0]
    assert (first["kind_label"], first["child"], first["date_label"]) == (
        "Findings open",
        agreement.child.full_name,
        "Since",
    )
    assert first["what"] == "Receipt missing (open)"


def test_the_work_queue_is_filtered_sorted_and_paged(api, finding, review, on_day):
    on_day(FIRST_REVIEW_DUE)

    def kinds(**params):
        return [item["kind"] for item in api.get("/work-queue", **params).json()["items"]]

    assert kinds(kind="review") == ["review"]
    assert kinds(kind="") == ["finding", "review"]
    assert kinds(overdue="true") == ["finding"]
    assert kinds(sort="newest") == ["review", "finding"]
    paged = api.get("/work-queue", page=2, page_size=1).json()
    assert ([item["kind"] for item in paged["items"]], paged["count"], paged["total"]) == (["review"], 2, 2)
    filtered = api.get("/work-queue", kind="review").json()
    assert (filtered["count"], filtered["total"]) == (1, 2)
    assert error_fields(api.get("/work-queue", kind="chores", sort="loudest")) == {"kind", "sort"}
    assert error_fields(api.get("/work-queue", page=0)) == {"page"}


def test_the_work_queue_is_each_callers_own(api_as, family, finance, other_officer, finding):
    problem_of(family.get("/work-queue"), 403)
    as_finance = api_as(finance).get("/work-queue").json()
    assert (as_finance["total"], as_finance["items"]) == (0, [])
    assert api_as(other_officer).get("/work-queue").json()["total"] == 0


# Anyone else, and the OpenAPI document


def test_anonymous_callers_are_unauthenticated(anonymous, finding):
    agreement = finding.agreement

    problem_of(anonymous.get(findings_of(agreement)), 401)
    problem_of(anonymous.post(findings_of(agreement, f"/{finding.pk}/raise"), {"message": "Why?"}), 401)
    problem_of(anonymous.get("/monitoring/findings"), 401)
    problem_of(anonymous.post("/monitoring/sweeps", {"kind": "full"}), 401)
    problem_of(anonymous.get("/monitoring/reviews"), 401)
    problem_of(anonymous.get("/work-queue"), 401)


def test_the_openapi_document_lists_the_monitoring_routes(anonymous, db):
    response = anonymous.client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    base = "/api/v1/children/{child_id}/direct-payments/{agreement_id}"
    finding = base + "/findings/{finding_id}"
    review = base + "/reviews/{review_id}"
    expected = {
        ("get", base + "/findings"),
        ("get", finding),
        ("post", finding + "/raise"),
        ("post", finding + "/answer"),
        ("post", finding + "/resolve"),
        ("post", finding + "/escalate"),
        ("get", finding + "/notes/{note_id}/file"),
        ("get", "/api/v1/monitoring/findings"),
        ("post", "/api/v1/monitoring/sweeps"),
        ("get", "/api/v1/monitoring/sweeps"),
        ("get", "/api/v1/monitoring/sweeps/{sweep_id}"),
        ("get", base + "/reviews"),
        ("post", base + "/reviews"),
        ("get", review),
        ("post", review + "/decline"),
        ("post", review + "/record"),
        ("get", "/api/v1/monitoring/reviews"),
        ("get", "/api/v1/work-queue"),
    }
    assert expected <= {(method, route) for route, methods in paths.items() for method in methods}
    assert "multipart/form-data" in paths[finding + "/answer"]["post"]["requestBody"]["content"]
    assert "202" in paths["/api/v1/monitoring/sweeps"]["post"]["responses"]
    assert set(paths[finding + "/notes/{note_id}/file"]["get"]["responses"]["200"]["content"]) >= {
        "application/pdf",
        "image/png",
    }
    schemas = response.json()["components"]["schemas"]
    assert schemas["FindingEscalateIn"]["properties"]["amount"]["anyOf"][0]["type"] == "string"
    assert schemas["DpReviewRecordIn"]["properties"]["new_amount"]["anyOf"][0]["type"] == "string"
    assert {"DpReviewDetailOut", "FindingDetailOut", "SweepOut", "WorkQueueOut"} <= set(schemas)
