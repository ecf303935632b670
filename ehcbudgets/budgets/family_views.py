"""Pages for families: ask for a personal budget, understand it, and ask for a refusal to be reviewed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.core.dates import today
from ehcbudgets.core.views import form_page
from ehcbudgets.councils.selectors import policy_in_force
from ehcbudgets.people.selectors import child_get
from ehcbudgets.plans.selectors import current_plan

from . import rules, selectors, services
from .forms import AskForm, ReviewRequestForm
from .models import Budget, BudgetRequest, BudgetStatus, Decision, RequestStatus

SESSION_KEY = "budget_ask"


def _my_contact(user, child):
    return child.contacts.filter(user=user).first()


@require(Perm.FAMILY_VIEW)
def budget(request, pk):
    """The family's view of the personal budget: what each line buys, how it is worked out, how it is held."""
    child = child_get(user=request.user, pk=pk)
    agreed = Budget.objects.filter(child=child, council_id=child.council_id, status=BudgetStatus.APPROVED).first()
    lines = list(selectors.lines_of(budget=agreed)) if agreed else []
    latest_request = BudgetRequest.objects.filter(child=child, council_id=child.council_id).first()
    refusals = [d for d in selectors.decisions_of(child=child) if d.is_refusal]
    context = {
        "child": child,
        "budget": agreed,
        "lines": lines,
        "today": today(),
        "totals": selectors.totals(budget=agreed) if agreed else None,
        "latest_request": latest_request,
        "refusals": refusals,
        "can_ask": has_perm(request.user, Perm.BUDGET_ASK)
        and not BudgetRequest.objects.filter(child=child, status=RequestStatus.OPEN).exists(),
    }
    return render(request, "budgets/family_budget.html", context)


@require(Perm.BUDGET_ASK)
def ask(request, pk):
    """Step 1: what the family would like the budget to help with."""
    child = child_get(user=request.user, pk=pk)
    plan = current_plan(child=child)
    form = AskForm(request.POST or None, initial=request.session.get(SESSION_KEY, {}).get(str(child.pk), {}))
    if request.method == "POST" and form.is_valid():
        answers = request.session.get(SESSION_KEY, {})
        answers[str(child.pk)] = {"what_for": form.cleaned_data["what_for"]}
        request.session[SESSION_KEY] = answers
        return redirect("family_budgets:check", pk=child.pk)
    context = {
        "form": form,
        "title": f"Ask for a personal budget for {child.first_name}",
        "back_url": reverse("family_budgets:budget", args=[child.pk]),
        "child": child,
        "eligible": rules.request_is_eligible(plan),
    }
    return render(request, "budgets/family_ask.html", context)


@require(Perm.BUDGET_ASK)
def check(request, pk):
    """Step 2: check the answers and send the request."""
    child = child_get(user=request.user, pk=pk)
    answers = request.session.get(SESSION_KEY, {}).get(str(child.pk))
    if answers is None:
        return redirect("family_budgets:ask", pk=child.pk)
    contact = _my_contact(request.user, child)
    errors = []
    if request.method == "POST":
        try:
            made = services.budget_request_record(
                actor=request.user, child=child, requester=contact, channel="online", what_for=answers["what_for"]
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        else:
            request.session[SESSION_KEY].pop(str(child.pk), None)
            request.session.modified = True
            return redirect("family_budgets:sent", pk=child.pk, request_pk=made.pk)
    policy = policy_in_force(council=child.council, on=today())
    context = {
        "child": child,
        "answers": answers,
        "contact": contact,
        "errors": errors,
        "target_days": policy.decision_target_working_days,
    }
    return render(request, "budgets/family_check.html", context)


@require(Perm.BUDGET_ASK)
def sent(request, pk, request_pk):
    """Step 3: the confirmation, with what happens next and by when."""
    child = child_get(user=request.user, pk=pk)
    made = get_object_or_404(BudgetRequest, pk=request_pk, child=child, council_id=child.council_id)
    return render(request, "budgets/family_sent.html", {"child": child, "req": made})


@require(Perm.FAMILY_VIEW)
def review_ask(request, pk, decision_pk):
    """Ask the council to review a refusal (DOMAIN R14)."""
    child = child_get(user=request.user, pk=pk)
    decision = get_object_or_404(Decision, pk=decision_pk, request__child=child, council_id=child.council_id)
    form = ReviewRequestForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title="Ask the council to review its decision",
        caption=child.full_name,
        back_url=reverse("family_budgets:budget", args=[child.pk]),
        intro=f"The decision: {decision.get_kind_display().lower()}. {decision.reasons} Someone who did not make the "
        "decision will look at it again and write to you with the outcome and reasons.",
        save=lambda data: services.decision_review_request(actor=request.user, decision=decision, **data),
        success_url=reverse("family_budgets:budget", args=[child.pk]),
        success_message="Your request for a review has been sent",
    )
