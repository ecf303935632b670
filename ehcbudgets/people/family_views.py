"""Pages for families: their children and plans in plain English, read only for now."""

from django.shortcuts import render

from ehcbudgets.accounts.decorators import require
from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.core.dates import today
from ehcbudgets.letters.selectors import letters_for
from ehcbudgets.payments.models import AgreementStatus
from ehcbudgets.payments.selectors import agreements_of
from ehcbudgets.plans.models import Section
from ehcbudgets.plans.selectors import current_plan, outcomes_of, provision_for, review_dates

from . import selectors

PLAIN_SECTIONS = {
    "F": ("Help with learning", "Special educational provision (section F). The council arranges or funds this."),
    "G": ("Health support", "Health provision (section G), from the NHS."),
    "H1": ("Social care support", "Social care provision (section H1)."),
    "H2": ("Other social care support", "Other social care provision (section H2)."),
}


@require(Perm.FAMILY_VIEW)
def children(request):
    """The children the signed-in family member is linked to."""
    kids = selectors.children_visible_to(request.user).select_related("council").prefetch_related("plans")
    return render(request, "family/children.html", {"children": kids, "today": today()})


@require(Perm.FAMILY_VIEW)
def child(request, pk):
    """One child's plan: what they will achieve and the support to get there."""
    kid = selectors.child_get(user=request.user, pk=pk)
    plan = current_plan(child=kid)
    provision = list(provision_for(user=request.user, plan=plan)) if plan else []
    sections = [
        {
            "code": code,
            "title": PLAIN_SECTIONS[code][0],
            "explain": PLAIN_SECTIONS[code][1],
            "items": [p for p in provision if p.section == code],
        }
        for code, _ in Section.choices
    ]
    context = {
        "child": kid,
        "plan": plan,
        "today": today(),
        "sections": [s for s in sections if s["items"]],
        "outcomes": outcomes_of(plan=plan) if plan else [],
        "review_dates": review_dates(plan=plan) if plan else None,
        "letters": letters_for(child=kid) if has_perm(request.user, Perm.LETTERS_VIEW) else None,
        "agreements": agreements_of(child=kid).exclude(status=AgreementStatus.DRAFT),
    }
    return render(request, "family/child.html", context)
