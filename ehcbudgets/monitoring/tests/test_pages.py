"""The monitoring pages for staff and families: the work queue, findings and their moves, checks of the rules, reviews
and their record form, and the family's view of every finding with its explanation (DOMAIN R18 to R23, R31, R32)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ehcbudgets.accounts.models import Role
from ehcbudgets.councils.models import CouncilPolicy
from ehcbudgets.monitoring import services
from ehcbudgets.monitoring.models import DpReview, Finding, FindingStatus, ReviewStatus, Sweep
from ehcbudgets.payments.models import AgreementChange, ChangeKind, Recovery
from ehcbudgets.plans.models import Outcome
from ehcbudgets.spending.tests.test_records import PDF_BYTES

from .conftest import TODAY


def _finding(agreement, **fields):
    values = {
        "council": agreement.council,
        "agreement": agreement,
        "rule": "surplus",
        "key": "surplus:2026-04-01",
        "explanation": "The account holds more than it needs: £120.00 is surplus.",
        "amount": Decimal("120.00"),
        "found_on": TODAY,
    }
    return Finding.objects.create(**{**values, **fields})


def _args(agreement, item):
    return [agreement.child_id, agreement.pk, item.pk]


@pytest.fixture
def finding(funded):
    return _finding(funded)


@pytest.fixture
def review(funded):
    return DpReview.objects.create(
        council=funded.council, agreement=funded, trigger="first", trigger_key="2026-04-01", due_on=date(2026, 7, 1)
    )


# The work queue -----------------------------------------------------------------------------------------------------


def test_the_work_queue_lists_open_findings_and_reviews_due_with_links_to_them(client, officer, finding, funded):
    """R18: a review due within 4 weeks shows in the queue beside the open findings."""
    DpReview.objects.create(
        council=funded.council, agreement=funded, trigger="first", trigger_key="x", due_on=date(2026, 5, 20)
    )
    client.force_login(officer)
    page = client.get(reverse("monitoring:queue")).text
    assert "Surplus in the account (open)" in page
    assert reverse("monitoring:finding", args=_args(funded, finding)) in page
    assert "First review, within 3 months of the first payment" in page


def test_the_work_queue_filters_by_kind_and_overdue(client, officer, finding, funded):
    DpReview.objects.create(
        council=funded.council, agreement=funded, trigger="first", trigger_key="x", due_on=date(2026, 4, 30)
    )
    client.force_login(officer)
    reviews_only = client.get(reverse("monitoring:queue"), {"kind": "review"}).text
    assert "First review" in reviews_only and "Surplus in the account (open)" not in reviews_only
    overdue = client.get(reverse("monitoring:queue"), {"overdue": "yes"}).text
    assert "First review" in overdue and "Surplus in the account (open)" not in overdue


def test_staff_with_a_work_queue_land_on_it(client, officer, council):
    client.force_login(officer)
    assert client.get(reverse("core:home"))["Location"] == reverse("monitoring:queue")


# Findings -----------------------------------------------------------------------------------------------------------


def test_the_findings_list_shows_the_councils_open_findings_only(client, officer, finding, make_user, other_council):
    client.force_login(officer)
    page = client.get(reverse("monitoring:findings")).text
    assert reverse("monitoring:finding", args=_args(finding.agreement, finding)) in page
    stranger = make_user(Role.CASE_OFFICER, council=other_council)
    client.force_login(stranger)
    assert (
        reverse("monitoring:finding", args=_args(finding.agreement, finding))
        not in client.get(reverse("monitoring:findings")).text
    )


def test_another_councils_officer_gets_404_for_a_finding(client, finding, make_user, other_council):
    client.force_login(make_user(Role.CASE_OFFICER, council=other_council))
    assert client.get(reverse("monitoring:finding", args=_args(finding.agreement, finding))).status_code == 404


def test_an_officer_raises_a_finding_with_the_family_from_its_page(client, officer, finding):
    """R31: the family has the council's evidence deadline to answer."""
    client.force_login(officer)
    url = reverse("monitoring:finding_raise", args=_args(finding.agreement, finding))
    response = client.post(url, {"message": "Is the money set aside for the summer scheme?"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RAISED
    assert finding.answer_due_on == date(2026, 5, 29)


def test_raising_without_a_message_changes_nothing(client, officer, finding):
    client.force_login(officer)
    url = reverse("monitoring:finding_raise", args=_args(finding.agreement, finding))
    page = client.post(url, {"message": "  "}).text
    assert "Write what you would like the family to tell you or send" in page
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_resolving_needs_a_reason_the_family_reads(client, officer, finding):
    client.force_login(officer)
    url = reverse("monitoring:finding_resolve", args=_args(finding.agreement, finding))
    client.post(url, {"reason": "Set aside for the summer holiday scheme in August."})
    finding.refresh_from_db()
    assert (finding.status, finding.resolution) == ("resolved", "Set aside for the summer holiday scheme in August.")


def test_an_officer_cannot_open_the_recovery_page_but_a_manager_sends_the_r23_notice(client, officer, manager, finding):
    """R23: nothing is recovered without the written notice."""
    url = reverse("monitoring:finding_escalate", args=_args(finding.agreement, finding))
    client.force_login(officer)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    response = client.post(url, {"amount": "120.00", "method": "invoice", "reasons": "The surplus is not needed."})
    assert response.status_code == 302
    finding.refresh_from_db()
    recovery = Recovery.objects.get()
    assert (finding.status, finding.recovery, recovery.amount) == ("escalated", recovery, Decimal("120.00"))
    assert recovery.letter is not None


# Checks of the rules ------------------------------------------------------------------------------------------------


def test_starting_a_check_runs_it_and_shows_its_summary(client, officer, funded):
    """R32: a full check with a 1-week threshold finds the surplus."""
    CouncilPolicy.objects.create(council=funded.council, effective_from=date(2026, 4, 1), surplus_threshold_weeks=1)
    client.force_login(officer)
    response = client.post(reverse("monitoring:sweeps"), {"kind": "full"})
    sweep = Sweep.objects.get()
    assert response["Location"] == reverse("monitoring:sweep", args=[sweep.pk])
    page = client.get(response["Location"]).text
    assert "Finished" in page and "Surplus in the account" in page
    assert Finding.objects.filter(rule="surplus").count() == 1


def test_a_finance_officer_sees_checks_but_cannot_start_one(client, finance, funded):
    client.force_login(finance)
    assert "Start the check" not in client.get(reverse("monitoring:sweeps")).text
    assert client.post(reverse("monitoring:sweeps"), {"kind": "full"}).status_code == 404
    assert not Sweep.objects.exists()


def test_a_running_check_refreshes_its_page(client, officer, funded):
    sweep = Sweep.objects.create(council=funded.council, kind="full", on=TODAY, status="running", total=10, checked=4)
    client.force_login(officer)
    page = client.get(reverse("monitoring:sweep", args=[sweep.pk])).text
    assert 'http-equiv="refresh"' in page and "4 of 10 agreements checked (40%)" in page


# Reviews ------------------------------------------------------------------------------------------------------------


def _review_post(funded, **overrides):
    data = {
        "appropriate": "yes",
        "used_effectively": "yes",
        "enough": "yes",
        "tests_met": "yes",
        "conditions_kept": "yes",
        "outcome": "continue",
        "outcome_reasons": "The support is going well.",
    }
    for outcome in Outcome.objects.filter(plan_id=funded.budget.plan_id):
        data[f"progress_{outcome.pk}"] = "on_track"
    return {**data, **overrides}


def test_recording_a_review_that_continues_sends_the_review_letter(client, officer, review, funded):
    """R19, R20: the answers, progress and outcome are recorded and the family gets a letter."""
    client.force_login(officer)
    url = reverse("monitoring:review_record", args=_args(funded, review))
    response = client.post(url, _review_post(funded))
    assert response.status_code == 302, response.content.decode()[:2000]
    review.refresh_from_db()
    assert (review.status, review.outcome, review.letter.kind) == (ReviewStatus.RECORDED, "continue", "dp_review")


def test_a_review_with_a_no_and_no_note_is_sent_back_and_nothing_is_recorded(client, officer, review, funded):
    """R19: a "no" needs a note."""
    client.force_login(officer)
    url = reverse("monitoring:review_record", args=_args(funded, review))
    page = client.post(url, _review_post(funded, used_effectively="no")).text
    assert "Say why, in a few words" in page
    review.refresh_from_db()
    assert review.status == ReviewStatus.DUE


def test_a_manager_records_a_review_that_reduces_the_payments_with_its_notice(client, manager, review, funded):
    """R21: the reduction goes with its written notice and the notice period."""
    client.force_login(manager)
    url = reverse("monitoring:review_record", args=_args(funded, review))
    response = client.post(
        url, _review_post(funded, outcome="reduce", new_amount="3000.00", outcome_reasons="Less support is used.")
    )
    assert response.status_code == 302
    review.refresh_from_db()
    change = AgreementChange.objects.get(kind=ChangeKind.REDUCE)
    assert review.change == change and change.letter.kind == "dp_reduction"
    funded.refresh_from_db()
    assert funded.amount == Decimal("3000.00")


# The family's pages -------------------------------------------------------------------------------------------------


def test_the_family_sees_every_finding_with_its_explanation(client, parent_user, finding, funded):
    client.force_login(parent_user)
    page = client.get(reverse("family_monitoring:overview", args=[funded.child_id, funded.pk])).text
    assert "The account holds more than it needs: £120.00 is surplus." in page
    agreement_page = client.get(reverse("family_payments:agreement", args=[funded.child_id, funded.pk])).text
    assert "1 open" in agreement_page


def test_the_family_answers_a_finding_with_evidence(client, parent_user, finding, funded):
    client.force_login(parent_user)
    url = reverse("family_monitoring:finding", args=_args(funded, finding))
    upload = SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url, {"text": "It is for the summer scheme in August.", "file": upload})
    assert response.status_code == 302
    finding.refresh_from_db()
    note = finding.notes.get()
    assert (finding.status, note.from_family, note.content_type) == ("answered", True, "application/pdf")
    evidence = client.get(reverse("family_monitoring:evidence", args=[*_args(funded, finding), note.pk]))
    assert evidence.status_code == 200 and evidence["Cache-Control"] == "private, no-store"


def test_another_family_cannot_see_or_answer_a_finding(client, make_user, finding, funded):
    client.force_login(make_user(Role.PARENT_CARER))
    url = reverse("family_monitoring:finding", args=_args(funded, finding))
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Not mine"}).status_code == 404


def test_the_recipient_asks_for_a_review_and_the_council_must_consider_it(client, parent_user, funded):
    """R18: a recipient may ask for a review."""
    client.force_login(parent_user)
    url = reverse("family_monitoring:review_request", args=[funded.child_id, funded.pk])
    response = client.post(url, {"reasons": "The therapist now charges more."})
    assert response.status_code == 302
    review = DpReview.objects.get(trigger="recipient_request")
    assert review.due_on == date(2026, 5, 18)  # 10 working days after Friday 1 May; Monday 4 May is a bank holiday
    assert "You have asked for a review" in client.get(response["Location"]).text


def test_a_check_left_unfinished_for_hours_no_longer_blocks_a_new_one(officer, funded):
    """A worker stopped mid-check leaves its sweep running; after 6 hours it is marked failed and a check starts."""
    from django.utils import timezone

    stuck = Sweep.objects.create(council=funded.council, kind="full", on=TODAY, status="running")
    Sweep.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timezone.timedelta(hours=6, minutes=1))
    started = services.sweep_start(actor=officer, council=funded.council, kind="full")
    stuck.refresh_from_db()
    assert (stuck.status, stuck.error) == ("failed", "Stopped without finishing")
    assert started.status == "finished"


def test_a_check_unfinished_for_less_than_6_hours_still_blocks(officer, funded):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    stuck = Sweep.objects.create(council=funded.council, kind="full", on=TODAY, status="running")
    Sweep.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timezone.timedelta(hours=5, minutes=59))
    with pytest.raises(ValidationError, match="already waiting or running"):
        services.sweep_start(actor=officer, council=funded.council, kind="full")


def test_an_incremental_check_after_a_new_restriction_looks_at_every_agreement(officer, funded, parent_user, make_user):
    """R33: a restriction added since the last check applies to spending recorded before it."""
    from ehcbudgets.monitoring.tests.conftest import record
    from ehcbudgets.offer import services as offer_services

    record(parent_user, funded, "20.00", payee="The Red Lion pub", category="other")
    first = services.sweep_start(actor=officer, council=funded.council, kind="full")
    assert "not_allowed" not in first.summary
    admin = make_user(Role.COUNCIL_ADMIN, council=funded.council)
    offer_services.restriction_add(actor=admin, council=funded.council, text="Alcohol", keywords="pub, wine")
    second = services.sweep_start(actor=officer, council=funded.council, kind="incremental")
    assert (second.total, second.summary) == (1, {"not_allowed": 1})


def test_a_carer_who_does_not_hold_the_payments_cannot_see_the_findings(client, make_user, finding, funded):
    """Findings name statement lines and evidence, which are the record keeper's."""
    from ehcbudgets.people.tests.factories import ContactFactory

    carer = make_user(Role.PARENT_CARER)
    ContactFactory(child=funded.child, user=carer)
    client.force_login(carer)
    assert client.get(reverse("family_monitoring:overview", args=[funded.child_id, funded.pk])).status_code == 403
    assert client.get(reverse("family_monitoring:finding", args=_args(funded, finding))).status_code == 403


def test_a_review_of_payments_that_have_stopped_leaves_the_queue(client, officer, review, funded, manager):
    """R18, R22: once a stop is decided there is nothing left to review; the review no longer waits in the queue."""
    from ehcbudgets.monitoring import selectors
    from ehcbudgets.payments import services as payment_services

    DpReview.objects.filter(pk=review.pk).update(due_on=TODAY)
    assert [i.kind for i in selectors.work_items(user=officer)] == ["review"]
    payment_services.agreement_stop(
        actor=manager, agreement=funded, ground="not_used_for_provision", reasons="The support is not happening."
    )
    assert [i.kind for i in selectors.work_items(user=officer)] == []


def test_once_a_stop_is_decided_neither_page_offers_a_review(client, officer, review, funded, manager, parent_user):
    """R18, R22: the services refuse a review of payments that are stopping, so the officer's review page shows no
    "Record the review" button and the family's page no "Ask for a review" link; before the stop both are there."""
    from ehcbudgets.payments import services as payment_services

    review_url = reverse("monitoring:review", args=_args(funded, review))
    family_url = reverse("family_monitoring:overview", args=[funded.child_id, funded.pk])
    client.force_login(officer)
    assert "Record the review" in client.get(review_url).text
    client.force_login(parent_user)
    assert "Ask for a review of the direct payments" in client.get(family_url).text
    payment_services.agreement_stop(
        actor=manager, agreement=funded, ground="not_used_for_provision", reasons="The support is not happening."
    )
    client.force_login(officer)
    assert "Record the review" not in client.get(review_url).text
    client.force_login(parent_user)
    assert "Ask for a review of the direct payments" not in client.get(family_url).text


def test_an_evidence_file_named_only_with_symbols_downloads_under_a_plain_name(client, parent_user, finding, funded):
    from ehcbudgets.monitoring.models import FindingNote

    note = FindingNote(
        council=funded.council,
        finding=finding,
        author=parent_user,
        from_family=True,
        text="Receipt",
        content_type="application/pdf",
        original_name="€€",
        size=len(PDF_BYTES),
    )
    from django.core.files.base import ContentFile

    note.file.save("evidence", ContentFile(PDF_BYTES), save=True)
    client.force_login(parent_user)
    response = client.get(reverse("family_monitoring:evidence", args=[*_args(funded, finding), note.pk]))
    assert response.status_code == 200 and 'filename="evidence"' in response["Content-Disposition"]


def test_an_email_that_fails_is_tried_again_next_time_and_the_others_still_go(
    officer, manager, review, funded, monkeypatch, mailoutbox
):
    """A reminder that cannot be sent leaves no record of being sent, and stops nobody else's."""
    from django.core import mail

    from ehcbudgets.monitoring.models import Reminder

    DpReview.objects.filter(pk=review.pk).update(due_on=date(2026, 4, 30))

    def send(subject, body, sender, to):
        if to == [officer.email]:
            raise OSError("The mail server refused the address")
        return mail.send_mail(subject, body, sender, to)

    with monkeypatch.context() as patched:
        patched.setattr("ehcbudgets.monitoring.services.send_mail", send)
        sent = services.reminders_send(council=funded.council)
    assert [manager.email] in [m.to for m in mailoutbox] and [officer.email] not in [m.to for m in mailoutbox]
    assert sent == len(mailoutbox)
    assert not Reminder.objects.filter(user=officer).exists()
    assert services.reminders_send(council=funded.council) == 1  # the officer's, the next time the job runs
    assert mailoutbox[-1].to == [officer.email]
