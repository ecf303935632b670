"""Users, their role, and personal access tokens for the API."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    PARENT_CARER = "parent_carer", "Parent or carer"
    YOUNG_PERSON = "young_person", "Young person"
    NOMINEE = "nominee", "Nominee"
    CASE_OFFICER = "case_officer", "Case officer"
    TEAM_MANAGER = "team_manager", "Team manager"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    PANEL_MEMBER = "panel_member", "SEN panel member"
    COUNCIL_ADMIN = "council_admin", "Council administrator"
    THIRD_PARTY = "third_party", "Third-party organisation"
    ICB_OFFICER = "icb_officer", "ICB officer"


#: Roles that work for a council and see that council's records.
COUNCIL_STAFF_ROLES = frozenset(
    {Role.CASE_OFFICER, Role.TEAM_MANAGER, Role.FINANCE_OFFICER, Role.PANEL_MEMBER, Role.COUNCIL_ADMIN}
)
#: Roles that see only the children they are linked to through a contact record.
FAMILY_ROLES = frozenset({Role.PARENT_CARER, Role.YOUNG_PERSON, Role.NOMINEE, Role.THIRD_PARTY})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. Council staff belong to one council; ICB officers to one ICB; families to neither."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    icb = models.ForeignKey("councils.ICB", null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    organisation = models.CharField(max_length=200, blank=True, help_text="For a third-party organisation's users.")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                name="staff_belong_to_a_council",
                condition=~Q(role__in=sorted(r.value for r in COUNCIL_STAFF_ROLES)) | Q(council__isnull=False),
            ),
            models.CheckConstraint(
                name="icb_officers_belong_to_an_icb", condition=~Q(role="icb_officer") | Q(icb__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def is_council_staff(self) -> bool:
        return self.role in COUNCIL_STAFF_ROLES

    @property
    def is_family(self) -> bool:
        return self.role in FAMILY_ROLES

    @property
    def is_icb_officer(self) -> bool:
        return self.role == Role.ICB_OFFICER

    @property
    def needs_two_factor(self) -> bool:
        """Council staff and ICB officers sign in with a second factor when the setting requires it."""
        return self.is_council_staff or self.is_icb_officer

    @property
    def organisation_name(self) -> str:
        if self.council_id:
            return self.council.name
        if self.icb_id:
            return self.icb.name
        return self.organisation


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal access token for the API. Only its digest is stored: the token is shown once."""

    PREFIX = "ehc_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, so you can tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to recognise the token.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_raw_token(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(raw: str) -> str:
        return _token_digest(raw)

    @classmethod
    def find_active(cls, raw: str) -> "ApiToken | None":
        token = cls.objects.active().select_related("user").filter(digest=_token_digest(raw)).first()
        if token is None or not token.user.is_active:
            return None
        return token

    def mark_used(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
