"""Which records the similarity index holds, who may see them, and the text it compares.

- a grand challenge once published (published, closed, implementing, evaluating, completed): public;
  its title, summary and problem statement;
- a task of an annual plan DoST has consolidated into the city's plan (consolidated, in progress,
  done): shared with every unit's staff (the panel shows its title, unit and problem), its plan's page
  only for its unit and DoST;
- a recognised initiative: when its unit publishes it, public with its title and published summary
  (what the public register shows); otherwise DoST's only, with its title, former practice and
  description. What its authors asked to keep confidential is never read;
- a published case (cases.py): public or internal-only as DoST published it.

Everything else (drafts, withdrawn, refused, dropped) is not in the index.
"""

from collections.abc import Iterator

from sangtao.knowledge.models import Audience, DocumentKind
from sangtao.knowledge.suggest_index import Entry


def challenge_entry(challenge) -> Entry | None:
    from sangtao.challenges.models import PUBLIC_STATUSES

    if challenge.status not in PUBLIC_STATUSES:
        return None
    return Entry(DocumentKind.CHALLENGE, challenge.pk, challenge.owner_unit_id, Audience.PUBLIC, Audience.PUBLIC,
                 challenge.title, f"{challenge.summary}\n{challenge.problem_statement}", challenge.get_absolute_url())


def task_entry(task, plan=None) -> Entry | None:
    from sangtao.annual.models import REPORTING_STATES

    plan = plan or task.plan
    if plan.status not in REPORTING_STATES:
        return None
    return Entry(DocumentKind.TASK, task.pk, plan.unit_id, Audience.STAFF, Audience.DOST, task.title, task.problem,
                 plan.get_absolute_url() + "#tasks")


def initiative_entry(initiative) -> Entry | None:
    from django.urls import reverse

    from sangtao.initiatives.models import RECOGNISED_STATES

    if initiative.status not in RECOGNISED_STATES:
        return None
    if initiative.publish:
        return Entry(DocumentKind.INITIATIVE, initiative.pk, initiative.unit_id, Audience.PUBLIC, Audience.PUBLIC,
                     initiative.title, initiative.public_summary,
                     reverse("initiatives:public_detail", args=[initiative.pk]))
    return Entry(DocumentKind.INITIATIVE, initiative.pk, initiative.unit_id, Audience.DOST, Audience.DOST,
                 initiative.title, f"{initiative.before}\n{initiative.description}", initiative.get_absolute_url())


def case_entry(case) -> Entry | None:
    from sangtao.knowledge.models import PUBLISHED_STATES, CaseStatus

    if case.status not in PUBLISHED_STATES:
        return None
    audience = Audience.PUBLIC if case.status == CaseStatus.PUBLISHED_PUBLIC else Audience.STAFF
    return Entry(DocumentKind.CASE, case.pk, case.unit_id, audience, audience, case.title,
                 f"{case.summary}\n{case.problem}", case.get_absolute_url())


def all_entries() -> Iterator[Entry]:
    """Every record the index should hold, read in batches."""
    from sangtao.annual.models import REPORTING_STATES, AnnualTask
    from sangtao.challenges.models import PUBLIC_STATUSES, Challenge
    from sangtao.initiatives.models import RECOGNISED_STATES, Initiative
    from sangtao.knowledge.models import PUBLISHED_STATES, Case

    cases = Case.objects.filter(status__in=PUBLISHED_STATES).only(
        "pk", "status", "unit_id", "title", "summary", "problem").order_by("pk")
    for case in cases.iterator(chunk_size=2000):
        if entry := case_entry(case):
            yield entry
    challenges = Challenge.objects.filter(status__in=PUBLIC_STATUSES).only(
        "pk", "status", "owner_unit_id", "title", "summary", "problem_statement").order_by("pk")
    for challenge in challenges.iterator(chunk_size=2000):
        if entry := challenge_entry(challenge):
            yield entry
    tasks = AnnualTask.objects.filter(plan__status__in=REPORTING_STATES).select_related("plan").only(
        "pk", "title", "problem", "plan__id", "plan__status", "plan__unit_id").order_by("pk")
    for task in tasks.iterator(chunk_size=2000):
        if entry := task_entry(task):
            yield entry
    initiatives = Initiative.objects.filter(status__in=RECOGNISED_STATES).only(
        "pk", "status", "unit_id", "publish", "title", "public_summary", "before", "description").order_by("pk")
    for initiative in initiatives.iterator(chunk_size=2000):
        if entry := initiative_entry(initiative):
            yield entry


def count_entries() -> int:
    from sangtao.annual.models import REPORTING_STATES, AnnualTask
    from sangtao.challenges.models import PUBLIC_STATUSES, Challenge
    from sangtao.initiatives.models import RECOGNISED_STATES, Initiative
    from sangtao.knowledge.models import PUBLISHED_STATES, Case

    return (Case.objects.filter(status__in=PUBLISHED_STATES).count()
            + Challenge.objects.filter(status__in=PUBLIC_STATUSES).count()
            + AnnualTask.objects.filter(plan__status__in=REPORTING_STATES).count()
            + Initiative.objects.filter(status__in=RECOGNISED_STATES).count())
