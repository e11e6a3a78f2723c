import time

from django.core.management.base import BaseCommand

from sangtao.core.progress import count
from sangtao.knowledge import suggest_sync


class Command(BaseCommand):
    help = ("Rebuild the similarity index of reuse before reinvention (published cases and challenges, "
            "consolidated annual tasks, recognised initiatives) from the records, in bulk, with progress.")

    def handle(self, *args, **options):
        began = time.monotonic()

        def progress(done: int, total: int | None) -> None:
            share = f" ({100 * done // total}%)" if total else ""
            self.stdout.write(f"{count(done)} / {count(total)}{share}")

        result = suggest_sync.rebuild(progress=progress)
        self.stdout.write(self.style.SUCCESS(
            f"{count(result['documents'])} documents indexed in {time.monotonic() - began:.1f} s"))
