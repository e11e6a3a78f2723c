from django.db import migrations, models


def fill_years(apps, schema_editor):
    """Each task takes its plan's year (one UPDATE on PostgreSQL and SQLite alike)."""
    schema_editor.execute("UPDATE annual_annualtask SET year = (SELECT p.year FROM annual_annualplan p "
                          "WHERE p.id = annual_annualtask.plan_id)")


class Migration(migrations.Migration):
    dependencies = [
        ("annual", "0002_defaults"),
    ]

    operations = [
        migrations.AddField(model_name="annualtask", name="year",
                            field=models.PositiveSmallIntegerField(default=0, editable=False), preserve_default=False),
        migrations.RunPython(fill_years, migrations.RunPython.noop),
        migrations.AddIndex(model_name="annualtask",
                            index=models.Index(fields=["year", "field", "facet", "budget_vnd"], name="annual_task_rollup")),
    ]
