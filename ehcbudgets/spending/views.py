"""Council staff pages for a family's spending: the money picture, spending by line and outcome, the records with
their receipts, statement imports and monitoring returns of one agreement (DOMAIN R16, R31, R32); accepting or
querying a return; taking back a record; the returns waiting to be checked; and the council's linking rules.

Everything is read through the agreement, which payments.selectors scopes to the user's council: another council's
or another child's records answer 404 (ARCHITECTURE: bad input and failure)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.core.dates import format_date, today
from ehcbudgets.core.files import private_file_response
from ehcbudgets.core.money import format_money
from ehcbudgets.core.views import confirm_page, form_page, paginate
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.offer.models import OfferItem
from ehcbudgets.payments import selectors as payment_selectors
from ehcbudgets.people.selectors import children_visible_to

from . import selectors, services
from .models import LinkRule, MonitoringReturn, Receipt, ReturnStatus, SpendingCategory, SpendingRecord
from .staff_forms import CouncilRuleForm, RecordWithdrawForm, ReturnQueryForm

RECORDS_PER_PAGE = 25
RETURNS_PER_PAGE = 25
ZERO = Decimal("0.00")


def _agreement_of(request, pk, agreement_pk):
    return payment_selectors.agreement_get(user=request.user, child_pk=pk, pk=agreement_pk)


def _spending_url(agreement) -> str:
    return reverse("spending:agreement", args=[agreement.child_id, agreement.pk])


def _return_url(item: MonitoringReturn) -> str:
    return reverse("spending:return", args=[item.agreement.child_id, item.agreement_id, item.pk])


def _return_of(agreement, return_pk) -> MonitoringReturn:
    item = get_object_or_404(
        MonitoringReturn.objects.select_related("submitted_by", "decided_by"),
        pk=return_pk,
        agreement=agreement,
        council_id=agreement.council_id,
    )
    item.agreement = agreement
    return item


def _period(item: MonitoringReturn) -> str:
    return f"{format_date(item.period_start)} to {format_date(item.period_end)}"


# The chart: spending against what was expected by now, per line ----------------------------------------------------

CHART_WIDTH, BAR_SPACE, ROW_HEIGHT = 360, 200, 72


def _shorten(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _chart(rows: list[dict]) -> dict | None:
    """Bars for the SVG chart, drawn on the server: for each line what was expected by now and what was spent, scaled
    to the largest figure. The figures are in the table below it; the chart only shows them at a glance."""
    if not rows:
        return None
    largest = max([max(row["expected"], row["spent"], ZERO) for row in rows] + [Decimal("1")])
    bars, summary = [], []
    for index, row in enumerate(rows):
        top = index * ROW_HEIGHT
        expected, spent = max(row["expected"], ZERO), max(row["spent"], ZERO)
        bars.append(
            {
                "label": _shorten(row["line"].description, 44),
                "label_y": top + 16,
                "expected_y": top + 26,
                "spent_y": top + 48,
                "expected_width": f"{float(expected / largest) * BAR_SPACE:.1f}",
                "spent_width": f"{float(spent / largest) * BAR_SPACE:.1f}",
                "expected_text_x": f"{float(expected / largest) * BAR_SPACE + 6:.1f}",
                "spent_text_x": f"{float(spent / largest) * BAR_SPACE + 6:.1f}",
                "expected": format_money(row["expected"]),
                "spent": format_money(row["spent"]),
            }
        )
        summary.append(
            f"{row['line'].description}: {format_money(row['expected'])} expected by now, "
            f"{format_money(row['spent'])} spent."
        )
    return {
        "width": CHART_WIDTH,
        "height": len(rows) * ROW_HEIGHT + 8,
        "bars": bars,
        "description": " ".join(summary),
    }


# One agreement's spending ------------------------------------------------------------------------------------------


def _records_page(request, agreement) -> dict:
    records = selectors.records_of(agreement=agreement).select_related("statement_line__statement")
    return paginate(request, records, RECORDS_PER_PAGE)


@require(Perm.DP_VIEW)
def spending(request, pk, agreement_pk):
    """The case officer's one page on a direct payment's spending: the money picture from the ledger, spending by
    line and by outcome against what was expected by now, the records with their receipts, the statements imported,
    the returns and the questions asked (DOMAIN R16, R31, R32)."""
    agreement = _agreement_of(request, pk, agreement_pk)
    on = today()
    lines = selectors.by_line(agreement=agreement, on=on)
    outcomes = selectors.by_outcome(agreement=agreement, on=on)
    policy = policy_in_force(council=agreement.council, on=on)
    imports = (
        agreement.imports.filter(council_id=agreement.council_id)
        .annotate(line_count=Count("lines", distinct=True), record_count=Count("lines__record", distinct=True))
        .select_related("layout")
        .order_by("-uploaded_at", "-pk")
    )
    context = {
        "child": agreement.child,
        "agreement": agreement,
        "picture": selectors.money_picture(agreement=agreement, on=on),
        "threshold_weeks": policy.surplus_threshold_weeks,
        "commitments": list(agreement.commitments.filter(settled_on__isnull=True).order_by("due_on", "pk")),
        "savings": list(agreement.savings.order_by("for_date", "pk")),
        "lines": lines,
        "line_totals": {
            "amount": sum((r["amount"] for r in lines), ZERO),
            "expected": sum((r["expected"] for r in lines), ZERO),
            "spent": sum((r["spent"] for r in lines), ZERO),
        },
        "outcomes": outcomes,
        "chart": _chart(lines),
        "imports": list(imports),
        "returns": selectors.returns_due(agreement=agreement, on=on),
        "first_period_end": next((end for _, end in selectors.return_periods(agreement=agreement)), None),
        "questions": list(
            agreement.evidence_requests.filter(council_id=agreement.council_id)
            .select_related("monitoring_return")
            .order_by("-asked_on", "-pk")
        ),
        "can_manage": has_perm(request.user, Perm.DP_MANAGE),
        "today": on,
        **_records_page(request, agreement),
    }
    return render(request, "spending/staff_spending.html", context)


@require(Perm.DP_VIEW)
def receipt(request, pk, agreement_pk, receipt_pk):
    """A receipt's file, only for a receipt of a record of an agreement the user may see; shown in the browser with
    the content type found when it was uploaded (never guessed from the name)."""
    agreement = _agreement_of(request, pk, agreement_pk)
    item = get_object_or_404(
        Receipt.objects.filter(council_id=agreement.council_id, record__agreement=agreement), pk=receipt_pk
    )
    return private_file_response(item, default_name="receipt")


# Monitoring returns (DOMAIN R31) -----------------------------------------------------------------------------------


@require(Perm.DP_VIEW)
def return_detail(request, pk, agreement_pk, return_pk):
    """A return as the family sent it: the period, the figures kept as submitted, the family's note, and the
    questions asked about it with their answers; accept it or ask a question while it waits."""
    agreement = _agreement_of(request, pk, agreement_pk)
    item = _return_of(agreement, return_pk)
    context = {
        "child": agreement.child,
        "agreement": agreement,
        "item": item,
        "period": _period(item),
        "summary": item.summary or {},
        "questions": list(item.evidence_requests.select_related("asked_by").order_by("asked_on", "pk")),
        "can_decide": has_perm(request.user, Perm.DP_MANAGE) and item.status == ReturnStatus.SUBMITTED,
    }
    return render(request, "spending/staff_return.html", context)


@require(Perm.DP_MANAGE)
def return_accept(request, pk, agreement_pk, return_pk):
    """Confirm, then accept a submitted return."""
    agreement = _agreement_of(request, pk, agreement_pk)
    item = _return_of(agreement, return_pk)
    return confirm_page(
        request,
        action=lambda: services.return_accept(actor=request.user, monitoring_return=item),
        template="spending/staff_return_accept.html",
        context={
            "child": agreement.child,
            "agreement": agreement,
            "item": item,
            "period": _period(item),
            "back_url": _return_url(item),
        },
        success_message=f"Return for {_period(item)} accepted",
        success_url=_return_url(item),
    )


@require(Perm.DP_MANAGE)
def return_query(request, pk, agreement_pk, return_pk):
    """Ask the family a question about a submitted return: it becomes a request for evidence on their page, due after
    the council's evidence deadline on a working day (DOMAIN R31)."""
    agreement = _agreement_of(request, pk, agreement_pk)
    item = _return_of(agreement, return_pk)
    days = policy_in_force(council=agreement.council, on=today()).evidence_deadline_days
    due = format_date(services.evidence_due(today(), days))
    return form_page(
        request,
        form=ReturnQueryForm(request.POST or None),
        title="Ask a question about the return",
        caption=f"{agreement.child.full_name}: return for {_period(item)}",
        intro=f"The family sees your question on their page and has until {due} to answer it ({days} days, moved to "
        "the next working day if need be). The return waits for their answer.",
        back_url=_return_url(item),
        save=lambda data: services.return_query(actor=request.user, monitoring_return=item, query=data["query"]),
        success_url=_return_url(item),
        success_message=f"Question sent. The family has until {due} to answer it.",
    )


@require(Perm.DP_VIEW)
def returns_to_check(request):
    """The council's returns sent by families and waiting for an officer, the longest waiting first."""
    returns = (
        MonitoringReturn.objects.filter(
            council_id=request.user.council_id,
            status=ReturnStatus.SUBMITTED,
            agreement__child__in=children_visible_to(request.user),
        )
        .select_related("agreement__child")
        .order_by("submitted_on", "period_start", "pk")
    )
    return render(request, "spending/staff_returns.html", paginate(request, returns, RETURNS_PER_PAGE))


# Taking a record back ----------------------------------------------------------------------------------------------


@require(Perm.DP_MANAGE)
def record_withdraw(request, pk, agreement_pk, record_pk):
    """An officer takes back a record entered by mistake: its ledger entry is reversed, nothing is deleted."""
    agreement = _agreement_of(request, pk, agreement_pk)
    record = get_object_or_404(
        SpendingRecord.objects.filter(agreement=agreement, council_id=agreement.council_id), pk=record_pk
    )
    kind = "Refund from" if record.is_refund else "Paid to"
    return form_page(
        request,
        form=RecordWithdrawForm(request.POST or None),
        title="Take back a spending record",
        caption=agreement.child.full_name,
        intro=f"{kind} {record.payee}, {format_money(abs(record.amount))} on {format_date(record.spent_on)}. Its "
        "entry in the ledger is reversed, so the balance goes back to what it was. The record stays in the history.",
        back_url=_spending_url(agreement),
        save=lambda data: services.record_withdraw(actor=request.user, record=record, reason=data["reason"]),
        success_url=_spending_url(agreement),
        success_message=f"Record of {record.payee} taken back",
    )


# The council's linking rules ---------------------------------------------------------------------------------------


def _offer_items(council):
    return list(OfferItem.objects.filter(council=council).order_by("name", "code"))


@require(Perm.OFFER_MANAGE)
def council_rules(request):
    """The council's linking rules: words in a payment that suggest the kind of spending and the item of the local
    offer it pays for, for every family whose agreement has that item (ADR 10)."""
    council = request.user.council
    names = {item.code: item.name for item in _offer_items(council)}
    rules = LinkRule.objects.filter(council=council, agreement__isnull=True).select_related("created_by")
    rows = [
        {
            "rule": rule,
            "category": SpendingCategory(rule.category).label if rule.category in SpendingCategory.values else "",
            "shares": [{"code": code, "name": names.get(code, ""), "percent": percent} for code, percent in rule.split],
        }
        for rule in rules.order_by("words", "pk")
    ]
    return render(request, "spending/staff_council_rules.html", {"council": council, "rows": rows})


def _rule_errors(error: ValidationError) -> ValidationError:
    """The service's errors about the split belong to the shares on the form."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list] = {}
    for field, errors in error.error_dict.items():
        renamed.setdefault("percent" if field == "split" else field, []).extend(errors)
    return ValidationError(renamed)


@require(Perm.OFFER_MANAGE)
def council_rule_add(request):
    council = request.user.council
    form = CouncilRuleForm(request.POST or None, items=_offer_items(council))

    def save(data):
        try:
            return services.link_rule_add(
                actor=request.user, council=council, words=data["words"], category=data["category"], split=form.split()
            )
        except ValidationError as error:
            raise _rule_errors(error) from error

    return form_page(
        request,
        form=form,
        title="Add a linking rule",
        caption=council.name,
        intro="When a payment a family records or imports has these words in its payee or description, the service "
        "suggests this kind of spending and the support of their agreement for this item of the local offer. The "
        "family's own rules come first.",
        back_url=reverse("council_spending:rules"),
        save=save,
        success_url=reverse("council_spending:rules"),
        success_message="Linking rule added",
    )


@require(Perm.OFFER_MANAGE)
def council_rule_remove(request, council_rule_pk):
    """Confirm, then remove a council rule; records already made keep their lines."""
    council = request.user.council
    rule = get_object_or_404(LinkRule, pk=council_rule_pk, council=council, agreement__isnull=True)
    return confirm_page(
        request,
        action=lambda: services.link_rule_remove(actor=request.user, rule=rule),
        template="spending/staff_council_rule_remove.html",
        context={"council": council, "rule": rule, "back_url": reverse("council_spending:rules")},
        success_message=f"Linking rule for '{rule.words}' removed",
        success_url=reverse("council_spending:rules"),
    )
