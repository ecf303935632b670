"""Council staff pages for children and their contacts."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.audit.selectors import child_timeline
from ehcbudgets.budgets.selectors import budget_requests_of
from ehcbudgets.core.dates import today
from ehcbudgets.core.views import form_page, paginate
from ehcbudgets.letters.selectors import letters_for
from ehcbudgets.payments.selectors import agreements_of
from ehcbudgets.plans.models import PlanStatus, Section
from ehcbudgets.plans.selectors import current_plan, outcomes_of, provision_for, review_dates, reviews_of

from . import selectors, services
from .forms import ChildForm, ContactForm, SearchForm

STATUS_FILTERS = [("", "Any status"), ("none", "No plan yet"), *PlanStatus.choices]


@require(Perm.CASES_VIEW)
def case_list(request):
    """Search and filter the children the user may see."""
    form = SearchForm(request.GET or None)
    form.fields["status"].choices = STATUS_FILTERS
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in dict(STATUS_FILTERS):
        status = ""
    children = selectors.child_search(user=request.user, query=query, plan_status=status)
    children = children.prefetch_related("plans")
    context = {
        "form": form,
        "query": query,
        "status": status,
        "status_filters": STATUS_FILTERS,
        "can_add": has_perm(request.user, Perm.CHILD_EDIT),
        "today": today(),
        **paginate(request, children, settings.EHC_PAGE_SIZE),
    }
    return render(request, "people/case_list.html", context)


@require(Perm.CASES_VIEW)
def child_detail(request, pk):
    """A child's record: person, contacts, plan sections, reviews due and the audit timeline."""
    child = selectors.child_get(user=request.user, pk=pk)
    plan = current_plan(child=child)
    user = request.user
    provision = list(provision_for(user=user, plan=plan)) if plan else []
    sections = [
        {"code": code, "label": label, "items": [p for p in provision if p.section == code]}
        for code, label in Section.choices
    ]
    if user.is_icb_officer:
        sections = [s for s in sections if s["items"]]
    context = {
        "child": child,
        "today": today(),
        "plan": plan,
        "can_view_contacts": has_perm(user, Perm.CONTACTS_VIEW),
        "contacts": selectors.contacts_of(child=child) if has_perm(user, Perm.CONTACTS_VIEW) else [],
        "outcomes": outcomes_of(plan=plan) if plan else [],
        "sections": sections,
        "reviews": reviews_of(plan=plan) if plan else [],
        "review_dates": review_dates(plan=plan) if plan else None,
        "timeline": child_timeline(child=child, limit=10) if has_perm(user, Perm.AUDIT_VIEW) else None,
        "letters": letters_for(child=child) if has_perm(user, Perm.LETTERS_VIEW) else None,
        "budget_requests": budget_requests_of(child=child) if has_perm(user, Perm.BUDGET_VIEW) else None,
        "can_record_request": has_perm(user, Perm.BUDGET_PREPARE),
        "agreements": agreements_of(child=child) if has_perm(user, Perm.DP_VIEW) else None,
        "can_edit_child": has_perm(user, Perm.CHILD_EDIT),
        "can_edit_contacts": has_perm(user, Perm.CONTACT_EDIT),
        "can_edit_plan": has_perm(user, Perm.PLAN_EDIT) and plan is not None and plan.is_editable,
        "can_create_plan": has_perm(user, Perm.PLAN_EDIT) and (plan is None or plan.status == PlanStatus.CEASED),
        "can_move_plan": has_perm(user, Perm.PLAN_STATUS) and plan is not None and plan.status != PlanStatus.CEASED,
        "can_review": has_perm(user, Perm.PLAN_REVIEW) and plan is not None,
    }
    return render(request, "people/child_detail.html", context)


@require(Perm.AUDIT_VIEW)
def child_history(request, pk):
    """Every audit event about a child, newest first."""
    child = selectors.child_get(user=request.user, pk=pk)
    return render(
        request, "people/child_history.html", {"child": child, "timeline": child_timeline(child=child, limit=500)}
    )


@require(Perm.CHILD_EDIT)
def child_create(request):
    form = ChildForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title="Add a child or young person",
        back_url=reverse("cases:list"),
        save=lambda data: services.child_create(actor=request.user, council=request.user.council, **data),
        success_url=lambda child: reverse("cases:child", args=[child.pk]),
        success_message="Child added",
    )


@require(Perm.CHILD_EDIT)
def child_edit(request, pk):
    child = selectors.child_get(user=request.user, pk=pk)
    initial = {f: getattr(child, f) for f in services.CHILD_FIELDS}
    form = ChildForm(request.POST or None, initial=initial, submit_label="Save changes")
    return form_page(
        request,
        form=form,
        title="Change details",
        caption=child.full_name,
        back_url=reverse("cases:child", args=[child.pk]),
        save=lambda data: services.child_update(actor=request.user, child=child, **data),
        success_url=reverse("cases:child", args=[child.pk]),
        success_message="Details saved",
    )


@require(Perm.CONTACT_EDIT)
def contact_create(request, pk):
    child = selectors.child_get(user=request.user, pk=pk)
    form = ContactForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title="Add a contact",
        caption=child.full_name,
        back_url=reverse("cases:child", args=[child.pk]),
        save=lambda data: services.contact_create(actor=request.user, child=child, **form.service_fields()),
        success_url=reverse("cases:child", args=[child.pk]) + "#contacts",
        success_message="Contact added",
    )


@require(Perm.CONTACT_EDIT)
def contact_edit(request, pk, contact_pk):
    child = selectors.child_get(user=request.user, pk=pk)
    contact = selectors.contact_get(child=child, pk=contact_pk)
    form = ContactForm(request.POST or None, initial=ContactForm.initial_from(contact), submit_label="Save changes")
    return form_page(
        request,
        form=form,
        title="Change contact",
        caption=child.full_name,
        back_url=reverse("cases:child", args=[child.pk]) + "#contacts",
        save=lambda data: services.contact_update(actor=request.user, contact=contact, **form.service_fields()),
        success_url=reverse("cases:child", args=[child.pk]) + "#contacts",
        success_message="Contact saved",
    )
