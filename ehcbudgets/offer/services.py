"""Changes to a council's local offer, rate card, spending restrictions and dated policy."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from ehcbudgets.accounts.permissions import Perm, has_perm
from ehcbudgets.audit.services import audit_record, snapshot
from ehcbudgets.core.dates import format_date
from ehcbudgets.core.services import apply_changes, only_fields, unchanged, validate_and_save
from ehcbudgets.councils.models import CouncilPolicy

from . import signals
from .models import STREAM_FUNDER, OfferItem, Rate, SpendingRestriction
from .text import rate_text

OFFER_FIELDS = {
    "code",
    "name",
    "description",
    "category",
    "funding_stream",
    "funder",
    "unit",
    "allows_direct_payment",
    "allows_organised",
    "allows_third_party",
    "block_contract",
    "contract_reference",
    "in_local_offer",
    "active",
}

#: The values a new policy record may be given: everything but its identity, its council and its date.
POLICY_IDENTITY = {"id", "council", "effective_from"}
POLICY_FIELDS = {f.name for f in CouncilPolicy._meta.concrete_fields if f.editable} - POLICY_IDENTITY

#: What a direct payment cannot typically buy (DOMAIN R33): installed for a new council, then the council's own.
DEFAULT_RESTRICTIONS = [
    ("Anything not in the agreed provision", "Direct payments may be spent only on the support agreed with you.", ""),
    ("Alcohol", "", "alcohol,wine,beer,lager,spirits,off licence,off-licence,pub,bar"),
    ("Tobacco and vaping", "", "tobacco,cigarette,vape,vaping"),
    ("Gambling", "", "bet,betting,casino,lottery,bingo,gambling"),
    ("Anything illegal", "", ""),
    (
        "Food, drink and household bills",
        "Everyday living costs are not part of the plan's provision.",
        "supermarket,grocery,groceries,takeaway,restaurant,gas bill,electricity,water bill,council tax,broadband",
    ),
    ("Rent or mortgage", "", "rent,mortgage,landlord"),
    (
        "School, college or setting placement fees",
        "Placements are never paid by direct payment.",
        "school fees,tuition fees,placement fee,nursery fees",
    ),
    (
        "Services bought from the council or the NHS",
        "These are arranged directly, not bought with a direct payment.",
        "council,nhs",
    ),
    (
        "Employing someone who lives in your household, without the council's agreement",
        "You need the council's written agreement first.",
        "",
    ),
]


def _require_manager(actor, council_id) -> None:
    """Only the council's own administrator changes its offer, rates, restrictions and policy (Perm.OFFER_MANAGE)."""
    if not has_perm(actor, Perm.OFFER_MANAGE) or actor.council_id != council_id:
        raise PermissionDenied("Only the council's administrator can change its local offer and policy.")


def _check_item(item: OfferItem) -> None:
    errors = {}
    item.code = (item.code or "").strip().upper()
    item.contract_reference = (item.contract_reference or "").strip()
    if item.category == "placement" and (item.allows_direct_payment or item.allows_third_party):
        errors["allows_direct_payment"] = "A place at a school, college or setting can never be a direct payment"
    if item.block_contract:
        if not item.contract_reference:
            errors["contract_reference"] = "Enter the contract's reference, so families can be told which it is"
        if item.allows_direct_payment or item.allows_third_party:
            errors["block_contract"] = "Provision bought through a block contract can only be arranged by the council"
    if not (item.allows_direct_payment or item.allows_organised or item.allows_third_party):
        errors["allows_organised"] = "Allow at least one way of holding the budget"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def offer_item_create(*, actor, council, **fields) -> OfferItem:
    """Add an item to the council's local offer; its funder defaults from its funding stream (DOMAIN R27)."""
    _require_manager(actor, council.pk)
    fields = only_fields(fields, OFFER_FIELDS)
    if not fields.get("funder") and fields.get("funding_stream") in STREAM_FUNDER:
        fields["funder"] = STREAM_FUNDER[fields["funding_stream"]]
    item = OfferItem(council=council, **fields)
    _check_item(item)
    if OfferItem.objects.filter(council=council, code=item.code).exists():
        raise ValidationError({"code": f"The code {item.code} is already used in the local offer"})
    validate_and_save(item)
    audit_record(
        actor=actor,
        action="offer_item.created",
        obj=item,
        summary=f"Added {item.name} to the local offer",
        after=snapshot(item, exclude=("created_at",)),
    )
    return item


@transaction.atomic
def offer_item_update(*, actor, item: OfferItem, **fields) -> OfferItem:
    """Change an item of the local offer, under the same rules as adding one (DOMAIN R4, R9); a change that
    changes nothing saves nothing and writes no audit event."""
    _require_manager(actor, item.council_id)
    fields = only_fields(fields, OFFER_FIELDS)
    item = OfferItem.objects.select_for_update().get(pk=item.pk, council_id=item.council_id)
    if "funder" in fields and not fields["funder"]:
        fields["funder"] = STREAM_FUNDER.get(fields.get("funding_stream") or item.funding_stream, "")
    before, _ = apply_changes(item, fields)
    _check_item(item)
    if unchanged(item, before):
        return item
    if OfferItem.objects.filter(council_id=item.council_id, code=item.code).exclude(pk=item.pk).exists():
        raise ValidationError({"code": f"The code {item.code} is already used in the local offer"})
    validate_and_save(item)
    audit_record(
        actor=actor,
        action="offer_item.updated",
        obj=item,
        summary=f"Changed {item.name} in the local offer",
        before=before,
        after=snapshot(item),
    )
    return item


@transaction.atomic
def rate_add(*, actor, item: OfferItem, amount: Decimal, effective_from: date) -> Rate:
    """A new dated price for an item; earlier prices stay as they were (DOMAIN R6)."""
    _require_manager(actor, item.council_id)
    if Rate.objects.filter(item=item, effective_from=effective_from).exists():
        raise ValidationError(
            {
                "effective_from": f"{item.name} already has a rate from {format_date(effective_from)}: rates are never "
                "changed, add one from another date"
            }
        )
    rate = Rate(council_id=item.council_id, item=item, amount=amount, effective_from=effective_from)
    validate_and_save(rate)
    signals.rate_added.send(sender=Rate, rate=rate, actor=actor)
    audit_record(
        actor=actor,
        action="rate.added",
        obj=rate,
        council=item.council,
        summary=f"{item.name}: {rate_text(rate.amount, item.unit)} from {format_date(effective_from)}",
        after={"amount": str(rate.amount), "effective_from": effective_from.isoformat()},
    )
    return rate


@transaction.atomic
def restrictions_install_defaults(*, actor, council) -> list[SpendingRestriction]:
    """Give a new council the usual list of what direct payments cannot buy, which it can then change."""
    _require_manager(actor, council.pk)
    if SpendingRestriction.objects.filter(council=council).exists():
        return list(SpendingRestriction.objects.filter(council=council))
    made = SpendingRestriction.objects.bulk_create(
        SpendingRestriction(council=council, text=text, reason=reason, keywords=keywords, position=i)
        for i, (text, reason, keywords) in enumerate(DEFAULT_RESTRICTIONS)
    )
    for restriction in SpendingRestriction.objects.filter(council=council):
        audit_record(
            actor=actor,
            action="restriction.added",
            obj=restriction,
            summary=f"Direct payments cannot buy: {restriction.text}",
        )
    return made


def _check_restriction(restriction: SpendingRestriction) -> None:
    restriction.text = (restriction.text or "").strip()
    restriction.reason = (restriction.reason or "").strip()
    restriction.keywords = ",".join(word.strip() for word in (restriction.keywords or "").split(",") if word.strip())
    if not restriction.text:
        raise ValidationError({"text": "Enter what direct payments cannot be spent on"})


@transaction.atomic
def restriction_add(*, actor, council, text: str, reason: str = "", keywords: str = "") -> SpendingRestriction:
    """Add something direct payments cannot be spent on, at the end of the council's list (DOMAIN R33)."""
    _require_manager(actor, council.pk)
    restriction = SpendingRestriction(council=council, text=text, reason=reason, keywords=keywords)
    _check_restriction(restriction)
    if SpendingRestriction.objects.filter(council=council, text__iexact=restriction.text).exists():
        raise ValidationError({"text": f"“{restriction.text}” is already in the list"})
    last = SpendingRestriction.objects.filter(council=council).aggregate(last=Max("position"))["last"]
    restriction.position = 0 if last is None else last + 1
    validate_and_save(restriction)
    audit_record(
        actor=actor,
        action="restriction.added",
        obj=restriction,
        summary=f"Direct payments cannot buy: {restriction.text}",
        after=snapshot(restriction),
    )
    return restriction


@transaction.atomic
def restriction_set_active(*, actor, restriction: SpendingRestriction, active: bool) -> SpendingRestriction:
    """Switch a spending restriction off (families are no longer told it, and spending is not checked against it)
    or on again. Restrictions are never deleted, so the record of what applied stays (DOMAIN R33)."""
    _require_manager(actor, restriction.council_id)
    restriction = SpendingRestriction.objects.select_for_update().get(
        pk=restriction.pk, council_id=restriction.council_id
    )
    if restriction.active == active:
        return restriction
    restriction.active = active
    restriction.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action="restriction.switched_on" if active else "restriction.switched_off",
        obj=restriction,
        summary=f"{'Applies again' if active else 'No longer applies'}: {restriction.text}",
        before={"active": not active},
        after={"active": active},
    )
    return restriction


@transaction.atomic
def council_policy_add(*, actor, council, effective_from: date, **values) -> CouncilPolicy:
    """A new dated policy record; values not given carry over from the policy in force the day before."""
    _require_manager(actor, council.pk)
    values = only_fields(values, POLICY_FIELDS)
    if CouncilPolicy.objects.filter(council=council, effective_from=effective_from).exists():
        raise ValidationError({"effective_from": "There is already a policy from that date: choose another date"})
    previous = CouncilPolicy.objects.filter(council=council, effective_from__lt=effective_from).first()
    carried = snapshot(previous, exclude=("effective_from", "created_at")) if previous else {}
    policy = CouncilPolicy(council=council, effective_from=effective_from)
    for name, value in {**carried, **values}.items():
        setattr(policy, name, value)
    validate_and_save(policy)
    audit_record(
        actor=actor,
        action="policy.added",
        obj=policy,
        summary=f"New policy in force from {format_date(effective_from)}",
        before=carried or None,
        after=snapshot(policy, exclude=("created_at",)),
    )
    return policy
