import time

from django.core.management.base import BaseCommand

from sangtao.core.tasks import run_pending, run_periodic


class Command(BaseCommand):
    help = "Process queued background tasks (the default, broker-free worker)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due, then exit.")
        parser.add_argument("--tick", type=float, default=60.0, help="Seconds between periodic jobs.")

    def handle(self, *args, once: bool = False, tick: float = 60.0, **options):
        last_tick = 0.0
        while True:
            if time.monotonic() - last_tick >= tick:
                run_periodic()
                last_tick = time.monotonic()
            ran = run_pending()
            if ran:
                self.stdout.write(f"ran {ran} task(s)")
            if once:
                return
            if not ran:
                time.sleep(1.0)
