from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sangtao.orgs.importer import ImportErrorWithLine, import_admin_units

DEFAULT_FILE = Path(settings.BASE_DIR) / "data" / "vn_admin_units_2025.csv"


class Command(BaseCommand):
    help = "Import the official 2025 administrative units (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
        parser.add_argument(
            "--province", action="append", default=[],
            help="Official province code to import (repeatable); all provinces if omitted.",
        )

    def handle(self, *args, file: Path, province: list[str], **options):
        if not file.exists():
            raise CommandError(f"file not found: {file}")
        try:
            result = import_admin_units(file, set(province) or None)
        except ImportErrorWithLine as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"provinces: {result.provinces}, units created: {result.created}, updated: {result.updated}"
        )
