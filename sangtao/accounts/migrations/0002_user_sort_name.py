from django.db import migrations, models

from sangtao.core.text import sort_key


def fill_sort_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    batch = []
    for user in User.objects.only("pk", "full_name", "username").iterator(chunk_size=2000):
        user.sort_name = sort_key(user.full_name or user.username)
        batch.append(user)
        if len(batch) == 2000:
            User.objects.bulk_update(batch, ["sort_name"])
            batch = []
    User.objects.bulk_update(batch, ["sort_name"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="sort_name",
            field=models.CharField(db_index=True, default="", editable=False, max_length=1200),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop),
    ]
