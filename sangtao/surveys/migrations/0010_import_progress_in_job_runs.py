"""A survey import's progress, message and end move to its core JobRun (one progress mechanism):
each existing import gets a run carrying its counts, message, state and times; then the import's
own copies of them are dropped."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

RUN_STATE = {"queued": "queued", "running": "running", "done": "done", "rejected": "failed", "failed": "failed"}
KIND = "sangtao.surveys.imports.run_import"


def run_for(job, JobRun):
    """The run that carries an import's progress, message, state and times."""
    return JobRun(id=uuid.uuid4(), kind=KIND, title=f"Nhập phiếu «{job.original_name}»"[:255],
                  arguments={"job_id": job.pk}, back_url=f"/surveys/{job.survey_id}/imports/{job.pk}/",
                  created_by_id=job.created_by_id, state=RUN_STATE.get(job.state, "failed"), done=job.rows_done,
                  total=job.rows_total or None, error_count=job.errors, message=job.message,
                  created_at=job.created_at, finished_at=job.finished_at)


def carry_over(apps, schema_editor):
    ImportJob = apps.get_model("surveys", "ImportJob")
    JobRun = apps.get_model("core", "JobRun")
    jobs = list(ImportJob.objects.filter(run__isnull=True).order_by("pk"))
    runs = []
    for job in jobs:
        runs.append(run_for(job, JobRun))
        job.run_id = runs[-1].id
    JobRun.objects.bulk_create(runs, batch_size=1000)
    ImportJob.objects.bulk_update(jobs, ["run"], batch_size=1000)


def carry_back(apps, schema_editor):
    ImportJob = apps.get_model("surveys", "ImportJob")
    jobs = list(ImportJob.objects.exclude(run=None).select_related("run"))
    for job in jobs:
        job.rows_done, job.rows_total = job.run.done, job.run.total or 0
        job.message, job.finished_at = job.run.message, job.run.finished_at
    ImportJob.objects.bulk_update(jobs, ["rows_done", "rows_total", "message", "finished_at"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_job_runs'),
        ('surveys', '0009_response_follow_up_consent'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='run',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                       related_name='+', to='core.jobrun'),
        ),
        migrations.RunPython(carry_over, carry_back),
        migrations.RemoveField(
            model_name='importjob',
            name='finished_at',
        ),
        migrations.RemoveField(
            model_name='importjob',
            name='message',
        ),
        migrations.RemoveField(
            model_name='importjob',
            name='rows_done',
        ),
        migrations.RemoveField(
            model_name='importjob',
            name='rows_total',
        ),
    ]
