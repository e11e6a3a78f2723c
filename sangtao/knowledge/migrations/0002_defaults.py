"""The defaults (word limits per section, kinds of problem) as data DoST edits; and on PostgreSQL the
database refuses changes to the append-only transition tables."""

from django.db import migrations

from sangtao.core.chain import refuse_changes


def seed(apps, schema_editor):
    from sangtao.knowledge.defaults import seed_defaults

    seed_defaults(apps.get_model("knowledge", "SectionRule"), apps.get_model("knowledge", "ProblemKind"))


class Migration(migrations.Migration):

    dependencies = [
        ("knowledge", "0001_initial"),
        ("core", "0003_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        refuse_changes("knowledge_casetransition", "knowledge_adoptiontransition"),
    ]
