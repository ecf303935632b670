"""Every change to plans, outcomes, provision and reviews (ARCHITECTURE convention 2)."""

from datetime import date

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from ehcbudgets.audit.services import audit_record, snapshot
from ehcbudgets.core.dates import format_date, today
from ehcbudgets.core.services import apply_changes, only_fields, unchanged, validate_and_save
from ehcbudgets.people import rules as age_rules

from . import rules, signals
from .models import SECTION_DEFAULT_STREAM, Outcome, Plan, PlanReview, PlanStatus, ProvisionItem, ReviewDecision

OUTCOME_FIELDS = {"text", "by_when"}
PROVISION_FIELDS = {"section", "description", "quantity", "unit", "frequency", "delivered_at", "funding_stream"}
LOCKED_MESSAGE = "This plan is {status}: start a review or a re-assessment before changing it"


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().select_related("child").get(pk=plan.pk)


def section_j_missing(plan: Plan) -> bool:
    """A plan with an agreed personal budget cannot be made final without its Section J (DOMAIN R7)."""
    budget = apps.get_model("budgets", "Budget")  # budgets depend on plans, not the other way round
    return budget.objects.filter(plan=plan, status="approved", section_j__isnull=True).exists()


def _require_editable(plan: Plan) -> None:
    if not plan.is_editable:
        raise ValidationError(LOCKED_MESSAGE.format(status=plan.get_status_display().lower()))


def _plan_audit(actor, action, plan, summary, before=None, after=None, obj=None):
    audit_record(
        actor=actor,
        action=action,
        obj=obj or plan,
        child=plan.child,
        council=plan.council,
        summary=summary,
        before=before,
        after=after,
    )


@transaction.atomic
def plan_create(*, actor, child, status: str = PlanStatus.NEEDS_ASSESSMENT, on: date | None = None) -> Plan:
    """Start a plan for a child under 25 who has no open plan (DOMAIN glossary: young person under 25)."""
    on = on or today()
    if status not in (PlanStatus.NEEDS_ASSESSMENT, PlanStatus.DRAFT):
        raise ValidationError({"status": "A new plan starts at needs assessment or draft"})
    if not age_rules.may_have_plan_on(child.date_of_birth, on):
        raise ValidationError(
            {
                "child": f"{child.full_name} is 25 or over, so cannot have an EHC plan "
                f"(25th birthday {format_date(child.twenty_fifth_birthday)})"
            }
        )
    if Plan.objects.filter(child=child).exclude(status=PlanStatus.CEASED).exists():
        raise ValidationError({"child": f"{child.full_name} already has a plan that has not ceased"})
    plan = Plan(council_id=child.council_id, child=child, status=status)
    validate_and_save(plan)
    _plan_audit(
        actor,
        "plan.created",
        plan,
        f"Started an EHC plan ({plan.get_status_display().lower()})",
        after={"status": status},
    )
    return plan


def _move_status(plan: Plan, status: str, on: date, reason: str) -> dict:
    """Check and make a status move on a locked plan; returns the values before it (the caller writes the event)."""
    if status not in PlanStatus.values:
        raise ValidationError({"status": "Choose a status"})
    if not rules.plan_status_move_allowed(plan.status, status):
        raise ValidationError(
            {
                "status": f"A plan cannot move from {plan.get_status_display().lower()} to "
                f"{PlanStatus(status).label.lower()}"
            }
        )
    if on > today():
        raise ValidationError({"on": "The date must be today or in the past"})
    before = {"status": plan.status, "issued_on": plan.issued_on and plan.issued_on.isoformat()}
    if status == PlanStatus.FINAL and section_j_missing(plan):
        raise ValidationError(
            {"status": "The plan has an agreed personal budget, so write its Section J before making the plan final"}
        )
    if status == PlanStatus.FINAL and plan.issued_on is None:
        if not age_rules.may_have_plan_on(plan.child.date_of_birth, on):
            raise ValidationError({"status": "A plan cannot be issued on or after the 25th birthday"})
        plan.issued_on = on
    if status == PlanStatus.CEASED:
        if not reason.strip():
            raise ValidationError({"reason": "Enter the reason the plan is ceasing"})
        plan.ceased_on, plan.ceased_reason = on, reason.strip()
    plan.status = status
    plan.save()
    return before


@transaction.atomic
def plan_set_status(*, actor, plan: Plan, status: str, on: date | None = None, reason: str = "") -> Plan:
    """Move a plan to a new status, refusing moves the process does not allow."""
    plan = _lock(plan)
    before = _move_status(plan, status, on or today(), reason)
    _plan_audit(
        actor,
        "plan.status_changed",
        plan,
        f"Plan moved from {PlanStatus(before['status']).label.lower()} to {plan.get_status_display().lower()}",
        before=before,
        after={"status": status, "issued_on": plan.issued_on and plan.issued_on.isoformat(), "reason": reason.strip()},
    )
    return plan


def _check_outcome_links(plan: Plan, outcomes) -> list[Outcome]:
    outcomes = list(outcomes or [])
    if any(o.plan_id != plan.pk for o in outcomes):
        raise ValidationError({"outcomes": "Choose outcomes from this plan"})
    return outcomes


@transaction.atomic
def outcome_create(*, actor, plan: Plan, text: str, by_when: date | None = None) -> Outcome:
    """Add a section E outcome."""
    plan = _lock(plan)
    _require_editable(plan)
    outcome = Outcome(council_id=plan.council_id, plan=plan, text=(text or "").strip(), by_when=by_when)
    validate_and_save(outcome)
    _plan_audit(
        actor,
        "outcome.created",
        plan,
        f"Added outcome: {outcome.text[:120]}",
        obj=outcome,
        after=snapshot(outcome, exclude=("created_at",)),
    )
    return outcome


@transaction.atomic
def outcome_update(*, actor, outcome: Outcome, **fields) -> Outcome:
    """Change a section E outcome."""
    plan = _lock(outcome.plan)
    _require_editable(plan)
    outcome = Outcome.objects.get(pk=outcome.pk)
    if "text" in fields:
        fields["text"] = (fields["text"] or "").strip()
    before, _ = apply_changes(outcome, only_fields(fields, OUTCOME_FIELDS))
    if unchanged(outcome, before):
        return outcome
    validate_and_save(outcome)
    _plan_audit(
        actor,
        "outcome.updated",
        plan,
        f"Changed outcome: {outcome.text[:120]}",
        obj=outcome,
        before=before,
        after=snapshot(outcome),
    )
    return outcome


@transaction.atomic
def provision_create(*, actor, plan: Plan, outcomes=(), **fields) -> ProvisionItem:
    """Add provision to section F, G, H1 or H2, linked to the outcomes it serves."""
    plan = _lock(plan)
    _require_editable(plan)
    fields = only_fields(fields, PROVISION_FIELDS)
    if not fields.get("funding_stream") and fields.get("section") in SECTION_DEFAULT_STREAM:
        fields["funding_stream"] = SECTION_DEFAULT_STREAM[fields["section"]]
    item = ProvisionItem(council_id=plan.council_id, plan=plan, **fields)
    outcomes = _check_outcome_links(plan, outcomes)
    validate_and_save(item)
    item.outcomes.set(outcomes)
    signals.provision_changed.send(sender=ProvisionItem, plan=plan, item=item, actor=actor)
    _plan_audit(
        actor,
        "provision.created",
        plan,
        f"Added section {item.section} provision: {item.description[:100]}",
        obj=item,
        after=snapshot(item, exclude=("created_at",)),
    )
    return item


@transaction.atomic
def provision_update(*, actor, item: ProvisionItem, outcomes=None, **fields) -> ProvisionItem:
    """Change provision; outcomes, when given, replace the outcomes it serves."""
    plan = _lock(item.plan)
    _require_editable(plan)
    item = ProvisionItem.objects.get(pk=item.pk)
    before, _ = apply_changes(item, only_fields(fields, PROVISION_FIELDS))
    new_outcomes = None if outcomes is None else _check_outcome_links(plan, outcomes)
    same_outcomes = new_outcomes is None or {o.pk for o in new_outcomes} == set(before.get("outcomes") or [])
    if unchanged(item, before) and same_outcomes:
        return item
    validate_and_save(item)
    if new_outcomes is not None:
        item.outcomes.set(new_outcomes)
    signals.provision_changed.send(sender=ProvisionItem, plan=plan, item=item, actor=actor)
    _plan_audit(
        actor,
        "provision.updated",
        plan,
        f"Changed section {item.section} provision: {item.description[:100]}",
        obj=item,
        before=before,
        after=snapshot(item, exclude=("created_at",)),
    )
    return item


@transaction.atomic
def provision_delete(*, actor, item: ProvisionItem) -> None:
    """Remove provision from a plan that is still being drafted, reviewed or re-assessed."""
    plan = _lock(item.plan)
    _require_editable(plan)
    before = snapshot(item, exclude=("created_at",))
    _plan_audit(
        actor,
        "provision.removed",
        plan,
        f"Removed section {item.section} provision: {item.description[:100]}",
        obj=item,
        before=before,
    )
    signals.provision_removing.send(sender=ProvisionItem, plan=plan, item=item, actor=actor)
    item.delete()


@transaction.atomic
def plan_review_record(*, actor, plan: Plan, meeting_date: date, notes: str = "") -> PlanReview:
    """Record a review meeting; the plan is under review until the council decides (DOMAIN R28)."""
    plan = _lock(plan)
    if plan.status != PlanStatus.FINAL:
        raise ValidationError({"meeting_date": "Only a final plan can be reviewed"})
    if meeting_date > today():
        raise ValidationError({"meeting_date": "The meeting date must be today or in the past"})
    if meeting_date < plan.issued_on:
        raise ValidationError(
            {"meeting_date": f"The meeting date must be on or after the plan was issued, {format_date(plan.issued_on)}"}
        )
    last = PlanReview.objects.filter(plan=plan).order_by("-meeting_date").first()
    if last and meeting_date <= last.meeting_date:
        raise ValidationError(
            {"meeting_date": f"The meeting date must be after the last review, {format_date(last.meeting_date)}"}
        )
    review = PlanReview(council_id=plan.council_id, plan=plan, meeting_date=meeting_date, notes=notes.strip())
    validate_and_save(review)
    before = {"status": plan.status}
    plan.status = PlanStatus.UNDER_REVIEW
    plan.save(update_fields=["status", "updated_at"])
    _plan_audit(
        actor,
        "plan_review.recorded",
        plan,
        f"Recorded a review meeting on {format_date(meeting_date)}",
        obj=review,
        before=before,
        after={"meeting_date": meeting_date.isoformat(), "notes": review.notes, "status": plan.status},
    )
    return review


REVIEW_DECISION_STATUS = {
    ReviewDecision.MAINTAIN: PlanStatus.FINAL,
    ReviewDecision.AMEND: PlanStatus.DRAFT,
    ReviewDecision.CEASE: PlanStatus.CEASED,
}


@transaction.atomic
def plan_review_decide(
    *, actor, review: PlanReview, decision: str, decided_on: date | None = None, reason: str = ""
) -> PlanReview:
    """Record the decision after a review: maintain, amend or cease, due within 4 weeks (DOMAIN R28)."""
    plan = _lock(review.plan)
    review = PlanReview.objects.select_for_update().get(pk=review.pk)
    decided_on = decided_on or today()
    if review.decision:
        raise ValidationError({"decision": "A decision has already been recorded for this review"})
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": "Choose maintain, amend or cease"})
    if decided_on < review.meeting_date or decided_on > today():
        raise ValidationError({"decided_on": "The decision date must be between the meeting date and today"})
    # A cease decision needs its reason, as any ceasing does (_move_status checks it). One audit event covers the
    # decision and the status move it makes, so the timeline shows one change per action.
    before = _move_status(plan, REVIEW_DECISION_STATUS[ReviewDecision(decision)], decided_on, reason)
    review.decision, review.decision_issued_on = decision, decided_on
    review.save()
    _plan_audit(
        actor,
        "plan_review.decided",
        plan,
        f"Review decision: {review.get_decision_display().lower()}"
        + (" (after the 4-week deadline)" if review.decision_late else ""),
        obj=review,
        before=before,
        after={
            "decision": decision,
            "decided_on": decided_on.isoformat(),
            "status": plan.status,
            "issued_on": plan.issued_on and plan.issued_on.isoformat(),
            "reason": reason.strip(),
        },
    )
    return review
