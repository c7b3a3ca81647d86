from django.core.management.base import BaseCommand, CommandError

from core.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create or complete the demo organisations (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--employees", type=int, default=300, help="People in Acme Corp (default 300)."
        )
        parser.add_argument(
            "--with-model-calls",
            action="store_true",
            help="Queue a few real model-worker calls for Acme (once), for the model page.",
        )

    def handle(self, *args, employees: int, with_model_calls: bool, **options):
        if employees < 10:
            raise CommandError("--employees must be at least 10")
        counts = seed_demo(employees=employees, model_calls=with_model_calls)
        self.stdout.write(
            f"Demo data ready: Acme Corp has {counts['acme_members']} members, Globex "
            f"{counts['globex_members']} ({counts['created']} added now)."
        )
        logins = sorted({(login.email, login.org, login.role) for login in DEMO_LOGINS})
        for email, org, role in logins:
            self.stdout.write(f"  {email:<24} {org:<7} {role}")
        self.stdout.write(f"  password for all of them: {DEMO_PASSWORD}")
