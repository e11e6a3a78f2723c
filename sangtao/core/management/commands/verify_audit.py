from django.core.management.base import BaseCommand, CommandError

from sangtao.core.audit import append_only_models, broken_links


class Command(BaseCommand):
    help = "Check the hash chain of every append-only table; report the first broken link of each."

    def handle(self, *args, **options):
        broken = broken_links()
        for link in broken:
            self.stderr.write(str(link))
        if broken:
            raise CommandError(f"{len(broken)} audit chain(s) broken")
        self.stdout.write(f"{len(append_only_models())} audit chains verified: no broken link")
