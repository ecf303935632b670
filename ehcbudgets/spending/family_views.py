"""The family's spending pages: the money picture, records and receipts, statement import, linking rules, money owed
and set aside, "what can I spend it on?", and monitoring returns (DOMAIN R16, R31, R32, R33; ADR 10).

Every page reads through the agreement, which payments.selectors scopes to the user (another family's agreement is
404) and which a family never sees as a draft. Pages that change things are for the recipient or the third party
managing the account (403 for anyone else); every change goes through the spending services. The pages work without
JavaScript: charts are SVG drawn here on the server, each with a table of the same figures.
"""

import textwrap
from datetime import date
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.core.dates import format_date, today
from ehcbudgets.core.files import private_file_response
from ehcbudgets.core.money import format_money
from ehcbudgets.core.views import confirm_page, form_page, paginate
from ehcbudgets.offer.models import SpendingRestriction
from ehcbudgets.payments import selectors as payment_selectors
from ehcbudgets.payments.models import AgreementStatus

from . import rules, selectors, services
from .forms import (
    CommitmentForm,
    EvidenceAnswerForm,
    ReceiptForm,
    RecordForm,
    RuleForm,
    SavingsForm,
    SpendCheckForm,
    StatementChoicesForm,
    StatementUploadForm,
    WithdrawRecordForm,
)
from .models import (
    Commitment,
    EvidenceRequest,
    ImportStatus,
    LinkRule,
    Receipt,
    ReturnStatus,
    SavingsPot,
    SpendingCategory,
    SpendingRecord,
    StatementImport,
)

RECORDS_PER_PAGE = 20
LATEST_RECORDS = 5
#: Series colours: GOV.UK blue and dark grey (both over 3:1 against white, WCAG 1.4.11); red for a figure below zero.
BLUE, GREY, RED = "#1d70b8", "#505a5f", "#d4351c"


# Finding the agreement -------------------------------------------------------------------------------------------


def _agreement(request, pk, agreement_pk):
    """An agreement of the family's child that has been sent to them (a draft is the council's work), or 404."""
    agreement = payment_selectors.agreement_get(user=request.user, child_pk=pk, pk=agreement_pk)
    if agreement.status == AgreementStatus.DRAFT:
        raise Http404
    return agreement


def _keeps_records(user, agreement) -> bool:
    """The recipient, or the third party managing the account, keeps the records here (officers use their pages)."""
    return user.is_family and services.keeps_records(user, agreement)


def _is_open(agreement) -> bool:
    return agreement.status in services.RECORDABLE


def family_page(view):
    """A read page: the view gets the agreement in place of the child's and the agreement's ids."""

    @wraps(view)
    def inner(request, pk, agreement_pk, **kwargs):
        return view(request, _agreement(request, pk, agreement_pk), **kwargs)

    return inner


def keeper_page(*, needs_payments: bool = True):
    """A page that changes things: the record keeper only (403 for anyone else), and, for most, once the payments
    have started (before that the family is taken to the overview, which says so)."""

    def decorator(view):
        @wraps(view)
        def inner(request, pk, agreement_pk, **kwargs):
            agreement = _agreement(request, pk, agreement_pk)
            if not _keeps_records(request.user, agreement):
                raise PermissionDenied
            if needs_payments and not _is_open(agreement):
                return redirect(_url("overview", agreement))
            return view(request, agreement, **kwargs)

        return inner

    return decorator


def _url(name: str, agreement, *args) -> str:
    return reverse(f"family_spending:{name}", args=[agreement.child_id, agreement.pk, *args])


def _base(request, agreement, **extra) -> dict:
    keeper = _keeps_records(request.user, agreement)
    return {
        "child": agreement.child,
        "agreement": agreement,
        "keeper": keeper,
        "can_record": keeper and _is_open(agreement),
        "overview_url": _url("overview", agreement),
        **extra,
    }


def _lines(agreement) -> list:
    return list(agreement.lines.select_related("budget_line__offer_item").order_by("pk"))


def _remap(save, fields: dict):
    """Call a service; its errors about fields the form names differently are shown against the form's field."""

    def call(data):
        try:
            return save(data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            raise ValidationError(
                {fields.get(name, name): messages_ for name, messages_ in error.message_dict.items()}
            ) from error

    return call


# Charts: SVG drawn on the server -----------------------------------------------------------------------------------

LABEL_ROW, BAR, BAR_GAP, GROUP_GAP, LEGEND_ROW = 22, 22, 4, 14, 26
#: The bars take the left part of the width, the figures are written at the right edge: in percent of the width,
#: so the text keeps its size on a phone and the chart never scrolls sideways.
PLOT = 64.0
#: Labels are wrapped to fit a phone's width at 16px, in at most LABEL_LINES lines.
LABEL_CHARACTERS, LABEL_LINES = 30, 3


def _pct(value: float) -> str:
    return f"{value:.2f}"


def _wrap(label: str) -> list[str]:
    """A label in lines of at most LABEL_CHARACTERS, the last shortened with an ellipsis if it is still too long."""
    rows = textwrap.wrap(label, LABEL_CHARACTERS, break_long_words=True) or [""]
    if len(rows) > LABEL_LINES:
        rows = rows[:LABEL_LINES]
        rows[-1] = rows[-1][: LABEL_CHARACTERS - 1].rstrip() + "…"
    return rows


def bar_chart(*, chart_id: str, title: str, groups: list, series: list) -> dict:
    """A horizontal bar chart: `groups` are (label, [value per series]); `series` are (name, colour). A value below
    zero is drawn to the left of the zero line, in red. Geometry in percent of the width and pixels of the height."""
    values = [float(v) for _, vals in groups for v in vals]
    top = max([v for v in values if v > 0], default=0.0)
    bottom = abs(min([v for v in values if v < 0], default=0.0))
    span = (top + bottom) or 1.0
    zero = PLOT * bottom / span
    y = 0
    legend = []
    if len(series) > 1:
        for name, colour in series:
            legend.append({"y": y + 4, "text_y": y + 18, "fill": colour, "name": name})
            y += LEGEND_ROW
        y += 6
    axis_top = y
    rows, summary = [], []
    for label, vals in groups:
        row = {"labels": [], "bars": []}
        for text in _wrap(label):
            row["labels"].append({"y": y + 17, "text": text})
            y += LABEL_ROW
        y += 4
        words = []
        for (name, colour), value in zip(series, vals, strict=True):
            width = PLOT * abs(float(value)) / span
            row["bars"].append(
                {
                    "x": _pct(zero if value >= 0 else zero - width),
                    "y": y,
                    "width": _pct(width),
                    "fill": colour if value >= 0 else RED,
                    "value": format_money(value),
                    "text_y": y + 17,
                    "name": name,
                }
            )
            words.append(f"{name.lower()} {format_money(value)}" if len(series) > 1 else format_money(value))
            y += BAR + BAR_GAP
        y += GROUP_GAP
        rows.append(row)
        summary.append(f"{label}: {', '.join(words)}")
    return {
        "id": chart_id,
        "title": title,
        "desc": "; ".join(summary) + "." if summary else "Nothing to show yet.",
        "height": max(y, 1),
        "zero": _pct(zero),
        "axis_top": axis_top,
        "legend": legend,
        "groups": rows,
    }


def _money_rows(picture: dict) -> list:
    """The money picture's figures, each with what it means, in the order the chart shows them."""
    return [
        ("Balance", picture["balance"], "What the account holds of the payments, from our records"),
        ("Owed", picture["committed"], "Invoices and wages you owe and have not paid yet"),
        ("Set aside", picture["set_aside"], "Money you are saving for a planned short break or activity"),
        ("Free to spend", picture["free"], "The balance less what is owed and set aside"),
        ("Still to come", picture["to_come"], "Payments the council will still make under this agreement"),
        (
            f"Expected balance on {format_date(picture['end_date'])}",
            picture["projected_end"],
            "If you keep spending at the same rate as so far",
        ),
    ]


# 1. Overview -------------------------------------------------------------------------------------------------------


@require(Perm.FAMILY_VIEW)
@family_page
def overview(request, agreement):
    """The money picture, spending by support and outcome against what was expected, the latest records, returns
    due and the council's open questions, first (JOURNEYS: never be surprised)."""
    picture = selectors.money_picture(agreement=agreement)
    money_rows = _money_rows(picture)
    line_rows = selectors.by_line(agreement=agreement)
    outcome_rows = selectors.by_outcome(agreement=agreement)
    spend_series = [("Expected by now", GREY), ("Spent", BLUE)]
    returns = _returns_with_summaries(agreement, selectors.returns_due(agreement=agreement))
    context = _base(
        request,
        agreement,
        picture=picture,
        money_rows=money_rows,
        money_chart=bar_chart(
            chart_id="money-chart",
            title="The money picture",
            groups=[(label, [value]) for label, value, _ in money_rows],
            series=[("Amount", BLUE)],
        ),
        line_rows=line_rows,
        line_chart=bar_chart(
            chart_id="line-chart",
            title="Spending on each kind of support, against what was expected by now",
            groups=[(r["line"].description, [r["expected"], r["spent"]]) for r in line_rows],
            series=spend_series,
        ),
        outcome_rows=outcome_rows,
        outcome_chart=bar_chart(
            chart_id="outcome-chart",
            title="Spending towards each outcome in the plan, against what was expected by now",
            groups=[(r["outcome"], [r["expected"], r["spent"]]) for r in outcome_rows],
            series=spend_series,
        ),
        records=list(selectors.records_of(agreement=agreement)[:LATEST_RECORDS]),
        questions=_open_questions(agreement),
        queried=[r for r in returns if r["return"] and r["return"].status == ReturnStatus.QUERIED],
        returns_to_send=[r for r in returns if r["can_send"]],
        waiting_statements=list(
            StatementImport.objects.filter(agreement=agreement, status=ImportStatus.PREVIEW).order_by("-pk")
        ),
        next_period=_next_period(agreement),
        today=today(),
    )
    return render(request, "spending/family_overview.html", context)


def _open_questions(agreement) -> list:
    return list(
        EvidenceRequest.objects.filter(agreement=agreement, answered_on__isnull=True)
        .select_related("monitoring_return", "record")
        .order_by("due_on", "pk")
    )


def _returns_with_summaries(agreement, rows: list) -> list:
    """Each period ended (or with a return), whether it can be sent now, and for one not sent yet its figures."""
    on = today()
    result = []
    for row in rows:
        item = row["return"]
        sendable = (item is None or item.status in (ReturnStatus.DRAFT, ReturnStatus.QUERIED)) and (
            row["end"] < on or agreement.has_stopped
        )
        summary = None
        if sendable:
            summary = selectors.return_summary(agreement=agreement, start=row["start"], end=row["end"])
        result.append({**row, "can_send": sendable, "summary": summary})
    return result


def _next_period(agreement):
    """The period running today, whose return can be sent once it ends."""
    return selectors.return_period(agreement=agreement, containing=today())


# 2. Records --------------------------------------------------------------------------------------------------------


@require(Perm.FAMILY_VIEW)
@family_page
def records(request, agreement):
    """Every record, newest first, a page at a time."""
    context = _base(
        request, agreement, **paginate(request, selectors.records_of(agreement=agreement), RECORDS_PER_PAGE)
    )
    return render(request, "spending/family_records.html", context)


@require(Perm.SPENDING_RECORD)
@keeper_page()
def record_add(request, agreement):
    """Add a payment (or a refund) by hand, and the support it paid for."""
    lines = _lines(agreement)
    form = RecordForm(request.POST or None, lines=lines)

    def save(data):
        return services.record_add(actor=request.user, agreement=agreement, **form.service_fields())

    return form_page(
        request,
        form=form,
        title="Add a payment or refund",
        caption=agreement.child.full_name,
        intro="Record money paid out of the direct payment account, or money paid back into it.",
        back_url=_url("records", agreement),
        save=_remap(save, {"parts": "support"}),
        success_url=lambda record: _url("record", agreement, record.pk),
        success_message="The record is saved. You can add a receipt for it now.",
    )


def _record_of(agreement, record_pk) -> SpendingRecord:
    return get_object_or_404(
        SpendingRecord.objects.filter(agreement=agreement, council_id=agreement.council_id).prefetch_related(
            "parts__line", "receipts"
        ),
        pk=record_pk,
    )


@require(Perm.FAMILY_VIEW)
@family_page
def record(request, agreement, record_pk):
    """One record: what it paid for and its receipts."""
    item = _record_of(agreement, record_pk)
    in_sent_return = agreement.returns.filter(
        status__in=[ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED],
        period_start__lte=item.spent_on,
        period_end__gte=item.spent_on,
    ).exists()
    context = _base(
        request,
        agreement,
        record=item,
        parts=list(item.parts.all()),
        receipts=list(item.receipts.all()),
        in_sent_return=in_sent_return,
    )
    return render(request, "spending/family_record.html", context)


def _record_summary(item: SpendingRecord) -> list:
    return [
        ("Date", format_date(item.spent_on)),
        ("Refund from" if item.is_refund else "Paid to", item.payee),
        ("Amount", format_money(abs(item.amount)) + (" back into the account" if item.is_refund else "")),
    ]


@require(Perm.SPENDING_RECORD)
@keeper_page()
def receipt_add(request, agreement, record_pk):
    """Add a receipt or invoice: a PDF or a photo, checked by its content."""
    item = _record_of(agreement, record_pk)
    parts = list(item.parts.select_related("line"))
    form = ReceiptForm(request.POST or None, request.FILES or None, parts=parts)
    return form_page(
        request,
        form=form,
        title="Add a receipt",
        caption=agreement.child.full_name,
        back_url=_url("record", agreement, item.pk),
        save=lambda data: services.receipt_add(
            actor=request.user, record=item, upload=request.FILES["file"], part=data.get("part")
        ),
        success_url=_url("record", agreement, item.pk),
        success_message="The receipt is saved.",
        template="spending/family_form.html",
        extra={"summary": _record_summary(item)},
    )


@require(Perm.SPENDING_RECORD)
@keeper_page()
def record_withdraw(request, agreement, record_pk):
    """Take back a record entered by mistake: its entry is reversed, nothing is deleted."""
    item = _record_of(agreement, record_pk)
    if item.withdrawn:
        return redirect(_url("record", agreement, item.pk))
    return form_page(
        request,
        form=WithdrawRecordForm(request.POST or None),
        title="Take this record back",
        caption=agreement.child.full_name,
        intro="Do this if the record was a mistake. The amount goes back into your balance. The council can see "
        "that the record was taken back, and why.",
        back_url=_url("record", agreement, item.pk),
        save=lambda data: services.record_withdraw(actor=request.user, record=item, reason=data["reason"]),
        success_url=_url("records", agreement),
        success_message="The record has been taken back.",
        template="spending/family_form.html",
        extra={"summary": _record_summary(item)},
    )


@require(Perm.FAMILY_VIEW)
@family_page
def receipt(request, agreement, receipt_pk):
    """A receipt's file, shown in the browser, only to someone who may see the agreement (404 otherwise)."""
    item = get_object_or_404(
        Receipt.objects.filter(record__agreement=agreement, council_id=agreement.council_id), pk=receipt_pk
    )
    return private_file_response(item, default_name="receipt")


# 3. Import a statement ---------------------------------------------------------------------------------------------


@require(Perm.SPENDING_RECORD)
@keeper_page()
def statement_upload(request, agreement):
    """Upload a bank or card statement: it is read whole and shown for checking; nothing is recorded yet."""
    # The layout chosen once is remembered: the last statement's layout is offered next time.
    form = StatementUploadForm(
        request.POST or None, request.FILES or None, initial={"layout": selectors.last_layout(agreement=agreement)}
    )

    def save(data):
        upload = request.FILES["file"]
        return services.statement_preview(
            actor=request.user,
            agreement=agreement,
            data=upload.read(),
            filename=upload.name,
            layout=data.get("layout"),
        )

    return form_page(
        request,
        form=form,
        title="Add a bank or card statement",
        caption=agreement.child.full_name,
        intro="We read the statement and suggest which support each payment was for. You check the suggestions "
        "before anything is recorded.",
        back_url=_url("overview", agreement),
        save=save,
        success_url=lambda statement: _url("statement", agreement, statement.pk),
        success_message="We have read your statement. Check the lines, then save them.",
    )


def _statement_rows(statement, lines_by_pk: dict) -> list:
    """Each line of a statement with what the page shows: the suggestion in words, and whether the family must
    choose the support or the kind of spending before it can be saved."""
    rows, seen = [], set()
    categories = dict(SpendingCategory.choices)
    for line in statement.lines.select_related("duplicate_of", "record").order_by("line_number"):
        key = line.fitid or line.fingerprint
        repeated = key in seen
        seen.add(key)
        suggested = [
            {"line": lines_by_pk.get(int(line_pk)), "amount": Decimal(amount)} for line_pk, amount in line.suggestion
        ]
        rows.append(
            {
                "line": line,
                "duplicate": bool(line.duplicate_of_id) or repeated,
                "repeated_in_file": repeated and not line.duplicate_of_id,
                "suggested": [s for s in suggested if s["line"] is not None],
                "category": categories.get(line.suggested_category, ""),
                "pass_over": line.is_payment_in or line.amount == 0,
                "needs_support": not line.is_payment_in and line.amount != 0 and not suggested,
                "needs_category": not line.is_payment_in and line.amount != 0 and not line.suggested_category,
            }
        )
    return rows


@require(Perm.SPENDING_RECORD)
@keeper_page()
def statement(request, agreement, statement_pk):
    """The preview: every line with its suggestion and the reason, duplicates and the council's own payments marked.
    One button saves them all; a line can be skipped, a duplicate kept, and a line with no suggestion chosen."""
    item = get_object_or_404(
        StatementImport.objects.filter(agreement=agreement, council_id=agreement.council_id), pk=statement_pk
    )
    lines = _lines(agreement)
    rows = _statement_rows(item, {line.pk: line for line in lines})
    waiting = item.status == ImportStatus.PREVIEW
    form = StatementChoicesForm(request.POST if request.method == "POST" and waiting else None, rows=rows, lines=lines)
    errors = []
    if request.method == "POST" and waiting:
        if form.is_valid():
            try:
                saved = services.statement_save(actor=request.user, statement=item, choices=form.choices() or None)
            except ValidationError as exc:
                errors = [{"text": message, "href": "#save"} for message in exc.messages]
            else:
                count = len(saved)
                messages.success(
                    request,
                    f"{count} record{'' if count == 1 else 's'} saved from {item.filename}."
                    if count
                    else f"Nothing new to record from {item.filename}.",
                )
                return redirect(_url("overview", agreement))
        else:
            errors = [
                {"text": message, "href": f"#id_{name}"}
                for name, field_errors in form.errors.items()
                for message in field_errors
            ]
    for row in rows:
        pk = row["line"].pk
        row["fields"] = {
            kind: form[f"{kind}_{pk}"]
            for kind in ("skip", "keep", "support", "category")
            if f"{kind}_{pk}" in form.fields
        }
    to_save = [r for r in rows if not r["pass_over"] and not r["duplicate"]]
    context = _base(
        request,
        agreement,
        statement=item,
        rows=rows,
        form=form,
        errors=errors,
        waiting=waiting,
        to_save=len(to_save),
        duplicates=sum(1 for r in rows if r["duplicate"]),
        payments_in=sum(1 for r in rows if r["line"].is_payment_in),
    )
    return render(request, "spending/family_statement.html", context)


@require(Perm.SPENDING_RECORD)
@keeper_page()
def statement_discard(request, agreement, statement_pk):
    """Throw a statement's preview away: nothing from it is recorded."""
    item = get_object_or_404(
        StatementImport.objects.filter(agreement=agreement, council_id=agreement.council_id), pk=statement_pk
    )
    return confirm_page(
        request,
        action=lambda: services.statement_discard(actor=request.user, statement=item),
        template="spending/family_confirm.html",
        context=_base(
            request,
            agreement,
            title="Discard this statement",
            body=f"Nothing from {item.filename} will be recorded. You can upload it again later.",
            button="Discard the statement",
            warning=True,
            back_url=_url("statement", agreement, item.pk),
        ),
        success_message=f"{item.filename} has been discarded. Nothing from it was recorded.",
        success_url=_url("overview", agreement),
    )


# 4. Linking rules --------------------------------------------------------------------------------------------------


@require(Perm.FAMILY_VIEW)
@family_page
def link_rules(request, agreement):
    """The family's own rules, and the council's rules that apply to their agreement."""
    lines = {line.pk: line for line in _lines(agreement)}
    codes = {line.budget_line.offer_item.code: line for line in lines.values()}

    def described(rule, by):
        return [
            {"support": by[key].description, "percent": percent}
            for key, percent in ((int(k) if by is lines else k, p) for k, p in rule.split)
            if key in by
        ]

    family_rules = [
        {"rule": rule, "split": described(rule, lines)}
        for rule in LinkRule.objects.filter(agreement=agreement).order_by("pk")
    ]
    council_rules = [
        {"rule": rule, "split": split}
        for rule in LinkRule.objects.filter(council_id=agreement.council_id, agreement__isnull=True).order_by("pk")
        if (split := described(rule, codes))
    ]
    context = _base(request, agreement, family_rules=family_rules, council_rules=council_rules)
    return render(request, "spending/family_rules.html", context)


@require(Perm.SPENDING_RECORD)
@keeper_page()
def link_rule_add(request, agreement):
    """A rule: when a payment mentions some words, it is this kind of spending for this support."""
    lines = _lines(agreement)
    form = RuleForm(request.POST or None, lines=lines)
    return form_page(
        request,
        form=form,
        title="Add a rule",
        caption=agreement.child.full_name,
        intro="When a payment on a statement mentions these words, we will suggest this kind of spending and "
        "support for it.",
        back_url=_url("rules", agreement),
        save=_remap(
            lambda data: services.link_rule_add(
                actor=request.user,
                agreement=agreement,
                words=data["words"],
                category=data["category"],
                split=form.split(),
            ),
            {"split": "support"},
        ),
        success_url=_url("rules", agreement),
        success_message="The rule is saved.",
    )


@require(Perm.SPENDING_RECORD)
@keeper_page()
def link_rule_remove(request, agreement, rule_pk):
    rule = get_object_or_404(LinkRule.objects.filter(agreement=agreement), pk=rule_pk)
    rule.agreement = agreement
    return confirm_page(
        request,
        action=lambda: services.link_rule_remove(actor=request.user, rule=rule),
        template="spending/family_confirm.html",
        context=_base(
            request,
            agreement,
            title="Remove this rule",
            body=f"We will stop suggesting {rule.get_category_display().lower()} for payments that mention "
            f"'{rule.words}'. Records already made keep their support.",
            button="Remove the rule",
            warning=True,
            back_url=_url("rules", agreement),
        ),
        success_message=f"The rule for '{rule.words}' has been removed.",
        success_url=_url("rules", agreement),
    )


# 5. Owed and set aside ---------------------------------------------------------------------------------------------


@require(Perm.FAMILY_VIEW)
@family_page
def owed(request, agreement):
    """Money owed (invoices, wages due) and money set aside for planned short breaks or activities (DOMAIN R32)."""
    commitments = list(Commitment.objects.filter(agreement=agreement).order_by("settled_on", "due_on", "pk"))
    context = _base(
        request,
        agreement,
        picture=selectors.money_picture(agreement=agreement),
        unpaid=[c for c in commitments if not c.settled_on],
        paid=[c for c in commitments if c.settled_on],
        savings=list(SavingsPot.objects.filter(agreement=agreement).select_related("line")),
    )
    return render(request, "spending/family_owed.html", context)


@require(Perm.SPENDING_RECORD)
@keeper_page()
def commitment_add(request, agreement):
    return form_page(
        request,
        form=CommitmentForm(request.POST or None),
        title="Add money you owe",
        caption=agreement.child.full_name,
        intro="Money you owe, such as an invoice or wages due, is not counted as money left over.",
        back_url=_url("owed", agreement),
        save=lambda data: services.commitment_add(actor=request.user, agreement=agreement, **data),
        success_url=_url("owed", agreement),
        success_message="Saved. It is counted as owed until you mark it as paid.",
    )


@require(Perm.SPENDING_RECORD)
@keeper_page()
def commitment_settle(request, agreement, commitment_pk):
    item = get_object_or_404(Commitment.objects.filter(agreement=agreement), pk=commitment_pk)
    item.agreement = agreement
    return confirm_page(
        request,
        action=lambda: services.commitment_settle(actor=request.user, commitment=item),
        template="spending/family_confirm.html",
        context=_base(
            request,
            agreement,
            title="Mark as paid",
            body=f"{item.description}: {format_money(item.amount)}, due {format_date(item.due_on)}. Record the "
            "payment itself as well, or add it from your statement.",
            button="Mark as paid",
            back_url=_url("owed", agreement),
        ),
        success_message=f"{item.description} is marked as paid.",
        success_url=_url("owed", agreement),
    )


@require(Perm.SPENDING_RECORD)
@keeper_page()
def savings_add(request, agreement):
    lines = _lines(agreement)
    return form_page(
        request,
        form=SavingsForm(request.POST or None, lines=lines),
        title="Set money aside",
        caption=agreement.child.full_name,
        intro="Money set aside for a planned short break or activity is shown apart from the money free to spend.",
        back_url=_url("owed", agreement),
        save=lambda data: services.savings_add(
            actor=request.user,
            agreement=agreement,
            name=data["name"],
            amount=data["amount"],
            for_date=data.get("for_date"),
            line=data.get("line"),
        ),
        success_url=_url("owed", agreement),
        success_message="The money is set aside.",
    )


@require(Perm.SPENDING_RECORD)
@keeper_page()
def savings_remove(request, agreement, pot_pk):
    pot = get_object_or_404(SavingsPot.objects.filter(agreement=agreement), pk=pot_pk)
    pot.agreement = agreement
    return confirm_page(
        request,
        action=lambda: services.savings_remove(actor=request.user, pot=pot),
        template="spending/family_confirm.html",
        context=_base(
            request,
            agreement,
            title="Stop setting this money aside",
            body=f"{format_money(pot.amount)} for {pot.name} will count as free to spend again.",
            button="Stop setting it aside",
            warning=True,
            back_url=_url("owed", agreement),
        ),
        success_message=f"You are no longer setting money aside for {pot.name}.",
        success_url=_url("owed", agreement),
    )


# 6. What can I spend it on? ----------------------------------------------------------------------------------------


@require(Perm.FAMILY_VIEW)
@family_page
def spend_check(request, agreement):
    """Ask before buying: no if the agreement names the payee or the council's policy rules it out (DOMAIN R16,
    R33), yes if it matches the agreed support, otherwise ask the case officer. Nothing is stored."""
    form = SpendCheckForm(request.GET if "q" in request.GET else None)
    answer = None
    if form.is_bound and form.is_valid():
        answer = rules.spend_check(
            text=form.cleaned_data["q"],
            lines=_lines(agreement),
            restrictions=list(SpendingRestriction.objects.filter(council_id=agreement.council_id, active=True)),
            excluded_payees=agreement.excluded_payees.splitlines(),
        )
    context = _base(request, agreement, form=form, answer=answer, lines=_lines(agreement))
    return render(request, "spending/family_spend_check.html", context)


# 7. Returns and the council's questions ----------------------------------------------------------------------------


@require(Perm.FAMILY_VIEW)
@family_page
def returns(request, agreement):
    """Every return period and its return: to send, sent, accepted, or with a question from the council."""
    sent = {item.period_start: item for item in agreement.returns.all()}
    on = today()
    periods = []
    for start, end in selectors.return_periods(agreement=agreement):
        item = sent.get(start)
        periods.append(
            {
                "start": start,
                "end": end,
                "return": item,
                "ended": end < on or agreement.has_stopped,
                "can_send": (item is None or item.status in (ReturnStatus.DRAFT, ReturnStatus.QUERIED))
                and (end < on or agreement.has_stopped),
            }
        )
    context = _base(
        request,
        agreement,
        periods=periods,
        questions=_open_questions(agreement),
        answered=list(
            EvidenceRequest.objects.filter(agreement=agreement, answered_on__isnull=False).order_by("-answered_on")
        ),
    )
    return render(request, "spending/family_returns.html", context)


def _period(agreement, period_start: str):
    try:
        start = date.fromisoformat(period_start)
    except ValueError as exc:
        raise Http404 from exc
    period = selectors.return_period(agreement=agreement, containing=start)
    if period is None or period[0] != start:
        raise Http404
    return period


@require(Perm.SPENDING_RECORD)
@keeper_page()
def return_send(request, agreement, period_start):
    """Send a period's return in one step: the figures are compiled from the records (DOMAIN R31)."""
    start, end = _period(agreement, period_start)
    item = agreement.returns.filter(period_start=start).first()
    summary = selectors.return_summary(agreement=agreement, start=start, end=end)
    ended = end < today() or agreement.has_stopped
    return confirm_page(
        request,
        action=lambda: services.return_submit(
            actor=request.user, agreement=agreement, period_start=start, note=request.POST.get("note", "")[:5000]
        ),
        template="spending/family_return_send.html",
        context=_base(
            request,
            agreement,
            start=start,
            end=end,
            ended=ended,
            monitoring_return=item,
            already_sent=item is not None and item.status in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED),
            summary=summary,
            records=list(selectors.records_of(agreement=agreement).filter(spent_on__gte=start, spent_on__lte=end)),
            back_url=_url("returns", agreement),
        ),
        success_message=f"Your return for {format_date(start)} to {format_date(end)} has been sent to the council.",
        success_url=_url("returns", agreement),
    )


@require(Perm.SPENDING_RECORD)
@keeper_page(needs_payments=False)
def evidence_answer(request, agreement, evidence_pk):
    """Answer the council's question or request for evidence."""
    question = get_object_or_404(EvidenceRequest.objects.filter(agreement=agreement), pk=evidence_pk)
    if question.answered_on:
        return redirect(_url("returns", agreement))
    question.agreement = agreement
    return form_page(
        request,
        form=EvidenceAnswerForm(request.POST or None),
        title="Answer the council's question",
        caption=agreement.child.full_name,
        back_url=_url("overview", agreement),
        save=lambda data: services.evidence_answer(actor=request.user, request=question, answer=data["answer"]),
        success_url=_url("overview", agreement),
        success_message="Thank you. Your answer has been sent to the council.",
        template="spending/family_form.html",
        extra={
            "summary": [
                ("Asked on", format_date(question.asked_on)),
                ("Please answer by", format_date(question.due_on)),
                ("The council asks", question.what),
            ]
        },
    )
