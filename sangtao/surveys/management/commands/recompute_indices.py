from django.core.management.base import BaseCommand

from sangtao.surveys.ingest import recompute
from sangtao.surveys.models import Survey


class Command(BaseCommand):
    help = "Rebuild the statistics behind every survey's indices from the raw answers."

    def add_arguments(self, parser):
        parser.add_argument("--survey", type=int, help="only this survey")

    def handle(self, *args, **options):
        surveys = Survey.objects.all()
        if options["survey"]:
            surveys = surveys.filter(pk=options["survey"])
        for survey in surveys:
            cells = recompute(survey)
            self.stdout.write(f"{survey.pk} {survey.name}: {cells} cells")
