"""Every change to a family's spending records, receipts, statement imports, rules, commitments, savings and
monitoring returns (ARCHITECTURE convention 2). Every record posts to the ledger (ADR 9, ADR 10)."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from ehcbudgets.accounts.permissions import Perm, check_perm, check_staff_of, has_perm
from ehcbudgets.audit.services import audit_record
from ehcbudgets.core.dates import format_date, is_working_day, today
from ehcbudgets.core.money import format_money
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.ledger import services as ledger
from ehcbudgets.ledger.models import AccountKind, TransactionKind
from ehcbudgets.payments.models import Agreement, AgreementStatus, PaymentStatus
from ehcbudgets.payments.services import recipient_account

from . import files, linking, parsers, selectors
from .models import (
    Commitment,
    CsvLayout,
    EvidenceRequest,
    ImportStatus,
    LinkRule,
    MonitoringReturn,
    Receipt,
    RecordSource,
    ReturnStatus,
    SavingsPot,
    SpendingCategory,
    SpendingPart,
    SpendingRecord,
    StatementImport,
    StatementLine,
)

ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("1000000")
#: How far a statement's money in may be from a payment's date and still be that payment.
PAYMENT_IN_DAYS = 7
RECORDABLE = (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED, AgreementStatus.STOPPED)


def keeps_records(actor, agreement: Agreement) -> bool:
    """Who keeps the records: the recipient or the third-party organisation managing the account for them, or a
    council officer of its council on their behalf."""
    if not getattr(actor, "pk", None):
        return False
    if actor.is_family:
        return has_perm(actor, Perm.SPENDING_RECORD) and (
            agreement.recipient.user_id == actor.pk
            or (agreement.managed_by_id is not None and agreement.managed_by.user_id == actor.pk)
        )
    return has_perm(actor, Perm.DP_MANAGE) and actor.is_council_staff and actor.council_id == agreement.council_id


def _require_record_keeper(actor, agreement: Agreement) -> None:
    if not keeps_records(actor, agreement):
        raise PermissionDenied("Only the person who holds the direct payments, or the council, can do this.")


def _require_staff(actor, perm: Perm, council_id) -> None:
    check_perm(actor, perm)
    check_staff_of(actor, council_id)


def _audit(actor, action, obj, agreement, summary, **extra):
    audit_record(
        actor=actor, action=action, obj=obj, child=agreement.child, council=agreement.council, summary=summary, **extra
    )


# Records (DOMAIN R16) --------------------------------------------------------------------------------------------


def _clean_parts(agreement: Agreement, amount: Decimal, parts) -> list:
    """The lines a record pays for, each with its amount, adding up to the record's amount with the same sign. With
    no parts given, an agreement with one line takes the whole amount."""
    lines = {line.pk: line for line in agreement.lines.all()}
    if not parts:
        if len(lines) == 1:
            return [(next(iter(lines.values())), amount)]
        raise ValidationError({"parts": "Choose the support this paid for"})
    clean = []
    for line, part_amount in parts:
        line_pk = getattr(line, "pk", line)
        if line_pk not in lines:
            raise ValidationError({"parts": "Choose support from this agreement"})
        if part_amount is None or part_amount == 0 or (part_amount > 0) != (amount > 0):
            raise ValidationError({"parts": "Each part must be an amount of the same kind as the whole"})
        if part_amount != part_amount.quantize(Decimal("0.01")):
            raise ValidationError({"parts": "Each part must be in pounds and pence"})
        if any(line.pk == line_pk for line, _ in clean):
            raise ValidationError({"parts": "Give each kind of support once"})
        clean.append((lines[line_pk], part_amount))
    total = sum((a for _, a in clean), ZERO)
    if total != amount:
        raise ValidationError(
            {"parts": f"The parts add up to {format_money(total)}, not {format_money(amount)}: make them add up"}
        )
    return clean


def _post(actor, agreement: Agreement, *, amount: Decimal, on: date, payee: str):
    """Spending leaves the recipient's account for the spending account; a refund comes back from the refunds one."""
    council = agreement.council
    holder = agreement.holder
    if amount > 0:
        other = ledger.holder_account(
            council=council, holder=holder, kind=AccountKind.SPENDING, name=f"Spending: agreement {agreement.pk}"
        )
        kind, description = TransactionKind.SPENDING, f"Paid to {payee}"
    else:
        other = ledger.holder_account(
            council=council, holder=holder, kind=AccountKind.REFUNDS, name=f"Refunds: agreement {agreement.pk}"
        )
        kind, description = TransactionKind.REFUND, f"Refund from {payee}"
    return ledger.post(
        council=council,
        kind=kind,
        occurred_on=on,
        description=description,
        legs=[(other, amount), (recipient_account(agreement), -amount)],
        actor=actor,
    )


def _record(
    actor,
    agreement: Agreement,
    *,
    spent_on: date,
    amount: Decimal,
    payee: str,
    description: str = "",
    category: str,
    parts=None,
    source: str = RecordSource.MANUAL,
    fitid: str = "",
    fingerprint: str = "",
    keep_both: bool = False,
) -> SpendingRecord:
    errors = {}
    payee = (payee or "").strip()
    if agreement.status not in RECORDABLE:
        raise ValidationError("Spending can be recorded once the direct payments have started")
    if not payee:
        errors["payee"] = "Enter who was paid"
    if amount is None or amount == 0:
        errors["amount"] = "Enter the amount"
    elif abs(amount) >= MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = "Enter an amount in pounds and pence, less than £1,000,000"
    if spent_on is None:
        errors["spent_on"] = "Enter the date"
    elif spent_on > today():
        errors["spent_on"] = "The date must be today or in the past"
    elif spent_on < agreement.start_date - timedelta(days=31):
        errors["spent_on"] = f"The date must be after the payments started, {format_date(agreement.start_date)}"
    if category not in SpendingCategory.values:
        errors["category"] = "Choose what kind of spending it was"
    if errors:
        raise ValidationError(errors)
    clean_parts = _clean_parts(agreement, amount, parts)
    record = SpendingRecord(
        council_id=agreement.council_id,
        agreement=agreement,
        spent_on=spent_on,
        amount=amount,
        payee=payee[:200],
        description=(description or "").strip()[:300],
        category=category,
        source=source,
        fitid=fitid,
        fingerprint=fingerprint,
        keep_both=keep_both,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    duplicate = selectors.duplicate_of(agreement=agreement, fitid=fitid, fingerprint=fingerprint)
    if duplicate is not None and not keep_both:
        raise ValidationError(
            f"This looks like the payment to {duplicate.payee} on {format_date(duplicate.spent_on)} already recorded: "
            "say it is a genuine repeat to keep both"
        )
    record.ledger_transaction = _post(actor, agreement, amount=amount, on=spent_on, payee=payee)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise ValidationError("This payment is already recorded") from exc
    SpendingPart.objects.bulk_create(
        SpendingPart(council_id=agreement.council_id, record=record, line=line, amount=part)
        for line, part in clean_parts
    )
    return record


@transaction.atomic
def record_add(*, actor, agreement: Agreement, **fields) -> SpendingRecord:
    """Record a payment from the direct payment account (or a refund into it, as a negative amount), the support it
    paid for, split across lines if need be; it posts to the ledger (DOMAIN R16)."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",)).select_related("recipient", "managed_by").get(pk=agreement.pk)
    )
    _require_record_keeper(actor, agreement)
    record = _record(actor, agreement, **fields)
    _audit(
        actor,
        "spending.recorded",
        record,
        agreement,
        f"{'Refund from' if record.is_refund else 'Paid to'} {record.payee}: {format_money(abs(record.amount))}",
        after={"amount": str(record.amount), "spent_on": record.spent_on.isoformat(), "category": record.category},
    )
    return record


@transaction.atomic
def record_withdraw(*, actor, record: SpendingRecord, reason: str) -> SpendingRecord:
    """Take a record back (entered by mistake): its ledger entry is reversed, never deleted."""
    record = SpendingRecord.objects.select_for_update().select_related("agreement__recipient").get(pk=record.pk)
    agreement = record.agreement
    _require_record_keeper(actor, agreement)
    if record.withdrawn:
        raise ValidationError("This record has already been taken back")
    if record.agreement.returns.filter(
        status__in=[ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED],
        period_start__lte=record.spent_on,
        period_end__gte=record.spent_on,
    ).exists():
        raise ValidationError("This record is in a return already sent to the council: ask your case officer")
    ledger.reverse(txn=record.ledger_transaction, actor=actor, reason=reason, occurred_on=today())
    SpendingRecord.objects.filter(pk=record.pk).update(withdrawn=True)
    record.withdrawn = True
    _audit(actor, "spending.withdrawn", record, agreement, f"Record of {record.payee} taken back: {reason[:100]}")
    return record


@transaction.atomic
def receipt_add(*, actor, record: SpendingRecord, upload, part: SpendingPart | None = None) -> Receipt:
    """Attach a receipt: a PDF, JPEG, PNG or HEIC image up to 10 MB, checked by its content, stored privately."""
    record = SpendingRecord.objects.select_related("agreement__recipient", "agreement__managed_by").get(pk=record.pk)
    _require_record_keeper(actor, record.agreement)
    if part is not None and part.record_id != record.pk:
        raise ValidationError({"part": "Choose a part of this record"})
    data, content_type = files.read_upload(upload, noun="receipt")
    receipt = Receipt(
        council_id=record.council_id,
        record=record,
        part=part,
        content_type=content_type,
        size=len(data),
        original_name=(getattr(upload, "name", "") or "receipt")[:200],
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    receipt.file.save("receipt", ContentFile(data), save=False)
    try:
        receipt.save()
    except BaseException:
        receipt.file.storage.delete(receipt.file.name)
        raise
    _audit(actor, "receipt.added", receipt, record.agreement, f"Receipt added for {record.payee}")
    return receipt


# Statement import (all or nothing) ---------------------------------------------------------------------------------


def _payments_in(agreement: Agreement) -> list:
    return list(agreement.payments.filter(status=PaymentStatus.PAID).values_list("paid_on", "amount", "offset"))


def _is_payment_in(line, payments) -> bool:
    """Money in that matches a direct payment the council made (net of any offset), within a week of it."""
    if line.amount >= 0:
        return False
    for paid_on, amount, offset in payments:
        if -line.amount == amount - offset and abs((line.posted_on - paid_on).days) <= PAYMENT_IN_DAYS:
            return True
    return False


@transaction.atomic
def statement_preview(*, actor, agreement: Agreement, data: bytes, filename: str, layout: CsvLayout | None = None):
    """Read a whole statement (CSV or OFX) and keep it as a preview: each line with its suggested line, category and
    reason, duplicates and the council's own payments in marked. A malformed file stores nothing."""
    agreement = Agreement.objects.select_related("recipient", "managed_by", "council").get(pk=agreement.pk)
    _require_record_keeper(actor, agreement)
    if agreement.status not in RECORDABLE:
        raise ValidationError("Statements can be added once the direct payments have started")
    layouts = [layout] if layout is not None else list(CsvLayout.objects.all())
    file_format, used_layout, parsed = parsers.read_statement(data, filename, layouts)
    statement = StatementImport.objects.create(
        council_id=agreement.council_id,
        agreement=agreement,
        filename=(filename or "statement")[:200],
        file_format=file_format,
        layout=used_layout,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    context = selectors.linking_context(agreement=agreement)
    payments = _payments_in(agreement)
    recorded = selectors.recorded_ids(agreement=agreement)
    seen = set()
    rows = []
    for line in parsed:
        print_ = parsers.fingerprint(line)
        duplicate = recorded.get(("fitid", line.fitid) if line.fitid else ("fingerprint", print_))
        repeated_in_file = (line.fitid or print_) in seen
        seen.add(line.fitid or print_)
        payment_in = _is_payment_in(line, payments)
        suggestion = linking.Suggestion()
        if not payment_in and line.amount != 0:
            suggestion = linking.suggest(amount=line.amount, payee=line.payee, description=line.description, **context)
        reason = suggestion.reason
        if line.amount == 0:
            reason = "Nothing to record: no money moved"
        elif payment_in:
            reason = "A direct payment from the council: already in your balance"
        elif duplicate is not None:
            reason = f"Already recorded on {format_date(duplicate.spent_on)}"
        elif repeated_in_file:
            reason = "The same as an earlier line in this file"
        rows.append(
            StatementLine(
                council_id=agreement.council_id,
                statement=statement,
                line_number=line.line_number,
                posted_on=line.posted_on,
                amount=line.amount,
                payee=line.payee,
                description=line.description,
                fitid=line.fitid,
                balance=line.balance,
                fingerprint=print_,
                is_payment_in=payment_in,
                suggested_category=suggestion.category,
                suggestion=[[line_.pk, str(amount)] for line_, amount in suggestion.parts],
                reason=reason[:300],
                duplicate_of=duplicate,
            )
        )
    StatementLine.objects.bulk_create(rows)
    _audit(
        actor,
        "statement.previewed",
        statement,
        agreement,
        f"Statement {statement.filename} read: {len(rows)} lines",
        after={"lines": len(rows), "format": file_format},
    )
    return statement


@transaction.atomic
def statement_save(*, actor, statement: StatementImport, choices: dict | None = None) -> list[SpendingRecord]:
    """Save a previewed statement: every line becomes a record with its suggestion unless the family chose otherwise
    (`choices[line_pk]`: {"skip": bool, "keep_both": bool, "category": str, "parts": [(line, amount)]}). Duplicates
    and the council's own payments in are skipped unless kept. All lines are saved or none."""
    statement = StatementImport.objects.select_for_update().select_related("agreement__recipient").get(pk=statement.pk)
    agreement = statement.agreement
    _require_record_keeper(actor, agreement)
    if statement.status != ImportStatus.PREVIEW:
        raise ValidationError("This statement has already been saved or discarded")
    choices = choices or {}
    records, problems = [], []
    for line in statement.lines.order_by("line_number"):
        choice = choices.get(line.pk, {})
        keep_both = bool(choice.get("keep_both"))
        if choice.get("skip") or line.is_payment_in or line.amount == 0 or (line.duplicate_of_id and not keep_both):
            continue
        if not keep_both and selectors.duplicate_of(
            agreement=agreement, fitid=line.fitid, fingerprint=line.fingerprint
        ):
            continue  # the same as an earlier line of this file, just saved: kept only if the family says so
        parts = choice.get("parts") or [(int(pk), Decimal(amount)) for pk, amount in line.suggestion]
        category = choice.get("category") or line.suggested_category
        try:
            with transaction.atomic():
                record = _record(
                    actor,
                    agreement,
                    spent_on=line.posted_on,
                    amount=line.amount,
                    payee=line.payee,
                    description=line.description,
                    category=category,
                    parts=parts,
                    source=RecordSource.STATEMENT,
                    fitid=line.fitid,
                    fingerprint=line.fingerprint,
                    keep_both=keep_both,
                )
        except ValidationError as exc:
            problems.append(f"Line {line.line_number} ({line.payee}, {format_money(line.amount)}): {exc.messages[0]}")
            continue
        line.record = record
        line.save(update_fields=["record"])
        records.append(record)
    if problems:
        raise ValidationError(problems)
    statement.status, statement.saved_at = ImportStatus.SAVED, timezone.now()
    statement.save(update_fields=["status", "saved_at"])
    _audit(
        actor,
        "statement.saved",
        statement,
        agreement,
        f"Statement {statement.filename} saved: {len(records)} records",
        after={"records": len(records)},
    )
    return records


@transaction.atomic
def statement_discard(*, actor, statement: StatementImport) -> StatementImport:
    """Throw a preview away: nothing from it is recorded."""
    statement = StatementImport.objects.select_for_update().select_related("agreement__recipient").get(pk=statement.pk)
    _require_record_keeper(actor, statement.agreement)
    if statement.status != ImportStatus.PREVIEW:
        raise ValidationError("Only a statement waiting to be checked can be discarded")
    statement.status = ImportStatus.DISCARDED
    statement.save(update_fields=["status"])
    _audit(actor, "statement.discarded", statement, statement.agreement, f"Statement {statement.filename} discarded")
    return statement


# Linking rules ---------------------------------------------------------------------------------------------------


def _clean_split(split, *, valid: set, what: str) -> list:
    if not split:
        raise ValidationError({"split": f"Choose the {what} it pays for"})
    clean, total = [], Fraction(0)
    for key, percent in split:
        if key not in valid:
            raise ValidationError({"split": f"Choose {what} from the list"})
        share = Fraction(str(percent))
        if share <= 0:
            raise ValidationError({"split": "Each share must be more than 0%"})
        clean.append([key, str(share if share.denominator != 1 else int(share))])
        total += share
    if total != 100:
        raise ValidationError({"split": f"The shares add up to {float(total):g}%, not 100%"})
    return clean


@transaction.atomic
def link_rule_add(*, actor, words: str, category: str, split, agreement: Agreement | None = None, council=None):
    """A rule for linking: the family's own (split over their agreement's lines, in percent) or the council's
    (split over its offer item codes, for every family)."""
    words = (words or "").strip()
    errors = {}
    if not linking.normalise(words):
        errors["words"] = "Enter the words to look for in the payee or description"
    if category not in SpendingCategory.values:
        errors["category"] = "Choose the kind of spending"
    if errors:
        raise ValidationError(errors)
    if agreement is not None:
        agreement = Agreement.objects.select_related("recipient", "managed_by").get(pk=agreement.pk)
        _require_record_keeper(actor, agreement)
        valid = set(agreement.lines.values_list("pk", flat=True))
        clean = _clean_split([(int(k), p) for k, p in split], valid=valid, what="support")
        council = agreement.council
    else:
        _require_staff(actor, Perm.OFFER_MANAGE, council.pk)
        from ehcbudgets.offer.models import OfferItem

        valid = set(OfferItem.objects.filter(council=council).values_list("code", flat=True))
        clean = _clean_split(split, valid=valid, what="items of the local offer")
    rule = LinkRule.objects.create(
        council=council, agreement=agreement, words=words, category=category, split=clean, created_by=actor
    )
    audit_record(
        actor=actor,
        action="link_rule.added",
        obj=rule,
        council=council,
        child=agreement.child if agreement else None,
        summary=f"Linking rule for '{words}'",
    )
    return rule


@transaction.atomic
def link_rule_remove(*, actor, rule: LinkRule) -> None:
    """Remove a linking rule; records already made keep their lines."""
    if rule.agreement_id:
        _require_record_keeper(actor, rule.agreement)
    else:
        _require_staff(actor, Perm.OFFER_MANAGE, rule.council_id)
    audit_record(
        actor=actor,
        action="link_rule.removed",
        obj=rule,
        council=rule.council,
        child=rule.agreement.child if rule.agreement_id else None,
        summary=f"Linking rule for '{rule.words}' removed",
    )
    rule.delete()


# Commitments and savings (DOMAIN R32) ------------------------------------------------------------------------------


@transaction.atomic
def commitment_add(*, actor, agreement: Agreement, description: str, amount: Decimal, due_on: date) -> Commitment:
    """Money owed from the account, such as an unpaid invoice or wages due: it is not surplus (DOMAIN R32)."""
    _require_record_keeper(actor, agreement)
    errors = {}
    if not (description or "").strip():
        errors["description"] = "Say what is owed"
    if amount is None or amount <= 0:
        errors["amount"] = "Enter the amount owed"
    if due_on is None:
        errors["due_on"] = "Enter when it is due"
    if errors:
        raise ValidationError(errors)
    item = Commitment.objects.create(
        council_id=agreement.council_id,
        agreement=agreement,
        description=description.strip(),
        amount=amount,
        due_on=due_on,
    )
    _audit(actor, "commitment.added", item, agreement, f"Owed: {item.description}, {format_money(amount)}")
    return item


@transaction.atomic
def commitment_settle(*, actor, commitment: Commitment, settled_on: date | None = None) -> Commitment:
    """Mark money owed as paid (its payment is recorded as spending)."""
    _require_record_keeper(actor, commitment.agreement)
    if commitment.settled_on:
        raise ValidationError("This has already been paid")
    commitment.settled_on = settled_on or today()
    commitment.save(update_fields=["settled_on"])
    _audit(actor, "commitment.settled", commitment, commitment.agreement, f"Paid: {commitment.description}")
    return commitment


@transaction.atomic
def savings_add(*, actor, agreement: Agreement, name: str, amount: Decimal, for_date=None, line=None) -> SavingsPot:
    """Set money aside for a planned short break or activity."""
    _require_record_keeper(actor, agreement)
    errors = {}
    if not (name or "").strip():
        errors["name"] = "Say what you are saving for"
    if amount is None or amount <= 0:
        errors["amount"] = "Enter the amount to set aside"
    if line is not None and line.agreement_id != agreement.pk:
        errors["line"] = "Choose support from this agreement"
    if errors:
        raise ValidationError(errors)
    pot = SavingsPot.objects.create(
        council_id=agreement.council_id,
        agreement=agreement,
        name=name.strip(),
        amount=amount,
        for_date=for_date,
        line=line,
    )
    _audit(actor, "savings.added", pot, agreement, f"Set aside {format_money(amount)} for {pot.name}")
    return pot


@transaction.atomic
def savings_remove(*, actor, pot: SavingsPot) -> None:
    """Stop setting money aside."""
    _require_record_keeper(actor, pot.agreement)
    _audit(actor, "savings.removed", pot, pot.agreement, f"No longer setting aside for {pot.name}")
    pot.delete()


# Monitoring returns (DOMAIN R31) ---------------------------------------------------------------------------------


@transaction.atomic
def return_submit(*, actor, agreement: Agreement, period_start: date, note: str = "") -> MonitoringReturn:
    """Submit the return for a period in one step: compiled from the records (totals by line and outcome, receipts,
    balance) and kept as submitted (DOMAIN R31). A queried return can be sent again."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",)).select_related("recipient", "managed_by").get(pk=agreement.pk)
    )
    _require_record_keeper(actor, agreement)
    period = selectors.return_period(agreement=agreement, containing=period_start)
    if period is None or period[0] != period_start:
        raise ValidationError({"period_start": "Choose one of the return periods of this agreement"})
    start, end = period
    if end >= today() and not agreement.has_stopped:
        raise ValidationError(f"The period ends on {format_date(end)}: send the return after that")
    item, _ = MonitoringReturn.objects.get_or_create(
        agreement=agreement,
        period_start=start,
        defaults={"council_id": agreement.council_id, "period_end": end},
    )
    if item.status in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED):
        raise ValidationError("This return has already been sent")
    item.summary = selectors.return_summary(agreement=agreement, start=start, end=end)
    item.family_note = (note or "").strip()
    item.status, item.submitted_on, item.submitted_by = ReturnStatus.SUBMITTED, today(), actor
    item.query = ""
    item.save()
    _audit(actor, "return.submitted", item, agreement, f"Return for {format_date(start)} to {format_date(end)} sent")
    return item


@transaction.atomic
def return_accept(*, actor, monitoring_return: MonitoringReturn) -> MonitoringReturn:
    """An officer accepts a submitted return."""
    item = MonitoringReturn.objects.select_for_update().select_related("agreement").get(pk=monitoring_return.pk)
    _require_staff(actor, Perm.DP_MANAGE, item.council_id)
    if item.status != ReturnStatus.SUBMITTED:
        raise ValidationError("Only a return that has been sent can be accepted")
    item.status, item.decided_on, item.decided_by = ReturnStatus.ACCEPTED, today(), actor
    item.save(update_fields=["status", "decided_on", "decided_by"])
    _audit(actor, "return.accepted", item, item.agreement, "Monitoring return accepted")
    return item


@transaction.atomic
def return_query(*, actor, monitoring_return: MonitoringReturn, query: str) -> EvidenceRequest:
    """An officer asks about a submitted return: the family sees the question on their page with the date to answer
    by, the council's evidence deadline (DOMAIN R31, default 28 days)."""
    item = MonitoringReturn.objects.select_for_update().select_related("agreement").get(pk=monitoring_return.pk)
    _require_staff(actor, Perm.DP_MANAGE, item.council_id)
    if item.status != ReturnStatus.SUBMITTED:
        raise ValidationError("Only a return that has been sent can be queried")
    query = (query or "").strip()
    if not query:
        raise ValidationError({"query": "Say what you need to know, in words the family will understand"})
    days = policy_in_force(council=item.agreement.council, on=today()).evidence_deadline_days
    item.status, item.query, item.decided_on, item.decided_by = ReturnStatus.QUERIED, query, today(), actor
    item.save(update_fields=["status", "query", "decided_on", "decided_by"])
    request = EvidenceRequest.objects.create(
        council_id=item.council_id,
        agreement=item.agreement,
        monitoring_return=item,
        what=query,
        asked_on=today(),
        due_on=evidence_due(today(), days),
        asked_by=actor,
    )
    _audit(actor, "return.queried", item, item.agreement, f"Question about a return: {query[:120]}")
    return request


def evidence_due(asked_on: date, days: int) -> date:
    """The date evidence is due: the council's number of days after it is asked for, on a working day (R31)."""
    due = asked_on + timedelta(days=days)
    while not is_working_day(due):
        due += timedelta(days=1)
    return due


@transaction.atomic
def evidence_answer(*, actor, request: EvidenceRequest, answer: str) -> EvidenceRequest:
    """The family answers a question or request for evidence (receipts are added to the records themselves)."""
    request = EvidenceRequest.objects.select_for_update().select_related("agreement__recipient").get(pk=request.pk)
    _require_record_keeper(actor, request.agreement)
    if request.answered_on:
        raise ValidationError("This has already been answered")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Write your answer"})
    request.answer, request.answered_on = answer, today()
    request.save(update_fields=["answer", "answered_on"])
    _audit(actor, "evidence.answered", request, request.agreement, "Answered the council's question")
    return request
