from django.db import migrations

from sangtao.core.chain import refuse_changes


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS sangtao_refuse_change()")


class Migration(migrations.Migration):
    """On PostgreSQL the database itself refuses UPDATE and DELETE on the append-only tables.
    An append-only table added later gets the same with refuse_changes("its_table") in its migration."""

    dependencies = [
        ("core", "0002_hash_chain"),
        ("challenges", "0007_hash_chain"),
        ("proposals", "0002_hash_chain"),
        ("review", "0004_hash_chain"),
        ("projects", "0005_hash_chain"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, drop_function),
        refuse_changes("core_auditevent", "challenges_transition", "challenges_version",
                       "proposals_proposalversion", "proposals_proposaltransition", "proposals_screening",
                       "review_conflictdeclaration", "review_sheetevent", "projects_escalation"),
    ]
