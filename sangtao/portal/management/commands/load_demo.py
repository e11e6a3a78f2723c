from django.core.management.base import BaseCommand

from sangtao.accounts.views import DEMO_LOGINS
from sangtao.portal.demo import PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load demo units, accounts and challenges (safe to run again)."

    def handle(self, *args, **options):
        counts = load_demo()
        self.stdout.write(
            f"units: {counts['units']}, users: {counts['users']}, challenges: {counts['challenges']} "
            f"(new: {counts['challenges_created']})"
        )
        self.stdout.write(f"Demo logins (password {PASSWORD}):")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:10} {role}")
