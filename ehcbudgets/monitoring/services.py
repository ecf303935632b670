"""Every change to monitoring goes through here: sweeps of the rules, the findings they raise and how each moves
(raised with the family, answered, resolved, escalated to a recovery), reviews of direct payments and their
outcomes, and reminders (DOMAIN R16 to R23, R26, R28, R29, R31 to R33; ADR 11)."""

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from ehcbudgets.accounts.permissions import Perm, check_perm, check_staff_of, has_perm
from ehcbudgets.audit.services import audit_record
from ehcbudgets.core.dates import add_working_days, format_date, today
from ehcbudgets.core.money import format_money
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.letters.models import LetterKind
from ehcbudgets.letters.services import letter_issue
from ehcbudgets.payments import services as payments
from ehcbudgets.payments.models import Agreement, StopGround
from ehcbudgets.people.models import Contact
from ehcbudgets.plans.models import Outcome
from ehcbudgets.spending import files
from ehcbudgets.spending.services import evidence_due, keeps_records

from . import sweeps
from .models import (
    OPEN_FINDING_STATUSES,
    DpReview,
    Finding,
    FindingNote,
    FindingStatus,
    OutcomeProgress,
    Progress,
    Reminder,
    ReviewOutcome,
    ReviewStatus,
    ReviewTrigger,
    Sweep,
    SweepKind,
    SweepStatus,
)

logger = logging.getLogger(__name__)

BATCH = 200
STALE_AFTER = timedelta(hours=6)
MAX_EVIDENCE_BYTES = files.MAX_RECEIPT_BYTES


def _audit(actor, action, obj, agreement, summary, **extra):
    audit_record(
        actor=actor, action=action, obj=obj, child=agreement.child, council=agreement.council, summary=summary, **extra
    )


# Sweeps -------------------------------------------------------------------------------------------------------------


@transaction.atomic
def sweep_start(*, actor, council, kind: str = SweepKind.INCREMENTAL) -> Sweep:
    """Queue a check of the monitoring rules as a background task: an incremental one looks only at what changed
    since the last finished check (everything, the first time); a full one re-checks everything. One at a time per
    council. `actor` None is the daily schedule."""
    if actor is not None:
        check_perm(actor, Perm.MONITORING_RUN)
        check_staff_of(actor, council.pk)
    if kind not in SweepKind.values:
        raise ValidationError({"kind": "Choose what to check"})
    type(council).objects.select_for_update().get(pk=council.pk)  # one sweep starts at a time per council
    # A worker stopped mid-check (a deploy, a crash) leaves its sweep unfinished: after a while it no longer blocks.
    Sweep.objects.filter(
        council=council,
        status__in=[SweepStatus.QUEUED, SweepStatus.RUNNING],
        created_at__lt=timezone.now() - STALE_AFTER,
    ).update(status=SweepStatus.FAILED, error="Stopped without finishing", finished_at=timezone.now())
    if Sweep.objects.filter(council=council, status__in=[SweepStatus.QUEUED, SweepStatus.RUNNING]).exists():
        raise ValidationError("A check is already waiting or running: wait for it to finish")
    last = Sweep.objects.filter(council=council, status=SweepStatus.FINISHED).order_by("-started_at").first()
    sweep = Sweep.objects.create(
        council=council,
        kind=kind,
        on=today(),
        since=last.started_at if kind == SweepKind.INCREMENTAL and last else None,
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="monitoring.sweep_started",
        obj=sweep,
        council=council,
        summary=f"{sweep.get_kind_display()} check of the monitoring rules started",
    )
    from . import tasks  # the task module imports this one

    tasks.run_sweep.enqueue(sweep.pk)
    sweep.refresh_from_db()  # the immediate backend (tests, the demo) has already run it
    return sweep


def sweep_run(*, sweep_id: int) -> Sweep:
    """Run a queued sweep in batches, each committed on its own so its progress shows, adding each finding once;
    then add the reviews now due and write the summary. A failure is recorded on the sweep (ADR 11)."""
    sweep = Sweep.objects.select_related("council").get(pk=sweep_id)
    if sweep.status != SweepStatus.QUEUED:
        return sweep
    council = sweep.council
    started = timezone.now()
    # Claimed by a conditional update: if two workers pick the same task, only one moves it from queued to running.
    claimed = Sweep.objects.filter(pk=sweep.pk, status=SweepStatus.QUEUED).update(
        status=SweepStatus.RUNNING, started_at=started
    )
    if not claimed:
        sweep.refresh_from_db()
        return sweep
    sweep.status, sweep.started_at = SweepStatus.RUNNING, started
    try:
        if sweep.since is None or sweeps.council_rules_changed(council=council, since=sweep.since):
            scope = sorted(sweeps.live_agreements(council).values_list("pk", flat=True))
        else:
            scope = sorted(sweeps.changed_since(council=council, since=sweep.since, on=sweep.on))
        sweep.total = len(scope)
        Sweep.objects.filter(pk=sweep.pk).update(total=sweep.total)
        summary: dict[str, int] = {}
        for first in range(0, len(scope), BATCH):
            batch = scope[first : first + BATCH]
            with transaction.atomic():
                hits = sweeps.hits_for(council=council, agreement_ids=batch, on=sweep.on)
                for rule, count in _add_findings(council, hits, sweep).items():
                    summary[rule] = summary.get(rule, 0) + count
                sweep.checked += len(batch)
                Sweep.objects.filter(pk=sweep.pk).update(checked=sweep.checked)
        with transaction.atomic():
            sweep.reviews_added = reviews_sync(council=council, on=sweep.on)
            payments.agreements_close_stopped(council=council, on=sweep.on)
            sweep.raised = sum(summary.values())
            sweep.summary = summary
            sweep.status, sweep.finished_at = SweepStatus.FINISHED, timezone.now()
            sweep.save(
                update_fields=["raised", "summary", "status", "finished_at", "reviews_added", "total", "checked"]
            )
            audit_record(
                actor=sweep.requested_by,
                action="monitoring.sweep_finished",
                obj=sweep,
                council=council,
                summary=f"{sweep.get_kind_display()} check finished: {sweep.checked} agreements, {sweep.raised} new "
                f"findings, {sweep.reviews_added} reviews added",
                after={"summary": summary},
            )
    except Exception as exc:
        logger.exception("Sweep %s failed", sweep.pk)
        Sweep.objects.filter(pk=sweep.pk).update(
            status=SweepStatus.FAILED, error=str(exc)[:1000] or type(exc).__name__, finished_at=timezone.now()
        )
        sweep.refresh_from_db()
    return sweep


def _add_findings(council, hits: dict[int, list], sweep: Sweep) -> dict[str, int]:
    """Add each hit as a finding unless one with its key was ever raised for the agreement (open or closed); the
    number this sweep added, per rule."""
    keys = {(pk, hit.key) for pk, found in hits.items() for hit in found}
    if not keys:
        return {}
    existing = set(
        Finding.objects.filter(council=council, agreement_id__in={pk for pk, _ in keys}).values_list(
            "agreement_id", "key"
        )
    )
    new = [
        Finding(
            council=council,
            agreement_id=pk,
            rule=hit.rule,
            key=hit.key,
            explanation=hit.explanation,
            amount=hit.amount,
            record_id=hit.refs.get("record_id"),
            statement_line_id=hit.refs.get("statement_line_id"),
            personal_assistant_id=hit.refs.get("personal_assistant_id"),
            found_on=sweep.on,
            sweep=sweep,
        )
        for pk, found in hits.items()
        for hit in found
        if (pk, hit.key) not in existing
    ]
    # A sweep running beside this one may have added the same key a moment ago: the constraint keeps one, and only
    # the rows this sweep wrote are counted (an ignored conflict is not a finding raised).
    Finding.objects.bulk_create(new, ignore_conflicts=True)
    if not new:
        return {}
    mine = Finding.objects.filter(
        sweep=sweep, agreement_id__in={f.agreement_id for f in new}, key__in={f.key for f in new}
    )
    added = mine.values("rule").annotate(n=Count("pk")).order_by()
    return {row["rule"]: row["n"] for row in added}


def reviews_sync(*, council, on: date) -> int:
    """Add the reviews the council's live agreements now need (DOMAIN R18, R28, R29); each trigger once."""
    wanted = sweeps.review_triggers_for(council=council, on=on)
    existing = set(
        DpReview.objects.filter(council=council, agreement_id__in=wanted).values_list(
            "agreement_id", "trigger", "trigger_key"
        )
    )
    new = [
        DpReview(council=council, agreement_id=pk, trigger=t.trigger, trigger_key=t.key, due_on=t.due_on)
        for pk, triggers in wanted.items()
        for t in triggers
        if (pk, t.trigger, t.key) not in existing
    ]
    DpReview.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# Findings -----------------------------------------------------------------------------------------------------------


def _lock_finding(finding: Finding) -> Finding:
    return (
        Finding.objects.select_for_update(of=("self",))
        .select_related("agreement__child", "agreement__council")
        .get(pk=finding.pk)
    )


def _require_open(finding: Finding) -> None:
    if finding.status not in OPEN_FINDING_STATUSES:
        raise ValidationError(f"This finding is {finding.get_status_display().lower()}: it cannot change now")


def _clean_text(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _store_evidence(note: FindingNote, upload) -> None:
    """A file with an answer: a PDF or an image, checked by its content, up to 10 MB, stored privately."""
    data, note.content_type = files.read_upload(upload, noun="file", max_bytes=MAX_EVIDENCE_BYTES)
    note.size = len(data)
    note.original_name = (getattr(upload, "name", "") or "evidence")[:200]
    note.file.save("evidence", ContentFile(data), save=False)


@transaction.atomic
def finding_raise(*, actor, finding: Finding, message: str) -> Finding:
    """Raise a finding with the family: they see the message beside its explanation, with the council's evidence
    deadline to answer by (DOMAIN R31)."""
    check_perm(actor, Perm.DP_MANAGE)
    check_staff_of(actor, finding.council_id)
    finding = _lock_finding(finding)
    _require_open(finding)
    if finding.status == FindingStatus.RAISED:
        raise ValidationError("This finding has already been raised with the family and is waiting for their answer")
    message = _clean_text(message, "message", "Write what you would like the family to tell you or send")
    days = policy_in_force(council=finding.agreement.council, on=today()).evidence_deadline_days
    finding.status, finding.raised_on, finding.raised_by = FindingStatus.RAISED, today(), actor
    finding.answer_due_on = evidence_due(today(), days)
    finding.save(update_fields=["status", "raised_on", "raised_by", "answer_due_on", "updated_at"])
    FindingNote.objects.create(
        council_id=finding.council_id, finding=finding, author=actor, from_family=False, text=message
    )
    _audit(
        actor,
        "finding.raised",
        finding,
        finding.agreement,
        f"{finding.get_rule_display()} raised with the family, answer due {format_date(finding.answer_due_on)}",
    )
    return finding


@transaction.atomic
def finding_answer(*, actor, finding: Finding, text: str, upload=None) -> Finding:
    """The family answers a finding about them, with evidence if they have it; the officer then decides."""
    finding = _lock_finding(finding)
    if not actor.is_family or not keeps_records(actor, finding.agreement):
        raise PermissionDenied("Only the person who holds the direct payments can answer this.")
    _require_open(finding)
    text = _clean_text(text, "text", "Write your answer")
    note = FindingNote(council_id=finding.council_id, finding=finding, author=actor, from_family=True, text=text)
    if upload is not None:
        _store_evidence(note, upload)
    try:
        note.save()
        finding.status, finding.answered_on = FindingStatus.ANSWERED, today()
        finding.save(update_fields=["status", "answered_on", "updated_at"])
        _audit(
            actor,
            "finding.answered",
            finding,
            finding.agreement,
            f"The family answered: {finding.get_rule_display()}" + (" (with evidence)" if note.file else ""),
        )
    except BaseException:
        if note.file:
            note.file.storage.delete(note.file.name)  # no file without its note: every write is taken back
        raise
    return finding


@transaction.atomic
def finding_resolve(*, actor, finding: Finding, reason: str) -> Finding:
    """Close a finding with the reason, which the family reads."""
    check_perm(actor, Perm.DP_MANAGE)
    check_staff_of(actor, finding.council_id)
    finding = _lock_finding(finding)
    _require_open(finding)
    reason = _clean_text(reason, "reason", "Explain why the finding is resolved, in words the family will understand")
    finding.status, finding.resolution = FindingStatus.RESOLVED, reason
    finding.closed_on, finding.closed_by = today(), actor
    finding.save(update_fields=["status", "resolution", "closed_on", "closed_by", "updated_at"])
    _audit(
        actor, "finding.resolved", finding, finding.agreement, f"{finding.get_rule_display()} resolved: {reason[:80]}"
    )
    return finding


@transaction.atomic
def finding_escalate(
    *, actor, finding: Finding, amount: Decimal, reasons: str, method: str, due_on: date | None = None
) -> Finding:
    """Escalate a finding to a recovery: the recovery flow sends the written notice of R23 (reasons, amount, who pays
    and by when, the right to a reconsideration) before anything is recovered (DOMAIN R23)."""
    check_perm(actor, Perm.DP_DECIDE)
    check_staff_of(actor, finding.council_id)
    finding = _lock_finding(finding)
    _require_open(finding)
    recovery = payments.recovery_raise(
        actor=actor, agreement=finding.agreement, amount=amount, reasons=reasons, method=method, due_on=due_on
    )
    finding.status, finding.recovery = FindingStatus.ESCALATED, recovery
    finding.closed_on, finding.closed_by = today(), actor
    finding.save(update_fields=["status", "recovery", "closed_on", "closed_by", "updated_at"])
    _audit(
        actor,
        "finding.escalated",
        finding,
        finding.agreement,
        f"{finding.get_rule_display()} escalated to a recovery of {format_money(recovery.amount)}",
    )
    return finding


# Reviews ------------------------------------------------------------------------------------------------------------

#: R19's questions: each answer must be given; a "no" needs a note.
REVIEW_QUESTIONS = ("appropriate", "used_effectively", "enough", "tests_met", "conditions_kept")
#: The outcomes a manager decides: they change or end the payments (DOMAIN R20 to R22).
DECIDED_OUTCOMES = (ReviewOutcome.INCREASE, ReviewOutcome.REDUCE, ReviewOutcome.STOP, ReviewOutcome.ADD_CONDITIONS)


def reviewable(agreement: Agreement) -> bool:
    """Reviews are asked for and recorded only while the payments run and no stop is decided (ADR 11)."""
    return agreement.status in sweeps.LIVE and agreement.stop_effective_on is None


@transaction.atomic
def review_request(*, actor, agreement: Agreement, reasons: str) -> DpReview:
    """The recipient asks for a review of the direct payments: the council must consider it, by its decision target
    in working days (DOMAIN R18)."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",)).select_related("recipient", "council").get(pk=agreement.pk)
    )
    if not has_perm(actor, Perm.DP_CONSENT) or not payments.is_recipient_user(actor, agreement):
        raise PermissionDenied("Only the person who receives the direct payments can ask for a review.")
    if not reviewable(agreement):
        raise ValidationError("The direct payments are not running or are stopping, so there is nothing to review")
    reasons = _clean_text(reasons, "reasons", "Tell us why you would like a review")
    if DpReview.objects.filter(
        agreement=agreement, trigger=ReviewTrigger.RECIPIENT_REQUEST, status=ReviewStatus.DUE
    ).exists():
        raise ValidationError("You have already asked for a review: the council is considering it")
    days = policy_in_force(council=agreement.council, on=today()).decision_target_working_days
    review = DpReview.objects.create(
        council_id=agreement.council_id,
        agreement=agreement,
        trigger=ReviewTrigger.RECIPIENT_REQUEST,
        trigger_key=timezone.now().isoformat(),
        due_on=add_working_days(today(), days),
        request_reasons=reasons,
        requested_by=actor,
        requested_on=today(),
    )
    _audit(actor, "review.requested", review, agreement, "The recipient asked for a review of the direct payments")
    return review


def _review_letter(actor, review: DpReview, *, template_context: dict):
    agreement = review.agreement
    return letter_issue(
        actor=actor,
        child=agreement.child,
        kind=LetterKind.DP_REVIEW if review.status == ReviewStatus.RECORDED else LetterKind.DP_REVIEW_REQUEST,
        subject="Review of your direct payments"
        if review.status == ReviewStatus.RECORDED
        else "Your request for a review of your direct payments",
        template_name="letters/dp_review.html",
        context={"review": review, "agreement": agreement, **template_context},
        recipient_name=agreement.recipient.full_name,
        recipient_address=agreement.recipient.address,
        related=review,
    )


def _lock_review(review: DpReview) -> DpReview:
    """The agreement's row first, then the review: two reviews of one agreement recorded at once wait in turn."""
    list(Agreement.objects.select_for_update(of=("self",)).filter(pk=review.agreement_id).values_list("pk"))
    return (
        DpReview.objects.select_for_update(of=("self",))
        .select_related("agreement__child", "agreement__council", "agreement__recipient", "agreement__budget")
        .get(pk=review.pk)
    )


@transaction.atomic
def review_decline(*, actor, review: DpReview, reasons: str) -> DpReview:
    """Consider a recipient's request and decide not to review now, with written reasons (DOMAIN R18)."""
    check_perm(actor, Perm.DP_MANAGE)
    check_staff_of(actor, review.council_id)
    review = _lock_review(review)
    if review.trigger != ReviewTrigger.RECIPIENT_REQUEST:
        raise ValidationError("Only a review the recipient asked for can be declined; the others must be held")
    if review.status != ReviewStatus.DUE:
        raise ValidationError("This request has already been dealt with")
    review.declined_reasons = _clean_text(reasons, "reasons", "Explain why there will be no review now")
    review.status, review.recorded_on, review.recorded_by = ReviewStatus.DECLINED, today(), actor
    review.save()
    review.letter = _review_letter(actor, review, template_context={})
    review.save(update_fields=["letter"])
    _audit(actor, "review.declined", review, review.agreement, "Request for a review considered: no review now")
    return review


def _check_answers(answers: dict) -> dict:
    errors = {}
    clean = {}
    for name in REVIEW_QUESTIONS:
        value = answers.get(name)
        note = (answers.get(f"{name}_note") or "").strip()
        if value is None:
            errors[name] = "Answer the question"
        elif value is False and not note:
            errors[f"{name}_note"] = "Say why, in a few words"
        clean[name], clean[f"{name}_note"] = value, note
    for name in ("family_wants_to_continue", "family_needs_help"):
        clean[name] = answers.get(name)
    clean["family_words"] = (answers.get("family_words") or "").strip()
    if errors:
        raise ValidationError(errors)
    return clean


def review_outcome_allowed(*, enough: bool, tests_met: bool, outcome: str, appropriate: bool = True) -> str | None:
    """Why an outcome cannot follow the answers, or None: payments found not enough must be increased, held another
    way or stopped (DOMAIN R17); when the R12 tests no longer hold, or direct payments are no longer the right way to
    secure the provision, they must stop or go to someone else (DOMAIN R22)."""
    if tests_met is False and outcome not in (ReviewOutcome.STOP, ReviewOutcome.CHANGE_RECIPIENT):
        return "The tests for direct payments no longer hold: stop the payments or change the recipient"
    if appropriate is False and outcome not in (ReviewOutcome.STOP, ReviewOutcome.CHANGE_RECIPIENT):
        return "Direct payments are no longer the right way to get the support: stop them or change the recipient"
    if enough is False and outcome not in (
        ReviewOutcome.INCREASE,
        ReviewOutcome.STOP,
        ReviewOutcome.CHANGE_RECIPIENT,
    ):
        return "The payments are not enough for the agreed support: increase them, or stop them"
    return None


@transaction.atomic
def review_record(
    *,
    actor,
    review: DpReview,
    answers: dict,
    progress: dict,
    outcome: str,
    outcome_reasons: str,
    new_amount: Decimal | None = None,
    effective_on: date | None = None,
    ground: str = "",
    conditions: str = "",
    new_recipient: Contact | None = None,
    **recipient_payment_fields,
) -> DpReview:
    """Record a review: the answers to R19's questions, the progress towards each outcome of section E, and the
    outcome of R20, which starts its flow with its notice and letter in the same step (a refusal there records
    nothing). Other reviews due about now are covered by it (DOMAIN R18 to R22)."""
    check_perm(actor, Perm.DP_MANAGE)
    check_staff_of(actor, review.council_id)
    review = _lock_review(review)
    if review.status != ReviewStatus.DUE:
        raise ValidationError("This review has already been recorded or closed")
    agreement = review.agreement
    if not reviewable(agreement):
        raise ValidationError("The direct payments are not running: there is nothing left to review")
    clean = _check_answers(answers)
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": "Choose the outcome of the review"})
    if outcome in DECIDED_OUTCOMES and not has_perm(actor, Perm.DP_DECIDE):
        raise PermissionDenied("A manager must record a review that changes or stops the payments.")
    failing = [name for name in ("appropriate", "enough", "tests_met") if clean[name] is False]
    if failing and not has_perm(actor, Perm.DP_DECIDE):
        raise PermissionDenied("A manager must record a review that finds the direct payments are not working.")
    problem = review_outcome_allowed(
        enough=clean["enough"], tests_met=clean["tests_met"], outcome=outcome, appropriate=clean["appropriate"]
    )
    if problem:
        raise ValidationError({"outcome": problem})
    outcome_reasons = _clean_text(
        outcome_reasons, "outcome_reasons", "Explain the outcome in words the family will understand"
    )
    outcomes = list(Outcome.objects.filter(plan_id=agreement.budget.plan_id, council_id=agreement.council_id))
    missing = [o for o in outcomes if (progress.get(o.pk) or ("", ""))[0] not in Progress.values]
    if missing:
        raise ValidationError({"progress": f"Record the progress towards every outcome: {len(missing)} not recorded"})
    for name, value in clean.items():
        setattr(review, name, value)
    review.outcome, review.outcome_reasons = outcome, outcome_reasons
    review.status, review.recorded_on, review.recorded_by = ReviewStatus.RECORDED, today(), actor
    review.save()
    OutcomeProgress.objects.bulk_create(
        OutcomeProgress(
            council_id=review.council_id,
            review=review,
            outcome=o,
            progress=progress[o.pk][0],
            note=(progress[o.pk][1] or "").strip(),
        )
        for o in outcomes
    )
    review.change = _start_outcome_flow(
        actor,
        review,
        new_amount=new_amount,
        effective_on=effective_on,
        ground=ground,
        conditions=conditions,
        new_recipient=new_recipient,
        **recipient_payment_fields,
    )
    horizon = today() + timedelta(days=sweeps.REVIEW_LOOKAHEAD_DAYS)
    covered = DpReview.objects.filter(agreement=agreement, status=ReviewStatus.DUE).exclude(pk=review.pk)
    covered = covered.filter(due_on__lte=horizon) | covered.filter(trigger=ReviewTrigger.FIRST)
    requests = [r.requested_on for r in covered if r.trigger == ReviewTrigger.RECIPIENT_REQUEST]
    covered.update(status=ReviewStatus.COVERED, covered_by=review, recorded_on=today())
    review.letter = _review_letter(
        actor,
        review,
        template_context={"progress": list(review.progress.select_related("outcome")), "answers_requests": requests},
    )
    review.save(update_fields=["change", "letter"])
    _audit(
        actor,
        "review.recorded",
        review,
        agreement,
        f"Direct payments reviewed: {review.get_outcome_display().lower()}",
        after={"outcome": outcome, **{k: clean[k] for k in REVIEW_QUESTIONS}},
    )
    return review


def _start_outcome_flow(actor, review: DpReview, **fields):
    """The flow each outcome starts, with its own notice and letter (DOMAIN R20 to R22)."""
    agreement, outcome, reasons = review.agreement, review.outcome, review.outcome_reasons
    if outcome == ReviewOutcome.CONTINUE:
        return None
    if outcome in (ReviewOutcome.INCREASE, ReviewOutcome.REDUCE):
        flow = payments.agreement_increase if outcome == ReviewOutcome.INCREASE else payments.agreement_reduce
        return flow(
            actor=actor,
            agreement=agreement,
            new_amount=fields["new_amount"],
            reasons=reasons,
            effective_on=fields["effective_on"],
        )
    if outcome == ReviewOutcome.STOP:
        if fields["ground"] not in StopGround.values:
            raise ValidationError({"ground": "Select the ground for stopping"})
        return payments.agreement_stop(
            actor=actor,
            agreement=agreement,
            ground=fields["ground"],
            reasons=reasons,
            effective_on=fields["effective_on"],
        )
    if outcome == ReviewOutcome.ADD_CONDITIONS:
        return payments.agreement_add_conditions(
            actor=actor,
            agreement=agreement,
            conditions=fields["conditions"],
            reasons=reasons,
            effective_on=fields["effective_on"],
        )
    # Change of recipient: with the new recipient given, made now; otherwise the officer sets it up next.
    if fields["new_recipient"] is None:
        return None
    extra = {k: v for k, v in fields.items() if k not in ("new_amount", "effective_on", "ground", "conditions")}
    extra.pop("new_recipient")
    return payments.agreement_change_recipient(
        actor=actor, agreement=agreement, new_recipient=fields["new_recipient"], reasons=reasons, **extra
    )


# Reminders ----------------------------------------------------------------------------------------------------------


def reminders_send(*, council, on: date | None = None) -> int:
    """Email each member of staff their overdue work, and each family the returns, evidence and questions they have
    due, at most once a day per person; returns how many were sent."""
    from . import selectors  # selectors read the queues; services only send

    on = on or today()
    sent = 0
    for user, subject, lines in selectors.reminders_due(council=council, on=on):
        if not user.email or not lines:
            continue
        body = "\n".join(
            [
                f"Dear {user.get_short_name() or user.email},",
                "",
                *[f"- {line}" for line in lines],
                "",
                f"Sign in to {settings.EHC_SERVICE_NAME} to see them.",
            ]
        )
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    council=council, user=user, sent_on=on, subject=subject, body=body, items=len(lines)
                )
                send_mail(subject, body, None, [user.email])  # a failure takes the row back: tried again tomorrow
        except IntegrityError:
            continue  # already reminded today
        except Exception:
            logger.exception("Reminder to user %s could not be sent", user.pk)
            continue
        sent += 1
    return sent
