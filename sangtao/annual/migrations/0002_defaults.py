from django.db import migrations

from sangtao.core.chain import refuse_changes


def seed(apps, schema_editor):
    from sangtao.annual.defaults import seed_defaults

    seed_defaults(apps.get_model("annual", "ReportPeriod"), apps.get_model("annual", "ExternalIndicator"))


class Migration(migrations.Migration):
    """The brief's defaults: a 6-month and an annual report, a first list of external indicators;
    the append-only tables refuse UPDATE and DELETE on PostgreSQL."""

    dependencies = [
        ("annual", "0001_initial"),
        ("core", "0003_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        refuse_changes("annual_plantransition", "annual_planversion", "annual_reporttransition",
                       "annual_reportnotice"),
    ]
