# ruff: noqa: F811 - the fixtures imported from the other tests are requested by name below
"""Suggesting which agreed provision line a payment was for, and why: the family's rules, then the council's, then
the family's history, then words, then a single line; the rules themselves; and whether something can be bought at
all (DOMAIN R16, R33; ADR 10)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ehcbudgets.accounts.models import Role
from ehcbudgets.offer.models import SpendingRestriction
from ehcbudgets.spending import linking, rules, selectors, services
from ehcbudgets.spending.models import LinkRule, RuleScope

from .test_records import (  # noqa: F401 - fixtures and helpers shared with the records tests
    TODAY,
    _letters_quick,
    agreement,
    case,
    catalogue,
    dp,
    manager,
    on_day,
    other_family,
    other_manager,
    parent_user,
    pb,
    quick_pdf,
    record,
    two_lines,
)


def suggest(agreement, amount="100.00", payee="Acme Care Ltd", description=""):
    """The suggestion the import would make, with the agreement's own rules and history."""
    return linking.suggest(
        amount=Decimal(amount),
        payee=payee,
        description=description,
        **selectors.linking_context(agreement=agreement),
    )


def parts(suggestion) -> list:
    return [(line.pk, amount) for line, amount in suggestion.parts]


def family_rule(actor, agreement, split, words="acme", category="wages"):
    return services.link_rule_add(
        actor=actor, agreement=agreement, words=words, category=category, split=[[line.pk, pct] for line, pct in split]
    )


def council_rule(actor, council, split, words="acme", category="wages"):
    return services.link_rule_add(actor=actor, council=council, words=words, category=category, split=split)


@pytest.fixture
def t(two_lines, council_admin, on_day):
    """The two-line agreement (TA and PA lines) and the council's administrator, who makes council rules. Today is
    1 May 2026; nothing has been paid in (suggestions do not depend on the balance)."""
    on_day(TODAY)
    return SimpleNamespace(agreement=two_lines.agreement, ta=two_lines.ta, pa=two_lines.pa, admin=council_admin)


@pytest.fixture
def one_line(agreement, on_day):
    """The standard agreement with the PA line only; today is 1 May 2026."""
    on_day(TODAY)
    return agreement


def add_history(parent_user, t, payee="Acme Care Ltd"):
    """An earlier £10.00 to the payee, split equally between the two lines."""
    record(parent_user, t.agreement, "10.00", payee=payee, parts=[(t.ta, Decimal("5.00")), (t.pa, Decimal("5.00"))])


#: A description naming the PA line, for the words step.
PA_WORDS = "Personal assistant support at home"
#: A payee that nothing but a rule or history links to a line of the two-line agreement.
NEUTRAL = "Northgate Traders"


# Order of the suggestions (ADR 10) -------------------------------------------------------------------------------


def test_the_family_s_rule_comes_first(t, parent_user, council):
    """The family's rule (TA) beats the council's (PA), history (50/50) and words (PA) (ADR 10)."""
    add_history(parent_user, t)
    council_rule(t.admin, council, [["PA", 100]])
    family_rule(parent_user, t.agreement, [(t.ta, 100)])
    made = suggest(t.agreement, description=PA_WORDS)
    assert parts(made) == [(t.ta.pk, Decimal("100.00"))]
    assert made.reason == "Your rule: 'acme'"


def test_the_council_s_rule_comes_before_history(t, parent_user, council):
    """The council's rule (PA) beats history (50/50) and words (TA) (ADR 10)."""
    add_history(parent_user, t)
    council_rule(t.admin, council, [["PA", 100]], category="wages")
    made = suggest(t.agreement, description="Specialist teaching assistant support in class")
    assert parts(made) == [(t.pa.pk, Decimal("100.00"))]
    assert made.reason == "The council's rule: 'acme'"
    assert made.category == "wages"


def test_history_comes_before_words(t, parent_user):
    """The family split Acme 50/50 before: that beats the words naming the PA line (ADR 10)."""
    add_history(parent_user, t)
    made = suggest(t.agreement, "100.01", description=PA_WORDS)
    assert parts(made) == [(t.ta.pk, Decimal("50.01")), (t.pa.pk, Decimal("50.00"))]
    assert made.reason == "Like your payment to Acme Care Ltd on 1 May 2026"


def test_words_come_before_the_single_line(one_line):
    """A one-line agreement: a payee naming its line is matched by its words, not just because it is the only one."""
    made = suggest(one_line, payee="J Smith", description=PA_WORDS)
    assert parts(made) == [(one_line.lines.get().pk, Decimal("100.00"))]
    assert made.reason == "The payment mentions 'Personal assistant support at home'"


def test_an_agreement_with_one_line_takes_anything(one_line):
    """Nothing else fits: the only line is suggested, saying so (ADR 10)."""
    made = suggest(one_line, payee="Corner Shop")
    assert parts(made) == [(one_line.lines.get().pk, Decimal("100.00"))]
    assert made.reason == "The agreement pays for one kind of support"
    assert made.category == "wages"


def test_with_two_lines_and_nothing_to_go_on_there_is_no_suggestion(t):
    """Northgate Traders matches no rule, history or words: no parts, and the reason asks the family to choose."""
    made = suggest(t.agreement, payee=NEUTRAL)
    assert made.parts == []
    assert made.reason == "No suggestion: choose the support it paid for"


def test_words_of_a_line_s_support_in_the_payee_pick_that_line(t):
    """'Specialist teaching assistant support in class' in the payee names the TA line (ADR 10)."""
    made = suggest(t.agreement, payee="Specialist Teaching Assistant Support in Class Ltd")
    assert parts(made) == [(t.ta.pk, Decimal("100.00"))]
    assert made.reason == "The payment mentions 'Specialist teaching assistant support in class'"


def test_words_of_a_category_pick_the_only_line_of_that_kind(t):
    """'Tutor' is tuition, which only the TA line (teaching support) pays for (ADR 10)."""
    made = suggest(t.agreement, payee="Maths Tutor")
    assert parts(made) == [(t.ta.pk, Decimal("100.00"))]
    assert made.category == "tuition"
    assert made.reason.startswith("Looks like tuition")


# Splits and history (ADR 10) -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "ta", "pa"),
    [("100.01", "60.01", "40.00"), ("-100.01", "-60.01", "-40.00"), ("0.03", "0.02", "0.01")],
    ids=["awkward-amount", "refund", "three-pence"],
)
def test_a_60_40_rule_splits_so_the_parts_add_up_exactly(t, parent_user, amount, ta, pa):
    """60% and 40% of £100.01 is £60.006 and £40.004: the spare penny goes to the largest remainder (ADR 10)."""
    family_rule(parent_user, t.agreement, [(t.ta, 60), (t.pa, 40)])
    made = suggest(t.agreement, amount)
    assert parts(made) == [(t.ta.pk, Decimal(ta)), (t.pa.pk, Decimal(pa))]
    assert sum(amount for _, amount in made.parts) == Decimal(amount)


def test_history_repeats_the_split_for_the_same_payee_however_it_is_written(t, parent_user):
    """Paid to "ACME CARE LTD*123" 60/40 before; "Acme Care Ltd 123" is the same payee and gets 60/40 (ADR 10)."""
    record(
        parent_user,
        t.agreement,
        "50.00",
        payee="ACME CARE LTD*123",
        category="short_break",
        parts=[(t.ta, Decimal("30.00")), (t.pa, Decimal("20.00"))],
    )
    made = suggest(t.agreement, "50.01", payee="Acme Care Ltd 123")
    assert parts(made) == [(t.ta.pk, Decimal("30.01")), (t.pa.pk, Decimal("20.00"))]
    assert made.category == "short_break"
    assert "1 May 2026" in made.reason


def test_history_follows_the_family_s_latest_choice(t, parent_user):
    """The latest record for the payee is the one repeated."""
    record(parent_user, t.agreement, "10.00", parts=[(t.ta, Decimal("10.00"))])
    record(parent_user, t.agreement, "10.00", parts=[(t.pa, Decimal("10.00"))], fingerprint="second")
    assert parts(suggest(t.agreement)) == [(t.pa.pk, Decimal("100.00"))]


def test_a_record_taken_back_is_not_history(t, parent_user):
    """A record entered by mistake and taken back teaches nothing."""
    mistake = record(parent_user, t.agreement, "10.00", payee=NEUTRAL, parts=[(t.ta, Decimal("10.00"))])
    services.record_withdraw(actor=parent_user, record=mistake, reason="Wrong line")
    assert suggest(t.agreement, payee=NEUTRAL).parts == []


def test_another_family_s_history_is_not_used(t, other_family, parent_user, on_day):
    """What another family did with the same payee does not leak into this family's suggestions."""
    on_day(TODAY)
    record(other_family.parent, other_family.agreement, "10.00", payee=NEUTRAL)
    assert suggest(t.agreement, payee=NEUTRAL).parts == []


# The council's rules name offer items (ADR 10) -------------------------------------------------------------------


def test_a_council_rule_applies_to_every_agreement_with_its_item(t, one_line, council):
    """A rule for the PA item suggests the PA line of both agreements that have one (ADR 10)."""
    council_rule(t.admin, council, [["PA", 100]], words="swimming", category="activity")
    two = suggest(t.agreement, payee="Swimming Pool")
    one = suggest(one_line, payee="Swimming Pool")
    assert parts(two) == [(t.pa.pk, Decimal("100.00"))]
    assert parts(one) == [(one_line.lines.get().pk, Decimal("100.00"))]
    assert two.reason == one.reason == "The council's rule: 'swimming'"


def test_a_council_rule_does_not_apply_to_an_agreement_without_its_item(t, one_line, council):
    """A rule for the TA item: the two-line agreement uses it; the PA-only agreement does not (ADR 10)."""
    council_rule(t.admin, council, [["TA", 100]], words="stationery", category="equipment")
    assert suggest(t.agreement, payee="Stationery Direct").reason == "The council's rule: 'stationery'"
    assert suggest(one_line, payee="Stationery Direct").reason == "The agreement pays for one kind of support"


def test_another_council_s_rule_is_not_used(t, other_council):
    """Kestrel Vale's rule has no effect on a Brightwater family."""
    LinkRule.objects.create(council=other_council, words="northgate", category="wages", split=[["PA", 100]])
    assert suggest(t.agreement, payee=NEUTRAL).parts == []


# Adding rules (ADR 10) -------------------------------------------------------------------------------------------


def test_a_family_rule_is_kept_with_its_split(t, parent_user, audit):
    """The family's rule: their agreement, the words, the category and the split, audited (ADR 10)."""
    rule = family_rule(parent_user, t.agreement, [(t.ta, 60), (t.pa, 40)], words="Acme Care")
    assert (rule.scope, rule.agreement_id, rule.words, rule.split) == (
        RuleScope.FAMILY,
        t.agreement.pk,
        "Acme Care",
        [[t.ta.pk, "60"], [t.pa.pk, "40"]],
    )
    assert audit.new[-1].action == "link_rule.added"


def test_a_council_rule_is_kept_for_the_council(t, council):
    """The council's rule has no agreement and names items."""
    rule = council_rule(t.admin, council, [["TA", 50], ["PA", 50]])
    assert (rule.scope, rule.council, rule.split) == (RuleScope.COUNCIL, council, [["TA", "50"], ["PA", "50"]])


@pytest.mark.parametrize("shares", [(60, 39), (60, 41), ("60", "39.99"), (100, 0)])
def test_a_split_that_does_not_add_up_to_100_is_refused(t, parent_user, shares):
    """59%, 101%, 99.99%, or a share of 0%: refused naming the split, no rule made (ADR 10)."""
    with pytest.raises(ValidationError) as exc:
        family_rule(parent_user, t.agreement, [(t.ta, shares[0]), (t.pa, shares[1])])
    assert "split" in exc.value.message_dict
    assert LinkRule.objects.count() == 0


def test_a_split_with_a_fraction_adding_up_to_100_is_accepted(t, parent_user):
    """33.33% and 66.67% add up to exactly 100%."""
    rule = family_rule(parent_user, t.agreement, [(t.ta, "33.33"), (t.pa, "66.67")])
    assert rule.split == [[t.ta.pk, "3333/100"], [t.pa.pk, "6667/100"]]
    assert parts(suggest(t.agreement, "100.00")) == [(t.ta.pk, Decimal("33.33")), (t.pa.pk, Decimal("66.67"))]


def test_a_family_rule_on_another_agreement_s_line_is_refused(t, other_family, parent_user):
    """A line of another family's agreement is not one of this agreement's: refused naming the split."""
    foreign = other_family.agreement.lines.get()
    with pytest.raises(ValidationError) as exc:
        family_rule(parent_user, t.agreement, [(foreign, 100)])
    assert "split" in exc.value.message_dict
    assert LinkRule.objects.count() == 0


@pytest.mark.parametrize("code", ["NOPE", ""])
def test_a_council_rule_naming_an_unknown_item_is_refused(t, council, code):
    """An item code the council's offer does not have, or none, is refused naming the split."""
    with pytest.raises(ValidationError) as exc:
        council_rule(t.admin, council, [[code, 100]])
    assert "split" in exc.value.message_dict
    assert LinkRule.objects.count() == 0


def test_a_council_rule_naming_another_council_s_item_is_refused(t, council, other_council):
    """Kestrel Vale's own item code is not one of Brightwater's."""
    from ehcbudgets.offer.tests.factories import OfferItemFactory

    OfferItemFactory(council=other_council, code="KV-ONLY")
    with pytest.raises(ValidationError) as exc:
        council_rule(t.admin, council, [["KV-ONLY", 100]])
    assert "split" in exc.value.message_dict


@pytest.mark.parametrize("words", ["", "   ", "***"])
def test_a_rule_needs_words(t, parent_user, words):
    """Empty words, or only punctuation, cannot match anything: refused naming the words (ADR 10)."""
    with pytest.raises(ValidationError) as exc:
        family_rule(parent_user, t.agreement, [(t.ta, 100)], words=words)
    assert "words" in exc.value.message_dict
    assert LinkRule.objects.count() == 0


def test_an_empty_split_is_refused(t, parent_user):
    """A rule must say which support it pays for."""
    with pytest.raises(ValidationError) as exc:
        services.link_rule_add(actor=parent_user, agreement=t.agreement, words="acme", category="wages", split=[])
    assert "split" in exc.value.message_dict


@pytest.mark.parametrize("who", ["case_officer", "parent", "other_admin"])
def test_council_rules_need_the_offer_manager_of_the_council(t, council, other_council, make_user, parent_user, who):
    """Only a council administrator of the same council (OFFER_MANAGE) makes council rules; nothing is made."""
    actor = {
        "case_officer": lambda: make_user(Role.CASE_OFFICER, council=council),
        "parent": lambda: parent_user,
        "other_admin": lambda: make_user(Role.COUNCIL_ADMIN, council=other_council),
    }[who]()
    with pytest.raises(PermissionDenied):
        council_rule(actor, council, [["PA", 100]])
    assert LinkRule.objects.count() == 0


def test_another_parent_cannot_add_a_family_rule(t, make_user):
    """A family rule is made only by those who keep the agreement's records."""
    with pytest.raises(PermissionDenied):
        family_rule(make_user(Role.PARENT_CARER), t.agreement, [(t.ta, 100)])
    assert LinkRule.objects.count() == 0


# Can the payments buy this? (DOMAIN R16, R33) --------------------------------------------------------------------


def check(agreement, text, restrictions=(), excluded=()):
    lines = list(agreement.lines.select_related("budget_line__offer_item"))
    return rules.spend_check(text=text, lines=lines, restrictions=list(restrictions), excluded_payees=list(excluded))


@pytest.fixture
def alcohol(council):
    return SpendingRestriction.objects.create(
        council=council, text="Alcohol", keywords="alcohol, beer", reason="It is not part of any agreed support."
    )


def test_an_excluded_payee_is_a_no(one_line):
    """The agreement names someone not to pay: paying them is a "no" naming them (DOMAIN R16)."""
    answer = check(one_line, "Pay Uncle Bob for babysitting", excluded=["Uncle Bob"])
    assert answer.verdict == "no"
    assert "Uncle Bob" in answer.reason


def test_an_excluded_payee_is_matched_as_whole_words(one_line):
    """Excluding "Dan" does not make a dance club a "no" (DOMAIN R16)."""
    assert check(one_line, "Dance club for Saturday mornings", excluded=["Dan"]).verdict != "no"


@pytest.mark.parametrize("text", ["A crate of beer", "ALCOHOL for the party"])
def test_a_restricted_purchase_is_a_no_with_the_restriction_s_words(one_line, alcohol, text):
    """A keyword of a restriction: "no", with the restriction's text and reason (DOMAIN R33)."""
    answer = check(one_line, text, restrictions=[alcohol])
    assert answer.verdict == "no"
    assert answer.reason == "Direct payments cannot be used for alcohol. It is not part of any agreed support."


def test_a_keyword_inside_another_word_is_not_a_restriction(one_line, alcohol):
    """'Beer' inside 'Beeremans Garden Centre' is not beer (DOMAIN R33)."""
    assert check(one_line, "Beeremans sensory garden", restrictions=[alcohol]).verdict != "no"


def test_the_agreed_support_is_a_yes(one_line, alcohol):
    """A personal assistant, on the PA agreement: "yes", naming the line (DOMAIN R16)."""
    answer = check(one_line, "A personal assistant for Saturdays", restrictions=[alcohol])
    assert answer.verdict == "yes"
    assert answer.line == one_line.lines.get()
    assert "Personal assistant support at home" in answer.reason


def test_the_agreed_support_of_one_of_two_lines_is_a_yes(t):
    """On the two-line agreement, a tutor fits the teaching assistant line (DOMAIN R16)."""
    answer = check(t.agreement, "A maths tutor")
    assert (answer.verdict, answer.line) == ("yes", t.ta)


@pytest.mark.parametrize("text", ["A new television", "A new television for the family room"])
def test_something_unrelated_is_an_ask(one_line, alcohol, text):
    """Not restricted and not the agreed support: ask the case officer first."""
    answer = check(one_line, text, restrictions=[alcohol])
    assert answer.verdict == "ask"
    assert "case officer" in answer.reason


@pytest.mark.parametrize("text", ["", "   ", "!!!"])
def test_no_words_is_an_ask(one_line, text):
    """Nothing to check: ask what they would like to buy."""
    assert check(one_line, text).verdict == "ask"
