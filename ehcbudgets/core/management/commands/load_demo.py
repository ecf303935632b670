"""Loads the demo councils (once) and prints a sign-in for every role."""

from django.core.management.base import BaseCommand

from ehcbudgets.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load two fictional councils with children, plans and a sign-in for every role, then list the sign-ins."

    def handle(self, *args, **options):
        rows = load_demo()
        width = max(len(role) for _, role, _ in rows)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo sign-ins (every name and address is invented)"))
        current = None
        for council, role, email in rows:
            if council != current:
                self.stdout.write(f"\n  {council}")
                current = council
            self.stdout.write(f"    {role:<{width}}  {email}")
        self.stdout.write(f"\n  Password for every demo sign-in: {DEMO_PASSWORD}")
        self.stdout.write("  Open http://127.0.0.1:8000 and sign in.\n")
