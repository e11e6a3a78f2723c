from django.db import migrations


def seed(apps, schema_editor):
    rule = apps.get_model("capacity", "CapacityRule")
    if not rule.objects.filter(is_default=True).exists():
        rule.objects.create(name="Mặc định (BRIEF §10: ẩn ô dưới 5 người; tích cực 4-5)", min_n=5, positive_min=4,
                            is_default=True)


class Migration(migrations.Migration):
    dependencies = [("capacity", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
