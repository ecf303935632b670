"""Every change to budget requests, budgets, their lines and decisions (ARCHITECTURE convention 2).

The services check the role as well as the pages do, so no route (page, API, command) can skip a rule.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ehcbudgets.accounts.permissions import Perm, check_perm, check_staff_of
from ehcbudgets.audit.services import audit_record
from ehcbudgets.core.dates import add_months, format_date, today
from ehcbudgets.core.money import format_money
from ehcbudgets.core.services import only_fields
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.letters.services import letter_issue
from ehcbudgets.offer.models import ManagementMode, OfferItem
from ehcbudgets.offer.selectors import offer_items, rate_in_force
from ehcbudgets.people.models import Contact
from ehcbudgets.plans.selectors import current_plan

from . import rules, selectors
from .models import (
    Budget,
    BudgetAlert,
    BudgetLine,
    BudgetRequest,
    BudgetStatus,
    Decision,
    DecisionKind,
    DecisionReviewRequest,
    DirectPaymentCase,
    PanelOutcome,
    PanelReferral,
    RefusalReason,
    RequestStatus,
    RequestWindow,
    ReviewRequestStatus,
)

EDITABLE = (BudgetStatus.DRAFT,)
MODE_ORDER = (ManagementMode.ORGANISED, ManagementMode.DIRECT_PAYMENT, ManagementMode.THIRD_PARTY)


def _audit(actor, action, obj, child, summary, **extra):
    audit_record(actor=actor, action=action, obj=obj, child=child, council=child.council, summary=summary, **extra)


def _letter(*, actor, child, kind, subject, template, context, recipient=None, related=None):
    """Send a letter; the letters app renders it as HTML and PDF, stores it and lists it on the child's page."""
    return letter_issue(
        actor=actor,
        child=child,
        kind=kind,
        subject=subject,
        template_name=template,
        context=context,
        recipient_name=recipient.full_name if recipient else "",
        recipient_address=recipient.address if recipient else "",
        related=related,
    )


# Requests (DOMAIN R1, R2, R35) -----------------------------------------------------------------------------------


@transaction.atomic
def budget_request_record(
    *, actor, child, requester: Contact, channel: str, received_on: date | None = None, what_for: str = ""
) -> BudgetRequest:
    """Record a request for a personal budget, online by the family or by an officer from a letter or call.
    A request with no plan is refused at once with reasons (R1); outside a window it is flagged or refused as the
    council's policy says (R2); it gets a decision target in working days (R35)."""
    received_on = received_on or today()
    if actor.is_family:
        check_perm(actor, Perm.BUDGET_ASK)
        if requester.user_id != actor.pk:
            raise PermissionDenied("You can only ask for a budget as yourself.")
        channel = "online"
        received_on = today()  # a family's online request is received the moment it is sent
    else:
        check_perm(actor, Perm.BUDGET_PREPARE)
        check_staff_of(actor, child.council_id)
    if requester.child_id != child.pk:
        raise ValidationError({"requester": "Choose someone linked to this child"})
    if received_on > today():
        raise ValidationError({"received_on": "The date received must be today or in the past"})
    young_person = child.is_young_person(received_on)
    if not rules.requester_may_ask(relationship=requester.relationship, child_is_young_person=young_person):
        who = "the young person themselves" if young_person else "a parent or carer"
        raise ValidationError({"requester": f"A request for {child.first_name} is made by {who}"})
    # Lock the child: two requests sent at the same moment must not both be recorded as open.
    type(child).objects.select_for_update().filter(pk=child.pk).first()
    if BudgetRequest.objects.filter(child=child, status=RequestStatus.OPEN).exists():
        raise ValidationError({"requester": f"There is already a request for {child.first_name} being worked on"})
    plan = current_plan(child=child)
    policy = policy_in_force(council=child.council, on=received_on)
    eligible = rules.request_is_eligible(plan)
    window = rules.request_window(plan) if eligible else RequestWindow.OUTSIDE
    request = BudgetRequest.objects.create(
        council_id=child.council_id,
        child=child,
        plan=plan,
        requested_by=requester,
        requester_name=requester.full_name,
        channel=channel,
        received_on=received_on,
        window=window,
        what_for=what_for.strip(),
        outside_window=eligible and window == RequestWindow.OUTSIDE,
        decision_due_on=rules.request_decision_due(received_on, policy.decision_target_working_days),
        recorded_by=actor,
    )
    _audit(
        actor,
        "budget_request.recorded",
        request,
        child,
        f"Personal budget requested by {requester.full_name} ({request.get_channel_display().lower()})",
        after={"window": window, "decision_due_on": request.decision_due_on.isoformat()},
    )
    if not eligible:
        _refuse_request(
            actor,
            request,
            RefusalReason.NO_PLAN,
            f"{child.first_name} does not have an EHC plan, and the council is not preparing one. A "
            "personal budget under the Children and Families Act 2014 is prepared for a child or young "
            "person with a plan, or for whom one is being prepared.",
        )
    elif request.outside_window and policy.out_of_window_requests == "refuse":
        _refuse_request(
            actor,
            request,
            RefusalReason.OUTSIDE_WINDOW,
            "The request was made when the plan was not being drafted, reviewed or re-assessed. The "
            "council's policy is to consider requests at those times. You can ask again at the next "
            "review of the plan.",
        )
    return request


def _refuse_request(actor, request: BudgetRequest, code: str, reasons: str) -> None:
    request.status, request.refusal_reason = RequestStatus.REFUSED, reasons
    request.save(update_fields=["status", "refusal_reason"])
    decision = Decision.objects.create(
        council_id=request.council_id,
        request=request,
        kind=DecisionKind.REQUEST_NOT_ELIGIBLE,
        reason_code=code,
        reasons=reasons,
        decided_by=actor,
        decided_on=today(),
    )
    _decision_letter(actor, decision)


# Costing (DOMAIN R4, R5, R6, R8, R9, R27) -------------------------------------------------------------------------


def _default_mode(item: OfferItem) -> str:
    return next(mode for mode in MODE_ORDER if mode in item.allowed_modes)


def _mode_reason(item: OfferItem, mode: str) -> str:
    if item.block_contract:
        return (
            f"Provided through the council's block contract {item.contract_reference}, which serves many "
            "children: taking out one child's share would harm the service to others, so the council arranges it."
        )
    if item.category == "placement":
        return "A place at a school, college or setting is never paid by direct payment."
    return ""


def _price_line(line: BudgetLine, budget: Budget, policy) -> None:
    """Price a line from the rate in force on its start date (R6); raises when the rate card has none."""
    rate = rate_in_force(item=line.offer_item, on=line.start_date)
    if rate is None:
        raise ValidationError(
            {"offer_item": f"{line.offer_item.name} has no rate in force on {format_date(line.start_date)}"}
        )
    per_year = rules.occurrences_per_year(
        frequency=line.frequency,
        delivered_at=line.provision_item.delivered_at,
        weeks_per_year=policy.weeks_per_year,
        term_time_weeks=policy.term_time_weeks,
        terms_per_year=policy.terms_per_year,
    )
    line.rate = rate
    line.occurrences = rules.line_occurrences(
        frequency=line.frequency,
        per_year=per_year,
        start=line.start_date,
        end=line.end_date,
        period_start=budget.period_start,
        period_end=budget.period_end,
    )
    line.amount = rules.line_amount(quantity=line.quantity, rate=rate.amount, occurrences=line.occurrences)


def _retotal(budget: Budget) -> None:
    budget.costed_total = sum((line.amount for line in budget.lines.all()), Decimal("0.00"))
    budget.insufficient = budget.final_amount is not None and not rules.budget_is_sufficient(
        final_amount=budget.final_amount, costed_total=budget.costed_total
    )
    budget.save(update_fields=["costed_total", "insufficient", "updated_at"])


def _lock_budget(budget: Budget) -> Budget:
    return Budget.objects.select_for_update().select_related("child", "council", "plan").get(pk=budget.pk)


def _require_editable(budget: Budget) -> None:
    if budget.status not in EDITABLE:
        raise ValidationError(f"This budget is {budget.get_status_display().lower()}, so its lines cannot change")


@transaction.atomic
def budget_start(
    *,
    actor,
    request: BudgetRequest,
    period_start: date,
    period_end: date | None = None,
    indicative_amount: Decimal | None = None,
) -> Budget:
    """Start costing a budget for an open request: a line for every provision item in F, G, H1 and H2 that the
    local offer can price, with the suggested item and the first mode it allows (R6, R8)."""
    check_perm(actor, Perm.BUDGET_PREPARE)
    check_staff_of(actor, request.council_id)
    request = BudgetRequest.objects.select_for_update().select_related("child").get(pk=request.pk)
    if request.status != RequestStatus.OPEN:
        raise ValidationError("Only an open request can be costed")
    child = request.child
    plan = current_plan(child=child)
    if not rules.request_is_eligible(plan):
        raise ValidationError("The child has no plan that a budget can be built from")
    period_end = period_end or add_months(period_start, 12) - timedelta(days=1)
    if period_end <= period_start:
        raise ValidationError({"period_end": "The end of the budget period must be after its start"})
    if indicative_amount is not None and indicative_amount < 0:
        raise ValidationError({"indicative_amount": "The indicative amount cannot be negative"})
    if Budget.objects.filter(
        request=request, status__in=[BudgetStatus.DRAFT, BudgetStatus.AWAITING_APPROVAL, BudgetStatus.AWAITING_PANEL]
    ).exists():
        raise ValidationError("This request already has a budget being prepared")
    budget = Budget.objects.create(
        council_id=child.council_id,
        request=request,
        child=child,
        plan=plan,
        period_start=period_start,
        period_end=period_end,
        indicative_amount=indicative_amount,
        prepared_by=actor,
    )
    policy = policy_in_force(council=child.council, on=period_start)
    candidates = list(offer_items(council=child.council))
    for provision in plan.provision_items.all():
        item = selectors.suggest_offer_item(provision_item=provision, candidates=candidates)
        if item is None or rate_in_force(item=item, on=period_start) is None:
            continue  # left for the officer to price by hand
        mode = _default_mode(item)
        line = BudgetLine(
            council_id=child.council_id,
            budget=budget,
            provision_item=provision,
            offer_item=item,
            quantity=provision.quantity,
            frequency=provision.frequency,
            start_date=period_start,
            end_date=period_end,
            funding_stream=item.funding_stream,
            funder=item.funder,
            management_mode=mode,
            mode_reason=_mode_reason(item, mode),
            needs_panel=not item.in_local_offer,
        )
        _price_line(line, budget, policy)
        line.save()
    _retotal(budget)
    _audit(
        actor,
        "budget.started",
        budget,
        child,
        f"Started costing a personal budget for {format_date(period_start)} to {format_date(period_end)}",
        after={"lines": budget.lines.count(), "costed_total": str(budget.costed_total)},
    )
    return budget


LINE_FIELDS = {
    "offer_item",
    "management_mode",
    "start_date",
    "end_date",
    "setting_agreement_name",
    "setting_agreement_role",
    "setting_agreement_on",
}


@transaction.atomic
def budget_line_set(*, actor, budget: Budget, provision_item, line: BudgetLine | None = None, **fields) -> BudgetLine:
    """Add or change the line for a provision item: the catalogue item that prices it, how it is held, its dates
    and the setting's agreement. Nothing outside the plan is funded; a mode the rules forbid is refused (R4, R6, R9)."""
    check_perm(actor, Perm.BUDGET_PREPARE)
    check_staff_of(actor, budget.council_id)
    budget = _lock_budget(budget)
    _require_editable(budget)
    only_fields(fields, LINE_FIELDS)
    if provision_item.plan_id != budget.plan_id:
        raise ValidationError(
            {"provision_item": "Choose provision from this child's plan: nothing outside it is funded"}
        )
    if line is None:
        line = BudgetLine.objects.filter(budget=budget, provision_item=provision_item).first()
    elif line.budget_id != budget.pk or line.provision_item_id != provision_item.pk:
        # A line passed in must be this budget's line for this provision: otherwise a line of another budget
        # (an agreed one, or another council's) would change through this one's checks.
        raise ValidationError("That line is not this budget's line for this provision")
    before = None
    if line is None:
        item = fields.get("offer_item")
        if item is None:
            raise ValidationError({"offer_item": "Choose the item in the local offer that prices this provision"})
        line = BudgetLine(
            council_id=budget.council_id,
            budget=budget,
            provision_item=provision_item,
            offer_item=item,
            quantity=provision_item.quantity,
            frequency=provision_item.frequency,
            start_date=budget.period_start,
            end_date=budget.period_end,
            management_mode=_default_mode(item),
        )
    else:
        before = {"offer_item": line.offer_item_id, "management_mode": line.management_mode, "amount": str(line.amount)}
    for name, value in fields.items():
        setattr(line, name, value)
    item = line.offer_item
    if item.council_id != budget.council_id or not item.active:
        raise ValidationError({"offer_item": "Choose an item from this council's local offer"})
    problem = rules.mode_problem(
        mode=line.management_mode,
        category=item.category,
        allowed_modes=item.allowed_modes,
        block_contract=item.block_contract,
        contract_reference=item.contract_reference,
    )
    if problem:
        raise ValidationError({"management_mode": problem})
    if item.unit != provision_item.unit:
        unit = provision_item.get_unit_display().lower()
        raise ValidationError({"offer_item": f"The provision is counted in {unit}s: choose an item priced per {unit}"})
    if not (budget.period_start <= line.start_date <= line.end_date <= budget.period_end):
        raise ValidationError({"start_date": "The line's dates must be within the budget period, start before end"})
    if line.setting_agreement_on and line.setting_agreement_on > today():
        raise ValidationError({"setting_agreement_on": "The date of the setting's agreement must be in the past"})
    line.funding_stream, line.funder = item.funding_stream, item.funder
    line.mode_reason = _mode_reason(item, line.management_mode)
    line.needs_panel = not item.in_local_offer
    _price_line(line, budget, policy_in_force(council=budget.council, on=budget.period_start))
    line.save()
    _retotal(budget)
    _audit(
        actor,
        "budget_line.set",
        line,
        budget.child,
        f"{item.name}: {line.get_management_mode_display().lower()}, {format_money(line.amount)}",
        before=before,
        after={"offer_item": item.pk, "management_mode": line.management_mode, "amount": str(line.amount)},
    )
    return line


@transaction.atomic
def budget_line_remove(*, actor, line: BudgetLine) -> None:
    """Take a line out of a budget being prepared."""
    check_perm(actor, Perm.BUDGET_PREPARE)
    check_staff_of(actor, line.council_id)
    budget = _lock_budget(line.budget)
    _require_editable(budget)
    _audit(
        actor,
        "budget_line.removed",
        line,
        budget.child,
        f"Removed {line.offer_item.name} from the budget",
        before={"amount": str(line.amount)},
    )
    line.delete()
    _retotal(budget)


@transaction.atomic
def budget_recalculate(*, actor, budget: Budget, reason: str) -> Budget:
    """Re-price every line from the plan and the rate card. An agreed budget that no longer covers its lines raises
    an 'insufficient' alert to the case officer (DOMAIN R17)."""
    budget = _lock_budget(budget)
    if budget.status in (BudgetStatus.REFUSED, BudgetStatus.SUPERSEDED):
        return budget
    policy = policy_in_force(council=budget.council, on=budget.period_start)
    before = str(budget.costed_total)
    for line in budget.lines.select_related("provision_item", "offer_item"):
        line.quantity, line.frequency = line.provision_item.quantity, line.provision_item.frequency
        _price_line(line, budget, policy)
        line.save(update_fields=["quantity", "frequency", "rate", "occurrences", "amount"])
    _retotal(budget)
    if str(budget.costed_total) != before:
        _audit(
            actor,
            "budget.recalculated",
            budget,
            budget.child,
            f"Budget recalculated ({reason}): lines now cost {format_money(budget.costed_total)}",
            before={"costed_total": before},
            after={"costed_total": str(budget.costed_total)},
        )
    if budget.status == BudgetStatus.APPROVED and budget.insufficient:
        BudgetAlert.objects.get_or_create(
            council_id=budget.council_id,
            budget=budget,
            kind="insufficient",
            resolved_on=None,
            defaults={
                "raised_on": today(),
                "message": (
                    f"The agreed budget of {format_money(budget.final_amount)} no longer covers its lines, which "
                    f"now cost {format_money(budget.costed_total)} ({reason}). Review the direct payments."
                ),
            },
        )
    return budget


# Direct payments: recipient and the four findings (DOMAIN R10, R11, R12) ----------------------------------------


@transaction.atomic
def direct_payment_case_record(
    *,
    actor,
    budget: Budget,
    recipient: Contact,
    will_secure_provision: str = "",
    best_interests: str = "",
    no_harm_to_services: str = "",
    efficient_use: str = "",
) -> DirectPaymentCase:
    """Record who would receive the direct payments and the council's evidence for each R12 finding."""
    check_perm(actor, Perm.BUDGET_PREPARE)
    check_staff_of(actor, budget.council_id)
    budget = _lock_budget(budget)
    if budget.status in (BudgetStatus.APPROVED, BudgetStatus.REFUSED, BudgetStatus.SUPERSEDED):
        raise ValidationError("The budget has been decided: its direct payment findings cannot change")
    if recipient.child_id != budget.child_id:
        raise ValidationError({"recipient": "Choose someone linked to this child"})
    evidence = {
        "will_secure_provision": will_secure_provision.strip(),
        "best_interests": best_interests.strip(),
        "no_harm_to_services": no_harm_to_services.strip(),
        "efficient_use": efficient_use.strip(),
    }
    case, _ = DirectPaymentCase.objects.update_or_create(
        budget=budget,
        defaults={"council_id": budget.council_id, "recipient": recipient, "recorded_by": actor, **evidence},
    )
    _audit(
        actor,
        "direct_payment_case.recorded",
        case,
        budget.child,
        f"Recorded direct payment findings for {recipient.full_name}",
        after={"recipient": recipient.pk, **evidence},
    )
    return case


# Submission, panel, approval, refusal (DOMAIN R5, R12, R14) ------------------------------------------------------


@transaction.atomic
def budget_submit(*, actor, budget: Budget, final_amount: Decimal) -> Budget:
    """Send a costed budget for approval (or to the SEN panel first, where lines are outside the local offer).
    A final amount below the costed lines is insufficient and cannot go forward (R5)."""
    check_perm(actor, Perm.BUDGET_PREPARE)
    check_staff_of(actor, budget.council_id)
    budget = _lock_budget(budget)
    _require_editable(budget)
    if final_amount is None or final_amount < 0:
        raise ValidationError({"final_amount": "Enter the final amount of the budget"})
    if not rules.budget_is_sufficient(final_amount=final_amount, costed_total=budget.costed_total):
        raise ValidationError(
            {
                "final_amount": f"The final amount must be at least the costed lines, "
                f"{format_money(budget.costed_total)}, or the budget is insufficient"
            }
        )
    budget.final_amount, budget.insufficient = final_amount, False
    needs_panel = (
        budget.lines.filter(needs_panel=True).exists()
        and not budget.panel_referrals.filter(outcome=PanelOutcome.AGREED).exists()
    )
    if not needs_panel:
        blockers = [b for b in selectors.approval_blockers(budget=budget) if "SEN panel" not in b]
        if blockers:
            raise ValidationError(blockers)
    budget.status = BudgetStatus.AWAITING_PANEL if needs_panel else BudgetStatus.AWAITING_APPROVAL
    budget.submitted_at, budget.submitted_by = timezone.now(), actor
    budget.save(update_fields=["final_amount", "insufficient", "status", "submitted_at", "submitted_by", "updated_at"])
    if needs_panel and not budget.panel_referrals.filter(outcome="").exists():
        names = ", ".join(sorted({line.offer_item.name for line in budget.lines.filter(needs_panel=True)}))
        PanelReferral.objects.create(
            council_id=budget.council_id,
            budget=budget,
            referred_by=actor,
            referred_on=today(),
            question=f"Items outside the local offer: {names}",
        )
    _audit(
        actor,
        "budget.submitted",
        budget,
        budget.child,
        f"Budget of {format_money(final_amount)} sent {'to the SEN panel' if needs_panel else 'for approval'}",
        after={"final_amount": str(final_amount), "status": budget.status},
    )
    return budget


@transaction.atomic
def panel_decide(*, actor, referral: PanelReferral, outcome: str, reasons: str) -> PanelReferral:
    """Record the SEN panel's decision, with reasons; an agreed budget goes on for approval."""
    check_perm(actor, Perm.PANEL_DECIDE)
    check_staff_of(actor, referral.council_id)
    budget = _lock_budget(referral.budget)  # budget before referral, the order every service locks in
    referral = PanelReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.outcome:
        raise ValidationError("The panel has already decided this referral")
    if budget.status != BudgetStatus.AWAITING_PANEL:
        # A budget refused (or otherwise decided) while at the panel must not come back to life through it.
        raise ValidationError(
            f"This budget is no longer waiting for the SEN panel; it is {budget.get_status_display().lower()}"
        )
    if outcome not in PanelOutcome.values:
        raise ValidationError({"outcome": "Select the panel's decision"})
    if not reasons.strip():
        raise ValidationError({"reasons": "Enter the panel's reasons"})
    referral.outcome, referral.reasons, referral.decided_by, referral.decided_on = (
        outcome,
        reasons.strip(),
        actor,
        today(),
    )
    referral.save()
    budget.status = BudgetStatus.AWAITING_APPROVAL if outcome == PanelOutcome.AGREED else BudgetStatus.DRAFT
    budget.save(update_fields=["status", "updated_at"])
    _audit(
        actor,
        "panel.decided",
        referral,
        budget.child,
        f"SEN panel {referral.get_outcome_display().lower()}: {referral.reasons[:150]}",
        after={"outcome": outcome},
    )
    return referral


def _decision_letter(actor, decision: Decision) -> None:
    request = decision.request
    templates = {
        DecisionKind.APPROVE: ("budget_decision", "letters/budget_decision.html", "Your child's personal budget"),
        DecisionKind.REFUSE_BUDGET: (
            "budget_refusal",
            "letters/refusal.html",
            "Decision on your request for a personal budget",
        ),
        DecisionKind.REFUSE_DIRECT_PAYMENT: (
            "direct_payment_refusal",
            "letters/refusal.html",
            "Decision on a direct payment",
        ),
        DecisionKind.REQUEST_NOT_ELIGIBLE: (
            "budget_request_refused",
            "letters/refusal.html",
            "Decision on your request for a personal budget",
        ),
    }
    kind, template, subject = templates[DecisionKind(decision.kind)]
    budget = decision.budget
    context = {
        "decision": decision,
        "request": request,
        "child": request.child,
        "budget": budget,
        "lines": list(selectors.lines_of(budget=budget)) if budget else [],
        "totals": selectors.totals(budget=budget) if budget else None,
    }
    letter = _letter(
        actor=actor,
        child=request.child,
        kind=kind,
        subject=subject,
        template=template,
        context=context,
        recipient=request.requested_by,
        related=decision,
    )
    decision.letter = letter
    decision.save(update_fields=["letter"])


@transaction.atomic
def budget_approve(*, actor, budget: Budget) -> Budget:
    """Agree the budget. A different manager from the officer who prepared it, and only when nothing blocks it
    (maker-checker; DOMAIN R5, R9 to R13). The family gets the decision in writing."""
    check_perm(actor, Perm.BUDGET_DECIDE)
    check_staff_of(actor, budget.council_id)
    budget = _lock_budget(budget)
    if actor.pk in (budget.prepared_by_id, budget.submitted_by_id):
        raise PermissionDenied("You prepared this budget, so another manager must approve it.")
    if budget.status != BudgetStatus.AWAITING_APPROVAL:
        raise ValidationError(
            f"Only a budget waiting for approval can be agreed; this one is {budget.get_status_display().lower()}"
        )
    blockers = selectors.approval_blockers(budget=budget)
    if blockers:
        raise ValidationError(blockers)
    Budget.objects.filter(plan=budget.plan, status=BudgetStatus.APPROVED).update(status=BudgetStatus.SUPERSEDED)
    budget.status, budget.approved_by, budget.decided_on = BudgetStatus.APPROVED, actor, today()
    budget.save(update_fields=["status", "approved_by", "decided_on", "updated_at"])
    BudgetRequest.objects.filter(pk=budget.request_id).update(status=RequestStatus.DECIDED)
    decision = Decision.objects.create(
        council_id=budget.council_id,
        budget=budget,
        request=budget.request,
        kind=DecisionKind.APPROVE,
        decided_by=actor,
        decided_on=today(),
    )
    _audit(
        actor,
        "budget.approved",
        budget,
        budget.child,
        f"Personal budget of {format_money(budget.final_amount)} agreed",
        after={"status": budget.status},
    )
    _decision_letter(actor, decision)
    return budget


def _check_refusal(reason_code: str, reasons: str) -> None:
    errors = {}
    if reason_code not in RefusalReason.values:
        errors["reason_code"] = "Select the reason for the refusal"
    if not (reasons or "").strip():
        errors["reasons"] = "Explain the reasons in words the family will understand"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def budget_refuse(*, actor, budget: Budget, reason_code: str, reasons: str) -> Decision:
    """Refuse a budget with a reason code and reasons in words; the letter states the right to ask for a review,
    then a complaint and the Ombudsman (DOMAIN R14). Never by the officer who prepared it."""
    check_perm(actor, Perm.BUDGET_DECIDE)
    check_staff_of(actor, budget.council_id)
    budget = _lock_budget(budget)
    if actor.pk in (budget.prepared_by_id, budget.submitted_by_id):
        raise PermissionDenied("You prepared this budget, so another manager must decide it.")
    if budget.status not in (BudgetStatus.AWAITING_APPROVAL, BudgetStatus.AWAITING_PANEL, BudgetStatus.DRAFT):
        raise ValidationError("This budget has already been decided")
    _check_refusal(reason_code, reasons)
    budget.status, budget.decided_on = BudgetStatus.REFUSED, today()
    budget.save(update_fields=["status", "decided_on", "updated_at"])
    BudgetRequest.objects.filter(pk=budget.request_id).update(status=RequestStatus.DECIDED)
    decision = Decision.objects.create(
        council_id=budget.council_id,
        budget=budget,
        request=budget.request,
        kind=DecisionKind.REFUSE_BUDGET,
        reason_code=reason_code,
        reasons=reasons.strip(),
        decided_by=actor,
        decided_on=today(),
    )
    _audit(
        actor,
        "budget.refused",
        budget,
        budget.child,
        f"Personal budget refused: {decision.get_reason_code_display()}",
        after={"reason_code": reason_code, "reasons": decision.reasons},
    )
    _decision_letter(actor, decision)
    return decision


@transaction.atomic
def direct_payment_refuse(*, actor, line: BudgetLine, reason_code: str, reasons: str) -> Decision:
    """Refuse a direct payment for one line, with reasons and review rights (R12, R14); the council arranges it.
    Never by whoever prepared the budget (maker-checker)."""
    check_perm(actor, Perm.BUDGET_DECIDE)
    check_staff_of(actor, line.council_id)
    budget = _lock_budget(line.budget)
    if actor.pk in (budget.prepared_by_id, budget.submitted_by_id):
        raise PermissionDenied("You prepared this budget, so another manager must decide it.")
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if line.management_mode not in selectors.PAID_TO_FAMILY:
        raise ValidationError("This line is not a direct payment")
    if budget.status in (BudgetStatus.REFUSED, BudgetStatus.SUPERSEDED):
        raise ValidationError("This budget has been refused or replaced")
    _check_refusal(reason_code, reasons)
    before = line.management_mode
    line.management_mode, line.mode_reason = ManagementMode.ORGANISED, reasons.strip()
    line.save(update_fields=["management_mode", "mode_reason"])
    decision = Decision.objects.create(
        council_id=budget.council_id,
        budget=budget,
        request=budget.request,
        line=line,
        kind=DecisionKind.REFUSE_DIRECT_PAYMENT,
        reason_code=reason_code,
        reasons=reasons.strip(),
        decided_by=actor,
        decided_on=today(),
    )
    _audit(
        actor,
        "direct_payment.refused",
        line,
        budget.child,
        f"Direct payment refused for {line.offer_item.name}: {decision.get_reason_code_display()}",
        before={"management_mode": before},
        after={"management_mode": line.management_mode},
    )
    _decision_letter(actor, decision)
    return decision


# Reviews of decisions (DOMAIN R14) -------------------------------------------------------------------------------


@transaction.atomic
def decision_review_request(
    *, actor, decision: Decision, grounds: str, requested_on: date | None = None
) -> DecisionReviewRequest:
    """Ask for a refusal to be reviewed: the family online, or an officer recording a letter or call. One per decision;
    it becomes a task the council must consider."""
    child = decision.request.child
    if actor.is_family:
        if not child.contacts.filter(user=actor).exists():
            raise PermissionDenied("You can ask for a review of your own child's decisions only.")
    else:
        check_perm(actor, Perm.BUDGET_PREPARE)
        check_staff_of(actor, decision.council_id)
    if not decision.is_refusal:
        raise ValidationError("Only a refusal can be reviewed")
    if DecisionReviewRequest.objects.filter(decision=decision).exists():
        raise ValidationError("A review of this decision has already been asked for")
    if not (grounds or "").strip():
        raise ValidationError({"grounds": "Tell us why you think the decision should change"})
    requested_on = requested_on or today()
    if requested_on > today() or requested_on < decision.decided_on:
        raise ValidationError({"requested_on": "The date must be between the decision and today"})
    review = DecisionReviewRequest.objects.create(
        council_id=decision.council_id, decision=decision, requested_on=requested_on, grounds=grounds.strip()
    )
    _audit(
        actor,
        "decision_review.requested",
        review,
        child,
        f"Review asked for: {decision.get_kind_display()}",
        after={"grounds": review.grounds},
    )
    return review


@transaction.atomic
def decision_review_decide(
    *, actor, review: DecisionReviewRequest, upheld: bool, reasons: str
) -> DecisionReviewRequest:
    """Consider a review request and send the outcome in writing with reasons (R14). The reviewer is not the person
    who made the decision. A changed refusal goes back to the officer to cost or re-decide."""
    check_perm(actor, Perm.DECISION_REVIEW)
    check_staff_of(actor, review.council_id)
    review = (
        DecisionReviewRequest.objects.select_for_update().select_related("decision__request__child").get(pk=review.pk)
    )
    decision = review.decision
    if review.status != ReviewRequestStatus.OPEN:
        raise ValidationError("This review has already been decided")
    if decision.decided_by_id == actor.pk:
        raise PermissionDenied("You made the decision, so another manager must review it.")
    if not (reasons or "").strip():
        raise ValidationError({"reasons": "Explain the outcome and the reasons"})
    review.status = ReviewRequestStatus.UPHELD if upheld else ReviewRequestStatus.CHANGED
    review.outcome_reasons, review.decided_by, review.decided_on = reasons.strip(), actor, today()
    if not upheld:
        another_open = BudgetRequest.objects.filter(child_id=decision.request.child_id, status=RequestStatus.OPEN)
        if (
            decision.kind in (DecisionKind.REFUSE_BUDGET, DecisionKind.REQUEST_NOT_ELIGIBLE)
            and not another_open.exists()
        ):
            BudgetRequest.objects.filter(pk=decision.request_id).update(status=RequestStatus.OPEN)
        if decision.kind == DecisionKind.REFUSE_BUDGET and decision.budget_id:
            Budget.objects.filter(pk=decision.budget_id).update(status=BudgetStatus.DRAFT, decided_on=None)
    child = decision.request.child
    review.letter = _letter(
        actor=actor,
        child=child,
        kind="decision_review_outcome",
        subject="The outcome of the review you asked for",
        template="letters/review_outcome.html",
        context={"review": review, "decision": decision, "child": child},
        recipient=decision.request.requested_by,
        related=review,
    )
    review.save()
    _audit(
        actor,
        "decision_review.decided",
        review,
        child,
        f"Review of the decision: {review.get_status_display().lower()}",
        after={"status": review.status},
    )
    return review


# Section J (DOMAIN R7) -------------------------------------------------------------------------------------------


@transaction.atomic
def section_j_issue(*, actor, budget: Budget) -> Budget:
    """Write Section J from the agreed budget: per line the provision, outcomes, funding stream, mode and amount, and
    the direct payment arrangements. A plan with an agreed budget cannot be final without it (R7)."""
    check_perm(actor, Perm.BUDGET_PREPARE)
    check_staff_of(actor, budget.council_id)
    budget = _lock_budget(budget)
    if budget.status != BudgetStatus.APPROVED:
        raise ValidationError("Section J is written from an agreed budget")
    if budget.section_j_id:
        raise ValidationError("Section J has already been written for this budget")
    lines = list(selectors.lines_of(budget=budget))
    context = {
        "budget": budget,
        "child": budget.child,
        "lines": lines,
        "totals": selectors.totals(budget=budget),
        "direct_payment_case": getattr(budget, "direct_payment_case", None),
        "paid_lines": [line for line in lines if line.management_mode in selectors.PAID_TO_FAMILY],
    }
    budget.section_j = _letter(
        actor=actor,
        child=budget.child,
        kind="section_j",
        subject=f"Section J: personal budget for {budget.child.full_name}",
        template="letters/section_j.html",
        context=context,
        recipient=budget.request.requested_by,
        related=budget,
    )
    budget.save(update_fields=["section_j", "updated_at"])
    _audit(actor, "section_j.issued", budget, budget.child, "Section J written from the agreed budget")
    return budget
