"""Every change to children and contacts (ARCHITECTURE convention 2)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ehcbudgets.audit.services import audit_record, snapshot
from ehcbudgets.core.dates import today
from ehcbudgets.core.services import apply_changes, only_fields, unchanged, validate_and_save

from .models import Child, Contact, Relationship

CHILD_FIELDS = {"first_name", "last_name", "date_of_birth", "council_reference", "upn"}
CONTACT_FIELDS = {
    "full_name",
    "relationship",
    "email",
    "phone",
    "address",
    "has_capacity_to_consent",
    "capacity_assessed_on",
    "capacity_note",
    "drug_alcohol_order",
    "nominated_in_writing_on",
    "nominee_consent_on",
}


def date_of_birth_problem(born) -> str | None:
    """A date of birth must be today or in the past."""
    if born and born > today():
        return "Date of birth must be today or in the past"
    return None


def _check_child(child: Child) -> None:
    problem = date_of_birth_problem(child.date_of_birth)
    if problem:
        raise ValidationError({"date_of_birth": problem})
    child.first_name, child.last_name = child.first_name.strip(), child.last_name.strip()
    child.upn = (child.upn or "").strip().upper()
    child.council_reference = child.council_reference.strip()
    # The unique constraint alone reports a duplicate against no field ("Child with this Council and ..."), so a
    # form could not show it beside the reference; check it here and name the field.
    taken = Child.objects.filter(council_id=child.council_id, council_reference=child.council_reference)
    if child.council_reference and taken.exclude(pk=child.pk).exists():
        raise ValidationError({"council_reference": "Another child in this council already has this reference"})


@transaction.atomic
def child_create(*, actor, council, **fields) -> Child:
    """Record a new child or young person in a council."""
    child = Child(council=council, **only_fields(fields, CHILD_FIELDS))
    _check_child(child)
    validate_and_save(child)
    audit_record(
        actor=actor,
        action="child.created",
        obj=child,
        child=child,
        summary=f"Added {child.full_name}",
        after=snapshot(child, exclude=("created_at", "updated_at")),
    )
    return child


@transaction.atomic
def child_update(*, actor, child: Child, **fields) -> Child:
    """Change a child's details."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    before, _ = apply_changes(child, only_fields(fields, CHILD_FIELDS))
    _check_child(child)
    if unchanged(child, before):
        return child
    validate_and_save(child)
    audit_record(
        actor=actor,
        action="child.updated",
        obj=child,
        child=child,
        summary=f"Changed {child.full_name}'s details",
        before=before,
        after=snapshot(child),
    )
    return child


def _check_contact(contact: Contact) -> None:
    errors = {}
    if contact.has_capacity_to_consent is not None and contact.capacity_assessed_on is None:
        errors["capacity_assessed_on"] = "Enter the date capacity to consent was assessed"
    if contact.capacity_assessed_on and contact.capacity_assessed_on > today():
        errors["capacity_assessed_on"] = "The date capacity was assessed must be today or in the past"
    if contact.relationship != Relationship.NOMINEE and (contact.nominated_in_writing_on or contact.nominee_consent_on):
        errors["relationship"] = "Only a nominee has a nomination date and a consent date"
    for field in ("nominated_in_writing_on", "nominee_consent_on"):
        value = getattr(contact, field)
        if value and value > today():
            errors[field] = "The date must be today or in the past"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contact_create(*, actor, child: Child, **fields) -> Contact:
    """Add a family contact (a young person can be their own contact)."""
    contact = Contact(council_id=child.council_id, child=child, **only_fields(fields, CONTACT_FIELDS))
    _check_contact(contact)
    validate_and_save(contact)
    audit_record(
        actor=actor,
        action="contact.created",
        obj=contact,
        child=child,
        summary=f"Added contact {contact.full_name} ({contact.get_relationship_display().lower()})",
        after=snapshot(contact, exclude=("created_at", "updated_at", "user")),
    )
    return contact


@transaction.atomic
def contact_update(*, actor, contact: Contact, **fields) -> Contact:
    """Change a contact's details, capacity or R11 flag."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    before, _ = apply_changes(contact, only_fields(fields, CONTACT_FIELDS))
    _check_contact(contact)
    if unchanged(contact, before):
        return contact
    validate_and_save(contact)
    audit_record(
        actor=actor,
        action="contact.updated",
        obj=contact,
        child=contact.child,
        summary=f"Changed contact {contact.full_name}",
        before=before,
        after=snapshot(contact),
    )
    return contact


@transaction.atomic
def contact_link_user(*, actor, contact: Contact, user) -> Contact:
    """Give a contact's sign-in access to the child's record."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not user.is_family:
        raise ValidationError({"user": "Only a family or third-party sign-in can be linked to a contact"})
    before = {"user": contact.user_id}
    contact.user = user
    contact.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor,
        action="contact.user_linked",
        obj=contact,
        child=contact.child,
        summary=f"Linked sign-in {user.email} to contact {contact.full_name}",
        before=before,
        after={"user": user.pk},
    )
    return contact
