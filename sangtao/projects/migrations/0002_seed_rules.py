from django.db import migrations


def seed(apps, schema_editor):
    ProjectRules = apps.get_model("projects", "ProjectRules")
    if not ProjectRules.objects.filter(is_default=True).exists():
        ProjectRules.objects.create(name="Quy tắc dự án (mặc định)", is_default=True)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
