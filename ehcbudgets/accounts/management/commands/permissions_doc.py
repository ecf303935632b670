"""Generates docs/permissions.md from the permission matrix, so the document can never drift from the code.

python manage.py permissions_doc            prints the document
python manage.py permissions_doc --write    writes docs/permissions.md
python manage.py permissions_doc --check    fails if docs/permissions.md is not what the matrix says
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ehcbudgets.accounts.models import COUNCIL_STAFF_ROLES, FAMILY_ROLES, Role
from ehcbudgets.accounts.permissions import MATRIX, PERM_DESCRIPTIONS, Perm

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "permissions.md"

SCOPE = """\
## Scope

A permission says what a role may do; scope says to which records. Both apply to every page and every API call.

- **Council staff** see only the records of the council they belong to:
  {staff}.
- **ICB officers** see the children of the councils their ICB partners, and only those with provision funded by
  health in a plan that has not ceased; of a plan they see that health provision only, and no contacts.
- **Families and organisations** see only the children they are linked to, through a contact record that carries
  their sign-in: {family}.
- A switched-off (inactive) account sees nothing and can do nothing.

A record outside the user's scope answers 404 (not found), never 403, so that its existence is not revealed. Scope
is applied by the selectors (`ehcbudgets/*/selectors.py`); permissions by `require(Perm...)` on each page
(`ehcbudgets/accounts/decorators.py`), and every page must declare one (the permission-matrix test fails otherwise).
"""


def _role_list(roles) -> str:
    # Lower case in a sentence, except an acronym ("SEN panel member").
    labels = [r.label if r.label.split()[0].isupper() else r.label.lower() for r in Role if r in roles]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def render_permissions_doc() -> str:
    """The permission matrix as markdown: one row per permission, one column per role, then the scope rules."""
    roles = list(Role)
    lines = [
        "# Who may do what",
        "",
        "Generated from `ehcbudgets/accounts/permissions.py` by `python manage.py permissions_doc --write`.",
        "Do not edit by hand: change the matrix, then regenerate (a test fails while the two differ).",
        "",
        "## Permissions by role",
        "",
        "| Permission | " + " | ".join(role.label for role in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for perm in Perm:
        cells = ["Yes" if perm in MATRIX.get(role, frozenset()) else "No" for role in roles]
        lines.append(f"| {PERM_DESCRIPTIONS[perm]} (`{perm.value}`) | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(SCOPE.format(staff=_role_list(COUNCIL_STAFF_ROLES), family=_role_list(FAMILY_ROLES)))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print docs/permissions.md from the permission matrix, or write it (--write), or check it (--check)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true", help="Write docs/permissions.md.")
        group.add_argument("--check", action="store_true", help="Fail if the file differs from the matrix.")

    def handle(self, *args, write=False, check=False, **options):
        text = render_permissions_doc()
        if check:
            if not DOC_PATH.exists() or DOC_PATH.read_text(encoding="utf-8") != text:
                raise CommandError(f"{DOC_PATH} is out of date: run python manage.py permissions_doc --write")
            self.stdout.write(f"{DOC_PATH} matches the permission matrix.")
        elif write:
            DOC_PATH.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {DOC_PATH}")
        else:
            self.stdout.write(text, ending="")
