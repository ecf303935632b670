"""Changes to users and their API tokens."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ehcbudgets.audit.services import audit_record

from .models import ApiToken, User
from .permissions import Perm, has_perm


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal access token; the raw token is returned once and never stored."""
    if not has_perm(actor, Perm.API_TOKENS):
        raise ValidationError("Your role cannot use the API")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the token, so you can tell it apart later"})
    if ApiToken.objects.active().filter(user=actor).count() >= 10:
        raise ValidationError({"name": "You have 10 tokens already: revoke one you no longer use first"})
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(user=actor, name=name[:100], digest=ApiToken.digest_of(raw), hint=raw[:10])
    audit_record(
        actor=actor,
        action="api_token.created",
        obj=token,
        council=actor.council,
        summary=f"Created API token {token.name}",
        after={"name": token.name, "hint": token.hint},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens; a revoked token is refused at once."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk, user=actor)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoked",
            obj=token,
            council=actor.council,
            summary=f"Revoked API token {token.name}",
        )
    return token
