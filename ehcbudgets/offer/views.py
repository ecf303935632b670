"""The council administrator's pages: the local offer and its rates, what direct payments cannot buy, and the
council's dated policy. Every read and change is of the signed-in administrator's own council."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.core.dates import format_date, today
from ehcbudgets.core.money import format_money
from ehcbudgets.core.views import form_page
from ehcbudgets.councils.selectors import policies_of, policy_in_force

from . import services
from .forms import OfferItemForm, PolicyForm, RateForm, RestrictionForm
from .models import Category, ManagementMode
from .selectors import offer_item_get, offer_items_priced, rate_in_force, rates_of, restriction_get, restrictions
from .text import block_contract_note, panel_note, rate_text

CATEGORY_ORDER = {value: index for index, value in enumerate(Category.values)}


def _with_form_names(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's errors under the names of the form's questions, where the form asks differently."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list] = {}
    for field, errors in error.error_dict.items():
        renamed.setdefault(names.get(field, field), []).extend(errors)
    return ValidationError(renamed)


@require(Perm.OFFER_MANAGE)
def settings_home(request):
    """The council administrator's starting point."""
    return render(request, "offer/council/home.html", {"council": request.user.council})


# The local offer and its rates ---------------------------------------------------------------------------------------


@require(Perm.OFFER_MANAGE)
def offer_list(request):
    """Every item of the council's catalogue, offered or not, with the rate in force today."""
    council = request.user.council
    items = sorted(
        offer_items_priced(council=council, on=today(), active_only=False),
        key=lambda item: (CATEGORY_ORDER.get(item.category, 99), item.name),
    )
    rows = [{"item": item, "rate": rate_text(item.rate_amount, item.unit)} for item in items]
    return render(request, "offer/council/offer_list.html", {"council": council, "rows": rows})


def _offer_item_save(request, form, save):
    def run(data):
        try:
            return save(form.service_fields())
        except ValidationError as error:
            raise _with_form_names(error, OfferItemForm.SERVICE_FIELD_NAMES) from error

    return run


@require(Perm.OFFER_MANAGE)
def offer_item_create(request):
    council = request.user.council
    form = OfferItemForm(request.POST or None, submit_label="Add the item")
    return form_page(
        request,
        form=form,
        title="Add an item to the local offer",
        caption=council.name,
        back_url=reverse("council:offer"),
        save=_offer_item_save(
            request, form, lambda fields: services.offer_item_create(actor=request.user, council=council, **fields)
        ),
        success_url=lambda item: reverse("council:offer_item", args=[item.pk]),
        success_message="Item added. Add its rate next.",
    )


@require(Perm.OFFER_MANAGE)
def offer_item_detail(request, offer_item_pk):
    """An item's details, with change links, and its rates, newest first."""
    item = offer_item_get(council=request.user.council, pk=offer_item_pk)
    on = today()
    current = rate_in_force(item=item, on=on)
    return render(
        request,
        "offer/council/offer_item.html",
        {
            "item": item,
            "modes": [ManagementMode(mode).label for mode in item.allowed_modes],
            "notes": [note for note in (block_contract_note(item), panel_note(item)) if note],
            "current": current,
            "current_text": rate_text(current.amount, item.unit) if current else "",
            "rates": [
                {"rate": rate, "text": rate_text(rate.amount, item.unit), "future": rate.effective_from > on}
                for rate in rates_of(item=item)
            ],
        },
    )


@require(Perm.OFFER_MANAGE)
def offer_item_edit(request, offer_item_pk):
    item = offer_item_get(council=request.user.council, pk=offer_item_pk)
    form = OfferItemForm(
        request.POST or None, initial=OfferItemForm.initial_for(item), editing=True, submit_label="Save changes"
    )
    back = reverse("council:offer_item", args=[item.pk])
    return form_page(
        request,
        form=form,
        title="Change an item of the local offer",
        caption=item.name,
        back_url=back,
        save=_offer_item_save(
            request, form, lambda fields: services.offer_item_update(actor=request.user, item=item, **fields)
        ),
        success_url=back,
        success_message="Item saved",
    )


@require(Perm.OFFER_MANAGE)
def rate_create(request, offer_item_pk):
    item = offer_item_get(council=request.user.council, pk=offer_item_pk)
    current = rate_in_force(item=item, on=today())
    now = (
        f"The rate today is {rate_text(current.amount, item.unit)}, from {format_date(current.effective_from)}. "
        if current
        else "There is no rate in force today. "
    )
    back = reverse("council:offer_item", args=[item.pk])
    form = RateForm(request.POST or None, unit=item.unit)
    return form_page(
        request,
        form=form,
        title="Add a rate",
        caption=item.name,
        intro=now + "Rates are never changed: a new rate applies from its date, and earlier rates stay for the "
        "dates before it. Budgets still being worked out or running are recalculated from the new rate's date.",
        back_url=back,
        save=lambda data: services.rate_add(actor=request.user, item=item, **data),
        success_url=back,
        success_message="Rate added",
    )


# What direct payments cannot buy ------------------------------------------------------------------------------------


@require(Perm.OFFER_MANAGE)
def restriction_list(request):
    """The council's list of what direct payments cannot buy, including those switched off (DOMAIN R33)."""
    council = request.user.council
    return render(
        request,
        "offer/council/restrictions.html",
        {
            "council": council,
            "rows": [
                {"restriction": r, "keywords": r.keywords.replace(",", ", ")}
                for r in restrictions(council=council, active_only=False)
            ],
        },
    )


@require(Perm.OFFER_MANAGE)
def restriction_create(request):
    council = request.user.council
    form = RestrictionForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title="Add something direct payments cannot be spent on",
        caption=council.name,
        back_url=reverse("council:restrictions"),
        save=lambda data: services.restriction_add(actor=request.user, council=council, **data),
        success_url=reverse("council:restrictions"),
        success_message="Added to the list",
    )


@require(Perm.OFFER_MANAGE)
def restriction_switch(request, restriction_pk):
    """Confirm, then switch a restriction off (or back on). Restrictions are never deleted."""
    restriction = restriction_get(council=request.user.council, pk=restriction_pk)
    if request.method == "POST" and request.POST.get("active") in ("on", "off"):
        active = request.POST["active"] == "on"
        services.restriction_set_active(actor=request.user, restriction=restriction, active=active)
        messages.success(request, f"{'Switched on' if active else 'Switched off'}: {restriction.text}")
        return redirect("council:restrictions")
    return render(request, "offer/council/restriction_switch.html", {"restriction": restriction})


# The council's dated policy -----------------------------------------------------------------------------------------

#: How the policy page shows each value: a short name and the value in words.
POLICY_ROWS = [
    ("decision_target_working_days", "Time to decide a personal budget request", "{} working days"),
    ("out_of_window_requests", "A request outside a draft plan, review or re-assessment", None),
    ("under_five_review_months", "Reviews of plans for children under 5", "Consider one every {} months"),
    ("default_payment_frequency", "Direct payments are paid", None),
    ("payment_cycle_starts", "Weekly and 4-weekly payment cycles start from", None),
    ("suspension_after_weeks", "Suspend payments when a child is in hospital or abroad for more than", "{} weeks"),
    ("return_frequency", "Monitoring returns", None),
    ("evidence_deadline_days", "Time a family has to send evidence", "{} days"),
    ("return_due_days", "A monitoring return is due after its period ends", "{} days"),
    ("receipt_required_above", "Spending needs a receipt when it is more than", None),
    ("no_spending_weeks", "Check the support is happening after no spending for", "{} weeks"),
    ("contingency_min_weeks", "A direct payment account should hold at least", "{} weeks of payments"),
    ("surplus_threshold_weeks", "A balance is surplus above", "{} weeks of payments"),
    ("recovery_due_days", "Time to repay money the council recovers", "{} days"),
    ("reduction_notice_days", "Notice before direct payments are reduced or stopped", "{} days"),
    ("notice_deemed_received_working_days", "A notice is taken to reach the family", "{} working days after sending"),
    ("pa_min_age", "Youngest personal assistant", "{} years old"),
    ("pa_exception_min_age", "Youngest personal assistant, by recorded exception", "{} years old"),
    ("pa_min_budget", "Smallest yearly direct payment to employ a personal assistant", None),
    ("weeks_per_year", "Weeks a year weekly support runs, when not tied to term time", "{} weeks"),
    ("term_time_weeks", "Weeks a year weekly support runs at a school, college or setting", "{} weeks"),
    ("terms_per_year", "Terms in a year", "{} terms"),
    ("retention_years", "Records are kept after a budget ends for", "{} years"),
    ("budget_policy_text", "Personal budget policy published to families", None),
]


def _policy_value(policy, name: str, pattern: str | None) -> str:
    value = getattr(policy, name)
    if name == "receipt_required_above":
        return format_money(value)
    if name == "pa_min_budget":
        return format_money(value) if value is not None else "No minimum"
    if name == "budget_policy_text":
        return value or "Not written yet"
    if name == "payment_cycle_starts":
        return format_date(value)
    if pattern is None:
        return getattr(policy, f"get_{name}_display")()
    if name in ("weeks_per_year", "term_time_weeks"):
        value = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else value
    return pattern.format(value)


def _policy_changes(policy, previous) -> list[str]:
    """What a policy record changed from the one before it, in words."""
    if previous is None:
        return ["The first policy recorded"]
    changes = []
    for name, label, pattern in POLICY_ROWS:
        if getattr(policy, name) == getattr(previous, name):
            continue
        if name == "budget_policy_text":
            changes.append("The published policy text")
        else:
            changes.append(
                f"{label}: {_policy_value(previous, name, pattern)} to {_policy_value(policy, name, pattern)}"
            )
    return changes or ["No values changed"]


@require(Perm.OFFER_MANAGE)
def policy_detail(request):
    """The policy in force today, and every dated record with what it changed."""
    council = request.user.council
    on = today()
    policy = policy_in_force(council=council, on=on)
    records = list(policies_of(council=council))
    history = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        status = "future" if record.effective_from > on else ("in_force" if record.pk == policy.pk else "replaced")
        history.append({"record": record, "status": status, "changes": _policy_changes(record, previous)})
    return render(
        request,
        "offer/council/policy.html",
        {
            "council": council,
            "policy": policy,
            "recorded": policy.pk is not None,
            "rows": [(label, _policy_value(policy, name, pattern)) for name, label, pattern in POLICY_ROWS],
            "history": history,
        },
    )


@require(Perm.OFFER_MANAGE)
def policy_create(request):
    """A new dated policy record, starting from the values of the policy in force today."""
    council = request.user.council
    form = PolicyForm(
        request.POST or None, initial=PolicyForm.initial_for(policy_in_force(council=council, on=today()))
    )
    return form_page(
        request,
        form=form,
        title="Add a new policy from a date",
        caption=council.name,
        intro="The form starts with the values in force today: change those that change. The policy in force "
        "now applies until the date you give, and is kept as the record of what applied.",
        back_url=reverse("council:policy"),
        save=lambda data: services.council_policy_add(actor=request.user, council=council, **data),
        success_url=reverse("council:policy"),
        success_message="Policy added",
    )
