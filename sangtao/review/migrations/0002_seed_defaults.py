"""Seed the rules of the brief as data DoST edits: council composition, the B8 rubric, the checklist."""

from django.db import migrations

from sangtao.review.defaults import seed_defaults


def seed(apps, schema_editor):
    seed_defaults(apps.get_model("review", "CouncilRules"), apps.get_model("review", "Rubric"),
                  apps.get_model("review", "Criterion"), apps.get_model("proposals", "EligibilityCriterion"))


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial"), ("proposals", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
