from django.db import migrations, models


def mark_earlier_runs(apps, schema_editor):
    """Runs queued before their task id was recorded are not taken for runs that never reached the queue."""
    apps.get_model("core", "JobRun").objects.filter(state="queued").update(task_id="unrecorded")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_rate_counts"),
        # After the runs surveys' migration makes for imports queued the old way (they have no task id either).
        ("surveys", "0010_import_progress_in_job_runs"),
    ]

    operations = [
        migrations.AddField(
            model_name="jobrun",
            name="task_id",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(mark_earlier_runs, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="jobrun",
            index=models.Index(condition=models.Q(("state", "queued"), ("task_id", "")), fields=["created_at"],
                               name="core_jobrun_unqueued"),
        ),
    ]
