"""Reviews are asked as records now (an asked lesson, services.ask_review): work that ended before
gets its ask, so what a unit owes is the same as it was (no notice is sent for those)."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone


def ask_owed(apps, schema_editor):
    Lesson = apps.get_model("knowledge", "Lesson")
    Challenge = apps.get_model("challenges", "Challenge")
    AnnualTask = apps.get_model("annual", "AnnualTask")
    Initiative = apps.get_model("initiatives", "Initiative")
    now = timezone.now()
    asked = []
    for challenge in (Challenge.objects.filter(project__status__in=["accepted", "failed"])
                      .exclude(lessons__subject_kind="challenge")):
        asked.append(Lesson(subject_kind="challenge", challenge=challenge, unit_id=challenge.owner_unit_id,
                            title=challenge.title[:300], field_id=challenge.field_id, facet=challenge.facet,
                            service=challenge.related_services[:300], asked_at=now))
    tasks = (AnnualTask.objects.filter(Q(plan__status="done") | Q(progress__percent__gte=100)).distinct()
             .exclude(lessons__subject_kind="annual_task").select_related("plan"))
    for task in tasks:
        asked.append(Lesson(subject_kind="annual_task", annual_task=task, unit_id=task.plan.unit_id,
                            title=task.title[:300], field_id=task.field_id, facet=task.facet,
                            service=task.public_service, asked_at=now))
    for initiative in (Initiative.objects.filter(councils__status="decided").distinct()
                       .exclude(lessons__subject_kind="initiative")):
        asked.append(Lesson(subject_kind="initiative", initiative=initiative, unit_id=initiative.unit_id,
                            title=initiative.title[:300], field_id=initiative.field_id, asked_at=now))
    Lesson.objects.bulk_create(asked, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0004_adoption_go_live"),
        ("projects", "0005_hash_chain"),
        ("annual", "0002_defaults"),
        ("initiatives", "0003_national_scope"),
        ("challenges", "0008_constraint_messages"),
    ]

    operations = [migrations.RunPython(ask_owed, migrations.RunPython.noop)]
