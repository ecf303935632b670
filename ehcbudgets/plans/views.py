"""Council staff pages that change a plan: status, outcomes, provision and reviews."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm
from ehcbudgets.core.dates import today
from ehcbudgets.core.views import confirm_page, form_page
from ehcbudgets.people.selectors import child_get

from . import rules, services
from .forms import OutcomeForm, PlanCreateForm, PlanStatusForm, ProvisionForm, ReviewDecisionForm, ReviewForm
from .models import Outcome, Plan, ProvisionItem
from .selectors import outcomes_of, reviews_of


def _plan_of(request, pk, plan_pk) -> tuple:
    child = child_get(user=request.user, pk=pk)
    plan = get_object_or_404(
        Plan.objects.select_related("child", "council"), pk=plan_pk, child=child, council_id=child.council_id
    )
    return child, plan


def _child_url(child, anchor=""):
    return reverse("cases:child", args=[child.pk]) + anchor


@require(Perm.PLAN_EDIT)
def plan_create(request, pk):
    child = child_get(user=request.user, pk=pk)
    form = PlanCreateForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title="Start an EHC plan",
        caption=child.full_name,
        back_url=_child_url(child),
        save=lambda data: services.plan_create(actor=request.user, child=child, status=data["status"]),
        success_url=_child_url(child, "#plan"),
        success_message="Plan started",
    )


@require(Perm.PLAN_STATUS)
def plan_status(request, pk, plan_pk):
    child, plan = _plan_of(request, pk, plan_pk)
    allowed = rules.STATUS_MOVES[plan.status]
    form = PlanStatusForm(request.POST or None, allowed=allowed, initial={"on": today()})
    return form_page(
        request,
        form=form,
        title="Change the plan's status",
        caption=child.full_name,
        back_url=_child_url(child),
        intro=f"The plan is {plan.get_status_display().lower()}.",
        save=lambda data: services.plan_set_status(actor=request.user, plan=plan, **data),
        success_url=_child_url(child, "#plan"),
        success_message="Plan status changed",
    )


@require(Perm.PLAN_EDIT)
def outcome_create(request, pk, plan_pk):
    child, plan = _plan_of(request, pk, plan_pk)
    form = OutcomeForm(request.POST or None, submit_label="Add outcome")
    return form_page(
        request,
        form=form,
        title="Add an outcome (section E)",
        caption=child.full_name,
        back_url=_child_url(child),
        save=lambda data: services.outcome_create(actor=request.user, plan=plan, **data),
        success_url=_child_url(child, "#section-e"),
        success_message="Outcome added",
    )


@require(Perm.PLAN_EDIT)
def outcome_edit(request, pk, plan_pk, outcome_pk):
    child, plan = _plan_of(request, pk, plan_pk)
    outcome = get_object_or_404(Outcome, pk=outcome_pk, plan=plan, council_id=plan.council_id)
    form = OutcomeForm(
        request.POST or None, initial={"text": outcome.text, "by_when": outcome.by_when}, submit_label="Save changes"
    )
    return form_page(
        request,
        form=form,
        title="Change an outcome (section E)",
        caption=child.full_name,
        back_url=_child_url(child, "#section-e"),
        save=lambda data: services.outcome_update(actor=request.user, outcome=outcome, **data),
        success_url=_child_url(child, "#section-e"),
        success_message="Outcome saved",
    )


def _provision_data(data):
    data = dict(data)
    outcomes = list(data.pop("outcomes") or [])
    return data, outcomes


@require(Perm.PLAN_EDIT)
def provision_create(request, pk, plan_pk):
    child, plan = _plan_of(request, pk, plan_pk)
    initial = {"section": request.GET.get("section", "")}
    form = ProvisionForm(
        request.POST or None, initial=initial, outcomes=outcomes_of(plan=plan), submit_label="Add provision"
    )

    def save(data):
        fields, outcomes = _provision_data(data)
        return services.provision_create(actor=request.user, plan=plan, outcomes=outcomes, **fields)

    return form_page(
        request,
        form=form,
        title="Add provision",
        caption=child.full_name,
        back_url=_child_url(child, "#plan"),
        save=save,
        success_url=lambda item: _child_url(child, f"#section-{item.section.lower()}"),
        success_message="Provision added",
    )


@require(Perm.PLAN_EDIT)
def provision_edit(request, pk, plan_pk, item_pk):
    child, plan = _plan_of(request, pk, plan_pk)
    item = get_object_or_404(ProvisionItem, pk=item_pk, plan=plan, council_id=plan.council_id)
    initial = {f: getattr(item, f) for f in services.PROVISION_FIELDS}
    initial["outcomes"] = list(item.outcomes.all())
    form = ProvisionForm(
        request.POST or None, initial=initial, outcomes=outcomes_of(plan=plan), submit_label="Save changes"
    )

    def save(data):
        fields, outcomes = _provision_data(data)
        fields["funding_stream"] = fields["funding_stream"] or item.funding_stream
        return services.provision_update(actor=request.user, item=item, outcomes=outcomes, **fields)

    return form_page(
        request,
        form=form,
        title="Change provision",
        caption=child.full_name,
        back_url=_child_url(child, f"#section-{item.section.lower()}"),
        save=save,
        success_url=lambda saved: _child_url(child, f"#section-{saved.section.lower()}"),
        success_message="Provision saved",
    )


@require(Perm.PLAN_EDIT)
def provision_delete(request, pk, plan_pk, item_pk):
    child, plan = _plan_of(request, pk, plan_pk)
    item = get_object_or_404(ProvisionItem, pk=item_pk, plan=plan, council_id=plan.council_id)
    return confirm_page(
        request,
        action=lambda: services.provision_delete(actor=request.user, item=item),
        template="plans/provision_delete.html",
        context={"child": child, "item": item},
        success_message="Provision removed",
        success_url=_child_url(child, "#plan"),
    )


@require(Perm.PLAN_REVIEW)
def review_create(request, pk, plan_pk):
    child, plan = _plan_of(request, pk, plan_pk)
    form = ReviewForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title="Record a review meeting",
        caption=child.full_name,
        back_url=_child_url(child, "#reviews"),
        intro="The plan will be under review until you record the decision, due within 4 weeks of the meeting.",
        save=lambda data: services.plan_review_record(actor=request.user, plan=plan, **data),
        success_url=_child_url(child, "#reviews"),
        success_message="Review meeting recorded",
    )


@require(Perm.PLAN_REVIEW)
def review_decide(request, pk, plan_pk, review_pk):
    child, plan = _plan_of(request, pk, plan_pk)
    review = get_object_or_404(reviews_of(plan=plan), pk=review_pk)
    form = ReviewDecisionForm(request.POST or None, initial={"decided_on": today()})
    return form_page(
        request,
        form=form,
        title="Record the review decision",
        caption=child.full_name,
        back_url=_child_url(child, "#reviews"),
        intro=f"The decision is due by {review.decision_due.day} {review.decision_due:%B %Y}.",
        save=lambda data: services.plan_review_decide(actor=request.user, review=review, **data),
        success_url=_child_url(child, "#reviews"),
        success_message="Review decision recorded",
    )
