"""Setting up a direct payment agreement, sending it as a notice, the recipient's consent, and personal assistants
(DOMAIN R10, R11, R15, R16, R26, R34, R35; ADR 9)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.budgets import services as budget_services
from ehcbudgets.budgets.models import Budget
from ehcbudgets.budgets.tests.conftest import ASSESSED_ON, nominee_of
from ehcbudgets.councils.tests.factories import CouncilPolicyFactory
from ehcbudgets.letters.models import LetterKind
from ehcbudgets.payments import services
from ehcbudgets.payments.models import (
    Agreement,
    AgreementLine,
    AgreementStatus,
    PaymentRun,
    PersonalAssistant,
    ScheduledPayment,
)
from ehcbudgets.people.models import Child, Contact, Relationship
from ehcbudgets.people.tests.factories import ContactFactory

from .conftest import PA_AMOUNT, PERIOD_END, PERIOD_START, SET_UP_ON

TA_AMOUNT = Decimal("14976.00")
CARD = {"payment_method": "prepaid_card", "card_account_reference": "PPC-0001-2345"}
BANK = {
    "payment_method": "bank_account",
    "account_name": "SAM PARENT",
    "sort_code": "309430",
    "account_number": "00733445",
}


def create(actor, budget, **fields):
    return services.agreement_create(actor=actor, budget=budget, **{"start_date": PERIOD_START, **CARD, **fields})


def fresh_budget(budget):
    return Budget.objects.select_related("child").get(pk=budget.pk)


def two_stream_budget(pb, case, *, refuse_ta_by=None):
    """The standard budget with the teaching assistant line (education, with the school's written agreement) and the
    PA line (social care) both as direct payments; optionally with the TA direct payment refused by a manager."""
    budget = pb.start(case)
    pb.set_mode(budget, "PA", "direct_payment")
    pb.set_mode(
        budget,
        "TA",
        "direct_payment",
        setting_agreement_name="Hana Head",
        setting_agreement_role="Headteacher",
        setting_agreement_on=date(2026, 3, 1),
    )
    pb.dp_case(budget, case.parent)
    if refuse_ta_by is None:
        return fresh_budget(pb.agree(pb.fresh(budget)))
    pb.submit(budget)
    budget_services.direct_payment_refuse(
        actor=refuse_ta_by, line=pb.line(budget, "TA"), reason_code="r12_a", reasons="Not yet able to secure it"
    )
    return fresh_budget(budget_services.budget_approve(actor=refuse_ta_by, budget=pb.fresh(budget)))


def assert_nothing_created():
    assert Agreement.objects.count() == 0
    assert AgreementLine.objects.count() == 0


# Which budgets and lines (ADR 9) -----------------------------------------------------------------------------------


def test_an_agreement_needs_an_agreed_budget(pb, case, on_day, officer):
    """A budget not yet agreed cannot have direct payments set up."""
    on_day(SET_UP_ON)
    budget = pb.with_direct_payment(case)
    with pytest.raises(ValidationError, match="only for an agreed budget"):
        create(officer, budget)
    assert_nothing_created()


def test_the_agreement_covers_only_the_lines_paid_to_the_family(dp, case, officer):
    """Organised lines (TA, SLT) are left out: the agreement is the PA line, £3,411.20 (ADR 9)."""
    agreement = create(officer, dp.agreed_budget(case))
    lines = list(agreement.lines.all())
    assert [(line.description, line.funding_stream, line.amount) for line in lines] == [
        ("Personal assistant support at home", "social_care", PA_AMOUNT)
    ]
    assert agreement.amount == PA_AMOUNT


def test_the_agreement_covers_every_direct_payment_line(pb, case, on_day, officer):
    """Two direct payment lines: both are in it and its amount is their sum (ADR 9)."""
    on_day(SET_UP_ON)
    agreement = create(officer, two_stream_budget(pb, case))
    assert sorted((line.funding_stream, line.amount) for line in agreement.lines.all()) == [
        ("education", TA_AMOUNT),
        ("social_care", PA_AMOUNT),
    ]
    assert agreement.amount == TA_AMOUNT + PA_AMOUNT


def test_a_line_whose_direct_payment_was_refused_is_left_out(pb, case, on_day, officer, other_manager):
    """The TA direct payment was refused: only the PA line is agreed (DOMAIN R14; ADR 9)."""
    on_day(SET_UP_ON)
    agreement = create(officer, two_stream_budget(pb, case, refuse_ta_by=other_manager))
    assert [line.funding_stream for line in agreement.lines.all()] == ["social_care"]
    assert agreement.amount == PA_AMOUNT


@pytest.mark.parametrize(
    ("start_date", "amount"),
    [
        (PERIOD_START, PA_AMOUNT),
        # 1 October 2026 to 31 March 2027 is 182 of the line's 365 days: 3,411.20 x 182 / 365 = 1,700.927...
        (date(2026, 10, 1), Decimal("1700.93")),
        # The last day alone: 3,411.20 / 365 = 9.345...
        (PERIOD_END, Decimal("9.35")),
    ],
)
def test_the_amount_is_pro_rata_by_days_for_a_later_start(dp, case, officer, start_date, amount):
    """A later start pays the line's share of its days, rounded to the penny (ADR 9)."""
    agreement = create(officer, dp.agreed_budget(case), start_date=start_date)
    assert agreement.amount == amount
    assert agreement.end_date == PERIOD_END


def test_the_frequency_defaults_to_4_weekly(dp, case, officer):
    """With no policy recorded, payments are 4-weekly (DOMAIN R35)."""
    assert create(officer, dp.agreed_budget(case)).frequency == "four_weekly"


def test_the_frequency_defaults_to_the_council_s_policy(dp, case, officer, council):
    """A council whose policy pays monthly by default gets monthly agreements (DOMAIN R35, policy)."""
    CouncilPolicyFactory(council=council, effective_from=date(2025, 4, 1), default_payment_frequency="monthly")
    assert create(officer, dp.agreed_budget(case)).frequency == "monthly"


def test_a_frequency_agreed_otherwise_is_kept(dp, case, officer):
    """The officer may agree another frequency with the family."""
    assert create(officer, dp.agreed_budget(case), frequency="weekly").frequency == "weekly"


def test_an_unknown_frequency_is_refused(dp, case, officer):
    """A frequency outside the list is refused, naming the field."""
    with pytest.raises(ValidationError) as exc:
        create(officer, dp.agreed_budget(case), frequency="fortnightly")
    assert "frequency" in exc.value.message_dict
    assert_nothing_created()


# Where the money goes (DOMAIN R35) -------------------------------------------------------------------------------


@pytest.mark.parametrize("sort_code", ["309430", "30-94-30", "30 94 30"])
def test_a_sort_code_with_dashes_or_spaces_is_accepted_as_six_digits(dp, case, officer, sort_code):
    """Sort codes are stored as 6 digits however they were typed."""
    agreement = create(officer, dp.agreed_budget(case), **{**BANK, "sort_code": sort_code})
    assert agreement.sort_code == "309430"


@pytest.mark.parametrize("sort_code", ["30943", "3094301", "30-94-3O", ""])
def test_a_sort_code_that_is_not_six_digits_is_refused(dp, case, officer, sort_code):
    """5 or 7 digits, a letter, or nothing: refused naming the sort code."""
    with pytest.raises(ValidationError) as exc:
        create(officer, dp.agreed_budget(case), **{**BANK, "sort_code": sort_code})
    assert "sort_code" in exc.value.message_dict
    assert_nothing_created()


@pytest.mark.parametrize(
    ("typed", "stored"), [("733445", "00733445"), ("1234567", "01234567"), ("12345678", "12345678")]
)
def test_a_short_account_number_is_padded_to_eight_digits(dp, case, officer, typed, stored):
    """A 7-digit account number (and a 6-digit one) is padded with zeros to 8."""
    agreement = create(officer, dp.agreed_budget(case), **{**BANK, "account_number": typed})
    assert agreement.account_number == stored


@pytest.mark.parametrize("number", ["12345", "123456789", "1234567A", ""])
def test_an_account_number_that_is_not_6_to_8_digits_is_refused(dp, case, officer, number):
    """Too short, too long, letters or nothing: refused naming the account number."""
    with pytest.raises(ValidationError) as exc:
        create(officer, dp.agreed_budget(case), **{**BANK, "account_number": number})
    assert "account_number" in exc.value.message_dict
    assert_nothing_created()


def test_the_account_name_is_stored_in_capitals_as_banks_hold_it(dp, case, officer):
    """Lower case and extra spaces are normalised: BACS names are upper case."""
    agreement = create(officer, dp.agreed_budget(case), **{**BANK, "account_name": "  Sam   Parent-Smith "})
    assert agreement.account_name == "SAM PARENT-SMITH"


def test_an_account_name_of_18_characters_is_accepted(dp, case, officer):
    """18 characters is the BACS limit, and is allowed."""
    agreement = create(officer, dp.agreed_budget(case), **{**BANK, "account_name": "A" * 18})
    assert agreement.account_name == "A" * 18


@pytest.mark.parametrize("name", ["A" * 19, "SAM O'PARENT", "SAM PARENT (MRS)", "ŽOFIA PARENT", ""])
def test_an_account_name_too_long_or_outside_the_bacs_characters_is_refused(dp, case, officer, name):
    """19 characters, an apostrophe, brackets, accents, or nothing: refused naming the account name."""
    with pytest.raises(ValidationError) as exc:
        create(officer, dp.agreed_budget(case), **{**BANK, "account_name": name})
    assert "account_name" in exc.value.message_dict
    assert_nothing_created()


@pytest.mark.parametrize("reference", ["", "   "])
def test_a_prepaid_card_needs_its_account_reference(dp, case, officer, reference):
    """A prepaid card account is identified by its reference, which must be given."""
    with pytest.raises(ValidationError) as exc:
        create(officer, dp.agreed_budget(case), card_account_reference=reference)
    assert "card_account_reference" in exc.value.message_dict
    assert_nothing_created()


def test_a_payment_method_must_be_chosen(dp, case, officer):
    """Without a card or a bank account there is nowhere to pay."""
    with pytest.raises(ValidationError) as exc:
        create(officer, dp.agreed_budget(case), payment_method="")
    assert "payment_method" in exc.value.message_dict
    assert_nothing_created()


# Who receives the payments (DOMAIN R10, R11) ---------------------------------------------------------------------


def test_the_parent_of_a_young_person_cannot_be_the_recipient(dp, case, officer):
    """Over compulsory school age, the young person or their nominee receives the payments (DOMAIN R10)."""
    budget = dp.agreed_budget(case)
    Child.objects.filter(pk=case.child.pk).update(date_of_birth=date(2008, 1, 1))  # left school in June 2024
    with pytest.raises(ValidationError) as exc:
        create(officer, fresh_budget(budget), recipient=case.parent)
    assert "young person" in " ".join(exc.value.message_dict["recipient"])
    assert_nothing_created()


def test_a_nominee_without_a_written_nomination_cannot_be_the_recipient(dp, case, officer):
    """A nominee needs a written nomination as well as their agreement (DOMAIN R10)."""
    nominee = nominee_of(case.child, nominee_consent_on=ASSESSED_ON)
    with pytest.raises(ValidationError) as exc:
        create(officer, dp.agreed_budget(case), recipient=nominee)
    assert "written nomination" in " ".join(exc.value.message_dict["recipient"])
    assert_nothing_created()


def test_a_nominee_with_a_written_nomination_and_consent_can_be_the_recipient(dp, case, officer):
    """A nominee nominated in writing who agreed receives the payments (DOMAIN R10)."""
    nominee = nominee_of(case.child, nominated_in_writing_on=ASSESSED_ON, nominee_consent_on=ASSESSED_ON)
    assert create(officer, dp.agreed_budget(case), recipient=nominee).recipient == nominee


def test_a_person_under_a_drug_or_alcohol_treatment_order_cannot_be_the_recipient(dp, case, officer):
    """No direct payments to a person subject to a drug or alcohol treatment order (DOMAIN R11)."""
    budget = dp.agreed_budget(case)
    Contact.objects.filter(pk=case.parent.pk).update(drug_alcohol_order=True)
    with pytest.raises(ValidationError) as exc:
        create(officer, budget, recipient=Contact.objects.get(pk=case.parent.pk))
    assert "drug or alcohol" in " ".join(exc.value.message_dict["recipient"])
    assert_nothing_created()


def test_a_recipient_linked_to_another_child_is_refused(dp, case, officer, pb):
    """The recipient must be one of this child's people."""
    stranger = pb.case().parent
    with pytest.raises(ValidationError) as exc:
        create(officer, dp.agreed_budget(case), recipient=stranger)
    assert "recipient" in exc.value.message_dict
    assert_nothing_created()


# Third parties (ADR 9) ---------------------------------------------------------------------------------------------


@pytest.fixture
def third_party_budget(pb, case, on_day):
    on_day(SET_UP_ON)
    budget = pb.start(case)
    pb.set_mode(budget, "PA", "third_party")
    pb.dp_case(budget, case.parent)
    return fresh_budget(pb.agree(pb.fresh(budget)))


def test_third_party_lines_need_the_third_party_organisation(third_party_budget, officer):
    """A line managed by a third party cannot be agreed without naming the organisation."""
    with pytest.raises(ValidationError) as exc:
        create(officer, third_party_budget)
    assert "managed_by" in exc.value.message_dict
    assert_nothing_created()


def test_third_party_lines_are_agreed_with_the_organisation(third_party_budget, case, officer):
    """With the organisation named, the third-party line is in the agreement (ADR 9)."""
    org = ContactFactory(child=case.child, relationship=Relationship.THIRD_PARTY, full_name="Brightwater Care Co")
    agreement = create(officer, third_party_budget, managed_by=org)
    assert agreement.managed_by == org
    assert agreement.amount == PA_AMOUNT


def test_the_managing_organisation_must_be_a_third_party(third_party_budget, case, officer):
    """A parent cannot be named as the third-party organisation."""
    with pytest.raises(ValidationError) as exc:
        create(officer, third_party_budget, managed_by=case.parent)
    assert "managed_by" in exc.value.message_dict
    assert_nothing_created()


# Dates (ADR 9) -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"start_date": PERIOD_START - timedelta(days=1)}, "start_date"),
        ({"start_date": PERIOD_END + timedelta(days=1)}, "start_date"),
        ({"end_date": PERIOD_END + timedelta(days=1)}, "end_date"),
        ({"start_date": date(2026, 6, 1), "end_date": date(2026, 5, 31)}, "end_date"),
        ({"start_date": None}, "start_date"),
    ],
)
def test_dates_outside_the_budget_are_refused(dp, case, officer, dates, field):
    """A day before the budget starts, a day after it ends, or an end before the start: refused naming the date."""
    with pytest.raises(ValidationError) as exc:
        create(officer, dp.agreed_budget(case), **dates)
    assert field in exc.value.message_dict
    assert_nothing_created()


def test_dates_on_the_budget_s_first_and_last_days_are_accepted(dp, case, officer):
    """The budget's own first and last days are inside it."""
    agreement = create(officer, dp.agreed_budget(case), start_date=PERIOD_START, end_date=PERIOD_END)
    assert (agreement.start_date, agreement.end_date) == (PERIOD_START, PERIOD_END)


def test_a_shorter_end_date_pays_the_line_s_share_of_those_days(dp, case, officer):
    """Ending 30 September 2026: 183 of the line's 365 days, £1,710.27 (ADR 9)."""
    agreement = create(officer, dp.agreed_budget(case), end_date=date(2026, 9, 30))
    assert agreement.amount == Decimal("1710.27")


def test_a_second_agreement_for_the_same_budget_is_refused(dp, case, officer):
    """One agreement per budget while it is live."""
    budget = dp.agreed_budget(case)
    create(officer, budget)
    with pytest.raises(ValidationError, match="already has"):
        create(officer, budget)
    assert Agreement.objects.count() == 1


# Roles -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["finance", "parent_user"])
def test_only_case_officers_and_managers_set_up_agreements(dp, case, request, who):
    """A finance officer or a parent cannot set up an agreement."""
    budget = dp.agreed_budget(case)
    with pytest.raises(PermissionDenied):
        create(request.getfixturevalue(who), budget)
    assert_nothing_created()


def test_another_council_s_officer_cannot_set_up_an_agreement(dp, case, make_user, other_council):
    """Staff of another council have no say over this council's budgets."""
    budget = dp.agreed_budget(case)
    with pytest.raises(PermissionDenied):
        create(make_user(Role.CASE_OFFICER, council=other_council), budget)
    assert_nothing_created()


def test_a_manager_may_set_up_an_agreement(dp, case, manager):
    """A team manager has the case officer's powers."""
    assert create(manager, dp.agreed_budget(case)).created_by == manager


# Changing the terms before sending -----------------------------------------------------------------------------


def test_a_draft_agreement_can_be_changed(dp, case, officer):
    """Before sending, the terms change freely and the amount follows the dates."""
    agreement = dp.draft(case)
    agreement = services.agreement_update(
        actor=officer, agreement=agreement, frequency="monthly", start_date=date(2026, 10, 1)
    )
    agreement.refresh_from_db()
    assert (agreement.frequency, agreement.amount) == ("monthly", Decimal("1700.93"))
    assert agreement.lines.get().amount == Decimal("1700.93")


def test_a_sent_agreement_cannot_be_changed_without_a_notice(dp, case, officer):
    """Once sent, the terms change only by a notice: the update is refused and nothing changes."""
    agreement = dp.sent(case)
    with pytest.raises(ValidationError, match="has been sent"):
        services.agreement_update(actor=officer, agreement=agreement, frequency="weekly")
    agreement.refresh_from_db()
    assert (agreement.frequency, agreement.status) == ("four_weekly", AgreementStatus.AWAITING_CONSENT)


def test_a_draft_change_is_checked_like_a_new_agreement(dp, case, officer):
    """Bad terms in an update are refused naming the field, and the draft stays as it was."""
    agreement = dp.draft(case)
    with pytest.raises(ValidationError) as exc:
        services.agreement_update(actor=officer, agreement=agreement, start_date=PERIOD_START - timedelta(days=1))
    assert "start_date" in exc.value.message_dict
    agreement.refresh_from_db()
    assert (agreement.start_date, agreement.amount) == (PERIOD_START, PA_AMOUNT)


# Sending the notice (DOMAIN R15, R16) ------------------------------------------------------------------------------


def test_sending_writes_the_agreement_letter_with_the_terms(dp, case, officer):
    """The notice lists the agreed provision, the amount, the frequency and who must not be paid (DOMAIN R15, R16)."""
    agreement = dp.draft(case, excluded_payees="Uncle Bob Example\n\n  Acme Tutors Ltd  ")
    agreement = services.agreement_send(actor=officer, agreement=agreement)
    letter = agreement.notice_letter
    assert letter.kind == LetterKind.DP_AGREEMENT
    body = letter.body_html
    assert "Personal assistant support at home" in body
    assert "£3,411.20" in body
    assert "every 4 weeks" in body
    assert "You must not pay Uncle Bob Example from the direct payments." in body
    assert "You must not pay Acme Tutors Ltd from the direct payments." in body
    assert "We cannot make any payment until you have agreed" in body


def test_sending_waits_for_consent_and_records_the_notice_date(dp, case, officer, on_day):
    """A sent agreement waits for consent; the notice date is the day it was sent, and nothing is scheduled yet."""
    agreement = dp.draft(case)
    on_day(date(2026, 3, 23))
    agreement = services.agreement_send(actor=officer, agreement=agreement)
    assert agreement.status == AgreementStatus.AWAITING_CONSENT
    assert agreement.notice_sent_on == date(2026, 3, 23)
    assert agreement.terms_version == 1
    assert not agreement.payments.exists()


def test_an_agreement_is_sent_once(dp, case, officer):
    """Sending again is refused: the same terms are not sent twice."""
    agreement = dp.sent(case)
    with pytest.raises(ValidationError, match="already been sent"):
        services.agreement_send(actor=officer, agreement=agreement)


# Consent (DOMAIN R15) ---------------------------------------------------------------------------------------------


def test_the_recipient_consents_online(dp, case, parent_user):
    """The parent signs in and agrees: the agreement is active from today, consent recorded online (DOMAIN R15)."""
    agreement = services.agreement_consent(actor=parent_user, agreement=dp.sent(case))
    assert agreement.status == AgreementStatus.ACTIVE
    assert (agreement.consented_on, agreement.consent_channel) == (SET_UP_ON, "online")
    assert agreement.consent_recorded_by == parent_user
    assert agreement.is_consented


def test_another_parent_cannot_consent_for_the_recipient(dp, case, make_user):
    """Only the recipient's own sign-in may consent online."""
    agreement = dp.sent(case)
    with pytest.raises(PermissionDenied):
        services.agreement_consent(actor=make_user(Role.PARENT_CARER, full_name="Another Parent"), agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.AWAITING_CONSENT
    assert not agreement.payments.exists()


@pytest.mark.parametrize(
    ("consented_on", "accepted"),
    [
        (SET_UP_ON - timedelta(days=1), False),  # before the notice was sent
        (SET_UP_ON, True),  # the day it was sent
        (date(2026, 3, 25), True),  # today
        (date(2026, 3, 26), False),  # tomorrow
    ],
)
def test_an_officer_records_paper_consent_dated_between_the_notice_and_today(
    dp, case, officer, on_day, consented_on, accepted
):
    """Paper consent is dated no earlier than the notice and no later than today (DOMAIN R15)."""
    agreement = dp.sent(case)
    on_day(date(2026, 3, 25))
    if accepted:
        agreement = services.agreement_consent(
            actor=officer, agreement=agreement, channel="paper", consented_on=consented_on
        )
        assert (agreement.status, agreement.consented_on, agreement.consent_channel) == (
            "active",
            consented_on,
            "paper",
        )
    else:
        with pytest.raises(ValidationError) as exc:
            services.agreement_consent(actor=officer, agreement=agreement, channel="paper", consented_on=consented_on)
        assert "consented_on" in exc.value.message_dict
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.AWAITING_CONSENT
        assert not agreement.payments.exists()


@pytest.mark.parametrize("channel", ["online", "carrier pigeon", ""])
def test_an_officer_must_say_how_consent_was_given(dp, case, officer, channel):
    """An officer cannot record online consent for the family, nor an unknown channel."""
    agreement = dp.sent(case)
    with pytest.raises(ValidationError) as exc:
        services.agreement_consent(actor=officer, agreement=agreement, channel=channel)
    assert "channel" in exc.value.message_dict
    assert not ScheduledPayment.objects.exists()


def test_a_finance_officer_cannot_record_consent(dp, case, finance):
    """Recording consent is case work, not finance's."""
    with pytest.raises(PermissionDenied):
        services.agreement_consent(actor=finance, agreement=dp.sent(case), channel="paper")


def test_there_is_no_consent_before_the_agreement_is_sent(dp, case, officer, parent_user):
    """A draft cannot be consented to: nothing has been sent to agree to (DOMAIN R15)."""
    agreement = dp.draft(case)
    with pytest.raises(ValidationError, match="must be sent first"):
        services.agreement_consent(actor=parent_user, agreement=agreement)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.consented_on) == (AgreementStatus.DRAFT, None)
    assert not agreement.payments.exists()


def test_consent_cannot_be_given_twice(agreement, parent_user):
    """Once active, there is nothing waiting for consent, and the schedule is not made again."""
    before = agreement.payments.count()
    with pytest.raises(ValidationError, match="must be sent first"):
        services.agreement_consent(actor=parent_user, agreement=agreement)
    assert ScheduledPayment.objects.count() == before


def test_the_schedule_is_made_at_consent_and_adds_up_to_the_amount(dp, case, parent_user):
    """No payments before consent; at consent, the schedule sums exactly to the amount (DOMAIN R15, R35)."""
    agreement = dp.sent(case)
    assert not agreement.payments.exists()
    agreement = services.agreement_consent(actor=parent_user, agreement=agreement)
    payments = list(agreement.payments.all())
    assert sum(p.amount for p in payments) == PA_AMOUNT
    assert all(p.status == "scheduled" for p in payments)
    first, second = payments[0], payments[1]
    assert (first.due_on, first.period_end, second.due_on) == (date(2026, 4, 1), date(2026, 4, 5), date(2026, 4, 6))
    # The 5-day first period weighs 5/28 of a full payment (£50.01 and £280.10 on the standard schedule).
    assert abs(first.amount - second.amount * 5 / 28) <= Decimal("0.01")
    assert max(p.amount for p in payments[1:]) - min(p.amount for p in payments[1:]) <= Decimal("0.01")


def test_each_funding_stream_of_the_schedule_adds_up_to_its_lines(pb, case, on_day, officer, parent_user):
    """Each stream is split on its own, so education and social care each add up exactly (ADR 9)."""
    on_day(SET_UP_ON)
    agreement = services.agreement_send(actor=officer, agreement=create(officer, two_stream_budget(pb, case)))
    agreement = services.agreement_consent(actor=parent_user, agreement=agreement)
    payments = list(agreement.payments.all())
    assert sum(p.education for p in payments) == TA_AMOUNT
    assert sum(p.social_care for p in payments) == PA_AMOUNT
    assert sum(p.health for p in payments) == 0
    assert sum(p.amount for p in payments) == TA_AMOUNT + PA_AMOUNT
    assert all(p.amount == p.education + p.health + p.social_care for p in payments)


@pytest.mark.parametrize("frequency", ["weekly", "monthly", "termly", "one_off"])
def test_every_frequency_s_schedule_adds_up_to_the_amount(dp, case, parent_user, frequency):
    """Whatever the frequency, the payments add up exactly to the agreement (DOMAIN R35)."""
    agreement = dp.active(case, parent_user=parent_user, frequency=frequency)
    assert sum(p.amount for p in agreement.payments.all()) == PA_AMOUNT


def test_a_run_cannot_pay_an_agreement_sent_but_not_consented(dp, case, finance, on_day):
    """Before the recipient's consent there is nothing to pay (DOMAIN R15)."""
    agreement = dp.sent(case)
    on_day(date(2026, 4, 1))
    with pytest.raises(ValidationError) as exc:
        services.payment_run_prepare(actor=finance, council=agreement.council, pay_up_to=date(2026, 4, 30))
    assert "Nothing is due" in " ".join(exc.value.message_dict["pay_up_to"])
    assert PaymentRun.objects.count() == 0


# Audit -----------------------------------------------------------------------------------------------------------


def agreement_events(audit):
    return [(e.action, e.actor_id, e.object_id) for e in audit.new if e.action.startswith("agreement.")]


def test_setting_up_sending_and_consenting_are_audited(dp, case, officer, parent_user, audit):
    """Each step writes its own audit event, by whoever took it."""
    budget = dp.agreed_budget(case)
    audit.mark()
    agreement = create(officer, budget)
    assert agreement_events(audit) == [("agreement.created", officer.pk, str(agreement.pk))]
    audit.mark()
    services.agreement_send(actor=officer, agreement=agreement)
    assert agreement_events(audit) == [("agreement.sent", officer.pk, str(agreement.pk))]
    audit.mark()
    services.agreement_consent(actor=parent_user, agreement=agreement)
    assert agreement_events(audit) == [("agreement.consented", parent_user.pk, str(agreement.pk))]


def test_the_audit_of_an_agreement_leaves_out_the_bank_details(dp, case, officer, audit):
    """Sort codes and account numbers are not copied into the audit trail."""
    budget = dp.agreed_budget(case)
    audit.mark()
    create(officer, budget, **BANK)
    (event,) = [e for e in audit.new if e.action == "agreement.created"]
    assert "sort_code" not in event.after and "account_number" not in event.after
    assert "309430" not in str(event.after) and "00733445" not in str(event.after)


# Personal assistants (DOMAIN R26, R34) -----------------------------------------------------------------------------

PA_STARTS = date(2026, 5, 1)


def record_pa(actor, agreement, **fields):
    values = {
        "full_name": "Pat Assistant",
        "date_of_birth": date(1990, 6, 1),
        "starts_on": PA_STARTS,
        "dbs_checked_on": date(2026, 4, 1),
        "insurance_expires_on": date(2027, 4, 30),
        **fields,
    }
    return services.personal_assistant_record(actor=actor, agreement=agreement, **values)


def test_a_personal_assistant_is_recorded_with_the_dbs_and_insurance_dates(agreement, officer):
    """An adult PA with a DBS check and insurance running past the start is recorded (DOMAIN R34)."""
    assistant = record_pa(officer, agreement)
    assert (assistant.dbs_checked_on, assistant.insurance_expires_on) == (date(2026, 4, 1), date(2027, 4, 30))
    assert assistant.exception_approved_by is None


@pytest.mark.parametrize(("dbs", "accepted"), [(PA_STARTS, True), (PA_STARTS + timedelta(days=1), False)])
def test_the_dbs_check_must_be_done_by_the_start_day(agreement, officer, dbs, accepted):
    """A DBS check on the start day is in time; the day after is refused (DOMAIN R34)."""
    if accepted:
        assert record_pa(officer, agreement, dbs_checked_on=dbs).dbs_checked_on == dbs
    else:
        with pytest.raises(ValidationError) as exc:
            record_pa(officer, agreement, dbs_checked_on=dbs)
        assert "dbs_checked_on" in exc.value.message_dict
        assert not PersonalAssistant.objects.exists()


@pytest.mark.parametrize(("expires", "accepted"), [(PA_STARTS, False), (PA_STARTS + timedelta(days=1), True)])
def test_the_insurance_must_run_past_the_start_day(agreement, officer, expires, accepted):
    """Insurance ending on the start day is refused; ending the day after is accepted (DOMAIN R34)."""
    if accepted:
        assert record_pa(officer, agreement, insurance_expires_on=expires).insurance_expires_on == expires
    else:
        with pytest.raises(ValidationError) as exc:
            record_pa(officer, agreement, insurance_expires_on=expires)
        assert "insurance_expires_on" in exc.value.message_dict
        assert not PersonalAssistant.objects.exists()


def test_a_close_relative_in_the_household_without_an_exception_is_refused(agreement, officer):
    """Paying a close relative who lives in the household needs a recorded exception (DOMAIN R26)."""
    with pytest.raises(ValidationError) as exc:
        record_pa(officer, agreement, close_relative_in_household=True)
    assert "exception_reason" in exc.value.message_dict
    assert not PersonalAssistant.objects.exists()


def test_a_close_relative_with_a_manager_s_approval_and_reason_is_recorded(agreement, officer, manager):
    """With a team manager's approval and the reason, the relative can be paid (DOMAIN R26)."""
    assistant = record_pa(
        officer,
        agreement,
        close_relative_in_household=True,
        exception_approved_by=manager,
        exception_reason="The only carer the child will accept at night",
    )
    assert assistant.exception_approved_by == manager
    assert assistant.exception_reason == "The only carer the child will accept at night"


def test_a_close_relative_with_a_manager_but_no_reason_is_refused(agreement, officer, manager):
    """An approval without the reason is not a recorded exception (DOMAIN R26)."""
    with pytest.raises(ValidationError) as exc:
        record_pa(
            officer, agreement, close_relative_in_household=True, exception_approved_by=manager, exception_reason=" "
        )
    assert "exception_reason" in exc.value.message_dict
    assert not PersonalAssistant.objects.exists()


def test_an_exception_approved_by_a_case_officer_is_refused(agreement, officer):
    """Only a team manager approves an exception (DOMAIN R26)."""
    with pytest.raises(ValidationError) as exc:
        record_pa(
            officer,
            agreement,
            close_relative_in_household=True,
            exception_approved_by=officer,
            exception_reason="The only carer the child will accept",
        )
    assert "exception_approved_by" in exc.value.message_dict
    assert not PersonalAssistant.objects.exists()


def test_an_exception_approved_by_another_council_s_manager_is_refused(agreement, officer, make_user, other_council):
    """A manager of another council cannot approve this council's exception."""
    outsider = make_user(Role.TEAM_MANAGER, council=other_council)
    with pytest.raises(ValidationError) as exc:
        record_pa(
            officer, agreement, close_relative_in_household=True, exception_approved_by=outsider, exception_reason="x"
        )
    assert "exception_approved_by" in exc.value.message_dict


def test_a_personal_assistant_18_on_the_start_day_needs_no_exception(agreement, officer):
    """Exactly 18 on the start day meets the council's minimum age (DOMAIN R34)."""
    assert record_pa(officer, agreement, date_of_birth=date(2008, 5, 1)).exception_approved_by is None


def test_a_personal_assistant_a_day_short_of_18_without_an_exception_is_refused(agreement, officer):
    """17 on the start day, no exception: refused (DOMAIN R34)."""
    with pytest.raises(ValidationError, match="needs an exception"):
        record_pa(officer, agreement, date_of_birth=date(2008, 5, 2))
    assert not PersonalAssistant.objects.exists()


def test_a_personal_assistant_of_17_with_a_manager_s_exception_is_recorded(agreement, officer, manager):
    """16 to 17 by a manager's recorded exception (DOMAIN R34)."""
    assistant = record_pa(
        officer, agreement, date_of_birth=date(2008, 5, 2), exception_approved_by=manager, exception_reason="Known"
    )
    assert assistant.exception_approved_by == manager


def test_a_personal_assistant_under_16_is_refused_even_with_an_exception(agreement, officer, manager):
    """A day short of 16 is below any exception (DOMAIN R34)."""
    with pytest.raises(ValidationError, match="at least 16"):
        record_pa(
            officer, agreement, date_of_birth=date(2010, 5, 2), exception_approved_by=manager, exception_reason="x"
        )
    assert not PersonalAssistant.objects.exists()


@pytest.mark.parametrize(("minimum", "accepted"), [("3411.20", True), ("3411.21", False)])
def test_the_council_s_minimum_budget_for_a_personal_assistant_is_applied(
    agreement, officer, council, minimum, accepted
):
    """A budget exactly at the council's minimum may employ a PA; a penny under may not (DOMAIN R34)."""
    CouncilPolicyFactory(council=council, effective_from=date(2025, 4, 1), pa_min_budget=Decimal(minimum))
    if accepted:
        assert record_pa(officer, agreement).pk
    else:
        with pytest.raises(ValidationError, match=re.escape("at least £3,411.21 a year")):
            record_pa(officer, agreement)
        assert not PersonalAssistant.objects.exists()


def test_the_minimum_budget_compares_the_yearly_rate_of_a_part_year_agreement(dp, case, officer, council, parent_user):
    """An agreement from 1 October pays £1,700.93 for half a year, £3,411.20 a year: above a £3,000 minimum (R34)."""
    agreement = dp.active(case, parent_user=parent_user, start_date=date(2026, 10, 1))
    assert agreement.amount == Decimal("1700.93")
    CouncilPolicyFactory(council=council, effective_from=date(2025, 4, 1), pa_min_budget=Decimal("3000.00"))
    assert record_pa(officer, agreement, starts_on=date(2026, 10, 5)).pk


def test_a_finance_officer_cannot_record_a_personal_assistant(agreement, finance):
    """Recording personal assistants is case work."""
    with pytest.raises(PermissionDenied):
        record_pa(finance, agreement)


def test_recording_a_personal_assistant_is_audited(agreement, officer, manager, audit):
    """The record and whether it was by exception are in the audit trail."""
    audit.mark()
    assistant = record_pa(
        officer, agreement, close_relative_in_household=True, exception_approved_by=manager, exception_reason="x"
    )
    event = audit.one()
    assert (event.action, event.object_id, event.after["exception"]) == (
        "personal_assistant.recorded",
        str(assistant.pk),
        True,
    )


def test_an_age_problem_is_shown_against_the_date_of_birth(agreement, officer):
    """A 17-year-old without an exception: the message names the date of birth, where the form can show it (R34)."""
    with pytest.raises(ValidationError) as exc:
        record_pa(officer, agreement, date_of_birth=date(2009, 5, 2))
    assert "needs an exception" in exc.value.message_dict["date_of_birth"][0]
