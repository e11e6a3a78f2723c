from django.db import migrations


def seed(apps, schema_editor):
    IndexRule = apps.get_model("surveys", "IndexRule")
    if not IndexRule.objects.filter(is_default=True).exists():
        IndexRule.objects.create(name="Chỉ số hài lòng (mức 4-5, tối thiểu 30 phiếu)", is_default=True)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
