"""Reads of children and contacts, always scoped to what the user may see (ARCHITECTURE convention 3)."""

from django.apps import apps
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404

from .models import Child, Contact


def children_visible_to(user) -> QuerySet[Child]:
    """Staff: their council. ICB officers: partner councils' children with health provision. Families: linked ones."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Child.objects.none()
    if user.is_council_staff:
        return Child.objects.filter(council_id=user.council_id)
    if user.is_icb_officer:
        from ehcbudgets.plans.models import PlanStatus

        # One filter() call, so the health provision and the open status are those of the same plan. An exclude()
        # would hide every child who has any ceased plan, even one with a new open plan that has health provision.
        open_statuses = [s for s in PlanStatus.values if s != PlanStatus.CEASED]
        with_health = Child.objects.filter(
            council__icb_id=user.icb_id,
            plans__provision_items__funding_stream="health",
            plans__status__in=open_statuses,
        )
        return Child.objects.filter(pk__in=with_health.values("pk"))
    if user.is_family:
        return Child.objects.filter(pk__in=Contact.objects.filter(user=user).values("child_id"))
    return Child.objects.none()


def child_get(*, user, pk) -> Child:
    """One child the user may see, or 404 (another council's or family's child is simply not found)."""
    return get_object_or_404(children_visible_to(user).select_related("council"), pk=pk)


def child_search(*, user, query: str = "", plan_status: str = "") -> QuerySet[Child]:
    """The case list: search by name or reference, filter by the status of the child's current plan."""
    children = children_visible_to(user)
    for word in query.split():
        children = children.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(council_reference__icontains=word)
            | Q(upn__iexact=word)
        )
    if plan_status:
        children = children.annotate(current_plan_status=_current_plan_status())
        if plan_status == "none":
            children = children.filter(current_plan_status__isnull=True)
        else:
            children = children.filter(current_plan_status=plan_status)
    return children.order_by("last_name", "first_name", "pk")


def _current_plan_status() -> Subquery:
    """The status of a child's current plan: the one that has not ceased, or else the most recent one."""
    plan = apps.get_model("plans", "Plan")  # plans depends on people, not the other way round
    return Subquery(
        plan.objects.filter(child=OuterRef("pk"))
        .order_by(Case(When(status="ceased", then=Value(1)), default=Value(0)), "-created_at", "-pk")
        .values("status")[:1]
    )


def contacts_of(*, child) -> QuerySet[Contact]:
    """A child's contacts (the child is already in the user's scope)."""
    return Contact.objects.filter(council_id=child.council_id, child=child).order_by("full_name")


def contact_get(*, child, pk) -> Contact:
    return get_object_or_404(contacts_of(child=child), pk=pk)
