from django.core.management.base import BaseCommand

from sangtao.capacity.models import Round
from sangtao.capacity.services import recompute


class Command(BaseCommand):
    help = "Rebuild every capacity round's survey sums and scores from the stored answers."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)

    def handle(self, *args, year=None, **options):
        rounds = Round.objects.exclude(barometer=None)
        if year:
            rounds = rounds.filter(year=year)
        for round_ in rounds:
            recompute(round_)
            self.stdout.write(f"{round_.year}: {round_.scores.count()} units")
