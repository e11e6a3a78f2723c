"""The brief's defaults (Decree 13/2012, Law 06/2022), as data DoST edits; and on PostgreSQL the
database refuses changes to the append-only tables."""

from django.db import migrations

from sangtao.core.chain import refuse_changes
from sangtao.initiatives.defaults import seed_ladder


def seed(apps, schema_editor):
    rules = apps.get_model("initiatives", "InitiativeRules")
    if not rules.objects.filter(is_default=True).exists():
        rules.objects.create(name="Quy tắc sáng kiến (Nghị định 13/2012/NĐ-CP)", is_default=True)
    seed_ladder(apps.get_model("initiatives", "EmulationTitle"))


class Migration(migrations.Migration):

    dependencies = [
        ("initiatives", "0001_initial"),
        ("core", "0003_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        refuse_changes("initiatives_initiativetransition", "initiatives_vote", "initiatives_counciltransition"),
    ]
