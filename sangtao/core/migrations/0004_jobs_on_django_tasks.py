import uuid

import django.utils.timezone
from django.db import migrations, models


def move_queued_tasks(apps, schema_editor):
    """Jobs still waiting in the hand-made queue (or left running by a stopped worker) move to django-tasks-db."""
    Task = apps.get_model("core", "Task")
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.bulk_create(
        DBTaskResult(
            id=uuid.uuid4(), status="READY", args_kwargs={"args": [], "kwargs": row.kwargs}, priority=0,
            task_path=row.name, queue_name="default", backend_name="default", run_after=row.run_after,
            worker_ids=[], exception_class_path="", traceback="",
        )
        for row in Task.objects.filter(status__in=["queued", "running"]).order_by("id")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_append_only_triggers'),
        ('django_tasks_database', '0021_conditional_partial_index_ordering'),
    ]

    operations = [
        migrations.RunPython(move_queued_tasks, migrations.RunPython.noop),
        migrations.CreateModel(
            name='PeriodicTick',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('job', models.CharField(max_length=200)),
                ('tick', models.DateTimeField()),
                ('claimed_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.CreateModel(
            name='WorkerBeat',
            fields=[
                ('worker_id', models.CharField(max_length=64, primary_key=True, serialize=False)),
                ('seen_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.DeleteModel(
            name='Task',
        ),
        migrations.AddConstraint(
            model_name='periodictick',
            constraint=models.UniqueConstraint(fields=('job', 'tick'), name='one_run_per_tick'),
        ),
    ]
