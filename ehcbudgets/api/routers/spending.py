"""Family spending: the money picture, records split across the agreed provision lines and their receipts, statement
imports, linking rules, money owed and set aside, "what can I spend it on?", monitoring returns and the council's
questions (DOMAIN R16, R31 to R33; ADR 10); the council's own linking rules and the returns waiting to be checked.

As on the pages (ehcbudgets/spending/family_views.py and views.py): each route checks the role before it looks
anything up (403), finds the agreement through the payments selector scoped to the caller (404 outside it; a draft
is not found by a family), and changes things only through the spending services. A change is for the record keeper:
the recipient or the third party managing the account, or a council officer on their behalf, as the services allow;
anyone else answers 403. Receipts, records, statements, rules, commitments, savings, returns and questions are found
only through their own agreement.
"""

from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, UploadedFile
from ninja.pagination import paginate

from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.api.agreements import AGREEMENT, agreement_or_404, private_file_responses
from ehcbudgets.api.auth import require_perm
from ehcbudgets.api.errors import READ_PROBLEMS, WRITE_PROBLEMS
from ehcbudgets.api.pagination import Pages
from ehcbudgets.api.schemas_spending import (
    CommitmentIn,
    CommitmentOut,
    CouncilRuleIn,
    CsvLayoutOut,
    EvidenceAnswerIn,
    EvidenceRequestOut,
    FamilyRuleIn,
    LinkRuleOut,
    MonitoringReturnDetailOut,
    MonitoringReturnOut,
    ReturnListStatus,
    ReturnPeriodOut,
    ReturnQueryIn,
    ReturnSubmitIn,
    SavingsIn,
    SavingsOut,
    SpendCheckOut,
    SpendingOverviewOut,
    SpendingReceiptOut,
    SpendingRecordDetailOut,
    SpendingRecordIn,
    SpendingRecordOut,
    StatementOut,
    StatementSavedOut,
    StatementSaveIn,
    WithdrawRecordIn,
)
from ehcbudgets.core.dates import today
from ehcbudgets.core.files import private_file_response
from ehcbudgets.offer.models import OfferItem, SpendingRestriction
from ehcbudgets.payments.models import Agreement
from ehcbudgets.people.selectors import children_visible_to
from ehcbudgets.spending import rules, selectors, services
from ehcbudgets.spending.models import (
    Commitment,
    CsvLayout,
    EvidenceRequest,
    LinkRule,
    MonitoringReturn,
    Receipt,
    ReturnStatus,
    SavingsPot,
    SpendingRecord,
    StatementImport,
)

router = Router(tags=["Spending"])

#: Staff see the spending of agreements in their council; families see their own children's, once sent to them.
READ = (Perm.DP_VIEW, Perm.FAMILY_VIEW)
#: Who keeps the records: the recipient or their third party, or a council officer on their behalf (the services
#: check which person, and the council, again).
KEEPER = (Perm.SPENDING_RECORD, Perm.DP_MANAGE)
SPENDING = AGREEMENT + "/spending"
RECORDS, STATEMENTS, RULES, OWED, RETURNS = (
    ["Spending records"],
    ["Statements"],
    ["Linking rules"],
    ["Owed and set aside"],
    ["Monitoring returns"],
)
NOT_STARTED = "This can be done once the direct payments have started"
RECEIPT_RESPONSES = private_file_responses("receipt", READ_PROBLEMS)


# Finding the agreement and who may change it


def _keeps_records(user, agreement: Agreement) -> bool:
    """The record keeper: the services' own rule (services.keeps_records), checked first here as the pages do."""
    return services.keeps_records(user, agreement)


def _keeper_agreement(request: HttpRequest, child_id: int, agreement_id: int, *, needs_payments: bool = True):
    """The agreement for a change: the record keeper only (403), and for most changes once the payments have started
    (before that the family's pages send them back to the overview, which says so)."""
    agreement = agreement_or_404(request, child_id, agreement_id)
    if not _keeps_records(request.user, agreement):
        raise PermissionDenied("Only the person who holds the direct payments, or the council, can do this.")
    if needs_payments and agreement.status not in services.RECORDABLE:
        raise ValidationError(NOT_STARTED)
    return agreement


def _record_of(agreement: Agreement, record_id: int) -> SpendingRecord:
    record = get_object_or_404(
        SpendingRecord.objects.filter(agreement=agreement, council_id=agreement.council_id).prefetch_related(
            "parts__line", "receipts"
        ),
        pk=record_id,
    )
    record.agreement = agreement
    return record


def _statement_of(agreement: Agreement, statement_id: int) -> StatementImport:
    statement = get_object_or_404(
        StatementImport.objects.filter(agreement=agreement, council_id=agreement.council_id).select_related("layout"),
        pk=statement_id,
    )
    statement.agreement = agreement
    return statement


def _return_of(agreement: Agreement, return_id: int) -> MonitoringReturn:
    item = get_object_or_404(
        MonitoringReturn.objects.filter(agreement=agreement, council_id=agreement.council_id), pk=return_id
    )
    item.agreement = agreement
    return item


def _line_of(agreement: Agreement, line_id: int | None, field: str):
    """One of the agreement's lines named in the body (None when left out); any other id is a field error."""
    if line_id is None:
        return None
    line = agreement.lines.filter(pk=line_id).first()
    if line is None:
        raise ValidationError({field: "Choose support from this agreement"})
    return line


def _parts(parts) -> list:
    return [(part.line_id, part.amount) for part in parts]


# The overview (DOMAIN R32)


def _open_questions(agreement: Agreement) -> list:
    return list(EvidenceRequest.objects.filter(agreement=agreement, answered_on__isnull=True).order_by("due_on", "pk"))


@router.get(SPENDING, response=SpendingOverviewOut, summary="Get the money picture", openapi_extra=READ_PROBLEMS)
def get_spending_overview(request: HttpRequest, child_id: int, agreement_id: int):
    """The money picture from the ledger (balance, owed, set aside, free to spend, still to come, the expected
    balance at the end, the surplus), spending on each agreed line and towards each outcome against what was expected
    by now, and the council's questions not yet answered (DOMAIN R32)."""
    require_perm(request, *READ)
    agreement = agreement_or_404(request, child_id, agreement_id)
    on = today()
    return {
        "picture": selectors.money_picture(agreement=agreement, on=on),
        "by_line": [
            {
                "line_id": row["line"].pk,
                "description": row["line"].description,
                "funding_stream": row["line"].funding_stream,
                "amount": row["amount"],
                "expected": row["expected"],
                "spent": row["spent"],
                "outcomes": row["outcomes"],
            }
            for row in selectors.by_line(agreement=agreement, on=on)
        ],
        "by_outcome": selectors.by_outcome(agreement=agreement, on=on),
        "open_questions": _open_questions(agreement),
        "can_record": _keeps_records(request.user, agreement) and agreement.status in services.RECORDABLE,
    }


# Records and receipts (DOMAIN R16)


@router.get(
    SPENDING + "/records",
    response=list[SpendingRecordOut],
    summary="List spending records",
    tags=RECORDS,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_spending_records(request: HttpRequest, child_id: int, agreement_id: int):
    """The records of payments and refunds, newest first; records taken back are left out."""
    require_perm(request, *READ)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return selectors.records_of(agreement=agreement)


@router.post(
    SPENDING + "/records",
    response={201: SpendingRecordDetailOut},
    summary="Record a payment or a refund",
    tags=RECORDS,
    openapi_extra=WRITE_PROBLEMS,
)
def create_spending_record(request: HttpRequest, child_id: int, agreement_id: int, payload: SpendingRecordIn):
    """Record a payment out of the direct payment account (a positive amount) or a refund into it (negative), and
    the support it paid for, split across the agreement's lines if need be: the parts add up to the amount exactly.
    It posts to the ledger at once, so the balance follows (DOMAIN R16). The same bank transaction, or the same date,
    amount, payee and balance, is not recorded twice."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    record = services.record_add(
        actor=request.user,
        agreement=agreement,
        spent_on=payload.spent_on,
        amount=payload.amount,
        payee=payload.payee,
        description=payload.description,
        category=payload.category or "",
        parts=_parts(payload.parts),
    )
    return _record_of(agreement, record.pk)


@router.get(
    SPENDING + "/records/{record_id}",
    response=SpendingRecordDetailOut,
    summary="Get a spending record",
    tags=RECORDS,
    openapi_extra=READ_PROBLEMS,
)
def get_spending_record(request: HttpRequest, child_id: int, agreement_id: int, record_id: int):
    """One record with the support it paid for and its receipts, even once taken back."""
    require_perm(request, *READ)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return _record_of(agreement, record_id)


@router.post(
    SPENDING + "/records/{record_id}/withdraw",
    response=SpendingRecordDetailOut,
    summary="Take a spending record back",
    tags=RECORDS,
    openapi_extra=WRITE_PROBLEMS,
)
def withdraw_spending_record(
    request: HttpRequest, child_id: int, agreement_id: int, record_id: int, payload: WithdrawRecordIn
):
    """Take back a record entered by mistake, saying why: its ledger entry is reversed and nothing is deleted. A
    record in a return already sent can be taken back only by the council."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    record = _record_of(agreement, record_id)
    services.record_withdraw(actor=request.user, record=record, reason=payload.reason)
    return _record_of(agreement, record_id)


@router.post(
    SPENDING + "/records/{record_id}/receipts",
    response={201: SpendingReceiptOut},
    summary="Add a receipt",
    tags=RECORDS,
    openapi_extra=WRITE_PROBLEMS,
)
def create_spending_receipt(
    request: HttpRequest,
    child_id: int,
    agreement_id: int,
    record_id: int,
    file: Annotated[UploadedFile, File(..., description="A PDF, JPEG, PNG or HEIC file smaller than 10 MB.")],
    part: Annotated[
        int | None, Form(description="The id of the part of the record it is for; left out, the whole.")
    ] = None,
):
    """Attach a receipt or invoice to a record, as multipart/form-data. It is checked by its content, not its name
    or the content type sent, and stored privately under a random name."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    record = _record_of(agreement, record_id)
    chosen = None
    if part is not None:
        chosen = record.parts.filter(pk=part).first()
        if chosen is None:
            raise ValidationError({"part": "Choose a part of this record"})
    return services.receipt_add(actor=request.user, record=record, upload=file, part=chosen)


@router.get(
    SPENDING + "/receipts/{receipt_id}",
    summary="Get a receipt's file",
    tags=RECORDS,
    openapi_extra=RECEIPT_RESPONSES,
)
def get_spending_receipt(request: HttpRequest, child_id: int, agreement_id: int, receipt_id: int):
    """A receipt's file, shown in the browser with the content type found when it was uploaded (never guessed from
    its name); only a receipt of a record of this agreement."""
    require_perm(request, *READ)
    agreement = agreement_or_404(request, child_id, agreement_id)
    item = get_object_or_404(
        Receipt.objects.filter(record__agreement=agreement, council_id=agreement.council_id), pk=receipt_id
    )
    return private_file_response(item, default_name="receipt")


# Statements (ADR 10): read whole, previewed, then saved all or nothing


def _statement(statement: StatementImport) -> dict:
    """A statement with each line as the family's preview shows it: its suggestion, whether it is a duplicate (already
    recorded, or the same as an earlier line of the file), passed over, or needs the support or kind chosen."""
    by_pk = {line.pk: line for line in statement.agreement.lines.all()}
    rows, seen = [], set()
    for line in statement.lines.order_by("line_number"):
        key = line.fitid or line.fingerprint
        repeated = key in seen
        seen.add(key)
        suggested = [
            {"line_id": int(pk), "description": by_pk[int(pk)].description, "amount": Decimal(amount)}
            for pk, amount in line.suggestion
            if int(pk) in by_pk
        ]
        recordable = not line.is_payment_in and line.amount != 0
        rows.append(
            {
                "id": line.pk,
                "line_number": line.line_number,
                "posted_on": line.posted_on,
                "amount": line.amount,
                "payee": line.payee,
                "description": line.description,
                "fitid": line.fitid,
                "balance": line.balance,
                "is_payment_in": line.is_payment_in,
                "suggested_category": line.suggested_category or None,
                "suggestion": suggested,
                "reason": line.reason,
                "duplicate": bool(line.duplicate_of_id) or repeated,
                "duplicate_of_id": line.duplicate_of_id,
                "repeated_in_file": repeated and not line.duplicate_of_id,
                "passed_over": not recordable,
                "needs_support": recordable and not line.suggestion,
                "needs_category": recordable and not line.suggested_category,
                "record_id": line.record_id,
            }
        )
    return {
        "id": statement.pk,
        "agreement_id": statement.agreement_id,
        "filename": statement.filename,
        "file_format": statement.file_format,
        "layout_id": statement.layout_id,
        "layout_name": statement.layout.name if statement.layout_id else None,
        "status": statement.status,
        "uploaded_at": statement.uploaded_at,
        "saved_at": statement.saved_at,
        "to_save": sum(1 for row in rows if not row["passed_over"] and not row["duplicate"]),
        "duplicates": sum(1 for row in rows if row["duplicate"]),
        "payments_in": sum(1 for row in rows if row["is_payment_in"]),
        "lines": rows,
    }


@router.post(
    SPENDING + "/statements",
    response={201: StatementOut},
    summary="Read a bank or card statement",
    tags=STATEMENTS,
    openapi_extra=WRITE_PROBLEMS,
)
def create_statement(
    request: HttpRequest,
    child_id: int,
    agreement_id: int,
    file: Annotated[
        UploadedFile, File(..., description="A CSV or OFX export of the direct payment account, up to 2 MB.")
    ],
    layout: Annotated[
        int | None,
        Form(description="The id of a CSV layout (GET /statement-layouts); left out, worked out from the file."),
    ] = None,
):
    """Read a whole statement, as multipart/form-data, and keep it as a preview: each line with its suggested support,
    kind of spending and the reason, duplicates and the council's own payments in marked. Nothing is recorded until it
    is saved. A malformed file is refused with its line numbers (errors on `file`) and nothing is stored."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    chosen = None
    if layout is not None:
        chosen = CsvLayout.objects.filter(pk=layout).first()
        if chosen is None:
            raise ValidationError({"layout": "Choose a layout from the list"})
    try:
        statement = services.statement_preview(
            actor=request.user, agreement=agreement, data=file.read(), filename=file.name or "", layout=chosen
        )
    except ValidationError as exc:
        # Past the checks above, a message about no one field is the parser's about the file.
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"file": exc.messages}) from exc
    return _statement(_statement_of(agreement, statement.pk))


@router.get(
    SPENDING + "/statements/{statement_id}",
    response=StatementOut,
    summary="Get a statement's preview",
    tags=STATEMENTS,
    openapi_extra=READ_PROBLEMS,
)
def get_statement(request: HttpRequest, child_id: int, agreement_id: int, statement_id: int):
    """A statement read from a file, with each line, its suggestion and reason, and once saved the record made."""
    require_perm(request, *READ)
    agreement = agreement_or_404(request, child_id, agreement_id)
    if request.user.is_family and not _keeps_records(request.user, agreement):
        raise PermissionDenied("Only the person who holds the direct payments can see their statements.")
    return _statement(_statement_of(agreement, statement_id))


def _choices(statement: StatementImport, payload: StatementSaveIn) -> dict:
    """The family's choices in the form statement_save takes ({statement line id: {...}}); as on the page, a line
    repeated in the file is left out unless the family keeps both."""
    lines = {line.pk: line for line in statement.lines.all()}
    choices, errors = {}, {}
    for index, choice in enumerate(payload.choices):
        if choice.statement_line_id not in lines:
            errors[f"choices.{index}.statement_line_id"] = "Choose a line of this statement"
            continue
        if choice.statement_line_id in choices:
            errors[f"choices.{index}.statement_line_id"] = "Give one choice for each line"
            continue
        item = {}
        if choice.skip:
            item["skip"] = True
        if choice.keep_both:
            item["keep_both"] = True
        if choice.category:
            item["category"] = choice.category
        if choice.parts:
            item["parts"] = _parts(choice.parts)
        choices[choice.statement_line_id] = item
    if errors:
        raise ValidationError(errors)
    for row in _statement(statement)["lines"]:
        if row["repeated_in_file"] and not choices.get(row["id"], {}).get("keep_both"):
            choices.setdefault(row["id"], {})["skip"] = True
    return choices


@router.post(
    SPENDING + "/statements/{statement_id}/save",
    response=StatementSavedOut,
    summary="Save a statement's lines as records",
    tags=STATEMENTS,
    openapi_extra=WRITE_PROBLEMS,
)
def save_statement(
    request: HttpRequest, child_id: int, agreement_id: int, statement_id: int, payload: StatementSaveIn | None = None
):
    """Make every remaining line a record with its suggestion, unless a choice says otherwise: skip it, keep both
    (a genuine repeat), another kind of spending, or other support (parts). All lines are saved or none: a line that
    cannot be recorded is named by its line number and nothing is saved."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    statement = _statement_of(agreement, statement_id)
    choices = _choices(statement, payload or StatementSaveIn())
    records = services.statement_save(actor=request.user, statement=statement, choices=choices or None)
    found = selectors.records_of(agreement=agreement).filter(pk__in=[record.pk for record in records])
    return {
        "statement": _statement(_statement_of(agreement, statement_id)),
        "records": list(found.order_by("spent_on", "pk")),
    }


@router.post(
    SPENDING + "/statements/{statement_id}/discard",
    response=StatementOut,
    summary="Discard a statement",
    tags=STATEMENTS,
    openapi_extra=WRITE_PROBLEMS,
)
def discard_statement(request: HttpRequest, child_id: int, agreement_id: int, statement_id: int):
    """Throw a preview away: nothing from it is recorded, and the file can be read again later."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    statement = _statement_of(agreement, statement_id)
    services.statement_discard(actor=request.user, statement=statement)
    return _statement(_statement_of(agreement, statement_id))


@router.get(
    "/statement-layouts",
    response=list[CsvLayoutOut],
    summary="List CSV statement layouts",
    tags=STATEMENTS,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_statement_layouts(request: HttpRequest):
    """How each bank's or card provider's CSV export is read (docs/statement-layouts.md), by name."""
    require_perm(request, *READ)
    return CsvLayout.objects.order_by("name")


# Linking rules (ADR 10)


def _percent(value) -> str:
    """A stored share ("100", "67/2") as a decimal in percent ("100", "33.5")."""
    text = str(value)
    if "/" in text:
        numerator, denominator = text.split("/")
        return f"{(Decimal(numerator) / Decimal(denominator)).normalize():f}"
    return f"{Decimal(text).normalize():f}"


def _rule(rule: LinkRule, shares: list[dict]) -> dict:
    return {
        "id": rule.pk,
        "scope": rule.scope,
        "words": rule.words,
        "category": rule.category,
        "split": shares,
        "created_at": rule.created_at,
    }


def _rules_of(agreement: Agreement) -> list[dict]:
    """The family's own rules, then the council's that apply to one of the agreement's lines, as on the page."""
    lines = {line.pk: line for line in agreement.lines.select_related("budget_line__offer_item").order_by("pk")}
    codes = {line.budget_line.offer_item.code: line for line in lines.values()}
    found = []
    for rule in LinkRule.objects.filter(agreement=agreement).order_by("pk"):
        shares = [
            {"line_id": lines[int(key)].pk, "offer_item_code": None, "description": lines[int(key)].description}
            | {"percent": _percent(percent)}
            for key, percent in rule.split
            if int(key) in lines
        ]
        found.append(_rule(rule, shares))
    for rule in LinkRule.objects.filter(council_id=agreement.council_id, agreement__isnull=True).order_by("pk"):
        shares = [
            {"line_id": codes[key].pk, "offer_item_code": key, "description": codes[key].description}
            | {"percent": _percent(percent)}
            for key, percent in rule.split
            if key in codes
        ]
        if shares:
            found.append(_rule(rule, shares))
    return found


@router.get(
    SPENDING + "/rules",
    response=list[LinkRuleOut],
    summary="List the linking rules that apply",
    tags=RULES,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_linking_rules(request: HttpRequest, child_id: int, agreement_id: int):
    """The family's own rules, then the council's rules that apply to the agreement's support: words in a payment
    that suggest the kind of spending and the support it paid for."""
    require_perm(request, *READ)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return _rules_of(agreement)


@router.post(
    SPENDING + "/rules",
    response={201: LinkRuleOut},
    summary="Add a linking rule",
    tags=RULES,
    openapi_extra=WRITE_PROBLEMS,
)
def create_linking_rule(request: HttpRequest, child_id: int, agreement_id: int, payload: FamilyRuleIn):
    """When a payment mentions these words, suggest this kind of spending for this support, or split it across
    lines in percent. It comes before the council's rules."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    split = [(share.line_id, share.percent) for share in payload.split]
    if not split:
        only = list(agreement.lines.values_list("pk", flat=True))
        split = [(only[0], 100)] if len(only) == 1 else []
    rule = services.link_rule_add(
        actor=request.user,
        agreement=agreement,
        words=payload.words,
        category=payload.category or "",
        split=split,
    )
    return next(found for found in _rules_of(agreement) if found["id"] == rule.pk)


@router.delete(
    SPENDING + "/rules/{rule_id}",
    response={204: None},
    summary="Remove a linking rule",
    tags=RULES,
    openapi_extra=WRITE_PROBLEMS,
)
def delete_linking_rule(request: HttpRequest, child_id: int, agreement_id: int, rule_id: int):
    """Remove one of the family's own rules; records already made keep their support. The council's rules are the
    council's to remove."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    rule = get_object_or_404(LinkRule.objects.filter(agreement=agreement), pk=rule_id)
    rule.agreement = agreement
    services.link_rule_remove(actor=request.user, rule=rule)


def _council_rule(rule: LinkRule, names: dict) -> dict:
    shares = [
        {"line_id": None, "offer_item_code": code, "description": names.get(code, ""), "percent": _percent(percent)}
        for code, percent in rule.split
    ]
    return _rule(rule, shares)


def _offer_names(council) -> dict:
    return dict(OfferItem.objects.filter(council=council).values_list("code", "name"))


@router.get(
    "/council/linking-rules",
    response=list[LinkRuleOut],
    summary="List the council's linking rules",
    tags=RULES,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_council_linking_rules(request: HttpRequest):
    """The council's own rules, by their words: each suggests the kind of spending and the item of the local offer a
    payment pays for, for every family whose agreement has that item (ADR 10)."""
    require_perm(request, Perm.OFFER_MANAGE)
    council = request.user.council
    names = _offer_names(council)
    found = LinkRule.objects.filter(council=council, agreement__isnull=True).order_by("words", "pk")
    return [_council_rule(rule, names) for rule in found]


@router.post(
    "/council/linking-rules",
    response={201: LinkRuleOut},
    summary="Add a council linking rule",
    tags=RULES,
    openapi_extra=WRITE_PROBLEMS,
)
def create_council_linking_rule(request: HttpRequest, payload: CouncilRuleIn):
    """A rule for every family: when a payment has these words in its payee or description, suggest this kind of
    spending and the support of their agreement for these items of the local offer, in percent."""
    require_perm(request, Perm.OFFER_MANAGE)
    council = request.user.council
    rule = services.link_rule_add(
        actor=request.user,
        council=council,
        words=payload.words,
        category=payload.category or "",
        split=[(share.item, f"{share.percent.normalize():f}") for share in payload.split],
    )
    return _council_rule(rule, _offer_names(council))


@router.delete(
    "/council/linking-rules/{rule_id}",
    response={204: None},
    summary="Remove a council linking rule",
    tags=RULES,
    openapi_extra=WRITE_PROBLEMS,
)
def delete_council_linking_rule(request: HttpRequest, rule_id: int):
    """Remove one of the council's rules; records already made keep their support."""
    require_perm(request, Perm.OFFER_MANAGE)
    rule = get_object_or_404(LinkRule, pk=rule_id, council=request.user.council, agreement__isnull=True)
    services.link_rule_remove(actor=request.user, rule=rule)


# Money owed and set aside (DOMAIN R32)


@router.get(
    SPENDING + "/commitments",
    response=list[CommitmentOut],
    summary="List money owed",
    tags=OWED,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_commitments(request: HttpRequest, child_id: int, agreement_id: int):
    """Invoices and wages owed from the account: those not yet paid first, by the date due."""
    require_perm(request, *READ)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return Commitment.objects.filter(agreement=agreement).order_by("settled_on", "due_on", "pk")


@router.post(
    SPENDING + "/commitments",
    response={201: CommitmentOut},
    summary="Add money owed",
    tags=OWED,
    openapi_extra=WRITE_PROBLEMS,
)
def create_commitment(request: HttpRequest, child_id: int, agreement_id: int, payload: CommitmentIn):
    """Money owed from the account, such as an invoice or wages due: it is not free to spend, nor surplus."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    return services.commitment_add(actor=request.user, agreement=agreement, **payload.model_dump())


@router.post(
    SPENDING + "/commitments/{commitment_id}/settle",
    response=CommitmentOut,
    summary="Mark money owed as paid",
    tags=OWED,
    openapi_extra=WRITE_PROBLEMS,
)
def settle_commitment(request: HttpRequest, child_id: int, agreement_id: int, commitment_id: int):
    """Mark money owed as paid today; record the payment itself as spending too."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    item = get_object_or_404(Commitment.objects.filter(agreement=agreement), pk=commitment_id)
    item.agreement = agreement
    return services.commitment_settle(actor=request.user, commitment=item)


@router.get(
    SPENDING + "/savings",
    response=list[SavingsOut],
    summary="List money set aside",
    tags=OWED,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_savings(request: HttpRequest, child_id: int, agreement_id: int):
    """Money set aside for planned short breaks or activities, the soonest first."""
    require_perm(request, *READ)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return SavingsPot.objects.filter(agreement=agreement).select_related("line").order_by("for_date", "pk")


@router.post(
    SPENDING + "/savings",
    response={201: SavingsOut},
    summary="Set money aside",
    tags=OWED,
    openapi_extra=WRITE_PROBLEMS,
)
def create_savings(request: HttpRequest, child_id: int, agreement_id: int, payload: SavingsIn):
    """Set money aside for a planned short break or activity: it is shown apart from the money free to spend."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    line = _line_of(agreement, payload.line, "line")
    return services.savings_add(
        actor=request.user,
        agreement=agreement,
        name=payload.name,
        amount=payload.amount,
        for_date=payload.for_date,
        line=line,
    )


@router.delete(
    SPENDING + "/savings/{savings_id}",
    response={204: None},
    summary="Stop setting money aside",
    tags=OWED,
    openapi_extra=WRITE_PROBLEMS,
)
def delete_savings(request: HttpRequest, child_id: int, agreement_id: int, savings_id: int):
    """The money set aside counts as free to spend again."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    pot = get_object_or_404(SavingsPot.objects.filter(agreement=agreement), pk=savings_id)
    pot.agreement = agreement
    services.savings_remove(actor=request.user, pot=pot)


# What can I spend it on? (DOMAIN R16, R33)


@router.get(
    SPENDING + "/spend-check",
    response=SpendCheckOut,
    summary="Ask whether something can be bought",
    openapi_extra=READ_PROBLEMS,
)
def spend_check(request: HttpRequest, child_id: int, agreement_id: int, q: str = ""):
    """Ask before buying: no if the agreement names the payee or the council's policy rules it out, yes if it fits
    the agreed support, otherwise ask the case officer first. Nothing is stored."""
    require_perm(request, *READ)
    agreement = agreement_or_404(request, child_id, agreement_id)
    text = q.strip()
    if not text:
        raise ValidationError({"q": "Enter what you would like to buy"})
    if len(text) > 200:
        raise ValidationError({"q": "Enter no more than 200 characters"})
    answer = rules.spend_check(
        text=text,
        lines=list(agreement.lines.select_related("budget_line__offer_item").order_by("pk")),
        restrictions=list(SpendingRestriction.objects.filter(council_id=agreement.council_id, active=True)),
        excluded_payees=agreement.excluded_payees.splitlines(),
    )
    return {"verdict": answer.verdict, "reason": answer.reason, "line": answer.line}


# Monitoring returns and the council's questions (DOMAIN R31)


@router.get(
    SPENDING + "/returns",
    response=list[ReturnPeriodOut],
    summary="List return periods",
    tags=RETURNS,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_return_periods(request: HttpRequest, child_id: int, agreement_id: int):
    """Every return period of the agreement, at the council's frequency from its start date, and its return: not
    sent, sent, accepted, or queried. A period's return can be sent once it has ended."""
    require_perm(request, *READ)
    agreement = agreement_or_404(request, child_id, agreement_id)
    sent = {item.period_start: item for item in agreement.returns.all()}
    on = today()
    periods = []
    for start, end in selectors.return_periods(agreement=agreement):
        item = sent.get(start)
        ended = end < on or agreement.has_stopped
        periods.append(
            {
                "period_start": start,
                "period_end": end,
                "ended": ended,
                "can_send": ended and (item is None or item.status in (ReturnStatus.DRAFT, ReturnStatus.QUERIED)),
                "status": item.status if item else "not_sent",
                "return_id": item.pk if item else None,
                "submitted_on": item.submitted_on if item else None,
            }
        )
    return periods


@router.post(
    SPENDING + "/returns",
    response={201: MonitoringReturnDetailOut},
    summary="Send a return",
    tags=RETURNS,
    openapi_extra=WRITE_PROBLEMS,
)
def submit_return(request: HttpRequest, child_id: int, agreement_id: int, payload: ReturnSubmitIn):
    """Send a period's return in one step once the period has ended: compiled from the records (spending by line and
    outcome, receipts, payments in, the balance) and kept as sent. A queried return can be sent again."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id)
    if payload.period_start is None:
        raise ValidationError({"period_start": "Choose one of the return periods of this agreement"})
    item = services.return_submit(
        actor=request.user, agreement=agreement, period_start=payload.period_start, note=payload.note
    )
    return _return_of(agreement, item.pk)


@router.get(
    SPENDING + "/returns/{return_id}",
    response=MonitoringReturnDetailOut,
    summary="Get a return",
    tags=RETURNS,
    openapi_extra=READ_PROBLEMS,
)
def get_return(request: HttpRequest, child_id: int, agreement_id: int, return_id: int):
    """A return as the family sent it: its figures kept as submitted, their note, and the council's questions."""
    require_perm(request, *READ)
    agreement = agreement_or_404(request, child_id, agreement_id)
    return _return_of(agreement, return_id)


@router.post(
    SPENDING + "/returns/{return_id}/accept",
    response=MonitoringReturnDetailOut,
    summary="Accept a return",
    tags=RETURNS,
    openapi_extra=WRITE_PROBLEMS,
)
def accept_return(request: HttpRequest, child_id: int, agreement_id: int, return_id: int):
    """An officer accepts a return the family sent."""
    require_perm(request, Perm.DP_MANAGE)
    agreement = agreement_or_404(request, child_id, agreement_id)
    item = _return_of(agreement, return_id)
    services.return_accept(actor=request.user, monitoring_return=item)
    return _return_of(agreement, return_id)


@router.post(
    SPENDING + "/returns/{return_id}/query",
    response={201: EvidenceRequestOut},
    summary="Ask a question about a return",
    tags=RETURNS,
    openapi_extra=WRITE_PROBLEMS,
)
def query_return(request: HttpRequest, child_id: int, agreement_id: int, return_id: int, payload: ReturnQueryIn):
    """An officer asks about a return the family sent: the question becomes a request for evidence on the family's
    page, due after the council's evidence deadline (28 days unless its policy says otherwise) on a working day."""
    require_perm(request, Perm.DP_MANAGE)
    agreement = agreement_or_404(request, child_id, agreement_id)
    item = _return_of(agreement, return_id)
    return services.return_query(actor=request.user, monitoring_return=item, query=payload.query)


@router.get(
    "/direct-payments/returns",
    response=list[MonitoringReturnOut],
    summary="List returns to check",
    tags=RETURNS,
    openapi_extra=READ_PROBLEMS,
)
@paginate(Pages)
def list_returns_to_check(request: HttpRequest, status: ReturnListStatus = ReturnListStatus.SUBMITTED):
    """The council's returns sent by families and waiting for an officer, the longest waiting first (submitted is
    the only status listed)."""
    require_perm(request, Perm.DP_VIEW)
    return (
        MonitoringReturn.objects.filter(
            council_id=request.user.council_id,
            status=ReturnStatus.SUBMITTED,
            agreement__child__in=children_visible_to(request.user),
        )
        .select_related("agreement__child")
        .order_by("submitted_on", "period_start", "pk")
    )


@router.post(
    SPENDING + "/evidence/{evidence_id}/answer",
    response=EvidenceRequestOut,
    summary="Answer the council's question",
    tags=RETURNS,
    openapi_extra=WRITE_PROBLEMS,
)
def answer_evidence_request(
    request: HttpRequest, child_id: int, agreement_id: int, evidence_id: int, payload: EvidenceAnswerIn
):
    """Answer the council's question or request for evidence; add receipts to the records themselves."""
    require_perm(request, *KEEPER)
    agreement = _keeper_agreement(request, child_id, agreement_id, needs_payments=False)
    question = get_object_or_404(EvidenceRequest.objects.filter(agreement=agreement), pk=evidence_id)
    question.agreement = agreement
    return services.evidence_answer(actor=request.user, request=question, answer=payload.answer)
