"""DoST's roll-up of annual plans: by unit, field, OPSI facet and year, in a fixed number of
queries whatever the number of units (aggregates in the database, never a query per row)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from sangtao.annual.models import IN_CITY_PLAN, REPORTING_STATES, AnnualPlan, AnnualTask, PlanStatus, WorkingGroup
from sangtao.challenges.models import Facet, Field
from sangtao.core.text import sort_key
from sangtao.orgs.models import UnitKind

PLANNING_UNITS = (UnitKind.DEPARTMENT, UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE)


@dataclass
class Line:
    key: object
    label: str
    plans: int = 0
    tasks: int = 0
    budget_vnd: int = 0
    by_status: dict = field(default_factory=dict)


def rollup(year: int | None = None, *, unit_kind: str = "") -> dict:
    """The counts DoST reads: plans by state, tasks and budget by unit, field, facet and year."""
    plans = AnnualPlan.objects.all()
    tasks = AnnualTask.objects.all()
    if year:
        plans, tasks = plans.filter(year=year), tasks.filter(year=year)
    if unit_kind:
        plans, tasks = plans.filter(unit__kind=unit_kind), tasks.filter(plan__unit__kind=unit_kind)
    by_status = dict(plans.values_list("status").annotate(n=Count("id")).order_by())
    # Plans and tasks of every year counted apart: a distinct count over the plans x tasks join took
    # most of the page's time at 170,000 tasks.
    every_year = AnnualPlan.objects.filter(unit__kind=unit_kind) if unit_kind else AnnualPlan.objects.all()
    every_task = AnnualTask.objects.filter(plan__unit__kind=unit_kind) if unit_kind else AnnualTask.objects.all()
    task_sums = {y: (t, b) for y, t, b in every_task.values_list("year").annotate(
        t=Count("id"), b=Sum("budget_vnd")).order_by()}
    by_year = [Line(y, str(y), plans=n, tasks=task_sums.get(y, (0, 0))[0], budget_vnd=task_sums.get(y, (0, 0))[1] or 0)
               for y, n in every_year.values_list("year").annotate(n=Count("id")).order_by("-year")]
    # By field and by facet from one scan of the year's tasks, grouped by both (a few dozen groups).
    fields: dict = {}
    facets: dict = {}
    for fid, code, n, b in tasks.values_list("field_id", "facet").annotate(n=Count("id"), b=Sum("budget_vnd")).order_by():
        for found, key in ((fields, fid), (facets, code)):
            count, budget = found.get(key, (0, 0))
            found[key] = (count + n, budget + (b or 0))
    # Named in the reader's language and in dictionary order ("Chống ngập" before "Chuyển đổi số"), the
    # tasks without a field first; the facets in the order the taxonomy gives them.
    names: dict = {field.pk: str(field) for field in Field.objects.filter(pk__in=[f for f in fields if f is not None])}
    by_field = sorted((Line(fid, names.get(fid) or str(_("Chưa phân lĩnh vực")), tasks=n, budget_vnd=b)
                       for fid, (n, b) in fields.items()),
                      key=lambda line: (line.key is not None, sort_key(names.get(line.key, ""))))
    order = {code: position for position, code in enumerate(Facet.values)}
    by_facet = [Line(code, str(Facet(code).label) if code in order else code, tasks=n, budget_vnd=b)
                for code, (n, b) in sorted(facets.items(), key=lambda item: order.get(item[0], len(order)))]
    return {"by_status": [(code, label, by_status.get(code, 0)) for code, label in PlanStatus.choices],
            "by_year": by_year, "by_field": by_field, "by_facet": by_facet,
            "plans": sum(by_status.values())}


def units_page(year: int, query_units, *, without_plan: bool = False, without_group: bool = False):
    """The units of one page with their plan of the year (state, tasks, budget): one query, each unit's
    numbers read through the (unit, year) index rather than by joining every year's tasks."""
    plan = AnnualPlan.objects.filter(unit=OuterRef("pk"), year=year).order_by()
    tasks = AnnualTask.objects.filter(plan__unit=OuterRef("pk"), plan__year=year).order_by().values("plan__unit")
    units = query_units.filter(kind__in=PLANNING_UNITS).annotate(
        plan_id=Subquery(plan.values("id")[:1]), plan_status=Subquery(plan.values("status")[:1]),
        task_count=Coalesce(Subquery(tasks.annotate(n=Count("id")).values("n")), 0),
        budget=Subquery(tasks.annotate(b=Sum("budget_vnd")).values("b")),
        group_id=Subquery(WorkingGroup.objects.filter(unit=OuterRef("pk")).values("id")[:1]))
    if without_plan:
        units = units.filter(plan_id__isnull=True)
    if without_group:
        units = units.filter(working_group__isnull=True)
    return units.order_by(F("plan_id").asc(nulls_last=True), "sort_name")


def working_groups(query_units) -> tuple[int, int]:
    """(units with a working group, units asked to set one up): every department and local unit."""
    units = query_units.filter(kind__in=PLANNING_UNITS)
    return units.filter(working_group__isnull=False).count(), units.count()


@dataclass
class CityRow:
    unit: str
    kind: str
    status: str
    title: str
    field: str
    facet: str
    budget_vnd: int
    public_service: str
    kpis: list  # (name, baseline, target, latest, unit of measure)
    spending_norm: str = ""  # the spending norm applied, and the IP terms agreed (brief §8: two blockers)
    ip_terms: str = ""


def city_rows(year: int, progress: Callable[[float], None] | None = None, chunk: int = 2000) -> list[CityRow]:
    """Every task of every plan DoST consolidated for the year, with its KPIs' latest values: read in chunks
    of plans so the background job reports its progress. A plan being amended is reported as DoST last
    consolidated it (its version), not with the changes no one has approved yet."""
    from sangtao.annual.models import KpiMeasurement, TaskKpi

    statuses = {code: str(label) for code, label in PlanStatus.choices}
    facets = {code: str(label) for code, label in Facet.choices}
    kinds = {code: str(label) for code, label in UnitKind.choices}
    plans = list(AnnualPlan.objects.filter(IN_CITY_PLAN, year=year).order_by("unit__sort_name", "id")
                 .values_list("id", "status"))
    amending = {pk for pk, status in plans if status not in REPORTING_STATES}
    plan_ids = [pk for pk, _status in plans]
    by_plan: dict[int, list[CityRow]] = _as_consolidated(amending, kinds, facets)
    for start in range(0, len(plan_ids), chunk):
        ids = [pk for pk in plan_ids[start:start + chunk] if pk not in amending]
        latest = {}
        for kpi_id, value in KpiMeasurement.objects.filter(kpi__task__plan_id__in=ids).order_by(
                "kpi_id", "measured_on", "id").values_list("kpi_id", "value"):
            latest[kpi_id] = value
        kpis: dict[int, list] = {}
        for pk, task_id, name, baseline, target, uom in TaskKpi.objects.filter(task__plan_id__in=ids).order_by(
                "task_id", "position", "id").values_list("pk", "task_id", "name", "baseline_value", "target_value",
                                                         "unit_of_measure"):
            kpis.setdefault(task_id, []).append((name, baseline, target, latest.get(pk), uom))
        # Plain tuples, not model instances: building 34,000 tasks as objects cost seconds.
        tasks = sorted(AnnualTask.objects.filter(plan_id__in=ids).values_list(
            "pk", "plan_id", "position", "plan__unit__name", "plan__unit__kind", "plan__status", "title",
            "field__name", "facet", "budget_vnd", "public_service", "spending_norm", "ip_terms"),
            key=lambda t: (t[2], t[0]))
        for pk, plan, _position, unit, kind, status, title, field_name, facet, budget, service, norm, ip in tasks:
            by_plan.setdefault(plan, []).append(CityRow(
                unit, str(kinds.get(kind, "")), str(statuses[status]), title, field_name or "",
                str(facets.get(facet, facet)), budget, service, kpis.get(pk, []), norm, ip))
        if progress:
            progress(min(1.0, (start + chunk) / len(plan_ids)))
    return [row for pk in plan_ids for row in by_plan.get(pk, [])]


def _as_consolidated(plan_ids: set[int], kinds: dict, facets: dict) -> dict[int, list[CityRow]]:
    """The rows of plans being amended, from the last version DoST consolidated (the versions before the one
    being amended); each KPI as that version wrote it ("name: baseline → target unit")."""
    from sangtao.annual.models import PlanVersion

    rows: dict[int, list[CityRow]] = {}
    plans = AnnualPlan.objects.filter(pk__in=plan_ids).select_related("unit")
    for plan in plans:
        version = (PlanVersion.objects.filter(plan=plan, number__lt=plan.version).order_by("-number", "-id")
                   .values_list("content", flat=True).first()) or {"tasks": []}
        status = str(_("Đang điều chỉnh (theo phiên bản đã tổng hợp)"))
        rows[plan.pk] = [CityRow(plan.unit.name, str(kinds.get(plan.unit.kind, "")), status, task["title"],
                                 task.get("field", ""), str(facets.get(task["facet"], task["facet"])),
                                 task.get("budget_vnd") or 0, task.get("public_service", ""),
                                 [(kpi, None, None, None, "") for kpi in task.get("kpis", [])],
                                 task.get("spending_norm", ""), task.get("ip_terms", ""))
                         for task in version["tasks"]]
    return rows


@dataclass
class SatisfactionLine:
    """A task whose service is surveyed on the platform: satisfied shares (0-1) before and after the day
    it applied its solution, and the change with its 95 % interval (None: too few answers on a side)."""

    unit: str
    title: str
    service: str
    before: float | None
    after: float | None
    change: tuple[float, float, float] | None  # estimate, low, high


def city_satisfaction(year: int) -> list[SatisfactionLine]:
    """The city report's satisfaction section: the consolidated tasks that name a survey and a day applied."""
    from sangtao.annual.results import task_results

    tasks = list(AnnualTask.objects.filter(plan__in=AnnualPlan.objects.filter(IN_CITY_PLAN, year=year),
                                           survey__isnull=False, applied_on__isnull=False)
                 .select_related("plan__unit", "survey").order_by("plan__unit__sort_name", "position", "pk"))
    lines = []
    for result in task_results(tasks).values():
        impact, task = result.impact, result.task
        change = impact.change if impact is not None else None
        lines.append(SatisfactionLine(
            task.plan.unit.name, task.title, task.public_service, _satisfied(impact.before if impact else None),
            _satisfied(impact.after if impact else None), (change.estimate, change.low, change.high) if change else None))
    return lines


def _satisfied(cell) -> float | None:
    """A survey cell's satisfied share, None when it has none or it is suppressed (too few answers)."""
    return cell.share.estimate if cell is not None and cell.share is not None else None
